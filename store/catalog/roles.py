"""Who may change the catalogue (DICT-1, DICT-3, DICT-5, DICT-7, DICT-8, DICT-15..17, DICT-25, DICT-29).

In a branch the catalogue comes from HQ by synchronisation and is read-only, with two exceptions:
the flags "copy description to invoice" / "allow description edit" and the KGO value on a goods
card (DICT-3, DICT-9), and the prices of the autonomous price type when HQ defined one for the
branch (setting `autonomous_price_type` = PriceType id, DICT-12..15).

Synchronisation applies HQ data with `hq_apply()` active, which lifts the refusals.
Every write function of store.catalog calls `ensure_may_edit(...)` (raises Refused); the TUI
calls `catalog_edit_refusal(...)` to show why a field or action is disabled.
"""
from __future__ import annotations

import contextvars
from contextlib import contextmanager

from store.config import get_setting
from store.errors import Refused
from store.i18n import _

_applying_hq = contextvars.ContextVar("catalog_applying_hq", default=False)

# What is being edited -> refusal message in a branch (msgid = Polish text).
_BRANCH_REASONS = {
    "goods_new": "W oddziale nie można dopisywać towarów – cennik jest przesyłany z centrali.",
    "goods": "W oddziale karta towaru jest tylko do odczytu – dane towaru przychodzą z centrali.",
    "prices": "W oddziale ceny sprzedaży ustala centrala; zmienić można tylko cenę autonomiczną.",
    "groups": "Grupy towarowe przychodzą z centrali – w oddziale nie można ich dodawać ani zmieniać.",
    "discounts": "Rabaty ustala centrala – w oddziale można je tylko przeglądać.",
    "promotions": "Promocje ustala centrala – w oddziale nie można ich zmieniać.",
    "rates": "Kursy walut przychodzą z centrali – w oddziale nie można ich wprowadzać ani zmieniać.",
    "currencies": "Waluty i typy kursów przychodzą z centrali – w oddziale nie można ich zmieniać.",
    "price_types": "Rodzaje cen (grupy cenowe) definiuje centrala – w oddziale nie można ich zmieniać.",
    "vat": "Stawki VAT przychodzą z centrali – w oddziale nie można ich zmieniać.",
    "payment_form": "Formy płatności definiuje centrala – w oddziale można je tylko przeglądać.",
    "dictionary": "Ten słownik przychodzi z centrali – w oddziale jest tylko do odczytu.",
}
# Goods fields a branch may still change (DICT-3, DICT-9).
BRANCH_EDITABLE_GOODS_FIELDS = frozenset({"copy_description", "allow_description_edit", "kgo_value"})
# Dictionaries kept locally in a branch (not HQ-owned): warehouses are the branch's own, localities,
# banks and tax offices are plain reference data. Payment forms come from HQ with their register (CASH-2).
LOCAL_DICTIONARIES = frozenset({"warehouse", "locality", "bank", "tax_office", "category", "attribute"})


@contextmanager
def hq_apply():
    """Synchronisation is writing HQ data: the branch read-only rules do not apply inside."""
    token = _applying_hq.set(True)
    try:
        yield
    finally:
        _applying_hq.reset(token)


def is_branch() -> bool:
    return get_setting("role") == "branch"


def autonomous_price_type_id() -> int | None:
    raw = get_setting("autonomous_price_type")
    return int(raw) if raw.strip().isdigit() else None


def catalog_edit_refusal(what: str = "goods", *, price_type_id: int | None = None,
                         fields: set[str] | frozenset[str] | None = None) -> str | None:
    """Why the current database may not make this catalogue change (Polish), or None if it may.

    what: goods_new | goods | prices | groups | discounts | promotions | rates | currencies |
          price_types | vat | dictionary | <name of a LOCAL_DICTIONARIES entry>
    price_type_id: for "prices", the price type being changed (the autonomous one is allowed).
    fields: for "goods", the card fields being changed (only BRANCH_EDITABLE_GOODS_FIELDS allowed).
    """
    if _applying_hq.get() or not is_branch():
        return None
    if what in LOCAL_DICTIONARIES:
        return None
    if what == "prices" and price_type_id is not None and price_type_id == autonomous_price_type_id():
        return None
    if what == "goods" and fields is not None and set(fields) <= BRANCH_EDITABLE_GOODS_FIELDS:
        return None
    return _(_BRANCH_REASONS.get(what, _BRANCH_REASONS["dictionary"]))


def ensure_may_edit(what: str = "goods", **kwargs) -> None:
    reason = catalog_edit_refusal(what, **kwargs)
    if reason:
        raise Refused(reason)
