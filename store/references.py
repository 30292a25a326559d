"""Reference fields of cards (pola wyboru ze słownika): what a typed code means, and the name shown next to it.

A card field that points at a dictionary (a goods group, a VAT rate, a unit, a contractor…) is typed by its
code or picked from the dictionary's list. The screen asks this module only:

    resolve(kind, text)        the entry whose code is `text` (exact, then ignoring case) or None
    describe(kind, value)      the entry a stored value points at (an id, or a code for code-valued fields)
    entry_by_id(kind, id)      the entry a list pick returned
    lookup_where(kind)         the condition the lookup list opens with (e.g. income categories only)

An entry is (value, code, name): `value` is what the card stores (the id, or the code itself for fields
that store a code, like the unit of a good or the payment form of a contractor).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

import peewee

from store.catalog.dictionaries import (AttributeDef, Brand, Category, CnCode, Currency, GoodsGroup, PackagingScheme,
                                        PaymentForm, PriceType, Producer, Unit, Warehouse)
from store.config import VatRate
from store.parties.models import Contractor, ContractorGroup


class Entry(NamedTuple):
    value: Any
    code: str
    name: str


@dataclass(frozen=True)
class RefKind:
    model: Callable[[], type[peewee.Model]]
    code: str                                   # the column typed and shown as the code
    name: str                                   # the column shown next to it
    by_code: bool = False                       # the card stores the code, not the id
    where: Callable[[], Any] | None = None      # what the lookup list shows (None: everything)


def _active(model):
    return lambda: model.active == True  # noqa: E712


KINDS: dict[str, RefKind] = {
    "goods_group": RefKind(lambda: GoodsGroup, "code", "name"),
    "goods_group_code": RefKind(lambda: GoodsGroup, "code", "name", by_code=True),
    "category_income": RefKind(lambda: Category, "code", "description",
                               where=lambda: (Category.kind == "income") & (Category.active == True)),  # noqa: E712
    "category_cost": RefKind(lambda: Category, "code", "description",
                             where=lambda: (Category.kind == "cost") & (Category.active == True)),  # noqa: E712
    "category_income_code": RefKind(lambda: Category, "code", "description", by_code=True,
                                    where=lambda: Category.kind == "income"),
    "category_cost_code": RefKind(lambda: Category, "code", "description", by_code=True,
                                  where=lambda: Category.kind == "cost"),
    "price_type_sale": RefKind(lambda: PriceType, "name", "name",
                               where=lambda: (PriceType.kind == "sale") & (PriceType.active == True)),  # noqa: E712
    "price_type_sale_name": RefKind(lambda: PriceType, "name", "name", by_code=True,
                                    where=lambda: PriceType.kind == "sale"),
    "vat_rate": RefKind(lambda: VatRate, "code", "name", where=_active(VatRate)),
    "warehouse": RefKind(lambda: Warehouse, "symbol", "name"),
    "packaging_scheme": RefKind(lambda: PackagingScheme, "code", "name"),
    "producer": RefKind(lambda: Producer, "code", "name"),
    "brand": RefKind(lambda: Brand, "name", "name"),
    "unit": RefKind(lambda: Unit, "code", "name", by_code=True),
    "cn_code": RefKind(lambda: CnCode, "code", "description", by_code=True),
    "contractor_code": RefKind(lambda: Contractor, "code", "name", by_code=True),
    "contractor": RefKind(lambda: Contractor, "code", "name"),       # a document's contractor (by id)
    "contractor_group": RefKind(lambda: ContractorGroup, "code", "description"),
    "payment_form": RefKind(lambda: PaymentForm, "name", "name", by_code=True),
    "currency": RefKind(lambda: Currency, "code", "name", by_code=True),
    "goods_attribute": RefKind(lambda: AttributeDef, "code", "name", by_code=True,
                               where=lambda: (AttributeDef.kind == "goods") & (AttributeDef.active == True)),  # noqa
}


def _entry(kind: RefKind, row) -> Entry:
    code = str(getattr(row, kind.code) or "")
    name = str(getattr(row, kind.name) or "")
    return Entry(code if kind.by_code else row.id, code, "" if name == code else name)


def resolve(kind_name: str, text: str) -> Entry | None:
    """The entry whose code is `text`: an exact match first, then one ignoring case (Polish letters too)."""
    kind = KINDS[kind_name]
    text = (text or "").strip()
    if not text:
        return None
    model = kind.model()
    column = getattr(model, kind.code)
    base = model.select()
    if kind.where is not None:
        base = base.where(kind.where())
    # exact, then as codes are usually written (upper case: SQLite's lower() folds A–Z only, so „łódź”
    # would never meet „ŁÓDŹ” there), then ignoring case
    row = (base.where(column == text).first() or base.where(column == text.upper()).first()
           or base.where(peewee.fn.LOWER(column) == text.lower()).first())
    return _entry(kind, row) if row is not None else None


def describe(kind_name: str, value) -> Entry | None:
    """The entry a stored value points at (None for an empty value or a missing entry)."""
    kind = KINDS[kind_name]
    if value in (None, "", 0, "0"):
        return None
    model = kind.model()
    if kind.by_code:
        row = model.select().where(getattr(model, kind.code) == str(value)).first()
    else:
        row = model.get_or_none(model.id == int(value))
    return _entry(kind, row) if row is not None else None


def entry_by_id(kind_name: str, record_id: int) -> Entry | None:
    kind = KINDS[kind_name]
    model = kind.model()
    row = model.get_or_none(model.id == record_id)
    return _entry(kind, row) if row is not None else None


def record_id(kind_name: str, value) -> int | None:
    """The id of the record a stored value points at (a code-valued reference stores the code)."""
    kind = KINDS[kind_name]
    if value in (None, "", 0, "0"):
        return None
    if not kind.by_code:
        return int(value)
    model = kind.model()
    row = model.select(model.id).where(getattr(model, kind.code) == str(value)).first()
    return row.id if row is not None else None


def lookup_where(kind_name: str):
    """The condition of the lookup list (an opaque expression the list passes back to its query)."""
    kind = KINDS[kind_name]
    return kind.where() if kind.where is not None else None
