"""One business change = one transaction: alone, a retried write (run_write); inside a caller's transaction, a
savepoint, so a refusal takes back only what this change wrote."""
from __future__ import annotations

from store.db import in_transaction, run_write, write


def one_transaction(fn, *args, **kwargs):
    if in_transaction():
        with write():
            return fn(*args, **kwargs)
    return run_write(fn, *args, **kwargs)
