"""SessionSeats: the app-side adapter of a KeyManager (the tui/seats.py contract).

Refusals come back as the Polish message instead of an exception. `check()` is what the app calls before
new work in a module: it renews a lease that is due (a resumed process learns here that it was stopped
too long), takes back lapsed seats START first, and returns the refusal when that fails, an administrator
released the seats, or the module ended (keys.holding).
"""
from __future__ import annotations

import contextlib

from keys.errors import LicenseError


class SessionSeats:
    def __init__(self, manager):
        self.manager = manager

    def enter_module(self, module_code: str) -> str | None:
        try:
            self.manager.ensure([])
            self.manager.acquire(module_code)
        except LicenseError as exc:
            return str(exc)
        return None

    def leave_module(self, module_code: str) -> None:
        with contextlib.suppress(LicenseError):
            self.manager.release(module_code)

    def check(self, module_codes: list[str]) -> str | None:
        """None when new work in these modules (and START) may start; else why not."""
        if self.manager.broken:
            return self.manager.problem
        try:
            self.manager.ensure(module_codes)
        except LicenseError as exc:
            return str(exc)
        return None

    def status_line(self) -> str:
        try:
            return self.manager.status_line()
        except LicenseError as exc:
            return str(exc)

    def heartbeat(self) -> str | None:
        """Call every manager.heartbeat_s seconds; returns a message when modules were lost (and why)."""
        try:
            lost = self.manager.heartbeat()
        except LicenseError as exc:
            return str(exc)
        return self.manager.lost_message(lost) if lost else None

    def touch(self) -> None:
        self.manager.touch()

    def close(self) -> None:
        self.manager.close()
