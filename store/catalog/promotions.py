"""Promotional sets (PROMO-1..PROMO-20): a main item with a package of elements at reduced prices.

Prices on a set are NET (PROMO-7); contractor discounts never apply to sets (PROMO-3, PROMO-17).
Validity (PROMO-4): dates and/or hours; hours alone = every day in those hours; no frame = always.
Stock control (PROMO-20): the caller passes `available(goods_id) -> Decimal | None` (stock lives in a
later area); a set with an element short of stock is refused with the element named.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Callable

import peewee

from store.base import TrackedModel, utcnow
from store.catalog import money
from store.catalog.goods_codes import unit_factor
from store.catalog.models import Goods
from store.catalog.prices import card_price
from store.catalog.roles import ensure_may_edit
from store.db import write
from store.errors import NotFound, Refused, ValidationError
from store.fields import PercentField, PriceField, QuantityField
from store.i18n import _

MAIN_KINDS = ("percent", "fixed")
ELEMENT_KINDS = ("discount", "percent_of_main", "fixed", "free")


class PromoSet(TrackedModel):
    code = peewee.CharField(max_length=20, unique=True)                # PROMO-2
    name = peewee.CharField(max_length=50, default="")
    goods = peewee.ForeignKeyField(Goods, backref="promo_sets", on_delete="RESTRICT")   # PROMO-1
    main_kind = peewee.CharField(max_length=8, default="percent")
    main_percent = PercentField(default=0)
    main_price = PriceField(default=0)
    currency = peewee.CharField(max_length=3, default="PLN")
    valid_from = peewee.DateField(null=True)
    valid_to = peewee.DateField(null=True)
    hour_from = peewee.TimeField(null=True)
    hour_to = peewee.TimeField(null=True)
    shop = peewee.BooleanField(default=False)
    info = peewee.TextField(default="")

    class Meta:
        indexes = ((("goods", "id"), False), (("name", "id"), False))


class PromoElement(TrackedModel):
    set = peewee.ForeignKeyField(PromoSet, backref="elements", on_delete="CASCADE")
    goods = peewee.ForeignKeyField(Goods, on_delete="RESTRICT")
    quantity = QuantityField(default=1)
    unit = peewee.CharField(max_length=10, default="")
    kind = peewee.CharField(max_length=16, default="discount")
    value = PriceField(default=0)          # percent for discount/percent_of_main, price for fixed
    currency = peewee.CharField(max_length=3, default="PLN")
    position = peewee.IntegerField(default=0)


def goods_in_sets(goods_id: int) -> list[str]:
    """Codes of the sets using the item as main item or element (PROMO-11, PROMO-12)."""
    main = [s.code for s in PromoSet.select(PromoSet.code).where(PromoSet.goods == goods_id)]
    elem = [s.code for s in PromoSet.select(PromoSet.code).join(PromoElement).where(PromoElement.goods == goods_id)]
    return sorted(set(main + elem))


SET_FIELDS = ("code", "name", "goods", "main_kind", "main_percent", "main_price", "currency", "valid_from",
              "valid_to", "hour_from", "hour_to", "shop", "info")


def save_set(set_id: int | None = None, *, elements: list[dict] | None = None, **fields) -> PromoSet:
    """Add or change a set; `elements` (when given) replaces its elements:
    dicts with goods, quantity, unit, kind, value, currency."""
    ensure_may_edit("promotions")
    unknown = set(fields) - set(SET_FIELDS)
    if unknown:
        raise ValidationError({k: _("Nieznane pole: {f}.").format(f=k) for k in unknown})
    with write():
        current = PromoSet.get_or_none(PromoSet.id == set_id) if set_id else None
        if set_id and current is None:
            raise NotFound(_("Nie znaleziono zestawu promocyjnego."))
        v = {f: getattr(current, "goods_id" if f == "goods" else f) for f in SET_FIELDS} if current else \
            {"main_kind": "percent", "currency": "PLN", "shop": False, "info": "", "name": ""}
        v.update(fields)
        v["goods"] = v["goods"].id if hasattr(v.get("goods"), "id") else v.get("goods")
        v["code"] = (v.get("code") or "").strip()
        errors = {}
        if not v["code"] or len(v["code"]) > 20:
            errors["code"] = _("Podaj kod zestawu (najwyżej 20 znaków).")
        elif PromoSet.select().where((PromoSet.code == v["code"]) & (PromoSet.id != (set_id or 0))).exists():
            errors["code"] = _("Zestaw o kodzie {c} już istnieje.").format(c=v["code"])
        if len(v.get("name") or "") > 50:
            errors["name"] = _("Nazwa zestawu może mieć najwyżej 50 znaków.")
        main = Goods.get_or_none(Goods.id == v.get("goods")) if v.get("goods") else None
        if main is None:
            errors["goods"] = _("Wybierz towar główny zestawu.")
        if v.get("main_kind") not in MAIN_KINDS:
            errors["main_kind"] = _("Rabat towaru głównego: procentowy albo stała cena.")
        if not (0 <= Decimal(v.get("main_percent") or 0) <= 100) or Decimal(v.get("main_price") or 0) < 0:
            errors["main_percent"] = _("Rabat to procent od 0 do 100, a cena nie może być ujemna.")
        if v.get("valid_from") and v.get("valid_to") and v["valid_to"] < v["valid_from"]:
            errors["valid_to"] = _("Data „do” nie może być wcześniejsza niż data „od”.")
        if (v.get("hour_from") is None) != (v.get("hour_to") is None):
            errors["hour_to"] = _("Podaj obie godziny: od i do.")
        elif v.get("hour_from") and v["hour_to"] <= v["hour_from"]:
            errors["hour_to"] = _("Godzina „do” musi być późniejsza niż godzina „od”.")
        rows = []
        for i, e in enumerate(elements or []):
            g = Goods.get_or_none(Goods.id == (e["goods"].id if hasattr(e.get("goods"), "id") else e.get("goods")))
            kind = e.get("kind", "discount")
            if g is None:
                errors["elements"] = _("Element {n}: towar nie istnieje.").format(n=i + 1)
                continue
            if kind not in ELEMENT_KINDS:
                errors["elements"] = _("Element {n}: nieznany rodzaj rabatu.").format(n=i + 1)
            if Decimal(e.get("quantity", 1)) <= 0:
                errors["elements"] = _("Element {n}: ilość musi być większa od zera.").format(n=i + 1)
            unit = e.get("unit") or g.unit
            try:
                unit_factor(g, unit)                                                        # PROMO-9
            except ValidationError:
                errors["elements"] = _("Element {n}: towar {kod} nie ma jednostki „{u}”.").format(n=i + 1, kod=g.code, u=unit)
            rows.append(dict(goods=g.id, quantity=Decimal(e.get("quantity", 1)), unit=unit, kind=kind,
                             value=Decimal(e.get("value") or 0), currency=(e.get("currency") or "PLN").upper(),
                             position=i))
        if v.get("shop") and main is not None:                                              # PROMO-5
            ids = [main.id] + [r["goods"] for r in rows]
            if Goods.select().where(Goods.id.in_(ids) & (Goods.external_price_list == False)).exists():  # noqa: E712
                errors["shop"] = _("Aby udostępnić zestaw w e-Sklepie, wszystkie jego towary muszą być udostępnione.")
        if errors:
            raise ValidationError(errors)
        if current is None:
            current = PromoSet.create(**v)
        else:
            PromoSet.update(**v, modified_at=utcnow()).where(PromoSet.id == current.id).execute()
            current = PromoSet.get_by_id(current.id)
        if elements is not None:
            PromoElement.delete().where(PromoElement.set == current.id).execute()
            for r in rows:
                PromoElement.create(set=current.id, **r)
        return current


def delete_set(set_id: int) -> None:
    ensure_may_edit("promotions")
    with write():
        s = PromoSet.get_or_none(PromoSet.id == set_id)
        if s is None:
            raise NotFound(_("Nie znaleziono zestawu promocyjnego."))
        if s.shop:                                                                          # PROMO-12
            raise Refused(_("Zestaw jest udostępniony w e-Sklepie; najpierw wyłącz udostępnianie."))
        s.delete_instance(recursive=False)


def is_active(s: PromoSet, on: date, at: time | None = None) -> bool:
    """PROMO-4: dates (inclusive) and/or a daily hour window [from, to)."""
    if s.valid_from and on < s.valid_from or s.valid_to and on > s.valid_to:
        return False
    if s.hour_from is not None and at is not None:
        return s.hour_from <= at < s.hour_to
    return True


def active_sets(on: date, at: time | None = None, *, goods_id: int | None = None) -> list[PromoSet]:
    """Sets valid on the date (and hour, when given); narrowed to a main item (PROMO-13, PROMO-14)."""
    q = PromoSet.select().where((PromoSet.valid_from.is_null() | (PromoSet.valid_from <= on))
                                & (PromoSet.valid_to.is_null() | (PromoSet.valid_to >= on)))
    if goods_id is not None:
        q = q.where(PromoSet.goods == goods_id)
    return [s for s in q.order_by(PromoSet.code) if is_active(s, on, at)]


@dataclass(frozen=True)
class SetLine:
    goods_id: int
    code: str
    quantity: Decimal
    unit: str
    net: Decimal           # unit net price in the set's unit
    currency: str
    is_main: bool


def _default_net(goods: Goods) -> tuple[Decimal, str]:
    """The item's default card price (net) — PROMO-3."""
    from store.catalog.quote import default_price_type_id

    pt, net, _gross, cur = card_price(goods, default_price_type_id(goods))
    return net, cur


def set_lines(set_id: int, *, on: date, at: time | None = None, quantity: Decimal = Decimal(1),
              available: Callable[[int], Decimal | None] | None = None) -> list[SetLine]:
    """The document lines of a set (main item first) for `quantity` sets: PROMO-3, -7, -9, -16, -20."""
    s = PromoSet.get_or_none(PromoSet.id == set_id)
    if s is None:
        raise NotFound(_("Nie znaleziono zestawu promocyjnego."))
    if not is_active(s, on, at):
        raise Refused(_("Zestaw {c} nie obowiązuje w tym dniu lub o tej godzinie.").format(c=s.code))
    main = Goods.get_by_id(s.goods_id)
    main_net, cur = _default_net(main)
    if s.main_kind == "fixed" and s.main_price > 0:
        main_price, cur = money.q(s.main_price, 2), s.currency
    else:
        main_price = money.apply_discount(main_net, s.main_percent)
    qty = Decimal(quantity)
    lines = [SetLine(main.id, main.code, qty, main.unit, main_price, cur, True)]
    base_for_percent = main_price if s.main_kind == "fixed" and s.main_price > 0 else main_net
    for e in PromoElement.select().where(PromoElement.set == s.id).order_by(PromoElement.position, PromoElement.id):
        g = Goods.get_by_id(e.goods_id)
        factor = unit_factor(g, e.unit)
        own_net, own_cur = _default_net(g)
        currency = "PLN"
        if e.kind == "discount":
            price, currency = money.apply_discount(own_net * factor, e.value), own_cur
        elif e.kind == "percent_of_main":
            price, currency = money.q(base_for_percent * e.value / 100, 2), cur
        elif e.kind == "fixed":
            price, currency = money.q(e.value, 2), e.currency
        else:
            price = Decimal("0.00")
        lines.append(SetLine(g.id, g.code, e.quantity * qty, e.unit, price, currency, False))
    if available is not None:                                                                # PROMO-20
        need: dict[int, Decimal] = {}
        for ln in lines:
            g = Goods.get_by_id(ln.goods_id)
            if g.track_stock:
                need[g.id] = need.get(g.id, Decimal(0)) + ln.quantity * unit_factor(g, ln.unit)
        for gid, qty_needed in need.items():
            have = available(gid)
            if have is not None and have < qty_needed:
                raise Refused(_("Zestawu {c} nie można dodać: brak towaru {kod} (potrzeba {n}, dostępne {a}).").format(
                    c=s.code, kod=Goods.get_by_id(gid).code, n=format(qty_needed.normalize(), 'f'), a=format(Decimal(have).normalize(), 'f')))
    return lines
