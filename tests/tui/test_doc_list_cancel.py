"""The document list by keys (Pilot, real SQLite branch; issue 14 §5): Delete on an approved FS made from a PA asks
the DOC-18 question through the trade core's ConfirmationNeeded; the XLSX export writes the Status labels."""
from __future__ import annotations

import openpyxl
import pytest

from store import trade
from store.trade import Document
from tests.dbdump import assert_same, dump
from tests.tui.doc_fixtures import TODAY, app_for, trade_branch  # noqa: F401
from tests.tui.test_doc_form import SIZE, open_list, settle, wait_for
from tests.tui.test_doc_lists import cash_pa, fa
from tui.screens.list_screen import ListScreen
from tui.widgets.confirm import ChoiceDialog, ConfirmDialog
from tui.widgets.prompt import PromptDialog


def fs_from(branch):
    pa = cash_pa(branch)
    fs = trade.invoice_from_receipt(pa.id, issue_date=TODAY, contractor_id=branch.contractor_id)
    return pa, trade.approve(fs.id, version=fs.version)


def state(doc_id: int) -> str:
    return Document.get_by_id(doc_id).state


async def delete_asked(pilot, screen) -> ChoiceDialog:
    await pilot.press("delete")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog))
    await pilot.press("t")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog)
                   and not isinstance(pilot.app.screen, ConfirmDialog))
    return pilot.app.screen


async def go_to(pilot, screen: ListScreen, doc_id: int) -> None:
    for key in ("down", "up", "up", "down", "down"):
        if screen.list.cursor_id == doc_id:
            return
        await pilot.press(key)
        await settle(pilot, 2)
    assert screen.list.cursor_id == doc_id


@pytest.mark.rule("DOC-18")
async def test_delete_on_an_approved_fs_asks_whether_its_pa_goes_too(trade_branch):
    pa1, fs1 = fs_from(trade_branch)
    pa2, fs2 = fs_from(trade_branch)
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_list(pilot, "FA")
        await go_to(pilot, screen, fs1.id)
        before = dump()
        dialog = await delete_asked(pilot, screen)
        assert dialog.message == f"Czy anulować również paragon {pa1.number}?"
        await pilot.press("escape")                                     # Esc: nothing happens
        await wait_for(pilot, lambda: app.screen is screen)
        assert_same(before, dump())
        await delete_asked(pilot, screen)
        await pilot.press("n")                                          # Nie: only the FS
        await wait_for(pilot, lambda: app.screen is screen)
        await settle(pilot)
        assert (state(fs1.id), state(pa1.id)) == ("cancelled", "approved")
        assert "Anulowany" in screen.list.format_row(screen.list.row_at(screen.list.cursor), 118)
        await go_to(pilot, screen, fs2.id)
        Document.update(fiscalised=True).where(Document.id == pa2.id).execute()
        before = dump()
        await delete_asked(pilot, screen)
        await pilot.press("t")                                          # Tak, but the PA was fiscalised
        await wait_for(pilot, lambda: app.screen is screen)
        await settle(pilot)
        assert any("zafiskalizowany lub wysłany" in str(n.message) for n in app._notifications)
        assert_same(before, dump())
        Document.update(fiscalised=False).where(Document.id == pa2.id).execute()
        await delete_asked(pilot, screen)
        await pilot.press("t")                                          # Tak: FS, PA and its WZ
        await wait_for(pilot, lambda: app.screen is screen)
        await settle(pilot)
        assert (state(fs2.id), state(pa2.id)) == ("cancelled", "cancelled")
        wz = [i for rel, i in trade.load_document(pa2.id).links if rel == "generated"]
        assert wz and state(wz[0]) == "cancelled"


async def test_xlsx_export_of_the_document_list_writes_polish_status_labels(trade_branch, tmp_path):
    fa(trade_branch, "A1", 1)
    fa(trade_branch, "B2", 1, approve_it=True)
    target = tmp_path / "faktury.xlsx"
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_list(pilot, "FA")
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog))
        app.screen.query_one("#prompt-input").value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await wait_for(pilot, lambda: target.exists())
    sheet = openpyxl.load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    status = rows[0].index("Status")
    assert sorted(r[status] for r in rows[1:]) == ["Bufor", "Zatwierdzony"]
    ol = rows[0].index("OL")
    assert {r[ol] for r in rows[1:]} <= {"", None}
