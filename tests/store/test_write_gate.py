"""The SQLite write gate (issue 16 §6): a session waiting for another's write lock is told after a second,
gives up after its busy timeout with a Polish „Spróbuj ponownie” error, and a long writer pausing between
its transactions lets a waiting session in first."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest

from store import write_gate
from store.db import open_database, write
from store.errors import TransientWriteError


def hold_write_lock(path: str, seconds: float) -> subprocess.Popen:
    script = textwrap.dedent(f"""
        import sqlite3, time
        con = sqlite3.connect({path!r}, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        print("locked", flush=True)
        time.sleep({seconds})
        con.execute("COMMIT")
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


@pytest.fixture
def path(sqlite_db):
    return sqlite_db.database


def test_a_waiting_write_is_announced_after_a_second_and_then_goes_through(path):
    from store.config import get_setting, set_setting

    heard = []
    write_gate.add_wait_listener(heard.append)
    locker = hold_write_lock(path, 1.8)
    try:
        started = time.monotonic()
        set_setting("gate_test", "1")
        waited = time.monotonic() - started
    finally:
        write_gate.remove_wait_listener(heard.append)
        locker.wait(30)
    assert heard == [True, False] and waited >= 1.0
    assert get_setting("gate_test") == "1"


def test_the_busy_timeout_still_ends_the_wait_with_a_polish_message(path, sqlite_db):
    sqlite_db.close()
    db = open_database(f"sqlite:///{path}", busy_timeout_ms=400)
    locker = hold_write_lock(path, 3)
    try:
        started = time.monotonic()
        with pytest.raises(TransientWriteError) as caught:
            with write():
                pass
        assert 0.35 < time.monotonic() - started < 2.5
        assert "Spróbuj ponownie" in str(caught.value)
    finally:
        locker.wait(30)
        db.close()


def test_a_long_writer_lets_a_waiting_session_in_before_its_next_transaction(path):
    """The writer commits, pauses in let_waiters_in() while the other thread waits, and only then writes
    again: the waiter's write lands between the two (with SQLite's handler it could miss the window)."""
    from store.db import database

    order, holding = [], threading.Event()

    def waiter() -> None:
        holding.wait(10)
        with write():
            database.execute_sql("SELECT 1")
            order.append("waiter")
        database.close()
    thread = threading.Thread(target=waiter)
    thread.start()
    with write():
        holding.set()
        time.sleep(0.3)                     # the waiter is polling for the lock now
        order.append("first")
    paused = write_gate.let_waiters_in()
    with write():
        order.append("second")
    thread.join(10)
    assert order == ["first", "waiter", "second"]
    assert paused > 0
