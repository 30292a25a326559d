"""Real competing processes on one key store: exactly N of N+1 win; a SIGKILLed holder's seat returns
after the lease (real time, short lease)."""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time

import pytest

from keys.errors import SeatRefused
from keys.manager import KeyManager

from .conftest import module

CTX = mp.get_context("fork")


@pytest.fixture
def clock():
    """Real time here: these processes share the wall clock."""
    return time.time


def _contender(path, trusted, i, barrier, results, done):
    km = KeyManager(path, trusted, None, f"OP{i}", connection=f"10.9.0.{i} 4000{i} 10.0.0.1 22")
    barrier.wait()
    try:
        km.acquire("HANDEL")
        results.put((i, "granted"))
    except Exception as exc:  # noqa: BLE001 - report anything to the parent
        results.put((i, f"{type(exc).__name__}: {exc}"))
    done.wait(30)  # hold until every contender has tried
    km.close()


@pytest.mark.rule("KEY-223", "KEY-236", "KEY-266")
@pytest.mark.parametrize("seats, processes", [(1, 8), (3, 4)])
def test_n_plus_one_processes_exactly_n_win(store_path, trusted, installed, make_license, seats, processes):
    installed(modules=[module(2, "HANDEL", seats)])
    barrier, results, done = CTX.Barrier(processes), CTX.Queue(), CTX.Event()
    procs = [CTX.Process(target=_contender, args=(store_path, trusted, i, barrier, results, done))
             for i in range(processes)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    done.set()
    for p in procs:
        p.join(30)
    granted = [i for i, r in outcomes if r == "granted"]
    refused = [r for i, r in outcomes if r != "granted"]
    assert len(granted) == seats
    assert len(refused) == processes - seats
    assert all(f"zajęte {seats} z {seats}" in r for r in refused)
    assert all(p.exitcode == 0 for p in procs)


def _holder(path, trusted, ready, beat):
    km = KeyManager(path, trusted, None, "GHOST", connection="10.9.9.9 4999 10.0.0.1 22",
                    overrides={"lease_s": 2})
    km.acquire("HANDEL")
    ready.set()
    while True:  # a live session beats; a killed one stops
        time.sleep(0.2)
        if beat:
            km.touch()
            km.heartbeat()


@pytest.mark.rule("KEY-55", "KEY-238", "KEY-239")
def test_sigkilled_holder_seat_is_freed_after_the_lease(store_path, trusted, installed):
    installed(modules=[module(2, "HANDEL", 1)])
    ready = CTX.Event()
    proc = CTX.Process(target=_holder, args=(store_path, trusted, ready, False))
    proc.start()
    assert ready.wait(30)
    other = KeyManager(store_path, trusted, None, "JAN", connection="10.9.9.1 4001 10.0.0.1 22",
                       overrides={"lease_s": 2})
    try:
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(10)
        with pytest.raises(SeatRefused, match="GHOST"):
            other.acquire("HANDEL")  # the dead process still holds it: no clean release happened
        time.sleep(2.5)  # the lease (2 s) runs out in real time
        other.acquire("HANDEL")
        assert [s.operator for s in other.seats()] == ["JAN"]
    finally:
        other.close()
        if proc.is_alive():
            proc.kill()


@pytest.mark.rule("KEY-237")
def test_live_heartbeating_holder_keeps_the_seat_past_the_lease(store_path, trusted, installed):
    installed(modules=[module(2, "HANDEL", 1)])
    ready = CTX.Event()
    proc = CTX.Process(target=_holder, args=(store_path, trusted, ready, True))
    proc.start()
    assert ready.wait(30)
    other = KeyManager(store_path, trusted, None, "JAN", connection="10.9.9.1 4001 10.0.0.1 22",
                       overrides={"lease_s": 2})
    try:
        time.sleep(3)
        with pytest.raises(SeatRefused, match="GHOST"):
            other.acquire("HANDEL")
    finally:
        other.close()
        proc.kill()
        proc.join(10)


def _signalled_holder(path, trusted, ready):
    km = KeyManager(path, trusted, None, "SSHUSER", connection="10.9.9.8 4998 10.0.0.1 22")
    km.install_signal_handlers()
    km.acquire("HANDEL")
    ready.set()
    while True:
        time.sleep(0.2)


@pytest.mark.rule("KEY-238")
@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM])
def test_sighup_or_sigterm_releases_at_once(store_path, trusted, installed, sig):
    admin = installed(modules=[module(2, "HANDEL", 1)])
    ready = CTX.Event()
    proc = CTX.Process(target=_signalled_holder, args=(store_path, trusted, ready))
    proc.start()
    assert ready.wait(30)
    assert [s.operator for s in admin.seats()] == ["SSHUSER"]
    os.kill(proc.pid, sig)
    proc.join(10)
    assert proc.exitcode == -sig  # the process still ends by the signal
    assert admin.seats() == []  # no lease wait: the seat is back at once
