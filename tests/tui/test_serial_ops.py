"""Serial operations on marked goods, driven from the price list by keys (Space marks, F11 palette)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from textual.command import CommandPalette

from store.catalog import Goods, GoodsGroupLink, GoodsPrice, PriceType
from store.catalog.prices import set_price
from store.config import VatRate
from tui.screens.list_screen import ListScreen
from tui.screens.serial_ops import SerialDialog, SerialReportScreen

from tests.tui.catalog_fixtures import branch_app  # noqa: F401

SIZE = (130, 45)


async def open_goods(app, pilot) -> ListScreen:
    screen = app.action_open_list("goods")
    await pilot.pause()
    await pilot.pause()
    return screen


async def palette(pilot, text: str) -> None:
    await pilot.press("f11")
    await pilot.pause()
    await pilot.press(*[{" ": "space", "/": "slash"}.get(c, c) for c in text])
    for _attempt in range(20):                      # the palette gathers hits asynchronously
        await pilot.pause(0.1)
        if pilot.app.screen.query("CommandList Option, CommandList"):
            break
    await pilot.press("enter")
    await pilot.pause(0.2)
    if isinstance(pilot.app.screen, CommandPalette):
        await pilot.press("enter")
        await pilot.pause(0.2)


async def choose(pilot, dialog, field: str, label: str) -> None:
    """Pick an option of a drop-down by keys: focus it, Enter opens, arrows, Enter picks."""
    select = dialog.query_one(f"#f-{field}")
    select.focus()
    await pilot.pause()
    labels = [str(lbl) for lbl, _v in select.choices]
    current = labels.index(next(lbl for lbl, v in select.choices if v == select.value))
    await pilot.press("enter")
    await pilot.pause()
    step = labels.index(label) - current
    await pilot.press(*(["down"] * step if step > 0 else ["up"] * -step))
    await pilot.press("enter")
    await pilot.pause()


async def run_dialog(pilot, key: str = "ctrl+s") -> None:
    """Run the serial dialog and wait for its worker: the report replaces it, or it stops with a reason."""
    dialog = pilot.app.screen
    await pilot.press(key)
    for _attempt in range(300):
        await pilot.pause(0.05)
        if pilot.app.screen is not dialog or not getattr(dialog, "running", False):
            break
    await pilot.pause()


async def type_field(pilot, dialog, field: str, text: str) -> None:
    box = dialog.query_one(f"#f-{field}")
    box.focus()
    box.value = ""
    await pilot.press(*[{",": "comma", "-": "minus"}.get(c, c) for c in text])


async def pick_in_tree(pilot, group_id: int) -> None:
    """The group tree: arrows down to the group, Enter picks it."""
    from textual.widgets import Tree

    tree = pilot.app.screen.query_one(Tree)
    await pilot.pause()
    for _step in range(50):
        if tree.cursor_node is not None and tree.cursor_node.data == group_id:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


def prices_of(ids, pt) -> dict[int, Decimal]:
    return {r.goods_id: r.gross for r in GoodsPrice.select().where(
        (GoodsPrice.goods.in_(ids)) & (GoodsPrice.price_type == pt.id))}


@pytest.mark.rule("PSO-12")
async def test_change_prices_of_marked_goods_by_percent_with_rounding(filia_app):
    retail = PriceType.get(PriceType.name == "detaliczna")
    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_goods(filia_app, pilot)
        await pilot.press("space", "space", "down", "space")       # rows 0, 1 and 3
        marked = lst._selected_ids()
        assert len(marked) == 3
        for gid, value in zip(marked, ("10.00", "19.99", "7.35")):
            set_price(gid, retail.id, value=Decimal(value))
        unmarked = lst.list.row_at(2)[0]
        set_price(unmarked, retail.id, value=Decimal("50.00"))
        await palette(pilot, "Zmiana cen")
        dialog = filia_app.screen
        assert isinstance(dialog, SerialDialog)
        assert "pozycji: 3" in str(dialog.query_one("#serial-title").render())
        await choose(pilot, dialog, "price_type", "detaliczna")
        await type_field(pilot, dialog, "value", "10")
        await type_field(pilot, dialog, "step", "0,10")
        await run_dialog(pilot)
        report = filia_app.screen
        assert isinstance(report, SerialReportScreen)
        assert "zmieniono 3, pominięto 0" in str(report.query_one("#report-summary").render())
        changed = str(report.query_one("#report-changed").render())
        code = Goods.get_by_id(marked[0]).code
        assert f"{code}: detaliczna 10,00 → 11,00" in changed
        await pilot.press("escape")
        await pilot.pause()
        assert filia_app.screen is lst
    assert prices_of(marked, retail) == {marked[0]: Decimal("11.00"), marked[1]: Decimal("22.00"),
                                         marked[2]: Decimal("8.10")}
    assert prices_of([unmarked], retail) == {unmarked: Decimal("50.00")}       # not marked: untouched


@pytest.mark.rule("ITM-22")
async def test_recalculation_refuses_goods_without_purchase_price_and_reports_why(filia_app):
    before = list(GoodsPrice.select(GoodsPrice.goods, GoodsPrice.price_type, GoodsPrice.net).tuples())
    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_goods(filia_app, pilot)
        await pilot.press("space", "space")
        codes = [Goods.get_by_id(i).code for i in lst._selected_ids()]
        await palette(pilot, "Przeliczenie cen")
        dialog = filia_app.screen
        assert isinstance(dialog, SerialDialog)
        await type_field(pilot, dialog, "margin", "25")
        await run_dialog(pilot, "enter")                            # Enter in a text field runs too
        report = filia_app.screen
        assert isinstance(report, SerialReportScreen)
        assert "zmieniono 0, pominięto 2" in str(report.query_one("#report-summary").render())
        refused = str(report.query_one("#report-refused").render())
        for code in codes:
            assert f"{code}: pominięto – towar nie ma ceny zakupu" in refused
    assert list(GoodsPrice.select(GoodsPrice.goods, GoodsPrice.price_type, GoodsPrice.net).tuples()) == before


@pytest.mark.rule("PSO-10")
async def test_set_vat_rate_on_marked_goods(filia_app):
    eight = VatRate.get(VatRate.code == "8")
    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_goods(filia_app, pilot)
        first = lst.list.cursor_id
        await pilot.press("ctrl+l")                                 # mark all
        await pilot.press("space")                                  # ... except the highlighted one
        ids = lst._selected_ids()
        assert len(ids) == Goods.select().count() - 1 and first not in ids
        old_first = Goods.get_by_id(first).vat_rate_id
        await palette(pilot, "Zmiana stawki VAT")
        dialog = filia_app.screen
        label = next(lbl for lbl, v in dialog.query_one("#f-vat_rate").choices if v == eight.id)
        await choose(pilot, dialog, "vat_rate", label)
        await run_dialog(pilot)
        assert isinstance(filia_app.screen, SerialReportScreen)
        await pilot.press("enter")
    assert set(Goods.select(Goods.vat_rate).where(Goods.id.in_(ids)).tuples()) == {(eight.id,)}
    assert Goods.get_by_id(first).vat_rate_id == old_first


@pytest.mark.rule("DICT-8", "DICT-3")
async def test_branch_refuses_serial_price_change_and_says_why(branch_app):
    app = branch_app
    snapshot = lambda: list(Goods.select(Goods.id, Goods.retail_price, Goods.vat_rate).tuples())  # noqa: E731
    before = snapshot()
    async with app.run_test(size=SIZE) as pilot:
        await open_goods(app, pilot)
        await pilot.press("space")
        await palette(pilot, "Zmiana cen")
        dialog = app.screen
        await type_field(pilot, dialog, "value", "5")
        await run_dialog(pilot)
        assert app.screen is dialog                                 # stays open with the reason
        assert "W oddziale ceny sprzedaży ustala centrala" in str(dialog.query_one("#serial-error").render())
        await pilot.press("escape")
    assert snapshot() == before


@pytest.mark.rule("PRC-3", "PRC-4", "PRC-6", "PSO-1")
async def test_group_and_ean_filters_of_the_price_list(filia_app):
    from store.catalog.dict_rules import create_entry

    group = create_entry("goods_group", code="NAPOJE", name="Napoje")
    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_goods(filia_app, pilot)
        await pilot.press("space", "space", "space")
        marked = lst._selected_ids()
        await palette(pilot, "Zmiana grupy")
        dialog = filia_app.screen
        await choose(pilot, dialog, "group", "NAPOJE")
        await run_dialog(pilot)
        assert "zmieniono 3" in str(filia_app.screen.query_one("#report-summary").render())
        await pilot.press("escape")
        await pilot.press("ctrl+u")                                 # unmark all
        await palette(pilot, "Filtr: grupa")
        await pick_in_tree(pilot, group.id)
        assert lst.list.total == 3 and set(r[0] for r in lst.query_.iter_all()) == set(marked)
        await pilot.press("insert")                                 # PRC-4: a new card gets the chosen group
        await pilot.pause()
        assert filia_app.screen.get_value("group") == group.id
        await pilot.press("escape")
        await pilot.pause()
        await palette(pilot, "Usuń filtr")
        assert lst.list.total == Goods.select().count()
        wanted = Goods.get_by_id(marked[1])
        await palette(pilot, "Filtr: kod EAN")
        filia_app.focused.value = wanted.ean
        await pilot.press("enter")
        await pilot.pause()
        assert lst.list.total == 1 and lst.list.cursor_id == wanted.id
    linked = GoodsGroupLink.select(GoodsGroupLink.goods).where(GoodsGroupLink.group == group.id)
    assert {row.goods_id for row in linked} == set(marked)


@pytest.mark.rule("PSO-2", "PSO-16")
async def test_unit_category_and_attribute_of_marked_goods(filia_app):
    from store.catalog import Category, GoodsAttribute
    from store.catalog.dict_rules import create_entry

    attr = create_entry("attribute", code="KOLOR", name="Kolor")
    cat = create_entry("category", code="SPRZEDAZ", kind="income")
    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_goods(filia_app, pilot)
        await pilot.press("space", "space")
        ids = lst._selected_ids()
        await palette(pilot, "Zmiana jednostki")
        await choose(pilot, filia_app.screen, "unit", "kg")
        await run_dialog(pilot)
        await pilot.press("escape")
        await palette(pilot, "Zmiana kategorii")
        await choose(pilot, filia_app.screen, "category", "SPRZEDAZ")
        await run_dialog(pilot)
        await pilot.press("escape")
        await palette(pilot, "Atrybut")
        await type_field(pilot, filia_app.screen, "value", "czerwony")
        await run_dialog(pilot)
        assert "zmieniono 2" in str(filia_app.screen.query_one("#report-summary").render())
        await pilot.press("escape")
    goods = [Goods.get_by_id(i) for i in ids]
    assert [(g.unit, g.sales_category_id) for g in goods] == [("kg", cat.id)] * 2
    assert Category.get_by_id(cat.id).code == "SPRZEDAZ"
    assert sorted((a.goods_id, a.value) for a in GoodsAttribute.select().where(GoodsAttribute.attribute == attr.id)) \
        == sorted((i, "czerwony") for i in ids)
