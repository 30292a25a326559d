"""Export and print never overwrite an existing file without asking (issue 10 §3): the list's XLSX export,
its printout and the price-list export ask „Zastąpić?”; Nie asks for another path, the file untouched."""
from __future__ import annotations

import openpyxl
import pytest

from tui.widgets.confirm import ConfirmDialog
from tui.widgets.prompt import PromptDialog

SIZE = (120, 40)
MINE = b"moje dane, nie nadpisywac"


async def _open(app, pilot, key: str):
    screen = app.action_open_list(key)
    await pilot.pause()
    await pilot.pause()
    return screen


async def _type_path(pilot, path) -> None:
    assert isinstance(pilot.app.screen, PromptDialog), pilot.app.screen
    pilot.app.screen.query_one("#prompt-input").value = str(path)
    await pilot.press("enter")
    await pilot.pause()


async def _palette(pilot, text: str) -> None:
    from tests.tui.test_serial_ops import palette

    await palette(pilot, text)


@pytest.mark.parametrize("start", ["ctrl+e", "ctrl+p", "palette"], ids=["list export", "list print", "price list"])
async def test_an_existing_file_is_replaced_only_after_yes(filia_app, tmp_path, start):
    target = tmp_path / ("wynik.txt" if start == "ctrl+p" else "wynik.xlsx")
    target.write_bytes(MINE)
    async with filia_app.run_test(size=SIZE) as pilot:
        await _open(filia_app, pilot, "goods")

        async def begin() -> None:
            if start == "palette":
                await _palette(pilot, "Eksport cennika")
            else:
                await pilot.press(start)
                await pilot.pause()

        await begin()
        await _type_path(pilot, target)
        assert isinstance(filia_app.screen, ConfirmDialog)
        assert "już istnieje" in str(filia_app.screen.query_one("#confirm-message").render())
        await pilot.press("n")                                    # Nie: another path may be typed
        await pilot.pause()
        assert isinstance(filia_app.screen, PromptDialog)
        await pilot.press("escape")
        await pilot.pause()
        await filia_app.workers.wait_for_complete()
        assert target.read_bytes() == MINE                        # untouched
        await begin()
        await _type_path(pilot, target)
        await pilot.press("t")                                    # Tak: replaced
        await pilot.pause()
        await filia_app.workers.wait_for_complete()
        for _ in range(20):
            await pilot.pause(0.05)
            if target.read_bytes() != MINE:
                break
    assert target.read_bytes() != MINE
    if target.suffix == ".xlsx":
        assert len(list(openpyxl.load_workbook(target, read_only=True).active.iter_rows(values_only=True))) > 1


async def test_a_new_file_is_written_without_a_question(filia_app, tmp_path):
    target = tmp_path / "nowy.xlsx"
    async with filia_app.run_test(size=SIZE) as pilot:
        await _open(filia_app, pilot, "contractors")
        await pilot.press("ctrl+e")
        await pilot.pause()
        await _type_path(pilot, target)
        assert not isinstance(filia_app.screen, ConfirmDialog)
        await filia_app.workers.wait_for_complete()
        await pilot.pause()
    assert target.exists()
