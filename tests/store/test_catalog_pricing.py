"""price_for(): every worked example of the specs on discounts, fixed prices, thresholds and price
choice (DSC, CDS, DICT, WH-9), on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from store.catalog import dict_rules
from store.catalog.discounts import save_discount, save_fixed_price, set_thresholds
from store.catalog.quote import price_for
from store.config import set_setting
from store.errors import Refused, ValidationError


DAY = date(2024, 6, 10)


@pytest.mark.rule("DSC-12", "DSC-17")
def test_dsc_scenario1_cis_and_ab_multiplicative_then_additive(cat):
    ab = cat.goods("AB", price="100.00")
    cis = cat.contractor("CIS", discount=20, price_group="hurtowa 1")
    save_discount(kind="1T/WK", goods=ab.id, percent=D(30))
    set_setting("discount_method", "multiplicative")
    q = price_for(cis.id, ab.id, DAY, D(1))
    assert (q.discount, q.net, q.base_net, q.rule) == (D("44.0000"), D("56.00"), D("100.00"), "discount")
    assert "rabat kontrahenta 20%" in q.reason and "rabat towaru 30%" in q.reason
    set_setting("discount_method", "additive")
    q = price_for(cis.id, ab.id, DAY, D(1))
    assert (q.discount, q.net) == (D("50.0000"), D("50.00"))
    set_setting("discount_method", "contractor")
    assert price_for(cis.id, ab.id, DAY).net == D("80.00")
    set_setting("discount_method", "goods")
    assert price_for(cis.id, ab.id, DAY).net == D("70.00")


@pytest.mark.rule("DSC-9", "DSC-5", "DSC-3")
def test_dsc_scenario2_aloza_group_discount_outranks_its_own(cat):
    rosliny = dict_rules.create_entry("goods_group", code="ROŚLINY")
    napoje = dict_rules.create_entry("goods_group", code="NAPOJE")
    fikus = cat.goods("FIKUS", price="10.00", group=rosliny.id)
    sok = cat.goods("SOK", price="10.00", group=napoje.id)
    aloza = cat.contractor("ALOZA", group="ODB_FIRMY", price_group="hurtowa 1")
    save_discount(kind="1K/WT", contractor=aloza.id, percent=D(2))
    save_discount(kind="GK/GT", contractor_group="ODB_FIRMY", goods_group=rosliny.id, percent=D(4))
    assert price_for(aloza.id, fikus.id, DAY).discount == D(4)
    assert price_for(aloza.id, sok.id, DAY).discount == D(2)
    # DSC-5: an extra (non-default) group does not bring the group discount
    from store.catalog.goods import add_goods_group
    add_goods_group(sok.id, rosliny.id)
    assert price_for(aloza.id, sok.id, DAY).discount == D(2)


@pytest.mark.rule("DSC-11")
def test_dsc_scenario3_fixed_price_beats_every_percentage(cat):
    x = cat.goods("X", price="20.00")
    abc = cat.contractor("ABC", price_group="hurtowa 1")
    save_fixed_price(goods=x.id, scope="all", price=D("9.99"))
    save_discount(kind="1K/1T", contractor=abc.id, goods=x.id, percent=D(50))
    q = price_for(abc.id, x.id, DAY)
    assert (q.net, q.discount, q.rule) == (D("9.99"), D(0), "fixed:all")
    assert "stała cena" in q.reason


@pytest.mark.rule("DSC-11", "CDS-8")
def test_fixed_price_one_contractor_beats_group_beats_all(cat):
    x = cat.goods("X", price="20.00")
    abc = cat.contractor("ABC", group="HURT")
    other = cat.contractor("INNY", group="HURT")
    third = cat.contractor("TRZECI")
    save_fixed_price(goods=x.id, scope="all", price=D("15.00"))
    save_fixed_price(goods=x.id, scope="group", contractor_group="HURT", price=D("12.00"))
    save_fixed_price(goods=x.id, scope="contractor", contractor=abc.id, price=D("10.00"))
    assert price_for(abc.id, x.id, DAY).net == D("10.00")
    assert price_for(other.id, x.id, DAY).net == D("12.00")
    assert price_for(third.id, x.id, DAY).net == D("15.00")
    assert price_for(None, x.id, DAY).rule == "fixed:all"


@pytest.mark.rule("DSC-19", "DSC-8")
def test_dsc_scenario4_dated_discount_follows_the_document_date(cat):
    x = cat.goods("X", price="100.00")
    save_discount(kind="1T/WK", goods=x.id, percent=D(10), valid_from=date(2024, 6, 1), valid_to=date(2024, 6, 30))
    assert price_for(None, x.id, date(2024, 5, 31)).net == D("100.00")
    assert price_for(None, x.id, date(2024, 6, 1)).net == D("90.00")
    assert price_for(None, x.id, date(2024, 6, 30)).net == D("90.00")       # end inclusive
    assert price_for(None, x.id, date(2024, 7, 1)).net == D("100.00")


@pytest.mark.rule("DSC-8", "DSC-16")
def test_dsc_scenario5_overlapping_dates_refused(cat):
    from store.catalog.discounts import Discount

    x = cat.goods("X", price="100.00")
    save_discount(kind="1T/WK", goods=x.id, percent=D(10), valid_from=date(2024, 6, 1), valid_to=date(2024, 6, 30))
    with pytest.raises(ValidationError) as exc:
        save_discount(kind="1T/WK", goods=x.id, percent=D(5), valid_from=date(2024, 6, 15), valid_to=date(2024, 7, 15))
    assert "Data promocji pokrywa się z istniejącą promocją" in str(exc.value)
    assert Discount.select().count() == 1
    save_discount(kind="1T/WK", goods=x.id, percent=D(5), valid_from=date(2024, 7, 1))   # adjacent is fine
    y = cat.goods("Y")
    save_discount(kind="1T/WK", goods=y.id, percent=D(5), valid_from=date(2024, 6, 15))   # other item is fine
    with pytest.raises(ValidationError):  # open-ended existing one overlaps everything after its start
        save_discount(kind="1T/WK", goods=y.id, percent=D(6), valid_to=date(2024, 6, 20))


@pytest.mark.rule("CDS-6", "DSC-9", "DSC-10")
def test_cds_scenario2_one_discount_per_side_highest_priority(cat):
    x = cat.goods("X", price="100.00")
    abc = cat.contractor("ABC", group="HURT", price_group="hurtowa 1")
    save_discount(kind="GK/1T", contractor_group="HURT", goods=x.id, percent=D(5))
    save_discount(kind="1K/1T", contractor=abc.id, goods=x.id, percent=D(8))
    q = price_for(abc.id, x.id, DAY)
    assert (q.contractor_discount, q.goods_discount, q.applied) == (D(8), D(0), ("1K/1T",))
    save_discount(kind="1T/WK", goods=x.id, percent=D(3))
    group = dict_rules.create_entry("goods_group", code="G")
    from store.catalog.goods import update_goods
    update_goods(x.id, group=group.id)
    save_discount(kind="GT/WK", goods_group=group.id, percent=D(1))
    q = price_for(abc.id, x.id, DAY)
    assert (q.contractor_discount, q.goods_discount, q.applied) == (D(8), D(3), ("1K/1T", "1T/WK"))


@pytest.mark.rule("DSC-13")
def test_standard_discount_is_1k_wt_and_yields_to_a_dictionary_discount(cat):
    x = cat.goods("X", price="100.00")
    k = cat.contractor("K", discount=7)
    assert price_for(k.id, x.id, DAY).discount == D(7)
    k2 = cat.contractor("K2", discount=7, group="G1")
    save_discount(kind="GK/WT", contractor_group="G1", percent=D(3))
    assert price_for(k2.id, x.id, DAY).discount == D(7)        # 1K/WT (standard) outranks GK/WT
    save_discount(kind="1K/GT", contractor=k.id, goods_group=x.group_id, percent=D(9))
    assert price_for(k.id, x.id, DAY).discount == D(9)
    assert price_for(None, x.id, DAY).discount == D(0)


@pytest.mark.rule("DSC-13", "DSC-9")
def test_card_discount_ties_with_a_dictionary_1k_wt_discount_and_the_dictionary_wins(cat):
    """The card's standard discount is a 1K/WT; a dictionary 1K/WT for the same contractor has the same
    rank. The dictionary entry (it carries dates and thresholds) wins, whichever percent is higher
    (docs/decisions.md, pricing algorithm); a lower-ranked GK/WT still yields to the card."""
    x = cat.goods("X", price="100.00")
    k = cat.contractor("K", discount=7, group="G1")
    save_discount(kind="GK/WT", contractor_group="G1", percent=D(12))
    q = price_for(k.id, x.id, DAY)
    assert (q.discount, q.applied) == (D(7), ("standard",))
    save_discount(kind="1K/WT", contractor=k.id, percent=D(5))
    q = price_for(k.id, x.id, DAY)
    assert (q.discount, q.applied) == (D(5), ("1K/WT",))
    k2 = cat.contractor("K2", discount=4)
    save_discount(kind="1K/WT", contractor=k2.id, percent=D(6))
    assert price_for(k2.id, x.id, DAY).discount == D(6)


@pytest.mark.rule("DICT-21")
def test_dict_scenario4_fixed_price_as_start_when_configured(cat):
    t1 = cat.goods("T1", price="5.00")
    k = cat.contractor("K", price_group="hurtowa 1")
    save_fixed_price(goods=t1.id, scope="contractor", contractor=k.id, price=D("4.33"), gross=False)
    save_discount(kind="1K/GT", contractor=k.id, goods_group=t1.group_id, percent=D(10))
    assert price_for(k.id, t1.id, DAY).net == D("4.33")              # DSC-11 default: fixed wins alone
    set_setting("fixed_price_then_discounts", "1")
    q = price_for(k.id, t1.id, DAY)
    assert (q.base_net, q.net, q.discount) == (D("4.33"), D("3.90"), D(10))


@pytest.mark.rule("DICT-22")
def test_quantity_thresholds_replace_the_price_and_are_replaced_as_a_whole(cat):
    from store.catalog.discounts import PriceThreshold

    t1 = cat.goods("T1", price="10.00")
    set_thresholds(t1.id, [(None, D(10), D("9.00")), (None, D(50), D("8.50"))])
    assert [price_for(None, t1.id, DAY, D(q), price_type_id=cat.w1).net for q in (1, 10, 49, 50, 100)] == \
        [D("10.00"), D("9.00"), D("9.00"), D("8.50"), D("8.50")]
    set_thresholds(t1.id, [(None, D(20), D("8.80"))])
    assert [(r.min_quantity, r.price) for r in PriceThreshold.select()] == [(D(20), D("8.80"))]
    assert price_for(None, t1.id, DAY, D(10), price_type_id=cat.w1).net == D("10.00")


def test_discount_threshold_applies_from_its_quantity(cat):
    x = cat.goods("X", price="100.00")
    save_discount(kind="1T/WK", goods=x.id, percent=D(5))
    save_discount(kind="1T/WK", goods=x.id, percent=D(10), min_quantity=D(100))
    assert price_for(None, x.id, DAY, D(99), price_type_id=cat.w1).discount == D(5)
    assert price_for(None, x.id, DAY, D(100), price_type_id=cat.w1).discount == D(10)


@pytest.mark.rule("DICT-11")
def test_dict_scenario3_branch_default_price_when_item_default_not_received(cat):
    from store.catalog.models import GoodsPrice

    t1 = cat.goods("T1", price="9.00", default_price_type=cat.w2)
    GoodsPrice.delete().where((GoodsPrice.goods == t1.id) & (GoodsPrice.price_type != cat.w1)).execute()
    set_setting("branch_default_price_type", "hurtowa 1")
    q = price_for(None, t1.id, DAY)
    assert (q.price_type, q.net) == ("hurtowa 1", D("9.00"))


@pytest.mark.rule("WH-9", "CTF-43")
def test_warehouse_default_price_overrides_item_and_contractor(cat):
    from store.catalog.prices import set_price

    x = cat.goods("X", price="50.00")                      # hurtowa 1 = 50
    set_price(x.id, cat.w2, value=D("40.00"))
    set_price(x.id, cat.retail, value=D("73.80"))          # gross retail
    k = cat.contractor("K", price_group="hurtowa 2")
    assert price_for(k.id, x.id, DAY).net == D("40.00")     # contractor's price type
    assert price_for(None, x.id, DAY).net == D("50.00")     # the item's default price type
    q = price_for(None, x.id, DAY, price_type_id=cat.retail)  # retail is declared gross
    assert (q.gross_declared, q.gross, q.net) == (True, D("73.80"), D("60.00"))
    wh = dict_rules.create_entry("warehouse", symbol="SKLEP", default_price_type=cat.w1)
    assert price_for(k.id, x.id, DAY, warehouse_id=wh.id).net == D("50.00")
    save_fixed_price(goods=x.id, scope="contractor", contractor=k.id, price=D("30.00"))
    assert price_for(k.id, x.id, DAY, warehouse_id=wh.id).net == D("30.00")   # fixed price still wins


def test_gross_price_discount_is_taken_on_the_gross_column(cat):
    x = cat.goods("X", price="9.99", price_type=cat.retail)
    save_discount(kind="1T/WK", goods=x.id, percent=D(10))
    q = price_for(None, x.id, DAY)
    assert (q.base_gross, q.gross, q.net) == (D("9.99"), D("8.99"), D("7.31"))


@pytest.mark.rule("CDS-6", "CDS-8", "CDS-9")
def test_contractor_discount_summary(cat):
    from store.catalog.summary import fixed_prices, individual_price_list, percentage_discounts

    x, y, z = cat.goods("X", price="100.00"), cat.goods("Y", price="10.00"), cat.goods("Z", price="5.00")
    abc = cat.contractor("ABC", group="HURT", price_group="hurtowa 1")
    save_discount(kind="GK/1T", contractor_group="HURT", goods=x.id, percent=D(5))
    save_discount(kind="1K/1T", contractor=abc.id, goods=x.id, percent=D(8))
    save_discount(kind="1T/WK", goods=x.id, percent=D(3))
    save_fixed_price(goods=y.id, scope="all", price=D("9.00"))
    save_fixed_price(goods=y.id, scope="group", contractor_group="HURT", price=D("8.00"))
    rows = [(r.code, r.side, r.kind, r.percent) for r in percentage_discounts(abc.id, DAY)]
    assert rows == [("X", "contractor", "1K/1T", D(8)), ("X", "goods", "1T/WK", D(3))]
    assert [(r.code, r.level, r.price) for r in fixed_prices(abc.id, DAY)] == [("Y", "group", D("8.00"))]
    assert [(g.code, q.net) for g, q in individual_price_list(abc.id, DAY)] == \
        [("X", D("89.24")), ("Y", D("8.00")), ("Z", D("5.00"))]


def test_retail_mirror_follows_goods_price_only(cat):
    """goods_price is the source of every price: a card whose sort mirror says 12.30 but which has no
    retail row is priced from its rows, and the one writer of the mirror puts it right; every price
    writer keeps the mirror equal to the retail row's gross price."""
    from store.catalog.dictionaries import GoodsGroup
    from store.catalog.models import Goods
    from store.catalog.prices import mirror_retail, prices_table, set_price
    from store.catalog.serial import set_vat_rate

    g = Goods.create(code="T0000001", name="Demo", vat_rate=cat.vat["23"], retail_price=D("12.30"))
    assert {r.name: r.gross for r in prices_table(g.id)}["detaliczna"] == D("0")    # no row, no price
    assert mirror_retail([g.id]) == 1 and Goods.get_by_id(g.id).retail_price == D("0")
    set_price(g.id, cat.retail, value=D("12.30"))
    assert Goods.get_by_id(g.id).retail_price == D("12.30")
    q = price_for(None, g.id, DAY)
    assert (q.price_type, q.gross, q.net) == ("detaliczna", D("12.30"), D("10.00"))
    set_vat_rate([g.id], cat.vat["8"], keep="gross")
    assert Goods.get_by_id(g.id).retail_price == D("12.30")
    set_vat_rate([g.id], cat.vat["23"], keep="net")                 # 11.39 net -> 14.01 gross
    assert Goods.get_by_id(g.id).retail_price == {r.name: r.gross for r in prices_table(g.id)}["detaliczna"] \
        == D("14.01")
    version = Goods.get_by_id(g.id).version
    assert mirror_retail() == 0 and Goods.get_by_id(g.id).version == version      # nothing to mirror: no write
    main = GoodsGroup.get(GoodsGroup.is_main == True)  # noqa: E712
    save_discount(kind="GT/WK", goods_group=main.id, percent=D(10))
    assert price_for(None, g.id, DAY).gross == D("12.61")


def test_price_types_without_retail_flag_fall_back_to_detaliczna(cat):
    """Databases whose price types predate the is_retail flag mirror the type named „detaliczna”; a
    change of the retail type rewrites every card's mirror."""
    from store.catalog.dictionaries import PriceType
    from store.catalog.models import Goods

    PriceType.update(is_retail=False, is_default=False).execute()
    g = cat.goods("T0000002", price="24.60", price_type=cat.retail)
    assert Goods.get_by_id(g.id).retail_price == D("24.60")
    q = price_for(None, g.id, DAY)
    assert (q.price_type, q.gross, q.net) == ("detaliczna", D("24.60"), D("20.00"))
    dict_rules.update_entry("price_type", cat.w1, is_retail=True)                # hurtowa 1 has no row here
    assert Goods.get_by_id(g.id).retail_price == D("0")
    dict_rules.update_entry("price_type", cat.w1, is_retail=False)
    assert Goods.get_by_id(g.id).retail_price == D("24.60")


@pytest.mark.rule("ITM-21", "DSC-15", "RATE-7")
def test_foreign_currency_prices_are_converted_at_the_rate_of_the_day(cat):
    from store.catalog.prices import set_price
    from store.catalog.rates import save_rate
    from store.errors import Refused

    x = cat.goods("X", price="1.00")
    set_price(x.id, cat.w1, value=D("10.00"), currency="EUR")
    q = price_for(None, x.id, DAY)
    assert (q.net, q.currency) == (D("10.00"), "EUR")                     # no document currency: as on the card
    with pytest.raises(Refused) as exc:
        price_for(None, x.id, DAY, currency="PLN")
    assert "Brak kursu waluty EUR" in str(exc.value)
    save_rate("EUR", "NBP", date(2024, 6, 7), D("4.3125"))                # Friday; the 10th has none
    save_discount(kind="1T/WK", goods=x.id, percent=D(10))
    q = price_for(None, x.id, DAY, currency="PLN")
    assert (q.base_net, q.net, q.currency) == (D("43.13"), D("38.81"), "PLN")
    assert "przeliczono z EUR na PLN" in q.reason
    y = cat.goods("Y", price="100.00")
    save_fixed_price(goods=y.id, scope="all", price=D("2.00"), currency="EUR")
    assert price_for(None, y.id, DAY, currency="PLN").net == D("8.63")    # 2 × 4.3125 = 8.625
    assert price_for(None, y.id, DAY, currency="EUR").net == D("2.00")


@pytest.mark.rule("DICT-12", "DICT-13", "DICT-14", "DICT-15", "DICT-22")
def test_dict_scenario1_autonomous_price_survives_hq_prices(cat):
    from store.catalog.discounts import PriceThreshold
    from store.catalog.hq_prices import apply_hq_prices, ensure_autonomous_price_type
    from store.catalog.models import GoodsPrice
    from store.catalog.prices import set_price
    from tests.store.catalog_helpers import set_role

    t1 = cat.goods("T1")
    set_role("branch")
    auto = ensure_autonomous_price_type("autonomiczna", gross=False)
    assert auto.position == 5                                         # the last price group
    apply_hq_prices(t1.id, {cat.w1: D("15.00"), cat.w2: D("14.00")}, hq_default_type=cat.w1,
                    thresholds=[(None, D(10), D("9.00")), (None, D(50), D("8.50"))])
    assert GoodsPrice.get(GoodsPrice.goods == t1.id, GoodsPrice.price_type == auto.id).net == D("15.00")
    set_price(t1.id, auto.id, value=D("14.50"))                      # DICT-15: editable in the branch
    apply_hq_prices(t1.id, {cat.w1: D("16.00"), cat.w2: D("15.00"), auto.id: D("99.00")}, hq_default_type=cat.w1,
                    thresholds=[(None, D(20), D("8.80"))])
    price = {r.price_type_id: r.net for r in GoodsPrice.select().where(GoodsPrice.goods == t1.id)}
    assert (price[auto.id], price[cat.w1], price[cat.w2]) == (D("14.50"), D("16.00"), D("15.00"))
    assert [(r.min_quantity, r.price) for r in PriceThreshold.select()] == [(D(20), D("8.80"))]
    with pytest.raises(Refused):
        set_price(t1.id, cat.w1, value=D("1.00"))                    # other prices stay HQ's
