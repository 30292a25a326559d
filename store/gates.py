"""May this database issue documents now? (SETUP-5, INV-2/11, RET-7/8.)

Only a branch is ever gated. The gates read settings flags that other areas set (synchronisation
marks the first sync done; the inventory and the full return set theirs); they import no business
area, so trade, warehouse and cash can all ask:

    reason = may_issue("FA")       # None, or the Polish reason
    ensure_may_issue("cash")       # raises Refused with the reason

`what` is a document kind ("FA", "PA", "FZ", …), "cash" (cash reports and KP/KW) or an inventory
step ("AI", "PWAI", "RWAI", which the INV-2 block itself lets through).
"""
from __future__ import annotations

from store.config import Setting, set_setting
from store.errors import Refused
from store.i18n import _

FIRST_SYNC_DONE = "gate_first_sync_done"            # set by the first applied DLA (SETUP-5)
INVENTORY_UNCONFIRMED = "gate_inventory_unconfirmed"  # an approved AI without GID (INV-2, INV-11)
FULL_RETURN_DONE = "gate_full_return_done"          # the branch returned everything to HQ (RET-7)
FLAGS = (FIRST_SYNC_DONE, INVENTORY_UNCONFIRMED, FULL_RETURN_DONE)
INVENTORY_STEPS = frozenset({"AI", "PWAI", "RWAI"})  # INV-2 OPEN: the inventory's own steps go on


def _flags() -> dict[str, str]:
    """Role and the three flags in one query (the gate runs on every approval)."""
    keys = ("role", *FLAGS)
    return {k: v for k, v in Setting.select(Setting.key, Setting.value).where(Setting.key.in_(keys)).tuples()}


def may_issue(what: str) -> str | None:
    """Why the database may not issue `what` now (Polish), or None when it may."""
    return refusal(_flags(), what)


def refusal(flags: dict[str, str], what: str) -> str | None:
    """may_issue() on settings the caller has read already (`role` and FLAGS): the trade core reads them with its
    own options in one query."""
    if flags.get("role") != "branch":
        return None
    if flags.get(FIRST_SYNC_DONE) != "1":
        return _("Oddział nie został jeszcze zsynchronizowany z centralą. Wykonaj pierwszą synchronizację.")
    if flags.get(FULL_RETURN_DONE) == "1":
        return _("Oddział wykonał zwrot całkowity do centrali – wystawianie dokumentów jest zablokowane.")
    if flags.get(INVENTORY_UNCONFIRMED) == "1" and what not in INVENTORY_STEPS:
        return _("Trwa inwentaryzacja niepotwierdzona przez centralę – wystawianie dokumentów jest zablokowane.")
    return None


def ensure_may_issue(what: str, flags: dict[str, str] | None = None) -> None:
    reason = may_issue(what) if flags is None else refusal(flags, what)
    if reason:
        raise Refused(reason)


def set_flag(flag: str, on: bool) -> None:
    """For the areas that own a gate (inventory, full return, synchronisation)."""
    if flag not in FLAGS:
        raise ValueError(f"unknown gate flag {flag}")
    set_setting(flag, "1" if on else "0")


def mark_first_sync_done() -> None:
    """The first DLA has been applied: the branch may work (SETUP-5). Joins the caller's transaction."""
    set_flag(FIRST_SYNC_DONE, True)
