"""*Parametry handlu* (SETUP-12, SETUP-15) by keys (Pilot, real SQLite branch)."""
from __future__ import annotations

import pytest

from store.trade import options
from tests.dbdump import assert_same, dump
from tests.tui.doc_fixtures import app_for, trade_branch  # noqa: F401
from tests.tui.test_doc_form import settle, wait_for
from tests.tui.test_doc_form_header import screen_text
from tui.screens.main_menu import menu_items
from tui.screens.trade_options import TradeOptionsScreen
from tui.widgets.confirm import ChoiceDialog


@pytest.mark.rule("SETUP-12")
async def test_trade_options_are_changed_by_keys_and_saved_with_ctrl_s(trade_branch):
    app = app_for(trade_branch.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert any(item.action == "trade_options" and item.label == "Parametry handlu" for item in menu_items())
        await app.run_action("trade_options")
        await wait_for(pilot, lambda: isinstance(app.screen, TradeOptionsScreen))
        assert "Sprzedaż tylko wg kodów EAN" in screen_text(app) and "w edycji przed zapisem" in screen_text(app)
        await pilot.press("down", "right")                      # EAN only: tak
        await pilot.press("down", "down", "right")              # copy payments: tak
        await pilot.press("down", "right", "right", "right")    # margin: przy zatwierdzaniu
        await settle(pilot)
        assert "przy zatwierdzaniu" in screen_text(app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, TradeOptionsScreen))
        read = options.read()
        assert (read[options.EAN_ONLY], read[options.COPY_PAYMENTS], read[options.MARGIN_CHECK],
                read[options.STOCK_CHECK], read[options.ALLOW_NET_GROSS]) == ("1", "1", "approve", "before_save", "0")
        assert any("Zapisano parametry handlu." in str(n.message) for n in app._notifications)


async def test_esc_after_a_change_asks_and_discard_keeps_the_database(trade_branch):
    app = app_for(trade_branch.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.run_action("trade_options")
        await wait_for(pilot, lambda: isinstance(app.screen, TradeOptionsScreen))
        before = dump()
        await pilot.press("right", "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("p")
        await wait_for(pilot, lambda: not isinstance(app.screen, (ChoiceDialog, TradeOptionsScreen)))
        assert_same(before, dump())
