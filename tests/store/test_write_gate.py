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


def test_a_serial_batch_waiting_for_another_sessions_lock_is_announced(db, db_url):
    """Both engines: another session holds the price row (PostgreSQL row lock) or the write lock (SQLite) for
    2 s; the serial change waits, the listeners hear it after a second and again when it ends."""
    from decimal import Decimal
    from urllib.parse import parse_qs, urlparse

    from store.catalog.prices import retail_price_type
    from store.catalog.serial import change_prices
    from store.demo import build_demo

    build_demo(contractors=2, goods=5, seed=3)
    from store.catalog import GoodsPrice

    pt = retail_price_type().id
    row = GoodsPrice.select().where(GoodsPrice.price_type == pt).order_by(GoodsPrice.goods).first()
    held = threading.Event()
    if db_url.startswith("sqlite"):
        locker = hold_write_lock(db.database, 2.0)
        holder = None
    else:
        import psycopg2

        parsed = urlparse(db_url)
        schema = parse_qs(parsed.query)["schema"][0]

        def hold() -> None:
            conn = psycopg2.connect(db_url.split("?")[0], options=f"-c search_path={schema}")
            cur = conn.cursor()
            cur.execute('SELECT 1 FROM goods_price WHERE id = %s FOR UPDATE', (row.id,))
            held.set()
            time.sleep(2.0)
            conn.rollback()
            conn.close()
        holder = threading.Thread(target=hold)
        holder.start()
        held.wait(10)
        locker = None
    heard = []
    write_gate.add_wait_listener(heard.append)
    try:
        report = change_prices([row.goods_id], price_type_id=pt, percent=Decimal(10))
    finally:
        write_gate.remove_wait_listener(heard.append)
        if locker is not None:
            locker.wait(30)
        if holder is not None:
            holder.join(30)
    assert heard[:1] == [True] and heard[-1:] == [False]
    assert report.complete and report.n_changed == 1
