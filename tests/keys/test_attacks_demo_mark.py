"""Issue 15 item 7 (KEY-262): in DEMO every XLSX export and printout carries „WERSJA DEMONSTRACYJNA”; with a
license none does. The TUI hands the mark to store's functions as a parameter (store never imports keys)."""
from __future__ import annotations

import asyncio

import openpyxl
import pytest

from keys.manager import KeyManager
from keys.session import SessionSeats

from .conftest import module

MARK = "WERSJA DEMONSTRACYJNA"


async def _wait_for(path, pilot, seconds=15.0):
    for _ in range(int(seconds / 0.1)):
        if path.exists():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{path} was not written")


async def _through_prompt(pilot, app, path):
    from textual.widgets import Input

    await pilot.pause()
    app.screen.query_one("#prompt-input", Input).value = str(path)
    await pilot.press("enter")
    await _wait_for(path, pilot)
    await pilot.pause(0.2)


async def _export_everything(app, pilot, tmp_path, tag):
    files = {"list": tmp_path / f"{tag}-kontrahenci.xlsx", "print": tmp_path / f"{tag}-kontrahenci.txt",
             "pricelist": tmp_path / f"{tag}-cennik.xlsx"}
    app.action_open_list("contractors")
    await pilot.pause()
    await pilot.press("ctrl+e")
    await _through_prompt(pilot, app, files["list"])
    await pilot.press("ctrl+p")
    await _through_prompt(pilot, app, files["print"])
    await pilot.press("escape")
    await pilot.pause()
    app.action_open_list("goods")
    await pilot.pause()
    app.action_list_command("export")
    await _through_prompt(pilot, app, files["pricelist"])
    return files


def _marked_xlsx(path) -> bool:
    book = openpyxl.load_workbook(path)
    first = book.worksheets[0]
    return (MARK in book.sheetnames and book[MARK]["A1"].value == MARK and first.oddHeader.center.text == MARK
            and first.oddFooter.center.text == MARK and book.properties.title == MARK)


@pytest.mark.rule("KEY-262")
async def test_every_export_and_printout_in_demo_carries_the_mark(demo_url, store_path, trusted, tmp_path):
    from tui.app import FiliaApp

    km = KeyManager(store_path, trusted, "5260250274", "")  # an empty key store: DEMO
    app = FiliaApp(demo_url, operator_login="ADMIN", seats=SessionSeats(km))
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        assert "DEMO" in app.status_text()
        files = await _export_everything(app, pilot, tmp_path, "demo")
    km.close()
    assert _marked_xlsx(files["list"]) and _marked_xlsx(files["pricelist"])
    from store.parties import Contractor

    rows = list(openpyxl.load_workbook(files["list"], read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Kod" and len(rows) == 1 + Contractor.select().count()  # the data itself is as it was
    printout = files["print"].read_text(encoding="utf-8")
    assert printout.startswith(f"*** {MARK} ***") and printout.rstrip().endswith(f"*** {MARK} ***")


@pytest.mark.rule("KEY-262")
async def test_with_a_license_nothing_is_marked(demo_url, installed, manager, tmp_path):
    from tui.app import FiliaApp

    installed(modules=[module(1, "START", 3), module(2, "HANDEL", 3)])
    km = manager("", connection="ssh-x", nip="5260250274")
    app = FiliaApp(demo_url, operator_login="ADMIN", seats=SessionSeats(km))
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        assert "Licencja: OK" in app.status_text()
        files = await _export_everything(app, pilot, tmp_path, "licencja")
    book = openpyxl.load_workbook(files["list"])
    assert MARK not in book.sheetnames and not book.worksheets[0].oddHeader.center.text
    assert MARK not in files["print"].read_text(encoding="utf-8")
    assert MARK not in openpyxl.load_workbook(files["pricelist"]).sheetnames
