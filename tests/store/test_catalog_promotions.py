"""Promotional sets (PROMO): validity by date and hour, prices of the elements, stock control,
deletion rules; sets are announced by price_for but never discounted by contractor conditions."""
from __future__ import annotations

from datetime import date, time
from decimal import Decimal as D

import pytest

from store.catalog.discounts import save_discount
from store.catalog.goods import delete_goods
from store.catalog.goods_codes import add_unit
from store.catalog.promotions import active_sets, delete_set, is_active, save_set, set_lines
from store.catalog.quote import price_for
from store.errors import Refused, ValidationError



def _set(cat, **kw):
    main = cat.goods("LAPTOP", price="3000.00")
    mouse = cat.goods("MYSZ", price="100.00")
    bag = cat.goods("TORBA", price="200.00")
    pad = cat.goods("PODKŁADKA", price="20.00")
    add_unit(pad.id, "opak", 10, 1)
    s = save_set(code="ZESTAW1", name="Laptop z akcesoriami", goods=main.id, main_percent=D(5), **kw,
                 elements=[dict(goods=mouse.id, quantity=1, kind="discount", value=D(50)),
                           dict(goods=bag.id, quantity=1, kind="percent_of_main", value=D(2)),
                           dict(goods=pad.id, quantity=1, unit="opak", kind="fixed", value=D("99.00")),
                           dict(goods=mouse.id, quantity=1, kind="free")])
    return s, main, mouse, bag, pad


@pytest.mark.rule("PROMO-3", "PROMO-7", "PROMO-9")
def test_set_prices_from_default_card_prices(cat):
    s, main, mouse, bag, pad = _set(cat)
    lines = set_lines(s.id, on=date(2024, 6, 1), quantity=D(2))
    assert [(ln.code, ln.quantity, ln.unit, ln.net, ln.is_main) for ln in lines] == [
        ("LAPTOP", D(2), "szt", D("2850.00"), True),          # 3000 − 5 %
        ("MYSZ", D(2), "szt", D("50.00"), False),             # own price − 50 %
        ("TORBA", D(2), "szt", D("60.00"), False),            # 2 % of the main item's price
        ("PODKŁADKA", D(2), "opak", D("99.00"), False),       # fixed price per OPAK
        ("MYSZ", D(2), "szt", D("0.00"), False)]              # gratis
    s2 = save_set(code="ZESTAW2", goods=main.id, main_kind="fixed", main_price=D("2500.00"),
                  elements=[dict(goods=bag.id, kind="percent_of_main", value=D(2))])
    assert [ln.net for ln in set_lines(s2.id, on=date(2024, 6, 1))] == [D("2500.00"), D("50.00")]


@pytest.mark.rule("PROMO-4")
def test_validity_by_dates_and_hours(cat):
    s, main, *_ = _set(cat, valid_from=date(2024, 6, 1), valid_to=date(2024, 6, 30),
                       hour_from=time(8), hour_to=time(12))
    assert is_active(s, date(2024, 6, 1), time(8, 0))
    assert not is_active(s, date(2024, 6, 1), time(12, 0))
    assert not is_active(s, date(2024, 5, 31), time(9, 0))
    assert not is_active(s, date(2024, 7, 1), time(9, 0))
    hours_only = save_set(code="RANO", goods=main.id, hour_from=time(6), hour_to=time(9))
    assert [x.code for x in active_sets(date(2030, 1, 1), time(7))] == ["RANO"]
    always = save_set(code="ZAWSZE", goods=main.id)
    assert {x.code for x in active_sets(date(2030, 1, 1), time(23))} == {"ZAWSZE"}
    assert {x.code for x in active_sets(date(2024, 6, 3), time(9), goods_id=main.id)} == {"ZESTAW1", "ZAWSZE"}
    with pytest.raises(Refused):
        set_lines(hours_only.id, on=date(2024, 6, 3), at=time(10))
    assert set_lines(always.id, on=date(2024, 6, 3), at=time(10))[0].code == "LAPTOP"
    with pytest.raises(ValidationError):
        save_set(code="ZŁY", goods=main.id, hour_from=time(10), hour_to=time(9))


@pytest.mark.rule("PROMO-17", "PROMO-3")
def test_contractor_discounts_do_not_touch_sets_but_price_for_announces_them(cat):
    s, main, mouse, *_ = _set(cat)
    k = cat.contractor("K", discount=10)
    save_discount(kind="1T/WK", goods=mouse.id, percent=D(30))
    assert set_lines(s.id, on=date(2024, 6, 1))[1].net == D("50.00")
    q = price_for(k.id, main.id, date(2024, 6, 1))
    assert q.promo_sets == ("ZESTAW1",) and q.net == D("2700.00")


@pytest.mark.rule("PROMO-20")
def test_stock_control_refuses_a_set_with_a_missing_element(cat):
    s, main, mouse, bag, pad = _set(cat)
    stock = {main.id: D(5), mouse.id: D(1), bag.id: D(5), pad.id: D(100)}
    with pytest.raises(Refused) as exc:          # two mice needed (discounted + gratis)
        set_lines(s.id, on=date(2024, 6, 1), available=stock.get)
    assert "brak towaru MYSZ (potrzeba 2, dostępne 1)" in str(exc.value)
    stock[mouse.id] = D(2)
    assert len(set_lines(s.id, on=date(2024, 6, 1), available=stock.get)) == 5
    stock[pad.id] = D(9)                          # 1 OPAK = 10 SZT
    with pytest.raises(Refused):
        set_lines(s.id, on=date(2024, 6, 1), available=stock.get)


@pytest.mark.rule("PROMO-1", "PROMO-2", "PROMO-5", "PROMO-12")
def test_codes_shop_flag_and_deletion(cat):
    s, main, mouse, *_ = _set(cat)
    with pytest.raises(ValidationError):
        save_set(code="ZESTAW1", goods=main.id)
    save_set(code="ZESTAW3", goods=main.id)                          # the same main item again
    with pytest.raises(ValidationError):
        save_set(s.id, shop=True)
    with pytest.raises(Refused) as exc:
        delete_goods(mouse.id)
    assert "ZESTAW1" in str(exc.value)
    from store.catalog.goods import update_goods
    from store.catalog.models import Goods
    for g in Goods.select():
        update_goods(g.id, external_price_list=True)
    save_set(s.id, shop=True)
    with pytest.raises(Refused):
        delete_set(s.id)
    save_set(s.id, shop=False)
    delete_set(s.id)
    delete_goods(mouse.id)
