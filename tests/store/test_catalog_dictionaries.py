"""Dictionaries: validation, trees without cycles, deletion refused when used (with the reason),
sortable columns indexed; role rules (DICT) refusing catalogue edits in a branch."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from store.catalog import dict_rules
from store.catalog.dict_reference import packages_for, set_scheme_items, vat_rates_valid_on
from store.catalog.dict_rules import REGISTRY, create_entry, delete_entry, sortable_columns, update_entry
from store.catalog.dictionaries import GoodsGroup, Warehouse
from store.errors import Refused, ValidationError
from tests.store.catalog_helpers import set_role


@pytest.mark.rule("GRP-2", "GRP-3", "GRP-4")
def test_group_tree_cycles_main_group_and_deletion(cat):
    main = GoodsGroup.get(GoodsGroup.is_main == True)  # noqa: E712
    napoje = create_entry("goods_group", code="NAPOJE")
    soki = create_entry("goods_group", code="SOKI", parent=napoje.id)
    assert napoje.parent_id == main.id
    from store.catalog.dict_tree import group_path, group_subtree
    assert group_path(soki.id) == "GRUPA GŁÓWNA/NAPOJE/SOKI"
    assert set(group_subtree(napoje.id)) == {napoje.id, soki.id}
    with pytest.raises(ValidationError) as exc:
        update_entry("goods_group", napoje.id, parent=soki.id)
    assert "podgrupą samej siebie" in exc.value.errors["parent"]
    for action in (lambda: update_entry("goods_group", main.id, name="X"),
                   lambda: delete_entry("goods_group", main.id)):
        with pytest.raises((Refused, ValidationError)):
            action()
    cat.goods("JABŁKOWY", group=soki.id)
    with pytest.raises(Refused) as exc:
        delete_entry("goods_group", soki.id)
    assert str(exc.value) == "Nie można usunąć grupy, do której są przypisane towary lub podgrupy."
    with pytest.raises(Refused):
        delete_entry("goods_group", napoje.id)             # has a sub-group
    empty = create_entry("goods_group", code="PUSTA")
    delete_entry("goods_group", empty.id)
    assert GoodsGroup.get_or_none(GoodsGroup.id == empty.id) is None


@pytest.mark.rule("WH-1", "WH-3", "WH-7", "WH-10", "WH-12", "WH-13")
def test_warehouse_rules(cat):
    main = Warehouse.get(Warehouse.is_main == True)  # noqa: E712
    with pytest.raises(Refused):
        delete_entry("warehouse", main.id)
    with pytest.raises(ValidationError):
        update_entry("warehouse", main.id, active=False)
    update_entry("warehouse", main.id, name="Magazyn centralny")       # name may change
    with pytest.raises(ValidationError) as exc:
        create_entry("warehouse", symbol="EU1", kind="local", eu=True)
    assert exc.value.errors["eu"] == "Magazyn UE może być tylko magazynem odległym."
    eu = create_entry("warehouse", symbol="EU1", kind="remote", eu=True, country="DE")
    assert eu.transaction_code == "34"
    with pytest.raises(ValidationError):
        create_entry("warehouse", symbol="EU1")
    shop = create_entry("warehouse", symbol="SKLEP", default_price_type=cat.w1)
    with pytest.raises(ValidationError) as exc:
        update_entry("price_type", cat.w1, active=False)
    assert "ceną domyślną magazynu" in exc.value.errors["active"]
    from store.catalog.usage import register_usage, unregister_usage
    used = lambda wid: "dokumenty" if wid == shop.id else None  # noqa: E731
    register_usage("warehouse", used)
    try:
        with pytest.raises(ValidationError) as exc:
            update_entry("warehouse", shop.id, kind="mobile")
        assert exc.value.errors["kind"] == "Nie można zmienić typu magazynu, w którym są już dokumenty."
        with pytest.raises(Refused) as r:
            delete_entry("warehouse", shop.id)
        assert str(r.value) == "Nie można usunąć magazynu, do którego wystawiono dokumenty."
    finally:
        unregister_usage("warehouse", used)
    delete_entry("warehouse", eu.id)


@pytest.mark.rule("CAT-1", "CAT-9")
def test_categories_two_levels(cat):
    general = create_entry("category", code="TOWARY", kind="income")
    detail = create_entry("category", code="SPOŻYWCZE", parent=general.id, kind="cost")
    assert detail.kind == "income"                               # follows its general category
    with pytest.raises(ValidationError):
        create_entry("category", code="X", parent=detail.id)   # no third level
    cat.goods("A", sales_category=detail.id)
    with pytest.raises(Refused) as exc:
        delete_entry("category", general.id)
    assert str(exc.value) == "Nie można usunąć kategorii, ponieważ występuje na dokumentach."


@pytest.mark.rule("CNK-1", "CNK-2", "CNK-4", "CNK-5", "CNK-6")
def test_cn_codes(cat):
    with pytest.raises(ValidationError):
        create_entry("cn_code", code="2203")
    with pytest.raises(ValidationError):
        create_entry("cn_code", code="22030001", supplementary_unit="beczka")
    cn = create_entry("cn_code", code="2203 0001", sent=True)
    assert (cn.code, cn.sent_code) == ("22030001", "2203")
    cat.goods("PIWO", cn_code="22030001")
    with pytest.raises(Refused):
        delete_entry("cn_code", cn.id)
    from store.catalog.dictionaries import CnCode
    with pytest.raises(Refused):
        delete_entry("cn_code", CnCode.get(CnCode.code == "99500000").id)


@pytest.mark.rule("PKG-1", "PKG-2")
def test_packaging_scheme_bottle_and_crate(cat):
    bottle = cat.goods("BUTELKA", is_packaging=True)
    crate = cat.goods("SKRZYNKA", is_packaging=True)
    scheme = create_entry("packaging_scheme", code="SCHEMAT 1")
    set_scheme_items(scheme.id, [(bottle.id, D(1)), (crate.id, D(20))])
    cat.goods("NAPÓJ1", packaging_scheme=scheme.id)
    cat.goods("NAPÓJ2", packaging_scheme=scheme.id)
    assert packages_for(scheme.id, D(25)) == [(bottle.id, D(25)), (crate.id, D(1))]
    with pytest.raises(Refused):
        delete_entry("packaging_scheme", scheme.id)
    with pytest.raises(ValidationError):
        set_scheme_items(scheme.id, [(cat.goods("ZWYKŁY").id, D(1))])


def test_banks_offices_localities_validation(cat):
    bank = create_entry("bank", code="SAN", name="Santander", sort_code="10901014",
                        account="PL61 1090 1014 0000 0712 1981 2874")
    assert bank.account.startswith("PL")
    with pytest.raises(ValidationError) as exc:
        create_entry("bank", code="ZLY", account="PL61109010140000071219812875")
    assert "account" in exc.value.errors
    update_entry("bank", bank.id, sort_code="")
    with pytest.raises(ValidationError):
        create_entry("tax_office", code="US1", office_code="12345")
    office = create_entry("tax_office", code="US1", office_code="1471", postal_code="00950")
    assert office.postal_code == "00-950"
    create_entry("locality", name="Kraków", postal_code="30-001")
    with pytest.raises(ValidationError):
        create_entry("locality", name="Kraków", postal_code="30-001")


def test_bank_account_must_match_sort_code(cat):
    with pytest.raises(ValidationError) as exc:
        create_entry("bank", code="B1", sort_code="10201026", account="PL61109010140000071219812874")
    assert "nie należy do banku" in exc.value.errors["account"]


@pytest.mark.rule("CUR-1", "CUR-2")
def test_currencies_and_rate_types(cat):
    from store.catalog.dictionaries import Currency, RateType
    pln = Currency.get(Currency.code == "PLN")
    with pytest.raises(Refused):
        delete_entry("currency", pln.id)
    chf = create_entry("currency", code="chf")
    assert chf.code == "CHF"
    delete_entry("currency", chf.id)
    nbp = RateType.get(RateType.name == "NBP")
    own = create_entry("rate_type", name="PKO", is_default=True)
    assert not RateType.get_by_id(nbp.id).is_default and own.is_default
    with pytest.raises(Refused):
        delete_entry("rate_type", own.id)
    with pytest.raises(ValidationError):
        update_entry("rate_type", own.id, is_default=False)


def test_vat_rates_validity_dates(cat):
    with pytest.raises(ValidationError):
        create_entry("vat_rate", code="7", rate=D(7), valid_from=date(2011, 1, 1), valid_to=date(2010, 12, 31))
    v = create_entry("vat_rate", code="7", rate=D(7), valid_to=date(2010, 12, 31))
    assert v.code not in {r.code for r in vat_rates_valid_on(date(2024, 1, 1))}
    assert v.code in {r.code for r in vat_rates_valid_on(date(2010, 6, 1))}
    cat.goods("A", vat_rate=v.id)
    with pytest.raises(Refused):
        delete_entry("vat_rate", v.id)
    with pytest.raises(ValidationError):                         # rate of a used code stays
        update_entry("vat_rate", v.id, rate=D(8))
    delete_entry("vat_rate", cat.vat["5"])


@pytest.mark.rule("PRD-1", "PRD-2")
def test_producers_and_brands(cat):
    p = create_entry("producer", code="ACME", name="Acme")
    b = create_entry("brand", name="Rakieta", producer=p.id)
    with pytest.raises(ValidationError):
        create_entry("brand", name="Rakieta", producer=p.id)
    cat.goods("A", producer=p.id, brand=b.id)
    with pytest.raises(Refused):
        delete_entry("brand", b.id)
    with pytest.raises(Refused):
        delete_entry("producer", p.id)


def test_units_and_payment_forms(cat):
    cat.goods("A")
    with pytest.raises(Refused):
        delete_entry("unit", dict_rules.Unit.get(dict_rules.Unit.code == "szt").id)
    u = create_entry("unit", code="para", name="para")
    delete_entry("unit", u.id)
    pf = create_entry("payment_form", name="przelew 14", kind="transfer", days=14)
    with pytest.raises(ValidationError):
        update_entry("payment_form", pf.id, days=-1)


def test_every_sortable_column_has_an_index(catalog_db):
    for kind, spec in REGISTRY.items():
        table = spec.model._meta.table_name
        indexed = set()
        for idx in catalog_db.get_indexes(table):
            if idx.columns:
                indexed.add(idx.columns[0])
        for column in sortable_columns(kind):
            col = spec.model._meta.fields[column].column_name
            assert col in indexed, f"{kind}.{column} has no index"


# --- roles (DICT) ---------------------------------------------------------------------------------

@pytest.mark.rule("DICT-1", "DICT-3", "DICT-5", "DICT-8", "DICT-15", "DICT-17", "DICT-25")
def test_branch_catalogue_is_read_only_with_reasons(cat):
    from store.catalog.discounts import save_discount
    from store.catalog.goods import update_goods
    from store.catalog.prices import set_price
    from store.catalog.rates import save_rate
    from store.catalog.roles import catalog_edit_refusal, hq_apply
    from store.config import set_setting

    a = cat.goods("A", price="10.00")
    set_role("branch")
    assert catalog_edit_refusal("goods_new") == \
        "W oddziale nie można dopisywać towarów – cennik jest przesyłany z centrali."
    before = [(g.code, g.name) for g in dict_rules.Goods.select()]
    for action in (lambda: cat.goods("B"), lambda: update_goods(a.id, name="Nowa"),
                   lambda: set_price(a.id, cat.w1, value=D(11)), lambda: create_entry("goods_group", code="G"),
                   lambda: save_discount(kind="1T/WK", goods=a.id, percent=D(5)),
                   lambda: save_rate("EUR", "NBP", date(2024, 3, 14), D("4.3125"))):
        with pytest.raises(Refused):
            action()
    assert [(g.code, g.name) for g in dict_rules.Goods.select()] == before
    update_goods(a.id, copy_description=True, kgo_value=D("0.10"))        # DICT-3, DICT-9 fields
    create_entry("warehouse", symbol="LOKALNY")                           # the branch's own
    set_setting("autonomous_price_type", str(cat.w3))
    set_price(a.id, cat.w3, value=D("14.50"))                             # DICT-15
    with hq_apply():                                                     # synchronisation writes
        update_goods(a.id, name="Z centrali")
    assert dict_rules.Goods.get_by_id(a.id).name == "Z centrali"


@pytest.mark.rule("ATR-1", "ATR-3", "ATR-4", "ATR-5", "ATR-6", "ATR-11")
def test_attribute_definitions_and_list_values(cat):
    from store.catalog.dict_tree import (add_attribute_value, delete_attribute_value, rename_attribute_value,
                                         set_attributes_active)
    from store.catalog.goods import goods_attributes, set_goods_attribute
    color = create_entry("attribute", code="KOLOR", format="list")
    red, green = (add_attribute_value(color.id, v) for v in ("czerwony", "zielony"))
    a, b = cat.goods("A"), cat.goods("B")
    set_goods_attribute(a.id, color.id, "czerwony")
    set_goods_attribute(b.id, color.id, "zielony")
    with pytest.raises(ValidationError) as exc:
        update_entry("attribute", color.id, format="text")
    assert exc.value.errors["format"] == "Nie można zmienić formatu atrybutu, który został już użyty."
    with pytest.raises(Refused) as exc:                  # the question is asked first
        rename_attribute_value(red.id, "bordowy")
    assert "Czy chcesz kontynuować?" in str(exc.value)
    assert rename_attribute_value(red.id, "bordowy", confirmed=True) == 1
    assert goods_attributes(a.id) == [("KOLOR", "bordowy")]
    assert delete_attribute_value(green.id, confirmed=True) == 1
    assert goods_attributes(b.id) == []
    set_attributes_active([color.id], False)
    with pytest.raises(ValidationError):                 # inactive: not offered on cards
        set_goods_attribute(b.id, color.id, "bordowy")


@pytest.mark.rule("ATR-14")
def test_line_description_from_item_and_attributes(cat):
    from store.catalog.dict_tree import line_description
    from store.catalog.goods import set_goods_attribute, update_goods
    sup = create_entry("attribute", code="KOD DOSTAWCY", to_description=True, code_before_value=True)
    note = create_entry("attribute", code="A-UWAGA", to_description=True)
    hidden = create_entry("attribute", code="WEWN")
    a = cat.goods("A", description="Kabel miedziany", copy_description=True)
    for attr, value in ((sup, "RO333/2008"), (note, "kruche"), (hidden, "x")):
        set_goods_attribute(a.id, attr.id, value)
    assert line_description(a.id) == "Kabel miedziany\nkruche\nKOD DOSTAWCY RO333/2008"
    update_goods(a.id, copy_description=False)
    assert line_description(a.id) == "kruche\nKOD DOSTAWCY RO333/2008"
