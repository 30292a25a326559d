"""The document form and lists by keys (Pilot) over a real SQLite branch (issue 14)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from store.trade import Document, DocumentLine, DocumentVat
from tests.dbdump import assert_same, dump
from tests.tui.doc_fixtures import app_for, trade_branch  # noqa: F401
from tests.tui.test_dictionaries import type_text
from tui.screens.document_dialogs import CashDialog
from tui.screens.document_form import DocumentForm
from tui.screens.list_screen import ListScreen
from tui.widgets.confirm import ConfirmDialog
from tui.widgets.key_bar import KeyBar

SIZE = (120, 40)
D = Decimal


async def settle(pilot, n: int = 6) -> None:
    for _ in range(n):
        await pilot.pause()


async def wait_for(pilot, predicate, tries: int = 60) -> None:
    for _ in range(tries):
        await pilot.pause(0.05)
        if predicate():
            return
    screen = pilot.app.screen
    errors = screen.query("#doc-errors")
    raise AssertionError(f"the screen did not get there: {screen!r} "
                         f"{str(errors.first().render()) if errors else ''}")


async def open_list(pilot, kind: str) -> ListScreen:
    pilot.app.action_open_list(f"documents_{kind}")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ListScreen))
    return pilot.app.screen


def line_panel_open(app) -> bool:
    """The line panel (quantity, price) is up over the document form, the cursor in its quantity field."""
    screen = app.screen
    return isinstance(screen, DocumentForm) and screen.line_panel.is_open and screen.focused is not None \
        and screen.focused.id == "line-quantity"


def line_panel_closed(app) -> bool:
    return isinstance(app.screen, DocumentForm) and not app.screen.line_panel.is_open


async def add_line(pilot, code: str, quantity: str = "") -> None:
    await pilot.press("insert")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ListScreen))
    await type_text(pilot, code)
    await settle(pilot, 3)
    await pilot.press("enter")
    await wait_for(pilot, lambda: line_panel_open(pilot.app))
    if quantity:
        await type_text(pilot, quantity)
    await pilot.press("enter")
    await wait_for(pilot, lambda: line_panel_closed(pilot.app))


async def new_document(pilot, contractor: str | None) -> DocumentForm:
    await pilot.press("insert")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DocumentForm))
    form = pilot.app.screen
    await settle(pilot)
    if contractor is not None:
        await type_text(pilot, contractor)
        await pilot.press("enter")
        await settle(pilot)
    return form


async def document_from_list(pilot, kind: str, contractor: str | None) -> DocumentForm:
    """From a started app: the kind's list, Insert, the contractor typed (None: left as proposed)."""
    await settle(pilot)
    await open_list(pilot, kind)
    return await new_document(pilot, contractor)


async def test_fa_with_three_lines_saved_in_buffer_then_approved_by_f8(trade_branch):
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        form = await document_from_list(pilot, "FA", "ABC")
        assert form._contractor_id() == trade_branch.contractor_id
        await add_line(pilot, "A1", "2")
        await add_line(pilot, "B2")
        await add_line(pilot, "C3", "3")
        assert [(ln["code"], ln["quantity"], ln["price"]) for ln in form.lines] == [
            ("A1", D(2), D("10.00")), ("B2", D(1), D("20.00")), ("C3", D(3), D("5.00"))]
        vat = str(form.query_one("#doc-vat").render())
        assert "35,00" in vat and "20,00" in vat and "1,60" in vat      # 23 %: 35.00 net, 8 %: 20.00 net 1.60 VAT
        assert form.table.row_count == 3
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ListScreen))
        doc = Document.get(Document.kind == "FA")
        assert (doc.state, doc.number, doc.contractor_code) == ("buffer", f"BUF/{doc.id}", "ABC")
        assert DocumentLine.select().where(DocumentLine.document == doc.id).count() == 3
        # Enter opens it again; F8 asks, Enter approves
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentForm))
        await settle(pilot)
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ListScreen))
        doc = Document.get_by_id(doc.id)
        assert doc.state == "approved" and doc.number.startswith("FA/1/")
        assert [(r.rate_code, r.net, r.vat) for r in DocumentVat.select().where(DocumentVat.document == doc.id)
                .order_by(DocumentVat.rate_code)] == [("23", D("35.00"), D("8.05")), ("8", D("20.00"), D("1.60"))]
        assert Document.select().where(Document.kind == "WZ").count() == 1
        # opened again: the bar offers no changing keys; Insert pressed anyway says why and changes nothing
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentForm))
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        assert not {"Dodaj pozycję", "Usuń pozycję", "Zatwierdź", "Zapisz"} & {label for _k, label in bar.items()}
        before = dump()
        await pilot.press("insert")
        await settle(pilot)
        assert "Dokument zatwierdzony – nie można go zmieniać." in " ".join(str(n.message) for n in app._notifications)
        assert_same(before, dump())


async def test_the_key_bar_names_ins_and_del_for_the_instalments_on_the_payments_tab(trade_branch):
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        form = await document_from_list(pilot, "FA", "ABC")
        bar = form.query_one(KeyBar)
        labels = lambda: {label for _k, label in bar.items()}  # noqa: E731
        assert "Dodaj pozycję" in labels() and "Dodaj ratę" not in labels()
        await pilot.press("f6")                                # Płatności
        await settle(pilot)
        assert "Dodaj ratę" in labels() and "Dodaj pozycję" not in labels()
        assert "Dodaj ratę" in str(bar.render())


async def test_refused_approval_keeps_the_form_in_the_buffer_with_every_reason(trade_branch):
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_list(pilot, "FA")
        form = await new_document(pilot, None)          # !NIEOKREŚLONY! stays: an FA needs a contractor (DOC-6)
        await add_line(pilot, "A1")
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Nie zatwierdzono" in str(form.query_one("#doc-errors").render()))
        assert app.screen is form and form.editable and form.document_id is not None
        assert Document.get_by_id(form.document_id).state == "buffer"
        assert form.lines[0]["id"] is not None                       # the form shows the saved buffer
        before = dump()
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("enter")
        await settle(pilot, 10)
        assert app.screen is form
        assert_same(before, dump())


@pytest.mark.rule("DOC-5")
async def test_pa_cash_dialog_refuses_less_than_gross_and_shows_the_change(trade_branch):
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        form = await document_from_list(pilot, "PA", None)
        await add_line(pilot, "A1")                   # 12.30 gross
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CashDialog))
        dialog = app.screen
        await type_text(pilot, "10")
        await pilot.press("enter")
        await settle(pilot)
        assert "jest mniejsza od wartości brutto paragonu (12,30)" in str(dialog.query_one("#cash-error").render())
        assert app.screen is dialog and Document.select().count() == 1      # the PZ and nothing else
        await pilot.press("ctrl+a", "backspace")
        dialog.query_one("#cash-tendered").value = ""
        await type_text(pilot, "20")
        await settle(pilot)
        assert "Reszta: 7,70" in str(dialog.query_one("#cash-change").render())
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ListScreen))
        pa = Document.get(Document.kind == "PA")
        assert pa.state == "approved" and pa.gross == D("12.30")
        assert form.lines and pa.number.startswith("PA/1/")


async def test_delete_line_asks_and_esc_on_a_change_asks(trade_branch):
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        form = await document_from_list(pilot, "FA", "ABC")
        await add_line(pilot, "A1")
        await add_line(pilot, "B2")
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("t")
        await wait_for(pilot, lambda: app.screen is form)
        assert [ln["code"] for ln in form.lines] == ["A1"]
        before = dump()
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not form                 # the Zapisz/Porzuć/Anuluj question
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ListScreen))
        assert_same(before, dump())


def buffered_fa(branch, *codes: str):
    from store import trade

    return trade.save_buffer(trade.DocumentDraft("FA", None, {"contractor_id": branch.contractor_id}, [
        trade.LineDraft(goods_id=branch.goods[c], quantity=D(1)) for c in codes]))


async def open_first(pilot) -> DocumentForm:
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DocumentForm))
    await settle(pilot)
    return pilot.app.screen


async def test_ctrl_p_prints_the_pdf_and_the_text_printout_to_the_path_typed(trade_branch, tmp_path):
    from tui.widgets.prompt import PromptDialog

    fa = buffered_fa(trade_branch, "A1", "B2")
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_list(pilot, "FA")
        form = await open_first(pilot)
        assert form.document_id == fa.id
        for name in ("fa.pdf", "fa.txt"):
            await pilot.press("ctrl+p")
            await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog))
            app.screen.query_one("#prompt-input").value = str(tmp_path / name)
            await pilot.press("enter")
            await wait_for(pilot, lambda: (tmp_path / name).exists())
            await settle(pilot)
            assert any(str(tmp_path / name) in n.message for n in app._notifications)
    assert (tmp_path / "fa.pdf").read_bytes().startswith(b"%PDF")
    assert "Abc Handel Sp. z o.o." in (tmp_path / "fa.txt").read_text(encoding="utf-8")


async def test_a_stale_save_is_refused_naming_who_and_when_and_changes_nothing(trade_branch):
    from store import trade
    from store.base import set_session_operator

    fa = buffered_fa(trade_branch, "A1")
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_list(pilot, "FA")
        form = await open_first(pilot)
        set_session_operator("KASIA")                        # another clerk saves the same buffer meanwhile
        line = fa.lines[0]
        trade.save_buffer(trade.DocumentDraft("FA", fa.id, {}, [trade.LineDraft(id=line["id"], version=line["version"],
                                                                                quantity=D(3))]), version=fa.version)
        set_session_operator("ADMIN")
        before = dump()
        await pilot.press("enter")                           # Enter on the line: the line panel
        await wait_for(pilot, lambda: line_panel_open(app))
        await type_text(pilot, "5")
        await pilot.press("enter")
        await wait_for(pilot, lambda: line_panel_closed(app))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Nie zapisano" in str(form.query_one("#doc-errors").render()))
        errors = str(form.query_one("#doc-errors").render())
        assert "KASIA" in errors and app.screen is form and form.lines[0]["quantity"] == D(5)
        assert_same(before, dump())


async def test_the_line_dialog_keeps_the_keys_until_enter_or_esc(trade_branch):
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        form = await document_from_list(pilot, "FA", "ABC")
        await pilot.press("insert")
        await wait_for(pilot, lambda: isinstance(app.screen, ListScreen))
        await type_text(pilot, "A1")
        await settle(pilot, 3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: line_panel_open(app))
        panel = form.line_panel
        before = dump()
        await pilot.press("insert", "f8", "ctrl+s", "delete", "tab")  # the form's keys wait; Tab stays in the panel
        await settle(pilot)                                       # (a branch: the price is HQ's, not a field)
        assert app.screen is form and panel.is_open and form.focused.id == "line-quantity"
        assert form.lines == [] and not form.busy and not panel.query_one("#line-price").display
        await pilot.press("shift+tab")                            # Shift+Tab never leaves the panel either
        await settle(pilot)
        assert form.focused is not None and form.focused.parent is panel
        form.set_focus(panel.query_one("#line-quantity"))
        await pilot.press("backspace", "enter")                   # no quantity: refused, the panel stays
        await settle(pilot)
        assert panel.is_open and "większą od zera" in str(panel.query_one("#line-error").render())
        await pilot.press("escape")                               # Esc: no line, the grid has the keys again
        await wait_for(pilot, lambda: line_panel_closed(app))
        assert form.lines == [] and form.focused is form.table and app.screen is form
        assert_same(before, dump())                               # nothing the waiting keys could have done
        await add_line(pilot, "A1", "2")
        assert [(ln["code"], ln["quantity"]) for ln in form.lines] == [("A1", D(2))]
        assert "Pozycje: 1" in str(form.query_one("#doc-info").render())


@pytest.mark.rule("DOC-6")
async def test_a_new_receipt_shows_the_walk_in_contractor_and_starts_at_the_lines(trade_branch):
    """A new PA shows !NIEOKREŚLONY! (what the store saves it with), and the cursor is on the lines, not in an empty
    contractor field; an FA still starts in the contractor field."""
    from store.parties.models import UNSPECIFIED_CODE, Contractor

    walk_in = Contractor.get(Contractor.code == UNSPECIFIED_CODE).id
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        form = await document_from_list(pilot, "PA", None)
        assert form._contractor_id() == walk_in
        assert form.query_one("#f-contractor").value == UNSPECIFIED_CODE       # what the clerk reads
        assert app.focused is form.table
        await add_line(pilot, "A1")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ListScreen))
        pa = Document.get(Document.kind == "PA")
        assert (pa.contractor_id, pa.contractor_code) == (walk_in, UNSPECIFIED_CODE)
        await pilot.press("escape")
        await settle(pilot)
        form = await document_from_list(pilot, "FA", None)
        assert form._contractor_id() is None and app.focused is form.query_one("#f-contractor")


async def test_esc_on_an_untouched_new_receipt_closes_it_without_asking_and_stores_nothing(trade_branch):
    """The proposed !NIEOKREŚLONY! is not the clerk's change: Esc leaves at once (tried in tmux: it asked
    „Zapisać zmiany?” of a receipt nobody had touched)."""
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        form = await document_from_list(pilot, "PA", None)
        assert not form.is_changed()
        before = dump()
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ListScreen))
        assert_same(before, dump())
        await new_document(pilot, None)                    # saved with a line: still from gross, for the walk-in
        await add_line(pilot, "A1")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ListScreen))
        pa = Document.get(Document.kind == "PA")
        assert (pa.from_gross, pa.contractor_code, pa.gross) == (True, "!NIEOKREŚLONY!", D("12.30"))   # 10.00 + 23 %


async def test_a_buffer_edited_outside_the_program_is_said_on_opening_and_ctrl_s_stores_it_computed_again(trade_branch):
    """Someone raised a line's quantity by SQL: the form says so when it opens, Ctrl+S (no edit by the clerk) stores
    the values computed from quantity and price, and F8 then approves what the screen showed."""
    fa = buffered_fa(trade_branch, "A1")
    DocumentLine.update(quantity=D(3)).where(DocumentLine.document == fa.id).execute()
    app = app_for(trade_branch.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_list(pilot, "FA")
        form = await open_first(pilot)
        errors = str(form.query_one("#doc-errors").render())
        assert "Dokument trzeba zapisać ponownie (Ctrl+S)" in errors and "zmieniono poza programem" in errors
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ListScreen))
        doc = Document.get_by_id(fa.id)
        assert (doc.state, doc.net, doc.gross) == ("buffer", D("30.00"), D("36.90"))     # 3 x 10.00 + 23 %
        await open_first(pilot)
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ListScreen))
        assert Document.get_by_id(fa.id).state == "approved"
