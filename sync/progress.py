"""Progress of a run for whoever watches it (the exchange screen's worker): records read or written so far, per
phase. `with reporting(callback): synchronise()` – the callback gets (phase, n) at the first record of a phase
and every EVERY records after, in the running thread. Without a watcher a step costs one ContextVar lookup."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable

EVERY = 250
PHASES = ("apply", "od", "hq_apply", "hq_dla")       # branch reads DLA, writes OD; HQ reads OD, writes DLA

_watch: ContextVar[tuple[Callable[[str, int], None], dict] | None] = ContextVar("sync_progress", default=None)


@contextmanager
def reporting(callback: Callable[[str, int], None]):
    token = _watch.set((callback, {}))
    try:
        yield
    finally:
        _watch.reset(token)


def step(phase: str) -> None:
    watch = _watch.get()
    if watch is None:
        return
    callback, counts = watch
    n = counts[phase] = counts.get(phase, 0) + 1
    if n == 1 or n % EVERY == 0:
        callback(phase, n)


def restart() -> None:
    """A run re-done from the start (a retried transaction) counts again from zero."""
    watch = _watch.get()
    if watch is not None:
        watch[1].clear()
