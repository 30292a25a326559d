"""Time for license limits: the company's calendar date and a clock high-water mark (KEY-223, issue 15 item 6).

"Today" for limits is the date in the installation's zone (Europe/Warsaw unless set at `init`), never the
process's TZ, and never earlier than the date in the vendor's zone (license dates are the vendor's dates),
so a zone stored by hand can end a day sooner, never later.

The high-water mark (`keys_setting.clock_high_water`) is the newest time the key store trusts. A clock more
than TOLERANCE_S behind it refuses every change (a clock moved back to stretch an expiry). The mark follows
the clock only as fast as time really passes: a write raises it by at most the boot time (CLOCK_BOOTTIME,
which counts suspend and cannot be set) elapsed since the mark was last written on this boot, plus the
tolerance; after a reboot by at most the tolerance. A run with a clock years ahead therefore moves the mark
by minutes, and a run at the right time afterwards works; a vendor response code can set the mark (CLOCK).
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from keys.errors import ClockRollback
from keys.i18n import _

HIGH_WATER = "clock_high_water"
MARK_BOOT = "clock_mark_boot"          # "<boot id> <boot time of the last raise>"
TIME_ZONE = "time_zone"
DEFAULT_ZONE = "Europe/Warsaw"
VENDOR_ZONE = "Europe/Warsaw"
TOLERANCE_S = 300                      # processes racing for the lock read their clocks a moment apart


def boottime() -> float:
    return time.clock_gettime(time.CLOCK_BOOTTIME)


@lru_cache(maxsize=1)
def boot_id() -> str:
    """This boot's id (the same for the whole life of a process)."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:  # not Linux: every process counts as a new boot (at most the tolerance)
        return ""


@dataclass
class MonotonicSource:
    """Where the key store reads elapsed time; tests inject their own."""
    boottime: Callable[[], float] = boottime
    boot_id: Callable[[], str] = boot_id


@lru_cache(maxsize=16)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def company_today(now: float, zone_name: str) -> dt.date:
    """The date limits are checked against (see the module docstring)."""
    here = dt.datetime.fromtimestamp(now, zone(zone_name)).date()
    vendor = dt.datetime.fromtimestamp(now, zone(VENDOR_ZONE)).date()
    return max(here, vendor)


def fmt_time(ts: float, zone_name: str = DEFAULT_ZONE) -> str:
    return dt.datetime.fromtimestamp(ts, zone(zone_name)).strftime("%Y-%m-%d %H:%M:%S")


def rollback_message(now: float, newest: float) -> str:
    return _("Zegar systemowy został cofnięty: bieżący czas {teraz} jest wcześniejszy niż najpóźniejszy czas "
             "zapisany w magazynie kluczy ({najnowszy}). Moduły pozostaną zablokowane, dopóki nie zostanie "
             "ustawiona prawidłowa data i godzina.").format(teraz=fmt_time(now), najnowszy=fmt_time(newest))


def _get(cur, name: str) -> str | None:
    row = cur.execute("SELECT value FROM keys_setting WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


def _put(cur, name: str, value: str) -> None:
    cur.execute("INSERT INTO keys_setting(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = "
                "excluded.value", (name, value))


def high_water(cur) -> float | None:
    value = _get(cur, HIGH_WATER)
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _mark_boot(cur) -> tuple[str, float | None]:
    raw = (_get(cur, MARK_BOOT) or "").split()
    try:
        return (raw[0], float(raw[1])) if len(raw) == 2 else ("", None)
    except ValueError:
        return "", None


def check_and_advance(cur, now: float, mono: MonotonicSource) -> None:
    """Raise ClockRollback when `now` is behind the mark; else move the mark toward `now`, bounded by the
    boot time elapsed since the mark was last written on this boot (plus the tolerance). A capped mark
    moves by the elapsed time only, so the tolerance never adds up."""
    newest = high_water(cur)
    if newest is None:          # a new key store: nothing to compare with yet
        _set_mark(cur, now, mono)
        return
    if now < newest - TOLERANCE_S:
        raise ClockRollback(rollback_message(now, newest))
    if now <= newest:
        return
    boot, at = _mark_boot(cur)
    same_boot = at is not None and bool(boot) and boot == mono.boot_id()
    trusted = newest + (max(0.0, mono.boottime() - at) if same_boot else 0.0)
    target = now if now <= trusted + TOLERANCE_S else trusted
    if target >= newest + 1 or not same_boot:   # a new boot re-anchors the mark once
        _set_mark(cur, max(target, newest), mono)


def _set_mark(cur, value: float, mono: MonotonicSource) -> None:
    _put(cur, HIGH_WATER, repr(value))
    _put(cur, MARK_BOOT, f"{mono.boot_id() or '-'} {mono.boottime()!r}")


def reset_mark(cur, value: float, mono: MonotonicSource) -> None:
    """A vendor-signed time (CLOCK response code) replaces the mark, whatever it was."""
    _set_mark(cur, value, mono)


def check_only(cur, now: float) -> str | None:
    """The rollback message, or None when the clock is fine (read-only views)."""
    newest = high_water(cur)
    return rollback_message(now, newest) if newest is not None and now < newest - TOLERANCE_S else None
