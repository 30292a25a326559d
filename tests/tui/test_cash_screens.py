"""Kasa/Bank screens driven by keys (Pilot) over a real SQLite branch set up as the first sync sets it up."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from store.cash.models import CashEntry, CashRegister, CashReport
from store.db import database, open_database
from tests.dbdump import assert_same, dump
from tests.tui.card_helpers import settle
from tests.tui.test_dictionaries import type_text
from tests.tui.test_serial_ops import choose, palette
from tui.screens.cash_cards import EntryCard, RegisterCard, ReportCard
from tui.screens.list_screen import ListScreen
from tui.widgets.confirm import ChoiceDialog

SIZE = (140, 45)
TODAY = date.today()


@pytest.fixture
def cash_branch(tmp_path):
    """A branch after its first sync: register KASA from HQ, its first report opened today without a closing date."""
    from tests.store.cash_helpers import branch_company

    url = f"sqlite:///{tmp_path / 'branch.db'}"
    db = open_database(url, create=True)
    company = branch_company(TODAY)
    yield url, company
    db.close()
    database.initialize(None)


def app_for(url):
    from tui.app import FiliaApp

    return FiliaApp(url, operator_login="ADMIN")


async def open_menu_item(pilot, label: str) -> None:
    menu = pilot.app.screen
    index = next(i for i, item in enumerate(menu.items) if item.label == label and item.area == "Kasa/Bank")
    menu.query_one("#menu").highlighted = index
    await pilot.press("enter")
    for _ in range(300):                                     # up to 15 s on a loaded 2-core machine
        await pilot.pause(0.05)
        if isinstance(pilot.app.screen, ListScreen):
            return
    raise AssertionError(f"{label} did not open")


async def until(pilot, predicate, seconds: float = 15.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    assert predicate(), f"not reached in {seconds} s; screens: {pilot.app.screen_stack}"


async def set_field(pilot, name: str, text: str) -> None:
    box = pilot.app.screen.query_one(f"#f-{name}")
    box.focus()
    await pilot.pause()
    box.value = ""
    await type_text(pilot, text)


async def save(pilot) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)                                      # the card saves in a worker


def status(screen) -> str:
    return str(screen.query_one("#list-status").render())


@pytest.mark.rule("CASH-1", "CASH-15")
async def test_scenario_4_insert_on_registers_in_a_branch_creates_nothing(cash_branch):
    url, _company = cash_branch
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_menu_item(pilot, "Rejestry kasowe/bankowe")
        registers = app.screen
        assert "Rekordów: 1" in status(registers)          # !ROZLICZENIA! is not listed
        before = dump()
        await pilot.press("insert")
        await pilot.pause()
        card = app.screen
        assert isinstance(card, RegisterCard)
        assert "Rejestry kasowe/bankowe definiuje centrala." in str(card.query_one("#form-banner").render())
        assert card.query_one("#f-symbol").disabled
        await save(pilot)
        assert "definiuje centrala" in str(card.query_one("#form-errors").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is registers
        assert_same(before, dump())
        assert CashRegister.select().where(CashRegister.hidden == False).count() == 1  # noqa: E712


@pytest.mark.rule("CASH-4", "CASH-5", "CASH-9", "CASH-13")
async def test_reports_insert_opens_palette_closes_and_reopens(cash_branch):
    url, company = cash_branch
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_menu_item(pilot, "Raporty kasowe/bankowe")
        reports = app.screen
        assert "Rekordów: 1" in status(reports)
        # a new report cannot start while the first one has no closing date (CASH-4, CASH-6)
        await pilot.press("insert")
        await pilot.pause()
        assert isinstance(app.screen, ReportCard)
        await set_field(pilot, "opening_date", (TODAY + timedelta(days=1)).isoformat())
        await set_field(pilot, "closing_date", (TODAY + timedelta(days=1)).isoformat())
        await save(pilot)
        assert "nie ma daty zamknięcia" in str(app.screen.query_one("#form-errors").render())
        await pilot.press("escape")                          # the card asks before dropping the typed dates
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)          # Zapisz / Porzuć / Anuluj
        await pilot.press("p")
        await pilot.pause()
        assert app.screen is reports and CashReport.select().count() == 1
        # the report card from the palette: today's closing date
        await palette(pilot, "Formularz raportu")
        assert isinstance(app.screen, ReportCard)
        await set_field(pilot, "closing_date", TODAY.isoformat())
        await save(pilot)
        assert app.screen is reports
        first = CashReport.get()
        assert first.closing_date == TODAY
        # Insert opens the next report (the card proposes tomorrow)
        await pilot.press("insert")
        await pilot.pause()
        await set_field(pilot, "opening_date", (TODAY + timedelta(days=1)).isoformat())
        await set_field(pilot, "closing_date", (TODAY + timedelta(days=1)).isoformat())
        await save(pilot)
        assert app.screen is reports and CashReport.select().count() == 2
        await pilot.press("home")
        await pilot.pause()
        await palette(pilot, "Zamknij raport")
        assert CashReport.get_by_id(first.id).closed
        assert "zamknięty" in reports.list.format_row(reports.list.row_at(0), 130)
        await palette(pilot, "Otwórz raport")
        assert not CashReport.get_by_id(first.id).closed
        await palette(pilot, "Zamknij raport")
        from store import cash

        cash.mark_reports_exported([first.id])
        await palette(pilot, "Otwórz raport")
        assert CashReport.get_by_id(first.id).closed      # CASH-13: refused, the message is on screen
        assert any("nie można go otworzyć" in str(n.message) for n in app._notifications)


@pytest.mark.rule("CASH-7")
async def test_entry_card_kp_kw_and_errors_on_the_card(cash_branch):
    url, company = cash_branch
    from store import cash

    first = CashReport.get()
    cash.save_report(company.register_id, first.id, first.version, opening_date=TODAY, closing_date=TODAY)
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_menu_item(pilot, "Raporty kasowe/bankowe")
        await pilot.press("enter")                            # the report's entries
        await until(pilot, lambda: isinstance(app.screen, ListScreen) and app.screen.behaviour.key == "cash_entries")
        entries = app.screen
        await pilot.press("insert")
        await pilot.pause()
        card = app.screen
        assert isinstance(card, EntryCard)
        await set_field(pilot, "contractor", "ALFA")
        await set_field(pilot, "amount", "120,50")
        await save(pilot)
        assert app.screen is entries
        await pilot.press("insert")
        await pilot.pause()
        await choose(pilot, app.screen, "kind", "KW – wypłata")
        await set_field(pilot, "contractor", "BETA")
        await set_field(pilot, "amount", "200")
        before = dump()
        await save(pilot)
        errors = str(app.screen.query_one("#form-errors").render())
        assert f"KW na kwotę 200,00 z dnia {TODAY} obniżyłby stan kasy KASA poniżej zera" in errors
        assert_same(before, dump())
        await set_field(pilot, "amount", "20,50")
        await set_field(pilot, "contractor", "NIKT")
        await save(pilot)
        assert "Nie ma kontrahenta o kodzie „NIKT”." in str(app.screen.query_one("#msg-contractor").render())
        await set_field(pilot, "contractor", "BETA")
        await save(pilot)
        assert app.screen is entries
        assert "Rekordów: 2" in status(entries)
        rows = [entries.list.format_row(entries.list.row_at(i), 130) for i in range(2)]
        assert "120,50" in rows[0] and "100,00" in rows[1]     # the running balance after each entry
        assert [(e.kind, e.amount) for e in CashEntry.select().order_by(CashEntry.id)] == [
            ("KP", Decimal("120.50")), ("KW", Decimal("20.50"))]


@pytest.mark.rule("SETT-1")
async def test_the_preliminarz_is_view_only(cash_branch):
    url, company = cash_branch
    from store import cash
    from store.db import write

    with write():
        cash.post_document_payments(cash.DocumentPayments(7, "doc-7", "FA", "FA/7/KRAK/2024", company.contractor_id,
                                                          TODAY, 1, (cash.Instalment(company.forms["transfer"],
                                                                                     Decimal("99.00"), TODAY),)))
    app = app_for(url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_menu_item(pilot, "Preliminarz płatności")
        payments = app.screen
        assert "Rekordów: 1" in status(payments)
        assert "FA/7/KRAK/2024" in payments.list.format_row(payments.list.row_at(0), 130)
        before = dump()
        for key in ("insert", "f2", "delete", "ctrl+k"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is payments, key            # no card, no delete: the schedule follows documents
        assert_same(before, dump())


def test_at_80_columns_the_cash_entry_list_shows_the_amounts_before_the_description():
    """The list's layout at an 80-column terminal: a KP's or KW's amount stays, the long description gives way."""
    from types import SimpleNamespace

    from store.cash.listing import entry_list
    from tui.widgets.virtual_list import VirtualList

    shown = [c.name for _i, c, _w in VirtualList.layout(SimpleNamespace(query=SimpleNamespace(spec=entry_list())), 80)]
    assert {"number", "contractor_code", "receipt", "payment"} <= set(shown) and "description" not in shown
