"""Discounts (DSC): percentage discounts of the contractor side and the goods side, fixed prices, and
quantity price thresholds (DICT-20/22). Area "catalog_discounts" (registered after parties).

Contractor groups are referenced by their code (ContractorGroup is local to each database and is
not exchanged, while discounts come from HQ: the code is what both sides share).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import peewee

from store.base import TrackedModel, utcnow
from store.catalog.dictionaries import GoodsGroup, PriceType
from store.catalog.models import Goods
from store.catalog.roles import ensure_may_edit
from store.db import write
from store.errors import NotFound, ValidationError
from store.fields import PercentField, PriceField, QuantityField
from store.i18n import _
from store.parties import Contractor

# DSC-3 (contractor side, ascending priority) and DSC-4 (goods side, ascending priority).
CONTRACTOR_SIDE = ("GK/WT", "1K/WT", "GK/GT", "GK/1T", "1K/GT", "1K/1T")
GOODS_SIDE = ("GT/WK", "1T/WK")
KINDS = CONTRACTOR_SIDE + GOODS_SIDE
FIXED_SCOPES = ("contractor", "group", "all")      # DSC-11 priority: contractor > group > all
METHODS = ("additive", "multiplicative", "contractor", "goods")   # DSC-12


class Discount(TrackedModel):
    """A percentage discount. Which of subject/object is filled follows from `kind`:
    K = contractor, GK = contractor group, 1T = goods, GT = goods group; WT/WK = all."""

    kind = peewee.CharField(max_length=5)
    contractor = peewee.ForeignKeyField(Contractor, null=True, on_delete="CASCADE")
    contractor_group = peewee.CharField(max_length=20, default="")
    goods = peewee.ForeignKeyField(Goods, null=True, on_delete="CASCADE")
    goods_group = peewee.ForeignKeyField(GoodsGroup, null=True, on_delete="CASCADE")
    percent = PercentField()
    valid_from = peewee.DateField(null=True)
    valid_to = peewee.DateField(null=True)
    min_quantity = QuantityField(default=0)          # threshold: applies from this quantity on

    class Meta:
        indexes = ((("kind", "goods"), False), (("kind", "contractor"), False), (("kind", "goods_group"), False),
                   (("contractor_group", "id"), False))


class FixedPrice(TrackedModel):
    """Stała cena (DSC-15): for one item, for all contractors, a contractor group or one contractor."""

    goods = peewee.ForeignKeyField(Goods, backref="fixed_prices", on_delete="CASCADE")
    scope = peewee.CharField(max_length=10, default="all")
    contractor = peewee.ForeignKeyField(Contractor, null=True, on_delete="CASCADE")
    contractor_group = peewee.CharField(max_length=20, default="")
    price = PriceField()
    gross = peewee.BooleanField(default=False)
    currency = peewee.CharField(max_length=3, default="PLN")
    description = peewee.CharField(max_length=250, default="")
    valid_from = peewee.DateField(null=True)
    valid_to = peewee.DateField(null=True)
    min_quantity = QuantityField(default=0)

    class Meta:
        indexes = ((("goods", "scope"), False),)


class PriceThreshold(TrackedModel):
    """Quantity price threshold of an item (DICT-20): from `min_quantity` on, the card price of
    `price_type` (all types when null) is replaced by `price` in the type's declared column."""

    goods = peewee.ForeignKeyField(Goods, backref="thresholds", on_delete="CASCADE")
    price_type = peewee.ForeignKeyField(PriceType, null=True, on_delete="CASCADE")
    min_quantity = QuantityField()
    price = PriceField()

    class Meta:
        indexes = ((("goods", "price_type", "min_quantity"), True),)


def active_on(model, on: date):
    """DSC-8 validity: none -> always; start only -> from start; end only -> until end inclusive."""
    return (model.valid_from.is_null() | (model.valid_from <= on)) & (model.valid_to.is_null() | (model.valid_to >= on))


def _overlaps(a_from, a_to, b_from, b_to) -> bool:
    lo_a, hi_a = a_from or date.min, a_to or date.max
    lo_b, hi_b = b_from or date.min, b_to or date.max
    return lo_a <= hi_b and lo_b <= hi_a


def _fk(value):
    return value.id if hasattr(value, "id") else (int(value) if value not in (None, "") else None)


OVERLAP = "Data promocji pokrywa się z istniejącą promocją. Zmień daty obowiązywania promocji."


def _check_discount(v: dict, current_id: int | None) -> None:
    errors = {}
    kind = v.get("kind")
    if kind not in KINDS:
        raise ValidationError({"kind": _("Nieznany rodzaj rabatu: {k}.").format(k=kind)})
    subject, obj = kind.split("/")
    need = {"contractor": subject == "1K" or obj == "1K", "contractor_group": subject == "GK",
            "goods": obj == "1T" or subject == "1T", "goods_group": obj == "GT" or subject == "GT"}
    for name, needed in need.items():
        if needed and not v.get(name):
            errors[name] = {"contractor": _("Wybierz kontrahenta."), "contractor_group": _("Wybierz grupę kontrahentów."),
                            "goods": _("Wybierz towar."), "goods_group": _("Wybierz grupę towarową.")}[name]
        if not needed:
            v[name] = "" if name == "contractor_group" else None
    pct = Decimal(v.get("percent") or 0)
    if not (Decimal(0) <= pct <= Decimal(100)):
        errors["percent"] = _("Rabat to procent od 0 do 100.")
    if v.get("valid_from") and v.get("valid_to") and v["valid_to"] < v["valid_from"]:
        errors["valid_to"] = _("Data zakończenia promocji nie może być wcześniejsza niż data rozpoczęcia.")
    if Decimal(v.get("min_quantity") or 0) < 0:
        errors["min_quantity"] = _("Próg ilościowy nie może być ujemny.")
    if errors:
        raise ValidationError(errors)
    same = Discount.select().where(
        (Discount.kind == kind) & (Discount.contractor_group == v["contractor_group"])
        & (Discount.contractor.is_null() if v["contractor"] is None else Discount.contractor == v["contractor"])
        & (Discount.goods.is_null() if v["goods"] is None else Discount.goods == v["goods"])
        & (Discount.goods_group.is_null() if v["goods_group"] is None else Discount.goods_group == v["goods_group"])
        & (Discount.min_quantity == Decimal(v.get("min_quantity") or 0)) & (Discount.id != (current_id or 0)))
    for other in same:                                                                        # DSC-8, DSC-16
        if _overlaps(v.get("valid_from"), v.get("valid_to"), other.valid_from, other.valid_to):
            raise ValidationError({"valid_from": _(OVERLAP)})


DISCOUNT_FIELDS = ("kind", "contractor", "contractor_group", "goods", "goods_group", "percent", "valid_from",
                   "valid_to", "min_quantity")


def save_discount(discount_id: int | None = None, **fields) -> Discount:
    """Add (discount_id None) or change a percentage discount."""
    ensure_may_edit("discounts")
    unknown = set(fields) - set(DISCOUNT_FIELDS)
    if unknown:
        raise ValidationError({k: _("Nieznane pole: {f}.").format(f=k) for k in unknown})
    with write():
        current = Discount.get_or_none(Discount.id == discount_id) if discount_id else None
        if discount_id and current is None:
            raise NotFound(_("Nie znaleziono rabatu."))
        v = {f: getattr(current, f + "_id" if f in ("contractor", "goods", "goods_group") else f)
             for f in DISCOUNT_FIELDS} if current else {"contractor_group": "", "min_quantity": Decimal(0)}
        v.update(fields)
        for name in ("contractor", "goods", "goods_group"):
            v[name] = _fk(v.get(name))
        v["contractor_group"] = (v.get("contractor_group") or "").strip()
        _check_discount(v, discount_id)
        if current is None:
            return Discount.create(**v)
        Discount.update(**v, modified_at=utcnow()).where(Discount.id == current.id).execute()
        return Discount.get_by_id(current.id)


def delete_discount(discount_id: int) -> None:
    ensure_may_edit("discounts")
    with write():
        Discount.delete().where(Discount.id == discount_id).execute()


FIXED_FIELDS = ("goods", "scope", "contractor", "contractor_group", "price", "gross", "currency", "description",
                "valid_from", "valid_to", "min_quantity")


def save_fixed_price(fixed_id: int | None = None, **fields) -> FixedPrice:
    """Add or change a fixed-price discount (DSC-15); overlap per scope, subject, item, currency (DSC-16)."""
    ensure_may_edit("discounts")
    unknown = set(fields) - set(FIXED_FIELDS)
    if unknown:
        raise ValidationError({k: _("Nieznane pole: {f}.").format(f=k) for k in unknown})
    with write():
        current = FixedPrice.get_or_none(FixedPrice.id == fixed_id) if fixed_id else None
        if fixed_id and current is None:
            raise NotFound(_("Nie znaleziono stałej ceny."))
        v = {f: getattr(current, f + "_id" if f in ("goods", "contractor") else f) for f in FIXED_FIELDS} \
            if current else {"scope": "all", "contractor_group": "", "gross": False, "currency": "PLN",
                             "description": "", "min_quantity": Decimal(0)}
        v.update(fields)
        v["goods"], v["contractor"] = _fk(v.get("goods")), _fk(v.get("contractor"))
        v["currency"] = (v.get("currency") or "PLN").upper()
        errors = {}
        if not v["goods"]:
            errors["goods"] = _("Wybierz towar.")
        if v["scope"] not in FIXED_SCOPES:
            errors["scope"] = _("Zakres stałej ceny: kontrahent, grupa kontrahentów albo wszyscy.")
        if v["scope"] == "contractor" and not v["contractor"]:
            errors["contractor"] = _("Wybierz kontrahenta.")
        if v["scope"] == "group" and not v.get("contractor_group"):
            errors["contractor_group"] = _("Wybierz grupę kontrahentów.")
        if v["scope"] != "contractor":
            v["contractor"] = None
        if v["scope"] != "group":
            v["contractor_group"] = ""
        if v.get("price") is None or Decimal(v["price"]) < 0:
            errors["price"] = _("Podaj cenę (nie może być ujemna).")
        if v.get("valid_from") and v.get("valid_to") and v["valid_to"] < v["valid_from"]:
            errors["valid_to"] = _("Data zakończenia promocji nie może być wcześniejsza niż data rozpoczęcia.")
        if errors:
            raise ValidationError(errors)
        same = FixedPrice.select().where(
            (FixedPrice.goods == v["goods"]) & (FixedPrice.scope == v["scope"])
            & (FixedPrice.contractor_group == v["contractor_group"]) & (FixedPrice.currency == v["currency"])
            & (FixedPrice.contractor.is_null() if v["contractor"] is None else FixedPrice.contractor == v["contractor"])
            & (FixedPrice.min_quantity == Decimal(v.get("min_quantity") or 0)) & (FixedPrice.id != (fixed_id or 0)))
        if any(_overlaps(v.get("valid_from"), v.get("valid_to"), o.valid_from, o.valid_to) for o in same):
            raise ValidationError({"valid_from": _(OVERLAP)})
        if current is None:
            return FixedPrice.create(**v)
        FixedPrice.update(**v, modified_at=utcnow()).where(FixedPrice.id == current.id).execute()
        return FixedPrice.get_by_id(current.id)


def delete_fixed_price(fixed_id: int) -> None:
    ensure_may_edit("discounts")
    with write():
        FixedPrice.delete().where(FixedPrice.id == fixed_id).execute()


def set_thresholds(goods_id: int, rows: list[tuple[int | None, Decimal, Decimal]]) -> None:
    """Replace all price thresholds of an item: (price type id or None, min quantity, price) (DICT-22)."""
    ensure_may_edit("prices")
    with write():
        if not Goods.select().where(Goods.id == goods_id).exists():
            raise NotFound(_("Nie znaleziono towaru."))
        seen = set()
        for pt_id, qty, price in rows:
            if Decimal(qty) <= 0 or Decimal(price) < 0:
                raise ValidationError({"thresholds": _("Próg to ilość większa od zera i cena nie mniejsza niż zero.")})
            if (pt_id, Decimal(qty)) in seen:
                raise ValidationError({"thresholds": _("Próg {q} podano dwa razy.").format(q=qty)})
            seen.add((pt_id, Decimal(qty)))
        PriceThreshold.delete().where(PriceThreshold.goods == goods_id).execute()
        for pt_id, qty, price in rows:
            PriceThreshold.create(goods=goods_id, price_type=pt_id, min_quantity=Decimal(qty), price=Decimal(price))
