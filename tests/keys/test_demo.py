"""DEMO mode (KEY-262): no license → every module usable, no seat taken, "DEMO" on the status line."""
from __future__ import annotations

import pytest

from keys.demo import LIMITS, demo_mark
from keys.errors import LicenseError
from keys.manager import KeyManager


@pytest.mark.rule("KEY-6", "KEY-262", "KEY-9")
def test_empty_key_store_runs_demo_without_taking_seats(manager):
    km = manager("ANNA")
    assert km.demo_mode and km.status() == ("DEMO", "red") and km.status_line() == "DEMO"
    for code in ("START", "HANDEL", "MAGAZYN", "KASA"):
        with km.checkout(code):
            pass
    km.acquire("HANDEL")
    assert km.seats() == [] and km.store.conn.execute("SELECT COUNT(*) FROM keys_seat").fetchone() == (0,)
    assert "DEMO" in km.demo_reason()


@pytest.mark.rule("KEY-262")
def test_a_directory_in_place_of_the_key_store_is_refused_not_demo(tmp_path, trusted):
    bad = tmp_path / "dir.db"
    bad.mkdir()
    km = KeyManager(bad, trusted, None, "ANNA")
    assert not km.demo_mode and km.broken and str(bad) in km.problem
    assert km.status() == ("Licencja: magazyn kluczy niedostępny", "red")
    with pytest.raises(LicenseError, match="nie jest zwykłym plikiem"):
        km.acquire("HANDEL")
    km.close()


@pytest.mark.rule("KEY-262")
def test_demo_limits_are_marking_only(installed, manager):
    assert demo_mark() == "WERSJA DEMONSTRACYJNA"
    assert LIMITS.max_documents is None and not LIMITS.takes_seats and LIMITS.exchange_is_test_data
    installed()
    assert not manager("ANNA").demo_mode  # a license ends DEMO


@pytest.mark.rule("KEY-250")
def test_status_line_english(manager, monkeypatch):
    from keys import i18n

    monkeypatch.setenv("FILIA_LANG", "en")
    i18n.reset()
    try:
        km = manager("ANNA")
        assert km.status_line() == "DEMO"
        assert demo_mark() == "DEMONSTRATION VERSION"
    finally:
        monkeypatch.setenv("FILIA_LANG", "pl")
        i18n.reset()
