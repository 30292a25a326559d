"""Per-line help of the document form by keys (Pilot, real SQLite branch; issue 14 §3): SETUP-15 per-line stock
check, the price thresholds of the highlighted line (DICT-20), SETUP-12 margin warning, EAN-only sales and the
payment table copied on Ctrl+Insert."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from store import trade
from store.trade import Document, DocumentPayment, form_support, options
from tests.tui.doc_fixtures import TODAY, app_for, trade_branch  # noqa: F401
from tests.tui.test_dictionaries import type_text
from tests.tui.test_doc_form import (add_line, document_from_list, line_panel_closed, line_panel_open, open_list,
                                    settle, wait_for)
from tests.tui.test_doc_form_header import notes, screen_text
from tui.screens.document_dialogs import MessageDialog
from tui.screens.document_form import DocumentForm
from tui.screens.list_screen import ListScreen
from tui.widgets.confirm import ChoiceDialog, ConfirmDialog
from tui.widgets.prompt import PromptDialog

D = Decimal
SMALL = (80, 24)


def errors(form) -> str:
    return str(form.query_one("#doc-errors").render())


@pytest.mark.rule("SETUP-15")
async def test_per_line_mode_refuses_a_line_over_the_available_stock_and_shows_availability(trade_branch):
    options.save({options.STOCK_CHECK: "on_line"})
    app = app_for(trade_branch.url)
    async with app.run_test(size=SMALL) as pilot:
        form = await document_from_list(pilot, "FA", "ABC")
        await add_line(pilot, "A1", "150")                          # 100 on stock
        assert form.lines == [] and "Brak towaru A1: dostępne 100, na dokumencie 150." in errors(form)
        await add_line(pilot, "A1", "60")
        await add_line(pilot, "A1", "50")                          # 60 + 50 > 100
        assert len(form.lines) == 1 and "dostępne 100, na dokumencie 110" in errors(form)
        await settle(pilot)
        assert "A1: dostępne 100" in screen_text(app)               # the highlighted line's availability
        await pilot.press("enter")                                  # change it to 101: refused
        await wait_for(pilot, lambda: line_panel_open(app))
        await type_text(pilot, "101")                               # the quantity is selected: typing replaces it
        await pilot.press("enter")
        await wait_for(pilot, lambda: line_panel_closed(app))
        assert form.lines[0]["quantity"] == D(60) and "na dokumencie 101" in errors(form)


async def test_before_save_mode_takes_the_line_and_leaves_the_check_to_the_save(trade_branch):
    app = app_for(trade_branch.url)
    async with app.run_test(size=SMALL) as pilot:
        form = await document_from_list(pilot, "FA", "ABC")
        await add_line(pilot, "A1", "150")
        assert len(form.lines) == 1


@pytest.mark.rule("DICT-20")
async def test_ctrl_t_shows_the_price_thresholds_of_the_highlighted_line(trade_branch):
    from store.catalog.discounts import PriceThreshold

    a1 = trade_branch.goods["A1"]
    for qty, price in ((D(10), D("9.00")), (D(50), D("8.00"))):
        PriceThreshold.create(goods=a1, price_type=None, min_quantity=qty, price=price)
    expected = form_support.price_thresholds(a1, contractor_id=trade_branch.contractor_id, on=TODAY,
                                             warehouse_id=None, from_gross=False)
    app = app_for(trade_branch.url)
    async with app.run_test(size=SMALL) as pilot:
        await document_from_list(pilot, "FA", "ABC")
        await add_line(pilot, "B2")
        await add_line(pilot, "A1")
        assert any(b.id == "doc.thresholds" and "ctrl+t" in b.key for b in DocumentForm.BINDINGS)   # key map
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog))
        text = screen_text(app)
        assert "Progi cenowe – A1" in text and "Od ilości" in text
        for qty, price in expected[1:]:
            assert f"{qty.normalize():f}" in text and f"{price:.2f}".replace(".", ",") in text
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentForm))
        await pilot.press("up", "ctrl+t")                            # B2 has none
        await wait_for(pilot, lambda: isinstance(app.screen, MessageDialog))
        assert "Towar nie ma progów cenowych." in screen_text(app)


@pytest.mark.rule("SETUP-12")
async def test_margin_warning_on_the_line_and_question_on_save(trade_branch):
    from store.catalog.models import Goods

    Goods.update(last_purchase_price=D("50.00")).where(Goods.id == trade_branch.goods["B2"]).execute()
    options.save({options.MARGIN_CHECK: "line"})
    app = app_for(trade_branch.url)
    async with app.run_test(size=SMALL) as pilot:
        form = await document_from_list(pilot, "FA", "ABC")
        await add_line(pilot, "A1")
        assert "poniżej ceny zakupu" not in notes(app)
        await add_line(pilot, "B2")                                   # 20.00 net, bought at 50.00
        assert "Pozycja B2: cena sprzedaży 20,00 poniżej ceny zakupu 50,00." in notes(app)
        assert len(form.lines) == 2                                   # a warning: the line stays
        options.save({options.MARGIN_CHECK: "save"})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert app.screen.message == "Cena sprzedaży poniżej ceny zakupu: B2 (cena 20,00, zakup 50,00). Kontynuować?"
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is form)
        assert not Document.select().where(Document.kind == "FA").exists()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ListScreen))
        assert Document.select().where(Document.kind == "FA").count() == 1


@pytest.mark.rule("SETUP-12")
async def test_ean_only_sales_take_goods_by_barcode_and_refuse_an_unknown_one(trade_branch):
    from store.catalog.models import Goods

    Goods.update(ean="5901234123457").where(Goods.id == trade_branch.goods["A1"]).execute()
    options.save({options.EAN_ONLY: "1"})
    app = app_for(trade_branch.url)
    async with app.run_test(size=SMALL) as pilot:
        form = await document_from_list(pilot, "FA", "ABC")
        await pilot.press("insert")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog))
        await type_text(pilot, "A1")                                   # a goods code is not a barcode here
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is form)
        assert form.lines == [] and "Nie ma towaru o kodzie EAN „A1”" in errors(form)
        await pilot.press("insert")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog))
        await type_text(pilot, "5901234123457")
        await pilot.press("enter")
        await wait_for(pilot, lambda: line_panel_open(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: line_panel_closed(app))
        assert [ln["code"] for ln in form.lines] == ["A1"]


@pytest.mark.rule("SETUP-12")
async def test_ctrl_insert_copies_the_payment_table_when_the_option_says_so(trade_branch):
    transfer = trade_branch.forms["transfer"]
    view = trade.save_buffer(trade.DocumentDraft("FA", None, {"issue_date": TODAY,
                                                              "contractor_id": trade_branch.contractor_id},
                                                 [trade.LineDraft(goods_id=trade_branch.goods["A1"], quantity=D(1))],
                                                 [trade.PaymentDraft(transfer, D("5.00"), date(2030, 1, 1)),
                                                  trade.PaymentDraft(transfer, D("7.30"), date(2030, 2, 1))]))
    app = app_for(trade_branch.url)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await open_list(pilot, "FA")
        await pilot.press("ctrl+k")                                    # Ctrl+Insert's alternate: option off
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentForm))
        assert app.screen.instalments == []
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, (ChoiceDialog, ListScreen)))
        if not isinstance(app.screen, ListScreen):
            await pilot.press("p")                                     # Porzuć
            await wait_for(pilot, lambda: isinstance(app.screen, ListScreen))
        options.save({options.COPY_PAYMENTS: "1"})
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentForm))
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert "Raty: 2, suma 12,30 z 12,30" in screen_text(app) and "2030-02-01" in screen_text(app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ListScreen))
        copy = Document.select().where((Document.kind == "FA") & (Document.id != view.id)).get()
        assert [(p.amount, p.due_date) for p in DocumentPayment.select().where(DocumentPayment.document == copy.id)
                .order_by(DocumentPayment.position)] == [(D("5.00"), date(2030, 1, 1)), (D("7.30"), date(2030, 2, 1))]
