"""price_for(): the one pricing function every document calls (DSC-9..12, DSC-15..17, DSC-19 date,
WH-9 warehouse price, DICT-11 branch default price, DICT-20/21 thresholds, fixed price).

Algorithm (DSC OPEN, recommended full algorithm):
 0. price type: explicit > warehouse default (WH-9) > contractor's price (CTF-43) > branch default
    (DICT-11, setting `branch_default_price_type`) > the item's default > the company default;
    a type the item has no row for is skipped (DICT-11 "not received").
 1. card price of that type; a quantity threshold (DICT-20) replaces it from its quantity on.
 2. fixed price valid on the date for this quantity: one contractor > contractor group > all (DSC-11).
    By default it wins outright (no % discount, DSC-11); with setting `fixed_price_then_discounts`
    = 1 it is the starting price and the percentage discounts follow (DICT-21).
 3. d_k = the highest-priority applicable contractor-side discount (DSC-3; the card's standard
    discount counts as 1K/WT); d_t = the highest-priority goods-side one (DSC-4); goods-group
    discounts look at the item's default group only (DSC-5).
 4. d = combine(d_k, d_t) by the setting `discount_method` (DSC-12, default multiplicative).
 5. price = round_half_up(start × (1 − d)) in the price's declared column; the other column follows
    from the item's sales VAT rate.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

from store.catalog import money
from store.catalog.dictionaries import PriceType, Warehouse
from store.catalog.discounts import CONTRACTOR_SIDE, GOODS_SIDE, Discount, FixedPrice, PriceThreshold, active_on
from store.catalog.models import Goods, GoodsPrice
from store.catalog.prices import pick_retail
from store.config import VatRate, get_setting
from store.errors import NotFound
from store.i18n import _

_KIND_LABEL = {
    "GK/WT": "grupa kontrahentów / wszystkie towary", "1K/WT": "kontrahent / wszystkie towary",
    "GK/GT": "grupa kontrahentów / grupa towarów", "GK/1T": "grupa kontrahentów / towar",
    "1K/GT": "kontrahent / grupa towarów", "1K/1T": "kontrahent / towar",
    "GT/WK": "grupa towarów / wszyscy kontrahenci", "1T/WK": "towar / wszyscy kontrahenci",
    "standard": "rabat standardowy kontrahenta",
}


@dataclass(frozen=True)
class PriceQuote:
    goods_id: int
    price_type_id: int | None
    price_type: str
    gross_declared: bool
    base_net: Decimal            # card (or threshold / fixed) price before discounts
    base_gross: Decimal
    discount: Decimal            # resulting percent (0 when a fixed price wins)
    net: Decimal                 # unit price after discount
    gross: Decimal
    currency: str
    rule: str                    # "card" | "threshold" | "fixed:contractor|group|all" | "discount"
    reason: str                  # Polish sentence: which rule won and why
    contractor_discount: Decimal = Decimal(0)
    goods_discount: Decimal = Decimal(0)
    applied: tuple[str, ...] = field(default_factory=tuple)   # discount kinds used
    promo_sets: tuple[str, ...] = field(default_factory=tuple)  # sets with this main item valid now


def _pct(value: Decimal) -> str:
    """20.00 -> "20", 12.50 -> "12,5" (Polish decimal comma)."""
    return format(Decimal(value).normalize(), "f").replace(".", ",")


METHODS = ("additive", "multiplicative", "contractor", "goods")


def discount_method() -> str:
    value = get_setting("discount_method", "multiplicative")
    return value if value in METHODS else "multiplicative"


class _Ctx:
    """What one quote reads once: settings, price types, the main group (a handful of rows)."""

    def __init__(self):
        from store.config import Setting

        self.settings = {k: v for k, v in Setting.select(Setting.key, Setting.value).tuples()}
        self.types = {pt.id: pt for pt in PriceType.select().order_by(PriceType.position, PriceType.id)}
        self.retail = pick_retail(list(self.types.values()))
        from store.catalog.goods import main_group_id

        self.main_group = main_group_id()
        self.places = 4 if self.settings.get("price_precision", "2") == "4" else 2

    def setting(self, key: str, default: str = "") -> str:
        return self.settings.get(key, default)

    def active(self, pt_id) -> int | None:
        try:
            pt = self.types.get(int(pt_id)) if pt_id else None
        except (TypeError, ValueError):
            return None
        return pt.id if pt is not None and pt.active else None

    def by_name(self, name: str) -> int | None:
        name = (name or "").strip()
        if not name:
            return None
        if name.isdigit():
            return self.active(int(name))
        return next((pt.id for pt in self.types.values() if pt.active and pt.name.lower() == name.lower()), None)

    def default_type(self, goods: Goods) -> int | None:
        """The item's default price (ITM-17), else the company default sales price."""
        pt = self.active(goods.default_price_type_id)
        if pt:
            return pt
        sale = [p for p in self.types.values() if p.active and p.kind == "sale"]
        sale.sort(key=lambda p: (not p.is_default, p.position, p.id))
        return sale[0].id if sale else None


def default_price_type_id(goods: Goods) -> int | None:
    return _Ctx().default_type(goods)


def _contractor_info(contractor_id: int | None):
    if contractor_id is None:
        return None, "", Decimal(0), ""
    from store import parties

    model = parties.Contractor
    wanted = [getattr(model, n) for n in ("id", "group", "discount", "price_group") if n in model._meta.fields]
    c = model.select(*wanted).where(model.id == contractor_id).first()
    if c is None:
        raise NotFound(_("Nie znaleziono kontrahenta."))
    group_code = ""
    group_id = getattr(c, "group_id", None)
    group_model = getattr(parties, "ContractorGroup", None)
    if group_id and group_model is not None:
        g = group_model.get_or_none(group_model.id == group_id)
        group_code = getattr(g, "code", "") if g else ""
    return c, group_code, Decimal(getattr(c, "discount", 0) or 0), getattr(c, "price_group", "") or ""


def _rows(goods: Goods, ctx: _Ctx) -> dict[int, GoodsPrice]:
    """The item's price rows by type: goods_price is the source of every price (goods.retail_price is
    only the list's sort mirror)."""
    return {r.price_type_id: r for r in GoodsPrice.select().where(GoodsPrice.goods == goods.id)}


def choose_price_type(goods: Goods, *, contractor_price: str = "", warehouse_id: int | None = None,
                      price_type_id: int | None = None, ctx: _Ctx | None = None,
                      rows: dict | None = None) -> int | None:
    ctx = ctx or _Ctx()
    rows = rows if rows is not None else _rows(goods, ctx)
    candidates = [ctx.active(price_type_id)]
    if warehouse_id:
        wh = Warehouse.get_or_none(Warehouse.id == warehouse_id)
        candidates.append(ctx.active(wh.default_price_type_id) if wh else None)            # WH-9
    candidates.append(ctx.by_name(contractor_price))                                      # CTF-43
    candidates.append(ctx.by_name(ctx.setting("branch_default_price_type")))              # DICT-11
    candidates.append(ctx.default_type(goods))
    for pt in candidates:
        if pt and pt in rows:
            return pt
    if ctx.retail is not None and ctx.retail.id in rows:          # a card without its default type's row
        return ctx.retail.id
    return next((pt for pt in candidates if pt), None)


def _best(rows, order: tuple[str, ...], quantity: Decimal):
    """Highest priority kind first, then the highest threshold reached, then the newest."""
    rows = [r for r in rows if r.min_quantity <= quantity]
    if not rows:
        return None
    return max(rows, key=lambda r: (order.index(r.kind), r.min_quantity, r.valid_from or date.min, r.id))


def price_for(contractor_id: int | None, goods_id: int, on: date, quantity: Decimal = Decimal(1), *,
              at: time | None = None, warehouse_id: int | None = None,
              price_type_id: int | None = None, currency: str | None = None) -> PriceQuote:
    """What price and discount this contractor gets for this item on this date for this quantity.

    `currency`: the document's currency; a card or fixed price in another currency is converted at
    the default rate type valid on `on` (ITM-21, DSC-15); without it the quote keeps the price's own
    currency."""
    goods = Goods.select(Goods.id, Goods.code, Goods.vat_rate, Goods.group,
                         Goods.default_price_type).where(Goods.id == goods_id).first()
    if goods is None:
        raise NotFound(_("Nie znaleziono towaru."))
    quantity = Decimal(quantity)
    ctx = _Ctx()
    places = ctx.places
    vat = VatRate.get_by_id(goods.vat_rate_id).rate
    contractor, group_code, standard, contractor_price = _contractor_info(contractor_id)
    rows = _rows(goods, ctx)
    pt_id = choose_price_type(goods, contractor_price=contractor_price, warehouse_id=warehouse_id,
                              price_type_id=price_type_id, ctx=ctx, rows=rows)
    pt = ctx.types.get(pt_id) if pt_id else None
    gross_declared = bool(pt and pt.gross)
    row = rows.get(pt_id) if pt_id else None
    start = ((row.gross if gross_declared else row.net) if row else Decimal(0))
    price_currency = row.currency if row else "PLN"
    group_id = goods.group_id or ctx.main_group
    rule, reasons = "card", [_("cena „{p}” z karty towaru").format(p=pt.name if pt else "—")]
    threshold = (PriceThreshold.select().where((PriceThreshold.goods == goods.id)
                                               & (PriceThreshold.price_type.is_null() | (PriceThreshold.price_type == pt_id))
                                               & (PriceThreshold.min_quantity <= quantity))
                 .order_by(PriceThreshold.min_quantity.desc(), PriceThreshold.price_type.desc(nulls="last")).first())
    if threshold is not None:                                                                  # DICT-20
        start, rule = threshold.price, "threshold"
        reasons = [_("próg ilościowy od {q}").format(q=_pct(threshold.min_quantity))]

    fixed = None
    scope_rank = {"contractor": 0, "group": 1, "all": 2}                                      # DSC-11
    for fp in FixedPrice.select().where((FixedPrice.goods == goods.id) & active_on(FixedPrice, on)
                                        & (FixedPrice.min_quantity <= quantity)):
        if fp.scope == "contractor" and (contractor is None or fp.contractor_id != contractor.id):
            continue
        if fp.scope == "group" and (not group_code or fp.contractor_group != group_code):
            continue
        key = (scope_rank[fp.scope], -fp.min_quantity, -fp.id)
        if fixed is None or key < (scope_rank[fixed.scope], -fixed.min_quantity, -fixed.id):
            fixed = fp
    then_discounts = ctx.setting("fixed_price_then_discounts", "0") in ("1", "true", "tak")
    if fixed is not None:
        start = fixed.price if fixed.gross == gross_declared else (
            money.gross_from_net(fixed.price, vat, places) if gross_declared else money.net_from_gross(fixed.price, vat, places))
        price_currency, rule = fixed.currency, f"fixed:{fixed.scope}"
        reasons = [_("stała cena ({s}) ma najwyższy priorytet").format(
            s={"contractor": _("kontrahent"), "group": _("grupa kontrahentów"), "all": _("wszyscy kontrahenci")}[fixed.scope])]

    dk = dt = Decimal(0)
    applied: list[str] = []
    if fixed is None or then_discounts:
        q = Discount.select().where(active_on(Discount, on))
        side_k = []
        if contractor is not None or group_code:
            subj = Discount.contractor == (contractor.id if contractor else 0)
            if group_code:
                subj |= Discount.contractor_group == group_code
            obj = (Discount.goods.is_null() & Discount.goods_group.is_null()) | (Discount.goods == goods.id)
            if group_id:
                obj |= Discount.goods_group == group_id                                        # DSC-5
            side_k = [r for r in q.where(Discount.kind.in_(CONTRACTOR_SIDE) & subj & obj)
                      if (r.kind.startswith("1K") and contractor and r.contractor_id == contractor.id)
                      or (r.kind.startswith("GK") and r.contractor_group == group_code)]
        obj_t = Discount.goods == goods.id
        if group_id:
            obj_t |= Discount.goods_group == group_id
        side_t = list(q.where(Discount.kind.in_(GOODS_SIDE) & obj_t))
        best_k = _best(side_k, CONTRACTOR_SIDE, quantity)
        outranks_standard = best_k is not None and \
            CONTRACTOR_SIDE.index(best_k.kind) >= CONTRACTOR_SIDE.index("1K/WT")
        if contractor is not None and standard > 0 and not outranks_standard:                 # DSC-13
            dk, kind_k = standard, "standard"
        elif best_k is not None:
            dk, kind_k = best_k.percent, best_k.kind
        else:
            kind_k = ""
        best_t = _best(side_t, GOODS_SIDE, quantity)
        dt, kind_t = (best_t.percent, best_t.kind) if best_t else (Decimal(0), "")
        if kind_k:
            applied.append(kind_k)
            reasons.append(_("rabat kontrahenta {d}% ({k})").format(d=_pct(dk), k=_(_KIND_LABEL[kind_k])))
        if kind_t:
            applied.append(kind_t)
            reasons.append(_("rabat towaru {d}% ({k})").format(d=_pct(dt), k=_(_KIND_LABEL[kind_t])))
    method = ctx.setting("discount_method", "multiplicative")
    method = method if method in METHODS else "multiplicative"
    d = money.combine_discounts(dk, dt, method) if (dk or dt) else Decimal(0)
    if dk and dt:
        reasons.append(_("metoda łączenia rabatów: {m}").format(m={
            "additive": _("addytywna"), "multiplicative": _("multiplikatywna"),
            "contractor": _("rabat kontrahenta"), "goods": _("rabat towaru")}[method]))
    if d and rule in ("card", "threshold"):
        rule = "discount"
    if currency and currency.upper() != price_currency.upper():
        from store.catalog.rates import convert
        start = convert(start, price_currency, currency, on, places=4)
        reasons.append(_("przeliczono z {a} na {b}").format(a=price_currency, b=currency.upper()))
        price_currency = currency.upper()
    final = money.apply_discount(start, d, places) if d else money.q(start, places)
    base_net, base_gross = money.complete(money.q(start, places), gross=gross_declared, vat_percent=vat,
                                          places=places)
    net, gross = money.complete(final, gross=gross_declared, vat_percent=vat, places=places)
    from store.catalog.promotions import active_sets

    sets = tuple(s.code for s in active_sets(on, at, goods_id=goods.id))
    return PriceQuote(goods.id, pt_id, pt.name if pt else "", gross_declared, base_net, base_gross,
                      money.q(d, 4), net, gross, price_currency, rule, "; ".join(reasons),
                      contractor_discount=money.q(dk, 2), goods_discount=money.q(dt, 2), applied=tuple(applied),
                      promo_sets=sets)
