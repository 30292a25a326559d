"""Document lists, batch approval (DOC-24) and PA → FS (DOC-15) by keys (Pilot) over a real SQLite branch."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from store import trade
from store.trade import Document, DocumentLine, DocumentLink
from tests.dbdump import assert_same, dump
from tests.tui.doc_fixtures import TODAY, app_for, trade_branch  # noqa: F401
from tests.tui.test_dictionaries import type_text
from tests.tui.test_doc_form import SIZE, open_list, settle, wait_for
from tests.tui.test_serial_ops import palette
from tui.screens.document_dialogs import MessageDialog
from tui.screens.document_form import DocumentForm
from tui.screens.list_screen import ListScreen
from tui.widgets.confirm import ConfirmDialog

D = Decimal


def fa(branch, code: str, qty: int, *, form: str | None = "transfer", contractor_id=None, approve_it=False):
    payments = [trade.PaymentDraft(branch.forms[form], None)] if form else None
    view = trade.save_buffer(trade.DocumentDraft("FA", None, {"issue_date": TODAY,
                                                              "contractor_id": contractor_id or branch.contractor_id},
                                                 [trade.LineDraft(goods_id=branch.goods[code], quantity=D(qty),
                                                                  price=None)], payments))
    return trade.approve(view.id, version=view.version) if approve_it else view


def cash_pa(branch, code: str = "A1", qty: int = 1):
    view = trade.save_buffer(trade.DocumentDraft("PA", None, {"issue_date": TODAY}, [
        trade.LineDraft(goods_id=branch.goods[code], quantity=D(qty))]))
    return trade.approve(view.id, version=view.version, tendered=D(100))


def rows_of(doc_id: int, goods_id: int) -> tuple:
    from store.warehouse.stock import on_hand

    doc = Document.get_by_id(doc_id)
    lines = [(ln.goods_id, ln.quantity, ln.version) for ln in DocumentLine.select().where(DocumentLine.document == doc_id)]
    return doc.state, doc.version, doc.number, lines, on_hand(goods_id, doc.stock_warehouse)


@pytest.mark.rule("DOC-24")
def test_batch_approves_deferred_ones_and_lists_a_cash_one_as_refused_with_its_rows_and_stock_unchanged(trade_branch):
    from store.parties import create_contractor
    from store.trade.batch import approve_batch

    first = fa(trade_branch, "A1", 2)
    cash = fa(trade_branch, "B2", 1, form="cash")
    bare = create_contractor({"code": "BEZ", "name": "Bez Ulicy", "city": "Kraków", "nip": "5260250274"})
    no_street = fa(trade_branch, "C3", 1, contractor_id=bare.id)
    second = fa(trade_branch, "C3", 4)
    cash_before = rows_of(cash.id, trade_branch.goods["B2"])
    report = approve_batch([first.id, cash.id, no_street.id, second.id], operator="ADMIN")
    assert [i for i, _n in report.approved] == [first.id, second.id]
    assert all(n.startswith("FA/") for _i, n in report.approved)
    refused = {i: reasons for i, _n, reasons in report.refused}
    assert refused == {cash.id: ["Dokument nie ma odroczonej płatności – zatwierdź go na formularzu."],
                       no_street.id: ["Kontrahent BEZ: brak ulicy."]}
    assert rows_of(cash.id, trade_branch.goods["B2"]) == cash_before
    wz = {lk.document_id for lk in DocumentLink.select().where(DocumentLink.relation == "generated")}
    assert wz == {first.id, second.id}                           # a WZ for each approved one, none for the others
    assert "Zatwierdzono: 2, nie zatwierdzono: 2." in report.text()


def test_batch_of_only_refused_documents_changes_nothing(trade_branch):
    from store.trade.batch import approve_batch

    cash = fa(trade_branch, "B2", 1, form="cash")
    pa = trade.save_buffer(trade.DocumentDraft("PA", None, {"issue_date": TODAY}, [
        trade.LineDraft(goods_id=trade_branch.goods["A1"], quantity=D(1))]))
    before = dump()
    report = approve_batch([cash.id, pa.id], operator="ADMIN")
    assert report.approved == [] and len(report.refused) == 2
    assert_same(before, dump())


async def test_list_shows_status_colours_and_totals_of_marked_rows_then_batch_report(trade_branch):
    approved = fa(trade_branch, "A1", 1, approve_it=True)            # 10.00 + 2.30
    buffered = fa(trade_branch, "B2", 2)                             # 40.00 + 3.20
    by_hq = fa(trade_branch, "C3", 2, approve_it=True)               # 10.00 + 2.30
    Document.update(state="cancel_hq").where(Document.id == by_hq.id).execute()   # as a DLA file marks it
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_list(pilot, "FA")
        vl = screen.list
        rows = {row[0]: row for row in screen.query_.iter_all()}
        assert {i: vl.row_tone(rows[i]) for i in rows} == {approved.id: "", buffered.id: "buffer",
                                                            by_hq.id: "cancel_hq"}
        texts = {i: vl.format_row(rows[i], 118) for i in rows}
        assert "Bufor" in texts[buffered.id] and "Anul. w centrali" in texts[by_hq.id]
        red = vl.get_component_rich_style("virtual-list--cancel_hq").color
        index = [r[0] for r in screen.query_.iter_all()].index(by_hq.id)
        strip = vl.render_line(index)
        assert any(seg.style is not None and seg.style.color == red for seg in strip)
        # mark the approved and the buffered rows: the status line sums them
        await pilot.press("home")
        for row_id in [r[0] for r in screen.query_.iter_all()]:
            if row_id in (approved.id, buffered.id):
                await pilot.press("space")
            else:
                await pilot.press("down")
        await settle(pilot)
        status = str(screen.query_one("#list-status").render())
        assert "zaznaczonych: 2" in status and "netto 50,00, VAT 5,50, brutto 55,50" in status
        await palette(pilot, "Zatwierdź dokumenty")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog))
        text = str(app.screen.query_one("#message-text").render())
        assert "Zatwierdzono: 1, nie zatwierdzono: 1." in text and "nie jest w buforze" in text
        assert Document.get_by_id(buffered.id).state == "approved"


@pytest.mark.rule("DOC-15")
async def test_pa_to_fs_by_keys_then_approved_with_links_on_both_sides(trade_branch):
    pa = cash_pa(trade_branch)
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_list(pilot, "PA")
        await palette(pilot, "Faktura do paragonu")
        await wait_for(pilot, lambda: isinstance(app.screen, ListScreen) and app.screen.lookup)
        await type_text(pilot, "ABC")
        await settle(pilot, 3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentForm))
        form = app.screen
        await settle(pilot)
        assert [ln["code"] for ln in form.lines] == ["A1"]
        await pilot.press("f6")
        await settle(pilot)
        assert f"Paragon: PA {pa.number}" in str(form.query_one("#doc-links").render())
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
    fs = Document.get((Document.kind == "FA") & (Document.origin == "PA"))
    assert fs.state == "approved" and fs.contractor_code == "ABC" and fs.gross == pa.gross
    assert trade.load_document(pa.id).links.count(("receipt_of", fs.id)) == 1


@pytest.mark.rule("DOC-15")
async def test_fs_after_the_day_limit_is_refused_and_changes_nothing(trade_branch):
    pa = cash_pa(trade_branch)
    Document.update(issue_date=TODAY - timedelta(days=8)).where(Document.id == pa.id).execute()   # a week-old PA
    before = dump()
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_list(pilot, "PA")
        await palette(pilot, "Faktura do paragonu")
        await wait_for(pilot, lambda: isinstance(app.screen, ListScreen) and app.screen.lookup)
        await type_text(pilot, "ABC")
        await settle(pilot, 3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert any("Minął termin (7 dni) na wystawienie faktury do paragonu." in m for m in notes)
    assert_same(before, dump())


async def test_filter_by_date_range_contractor_and_series_then_cleared(trade_branch):
    from store.parties import create_contractor
    from tests.tui.test_serial_ops import palette
    from tui.widgets.prompt import PromptDialog

    other = create_contractor({"code": "XYZ", "name": "Xyz", "street": "Krótka", "city": "Kraków",
                               "postal_code": "30-002", "nip": "5260250274"})
    mine = fa(trade_branch, "A1", 1)
    theirs = fa(trade_branch, "B2", 1, contractor_id=other.id)
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_list(pilot, "FA")

        async def apply(text: str) -> list[int]:
            await palette(pilot, "Filtr: data")
            await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog))
            app.screen.query_one("#prompt-input").value = text
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.screen is screen)
            await settle(pilot)
            return sorted(r[0] for r in screen.query_.iter_all())

        assert await apply("k=XYZ") == [theirs.id]
        assert await apply(f"{TODAY}..{TODAY} k=ABC") == [mine.id]
        assert await apply(f"{TODAY + timedelta(days=1)}..") == []
        assert await apply("s=NIEMA") == []
        assert await apply("") == sorted([mine.id, theirs.id])


async def test_ctrl_insert_copies_with_a_new_guid_and_delete_removes_a_buffer_or_cancels_an_approved_one(trade_branch):
    source = fa(trade_branch, "A1", 2, approve_it=True)
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_list(pilot, "FA")
        await pilot.press("ctrl+k")                          # Ctrl+Insert (its alternate): a copy
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentForm))
        form = app.screen
        await settle(pilot)
        assert form.document_id is None and [ln["code"] for ln in form.lines] == ["A1"]
        assert form._contractor_id() == trade_branch.contractor_id
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen)
        copy = Document.get((Document.kind == "FA") & (Document.state == "buffer"))
        assert copy.guid != Document.get_by_id(source.id).guid and copy.contractor_code == "ABC"
        # Delete: the buffered copy goes; then the approved source is cancelled
        for row_id, asked in ((copy.id, f"Czy usunąć dokument „BUF/{copy.id} ABC” z bufora?"),
                              (source.id, f"Czy anulować dokument „{source.number} ABC”? Anulowany dokument zostaje "
                                          "na liście ze swoim numerem.")):
            screen.list.reload(keep_id=row_id)
            await settle(pilot)
            await pilot.press("delete")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            assert str(app.screen.query_one("#confirm-message").render()) == asked
            await pilot.press("t")
            await wait_for(pilot, lambda: app.screen is screen)
            await settle(pilot, 10)
        assert Document.get_or_none(Document.id == copy.id) is None
        assert Document.get_by_id(source.id).state == "cancelled"


async def test_at_80_columns_the_invoice_list_keeps_contractor_and_gross_before_the_long_name(trade_branch):
    """Over SSH at 80x24 the narrow screen gives up the contractor's long name, never the amount a clerk looks for."""
    approved = fa(trade_branch, "A1", 2, approve_it=True)
    app = app_for(trade_branch.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_list(pilot, "FA")
        await pilot.press("end")
        await settle(pilot)
        vl = screen.list
        header = str(screen.query_one("#list-header").render())
        assert ["Data", "Numer", "Kontrahent", "Brutto", "Status"] == header.replace("▲", "").split()
        row = next(r for r in screen.query_.iter_all() if r[0] == approved.id)
        text = vl.format_row(row, vl.size.width)
        assert approved.number in text and "ABC" in text and "Zatwierdzony" in text
        assert f"{approved.gross:.2f}".replace(".", ",") in text
