"""What the document editor asks before a save (issue 14 §1, §3): series, payment term, price thresholds of a
line, goods by EAN, the margin check.

    series_choices(kind)              [default series, extra series…] — an extra series is never the default
                                      (OPER-13/14): the form proposes the first, the clerk picks another by hand
    proposed_due(contractor, form, d) the due date the payment terms give (cash.payment_terms), or None
    price_thresholds(goods, …)        [(from quantity, price)] the highlighted line would get (DICT-20)
    goods_by_ean(code)                the goods id a barcode names (SETUP-12 *Sprzedaż tylko wg kodów EAN*)
    below_purchase(kind, lines, …)    [(code, price, purchase price)] lines sold under the purchase price
    margin_moment(moment)             True when the SETUP-12 margin check runs at this moment
    proposed_contractor(kind)         the contractor a new document shows: !NIEOKREŚLONY! on a receipt (DOC-6)
"""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from store.trade import options

CENT = Decimal("0.01")
SALES_KINDS = ("FA", "PA")
MARGIN = "margin"                       # the code of the margin question (ConfirmationNeeded)


def proposed_contractor(kind: str) -> int | None:
    """A new PA is for the walk-in contractor !NIEOKREŚLONY! (DOC-6, CTR-30), as the store saves it; the form
    shows it and goes straight to the lines. An FA's clerk picks the contractor (an FA for it is refused)."""
    from store.parties.cards import find_unspecified

    found = find_unspecified() if kind == "PA" else None
    return found.id if found is not None else None


def series_choices(kind: str) -> list[str]:
    """The scheme's default series first, then every extra series (OPER-12) — never proposed (OPER-14)."""
    from store.numbering import NumberSeries, default_series

    default = default_series(kind)
    extra = [s for (s,) in NumberSeries.select(NumberSeries.symbol).where(NumberSeries.extra == True)  # noqa: E712
             .order_by(NumberSeries.symbol).tuples() if s != default]
    return [default] + extra


def proposed_due(contractor_id: int | None, form_id: int | None, issue_date: date) -> date | None:
    """The due date save_buffer gives an instalment without a typed date (CTF-45/46)."""
    if contractor_id is None or form_id is None:
        return None
    from store import cash

    return cash.payment_terms(contractor_id, form_id, issue_date).due_date


def price_thresholds(goods_id: int, *, contractor_id: int | None, on: date, warehouse_id: int | None,
                     from_gross: bool) -> list[tuple[Decimal, Decimal]]:
    """DICT-20: the quantity thresholds of an item with the price this contractor gets from each (price_for at
    that quantity, net or gross per the document); [] when the item has none."""
    from store.catalog.discounts import PriceThreshold
    from store.catalog.quote import price_for

    quantities = sorted({Decimal(q) for (q,) in PriceThreshold.select(PriceThreshold.min_quantity)
                        .where(PriceThreshold.goods == goods_id).tuples()})
    if not quantities:
        return []
    out = []
    for qty in [Decimal(1)] + [q for q in quantities if q != 1]:
        quote = price_for(contractor_id, goods_id, on, qty, warehouse_id=warehouse_id)
        out.append((qty, quote.gross if from_gross else quote.net))
    return out


def goods_by_ean(code: str) -> int | None:
    from store.catalog.goods_codes import find_by_ean

    hit = find_by_ean(code)
    return hit.goods_id if hit else None


def ean_only(kind: str) -> bool:
    return kind in SALES_KINDS and options.read()[options.EAN_ONLY] == "1"


def margin_moment(moment: str, opts: dict | None = None) -> bool:
    """moment: "line" | "save" | "approve"; "both" means save and approve."""
    value = (opts or options.read())[options.MARGIN_CHECK]
    return value == moment or (value == "both" and moment in ("save", "approve"))


def below_purchase(kind: str, lines, *, from_gross: bool) -> list[tuple[str, Decimal, Decimal]]:
    """Sales lines whose net price is below the goods' last purchase price: (code, net price, purchase price).
    `lines`: objects or dicts with goods_id, price and rate."""
    if kind not in SALES_KINDS:
        return []
    from store.catalog.models import Goods

    def get(ln, name):
        return ln[name] if isinstance(ln, dict) else getattr(ln, name)
    ids = {get(ln, "goods_id") for ln in lines}
    purchase = {g: (code, Decimal(p or 0)) for g, code, p in Goods.select(Goods.id, Goods.code, Goods.last_purchase_price)
                .where(Goods.id.in_(list(ids))).tuples()} if ids else {}
    out = []
    for ln in lines:
        code, cost = purchase.get(get(ln, "goods_id"), ("", Decimal(0)))
        price = Decimal(get(ln, "price"))
        net = (price * 100 / (100 + Decimal(get(ln, "rate")))).quantize(CENT, ROUND_HALF_UP) if from_gross else price
        if cost > 0 and net < cost:
            out.append((code, net, cost))
    return out


def margin_text(found) -> str:
    from store.i18n import _
    from store.trade.listing import money_text

    items = ", ".join(_("{kod} (cena {cena}, zakup {zakup})").format(kod=c, cena=money_text(p), zakup=money_text(k))
                      for c, p, k in found)
    return _("Cena sprzedaży poniżej ceny zakupu: {pozycje}. Kontynuować?").format(pozycje=items)


def convert_price(price: Decimal, rate: Decimal, *, to_gross: bool) -> Decimal:
    """A line price when the document switches between net and gross (SETUP-12), to the grosz."""
    factor = (100 + Decimal(rate)) / 100
    return (Decimal(price) * factor if to_gross else Decimal(price) / factor).quantize(CENT, ROUND_HALF_UP)
