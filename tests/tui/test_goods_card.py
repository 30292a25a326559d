"""Goods card and prices table driven by keys (Pilot) over the real demo SQLite database."""
from __future__ import annotations

from decimal import Decimal

import pytest

from store.catalog import Goods, GoodsPrice, GoodsUnit, PriceType
from store.catalog.dictionaries import Unit
from tui.screens.goods_card import GoodsCard
from tui.screens.list_screen import ListScreen
from tui.screens.price_table import PriceTable
from tui.widgets.form import RowDialog

from tests.tui.card_helpers import card_ready, save, settle
from tests.tui.catalog_fixtures import branch_app  # noqa: F401

SIZE = (130, 45)


async def open_goods(app, pilot) -> ListScreen:
    screen = app.action_open_list("goods")
    await pilot.pause()
    await pilot.pause()
    assert isinstance(app.screen, ListScreen)
    return screen


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space", "-": "minus", ",": "comma", ".": "full_stop"}.get(ch, ch) for ch in text])


def snapshot() -> list[tuple]:
    return list(Goods.select(Goods.id, Goods.code, Goods.name, Goods.retail_price, Goods.unit).tuples())


def retail() -> PriceType:
    return PriceType.get(PriceType.name == "detaliczna")


@pytest.mark.rule("PRC-11", "ITM-1")
async def test_f2_opens_card_of_highlighted_item_and_ctrl_s_saves_name(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_goods(filia_app, pilot)
        await pilot.press("down", "down")
        target = lst.list.cursor_id
        await pilot.press("f2")
        card = await card_ready(pilot)
        assert isinstance(card, GoodsCard) and card.goods_id == target
        tabs = [p for p, _label in card.tab_list]
        assert "tab-stock" in tabs and "tab-units" in tabs and "tab-groups" in tabs  # ITM-1 goods tabs
        assert filia_app.focused.id == "f-code"
        await pilot.press("tab")
        assert filia_app.focused.id == "f-name"
        await type_text(pilot, "Nowa nazwa towaru")        # focus selects the name: typing replaces it
        await save(pilot)
        assert isinstance(filia_app.screen, ListScreen)
    assert Goods.get_by_id(target).name == "Nowa nazwa towaru"


@pytest.mark.rule("ITM-13", "PRC-10", "ITM-20")
async def test_insert_new_service_with_price_from_the_prices_table(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        await open_goods(filia_app, pilot)
        await pilot.press("insert")
        await pilot.pause()
        card = filia_app.screen
        assert isinstance(card, GoodsCard)
        await type_text(pilot, "USL1")
        await pilot.press("tab")
        await type_text(pilot, "Montaz szafy")
        card.set_value("item_type", "UP")
        await pilot.press("ctrl+t")                      # the terminal-safe key of Shift+Insert
        await pilot.pause()
        table = filia_app.screen
        assert isinstance(table, PriceTable)
        rows = [name for _id, name, _g in table.rows]
        await pilot.press(*["down"] * rows.index("detaliczna"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(filia_app.screen, RowDialog)
        filia_app.focused.value = ""
        await type_text(pilot, "199,99")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")                       # back on the card, the price kept with it
        await pilot.pause()
        assert filia_app.screen is card
        assert "199,99" in str(card.query_one("#card-prices").render())
        await save(pilot)
        assert isinstance(filia_app.screen, ListScreen)
    g = Goods.get(Goods.code == "USL1")
    assert (g.name, g.item_type, g.is_service, g.track_stock) == ("Montaz szafy", "UP", True, False)
    assert g.retail_price == Decimal("199.99")
    assert GoodsPrice.get((GoodsPrice.goods == g.id) & (GoodsPrice.price_type == retail().id)).gross == Decimal("199.99")


@pytest.mark.rule("ITM-2")
async def test_service_card_has_no_stock_tabs(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        filia_app.push_screen(GoodsCard(None, item_type="UP"))
        card = await card_ready(pilot)
        tabs = [p for p, _label in card.tab_list]
        assert "tab-stock" not in tabs and "tab-reservations" not in tabs and "tab-substitutes" not in tabs
        assert "tab-units" in tabs and "tab-attributes" in tabs and "tab-groups" in tabs


@pytest.mark.rule("ITM-33")
async def test_auxiliary_unit_added_on_units_tab(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_goods(filia_app, pilot)
        target = lst.list.cursor_id
        base = Goods.get_by_id(target).unit
        other = Unit.select().where(Unit.code != base).order_by(Unit.code).first().code
        await pilot.press("f2")
        card = await card_ready(pilot)
        await pilot.press("f6", "f6")                     # [Dodatkowe], then [Jednostki, EAN, VAT]
        for _i in range(20):                              # the tab is built when first shown
            if card.query("#table-units"):
                break
            await pilot.pause()
        assert card.active_pane == "tab-units"
        card.query_one("#table-units").focus()
        await pilot.press("insert")
        await pilot.pause()
        dialog = filia_app.screen
        assert isinstance(dialog, RowDialog)
        await type_text(pilot, other.upper())             # the unit is a reference field: its code typed
        await pilot.press("tab")                          # resolves it (any case) and moves on
        await type_text(pilot, "10")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await save(pilot)
        assert isinstance(filia_app.screen, ListScreen)
    u = GoodsUnit.get(GoodsUnit.goods == target)
    assert (u.unit, u.numerator, u.denominator) == (other, Decimal(10), Decimal(1))


async def test_escape_on_changed_card_asks_and_nothing_is_written(filia_app):
    before = snapshot()
    async with filia_app.run_test(size=SIZE) as pilot:
        await open_goods(filia_app, pilot)
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("tab")
        await type_text(pilot, "XYZ")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("p")                            # Porzuć: discard
        await pilot.pause()
        assert isinstance(filia_app.screen, ListScreen)
    assert snapshot() == before


@pytest.mark.rule("ITM-20", "ITM-21")
async def test_shift_insert_on_list_edits_a_price_at_once(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_goods(filia_app, pilot)
        target = lst.list.cursor_id
        await pilot.press("shift+insert")
        await pilot.pause()
        table = filia_app.screen
        assert isinstance(table, PriceTable)
        names = [r.name for r in table.rows]
        await pilot.press(*["down"] * names.index("hurtowa 1"))
        await pilot.press("f2")
        await pilot.pause()
        filia_app.focused.value = ""
        await type_text(pilot, "10")
        await pilot.press("enter")
        await pilot.pause()
        assert filia_app.screen is table
        await pilot.press("escape")
        await pilot.pause()
    pt = PriceType.get(PriceType.name == "hurtowa 1")
    row = GoodsPrice.get((GoodsPrice.goods == target) & (GoodsPrice.price_type == pt.id))
    assert (row.gross if pt.gross else row.net) == Decimal("10")


@pytest.mark.rule("DICT-3", "DICT-1", "DICT-8")
async def test_branch_card_is_read_only_and_says_why(branch_app):
    filia_app = branch_app
    before = snapshot()
    async with filia_app.run_test(size=SIZE) as pilot:
        await open_goods(filia_app, pilot)
        await pilot.press("f2")
        card = await card_ready(pilot)
        banner = str(card.query_one("#form-banner").render())
        assert "W oddziale karta towaru jest tylko do odczytu" in banner
        assert card.query_one("#f-name").disabled
        await pilot.press("f6")                           # [Dodatkowe]: the DICT-3 fields stay editable
        for _i in range(20):                              # the tab is built when first shown
            await pilot.pause()
            if card.query("#f-copy_description"):
                break
        assert not card.query_one("#f-copy_description").disabled and card.query_one("#f-active").disabled
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(filia_app.screen, PriceTable)
        assert "W oddziale ceny sprzedaży ustala centrala" in str(filia_app.screen.query_one("#prices-message").render())
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("insert")                       # a branch may not add goods: the card says why
        await card_ready(pilot)
        assert "W oddziale nie można dopisywać towarów" in str(filia_app.screen.query_one("#form-banner").render())
    assert snapshot() == before


@pytest.mark.rule("PRC-13", "ITM-53")
async def test_ctrl_k_copies_the_card_with_prices_under_a_new_code(filia_app):
    from store.catalog.prices import set_price

    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_goods(filia_app, pilot)
        source = Goods.get_by_id(lst.list.cursor_id)
        set_price(source.id, retail().id, value=Decimal("12.34"))
        await pilot.press("ctrl+k")
        card = await card_ready(pilot)
        assert isinstance(card, GoodsCard) and card.get_value("code") == "" and card.get_value("name") == source.name
        await type_text(pilot, "KOPIA1")
        await save(pilot)
        assert isinstance(filia_app.screen, ListScreen)
    copy = Goods.get(Goods.code == "KOPIA1")
    assert (copy.name, copy.unit, copy.vat_rate_id, copy.retail_price) == (
        source.name, source.unit, source.vat_rate_id, Decimal("12.34"))
    assert copy.ean == ""                                 # EAN codes are unique: not copied


@pytest.mark.rule("DICT-12", "DICT-15")
async def test_branch_may_change_only_the_autonomous_price(branch_app):
    from store.config import set_setting

    app = branch_app
    own = PriceType.get(PriceType.name == "hurtowa 2")
    set_setting("autonomous_price_type", str(own.id))
    async with app.run_test(size=SIZE) as pilot:
        lst = await open_goods(app, pilot)
        target = lst.list.cursor_id
        before = {r.price_type_id: r.net for r in GoodsPrice.select().where(GoodsPrice.goods == target)}
        await pilot.press("ctrl+t")
        await pilot.pause()
        table = app.screen
        names = [r.name for r in table.rows]
        await pilot.press(*["down"] * names.index("hurtowa 2"))
        await pilot.press("enter")
        await pilot.pause()
        app.focused.value = ""
        await type_text(pilot, "8,50")
        await pilot.press("enter")
        await pilot.pause()
        assert str(table.query_one("#prices-message").render()) == ""
        await pilot.press("up")                            # hurtowa 1: HQ's price, refused with the reason
        await pilot.press("enter")
        await pilot.pause()
        assert table is app.screen
        assert "zmienić można tylko cenę autonomiczną" in str(table.query_one("#prices-message").render())
    prices = {r.price_type_id: r.net for r in GoodsPrice.select().where(GoodsPrice.goods == target)}
    assert own.id not in before and prices == {**before, own.id: Decimal("8.50")}   # HQ's prices as they were


@pytest.mark.rule("PRC-12")
async def test_delete_key_removes_an_unused_item_after_confirmation(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_goods(filia_app, pilot)
        await pilot.press("down")
        target = lst.list.cursor_id
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("n")                            # Nie: nothing happens
        await pilot.pause()
        assert Goods.select().where(Goods.id == target).exists()
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert lst.list.total == 299
    assert not Goods.select().where(Goods.id == target).exists()


@pytest.mark.rule("PRC-7")
async def test_price_list_shows_the_chosen_price_type_for_every_row(filia_app):
    from store.catalog.prices import set_price
    from tests.tui.test_serial_ops import choose, palette

    wholesale = PriceType.get(PriceType.name == "hurtowa 1")
    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_goods(filia_app, pilot)
        first = lst.list.cursor_id
        set_price(first, wholesale.id, value=Decimal("7.5"))
        await palette(pilot, "Cena na liście")
        await choose(pilot, filia_app.screen, "price_type", "hurtowa 1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "hurtowa 1 net" in str(lst.query_one("#list-header").render())
        cols = lst.query_.spec.columns
        shown = [cols[-1].format(lst.list.row_at(i)[len(cols)]) for i in range(2)]
        assert shown == ["7,50", "0,00"]                  # the second item has no wholesale price
        assert lst.list.cursor_id == first
        await pilot.press("f3")                           # sorting and the locator still work
        assert lst.list.total == 300


async def test_saving_a_card_records_the_logged_in_operator_and_the_card_shows_it(filia_app):
    from textual.widgets import Static

    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_goods(filia_app, pilot)
        target = lst.list.cursor_id
        login = filia_app.operator.login
        await pilot.press("f2")
        await pilot.press("tab")
        await type_text(pilot, "Zmieniona przez operatora")
        await save(pilot)
        assert Goods.get_by_id(target).modified_by == login
        await pilot.press("f2")
        card = await card_ready(pilot)
        await card.show_pane("tab-extra")
        await pilot.pause()
        text = str(card.query_one("#card-stamps", Static).render())
        assert f"Zmodyfikował: {login}" in text
