"""Named fault points for the kill tests (issue 13 SIGKILL): FILIA_FAULT_AT="name" or "name:n" kills this
process with SIGKILL when the run reaches that point (the n-th time for counted points). Unset: nothing."""
from __future__ import annotations

import os
import signal

_counts: dict[str, int] = {}
_TARGET = os.environ.get("FILIA_FAULT_AT", "")     # read once: the point runs once per record


def point(name: str) -> None:
    target = _TARGET
    if not target:
        return
    wanted, _sep, nth = target.partition(":")
    if wanted != name:
        return
    _counts[name] = _counts.get(name, 0) + 1
    if not nth or _counts[name] == int(nth):
        os.kill(os.getpid(), signal.SIGKILL)
