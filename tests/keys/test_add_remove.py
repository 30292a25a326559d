"""Adding, replacing and removing keys (KEY-212, KEY-253, KEY-255): refusals leave the store unchanged."""
from __future__ import annotations

import sqlite3

import pytest

from keys.errors import AddKeyRefused, KeyRemovalRefused, LicenseFileError

from .conftest import module


def dump(path):
    conn = sqlite3.connect(path)
    try:
        return [r for r in conn.iterdump() if "clock_high_water" not in r]
    finally:
        conn.close()


@pytest.mark.rule("KEY-253", "KEY-96")
@pytest.mark.parametrize("kw, message", [
    ({"pin": "9999"}, "Nieprawidłowy PIN dla klucza 5000000107."),
    ({"key_number": "5000000108"}, "Numer klucza nie zgadza się z plikiem licencji."),
    ({"client_id": "654321"}, "ID Klienta nie zgadza się z plikiem licencji."),
    ({"email": "not-an-address"}, "Nieprawidłowy adres e-mail."),
])
def test_wrong_typed_data_adds_nothing(manager, make_license, store_path, kw, message):
    admin = manager("ADMIN")
    before = dump(store_path)
    args = {"client_id": "123456", "pin": "1234", "key_number": "5000000107", "email": "admin@firma.pl", **kw}
    with pytest.raises(AddKeyRefused) as exc:
        admin.add_license(make_license(), **args)
    assert str(exc.value) == message
    assert dump(store_path) == before and admin.demo_mode


@pytest.mark.rule("KEY-213", "KEY-214")
def test_tampered_file_is_refused_and_store_unchanged(manager, lic_file, make_license, store_path):
    admin = manager("ADMIN")
    text = make_license()
    lines = text.splitlines()
    line = lines[3]
    lines[3] = line[:10] + ("A" if line[10] != "A" else "B") + line[11:]
    path = lic_file("\n".join(lines))
    before = dump(store_path)
    with pytest.raises(LicenseFileError):
        admin.add_license(path, client_id="123456", pin="1234", key_number="5000000107")
    assert dump(store_path) == before


@pytest.mark.rule("KEY-214")
def test_stored_license_from_withdrawn_vendor_key_gives_nothing(installed, manager, store_path, clock):
    from keys.manager import KeyManager

    installed()
    later = KeyManager(store_path, (), None, "ANNA", clock=clock, connection="x")  # key withdrawn in a later release
    view = later.keys()[0]
    assert view.state_label == "Nieaktywny" and view.modules == () and "Podpis" in view.error
    later.close()


@pytest.mark.rule("KEY-95", "KEY-253", "KEY-85")
def test_added_key_appears_and_email_becomes_admin_address(manager, lic_file):
    admin = manager("ADMIN")
    assert admin.add_license(lic_file(), client_id="123456", pin="1234", key_number="5000000107",
                             email="admin@firma.pl") == "added"
    assert [v.key_number for v in admin.keys()] == ["5000000107"]
    assert admin.store.settings()["admin_email"] == "admin@firma.pl"
    assert [m.code for m in admin.modules()] == ["START", "HANDEL"]


@pytest.mark.rule("KEY-212")
def test_higher_serial_replaces_and_keeps_seats_lower_is_refused(installed, manager, make_license, store_path):
    admin = installed(modules=[module(2, "HANDEL", 1)])
    anna = manager("ANNA")
    anna.acquire("HANDEL")
    v2 = make_license(serial=2, modules=[module(2, "HANDEL", 2)])
    assert admin.add_license(v2, client_id="123456", pin="1234", key_number="5000000107") == "replaced"
    assert [(m.seats_initial, m.seats_current) for m in admin.modules()] == [(2, 1)]
    assert admin.add_license(v2, client_id="123456", pin="1234", key_number="5000000107") == "same"
    before = dump(store_path)
    with pytest.raises(AddKeyRefused, match=r"wersja 1 ≤ 2"):
        admin.add_license(make_license(serial=1), client_id="123456", pin="1234", key_number="5000000107")
    assert dump(store_path) == before
    hist = admin.store.conn.execute("SELECT serial FROM keys_license_history").fetchall()
    assert hist == [(1,)]


@pytest.mark.rule("KEY-97", "KEY-255", "KEY-249", "KEY-93")
def test_remove_refused_while_others_hold_seats_then_gives_deactivation_code(installed, manager):
    admin = installed()
    anna = manager("ANNA")
    anna.acquire("HANDEL")
    admin.acquire("START")  # the administrator's own seat does not block
    with pytest.raises(KeyRemovalRefused, match="pobrane przez 1 użytkowników"):
        admin.remove_key("5000000107")
    anna.release("HANDEL")
    code = admin.remove_key("5000000107")
    assert code.startswith("FILIA PL ")
    assert admin.keys() == [] and admin.seats() == [] and admin.demo_mode
