"""price_for() against an independent model of DSC-3/4/9/10/12/13: random discount tables, some
matching the contractor/item and some not, every combination method."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.catalog.discounts import save_discount
from store.catalog.quote import price_for
from store.config import set_setting

PRIORITY_K = ["GK/WT", "1K/WT", "GK/GT", "GK/1T", "1K/GT", "1K/1T"]   # ascending (DSC-3)
PRIORITY_T = ["GT/WK", "1T/WK"]                                     # ascending (DSC-4)

rows = st.lists(st.tuples(st.sampled_from(PRIORITY_K + PRIORITY_T), st.integers(1, 60), st.booleans()),
                max_size=6, unique_by=lambda r: (r[0], r[2]))


def expected_price(table, standard, method) -> D:
    matching = {kind: pct for kind, pct, match in table if match}
    k = [kind for kind in PRIORITY_K if kind in matching]
    t = [kind for kind in PRIORITY_T if kind in matching]
    dk = F(matching[k[-1]]) if k else F(0)
    if standard and (not k or PRIORITY_K.index(k[-1]) < PRIORITY_K.index("1K/WT")):
        dk = F(standard)
    dt = F(matching[t[-1]]) if t else F(0)
    d = {"additive": dk + dt, "multiplicative": half_up(100 - (100 - dk) * (100 - dt) / 100, 4),
         "contractor": dk, "goods": dt}[method]
    value = half_up(max(F(0), F(100) * (100 - d) / 100), 2)
    return D(value.numerator) / D(value.denominator)


def half_up(fr: F, places: int) -> F:
    scaled = fr * 10 ** places
    whole = scaled.numerator // scaled.denominator
    return F(whole + (1 if scaled - whole >= F(1, 2) else 0), 10 ** places)


@pytest.mark.rule("DSC-9", "DSC-10", "DSC-12", "DSC-13")
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=rows, standard=st.sampled_from([0, 5]),
       method=st.sampled_from(["additive", "multiplicative", "contractor", "goods"]))
def test_price_for_matches_the_priority_model(cat, table, standard, method):
    from store.catalog.dictionaries import GoodsGroup
    from store.db import database

    with database.atomic() as tx:
        group = GoodsGroup.create(code="G", parent=GoodsGroup.get(GoodsGroup.is_main == True).id)  # noqa: E712
        other_group = GoodsGroup.create(code="INNA", parent=group.id)
        x = cat.goods("X", price="100.00", group=group.id)
        y = cat.goods("Y", price="100.00", group=other_group.id)
        c = cat.contractor("C", group="HURT", discount=standard, price_group="hurtowa 1")
        other = cat.contractor("INNY", group="DETAL")
        set_setting("discount_method", method)
        for kind, pct, match in table:
            subject, obj = kind.split("/")
            fields = {"kind": kind, "percent": D(pct)}
            if "1K" in (subject, obj):
                fields["contractor"] = c.id if match else other.id
            if subject == "GK":
                fields["contractor_group"] = "HURT" if match else "DETAL"
            if "1T" in (subject, obj):
                fields["goods"] = x.id if match else y.id
            if "GT" in (subject, obj):
                fields["goods_group"] = group.id if match else other_group.id
            save_discount(**fields)
        got = price_for(c.id, x.id, date(2024, 6, 10)).net
        assert got == expected_price(table, standard, method)
        tx.rollback()
