"""The document form's header and *Płatności* tab by keys (Pilot, real SQLite branch; issue 14 §1): warehouse,
series chosen by hand (OPER-13/14), the net/gross switch (SETUP-12), payment term and instalments (DOC-26)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from store.trade import Document, DocumentPayment
from tests.dbdump import assert_same, dump
from tests.tui.doc_fixtures import TODAY, app_for, trade_branch  # noqa: F401
from tests.tui.test_dictionaries import type_text
from tests.tui.test_doc_form import add_line, document_from_list, settle, wait_for
from tui.screens.document_form import DocumentForm
from tui.screens.document_payments import InstalmentDialog
from tui.screens.list_screen import ListScreen
from tui.widgets.confirm import ConfirmDialog

D = Decimal
SMALL = (80, 24)


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def notes(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def save_and_close(pilot) -> Document:
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ListScreen))
    return Document.select().where(Document.kind == "FA").order_by(Document.id.desc()).get()


@pytest.mark.rule("OPER-13", "OPER-14")
async def test_the_default_series_is_proposed_and_an_extra_one_is_chosen_by_hand(trade_branch):
    from store import numbering

    numbering.apply_hq_series([{"doc_class": "FA", "series": "KASA2", "extra": True, "default": True}])
    app = app_for(trade_branch.url)
    async with app.run_test(size=SMALL) as pilot:
        form = await document_from_list(pilot, "FA", "ABC")
        await add_line(pilot, "A1")
        text = screen_text(app)
        assert "Seria" in text and "KRAK  ▾" in text and "KASA2" not in text        # never the default (OPER-14)
        assert "Magazyn                    MAGAZYN" in text
        form.query_one("#f-series").focus()
        await pilot.press("right")                                                  # by hand (OPER-13)
        await settle(pilot)
        assert "KASA2  ▾" in screen_text(app)
        doc = await save_and_close(pilot)
        assert doc.series == "KASA2"


@pytest.mark.rule("SETUP-12")
async def test_net_gross_switch_is_locked_once_lines_exist_and_converts_prices_when_allowed(trade_branch):
    from store.trade import options

    app = app_for(trade_branch.url)
    async with app.run_test(size=SMALL) as pilot:
        form = await document_from_list(pilot, "FA", "ABC")
        await add_line(pilot, "A1", "2")
        form.query_one("#f-from_gross").focus()
        await pilot.press("right")
        await settle(pilot)
        assert "nie można zmienić netto/brutto" in notes(app)
        assert "VAT liczony od             netto" in screen_text(app) and not form.from_gross
        options.save({options.ALLOW_NET_GROSS: "1"})
        await pilot.press("right")
        await settle(pilot)
        text = screen_text(app)
        assert "VAT liczony od             brutto" in text and "12,30" in text          # 10.00 net -> 12.30 gross
        assert "24,60" in text
        doc = await save_and_close(pilot)
        assert doc.from_gross and doc.gross == D("24.60")


@pytest.mark.rule("DOC-26")
async def test_instalments_split_the_gross_into_dated_payments_and_must_sum_to_it(trade_branch):
    app = app_for(trade_branch.url)
    async with app.run_test(size=SMALL) as pilot:
        form = await document_from_list(pilot, "FA", "ABC")
        await add_line(pilot, "A1", "2")                                   # 24.60 gross
        await pilot.press("f6")
        await settle(pilot)
        assert "Jedna płatność na całą kwotę" in screen_text(app)
        await pilot.press("insert")
        await wait_for(pilot, lambda: isinstance(app.screen, InstalmentDialog))
        await type_text(pilot, "przelew")                                  # the payment form by name
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#f-inst_amount").value = ""
        await type_text(pilot, "10")
        await pilot.press("enter")
        await type_text(pilot, "14")                                       # days
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is form)
        await pilot.press("insert")
        await wait_for(pilot, lambda: isinstance(app.screen, InstalmentDialog))
        assert app.screen.query_one("#f-inst_amount").value == "14,60"      # the rest of the gross is proposed
        app.screen.query_one("#f-inst_amount").value = ""
        await type_text(pilot, "14")
        await pilot.press("enter")
        due = TODAY + timedelta(days=30)
        await type_text(pilot, due.isoformat())
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is form)
        text = screen_text(app)
        assert "Raty: 2, suma 24,00 z 24,60 – różnica 0,60" in text
        assert (TODAY + timedelta(days=14)).isoformat() in text and due.isoformat() in text
        before = dump()
        await pilot.press("ctrl+s")                                        # 0.60 short: refused, form unchanged
        await settle(pilot)
        assert app.screen is form and "Suma rat (24,00) różni się od wartości brutto dokumentu (24,60)" in \
            str(form.query_one("#doc-errors").render())
        assert_same(before, dump())
        await pilot.press("enter")                                         # change the highlighted (second) one
        await wait_for(pilot, lambda: isinstance(app.screen, InstalmentDialog))
        app.screen.query_one("#f-inst_amount").value = ""
        await type_text(pilot, "14,60")
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: app.screen is form)
        doc = await save_and_close(pilot)
        rows = [(p.amount, p.due_date) for p in DocumentPayment.select().where(DocumentPayment.document == doc.id)
                .order_by(DocumentPayment.position)]
        assert rows == [(D("10.00"), TODAY + timedelta(days=14)), (D("14.60"), due)]
        # opened again, the table is there; Del removes an instalment after a question
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentForm))
        form = app.screen
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert "Raty: 2, suma 24,60 z 24,60" in screen_text(app)


def test_a_term_of_too_many_days_is_refused_not_a_crash():
    """Days up to ten years are a term; eight digits (past year 9999) once raised OverflowError out of the form."""
    from tui.screens.document_payments import parse_term

    assert parse_term("14", TODAY) == (True, TODAY + timedelta(days=14))
    assert parse_term("3650", TODAY) == (True, TODAY + timedelta(days=3650))
    assert parse_term("3651", TODAY) == (False, None)
    assert parse_term("99999999", TODAY) == (False, None)
    assert parse_term("14", None) == (False, None)          # days need an issue date


async def test_payment_term_in_days_is_shown_as_a_date_and_bad_term_is_refused(trade_branch):
    app = app_for(trade_branch.url)
    async with app.run_test(size=SMALL) as pilot:
        form = await document_from_list(pilot, "FA", "ABC")
        await add_line(pilot, "A1")
        await pilot.press("f6")
        await settle(pilot)
        form.query_one("#f-payment_form").focus()
        await type_text(pilot, "przelew")
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "21")
        await settle(pilot)
        assert f"Termin płatności: {(TODAY + timedelta(days=21)).isoformat()} (21 dni)" in screen_text(app)
        form.query_one("#f-payment_term").value = "jutro"
        await settle(pilot)
        before = dump()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Pole „Termin płatności”: podaj liczbę dni albo datę RRRR-MM-DD." in \
            str(form.query_one("#doc-errors").render())
        assert_same(before, dump())
        form.query_one("#f-payment_term").value = "21"
        doc = await save_and_close(pilot)
        pay = DocumentPayment.get(DocumentPayment.document == doc.id)
        assert (pay.due_date, pay.due_typed) == (TODAY + timedelta(days=21), True)


async def test_delete_removes_an_instalment_after_a_question(trade_branch):
    app = app_for(trade_branch.url)
    async with app.run_test(size=SMALL) as pilot:
        form = await document_from_list(pilot, "FA", "ABC")
        await add_line(pilot, "A1")
        await pilot.press("f6")
        await settle(pilot)
        for amount in ("5", ""):                     # 5.00, then the rest proposed (7.30)
            await pilot.press("insert")
            await wait_for(pilot, lambda: isinstance(app.screen, InstalmentDialog))
            await settle(pilot)
            if app.focused.id == "f-inst_form":      # the second takes the first one's form, focus on the amount
                await type_text(pilot, "przelew")
                await pilot.press("enter")
            if amount:
                app.screen.query_one("#f-inst_amount").value = amount
            await pilot.press("enter", "enter")
            await wait_for(pilot, lambda: app.screen is form)
        assert "Raty: 2, suma 12,30 z 12,30" in screen_text(app)
        await pilot.press("insert")                  # nothing left: a zero instalment is refused in the dialog
        await wait_for(pilot, lambda: isinstance(app.screen, InstalmentDialog))
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert "Kwota raty: podaj kwotę większą od zera" in str(app.screen.query_one("#instalment-error").render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is form)
        assert len(form.instalments) == 2
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("t")
        await wait_for(pilot, lambda: app.screen is form)
        assert len(form.instalments) == 1 and "Raty: 1" in screen_text(app)


async def test_f6_walks_every_tab_and_comes_back(trade_branch):
    from textual.widgets import TabbedContent

    app = app_for(trade_branch.url)
    async with app.run_test(size=SMALL) as pilot:
        form = await document_from_list(pilot, "FA", "ABC")
        seen = []
        for _ in range(3):
            await pilot.press("f6")
            await settle(pilot)
            seen.append(form.query_one(TabbedContent).active)
        assert seen == ["tab-payments", "tab-links", "tab-general"]


def test_every_new_form_message_has_an_english_translation():
    from pathlib import Path

    from tests.test_i18n_core import collect, english

    root = Path(__file__).resolve().parents[2]
    table = english()
    found = set()
    for name in ("document_form.py", "document_header.py", "document_payments.py", "document_line_info.py",
                 "document_print.py", "document_save.py", "document_line_entry.py", "document_line_entry.py",
                 "documents.py", "trade_options.py"):
        path = root / "tui" / "screens" / name
        if path.exists():
            found |= collect(path)
    assert len(found) > 40
    assert sorted(m for m in found if not table.get(m)) == []


async def test_f2_and_ctrl_j_in_a_lookup_field_open_the_chosen_record_card(trade_branch):
    from tui.screens.contractor_card import ContractorCard

    app = app_for(trade_branch.url)
    async with app.run_test(size=SMALL) as pilot:
        form = await document_from_list(pilot, "FA", "ABC")
        form.query_one("#f-contractor").focus()
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, ContractorCard))
        assert "Abc Handel Sp. z o.o." in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is form)
        await pilot.press("f6")                                  # Płatności: the payment form (a code-valued field)
        await settle(pilot)
        await type_text(pilot, "przelew")
        await pilot.press("enter")
        await settle(pilot)
        form.query_one("#f-payment_form").focus()
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: app.screen is not form)
        assert "przelew" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is form)
        form.query_one("#f-payment_term").focus()
        form.query_one("#f-payment_form").value = ""
        form.query_one("#f-payment_form").focus()
        await pilot.press("f2")                                  # empty: nothing to open, a message
        await settle(pilot)
        assert app.screen is form
        assert "Wybierz najpierw pozycję – F4 otwiera listę." in screen_text(app)


async def test_a_receipt_is_saved_computed_from_gross_as_the_form_shows_it(trade_branch):
    app = app_for(trade_branch.url)
    async with app.run_test(size=SMALL) as pilot:
        await document_from_list(pilot, "PA", None)
        await add_line(pilot, "A1")
        assert "VAT liczony od             brutto" in screen_text(app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ListScreen))
    pa = Document.get(Document.kind == "PA")
    assert pa.from_gross and pa.gross == D("12.30")


async def test_warehouse_is_chosen_by_symbol_and_an_unknown_one_is_refused(trade_branch):
    from store.catalog.dictionaries import Warehouse

    other = Warehouse.create(symbol="DRUGI", name="Magazyn drugi")
    app = app_for(trade_branch.url)
    async with app.run_test(size=SMALL) as pilot:
        form = await document_from_list(pilot, "FA", "ABC")
        field = form.query_one("#f-warehouse")
        field.focus()
        field.value = ""
        await type_text(pilot, "NIEMA")
        await settle(pilot)
        before = dump()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and "Nie ma magazynu „NIEMA” – F4 otwiera listę." in \
            str(form.query_one("#doc-errors").render())
        assert_same(before, dump())
        field.focus()
        field.value = ""
        await type_text(pilot, "DRUGI")
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: form.warehouse_id == other.id)
        assert "Magazyn drugi" in screen_text(app)
        await add_line(pilot, "C3")
        await wait_for(pilot, lambda: "C3: dostępne 0" in screen_text(app))      # availability in that warehouse
