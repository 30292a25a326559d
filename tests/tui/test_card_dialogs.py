"""Dialogs of the cards and lists (issue 10 §3): a field the program focuses takes typed text as a
replacement, the serial price dialog starts on the price the list shows, buttons answer to their underlined
letter. Driven by keys over the real demo database."""
from __future__ import annotations

import re
from decimal import Decimal

from store.catalog import Goods, GoodsPrice, PriceType
from store.catalog.prices import set_price
from tui.screens.list_screen import ListScreen
from tui.screens.price_table import PriceTable
from tui.widgets.form import RowDialog

from tests.tui.card_helpers import keys_of

SIZE = (120, 40)


async def open_goods(app, pilot) -> ListScreen:
    screen = app.action_open_list("goods")
    await pilot.pause()
    await pilot.pause()
    return screen


async def test_a_price_typed_into_the_dialog_replaces_the_old_one(filia_app):
    # Typing 899 into „851,38” stored 851.3800899 silently: the field the dialog focuses must take the
    # typed text as a replacement.
    retail = PriceType.get(PriceType.name == "detaliczna")
    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_goods(filia_app, pilot)
        target = lst.list.cursor_id
        set_price(target, retail.id, value=Decimal("851.38"))
        await pilot.press("ctrl+t")
        await pilot.pause()
        table = filia_app.screen
        assert isinstance(table, PriceTable)
        await pilot.press(*["down"] * [r.name for r in table.rows].index("detaliczna"), "f2")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(filia_app.screen, RowDialog)
        await pilot.press(*keys_of("899"), "enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    row = GoodsPrice.get((GoodsPrice.goods == target) & (GoodsPrice.price_type == retail.id))
    assert row.gross == Decimal("899")


async def test_the_serial_price_change_starts_on_the_price_the_list_shows(filia_app):
    from tests.tui.test_serial_ops import choose, palette
    from tui.screens.serial_ops import SerialDialog

    wholesale = PriceType.get(PriceType.name == "hurtowa 2")
    from store.catalog.prices import retail_price_type

    retail = retail_price_type()
    async with filia_app.run_test(size=SIZE) as pilot:
        await open_goods(filia_app, pilot)
        await palette(pilot, "Zmiana cen")                  # the standard list shows the retail price
        dialog = filia_app.screen
        assert isinstance(dialog, SerialDialog)
        assert dialog.values()["price_type"] == retail.id
        await pilot.press("escape")
        await pilot.pause()
        await palette(pilot, "Cena na liście")              # now the list shows "hurtowa 2"
        await choose(pilot, filia_app.screen, "price_type", "hurtowa 2")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await palette(pilot, "Zmiana cen")
        dialog = filia_app.screen
        assert isinstance(dialog, SerialDialog)
        assert dialog.values()["price_type"] == wholesale.id


async def test_question_buttons_answer_to_their_underlined_letter(filia_app):
    from tui.widgets.confirm import ConfirmDialog

    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_goods(filia_app, pilot)
        target = lst.list.cursor_id
        await pilot.press("delete")
        await pilot.pause()
        dialog = filia_app.screen
        assert isinstance(dialog, ConfirmDialog)
        labels = [b.label for b in dialog.query("Button")]
        assert [str(lbl) for lbl in labels] == ["Tak", "Nie"]
        assert all(any("underline" in str(span.style) for span in lbl.spans) for lbl in labels)
        await pilot.press("N")                                # the letter in either case
        await pilot.pause()
        assert filia_app.screen is lst
    assert Goods.select().where(Goods.id == target).exists()


async def test_the_palette_and_f1_help_speak_polish(filia_app):
    from textual.command import CommandInput, CommandList

    from tui.screens.help import HelpScreen

    async with filia_app.run_test(size=SIZE) as pilot:
        await open_goods(filia_app, pilot)
        await pilot.press("f11")
        await pilot.pause()
        assert filia_app.screen.query_one(CommandInput).placeholder.startswith("Szukaj")
        await pilot.press(*keys_of("xyzzy"))
        await pilot.pause(0.8)
        await pilot.pause()
        options = filia_app.screen.query_one(CommandList)
        shown = [str(options.get_option_at_index(i).prompt.renderable) for i in range(options.option_count)]
        assert any("Nie znaleziono" in text for text in shown), shown
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f2")
        for _ in range(50):
            await pilot.pause()
            if getattr(filia_app.screen, "ready_for_input", False):
                break
        await pilot.press("f1")
        await pilot.pause()
        help_screen = filia_app.screen
        assert isinstance(help_screen, HelpScreen)
        english = re.compile(r"\b(Delete|Cursor|Move|Select|Paste|Copy|Cut|Submit|Toggle|Go to|Page|Scroll)\b")
        for keys, label in help_screen.keys:
            assert not english.search(label), (keys, label)
            assert not re.search(r"\b(ctrl|shift|alt|escape|backspace|pagedown|pageup)\b", keys), keys
        assert ("Ctrl+A", "Na początek pola") in help_screen.keys     # the field's own keys, in Polish
