"""Serial price change on goods bulk-loaded with only a list price (the demo's million goods)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from store.catalog import Goods
from store.catalog.prices import retail_price_type
from store.catalog.serial import change_prices


@pytest.mark.rule("PSO-12")
def test_percent_change_starts_from_the_list_price_not_zero(sqlite_db):
    from store.demo import build_demo

    build_demo(contractors=5, goods=20, seed=5)
    ids = [g.id for g in Goods.select().order_by(Goods.id).limit(3)]
    before = {g.id: g.retail_price for g in Goods.select().where(Goods.id.in_(ids))}
    report = change_prices(ids, price_type_id=retail_price_type().id, percent=Decimal("10"))
    after = {g.id: g.retail_price for g in Goods.select().where(Goods.id.in_(ids))}
    for gid in ids:
        expected = (before[gid] * Decimal("1.10")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert after[gid] == expected, (gid, before[gid], after[gid])
    assert len(report.changed) == 3
