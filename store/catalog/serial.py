"""Serial operations on marked goods (PSO). Each returns a SerialReport: what changed (old -> new)
and what was refused, with the reason in Polish. Price change, VAT rate, group, base unit and
attribute run set-based in batches of bounded size, each batch one transaction under the operation's
run id (store.catalog.serial_runs, serial_sets; issue 16 §5); the others are one transaction.

Prices: change by percent or amount with rounding to a step (PSO-12), recalculation from the
purchase price and margin (ITM-22). Card: group (PSO-1), attribute (PSO-2), VAT rate (PSO-10),
sales/purchase category (PSO-16), base unit, producer/brand (PSO-13), flags (PSO-15).
EAN ranges and fiscal names: store.catalog.serial_codes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from store.catalog import prices as price_rules
from store.catalog import serial_runs as runs
from store.catalog.dictionaries import Brand, Category, PriceType, Producer
from store.catalog.models import Goods, GoodsPrice
from store.catalog.roles import ensure_may_edit
from store.catalog.serial_runs import Change, Refusal
from store.db import write
from store.errors import NotFound, ValidationError
from store.i18n import _


@dataclass
class SerialReport:
    """What a serial operation changed (old -> new) and refused (with the reason). A batched run
    (store.catalog.serial_runs) loads its lines from the run's log: all of them up to LOAD_LIMIT,
    beyond that the first LOAD_LIMIT (the counts are always whole; `run_id` reads the rest)."""

    operation: str
    changed: list[Change] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    run_id: int | None = None
    changed_count: int | None = None
    refused_count: int | None = None
    total: int | None = None
    done: int | None = None

    LOAD_LIMIT = 20_000

    @property
    def n_changed(self) -> int:
        return len(self.changed) if self.changed_count is None else self.changed_count

    @property
    def n_refused(self) -> int:
        return len(self.refused) if self.refused_count is None else self.refused_count

    @property
    def complete(self) -> bool:
        """False for a cancelled or interrupted run: only the committed part was done."""
        return self.total is None or self.done == self.total

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

    @classmethod
    def of_run(cls, operation: str, run_id: int) -> "SerialReport":
        st = runs.state(run_id)
        changed, refused = runs.report(run_id, limit=cls.LOAD_LIMIT)
        return cls(operation, changed, refused, run_id=run_id, changed_count=st.changed, refused_count=st.refused,
                   total=st.total, done=st.done)


@dataclass(frozen=True)
class GoodsSelection:
    """The marked goods of a list without listing them: every id the query returns (ListQuery.id_query()
    under the list's filters) except `exclude` ("mark all", then unmark a few)."""

    query: object
    exclude: frozenset = frozenset()


def _batched(kind: str, params: dict, goods, *, progress=None, cancel=None) -> SerialReport:
    """Freeze the goods, run the operation in batches (store.catalog.serial_runs), return its report."""
    if isinstance(goods, GoodsSelection):
        run_id = runs.start(kind, params, selection=goods.query, exclude=goods.exclude)
    else:
        run_id = runs.start(kind, params, ids=list(goods))
    runs.execute(run_id, progress=progress, cancel=cancel)
    return SerialReport.of_run(kind, run_id)


def resume(run_id: int, *, progress=None, cancel=None) -> SerialReport:
    """Finish a run that was cancelled or killed: only its goods still pending are done."""
    st = runs.execute(run_id, progress=progress, cancel=cancel)
    return SerialReport.of_run(st.kind, run_id)


def _goods(ids) -> list[Goods]:
    if isinstance(ids, GoodsSelection):          # an operation still in one transaction, over "mark all"
        ids = [i for (i,) in ids.query.tuples() if i not in ids.exclude]
    ids = list(dict.fromkeys(int(i) for i in ids))
    if not ids:
        raise ValidationError({"goods": _("Zaznacz towary albo ustaw kursor na towarze.")})
    price_rules.lock_goods(ids)      # PostgreSQL: locked in id order before their prices are read (issue 16)
    rows = {g.id: g for g in Goods.select().where(Goods.id.in_(ids))}
    return [rows[i] for i in ids if i in rows]


def _touch(g: Goods, **values) -> None:
    Goods.update(**values, **Goods.stamp_names()).where(Goods.id == g.id).execute()
    for k, v in values.items():
        setattr(g, k, v)


# --- prices ----------------------------------------------------------------------------------------

def change_prices(goods_ids, *, price_type_id: int, base_price_type_id: int | None = None, percent=None,
                  amount=None, step=Decimal(0), progress=None, cancel=None) -> SerialReport:
    """PSO-12: computed price = base price ± percent or ± amount, rounded to `step`; negative -> 0.

    base_price_type_id None = the price itself; 0 = the last purchase price. The computed price is
    written in the declared column of the target price type. Set-based, in batches (serial_sets).
    """
    params = {"price_type_id": price_type_id, "base_price_type_id": base_price_type_id,
              "percent": None if percent is None else str(percent), "amount": None if amount is None else str(amount),
              "step": str(step or 0)}
    return _batched("change_prices", params, goods_ids, progress=progress, cancel=cancel)


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

def set_group(goods_ids, group_id: int, *, action: str = "add", progress=None, cancel=None) -> SerialReport:
    """PSO-1: add the group, make it the default group, or remove it (never the default one)."""
    return _batched("set_group", {"group_id": group_id, "action": action}, goods_ids, progress=progress, cancel=cancel)


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
                 from_cn: bool = False, progress=None, cancel=None) -> SerialReport:
    """PSO-10: new sales/purchase rate (or the rate of each item's CN code); every price keeps its
    net or its gross and the other column is recomputed."""
    params = {"vat_rate_id": vat_rate_id, "which": which, "keep": keep, "from_cn": bool(from_cn)}
    return _batched("set_vat_rate", params, goods_ids, progress=progress, cancel=cancel)


def set_unit(goods_ids, unit: str, *, confirmed: bool = False, progress=None, cancel=None) -> SerialReport:
    """Change the base unit. An item already on documents is refused unless `confirmed` (ITM-34's
    question answered Tak); an item having that unit as auxiliary unit is refused."""
    return _batched("set_unit", {"unit": unit, "confirmed": bool(confirmed)}, goods_ids, progress=progress,
                    cancel=cancel)


def set_attribute(goods_ids, attribute_id: int, *, action: str = "add", value: str = "",
                  from_value: str | None = None, progress=None, cancel=None) -> SerialReport:
    """PSO-2: add (with an optional value), change value From -> To, or remove (optionally only
    where it has `from_value`). Contractor-dependent values are set only on the card."""
    params = {"attribute_id": attribute_id, "action": action, "value": value, "from_value": from_value}
    return _batched("set_attribute", params, goods_ids, progress=progress, cancel=cancel)


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
