"""How a SQLite session gets the database's one write lock (issue 16 §6), and the „Czekam na zapis
innej sesji…” signal.

Python's sqlite3 has no busy-handler hook, and SQLite's own handler sleeps 1, 2, 5 … then 100 ms
between tries: under a stream of short writers a waiting session keeps waking up after the lock was
free and taken again. Measured (docs/decisions.md, bench/multiuser.py) the fix is `poll`: BEGIN
IMMEDIATE is tried with busy_timeout 0 in a Python loop that sleeps 0.5–2 ms between tries, up to the
session's busy timeout. Modes (FILIA_WRITE_GATE, for the measurement): `busy` (SQLite's handler),
`poll` (default), `flock` (a lock file before BEGIN: waiters block in the kernel and are woken at
once when it is released).

A session that waits announces it with a shared flock on `<db>-waiters`: a long writer (a serial
operation's batches) calls let_waiters_in() between its transactions and pauses while anyone waits,
so it cannot take the lock back before them. A wait of more than WAIT_NOTICE_S calls the listeners
(the TUI shows „Czekam na zapis innej sesji…”); they are called again with False when it ends.
"""
from __future__ import annotations

import fcntl
import os
import random
import sqlite3
import threading
import time
from typing import Callable

import peewee

WAIT_NOTICE_S = 1.0
MODES = ("busy", "poll", "flock")
_listeners: list[Callable[[bool], None]] = []
_local = threading.local()


def mode() -> str:
    value = os.environ.get("FILIA_WRITE_GATE", "poll")
    return value if value in MODES else "poll"


def add_wait_listener(fn: Callable[[bool], None]) -> None:
    """fn(True) when this process has waited WAIT_NOTICE_S for another session's write, fn(False) when
    the wait ends (called from the waiting thread)."""
    if fn not in _listeners:
        _listeners.append(fn)


def remove_wait_listener(fn: Callable[[bool], None]) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def _notify(waiting: bool) -> None:
    for fn in list(_listeners):
        try:
            fn(waiting)
        except Exception:  # noqa: BLE001 - a listener never breaks a write
            pass


class notice_after:
    """`with notice_after(1.0):` — for waits the gate cannot see (PostgreSQL row locks): when the block takes
    longer than the notice time, the listeners hear True, and False when it ends."""

    def __init__(self, seconds: float = WAIT_NOTICE_S) -> None:
        self.seconds, self.fired = seconds, threading.Event()

    def _fire(self) -> None:
        self.fired.set()
        _notify(True)

    def __enter__(self):
        self.timer = None
        if _listeners:
            self.timer = threading.Timer(self.seconds, self._fire)
            self.timer.daemon = True
            self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.timer is not None:
            self.timer.cancel()
            if self.fired.is_set():
                _notify(False)


def _open(path: str, suffix: str) -> int | None:
    """A new descriptor of `<db><suffix>` (flock belongs to an open file description; closing it releases
    the lock), or None where the folder is read-only: the gate then only loses its courtesy, never a write."""
    try:
        return os.open(path + suffix, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError:
        return None


_probe_fds: dict[str, int | None] = {}
_probe_lock = threading.Lock()


def _busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class _Wait:
    """Being a waiter: the shared flock on the waiters file, the notice after WAIT_NOTICE_S."""

    def __init__(self, path: str) -> None:
        self.path, self.started, self.announced, self.noticed = path, time.monotonic(), False, False
        self.fd: int | None = None

    def tick(self) -> float:
        if not self.announced:
            self.announced = True
            self.fd = _open(self.path, "-waiters")
            if self.fd is not None:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_SH)
                except OSError:
                    os.close(self.fd)
                    self.fd = None
        waited = time.monotonic() - self.started
        if waited >= WAIT_NOTICE_S and not self.noticed:
            self.noticed = True
            _notify(True)
        return waited

    def end(self) -> None:
        if self.fd is not None:
            os.close(self.fd)                   # releases the shared flock
            self.fd = None
        if self.noticed:
            _notify(False)


def let_waiters_in(path: str | None = None, longest: float = 0.5) -> float:
    """Between two transactions of a long writer: while another session waits for the write lock
    (holds a shared flock on the waiters file), pause — at most `longest` seconds. Returns the pause."""
    from store.db import database, is_sqlite

    if path is None:
        if database.obj is None or not is_sqlite():
            return 0.0
        path = database.obj.database
    if path == ":memory:":
        return 0.0
    with _probe_lock:
        if path not in _probe_fds:
            _probe_fds[path] = _open(path, "-waiters")
        fd = _probe_fds[path]
    if fd is None:
        return 0.0
    started = time.monotonic()
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            if time.monotonic() - started >= longest:
                break
            time.sleep(0.001)
            continue
        fcntl.flock(fd, fcntl.LOCK_UN)
        break
    return time.monotonic() - started


class SqliteGatedDatabase(peewee.SqliteDatabase):
    """SqliteDatabase whose BEGIN IMMEDIATE goes through the write gate (mode())."""

    def __init__(self, *args, busy_timeout_ms: int = 30_000, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.busy_timeout_ms = busy_timeout_ms

    def begin(self, lock_type=None):
        lock_type = lock_type or self._lock_type
        gate = mode()
        if lock_type != "IMMEDIATE" or gate == "busy" or self.database == ":memory:":
            return self._begin_waiting(lock_type)
        if gate == "flock":
            return self._begin_flock()
        return self._begin_poll()

    def _begin_waiting(self, lock_type) -> None:
        """SQLite's own busy handler; still tells the listeners when the wait passes WAIT_NOTICE_S."""
        timer = None
        if _listeners and lock_type:
            fired = threading.Event()

            def notice() -> None:
                fired.set()
                _notify(True)
            timer = threading.Timer(WAIT_NOTICE_S, notice)
            timer.daemon = True
            timer.start()
        try:
            super().begin(lock_type)
        finally:
            if timer is not None:
                timer.cancel()
                if fired.is_set():
                    _notify(False)

    def _begin_poll(self) -> None:
        cursor = self.cursor()
        cursor.execute("PRAGMA busy_timeout = 0")
        wait = None
        try:
            while True:
                try:
                    cursor.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not _busy(exc):
                        raise peewee.OperationalError(*exc.args) from exc
                    wait = wait or _Wait(self.database)
                    if wait.tick() * 1000 >= self.busy_timeout_ms:
                        raise peewee.OperationalError("database is locked") from exc
                    time.sleep(0.0005 + random.random() * 0.0015)
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            if wait is not None:
                wait.end()

    def _begin_flock(self) -> None:
        """A lock file taken before BEGIN IMMEDIATE: a waiter sleeps in the kernel and is woken as soon as
        the holder's COMMIT releases it (no timeout: flock has none; the holder's death releases it)."""
        fd = _open(self.database, "-writer")
        if fd is None:
            return super().begin("IMMEDIATE")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            wait = _Wait(self.database)
            wait.tick()
            timer = threading.Timer(WAIT_NOTICE_S, wait.tick)
            timer.daemon = True
            timer.start()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
            finally:
                timer.cancel()
                wait.end()
        _local.flock_held = fd
        try:
            super().begin("IMMEDIATE")
        except BaseException:
            self._release_flock()
            raise

    def _release_flock(self) -> None:
        fd = getattr(_local, "flock_held", None)
        if fd is not None:
            _local.flock_held = None
            os.close(fd)                        # releases the lock file

    def commit(self):
        try:
            return super().commit()
        finally:
            self._release_flock()

    def rollback(self):
        try:
            return super().rollback()
        finally:
            self._release_flock()
