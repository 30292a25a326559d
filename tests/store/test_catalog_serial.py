"""Serial operations on marked goods (PSO): worked examples, one transaction, report of changes
and refusals."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from store.catalog import dict_rules, serial, serial_codes
from store.catalog.goods import goods_attributes, goods_groups
from store.catalog.models import Goods, GoodsPrice
from store.catalog.prices import set_price, set_purchase_price
from store.errors import ValidationError



def _price(goods_id, pt):
    row = GoodsPrice.get(GoodsPrice.goods == goods_id, GoodsPrice.price_type == pt)
    return row.net, row.gross


@pytest.mark.rule("PSO-12")
def test_pso12_change_by_percent_from_purchase_and_by_amount_to_zero(cat):
    a = cat.goods("A", price="30.00", price_type=cat.retail)
    set_purchase_price(a.id, D("40.00"))
    rep = serial.change_prices([a.id], price_type_id=cat.w1, base_price_type_id=0, percent=D(25))
    assert _price(a.id, cat.w1) == (D("50.00"), D("61.50"))
    assert [(c.code, c.old, c.new) for c in rep.changed] == [("A", D("0.0000"), D("50.00"))]
    rep = serial.change_prices([a.id], price_type_id=cat.w1, amount=D("-60.00"))      # scenario 5
    assert _price(a.id, cat.w1)[0] == D("0.00")
    assert rep.changed[0].new == D("0.00")


def test_change_prices_rounds_to_step_and_keeps_gross_mirror(cat):
    a = cat.goods("A", price="10.00", price_type=cat.retail)
    b = cat.goods("B", price="19.49", price_type=cat.retail)
    rep = serial.change_prices([a.id, b.id], price_type_id=cat.retail, percent=D(10), step=D("0.50"))
    assert [Goods.get_by_id(i).retail_price for i in (a.id, b.id)] == [D("11.00"), D("21.50")]
    assert [c.code for c in rep.changed] == ["A", "B"] and rep.refused == []


@pytest.mark.rule("ITM-22")
def test_recalculate_from_purchase_and_margin_with_rounding_and_offset(cat):
    a = cat.goods("A", price="50.00")
    nopurchase = cat.goods("B", price="50.00")
    set_purchase_price(a.id, D("51.00"))
    set_price(a.id, cat.w1, margin=D(10))
    set_price(a.id, cat.w2, margin=D(10), step=D("1.00"))
    set_price(a.id, cat.w3, margin=D(10), step=D("1.00"), offset=D("-0.02"))
    set_purchase_price(a.id, D("51.60"), update_prices=False)
    rep = serial.recalculate_from_margin([a.id, nopurchase.id], price_type_ids=[cat.w1, cat.w2, cat.w3],
                                         margin=D(10))
    assert [_price(a.id, pt)[0] for pt in (cat.w1, cat.w2, cat.w3)] == [D("56.76"), D("57.00"), D("56.98")]
    assert [(r.code, r.reason) for r in rep.refused] == [("B", "towar nie ma ceny zakupu")]


@pytest.mark.rule("ITM-22", "ITM-21")
def test_itm_scenario1_auto_update_on_new_purchase_price(cat):
    a = cat.goods("A", price="50.00")
    set_purchase_price(a.id, D("51.00"))
    set_price(a.id, cat.w3, margin=D(10), step=D("1.00"), offset=D("-0.02"), auto_update=True)
    set_price(a.id, cat.w1, value=D("60.00"))                       # Aktualizacja = Nie
    changed = set_purchase_price(a.id, D("51.60"))
    assert changed == [("hurtowa 3", D("56.00"), D("56.98"))] or _price(a.id, cat.w3)[0] == D("56.98")
    assert _price(a.id, cat.w3)[0] == D("56.98")
    assert _price(a.id, cat.w1)[0] == D("60.00")
    # margin follows the price that did not change: (60 − 51.60) / 51.60
    assert GoodsPrice.get(GoodsPrice.goods == a.id, GoodsPrice.price_type == cat.w1).margin == D("16.28")


@pytest.mark.rule("PSO-10")
def test_pso_scenario2_vat_change_keep_net_or_keep_gross(cat):
    a = cat.goods("A", price="100.00")
    b = cat.goods("B", price="100.00")
    serial.set_vat_rate([a.id], cat.vat["8"], keep="net")
    assert _price(a.id, cat.w1) == (D("100.00"), D("108.00"))
    serial.set_vat_rate([b.id], cat.vat["8"], keep="gross")
    assert _price(b.id, cat.w1) == (D("113.89"), D("123.00"))
    assert Goods.get_by_id(b.id).purchase_vat_rate_id == cat.vat["8"]


@pytest.mark.rule("PSO-10", "CN-4")
def test_vat_rate_from_cn_codes_skips_codes_without_rate(cat):
    dict_rules.create_entry("cn_code", code="22030001", vat_rate=cat.vat["8"])
    dict_rules.create_entry("cn_code", code="22030009")
    a = cat.goods("A", cn_code="22030001", vat_rate=cat.vat["23"])
    b = cat.goods("B", cn_code="22030009")
    c = cat.goods("C")
    rep = serial.set_vat_rate([a.id, b.id, c.id], from_cn=True, which="sales")
    assert Goods.get_by_id(a.id).vat_rate_id == cat.vat["8"]
    assert Goods.get_by_id(b.id).vat_rate_id == cat.vat["23"]
    assert [(r.code, r.reason) for r in rep.refused] == [("B", "kod CN towaru nie ma stawki VAT"),
                                                         ("C", "towar nie ma kodu CN")]


@pytest.mark.rule("PSO-1")
def test_pso_scenario4_remove_default_group_is_skipped(cat):
    ga = dict_rules.create_entry("goods_group", code="A")
    gb = dict_rules.create_entry("goods_group", code="B")
    item = cat.goods("X", group=ga.id)
    serial.set_group([item.id], gb.id, action="add")
    rep = serial.set_group([item.id], ga.id, action="remove")
    assert [r.reason for r in rep.refused] == ["grupa A jest grupą domyślną towaru"]
    rep = serial.set_group([item.id], gb.id, action="remove")
    assert [g.code for g in goods_groups(item.id)] == ["A"] and rep.changed[0].old == "B"
    serial.set_group([item.id], gb.id, action="default")
    assert Goods.get_by_id(item.id).group_id == gb.id


@pytest.mark.rule("PSO-16", "PSO-2")
def test_category_and_attribute_serially(cat):
    c1 = dict_rules.create_entry("category", code="SPRZEDAŻ", kind="income")
    color = dict_rules.create_entry("attribute", code="KOLOR", format="list")
    from store.catalog.dict_tree import add_attribute_value
    for v in ("czerwony", "zielony"):
        add_attribute_value(color.id, v)
    a, b = cat.goods("A"), cat.goods("B")
    serial.set_category([a.id, b.id], c1.id, sales=True)
    assert Goods.get_by_id(b.id).sales_category_id == c1.id
    serial.set_category([a.id], None, sales=True)                      # no category -> removed
    assert Goods.get_by_id(a.id).sales_category_id is None
    serial.set_attribute([a.id], color.id, action="add", value="czerwony")
    rep = serial.set_attribute([a.id, b.id], color.id, action="add", value="zielony")
    assert [r.code for r in rep.refused] == ["A"] and goods_attributes(b.id) == [("KOLOR", "zielony")]
    serial.set_attribute([a.id, b.id], color.id, action="change", from_value="czerwony", value="zielony")
    assert goods_attributes(a.id) == [("KOLOR", "zielony")]
    serial.set_attribute([a.id, b.id], color.id, action="remove", from_value="zielony")
    assert goods_attributes(a.id) == goods_attributes(b.id) == []
    with pytest.raises(ValidationError):
        serial.set_attribute([a.id], color.id, action="add", value="niebieski")


def test_set_unit_refuses_an_auxiliary_unit(cat):
    from store.catalog.goods_codes import add_unit
    a, b = cat.goods("A"), cat.goods("B")
    add_unit(a.id, "kg", 1)
    rep = serial.set_unit([a.id, b.id], "kg")
    assert Goods.get_by_id(b.id).unit == "kg" and Goods.get_by_id(a.id).unit == "szt"
    assert [r.code for r in rep.refused] == ["A"]


@pytest.mark.rule("PSO-18")
def test_pso_scenario1_ean_range_first_free_codes(cat):
    t1, t2, t3 = cat.goods("T1"), cat.goods("T2"), cat.goods("T3")
    rep = serial_codes.assign_ean_range([t1.id, t2.id, t3.id], kind=13, start="20", end="30")
    assert [Goods.get_by_id(i).ean for i in (t1.id, t2.id, t3.id)] == \
        ["2000000000008", "2000000000015", "2000000000022"]
    assert len(rep.changed) == 3


@pytest.mark.rule("PSO-18")
def test_pso_scenario1_used_code_is_skipped_and_end_of_range(cat):
    t9 = cat.goods("T9", ean="2000000000008")
    t1, t2 = cat.goods("T1"), cat.goods("T2")
    rep = serial_codes.assign_ean_range([t9.id, t1.id, t2.id], kind=13, start="200000000000", end="200000000001")
    assert Goods.get_by_id(t1.id).ean == "2000000000015"
    assert [(r.code, r.reason) for r in rep.refused] == [("T9", "towar ma już kod EAN"), ("T2", "Koniec zakresu")]
    with pytest.raises(ValidationError):
        serial_codes.assign_ean_range([t2.id], kind=13, start="30", end="20")


@pytest.mark.rule("PSO-8")
def test_pso8_copy_fiscal_name_truncated_and_skip_filled(cat):
    t1 = cat.goods("T1", name="Zeszyt 24 kart. W linię")
    t2 = cat.goods("123", name="Ołówek", fiscal_name="ABC")
    rep = serial_codes.fiscal_codes([t1.id, t2.id], copy_name=True, copy_code=True, shorten_to=10)
    assert Goods.get_by_id(t1.id).fiscal_name == "Zeszyt 24"
    assert Goods.get_by_id(t2.id).fiscal_name == "ABC" and Goods.get_by_id(t2.id).plu == "123"
    assert sorted(r.reason for r in rep.refused) == ["kod towaru nie jest liczbą – nie skopiowano do PLU",
                                                     "nazwa fiskalna jest już wypełniona"]


@pytest.mark.rule("PSO-9")
@pytest.mark.parametrize("name,max_len,expected", [
    ("Nazwa fiskalna", None, ["Nazwa fiskalna", "Nazwa fiskalna1", "Nazwa fiskalna2"]),
    ("Nazwa fiskalna towaru", 12, ["Nazwa fiskalna towaru", "Nazwa fiska1", "Nazwa fiska2"]),
])
def test_pso9_unique_fiscal_names(cat, name, max_len, expected):
    ids = [cat.goods(f"T{i}", fiscal_name=name).id for i in (1, 2, 3)]
    serial_codes.unique_fiscal_names(ids, add_digit=True, max_length=max_len)
    assert [Goods.get_by_id(i).fiscal_name for i in ids] == expected


def test_serial_operation_is_one_transaction(cat):
    """A failure half-way (an invalid margin on the 2nd item) leaves every item as it was."""
    a, b = cat.goods("A", price="10.00"), cat.goods("B", price="10.00")
    set_purchase_price(a.id, D("5.00"))
    set_purchase_price(b.id, D("5.00"))
    from store.config import set_setting
    set_setting("margin_method", "margin")
    before = [(r.goods_id, r.price_type_id, r.net, r.gross) for r in GoodsPrice.select().order_by(GoodsPrice.id)]
    rep = serial.recalculate_from_margin([a.id, b.id], price_type_ids=[cat.w1], margin=D(100))
    assert len(rep.refused) == 2 and "mniejsza niż 100%" in rep.refused[0].reason
    after = [(r.goods_id, r.price_type_id, r.net, r.gross) for r in GoodsPrice.select().order_by(GoodsPrice.id)]
    assert before == after
    with pytest.raises(ValidationError):       # bad parameters: nothing is written
        serial.change_prices([a.id, b.id], price_type_id=cat.w1)


@pytest.mark.rule("PSO-14", "PSO-17", "PSO-6", "ITM-25", "DSC-14")
def test_price_limit_order_params_cn_code_and_limit_check(cat):
    from store.catalog import serial_more
    dict_rules.create_entry("cn_code", code="22030001")
    a, s = cat.goods("A", price="10.00"), cat.goods("S", item_type="UP")
    set_purchase_price(a.id, D("8.00"))
    serial_more.set_price_limit([a.id], kind="max_discount", value=D(10))
    g = Goods.get_by_id(a.id)
    assert serial_more.price_limit_refusal(g, net_price=D("9.00"), discount=D(10)) is None
    assert serial_more.price_limit_refusal(g, net_price=D("8.90"), discount=D(11)) == \
        "Przekroczono granicę ceny dla towaru A."
    serial_more.set_price_limit([a.id], kind="min_margin", value=D(15))
    g = Goods.get_by_id(a.id)
    assert serial_more.price_limit_refusal(g, net_price=D("9.20")) is None          # 15 % over 8.00
    assert serial_more.price_limit_refusal(g, net_price=D("9.19")) is not None
    rep = serial_more.set_order_params([a.id, s.id], min_quantity=D(5), order_multiple=D(12))
    assert Goods.get_by_id(a.id).order_multiple == D(12) and [r.code for r in rep.refused] == ["S"]
    serial_more.set_cn_code([a.id, s.id], "2203 0001")
    assert Goods.get_by_id(s.id).cn_code == "22030001"
    serial_more.set_cn_code([a.id], None)
    assert Goods.get_by_id(a.id).cn_code == ""


@pytest.mark.rule("PRC-15", "CNK-7", "DSC-22")
def test_f11_price_options_cn_vat_and_discount_list_operations(cat):
    from store.catalog import serial_more
    from store.catalog.dictionaries import CnCode
    from store.catalog.discounts import Discount
    a = cat.goods("A", price="43.13")
    rep = serial_more.set_price_options([a.id], cat.w1, auto_update=True, currency="EUR", rate=D("4.3125"))
    row = GoodsPrice.get(GoodsPrice.goods == a.id, GoodsPrice.price_type == cat.w1)
    assert (row.net, row.currency, row.auto_update) == (D("10.00"), "EUR", True)
    assert len(rep.changed) == 2
    serial_more.set_default_price([a.id], cat.w2)
    assert Goods.get_by_id(a.id).default_price_type_id == cat.w2
    cn = [dict_rules.create_entry("cn_code", code=c).id for c in ("22030001", "22030009")]
    assert serial_more.set_cn_vat_rate(cn, cat.vat["8"]) == ["22030001", "22030009"]
    serial_more.set_cn_vat_rate(cn[:1], None)
    assert CnCode.get_by_id(cn[0]).vat_rate_id is None and CnCode.get_by_id(cn[1]).vat_rate_id == cat.vat["8"]
    b = cat.goods("B")
    assert serial_more.add_discounts([dict(kind="1T/WK", goods=a.id, percent=D(5)),
                                      dict(kind="1T/WK", goods=b.id, percent=D(6))]) == 2
    c = cat.goods("C")
    with pytest.raises(ValidationError):      # the second row overlaps A's discount: nothing added
        serial_more.add_discounts([dict(kind="1T/WK", goods=c.id, percent=D(7)),
                                   dict(kind="1T/WK", goods=a.id, percent=D(8))])
    assert Discount.select().count() == 2
    serial_more.change_discounts([d.id for d in Discount.select()], percent=D(9))
    assert {d.percent for d in Discount.select()} == {D(9)}
