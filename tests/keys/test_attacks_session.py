"""Issue 15 items 3-4: seats and expiry hold in a running session. A seat is not kept for ever by leaving a
screen open, a stopped process does not wake up with a seat someone else holds now, a module that ends
stops new work, and a session whose seats the administrator released never takes them back."""
from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import signal
import time

import pytest

from keys import activation as act
from keys.manager import KeyManager
from keys.session import SessionSeats

from .conftest import module

CTX = mp.get_context("fork")
# Each process purges the others' rows with its own settings: the one whose seat should go away is purged by a
# process with a short limit, while the long limits keep a busy machine from purging the live holder.
SHORT_IDLE = {"lease_s": 30, "idle_release_s": 3, "heartbeat_s": 1}
SHORT_LEASE = {"lease_s": 3, "idle_release_s": 30, "heartbeat_s": 1}
PATIENT = {"lease_s": 30, "idle_release_s": 30, "heartbeat_s": 1}


async def until(pilot, predicate, seconds: float = 15.0, said=lambda: "") -> None:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    assert predicate(), said()


def _intruder(path, trusted, took, done):
    """Another user's session (its own process) that takes HANDEL once the seat is free."""
    km = KeyManager(path, trusted, None, "INTRUZ", connection="10.7.7.7 7 10.0.0.1 22", overrides=SHORT_IDLE)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            km.acquire("HANDEL")
            break
        except Exception:  # noqa: BLE001 - still held by the idle session: try again
            time.sleep(0.2)
    took.set()
    while not done.is_set():  # a live session: beats, types
        km.touch()
        km.heartbeat()
        time.sleep(0.3)
    km.close()


@pytest.fixture
def licensed_store(store_path, trusted, make_license):
    """START 3 seats, HANDEL 1 seat, on the real clock (these processes share the wall clock)."""
    admin = KeyManager(store_path, trusted, None, "ADMIN", connection="admin", is_admin=True)
    admin.add_license(make_license(modules=[module(1, "START", 3), module(2, "HANDEL", 1)]), client_id="123456",
                      pin="1234", key_number="5000000107")
    admin.close()
    return store_path


@pytest.mark.rule("KEY-55", "KEY-239", "KEY-240", "KEY-234")
async def test_idle_session_may_save_its_open_card_once_but_starts_nothing_new(demo_url, licensed_store, trusted):
    """Real processes, real time, short lease: the card left open saves; a new card is refused, naming
    who holds the seat now."""
    from store.parties import Contractor
    from tui.app import FiliaApp
    from tui.screens.list_screen import ListScreen
    from tui.widgets.form import FormScreen

    km = KeyManager(licensed_store, trusted, "5260250274", "", connection="10.1.1.1 1 10.0.0.1 22", overrides=PATIENT)
    app = FiliaApp(demo_url, operator_login="ADMIN", seats=SessionSeats(km))
    took, done = CTX.Event(), CTX.Event()
    intruder = CTX.Process(target=_intruder, args=(licensed_store, trusted, took, done))
    try:
        async with app.run_test(size=(140, 45)) as pilot:
            await until(pilot, lambda: km.held() == {"START"})
            app.action_open_list("contractors")
            await until(pilot, lambda: isinstance(app.screen, ListScreen))
            await pilot.press("insert")
            await until(pilot, lambda: isinstance(app.screen, FormScreen) and app.screen.ready_for_input)
            await pilot.press(*"IDLE1")
            app.screen.query_one("#f-name").value = "Karta otwarta przed przerwą"
            await pilot.pause()
            intruder.start()
            await asyncio.sleep(3.5)        # nobody types: the idle release runs out
            assert took.wait(20)            # and the other session takes the only HANDEL seat
            await pilot.press("ctrl+s")     # the open card may still be saved
            await until(pilot, lambda: isinstance(app.screen, ListScreen) and app.screen.focused is not None)
            assert Contractor.select().where(Contractor.code == "IDLE1").count() == 1
            await pilot.press("insert")     # but nothing new starts

            def said():
                return " ".join(str(n.message) for n in app._notifications)

            await until(pilot, lambda: "INTRUZ" in said(), said=lambda: f"{said()!r} screen={app.screen!r}")
            await pilot.pause(0.3)
            assert isinstance(app.screen, ListScreen) and "bezczynności albo przerwy" in said()
            assert km.held() == {"START"}   # START came back first; HANDEL is the intruder's
    finally:
        done.set()
        if intruder.pid:
            intruder.join(10)
        km.close()


def _sleeper(path, trusted, ready, go, out):
    seats = SessionSeats(KeyManager(path, trusted, None, "SPIOCH", connection="10.5.5.5 5 10.0.0.1 22",
                                    overrides=PATIENT))
    out.put(("first", seats.enter_module("HANDEL")))
    ready.set()
    go.wait(30)
    out.put(("again", seats.enter_module("HANDEL")))  # new work right after SIGCONT, before any timer ran
    seats.close()


@pytest.mark.rule("KEY-237", "KEY-239", "KEY-240")
def test_stopped_holder_wakes_up_without_the_seat_someone_took(licensed_store, trusted):
    ready, go, out = CTX.Event(), CTX.Event(), CTX.Queue()
    sleeper = CTX.Process(target=_sleeper, args=(licensed_store, trusted, ready, go, out))
    sleeper.start()
    other = None
    try:
        assert ready.wait(30) and out.get(timeout=10) == ("first", None)
        os.kill(sleeper.pid, signal.SIGSTOP)
        time.sleep(3.5)                      # its lease runs out while it cannot beat
        other = KeyManager(licensed_store, trusted, None, "ZMIENNIK", connection="10.6.6.6 6 10.0.0.1 22",
                           overrides=SHORT_LEASE)
        other.acquire("HANDEL")
        os.kill(sleeper.pid, signal.SIGCONT)
        go.set()
        while out.empty():                   # the other session is alive: it beats while we wait
            other.touch()
            other.heartbeat()
            time.sleep(0.2)
        label, refusal = out.get(timeout=30)
        assert label == "again" and refusal is not None
        assert "ZMIENNIK" in refusal and "bezczynności albo przerwy" in refusal
        assert [s.operator for s in other.seats() if s.module_code == "HANDEL"] == ["ZMIENNIK"]
    finally:
        sleeper.join(20)
        if sleeper.is_alive():
            sleeper.kill()
        if other is not None:
            other.close()


@pytest.mark.rule("KEY-234", "KEY-43", "KEY-45")
def test_subscription_ending_at_midnight_stops_new_work_at_the_first_heartbeat_after(installed, manager, clock):
    clock.set("2030-06-01T23:58:00")
    admin = installed(modules=[module(1, "START", 3), module(2, "HANDEL", 3, expiry="2030-06-01", subscription=True)])
    anna = SessionSeats(manager("ANNA"))
    assert anna.enter_module("START") is None and anna.enter_module("HANDEL") is None
    clock.advance(60)
    assert anna.heartbeat() is None and anna.check(["HANDEL"]) is None  # 23:59: still the 1st
    clock.advance(90)                                                    # 00:00:30 on the 2nd
    message = anna.heartbeat()
    assert message == "Moduł Handel w kluczu 5000000107 jest niedostępny: abonament wygasł 2030-06-01."
    assert anna.check(["HANDEL"]) == message and anna.enter_module("HANDEL") == message
    assert anna.check([]) is None                                        # START still works
    assert [s.module_code for s in admin.seats() if s.operator == "ANNA"] == ["START"]  # the row went back


@pytest.mark.rule("KEY-234", "KEY-99", "KEY-118", "KEY-233")
def test_temporary_activation_ending_is_found_by_the_two_hourly_reevaluation(installed, manager, clock,
                                                                            vendor_key):
    admin = installed(activation_required=True)
    request = admin.activation_request("5000000107", temporary=True)
    admin.apply_code("5000000107", act.answer(act.parse_request(request), vendor_key, now=clock() - 23 * 3600,
                                              valid_hours=24))  # answered yesterday: one hour left
    anna = SessionSeats(manager("ANNA"))
    assert anna.enter_module("START") is None and anna.enter_module("HANDEL") is None
    for _ in range(90):                       # 1 h 30 min of work: the activation ended half an hour ago
        clock.advance(60)
        anna.touch()
        assert anna.heartbeat() is None       # no re-evaluation inside the 2 hours (KEY-234)
    for _ in range(31):
        clock.advance(60)
        anna.touch()
        message = anna.heartbeat()
        if message:
            break
    assert message is not None and "klucz nie jest aktywny" in message
    assert anna.check(["HANDEL"]) is not None and anna.enter_module("HANDEL") is not None
    assert [s for s in admin.seats() if s.operator == "ANNA"] == []


@pytest.mark.rule("KEY-241", "KEY-57")
def test_session_released_by_the_administrator_never_takes_the_seats_back(installed, manager):
    admin = installed(modules=[module(1, "START", 3), module(2, "HANDEL", 2)])
    anna = SessionSeats(manager("ANNA", connection="ssh-a"))
    assert anna.enter_module("START") is None and anna.enter_module("HANDEL") is None
    admin.release_group("5000000107", anna.manager.identity.group_id)
    message = anna.heartbeat()
    assert message.startswith("Administrator zwolnił moduły tej sesji (START, HANDEL)")
    assert anna.check(["HANDEL"]) == "Administrator zwolnił moduły tej sesji (START). Zaloguj się ponownie, aby " \
                                     "z nich korzystać."
    assert anna.enter_module("HANDEL") is not None       # seats are free, yet it does not take them back
    assert admin.seats() == []
