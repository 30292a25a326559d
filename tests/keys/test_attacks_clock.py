"""Issue 15 items 5-6: who a process is and what day it is come from what the user cannot set: the OS user
from the uid, "today" from the company's zone, the clock mark from the boot clock. A run with a clock years
ahead does not lock the installation; a vendor code can reset a mark left in the future."""
from __future__ import annotations

import argparse
import datetime as dt
import io
import multiprocessing as mp
import os
import time
from zoneinfo import ZoneInfo

import pytest

from keys import activation as act
from keys.cli import add_arguments, run
from keys.errors import ClockRollback, SeatRefused
from keys.manager import KeyManager

from .conftest import module
from .store_dump import dump, sqlite3_shell

CTX = mp.get_context("fork")
KEY = "5000000107"
YEAR_2040 = dt.datetime(2040, 1, 1, 12, tzinfo=dt.timezone.utc).timestamp()


@pytest.fixture
def real_store(store_path, trusted, make_license):
    """A key store on the real clock (these tests start real processes that share it)."""

    def make(**kw):
        admin = KeyManager(store_path, trusted, None, "ADMIN", connection="admin", is_admin=True)
        admin.add_license(make_license(**kw), client_id="123456", pin="1234", key_number=KEY)
        admin.close()
        return store_path

    return make


def _in_child(target, *args):
    out = CTX.Queue()
    proc = CTX.Process(target=target, args=(*args, out))
    proc.start()
    result = out.get(timeout=60)
    proc.join(30)
    return result


def _try_handel(km, out):
    try:
        km.acquire("HANDEL")
        out.put("granted")
    except SeatRefused as exc:
        out.put(str(exc))
    km.close()


def _spoofer(path, trusted, connection, out):
    os.environ.update(USER="anna", LOGNAME="anna", SSH_CONNECTION=connection)
    _try_handel(KeyManager(path, trusted, None, "NIEANNA"), out)  # group from the environment and the uid


@pytest.mark.rule("KEY-235", "KEY-236")
def test_user_and_logname_set_to_another_user_do_not_join_her_group(real_store, trusted):
    path = real_store(modules=[module(2, "HANDEL", 1)])
    conn = "10.1.1.1 50000 10.0.0.1 22"
    anna = KeyManager(path, trusted, None, "ANNA", os_user="anna", connection=conn)
    try:
        anna.acquire("HANDEL")
        result = _in_child(_spoofer, path, trusted, conn)
        assert result != "granted" and "zajęte 1 z 1" in result and "ANNA" in result
    finally:
        anna.close()


def _odd_tz(path, trusted, out):
    os.environ["TZ"] = "AAA+24:59:59"  # the process's local date is a day (or two) behind Warsaw
    time.tzset()
    _try_handel(KeyManager(path, trusted, None, "TZ"), out)


@pytest.mark.rule("KEY-43", "KEY-45", "KEY-232")
def test_tz_variable_does_not_move_the_day_a_subscription_ends(real_store, trusted):
    yesterday = dt.datetime.now(ZoneInfo("Europe/Warsaw")).date() - dt.timedelta(days=1)
    path = real_store(modules=[module(1, "START", 1), module(2, "HANDEL", 1, expiry=yesterday.isoformat(),
                                                                subscription=True)])
    result = _in_child(_odd_tz, path, trusted)
    assert result == f"Moduł Handel w kluczu {KEY} jest niedostępny: abonament wygasł {yesterday.isoformat()}."


def _year_2040(path, trusted, out):
    km = KeyManager(path, trusted, None, "PRZYSZLOSC", connection="10.4.4.4 4 10.0.0.1 22", clock=lambda: YEAR_2040)
    km.keys()
    km.acquire("HANDEL")  # out of warranty but usable in 2040: it takes the seat ...
    out.put(sorted(km.held()))
    out.close()
    out.join_thread()
    os._exit(0)           # ... and dies without giving it back


@pytest.mark.rule("KEY-223", "KEY-239")
def test_one_run_in_2040_then_a_run_at_the_right_time_works(real_store, trusted):
    path = real_store(modules=[module(1, "START", 3), module(2, "HANDEL", 1, expiry="2035-12-31")])
    assert _in_child(_year_2040, path, trusted) == ["HANDEL"]
    today = KeyManager(path, trusted, None, "DZIS", connection="10.3.3.3 3 10.0.0.1 22")
    try:
        mark = float(today.store.setting("clock_high_water"))
        assert mark < time.time() + 2 * 300   # the 2040 run moved the mark by minutes, not years
        today.acquire("HANDEL")               # not locked, and the 2040 row holds no seat
        assert today.status()[0] == "Licencja: OK"
        assert [s.operator for s in today.seats() if s.module_code == "HANDEL"] == ["DZIS"]
    finally:
        today.close()


@pytest.fixture
def cli(store_path, trusted, capsys):
    parser = argparse.ArgumentParser(prog="filia keys")
    add_arguments(parser)

    def call(*argv, clock=time.time):
        code = run(parser.parse_args(list(argv)), trusted_keys=trusted, store_path=store_path, clock=clock,
                   stdin=io.StringIO(""))
        out = capsys.readouterr()
        return code, out.out, out.err

    return call


@pytest.mark.rule("KEY-223", "KEY-246", "KEY-256")
def test_vendor_clock_code_resets_a_mark_left_in_the_future(real_store, trusted, store_path, cli, vendor_key):
    path = real_store(modules=[module(1, "START", 3), module(2, "HANDEL", 1)])
    sqlite3_shell(path, f"UPDATE keys_setting SET value = '{YEAR_2040!r}' WHERE name = 'clock_high_water'")
    km = KeyManager(path, trusted, None, "JAN", connection="10.2.2.2 2 10.0.0.1 22")
    with pytest.raises(ClockRollback):
        km.acquire("HANDEL")  # a mark left by an older Filia run in 2040
    code, out, err = cli("request", "--key", KEY, "--clock")
    assert code == 0, err
    request = out.splitlines()[0]
    assert act.parse_request(request).kind == act.CLOCK
    reply = act.answer(act.parse_request(request), vendor_key, now=time.time(), valid_hours=None)
    code, out, err = cli("activate", "--key", KEY, reply)
    assert code == 0, err
    km.acquire("HANDEL")
    assert km.held() == {"HANDEL"}
    code, _out, err = cli("activate", "--key", KEY, reply)  # once only
    assert code == 1 and "został już wykorzystany" in err
    km.close()


@pytest.mark.rule("KEY-223", "KEY-264")
def test_clock_tolerance_is_no_setting(installed, manager, store_path, clock, cli):
    admin = installed()
    admin.keys()
    before = dump(store_path)
    with pytest.raises(Exception, match="Nieznany parametr clock_tolerance_s"):
        admin.store.set_setting("clock_tolerance_s", 86400, actor="admin")
    assert dump(store_path) == before
    sqlite3_shell(store_path, "INSERT OR REPLACE INTO keys_setting VALUES ('clock_tolerance_s', '999999999')")
    clock.t -= 7 * 86400  # a week back, to stretch an expiry
    with pytest.raises(ClockRollback):
        manager("JAN").acquire("HANDEL")


@pytest.mark.rule("KEY-43", "KEY-45", "KEY-232")
def test_zone_written_by_hand_cannot_add_a_day(installed, manager, store_path, clock):
    clock.set("2030-06-01T12:00:00")
    installed(modules=[module(1, "START", 3), module(2, "HANDEL", 3, expiry="2030-06-01", subscription=True)])
    clock.set("2030-06-02T00:30:00")   # Warsaw: the subscription ended half an hour ago
    sqlite3_shell(store_path, "UPDATE keys_setting SET value = 'Etc/GMT+12' WHERE name = 'time_zone'")  # 1 June
    with pytest.raises(SeatRefused, match="abonament wygasł 2030-06-01"):
        manager("JAN").acquire("HANDEL")
