"""Goods card (ITM): fields and validation, units with conversion factors, several EAN codes,
prices table (Shift+Insert), groups, attributes, deletion."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from store.catalog import dict_rules
from store.catalog.goods import (card_warnings, create_goods, delete_goods, get_goods, remove_goods_group,
                                 set_goods_attribute, update_goods)
from store.catalog.goods_codes import (add_ean, add_unit, delete_ean, delete_unit, find_by_ean, goods_eans,
                                       set_default_ean, unit_factor)
from store.catalog.models import Goods, GoodsPrice
from store.catalog.prices import prices_table, set_price
from store.catalog.usage import register_usage, unregister_usage
from store.errors import Refused, ValidationError



def _snapshot():
    return [(g.code, g.name, g.ean, g.unit, g.retail_price) for g in Goods.select().order_by(Goods.id)]


@pytest.mark.rule("ITM-5", "ITM-16", "ITM-19", "ITM-12", "ITM-20")
def test_new_card_defaults_and_required_fields(cat):
    g = create_goods(code="CHLEB", name="Chleb wiejski")
    assert (g.unit, g.vat_rate_id, g.purchase_vat_rate_id, g.item_type, g.is_service, g.track_stock) == \
        ("szt", cat.vat["23"], cat.vat["23"], "TP", False, True)
    assert get_goods(g.id).group.is_main
    assert {r.name for r in prices_table(g.id)} >= {"detaliczna", "hurtowa 1", "ostatnia cena zakupu"}
    before = _snapshot()
    with pytest.raises(ValidationError) as exc:
        create_goods(code="A&B", name="")
    assert exc.value.errors["code"] == "Kod towaru zawiera niedozwolone znaki."
    assert exc.value.errors["name"] == "Podaj nazwę towaru."
    with pytest.raises(ValidationError) as exc:
        create_goods(code="CHLEB", name="Drugi")
    assert "już istnieje" in exc.value.errors["code"]
    with pytest.raises(ValidationError):
        create_goods(code="X", name="X", unit="beczka")
    assert _snapshot() == before


@pytest.mark.rule("ITM-15", "CN-4")
def test_itm_scenario2_cn_code_sets_vat_rates_on_new_card(cat):
    dict_rules.create_entry("cn_code", code="22030001", vat_rate=cat.vat["23"])
    dict_rules.create_entry("cn_code", code="04011010", vat_rate=cat.vat["8"])
    a = create_goods(code="PIWO", name="Piwo", cn_code="22030001")
    b = create_goods(code="MLEKO", name="Mleko", cn_code="04011010")
    assert (a.vat_rate_id, a.purchase_vat_rate_id) == (cat.vat["23"], cat.vat["23"])
    assert (b.vat_rate_id, b.purchase_vat_rate_id) == (cat.vat["8"], cat.vat["8"])


@pytest.mark.rule("ITM-11")
def test_zw_without_pkwiu_warns_but_saves(cat):
    assert card_warnings({"vat_rate": "zw"}) == ["Dla towaru ze stawką ZW należy podać numer PKWiU. Czy zapisać?"]
    assert card_warnings({"vat_rate": "zw", "pkwiu": "85.59.13.0"}) == []
    assert create_goods(code="KURS", name="Kurs", item_type="UP", vat_rate="zw").track_stock is False


@pytest.mark.rule("ITM-13")
def test_itm_scenario4_type_change_refused_when_on_documents(cat):
    a = cat.goods("A")
    update_goods(a.id, item_type="TZ")                       # not on documents yet: allowed
    used = lambda goods_id: "na dokumencie FS/1/2024" if goods_id == a.id else None  # noqa: E731
    register_usage("goods", used)
    try:
        with pytest.raises(Refused) as exc:
            update_goods(a.id, item_type="TP")
        assert str(exc.value) == "Nie można zmienić typu pozycji, która występuje na dokumentach."
        with pytest.raises(Refused) as exc:                  # PRC-12, PRC scenario 3
            delete_goods(a.id)
        assert str(exc.value) == "Nie można usunąć towaru, ponieważ występuje na dokumentach."
    finally:
        unregister_usage("goods", used)
    assert get_goods(a.id).item_type == "TZ"
    delete_goods(a.id)
    assert Goods.get_or_none(Goods.id == a.id) is None


@pytest.mark.rule("ITM-31")
def test_itm_scenario5_fiscal_name_uniqueness_when_switched_on(cat):
    from store.config import set_setting
    cat.goods("A", fiscal_name="CHLEB")
    cat.goods("B", fiscal_name="CHLEB")                     # control off: allowed
    set_setting("fiscal_name_unique", "1")
    with pytest.raises(ValidationError) as exc:
        cat.goods("C", fiscal_name="CHLEB")
    assert exc.value.errors["fiscal_name"] == "W bazie istnieje już towar o nazwie fiskalnej: CHLEB"


@pytest.mark.rule("ITM-33", "ITM-36", "ITM-37", "PRC-6", "ITM-9", "ITM-34")
def test_units_and_several_ean_codes(cat):
    a = cat.goods("A", price="2.50", price_type=cat.retail, ean="5901234123457")
    add_unit(a.id, "opak", 10, 1)
    assert unit_factor(a, "opak") == D(10)
    with pytest.raises(ValidationError):
        add_unit(a.id, "opak", 12, 1)                          # a unit only once per item
    add_ean(a.id, "2000000000008", unit="opak")
    hit = find_by_ean("2000000000008")
    assert (hit.goods_id, hit.unit, hit.factor) == (a.id, "opak", D(10))
    assert (hit.factor * get_goods(a.id).retail_price).quantize(D("0.01")) == D("25.00")   # 1 OPAK at 25.00
    assert find_by_ean("5901234123457").unit == "szt"
    b = cat.goods("B")
    with pytest.raises(ValidationError) as exc:
        add_ean(b.id, "2000000000008")
    assert exc.value.errors["ean"] == "Kod EAN 2000000000008 jest już przypisany do towaru A."
    with pytest.raises(ValidationError):
        add_ean(b.id, "5901234123458")                         # bad check digit (stdnum)
    add_ean(b.id, "INT-001")                                    # internal code, not checked
    with pytest.raises(Refused):                                # ITM scenario 3
        delete_unit(a.id, "opak")
    set_default_ean(a.id, "2000000000008")
    assert get_goods(a.id).ean == "2000000000008"
    delete_ean(a.id, "2000000000008")
    assert get_goods(a.id).ean == "" and [e.ean for e in goods_eans(a.id)] == ["5901234123457"]
    delete_unit(a.id, "opak")


@pytest.mark.rule("ITM-21", "ITM-20")
def test_prices_table_net_gross_and_margin_consistent(cat):
    a = cat.goods("A", purchase_price=D("80.00"))
    set_price(a.id, cat.retail, value=D("123.00"))              # gross declared
    set_price(a.id, cat.w1, margin=D(25))                       # price from margin
    rows = {r.name: r for r in prices_table(a.id)}
    assert (rows["detaliczna"].net, rows["detaliczna"].gross, rows["detaliczna"].margin) == \
        (D("100.00"), D("123.00"), D("25.00"))
    assert (rows["hurtowa 1"].net, rows["hurtowa 1"].gross) == (D("100.00"), D("123.00"))
    assert rows["ostatnia cena zakupu"].net == D("80.00")
    assert get_goods(a.id).retail_price == D("123.00")          # list column mirrors the price row
    update_goods(a.id, vat_rate=cat.vat["8"])                   # declared column kept
    rows = {r.name: r for r in prices_table(a.id)}
    assert (rows["detaliczna"].net, rows["detaliczna"].gross) == (D("113.89"), D("123.00"))
    assert (rows["hurtowa 1"].net, rows["hurtowa 1"].gross) == (D("100.00"), D("108.00"))
    with pytest.raises(ValidationError):
        set_price(a.id, cat.w2, value=D("-1"))


@pytest.mark.rule("ITM-47", "GRP-1")
def test_groups_of_an_item_default_cannot_be_removed(cat):
    g = dict_rules.create_entry("goods_group", code="SOKI")
    a = cat.goods("A", group=g.id)
    with pytest.raises(Refused) as exc:
        remove_goods_group(a.id, g.id)
    assert str(exc.value) == "Nie można usunąć grupy domyślnej towaru."


@pytest.mark.rule("ITM-39")
def test_attributes_on_the_card_follow_their_format(cat):
    weight = dict_rules.create_entry("attribute", code="WAGA", format="number")
    a = cat.goods("A")
    set_goods_attribute(a.id, weight.id, "1,5")
    with pytest.raises(ValidationError):
        set_goods_attribute(a.id, weight.id, "ciężki")
    from store.catalog.goods import goods_attributes
    assert goods_attributes(a.id) == [("WAGA", "1.5000")]          # ATR-1: 4 decimal places
    with pytest.raises(Refused):
        dict_rules.delete_entry("attribute", weight.id)


def test_itm24_initial_price_per_base_unit_example(cat):
    """Zero price, auxiliary unit tona = 1000 kg: 90.40 per tonne is 0.09 per kg (2 places). Only the unit
    factor is Filia's here: ITM-24's initial price is stored by a sales document, which does not exist yet
    (so the test carries no rule marker)."""
    a = create_goods(code="PIASEK", name="Piasek", unit="kg")
    add_unit(a.id, "t", 1000, 1)
    from store.catalog import money
    per_kg = money.q(D("90.40") / unit_factor(get_goods(a.id), "t"), 2)
    assert per_kg == D("0.09") and per_kg * 1000 == D("90.00")


@pytest.mark.rule("PRC-13", "ITM-53", "ITM-20")
def test_copy_card_copies_units_groups_attributes_and_active_prices_only(cat):
    from store.catalog.goods_copy import copy_goods
    g = dict_rules.create_entry("goods_group", code="EXTRA")
    a = cat.goods("A", price="10.00", ean="5901234123457")
    add_unit(a.id, "opak", 6)
    from store.catalog.goods import add_goods_group
    add_goods_group(a.id, g.id)
    set_price(a.id, cat.w2, value=D("8.00"))
    dict_rules.update_entry("price_type", cat.w2, active=False)
    b = copy_goods(a.id, "B")
    assert (b.name, b.ean, b.unit) == (a.name, "", "szt")
    assert unit_factor(b, "opak") == D(6)
    from store.catalog.goods import goods_groups
    assert {x.code for x in goods_groups(b.id)} == {x.code for x in goods_groups(a.id)}
    rows = {r.price_type_id: r for r in GoodsPrice.select().where(GoodsPrice.goods == b.id)}
    assert rows[cat.w1].net == D("10.00") and cat.w2 not in rows


@pytest.mark.rule("ITM-6", "ITM-7", "ITM-32")
def test_ean_generation_from_range_and_jpk_code(cat):
    from store.catalog.goods_copy import next_free_ean
    from store.config import set_setting
    assert next_free_ean() == "2010000000014"
    cat.goods("A", ean="2010000000014")
    cat.goods("B", ean="2010000000038")
    assert next_free_ean() == "2010000000045"                       # after the highest
    set_setting("ean_fill_gaps", "1")
    assert next_free_ean() == "2010000000021"                       # gap filled
    assert cat.goods("C", jpk_v7_code="gtu_06").jpk_v7_code == "GTU_06"
    with pytest.raises(ValidationError):
        cat.goods("D", jpk_v7_code="GTU_99")


@pytest.mark.rule("ITM-1", "ITM-2", "PRC-4", "ITM-19")
def test_card_tabs_defaults_data_and_whole_quantities(cat):
    from store.catalog.card import card_data, check_quantity, editable_fields, new_card_defaults, tabs
    assert ("stock", "Zasoby") in tabs("TP") and ("stock", "Zasoby") not in tabs("UP")
    g = dict_rules.create_entry("goods_group", code="AKCESORIA")
    defaults = new_card_defaults(group_id=g.id)
    assert (defaults["group"], defaults["unit"], defaults["vat_rate"]) == (g.id, "szt", cat.vat["23"])
    a = create_goods(**{**defaults, "code": "A", "name": "Kabel", "integer_quantity": True}, ean="5901234123457")
    add_unit(a.id, "opak", 10)
    data = card_data(a.id)
    assert data["fields"]["group"] == g.id and data["units"] == [("opak", D(10), D(1), D(10))]
    assert data["eans"] == [("5901234123457", "szt", True, "")]
    assert check_quantity(a, D(2)) == D(2)
    with pytest.raises(ValidationError) as exc:                   # ITM scenario 6
        check_quantity(a, D("1.5"))
    assert str(exc.value) == "Towar można sprzedawać tylko w ilościach całkowitych."
    from store.catalog.goods import CARD_FIELDS
    assert editable_fields(a.id) == (frozenset(CARD_FIELDS), None)
    update_goods(a.id, ean="2000000000008")                       # the card's EAN field = default code
    assert card_data(a.id)["eans"] == [("2000000000008", "szt", True, ""), ("5901234123457", "szt", False, "")]
    update_goods(a.id, ean="")
    assert get_goods(a.id).ean == "" and [e[0] for e in card_data(a.id)["eans"]] == ["5901234123457"]


@pytest.mark.rule("DICT-3")
def test_branch_card_fields_and_reason(cat):
    from store.catalog.card import editable_fields
    from tests.store.catalog_helpers import set_role
    a = cat.goods("A")
    set_role("branch")
    fields, reason = editable_fields(a.id)
    assert fields == {"copy_description", "allow_description_edit", "kgo_value"}
    assert reason == "W oddziale karta towaru jest tylko do odczytu – dane towaru przychodzą z centrali."
    assert editable_fields(None)[0] == frozenset()
    with pytest.raises(Refused):
        update_goods(a.id, name="Inna", kgo_value=D(1))


@pytest.mark.rule("PRC-2", "PRC-3", "PRC-5", "PRC-6", "PRC-7")
def test_price_list_filters_and_price_column(cat):
    from store.catalog import listing
    from store.catalog.goods import add_goods_group
    napoje = dict_rules.create_entry("goods_group", code="NAPOJE")
    soki = dict_rules.create_entry("goods_group", code="SOKI", parent=napoje.id)
    promo = dict_rules.create_entry("goods_group", code="PROMOCJA")
    a = cat.goods("A", price="10.00", group=soki.id, ean="5901234123457")
    b = cat.goods("B", price="20.00", item_type="UP")
    c = cat.goods("C", active=False)
    add_goods_group(b.id, promo.id)
    add_ean(a.id, "2000000000008")

    def codes(*conds):
        q = Goods.select()
        for cond in conds:
            if cond is not None:
                q = q.where(cond)
        return sorted(g.code for g in q)

    assert codes(listing.types_filter({"UP"})) == ["B"]
    assert codes(listing.groups_filter([napoje.id])) == ["A"]
    assert codes(listing.groups_filter([napoje.id], with_subgroups=False)) == []
    assert codes(listing.groups_filter([promo.id])) == ["B"]
    assert codes(listing.active_filter(False)) == ["A", "B"] and codes(listing.active_filter(True)) == ["A", "B", "C"]
    assert codes(listing.ean_filter("2000000000008")) == ["A"] == codes(listing.ean_filter("5901234123457"))
    rows = Goods.select(Goods.code, listing.price_column(cat.w1).alias("p")).order_by(Goods.code).tuples()
    assert [(code, listing.price_value(p)) for code, p in rows] == [("A", D(10)), ("B", D(20)), ("C", D(0))]


@pytest.mark.rule("ITM-38", "PSO-11")
def test_oss_rates_on_cards_and_serially(cat):
    from store.catalog.oss import (EuVatRate, oss_rate_for, remove_goods_oss_rate, serial_oss_rates,
                                   set_goods_oss_rate)
    a, b = cat.goods("A"), cat.goods("B")
    EuVatRate.create(country="DE", rate=D(7))
    set_goods_oss_rate(a.id, "de", D(7))
    assert oss_rate_for(a.id, "DE") == D(7)
    with pytest.raises(ValidationError):
        set_goods_oss_rate(a.id, "DE", D(8))                       # not a German rate
    with pytest.raises(ValidationError):
        set_goods_oss_rate(a.id, "US", D(7))
    rep = serial_oss_rates([a.id, b.id], action="add")             # standard rates of every EU country
    assert oss_rate_for(a.id, "DE") == D(19) and oss_rate_for(b.id, "HU") == D(27)
    assert len(rep.changed) == 2 * 26
    serial_oss_rates([b.id], action="add", country="DE", rate=D(7))  # replaces
    assert oss_rate_for(b.id, "DE") == D(7)
    serial_oss_rates([a.id], action="remove", country="FR")
    assert oss_rate_for(a.id, "FR") is None and oss_rate_for(a.id, "IT") == D(22)
    remove_goods_oss_rate(a.id, "it")
    serial_oss_rates([a.id], action="remove")
    assert oss_rate_for(a.id, "DE") is None
