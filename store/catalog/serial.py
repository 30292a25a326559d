"""Serial operations on marked goods (PSO). Each operation is one transaction and returns a
SerialReport: what changed (old -> new) and what was refused, with the reason in Polish.

Prices: change by percent or amount with rounding to a step (PSO-12), recalculation from the
purchase price and margin (ITM-22). Card: group (PSO-1), attribute (PSO-2), VAT rate (PSO-10),
sales/purchase category (PSO-16), base unit, producer/brand (PSO-13), flags (PSO-15).
EAN ranges and fiscal names: store.catalog.serial_codes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from store.base import utcnow
from store.catalog import money
from store.catalog import prices as price_rules
from store.catalog.dictionaries import AttributeDef, Brand, Category, CnCode, GoodsGroup, PriceType, Producer, Unit
from store.catalog.goods import ensure_default_group_in_tx
from store.catalog.models import Goods, GoodsAttribute, GoodsGroupLink, GoodsPrice, GoodsUnit
from store.catalog.roles import ensure_may_edit
from store.catalog.usage import usage_reason
from store.config import VatRate
from store.db import write
from store.errors import NotFound, ValidationError
from store.i18n import _


@dataclass(frozen=True)
class Change:
    goods_id: int
    code: str
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class Refusal:
    goods_id: int
    code: str
    reason: str


@dataclass
class SerialReport:
    operation: str
    changed: list[Change] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    def change(self, g: Goods, name: str, old, new) -> None:
        self.changed.append(Change(g.id, g.code, name, old, new))

    def refuse(self, g: Goods, reason: str) -> None:
        self.refused.append(Refusal(g.id, g.code, reason))

    def lines(self) -> list[str]:
        """The log shown at the end (PSO: changed / skipped with reason)."""
        out = [_("{kod}: {pole} {stare} → {nowe}").format(kod=c.code, pole=c.field, stare=c.old, nowe=c.new)
               for c in self.changed]
        out += [_("{kod}: pominięto – {powod}").format(kod=r.code, powod=r.reason) for r in self.refused]
        return out


def _goods(ids) -> list[Goods]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    if not ids:
        raise ValidationError({"goods": _("Zaznacz towary albo ustaw kursor na towarze.")})
    price_rules.lock_goods(ids)      # PostgreSQL: locked in id order before their prices are read (issue 16)
    rows = {g.id: g for g in Goods.select().where(Goods.id.in_(ids))}
    return [rows[i] for i in ids if i in rows]


def _touch(g: Goods, **values) -> None:
    Goods.update(**values, modified_at=utcnow()).where(Goods.id == g.id).execute()
    for k, v in values.items():
        setattr(g, k, v)


# --- prices ----------------------------------------------------------------------------------------

def change_prices(goods_ids, *, price_type_id: int, base_price_type_id: int | None = None, percent=None,
                  amount=None, step=Decimal(0)) -> SerialReport:
    """PSO-12: computed price = base price ± percent or ± amount, rounded to `step`; negative -> 0.

    base_price_type_id None = the price itself; 0 = the last purchase price. The computed price is
    written in the declared column of the target price type.
    """
    ensure_may_edit("prices", price_type_id=price_type_id)
    if (percent is None) == (amount is None):
        raise ValidationError({"percent": _("Podaj zmianę ceny o procent albo o kwotę.")})
    report = SerialReport("change_prices")
    with write():
        target = PriceType.get_or_none(PriceType.id == price_type_id)
        if target is None:
            raise NotFound(_("Nie znaleziono rodzaju ceny."))
        base_pt = None if base_price_type_id in (None, 0) else PriceType.get_or_none(PriceType.id == base_price_type_id)
        for g in _goods(goods_ids):
            row = GoodsPrice.get_or_none((GoodsPrice.goods == g.id) & (GoodsPrice.price_type == target.id))
            old = (row.gross if target.gross else row.net) if row else Decimal(0)
            if base_price_type_id == 0:
                base = g.last_purchase_price
                if target.gross:
                    base = money.gross_from_net(base, price_rules.vat_percent_of(g, target), price_rules.price_places())
            elif base_pt is not None:
                _pt, net, gross, _cur = price_rules.card_price(g, base_pt.id)
                base = gross if target.gross else net
            else:
                base = old
            if row is not None and row.currency != "PLN" and amount is not None:
                report.refuse(g, _("cena jest w walucie {w}; zmiana o kwotę w PLN pominięta").format(w=row.currency))
                continue
            new = money.change_price(base, percent=percent, amount=amount, step=step, places=price_rules.price_places())
            price_rules.set_price_in_tx(g, target, value=new)
            if new != old:
                report.change(g, target.name, old, new)
    return report


def recalculate_from_margin(goods_ids, *, price_type_ids: list[int] | None = None, margin=None) -> SerialReport:
    """ITM-22 for marked goods: price = round_to_step(purchase × (1 + m)) + offset (or w stu).

    `margin` None = each price's own margin; otherwise that margin is set and used. Goods without a
    purchase price are refused.
    """
    types = list(PriceType.select().where((PriceType.kind == "sale") & (PriceType.active == True)  # noqa: E712
                                          & (PriceType.id.in_(price_type_ids) if price_type_ids else True)))
    for pt in types:
        ensure_may_edit("prices", price_type_id=pt.id)
    report = SerialReport("recalculate_from_margin")
    with write():
        for g in _goods(goods_ids):
            if g.last_purchase_price <= 0:
                report.refuse(g, _("towar nie ma ceny zakupu"))
                continue
            for pt in types:
                row = GoodsPrice.get_or_none((GoodsPrice.goods == g.id) & (GoodsPrice.price_type == pt.id))
                old = (row.gross if pt.gross else row.net) if row else Decimal(0)
                m = Decimal(margin) if margin is not None else (row.margin if row else Decimal(0))
                try:
                    new_row = price_rules.set_price_in_tx(g, pt, margin=m)
                except ValidationError as exc:
                    report.refuse(g, exc.message)
                    break
                new = new_row.gross if pt.gross else new_row.net
                if new != old:
                    report.change(g, pt.name, old, new)
    return report


# --- card fields -------------------------------------------------------------------------------------

def set_group(goods_ids, group_id: int, *, action: str = "add") -> SerialReport:
    """PSO-1: add the group, make it the default group, or remove it (never the default one)."""
    ensure_may_edit("groups")
    if action not in ("add", "default", "remove"):
        raise ValidationError({"action": _("Akcja: dodaj, zmień domyślną albo usuń grupę.")})
    report = SerialReport("set_group")
    with write():
        group = GoodsGroup.get_or_none(GoodsGroup.id == group_id)
        if group is None:
            raise NotFound(_("Nie znaleziono grupy towarowej."))
        for g in _goods(goods_ids):
            ensure_default_group_in_tx(g)       # a bulk-loaded card: its default group gets its link row
            linked = GoodsGroupLink.select().where((GoodsGroupLink.goods == g.id) & (GoodsGroupLink.group == group.id)).exists()
            if action == "remove":
                if g.group_id == group.id:
                    report.refuse(g, _("grupa {g} jest grupą domyślną towaru").format(g=group.code))
                elif linked:
                    GoodsGroupLink.delete().where((GoodsGroupLink.goods == g.id) & (GoodsGroupLink.group == group.id)).execute()
                    report.change(g, _("grupy"), group.code, "—")
                continue
            if not linked:
                GoodsGroupLink.create(goods=g.id, group=group.id)
                if action == "add":
                    report.change(g, _("grupy"), "—", group.code)
            if action == "default" and g.group_id != group.id:
                old = GoodsGroup.get_by_id(g.group_id).code if g.group_id else "—"
                _touch(g, group=group.id)
                report.change(g, _("grupa domyślna"), old, group.code)
    return report


def set_category(goods_ids, category_id: int | None, *, sales: bool = True, purchase: bool = False) -> SerialReport:
    """PSO-16: set (or with None remove) the sales and/or purchase category."""
    ensure_may_edit("goods")
    report = SerialReport("set_category")
    with write():
        cat = Category.get_or_none(Category.id == category_id) if category_id else None
        if category_id and cat is None:
            raise NotFound(_("Nie znaleziono kategorii."))
        label = cat.code if cat else "—"
        for g in _goods(goods_ids):
            for flag, name, fname in ((sales, "sales_category", _("kategoria sprzedaży")),
                                      (purchase, "purchase_category", _("kategoria zakupu"))):
                old_id = getattr(g, name + "_id")
                if flag and old_id != (cat.id if cat else None):
                    old = Category.get_by_id(old_id).code if old_id else "—"
                    _touch(g, **{name: cat.id if cat else None})
                    report.change(g, fname, old, label)
    return report


def set_vat_rate(goods_ids, vat_rate_id: int | None = None, *, which: str = "both", keep: str = "net",
                 from_cn: bool = False) -> SerialReport:
    """PSO-10: new sales/purchase rate (or the rate of each item's CN code); every price keeps its
    net or its gross and the other column is recomputed."""
    ensure_may_edit("goods")
    if which not in ("sales", "purchase", "both") or keep not in ("net", "gross"):
        raise ValidationError({"which": _("Wybierz stawki (zakupu/sprzedaży/obydwie) i cenę do zachowania.")})
    report = SerialReport("set_vat_rate")
    with write():
        rate = VatRate.get_or_none(VatRate.id == vat_rate_id) if vat_rate_id else None
        if not from_cn and rate is None:
            raise ValidationError({"vat_rate": _("Wybierz nową stawkę VAT.")})
        for g in _goods(goods_ids):
            new = rate
            if from_cn:
                cn = CnCode.get_or_none(CnCode.code == g.cn_code) if g.cn_code else None
                if cn is None or cn.vat_rate_id is None:                                        # CN-4
                    report.refuse(g, _("kod CN towaru nie ma stawki VAT") if cn else _("towar nie ma kodu CN"))
                    continue
                new = VatRate.get_by_id(cn.vat_rate_id)
            values = {}
            if which in ("sales", "both") and g.vat_rate_id != new.id:
                values["vat_rate"] = new.id
                report.change(g, _("stawka VAT sprzedaży"), VatRate.get_by_id(g.vat_rate_id).code, new.code)
            if which in ("purchase", "both") and g.purchase_vat_rate_id != new.id:
                values["purchase_vat_rate"] = new.id
                old = VatRate.get_by_id(g.purchase_vat_rate_id).code if g.purchase_vat_rate_id else "—"
                report.change(g, _("stawka VAT zakupu"), old, new.code)
            if values:
                _touch(g, **values)
                g = Goods.get_by_id(g.id)
                price_rules.recompute_all_in_tx(g, keep=keep)
    return report


def set_unit(goods_ids, unit: str, *, confirmed: bool = False) -> SerialReport:
    """Change the base unit. An item already on documents is refused unless `confirmed` (ITM-34's
    question answered Tak); an item having that unit as auxiliary unit is refused."""
    ensure_may_edit("goods")
    report = SerialReport("set_unit")
    with write():
        if not Unit.select().where(Unit.code == unit).exists():
            raise ValidationError({"unit": _("Jednostka „{u}” nie istnieje w słowniku jednostek miary.").format(u=unit)})
        for g in _goods(goods_ids):
            if g.unit == unit:
                continue
            if GoodsUnit.select().where((GoodsUnit.goods == g.id) & (GoodsUnit.unit == unit)).exists():
                report.refuse(g, _("jednostka {u} jest już jednostką pomocniczą towaru").format(u=unit))
            elif not confirmed and usage_reason("goods", g.id):
                report.refuse(g, _("towar posiada powiązane dokumenty – zmiana jednostki wymaga potwierdzenia"))
            else:
                old = g.unit
                _touch(g, unit=unit)
                report.change(g, _("jednostka"), old, unit)
    return report


def set_attribute(goods_ids, attribute_id: int, *, action: str = "add", value: str = "",
                  from_value: str | None = None) -> SerialReport:
    """PSO-2: add (with an optional value), change value From -> To, or remove (optionally only
    where it has `from_value`). Contractor-dependent values are set only on the card."""
    from store.catalog.dict_tree import check_attribute_value

    ensure_may_edit("goods")
    if action not in ("add", "change", "remove"):
        raise ValidationError({"action": _("Akcja: dodaj, zmień albo usuń atrybut.")})
    report = SerialReport("set_attribute")
    with write():
        attr = AttributeDef.get_or_none(AttributeDef.id == attribute_id)
        if attr is None:
            raise NotFound(_("Nie znaleziono atrybutu."))
        if attr.kind != "goods":
            raise ValidationError({"attribute": _("Atrybut {a} nie jest atrybutem towaru.").format(a=attr.code)})
        if attr.per_contractor and value and action != "remove":
            raise ValidationError({"value": _("Wartości zależne od kontrahenta ustawia się tylko na karcie towaru.")})
        value = check_attribute_value(attr, value)
        for g in _goods(goods_ids):
            row = GoodsAttribute.get_or_none((GoodsAttribute.goods == g.id) & (GoodsAttribute.attribute == attr.id))
            if action == "add":
                if row is not None:
                    report.refuse(g, _("towar ma już atrybut {a}").format(a=attr.code))
                    continue
                pos = GoodsAttribute.select().where(GoodsAttribute.goods == g.id).count()
                GoodsAttribute.create(goods=g.id, attribute=attr.id, value=value, position=pos)
                report.change(g, attr.code, "—", value)
            elif action == "change":
                if row is None or (from_value or "") != row.value:
                    continue            # only rows having the "Z:" value change (empty Z: = no value yet)
                old, row.value = row.value, value
                row.save()
                report.change(g, attr.code, old, value)
            elif row is not None and (from_value is None or row.value == from_value):
                row.delete_instance()
                report.change(g, attr.code, row.value, "—")
    return report


def set_producer_brand(goods_ids, *, producer_id: int | None = None, brand_id: int | None = None) -> SerialReport:
    """PSO-13: change producer and/or brand; a brand of another producer is refused."""
    ensure_may_edit("goods")
    report = SerialReport("set_producer_brand")
    with write():
        brand = Brand.get_or_none(Brand.id == brand_id) if brand_id else None
        producer = Producer.get_or_none(Producer.id == producer_id) if producer_id else None
        for g in _goods(goods_ids):
            p_id = producer.id if producer else g.producer_id
            if brand and brand.producer_id and p_id and brand.producer_id != p_id:
                report.refuse(g, _("marka {m} należy do innego producenta").format(m=brand.name))
                continue
            values = {}
            if producer and g.producer_id != producer.id:
                values["producer"] = producer.id
                report.change(g, _("producent"), g.producer_id or "—", producer.code)
            if brand and g.brand_id != brand.id:
                values["brand"] = brand.id
                report.change(g, _("marka"), g.brand_id or "—", brand.name)
            if values:
                _touch(g, **values)
    return report


FLAG_FIELDS = ("copy_description", "external_price_list", "active", "allow_name_edit", "allow_description_edit",
               "mass_kg", "mpp", "jpk_v7_code", "kgo_value")


def set_flags(goods_ids, **values) -> SerialReport:
    """PSO-15 / PSO-7: only the given parameters are written."""
    unknown = set(values) - set(FLAG_FIELDS)
    if unknown:
        raise ValidationError({k: _("Nieznany parametr: {f}.").format(f=k) for k in unknown})
    ensure_may_edit("goods", fields=set(values))
    report = SerialReport("set_flags")
    with write():
        for g in _goods(goods_ids):
            changed = {k: v for k, v in values.items() if getattr(g, k) != v}
            for k, v in changed.items():
                report.change(g, k, getattr(g, k), v)
            if changed:
                _touch(g, **changed)
    return report
