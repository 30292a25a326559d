"""Price-list XLSX export and import through the price list's palette, by keys (PIE)."""
from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from store.catalog import Goods
from tui.screens.list_screen import ListScreen
from tui.screens.pricelist_import import PriceListImport
from tui.widgets.confirm import ConfirmDialog
from tui.widgets.prompt import PromptDialog

from tests.tui.catalog_fixtures import branch_app  # noqa: F401
from tests.tui.test_serial_ops import palette

SIZE = (130, 45)


async def open_goods(app, pilot) -> ListScreen:
    screen = app.action_open_list("goods")
    await pilot.pause()
    await pilot.pause()
    return screen


async def answer_prompt(pilot, text: str) -> None:
    assert isinstance(pilot.app.screen, PromptDialog)
    pilot.app.focused.value = text
    await pilot.press("enter")
    await pilot.pause()


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    for screen in app.screen_stack:
        await screen.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def open_import(app, pilot, source) -> None:
    """Price list -> palette „Import cennika” -> path -> the checked file on screen."""
    await open_goods(app, pilot)
    await palette(pilot, "Import cennika")
    await answer_prompt(pilot, str(source))
    await settle(app, pilot)


def goods_state() -> list[tuple]:
    return list(Goods.select(Goods.code, Goods.name, Goods.retail_price, Goods.vat_rate).order_by(Goods.code).tuples())


def write_sheet(path, rows) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cennik"
    ws.append(["Kod", "Nazwa", "Stawka VAT", "Jednostka", "Cena detaliczna brutto"])
    for r in rows:
        ws.append(r)
    wb.save(path)


@pytest.mark.rule("PIE-1", "PIE-18")
async def test_export_of_marked_goods_writes_them_with_prices(filia_app, tmp_path):
    target = tmp_path / "cennik.xlsx"
    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_goods(filia_app, pilot)
        await pilot.press("space", "space")
        ids = lst._selected_ids()
        await palette(pilot, "Eksport cennika")
        await answer_prompt(pilot, str(target))
        await settle(filia_app, pilot)
    ws = openpyxl.load_workbook(target, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Kod" and any("detaliczna" in str(h) for h in rows[0])
    assert [r[0] for r in rows[1:]] == [Goods.get_by_id(i).code for i in ids]


async def test_export_runs_in_a_worker_with_progress_and_esc_stops_it(filia_app, tmp_path, monkeypatch):
    """Issue 16 §4: "mark all" then export — the ids are gathered in the worker, the list shows progress
    and stays responsive, Esc stops the export and no file is left."""
    import threading

    from store import pricelist_io
    from store.xlsx_export import ExportCancelled

    seen: dict = {}
    started = threading.Event()

    def slow_export(path, goods_ids=None, *, progress=None, cancel=None, **kw):
        seen["ids"] = goods_ids
        progress(1)
        started.set()
        for _step in range(300):               # until Esc sets the cancel flag (at most ~15 s)
            if cancel():
                raise ExportCancelled("przerwano")
            threading.Event().wait(0.05)
        raise AssertionError("Esc did not stop the export")
    monkeypatch.setattr(pricelist_io, "export_price_list", slow_export)
    target = tmp_path / "cennik.xlsx"
    async with filia_app.run_test(size=SIZE) as pilot:
        lst = await open_goods(filia_app, pilot)
        await pilot.press("ctrl+l")                                 # mark all
        await palette(pilot, "Eksport cennika")
        await answer_prompt(pilot, str(target))
        for _attempt in range(100):
            if started.is_set():
                break
            await pilot.pause(0.05)
        assert lst.exporting and lst.query_one("#list-progress").has_class("visible")
        await pilot.press("down")                                   # the list still answers keys
        await pilot.pause()
        assert lst.list.cursor == 1
        await pilot.press("escape")                                 # stops the export, the list stays
        await settle(filia_app, pilot)
        assert filia_app.screen is lst and not lst.exporting
        assert not lst.query_one("#list-progress").has_class("visible")
    assert sorted(seen["ids"]) == sorted(g for (g,) in Goods.select(Goods.id).tuples())
    assert not target.exists()


@pytest.mark.rule("PIE-7", "PIE-8")
async def test_import_validates_shows_report_writes_nothing_until_confirmed(filia_app, tmp_path):
    source = tmp_path / "nowy.xlsx"
    existing = Goods.select().order_by(Goods.code).first()
    write_sheet(source, [[existing.code, "Zmieniona nazwa", "23", existing.unit, 12.5],
                         ["NOWY1", "Nowy towar", "8", "szt", 3],
                         ["NOWY2", "Zła stawka", "99", "szt", 1]])
    before = goods_state()
    async with filia_app.run_test(size=SIZE) as pilot:
        await open_import(filia_app, pilot, source)
        screen = filia_app.screen
        assert isinstance(screen, PriceListImport)
        summary = str(screen.query_one("#import-summary").render())
        assert "poprawnych: 2; z błędami: 1" in summary
        report = tmp_path / "nowy_bledy.xlsx"
        assert str(report) in summary and report.exists()
        table = screen.query_one("#import-errors")
        cells = [str(c) for c in table.get_row_at(0)]
        assert cells[0] == "4" and cells[1] == "Stawka VAT" and "99" in cells[2] and cells[3]
        assert goods_state() == before                       # checked, nothing written yet
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(filia_app.screen, ConfirmDialog)
        await pilot.press("enter")                           # Tak (the default answer here)
        await settle(filia_app, pilot)
        assert "dopisano 1, zaktualizowano 1" in str(screen.query_one("#import-summary").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(filia_app.screen, ListScreen)
    assert Goods.get_by_id(existing.id).name == "Zmieniona nazwa"
    assert Goods.get(Goods.code == "NOWY1").name == "Nowy towar"
    assert not Goods.select().where(Goods.code == "NOWY2").exists()
    report_rows = list(openpyxl.load_workbook(report, read_only=True).active.iter_rows(values_only=True))
    bad = [r for r in report_rows[1:] if 4 in r]
    assert len(bad) == 1 and "Stawka VAT" in bad[0] and "99" in [str(c) for c in bad[0]]


async def test_import_left_with_escape_writes_nothing(filia_app, tmp_path):
    source = tmp_path / "c.xlsx"
    write_sheet(source, [["NOWY9", "Towar", "23", "szt", 1]])
    before = goods_state()
    async with filia_app.run_test(size=SIZE) as pilot:
        await open_import(filia_app, pilot, source)
        assert "Zostanie dopisanych 1" in str(filia_app.screen.query_one("#import-summary").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(filia_app.screen, ListScreen)
    assert goods_state() == before


@pytest.mark.rule("DICT-1")
async def test_branch_refuses_import_and_says_why(branch_app, tmp_path):
    app = branch_app
    source = tmp_path / "c.xlsx"
    write_sheet(source, [["NOWY9", "Towar", "23", "szt", Decimal("1")]])
    before = goods_state()
    async with app.run_test(size=SIZE) as pilot:
        await open_goods(app, pilot)
        await palette(pilot, "Import cennika")
        await answer_prompt(pilot, str(source))
        await settle(app, pilot)
        assert "W oddziale nie można dopisywać towarów" in str(app.screen.query_one("#import-problem").render())
        await pilot.press("ctrl+s")                          # nothing to apply
        await pilot.press("escape")
    assert goods_state() == before


@pytest.mark.rule("PIE-9")
async def test_update_choices_are_toggled_by_keys_and_only_chosen_fields_change(filia_app, tmp_path):
    from textual.widgets import SelectionList

    existing = Goods.select().order_by(Goods.code).first()
    old_name = existing.name
    source = tmp_path / "u.xlsx"
    write_sheet(source, [[existing.code, "Nazwa z pliku", "23", existing.unit, 77.7]])
    async with filia_app.run_test(size=SIZE) as pilot:
        await open_import(filia_app, pilot, source)
        screen = filia_app.screen
        for _ in range(6):                                    # Tab to the list of update choices
            if isinstance(filia_app.focused, SelectionList):
                break
            await pilot.press("tab")
        fields = screen.query_one("#import-fields", SelectionList)
        assert filia_app.focused is fields and fields.highlighted == 0      # „nazwa” comes first
        await pilot.press("space")                            # do not update names
        await pilot.pause(0.8)                                # the re-check starts after a short pause
        await settle(filia_app, pilot)
        assert "name" not in screen.plan.update_fields and screen.plan.to_update == 1
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(filia_app, pilot)
        assert "zaktualizowano 1" in str(screen.query_one("#import-summary").render())
    card = Goods.get_by_id(existing.id)
    assert card.name == old_name and card.retail_price == Decimal("77.7000")


@pytest.mark.rule("PIE-11")
async def test_producers_option_is_a_checkbox_reached_by_tab(filia_app, tmp_path):
    from textual.widgets import Checkbox

    source = tmp_path / "p.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cennik"
    ws.append(["Kod", "Nazwa", "Stawka VAT", "Producent", "Marka"])
    ws.append(["PRODTUI", "Z producentem", "23", "FABRYKA", "Gwiazda"])
    wb.save(source)
    async with filia_app.run_test(size=SIZE) as pilot:
        await open_import(filia_app, pilot, source)
        screen = filia_app.screen
        assert "Importuj producentów i marki" in str(screen.query_one("#import-summary").render())
        for _ in range(6):
            if isinstance(filia_app.focused, Checkbox):
                break
            await pilot.press("tab")
        assert filia_app.focused is screen.query_one("#import-producers", Checkbox)
        await pilot.press("space")
        await settle(filia_app, pilot)
        assert screen.plan.import_producers and screen.plan.new_producers == ["FABRYKA"]
        assert "Zostaną dopisani producenci: FABRYKA" in str(screen.query_one("#import-summary").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(filia_app, pilot)
    card = Goods.get(Goods.code == "PRODTUI")
    assert card.producer.code == "FABRYKA" and card.brand.name == "Gwiazda"


async def test_escape_during_the_check_closes_the_dialog_and_stops_the_check(filia_app, tmp_path, monkeypatch):
    """Esc used to ring the bell until the whole file was checked. Now the dialog closes at once and the
    real check stops at its next step: no error report is written although the file has a bad row, and
    nothing reaches the database. (The check is held at its first step until Esc is pressed, so the test
    does not depend on how fast this machine checks a file.)"""
    import threading

    from store import pricelist_io
    from tests.dbdump import assert_same, dump

    source = tmp_path / "cennik.xlsx"
    write_sheet(source, [["A1", "Młotek", "23", "szt", "zła cena"]] + [[f"K{i}", f"Towar {i}", "23", "szt", 1.5]
                                                                     for i in range(200)])
    real, started, released, outcome = pricelist_io.validate_import, threading.Event(), threading.Event(), []

    def held_check(*args, cancel, **kwargs):
        def first_step_waits() -> bool:
            if not started.is_set():
                started.set()
                released.wait(10)
            return cancel()
        try:
            return real(*args, cancel=first_step_waits, **kwargs)
        except pricelist_io.CheckCancelled:
            outcome.append("stopped")
            raise

    monkeypatch.setattr(pricelist_io, "validate_import", held_check)
    async with filia_app.run_test(size=SIZE) as pilot:
        before = dump()
        await open_goods(filia_app, pilot)
        await palette(pilot, "Import cennika")
        filia_app.focused.value = str(source)
        await pilot.press("enter")
        for _ in range(200):
            if started.is_set():
                break
            await pilot.pause(0.05)
        dialog = filia_app.screen
        assert isinstance(dialog, PriceListImport) and dialog.checking
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(filia_app.screen, PriceListImport)          # closed while the check runs
        released.set()
        await dialog.workers.wait_for_complete()
        await pilot.pause()
        assert_same(before, dump())
    assert outcome == ["stopped"] and dialog.plan is None
    assert not (tmp_path / "cennik_bledy.xlsx").exists()
