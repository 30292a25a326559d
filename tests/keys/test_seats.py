"""Seat pool with an injected clock: groups, release, leases, idle release, named seats, admin release."""
from __future__ import annotations

import pytest

from keys import activation as act
from keys.errors import KeyRemovalRefused, SeatRefused

from .conftest import module


def free(km, code, key=None):
    return next(m.seats_current for m in km.modules(key) if m.code == code)


@pytest.mark.rule("KEY-53", "KEY-235", "KEY-236")
def test_starts_in_one_connection_share_one_seat(installed, manager):
    admin = installed(modules=[module(2, "HANDEL", 2)])
    starts = [manager("ANNA", connection="local") for _ in range(3)]
    for km in starts:
        km.acquire("HANDEL")
    assert free(admin, "HANDEL") == 1
    assert len([s for s in admin.seats() if s.module_code == "HANDEL"]) == 3  # every start is listed


@pytest.mark.rule("KEY-54", "KEY-240", "KEY-61")
def test_third_ssh_connection_is_refused_with_the_holders_named(installed, manager):
    admin = installed(modules=[module(2, "HANDEL", 2)])
    manager("ANNA", connection="10.1.1.1 5001 10.0.0.9 22").acquire("HANDEL")
    manager("JAN", connection="10.1.1.2 5002 10.0.0.9 22").acquire("HANDEL")
    assert free(admin, "HANDEL") == 0
    with pytest.raises(SeatRefused) as exc:
        manager("EWA", connection="10.1.1.3 5003 10.0.0.9 22").acquire("HANDEL")
    msg = str(exc.value)
    assert "Brak wolnej licencji modułu Handel w kluczu 5000000107: zajęte 2 z 2" in msg
    assert "ANNA" in msg and "JAN" in msg and "10.1.1.1" in msg


@pytest.mark.rule("KEY-63", "KEY-238")
def test_leaving_the_screen_releases_the_seat_at_once(installed, manager):
    admin = installed(modules=[module(2, "HANDEL", 1)])
    anna, jan = manager("ANNA"), manager("JAN")
    with anna.checkout("HANDEL"):
        with anna.checkout("HANDEL"):  # a second screen of the same module: no second seat
            assert free(admin, "HANDEL") == 0
        assert anna.held() == {"HANDEL"}
        with pytest.raises(SeatRefused):
            jan.acquire("HANDEL")
    assert anna.held() == set() and free(admin, "HANDEL") == 1
    with jan.checkout("HANDEL"):
        assert free(admin, "HANDEL") == 0
    anna.acquire("HANDEL")
    anna.close()  # logout/exit frees everything
    assert free(admin, "HANDEL") == 1


@pytest.mark.rule("KEY-55", "KEY-238", "KEY-239")
def test_crashed_session_seat_frees_after_the_lease(installed, manager, clock):
    admin = installed(modules=[module(2, "HANDEL", 1)])
    admin.store.set_setting("lease_s", 300, actor="t")
    ghost = manager("ANNA")
    ghost.acquire("HANDEL")  # then never heartbeats again: a killed process
    clock.advance(300)
    with pytest.raises(SeatRefused):
        manager("JAN").acquire("HANDEL")
    clock.advance(1)
    manager("EWA").acquire("HANDEL")
    assert [s.operator for s in admin.seats()] == ["EWA"]


@pytest.mark.rule("KEY-237", "KEY-59")
def test_heartbeating_active_session_keeps_its_seat_for_hours(installed, manager, clock):
    admin = installed(modules=[module(2, "HANDEL", 1)])
    anna = manager("ANNA")
    anna.acquire("HANDEL")
    for _ in range(180):  # 3 hours, a beat a minute, the operator typing
        clock.advance(60)
        anna.touch()
        assert anna.heartbeat() == []
    assert free(admin, "HANDEL") == 0
    with pytest.raises(SeatRefused):
        manager("JAN").acquire("HANDEL")


@pytest.mark.rule("KEY-55", "KEY-123", "KEY-239", "KEY-241")
def test_idle_session_is_released_after_idle_release_s(installed, manager, clock):
    admin = installed(modules=[module(2, "HANDEL", 1)])
    anna = manager("ANNA")
    anna.acquire("HANDEL")
    for _ in range(30):  # the process is alive and beats, but nobody touches a key for 1800 s
        clock.advance(60)
        assert anna.heartbeat() == []
    assert free(admin, "HANDEL") == 0  # exactly idle_release_s: still held
    clock.advance(1)
    lost = anna.heartbeat()
    assert lost == ["HANDEL"] and anna.held() == set()
    message = anna.lost_message(lost)
    assert "z powodu bezczynności" in message and "Administrator" not in message  # says which loss it was
    assert free(admin, "HANDEL") == 1
    manager("JAN").acquire("HANDEL")


@pytest.mark.rule("KEY-264", "KEY-123")
def test_idle_release_setting_applies(installed, manager, clock):
    admin = installed(modules=[module(2, "HANDEL", 1)])
    admin.store.set_setting("idle_release_s", 600, actor="admin")
    manager("ANNA").acquire("HANDEL")
    clock.advance(601)
    manager("JAN").acquire("HANDEL")
    with pytest.raises(Exception, match="Nieprawidłowa wartość parametru heartbeat_s"):
        admin.store.set_setting("heartbeat_s", 300, actor="admin")  # > idle/3
    admin.store.restore_defaults(actor="admin")
    assert admin.store.settings()["idle_release_s"] == 1800


@pytest.mark.rule("KEY-64", "KEY-65", "KEY-68", "KEY-243")
def test_named_seat_stays_with_its_operator(installed, manager, clock):
    admin = installed(modules=[module(5, "KASA", 1, named=True, named_by="operator")])
    anna = manager("ANNA", connection="ssh-1")
    anna.acquire("KASA")
    anna.close()  # logout does not free a named seat
    with pytest.raises(SeatRefused, match="Licencje zajmują: ANNA"):
        manager("JAN", connection="ssh-2").acquire("KASA")
    clock.advance(2 * 86400)  # two days, idle purge runs: still ANNA's
    anna2 = manager("ANNA", connection="ssh-3")
    anna2.acquire("KASA")
    assert free(admin, "KASA") == 0
    assert [r[2] for r in admin.named_seats()] == ["ANNA"]


@pytest.mark.rule("KEY-67", "KEY-244")
def test_vendor_reset_code_frees_a_named_seat_once(installed, manager, vendor_key, clock):
    admin = installed(modules=[module(5, "KASA", 1, named=True, named_by="operator")])
    manager("ANNA").acquire("KASA")
    code = __import__("keys.registry", fromlist=["x"]).activation_request(
        admin.store, "5000000107", module_number=5, identity="ANNA", actor="admin")
    reply = act.answer(act.parse_request(code), vendor_key, now=clock(), valid_hours=None)
    admin.apply_code("5000000107", reply)
    assert admin.named_seats() == []
    manager("JAN").acquire("KASA")
    with pytest.raises(Exception, match="już wykorzystany"):
        admin.apply_code("5000000107", reply)


@pytest.mark.rule("KEY-57", "KEY-241")
def test_admin_release_frees_one_group_and_the_session_learns_it(installed, manager):
    admin = installed(modules=[module(2, "HANDEL", 2)])
    anna, jan = manager("ANNA", connection="ssh-a"), manager("JAN", connection="ssh-b")
    anna.acquire("HANDEL")
    jan.acquire("HANDEL")
    assert free(admin, "HANDEL") == 0
    admin.release_group("5000000107", anna.identity.group_id)
    assert [s.operator for s in admin.seats()] == ["JAN"] and free(admin, "HANDEL") == 1
    assert anna.heartbeat() == ["HANDEL"] and jan.heartbeat() == []


@pytest.mark.rule("KEY-58", "KEY-241", "KEY-242")
def test_service_seats_cannot_be_released_by_admin(installed, manager):
    admin = installed(modules=[module(6, "CENTRALA", 1)])
    service = manager("", connection="service", kind="service")
    service.acquire("CENTRALA")
    with pytest.raises(KeyRemovalRefused, match="usługę wymiany danych"):
        admin.release_group("5000000107", service.identity.group_id)
    assert len(admin.seats()) == 1


@pytest.mark.rule("KEY-146", "KEY-236")
def test_each_key_is_its_own_pool(installed, manager, make_license):
    installed(modules=[module(2, "HANDEL", 1)])
    installed(make_license(key_number="5000000108", modules=[module(2, "HANDEL", 1)]), key_number="5000000108")
    manager("ANNA", key_number="5000000107").acquire("HANDEL")
    with pytest.raises(SeatRefused, match="5000000107"):
        manager("JAN", key_number="5000000107").acquire("HANDEL")
    manager("EWA", key_number="5000000108").acquire("HANDEL")


@pytest.mark.rule("KEY-240", "KEY-241")
def test_session_adapter_returns_messages_not_exceptions(installed, manager, clock):
    from keys.manager import SessionSeats

    installed(modules=[module(2, "HANDEL", 1)])
    anna = SessionSeats(manager("ANNA"))
    jan = SessionSeats(manager("JAN"))
    assert anna.enter_module("HANDEL") is None
    refusal = jan.enter_module("HANDEL")
    assert refusal.startswith("Brak wolnej licencji modułu Handel") and "ANNA" in refusal
    anna.manager.set_operator("ANNA2")
    assert [s.operator for s in anna.manager.seats()] == ["ANNA2"]
    clock.advance(1801)
    assert "z powodu bezczynności" in anna.heartbeat()
    assert jan.enter_module("HANDEL") is None
    jan.leave_module("HANDEL")
    assert anna.status_line() == "Licencja: OK"


@pytest.mark.rule("KEY-55", "KEY-239", "KEY-240")
def test_a_seat_taken_since_the_last_heartbeat_refuses_new_work_at_once(installed, manager, clock):
    """The heartbeat runs every heartbeat_s; a seat someone else took between two beats must not let the
    idle session start new work in that module meanwhile."""
    from keys.manager import SessionSeats

    admin = installed(modules=[module(2, "HANDEL", 1)])
    admin.store.set_setting("lease_s", 1800, actor="admin")
    admin.store.set_setting("heartbeat_s", 600, actor="admin")
    anna = SessionSeats(manager("ANNA"))
    assert anna.enter_module("HANDEL") is None
    for _ in range(3):                      # alive and beating, nobody typing: 1800 s, exactly the limit
        clock.advance(600)
        assert anna.heartbeat() is None
    clock.advance(1)                        # the next beat is 599 s away
    manager("JAN").acquire("HANDEL")        # JAN's checkout purges ANNA's idle row and takes the seat
    refusal = anna.check(["HANDEL"])
    assert refusal is not None and "JAN" in refusal and "bezczynności" in refusal
    assert "HANDEL" not in anna.manager.held()
