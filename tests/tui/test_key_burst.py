"""Keys typed in a burst (a fast clerk, key repeat, a paste over SSH): the app holds keys while the
one before is still on its way, but a held key must not wait longer than needed."""
from __future__ import annotations

import asyncio
import time

from textual import events

from tui.screens.list_screen import ListScreen

SIZE = (120, 30)


async def _burst(app, keys: list[str], done, limit: float = 30.0) -> float:
    """Post the keys at once, as the terminal driver does, and return the seconds until done()."""
    start = time.monotonic()
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))
    while not done() and time.monotonic() - start < limit:
        await asyncio.sleep(0.005)
    elapsed = time.monotonic() - start
    while app._held_keys and time.monotonic() - start < limit + 5:   # let the rest finish first
        await asyncio.sleep(0.05)
    return elapsed


async def test_home_and_end_in_a_list_do_not_hold_the_next_keys(filia_app):
    # Home/End are screen bindings that the list widget handles itself and stops: the key never comes
    # back to the app, which must not make each following key wait for the in-flight time limit.
    async with filia_app.run_test(size=SIZE) as pilot:
        screen = filia_app.action_open_list("goods")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(filia_app.screen, ListScreen)
        last = screen.list.total - 1
        elapsed = await _burst(filia_app, ["home", "end"] * 5 + ["up"], lambda: screen.list.cursor == last - 1)
        assert screen.list.cursor == last - 1
        assert elapsed < 2.0, f"11 keys took {elapsed:.2f} s"       # 3.1 s when each waited 0.3 s


async def test_a_burst_of_tab_keys_on_a_card_does_not_wait(filia_app):
    # A loaded card takes keys at once: three F6 in one burst show the fourth tab (keys held for a card
    # not ready used to wait 3 s).
    async with filia_app.run_test(size=SIZE) as pilot:
        filia_app.action_open_list("contractors")
        await pilot.pause()
        await pilot.pause()
        await pilot.press("f2")
        for _ in range(200):                                  # the card loaded (under load it takes a while)
            await pilot.pause()
            if getattr(filia_app.screen, "ready_for_input", False):
                break
        card = filia_app.screen
        ids = [pane for pane, _label in card.tab_list]
        for pane in ids[1:4]:                                 # built once (building is not what is timed)
            await card.ensure_pane(pane)
        await pilot.pause()
        elapsed = await _burst(filia_app, ["f6", "f6", "f6"], lambda: card.active_pane == ids[3])
        assert card.active_pane == ids[3]
        assert elapsed < 2.0, f"3 keys took {elapsed:.2f} s"
        for _ in range(5):                                    # the tabs shown are still being built
            await pilot.pause()


async def test_keys_behind_an_answered_question_are_not_stuck(filia_app):
    # Del asks, N answers, Ctrl+E opens the export dialog, all in one burst: the question closes
    # before it repaints, which must not leave the keys after it held for ever.
    from tui.widgets.prompt import PromptDialog

    async with filia_app.run_test(size=SIZE) as pilot:
        screen = filia_app.action_open_list("contractors")
        await pilot.pause()
        await pilot.pause()
        total = screen.list.total
        await _burst(filia_app, ["delete", "n", "ctrl+e"], lambda: isinstance(filia_app.screen, PromptDialog),
                     limit=5.0)
        assert isinstance(filia_app.screen, PromptDialog)
        assert screen.list.total == total


async def test_text_pasted_behind_a_key_that_opens_a_dialog_lands_in_the_dialog(filia_app):
    # Ctrl+E opens the export path prompt; a path pasted at once (bracketed paste over SSH) must not
    # overtake the held key and vanish into the list below.
    from textual.widgets import Input

    from tui.widgets.prompt import PromptDialog

    async with filia_app.run_test(size=SIZE) as pilot:
        filia_app.action_open_list("contractors")
        await pilot.pause()
        await pilot.pause()
        filia_app.post_message(events.Key("ctrl+e", None))
        filia_app.post_message(events.Paste("/tmp/wklejona.xlsx"))
        for _ in range(100):
            await asyncio.sleep(0.02)
            if isinstance(filia_app.screen, PromptDialog) and not filia_app._held_keys:
                break
        await pilot.pause()
        assert isinstance(filia_app.screen, PromptDialog)
        assert filia_app.screen.query_one(Input).value == "/tmp/wklejona.xlsx"     # replaces the proposed path
