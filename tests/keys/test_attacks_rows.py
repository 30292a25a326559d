"""Issue 15 item 2: a user with write access to the key store (the sqlite3 shell) but not the vendor's key.
Grants come only from vendor-signed material, verified again at every evaluation; nothing he writes by hand
adds a module, a seat or a day, and a refused attempt changes nothing (compared by dump)."""
from __future__ import annotations

import pytest

from keys import activation as act
from keys.errors import AddKeyRefused, SeatRefused

from .conftest import FIRM_NIP, OTHER_NIP, module
from .store_dump import dump, sqlite3_shell

KEY = "5000000107"


def _forge_full_activation(store_path, installation_id, key_number=KEY):
    sqlite3_shell(store_path, "INSERT OR REPLACE INTO keys_activation(key_number, kind, valid_until, installation_id, "
                              f"applied_at, applied_by) VALUES ('{key_number}', 'full', NULL, '{installation_id}', "
                              "0, 'me')")


@pytest.mark.rule("KEY-233", "KEY-246")
def test_activation_row_inserted_by_hand_grants_nothing(installed, manager, store_path):
    admin = installed(activation_required=True)
    _forge_full_activation(store_path, admin.store.installation_id)
    before = dump(store_path)
    jan = manager("JAN")
    with pytest.raises(SeatRefused, match="klucz nie jest aktywny"):
        jan.acquire("HANDEL")
    assert jan.keys()[0].state_label == "Moduły nie były jeszcze pobierane"
    assert jan.status() == ("Licencja: brak dostępnych modułów", "red")
    assert dump(store_path) == before


@pytest.mark.rule("KEY-233", "KEY-247", "KEY-118")
def test_temporary_activation_edited_to_full_still_ends_when_signed(installed, manager, store_path, vendor_key,
                                                                     clock):
    admin = installed(activation_required=True)
    request = admin.activation_request(KEY, temporary=True)
    admin.apply_code(KEY, act.answer(act.parse_request(request), vendor_key, now=clock(), valid_hours=24))
    sqlite3_shell(store_path, "UPDATE keys_activation SET kind = 'full', valid_until = NULL")
    jan = manager("JAN")
    assert jan.keys()[0].state_label == "Aktywny tymczasowo"  # what the signed code says, not the row
    clock.advance(25 * 3600)
    sqlite3_shell(store_path, "UPDATE keys_activation SET valid_until = 4102444800")  # and once more, to 2100
    jan.keys()  # the clock mark follows the day that passed
    before = dump(store_path)
    with pytest.raises(SeatRefused, match="klucz nie jest aktywny"):
        jan.acquire("HANDEL")
    assert jan.keys()[0].state_label == "Nieaktywny"
    assert dump(store_path) == before


@pytest.mark.rule("KEY-233", "KEY-246")
def test_activation_of_one_key_copied_to_another_grants_nothing(installed, manager, make_license, store_path,
                                                                vendor_key, clock):
    admin = installed(activation_required=True)
    installed(make_license(key_number="5000000108", activation_required=True), key_number="5000000108")
    request = admin.activation_request(KEY)
    admin.apply_code(KEY, act.answer(act.parse_request(request), vendor_key, now=clock(), valid_hours=None))
    sqlite3_shell(store_path, "CREATE TEMP TABLE t AS SELECT * FROM keys_activation WHERE key_number = '5000000107'; "
                              "UPDATE t SET key_number = '5000000108'; "
                              "INSERT OR REPLACE INTO keys_activation SELECT * FROM t;")
    before = dump(store_path)
    other = manager("JAN", key_number="5000000108")
    with pytest.raises(SeatRefused, match="klucz nie jest aktywny"):
        other.acquire("HANDEL")
    states = {v.key_number: v.state_label for v in other.keys()}
    assert states == {KEY: "Aktywny", "5000000108": "Nieaktywny"}
    assert dump(store_path) == before


@pytest.mark.rule("KEY-259", "KEY-233", "KEY-260")
@pytest.mark.parametrize("key_type, nips", [("firm", [OTHER_NIP]), ("standard", [])])
def test_another_customers_license_inserted_by_hand_grants_nothing(manager, make_license, store_path, key_type,
                                                                  nips):
    text = make_license(client_id="999999", key_type=key_type, nips=nips, activation_required=True)
    probe = manager("PROBE")  # creates the key store, as the installation did
    probe.keys()
    installation_id = probe.store.installation_id
    sqlite3_shell(store_path, "INSERT INTO keys_license(key_number, serial, license_id, file_text, client_id, email, "
                              f"added_at, added_by) VALUES ('{KEY}', 1, 'x', '{text}', '999999', '', 0, 'me')")
    _forge_full_activation(store_path, installation_id)
    before = dump(store_path)
    ours = manager("JAN", nip=FIRM_NIP)
    with pytest.raises(Exception) as refused:
        ours.acquire("HANDEL")
    assert "NIP" in str(refused.value) if key_type == "firm" else "klucz nie jest aktywny" in str(refused.value)
    assert ours.held() == set() and not ours.demo_mode
    after = dump(store_path)
    events = after.pop("keys_event")
    assert [e[3] for e in events] == (["nip_mismatch"] if key_type == "firm" else [])  # KEY-222: recorded
    assert before.pop("keys_event") == [] and after == before


def _forge_seat_row(store_path, group_id):
    """A copy of ANNA's row, put into JAN's group by hand."""
    sqlite3_shell(store_path, "INSERT INTO keys_seat(key_number, module_number, module_code, group_id, instance_id, "
                              "kind, operator, os_user, host, connection, pid, company_db, started_at, refreshed_at, "
                              f"active_at) SELECT key_number, module_number, module_code, '{group_id}', 'forged', "
                              "kind, 'JAN', os_user, host, connection, 1, '', started_at, refreshed_at, active_at "
                              "FROM keys_seat")


def _groups(*managers):
    return sum(1 for km in managers if "HANDEL" in km.held())


@pytest.mark.rule("KEY-236", "KEY-237")
def test_seat_row_inserted_by_hand_adds_no_seat(installed, manager, store_path):
    installed(modules=[module(2, "HANDEL", 1)])
    anna, jan = manager("ANNA", connection="10.1.1.1 1 10.0.0.1 22"), manager("JAN", connection="10.1.1.2 2 10.0.0.1 22")
    anna.acquire("HANDEL")
    _forge_seat_row(store_path, jan.identity.group_id)
    before = dump(store_path)
    with pytest.raises(SeatRefused, match="zajęte"):
        jan.acquire("HANDEL")
    assert dump(store_path) == before
    anna.heartbeat()
    assert anna.held() == {"HANDEL"}


@pytest.mark.rule("KEY-236", "KEY-237")
@pytest.mark.parametrize("forgery", [
    "UPDATE keys_seat SET id = 0 WHERE instance_id = 'forged'",           # the forged row older than ANNA's
    "UPDATE keys_seat SET group_id = '{jan}' WHERE operator = 'ANNA'",   # ANNA's row moved into JAN's group
])
def test_seat_rows_edited_by_hand_never_give_two_holders_one_seat(installed, manager, store_path, forgery):
    installed(modules=[module(2, "HANDEL", 1)])
    anna, jan = manager("ANNA", connection="10.1.1.1 1 10.0.0.1 22"), manager("JAN", connection="10.1.1.2 2 10.0.0.1 22")
    anna.acquire("HANDEL")
    _forge_seat_row(store_path, jan.identity.group_id)
    sqlite3_shell(store_path, forgery.format(jan=jan.identity.group_id))
    try:
        jan.acquire("HANDEL")
    except SeatRefused:
        pass
    anna.heartbeat()
    jan.heartbeat()
    assert _groups(anna, jan) <= 1  # whoever the forgery favours, one seat serves one group


@pytest.mark.rule("KEY-64", "KEY-243", "KEY-236")
@pytest.mark.parametrize("assigned_at", ["assigned_at + 1", "0"])
def test_named_assignment_inserted_by_hand_adds_no_seat(installed, manager, store_path, assigned_at):
    installed(modules=[module(5, "KASA", 1, named=True, named_by="operator")])
    anna = manager("ANNA", connection="ssh-a")
    anna.acquire("KASA")
    sqlite3_shell(store_path, "INSERT INTO keys_named_seat SELECT key_number, module_number, 'JAN', "
                              f"{assigned_at}, last_used_at FROM keys_named_seat")
    jan = manager("JAN", connection="ssh-b")
    try:
        jan.acquire("KASA")
    except SeatRefused:
        pass
    anna.heartbeat()
    jan.heartbeat()
    assert sum(1 for km in (anna, jan) if "KASA" in km.held()) <= 1


@pytest.mark.rule("KEY-212")
def test_older_serial_is_refused_also_after_remove_and_add(installed, manager, make_license, store_path):
    admin = installed(make_license(serial=2, modules=[module(2, "HANDEL", 1)]))
    admin.remove_key(KEY)
    before = dump(store_path)
    older = make_license(serial=1, modules=[module(2, "HANDEL", 9)])
    with pytest.raises(AddKeyRefused, match=r"wersja 1 ≤ 2"):
        admin.add_license(older, client_id="123456", pin="1234", key_number=KEY)
    assert dump(store_path) == before and admin.keys() == []
    history = admin.store.read("SELECT serial FROM keys_license_history")
    assert history == [(2,)]  # the removed file stays in the history


@pytest.mark.rule("KEY-233", "KEY-214", "KEY-246")
def test_license_and_activation_rows_updated_to_another_customers_key_grant_nothing(installed, manager, make_license,
                                                                                   store_path, vendor_key, clock):
    admin = installed(activation_required=True, modules=[module(1, "START", 1), module(2, "HANDEL", 1)])
    request = admin.activation_request(KEY)
    admin.apply_code(KEY, act.answer(act.parse_request(request), vendor_key, now=clock(), valid_hours=None))
    bigger = make_license(key_number="5000000999", client_id="999999", activation_required=True,
                          modules=[module(1, "START", 50), module(2, "HANDEL", 50)])
    sqlite3_shell(store_path, f"UPDATE keys_license SET key_number = '5000000999', file_text = '{bigger}'; "
                              "UPDATE keys_activation SET key_number = '5000000999';")
    jan = manager("JAN")
    jan.keys()
    before = dump(store_path)
    with pytest.raises(SeatRefused, match="klucz nie jest aktywny"):
        jan.acquire("HANDEL")
    assert [(v.key_number, v.state_label) for v in jan.keys()] == [("5000000999", "Nieaktywny")]
    assert dump(store_path) == before
