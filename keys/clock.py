"""Clock high-water mark: a clock moved back is detected and refused (issue 5 item 5).

Every write transaction of the key store compares the injected clock with the newest time the
key store has seen (`keys_setting.clock_high_water`). A clock earlier than that mark by more than
`clock_tolerance_s` (default 300 s: processes racing for the lock read their clocks a moment apart)
refuses every checkout until the clock is right; otherwise the mark moves forward.
"""
from __future__ import annotations

import datetime as dt

from keys.errors import ClockRollback
from keys.i18n import _

HIGH_WATER = "clock_high_water"


def fmt_time(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S")


def rollback_message(now: float, newest: float) -> str:
    return _("Zegar systemowy został cofnięty: bieżący czas {teraz} jest wcześniejszy niż najpóźniejszy czas "
             "zapisany w magazynie kluczy ({najnowszy}). Moduły pozostaną zablokowane, dopóki nie zostanie "
             "ustawiona prawidłowa data i godzina.").format(teraz=fmt_time(now), najnowszy=fmt_time(newest))


def high_water(cur) -> float:
    row = cur.execute("SELECT value FROM keys_setting WHERE name = ?", (HIGH_WATER,)).fetchone()
    return float(row[0]) if row else 0.0


def check_and_advance(cur, now: float, tolerance_s: float) -> None:
    """Raise ClockRollback when `now` is behind the mark; else raise the mark to `now`."""
    newest = high_water(cur)
    if now < newest - tolerance_s:
        raise ClockRollback(rollback_message(now, newest))
    if now > newest:
        cur.execute("INSERT INTO keys_setting(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = "
                    "excluded.value", (HIGH_WATER, repr(now)))


def check_only(cur, now: float, tolerance_s: float) -> str | None:
    """The rollback message, or None when the clock is fine (read-only views)."""
    newest = high_water(cur)
    return rollback_message(now, newest) if now < newest - tolerance_s else None
