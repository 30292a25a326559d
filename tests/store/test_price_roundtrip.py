"""goods_price is the source of every price; goods.retail_price is only the list's sort mirror, written
by one function. An unchanged price list exported and imported back changes nothing at all (issue 10 §1).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from tests.dbdump import assert_same, dump


def _every_update_choice() -> set[str]:
    from store.pricelist_io import update_choices

    return {key for key, _label, _default in update_choices()} | {"prices"}


def _export_import(tmp_path, mode="add_update"):
    from store.pricelist_io import apply_import, export_price_list, validate_import

    path = tmp_path / "cennik.xlsx"
    export_price_list(path)
    plan = validate_import(path, mode=mode, update_fields=_every_update_choice(), import_producers=True)
    assert not plan.errors, plan.errors[:5]
    return apply_import(plan, operator="IMPORTER")


@pytest.mark.rule("PIE-8")
def test_unchanged_export_import_of_the_demo_changes_no_table(db, tmp_path):
    """The demo used to keep its retail prices on the goods row only: the round trip set them all to 0."""
    from store.catalog.models import Goods, GoodsPrice
    from store.catalog.quote import price_for
    from store.demo import build_demo

    build_demo(contractors=5, goods=300, seed=7)
    retail = {gid: price for gid, price in Goods.select(Goods.id, Goods.retail_price).tuples()}
    assert len(retail) == 300 and min(retail.values()) > 0
    first = Goods.select().order_by(Goods.id).first()
    quote = price_for(None, first.id, date(2024, 6, 10))
    assert quote.gross == first.retail_price                       # price_for reads goods_price, same value
    assert GoodsPrice.select().count() == 300
    before = dump()
    result = _export_import(tmp_path)
    assert result.updated == 300 and result.inserted == 0
    assert_same(before, dump())


@pytest.mark.rule("PIE-8")
def test_unchanged_export_import_of_cards_made_by_the_card_form_changes_no_table(db, tmp_path):
    from store.catalog.card_save import price_types_for_new_card, save_goods_card
    from store.catalog.dictionaries import GoodsGroup, Unit
    from store.catalog.models import Goods
    from store.catalog.prices import set_price, set_purchase_price
    from store.catalog.seed import ensure_catalogue_defaults
    from store.config import VatRate, ensure_default_vat_rates, set_setting

    set_setting("role", "standalone")
    ensure_default_vat_rates()
    ensure_catalogue_defaults()
    vat = {v.code: v.id for v in VatRate.select()}
    Unit.insert(code="kg", name="kilogram").on_conflict_ignore().execute()
    group = GoodsGroup.create(code="NARZĘDZIA", name="Narzędzia", parent=GoodsGroup.get(GoodsGroup.is_main == True))  # noqa: E712
    types = price_types_for_new_card()
    by_name = {name: pid for pid, name, _gross in types}
    cards = [
        ({"code": "MŁOTEK-1", "name": "Młotek ciesielski", "unit": "szt", "vat_rate": vat["23"], "item_type": "TP",
          "group": group.id, "pkwiu": "25.73.10", "description": "Łódź – dostawa"},
         {by_name["detaliczna"]: D("49.99"), by_name["hurtowa 1"]: D("30.1234")}),
        ({"code": "USŁ-2", "name": "Ostrzenie", "unit": "szt", "vat_rate": vat["8"], "item_type": "UP"},
         {by_name["detaliczna"]: D("12.00")}),
        ({"code": "GWÓŹDŹ", "name": "Gwoździe", "unit": "kg", "vat_rate": vat["5"], "item_type": "TP",
          "price_limit_kind": "min_margin", "price_limit_value": "5"}, {}),
    ]
    ids = [save_goods_card(None, fields, prices=prices, operator="ADAM", confirm=True) for fields, prices in cards]
    set_purchase_price(ids[0], D("20.00"))
    set_price(ids[0], by_name["hurtowa 2"], margin=D("25"))                     # a price set from a margin
    assert Goods.get_by_id(ids[0]).retail_price == D("49.99")
    before = dump()
    _export_import(tmp_path)
    assert_same(before, dump())


def test_an_import_that_changes_a_price_writes_that_card_only(db, tmp_path):
    """The other cards keep their version, time and operator; the changed one is stamped and mirrored."""
    import openpyxl

    from store.base import set_session_operator
    from store.catalog.models import Goods
    from store.demo import build_demo
    from store.pricelist_io import apply_import, export_price_list, validate_import

    build_demo(contractors=2, goods=20, seed=2)
    path = tmp_path / "cennik.xlsx"
    export_price_list(path)
    book = openpyxl.load_workbook(path)
    sheet = book["Cennik"]
    header = [c.value for c in sheet[1]]
    col = header.index("Cena detaliczna brutto") + 1
    code = sheet.cell(row=5, column=1).value
    sheet.cell(row=5, column=col).value = 1234.5
    book.save(path)
    before = {g.code: (g.version, g.modified_at, g.retail_price) for g in Goods.select()}
    set_session_operator("KASIA")          # another login in this process: the import names its own operator
    try:
        apply_import(validate_import(path, update_fields=_every_update_choice()), operator="ANNA")
    finally:
        set_session_operator("")
    after = {g.code: (g.version, g.modified_at, g.retail_price, g.modified_by) for g in Goods.select()}
    changed = [c for c in after if after[c][:3] != before[c]]
    assert changed == [code]
    assert after[code][2] == D("1234.5") and after[code][3] == "ANNA" and after[code][0] > before[code][0]


def _mirror_is_exact() -> list[tuple]:
    """Cards whose sort mirror differs from their retail row's gross price (0 without a row)."""
    from store.catalog.models import Goods, GoodsPrice
    from store.catalog.prices import retail_price_type

    retail = retail_price_type().id
    rows = {g: gross for g, gross in GoodsPrice.select(GoodsPrice.goods, GoodsPrice.gross)
            .where(GoodsPrice.price_type == retail).tuples()}
    return [(code, mirror, rows.get(gid, D(0))) for gid, code, mirror in
            Goods.select(Goods.id, Goods.code, Goods.retail_price).tuples() if mirror != rows.get(gid, D(0))]


def test_every_writer_of_prices_keeps_the_sort_mirror_equal_to_the_retail_row(cat, tmp_path):
    """Card, price table, serial operations, VAT change, copy, prices from HQ, import, price types."""
    from store.catalog import dict_rules
    from store.catalog.goods_copy import copy_goods
    from store.catalog.hq_prices import apply_hq_prices
    from store.catalog.prices import set_price, set_purchase_price
    from store.catalog.serial import change_prices, recalculate_from_margin, set_vat_rate
    from store.pricelist_io import apply_import, validate_import
    from tests.store.pricelist_files import write_xlsx

    a = cat.goods("A", price="10.00", price_type=cat.retail)
    b = cat.goods("B", price="5.00")
    assert not _mirror_is_exact()
    set_price(b.id, cat.retail, value=D("7.77"))
    change_prices([a.id, b.id], price_type_id=cat.retail, percent=D(10))
    set_purchase_price(a.id, D("4.00"))
    set_price(a.id, cat.retail, auto_update=True, margin=D(50))
    recalculate_from_margin([a.id], price_type_ids=[cat.retail], margin=D(100))
    set_vat_rate([a.id, b.id], cat.vat["8"], keep="net")
    c = copy_goods(a.id, "C")
    apply_hq_prices(b.id, {cat.retail: D("99.90")})
    assert not _mirror_is_exact()
    path = write_xlsx(tmp_path / "c.xlsx", [["Kod", "Nazwa", "Cena detaliczna brutto", "Stawka VAT"],
                                            ["A", "A", 1.5, "23"], ["N", "Nowy", 2.5, "5"], ["C", "C", None, "23"]])
    apply_import(validate_import(path))
    assert not _mirror_is_exact()
    from store.catalog.models import Goods

    assert [Goods.get(Goods.code == k).retail_price for k in ("A", "N", "B")] == [D("1.5"), D("2.5"), D("99.9")]
    assert Goods.get_by_id(c.id).retail_price > 0
    dict_rules.update_entry("price_type", cat.w1, is_retail=True)
    assert not _mirror_is_exact() and Goods.get_by_id(b.id).retail_price == D("5.40")   # 5.00 net + 8 %
