"""Ctrl+Q with a changed card asks first (the app looked for a method FormScreen does not have)."""
from __future__ import annotations

from tui.screens.goods_card import GoodsCard
from tui.widgets.confirm import ConfirmDialog


async def test_ctrl_q_on_a_changed_card_asks_and_no_keeps_the_card(filia_app):
    async with filia_app.run_test(size=(130, 45)) as pilot:
        filia_app.action_open_list("goods")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(filia_app.screen, GoodsCard)
        await pilot.press("tab", "x", "y")
        await pilot.pause()
        assert filia_app.screen.is_dirty
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(filia_app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(filia_app.screen, GoodsCard) and filia_app.is_running
