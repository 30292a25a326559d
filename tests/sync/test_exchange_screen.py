"""Narzędzia → Praca rozproszona centrala/oddział (issue 13 §10): the branch runs from the screen with the
folder proposed, the number and date shown read-only and refreshed; HQ lists its branches and processes the
selected one; a standalone database is refused."""
from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from tests.sync import sides
from tui.app import FiliaApp
from tui.screens.exchange import ExchangeScreen


async def _settle(pilot):
    app = pilot.app
    await app.workers.wait_for_complete()
    for screen in app.screen_stack:
        await screen.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def _text(app, selector) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_a_branch_synchronises_from_the_screen(pair):
    with sides.opened(pair.branch):
        await _branch(pair)


async def _branch(pair):
    app = FiliaApp(pair.branch, operator_login="ADMIN")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.action_exchange()
        await pilot.pause()
        assert isinstance(app.screen, ExchangeScreen)
        assert app.screen.query_one(Input).value == str(pair.folder)          # SYNC-5: proposed
        info = _text(app, "#exchange-info")
        assert "Numer ostatniego pliku: 4" in info
        await pilot.press("f8")
        await _settle(pilot)
        assert "Zakończono" in _text(app, "#exchange-report")
        assert "OD_KRAK.XLO" in _text(app, "#exchange-report")
        app.screen.query_one(Input).value = str(pair.folder / "nie-ma")
        await pilot.press("f8")
        await _settle(pilot)
        assert "nie istnieje" in _text(app, "#exchange-report")


async def test_hq_lists_branches_and_processes_the_selected_one(pair):
    with sides.opened(pair.hq):
        await _hq(pair)


async def _hq(pair):
    app = FiliaApp(pair.hq, operator_login="ADMIN")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.action_exchange()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1 and table.get_row_at(0)[0] == "KRAK"
        await pilot.press("f8")
        await _settle(pilot)
        assert "Oddział KRAK: full" in _text(app, "#exchange-report")
        assert table.get_row_at(0)[1] == "4"


async def test_standalone_is_refused(demo_url):
    app = FiliaApp(demo_url, operator_login="ADMIN")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.action_exchange()
        await pilot.pause()
        assert "samodzielna" in _text(app, "#exchange-info")
