"""`filia init`: the wizard's rules through the real CLI and the TUI form (SETUP-1, SETUP-2)."""
from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from store.db import database, open_database


def _filia(*args, env_extra=None, cwd=None):
    import os

    env = {**os.environ, "FILIA_LANG": "pl", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, env=env, timeout=120)


def _company_rows(path):
    if not path.exists():
        return None
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT name, nip FROM company").fetchall()
    except sqlite3.OperationalError:
        return None
    finally:
        con.close()


@pytest.mark.rule("SETUP-1", "SETUP-2")
def test_init_flags_create_a_branch_and_role_cannot_change(tmp_path):
    db = tmp_path / "oddzial.db"
    ok = _filia("--db", str(db), "init", "--role", "branch", "--costing", "LIFO", "--name", "Oddział Kraków",
                "--nip", "PL 526-025-02-74", "--postal-code", "30001", "--symbol", "krk1",
                "--exchange-folder", str(tmp_path), "--admin-password", "tajne1")
    assert ok.returncode == 0, ok.stderr
    assert _company_rows(db) == [("Oddział Kraków", "5260250274")]
    con = sqlite3.connect(db)
    settings = dict(con.execute("SELECT key, value FROM setting").fetchall())
    hashes = [r[0] for r in con.execute("SELECT password_hash FROM operator")]
    con.close()
    assert settings["role"] == "branch" and settings["costing_method"] == "LIFO"
    assert settings["branch_symbol"] == "KRK1"
    assert hashes[0].startswith("scrypt$") and "tajne1" not in hashes[0]
    again = _filia("--db", str(db), "init", "--role", "hq", "--name", "X", "--admin-password", "tajne1")
    assert again.returncode == 2 and "nie mogą być zmienione" in again.stderr
    con = sqlite3.connect(db)
    assert dict(con.execute("SELECT key, value FROM setting").fetchall())["role"] == "branch"
    con.close()


@pytest.mark.rule("SETUP-2")
def test_init_refuses_bad_input_naming_each_field_and_saves_nothing(tmp_path):
    db = tmp_path / "firma.db"
    bad = _filia("--db", str(db), "init", "--role", "branch", "--name", "Firma", "--nip", "1234567890",
                 "--regon", "12345", "--postal-code", "3000", "--admin-password", "x")
    assert bad.returncode == 2
    for field in ("NIP", "REGON", "Kod pocztowy", "Symbol oddziału", "Katalog pliku wymiany", "Hasło"):
        assert field in bad.stderr, bad.stderr
    assert "Nic nie zapisano" in bad.stderr
    assert not db.exists()                  # nothing at all: no half-built database either
    assert "Traceback" not in bad.stderr


def test_no_traceback_reaches_the_user_on_a_newer_database(tmp_path):
    db = tmp_path / "nowa.db"
    d = open_database(f"sqlite:///{db}", create=True)
    d.execute_sql("INSERT INTO schema_migration(area, version, name, applied_at) VALUES ('x', 1, 'x', '2030-01-01')")
    d.close()
    database.initialize(None)
    before = db.read_bytes()
    out = _filia("--db", str(db))
    assert out.returncode == 2 and "nowszej wersji" in out.stderr and "Traceback" not in out.stderr
    assert db.read_bytes() == before


async def test_wizard_form_shows_polish_errors_and_saves_nothing(tmp_path):
    """The wizard only collects the data; the database appears when Ctrl+S is accepted, not before."""
    from store import config
    from store.setup import create_company
    from tui.screens.setup_wizard import SetupWizardApp

    path = tmp_path / "w.db"
    url = f"sqlite:///{path}"
    app = SetupWizardApp(create=lambda data: create_company(url, data))
    async with app.run_test(size=(100, 60)) as pilot:
        app.query_one("#company_name").value = "Firma"
        app.query_one("#nip").value = "1234567890"
        app.query_one("#admin_password").value = "haslo"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "NIP" in str(app.query_one("#error-nip").render())
        assert not path.exists()                                      # refused: no file at all
        app.query_one("#nip").value = "5260250274"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.return_value is True
    d = open_database(url)
    assert config.role() == "standalone" and config.company().nip == "5260250274"
    assert config.fixed_reason("role")  # shown as read-only with the reason
    d.close()
    database.initialize(None)
