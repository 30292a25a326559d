"""Contractor discount summary (CDS-6..CDS-9): computed on demand (the lightning button / F5)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from store.catalog.discounts import FixedPrice, active_on
from store.catalog.models import Goods
from store.catalog.quote import PriceQuote, _contractor_info, price_for


@dataclass(frozen=True)
class DiscountRow:
    goods_id: int
    code: str
    side: str          # contractor | goods
    kind: str          # DSC-3/4 kind, or "standard"
    percent: Decimal


@dataclass(frozen=True)
class FixedRow:
    goods_id: int
    code: str
    level: str         # contractor | group | all (CDS-8 "Poziom")
    price: Decimal
    gross: bool
    currency: str


def _goods(group_id: int | None, include_inactive: bool):
    q = Goods.select().order_by(Goods.code)
    if group_id:
        q = q.where(Goods.group == group_id)            # the item's default group (CDS-9)
    if not include_inactive:
        q = q.where(Goods.active == True)  # noqa: E712
    return q


def individual_price_list(contractor_id: int, on: date, *, group_id: int | None = None,
                          include_inactive: bool = False) -> list[tuple[Goods, PriceQuote]]:
    """CDS-9: every item's final price for the contractor after fixed prices and discounts."""
    return [(g, price_for(contractor_id, g.id, on, Decimal(1))) for g in _goods(group_id, include_inactive)]


def percentage_discounts(contractor_id: int, on: date) -> list[DiscountRow]:
    """CDS-6: items with a percentage discount for the contractor on the date; one row per side."""
    rows = []
    for g, q in individual_price_list(contractor_id, on):
        if q.rule.startswith("fixed"):
            continue
        for kind in q.applied:
            side = "goods" if kind in ("GT/WK", "1T/WK") else "contractor"
            pct = q.goods_discount if side == "goods" else q.contractor_discount
            rows.append(DiscountRow(g.id, g.code, side, kind, pct))
    return rows


def fixed_prices(contractor_id: int, on: date) -> list[FixedRow]:
    """CDS-8: the highest-priority fixed price per item (contractor > group > all) valid on the date."""
    contractor, group_code, _std, _pg = _contractor_info(contractor_id)
    cond = (FixedPrice.scope == "all") | ((FixedPrice.scope == "contractor") & (FixedPrice.contractor == contractor.id))
    if group_code:
        cond |= (FixedPrice.scope == "group") & (FixedPrice.contractor_group == group_code)
    best: dict[int, FixedPrice] = {}
    order = {"contractor": 0, "group": 1, "all": 2}
    for fp in FixedPrice.select().where(active_on(FixedPrice, on) & cond):
        cur = best.get(fp.goods_id)
        if cur is None or order[fp.scope] < order[cur.scope]:
            best[fp.goods_id] = fp
    codes = {g.id: g.code for g in Goods.select(Goods.id, Goods.code).where(Goods.id.in_(list(best)))}
    return sorted((FixedRow(gid, codes[gid], fp.scope, fp.price, fp.gross, fp.currency) for gid, fp in best.items()),
                  key=lambda r: r.code)
