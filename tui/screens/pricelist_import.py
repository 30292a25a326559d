"""Price list import and export as XLSX (PIE), from the price list's palette (F11/Ctrl+O).

Import: the file path is asked, the whole file is checked in a worker (progress shown) and NOTHING is
written: the screen shows the summary and every problem (row, column, value, reason in Polish) and
writes them to an error report file next to the imported one. Ctrl+S asks for confirmation, then every
valid row is written in one transaction (store.pricelist_io.apply_import). Esc leaves without writing,
also while the file is still being checked (the check stops at its next step).
Export: the marked goods (or all of them) with every active price, to a path the user confirms.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, DataTable, Footer, ProgressBar, Select, SelectionList, Static

from store import pricelist_io
from store.errors import FiliaError
from store.i18n import _
from store.xlsx_export import ExportCancelled
from tui.operator import operator_login
from tui.widgets.confirm import ConfirmDialog
from tui.widgets.prompt import PromptDialog, ask_save_path

MAX_ROWS_SHOWN = 2000


def mode_choices() -> list[tuple[str, str]]:
    return [(_("dopisz nowe i aktualizuj istniejące"), "add_update"), (_("tylko dopisz nowe"), "add"),
            (_("tylko aktualizuj istniejące"), "update")]


def error_report_path(path: Path, ours: Path | None = None) -> Path:
    """Where the error report of a check goes: the report this screen wrote before (a re-check replaces it),
    else the first name not taken — a file the program did not write is never overwritten."""
    if ours is not None:
        return ours
    candidate, n = path.with_name(f"{path.stem}_bledy.xlsx"), 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}_bledy_{n}.xlsx")
    return candidate


class PriceListImport(ModalScreen[object]):
    DEFAULT_CSS = """
    PriceListImport { align: center middle; }
    PriceListImport > Vertical { width: 120; max-width: 100%; height: 90%;
                                 max-height: 100%; border: thick $primary; background: $surface; padding: 0 1; }
    PriceListImport #import-title { text-style: bold; }
    PriceListImport #import-mode { width: 60; }
    PriceListImport #import-fields { height: 7; width: 60; }
    PriceListImport #import-summary { height: auto; }
    PriceListImport #import-problem { color: $error; height: auto; }
    PriceListImport DataTable { height: 1fr; }
    """
    # Ctrl+S is not a priority key: it must run after the characters typed just before it reach their field.
    BINDINGS = [Binding("ctrl+s", "apply", _("Importuj"), key_display="^S"),
                Binding("escape", "close", _("Zamknij"), key_display="Esc")]

    def __init__(self, path: Path, mode: str = "add_update") -> None:
        super().__init__()
        self.path, self.mode = Path(path), mode
        self.plan: pricelist_io.ImportPlan | None = None
        self.result: pricelist_io.ImportResult | None = None
        self.busy = False
        self.checking = False                                         # a check runs (Esc stops it)
        self.closed = False
        self.report_file: Path | None = None
        self.choices = pricelist_io.update_choices()                  # PIE-9: which fields an update writes
        self.fields = frozenset(key for key, _label, chosen in self.choices if chosen)
        self.import_producers = False                                  # PIE-11 option
        self.generation = 0                                           # results of older checks are dropped
        self._recheck_timer = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Import cennika z pliku: {p}").format(p=self.path), id="import-title")
            yield Select(mode_choices(), value=self.mode, allow_blank=False, compact=True, id="import-mode")
            yield Checkbox(_("Importuj producentów i marki"), self.import_producers, compact=True,
                           id="import-producers")
            yield Static(_("Aktualizowane pola istniejących kart (spacja zaznacza):"), id="import-fields-label")
            yield SelectionList[str](*[(label, key, chosen) for key, label, chosen in self.choices],
                                     id="import-fields")
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Static("", id="import-summary")
            yield Static("", id="import-problem")
            yield DataTable(id="import-errors", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in (("row", _("Wiersz")), ("column", _("Kolumna")), ("value", _("Wartość")),
                           ("reason", _("Przyczyna"))):
            table.add_column(label, key=key)
        self.validate()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "import-mode" and event.value != self.mode and self.result is None:
            self.mode = str(event.value)
            self.validate()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "import-producers" and event.value != self.import_producers and self.result is None:
            self.import_producers = event.value
            self.validate()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        chosen = frozenset(event.selection_list.selected)
        if chosen == self.fields or self.result is not None:
            return
        self.fields = chosen
        if self._recheck_timer is not None:           # several quick toggles: one check
            self._recheck_timer.stop()
        self._recheck_timer = self.set_timer(0.5, self.validate)

    # --- validation -------------------------------------------------------------------------------
    def validate(self) -> None:
        if self.result is not None:
            return
        self.generation += 1
        self.busy, self.checking, self.plan = True, True, None
        self.query_one("#import-summary", Static).update(_("Sprawdzanie pliku… nic nie zostanie zapisane."))
        self.query_one("#import-problem", Static).update("")
        self.query_one(DataTable).clear()
        self.validate_worker(self.mode, self.fields, self.import_producers, self.generation)

    @work(thread=True, group="pricelist-check")
    def validate_worker(self, mode: str, fields: frozenset[str], producers: bool, generation: int) -> None:
        bar = self.query_one(ProgressBar)

        def stale() -> bool:                  # Esc, or a newer check after a change of the options
            return self.closed or generation != self.generation

        try:
            plan = pricelist_io.validate_import(
                self.path, mode=mode, update_fields=fields, import_producers=producers, cancel=stale,
                progress=lambda n: None if stale() else self.app.call_from_thread(bar.update, progress=n))
            report = None
            if stale():
                return
            if plan.errors or plan.warnings:
                report = error_report_path(self.path, self.report_file)
                pricelist_io.write_error_report(plan, report)
        except pricelist_io.CheckCancelled:
            return
        except (FiliaError, OSError) as exc:
            self.app.call_from_thread(self._failed, str(exc), generation)
            return
        self.app.call_from_thread(self._validated, plan, report, generation)

    def _failed(self, message: str, generation: int | None = None) -> None:
        if self.closed or generation is not None and generation != self.generation:
            return                                    # a newer check is running
        self.busy = self.checking = False
        self.query_one("#import-summary", Static).update(_("Nie można zaimportować pliku."))
        self.query_one("#import-problem", Static).update(message)

    def _validated(self, plan: pricelist_io.ImportPlan, report: Path | None, generation: int) -> None:
        if self.closed or generation != self.generation:
            return                                    # a newer check is running
        self.busy, self.checking, self.plan, self.report_file = False, False, plan, report
        lines = [plan.summary()]
        lines += plan.warnings
        if report is not None:
            lines.append(_("Raport błędów zapisano w pliku: {p}").format(p=report))
        lines.append(_("Ctrl+S zapisuje poprawne wiersze, Esc zamyka bez zapisywania.") if plan.can_apply
                     else _("Brak poprawnych wierszy – nic nie zostanie zapisane."))
        self.query_one("#import-summary", Static).update("\n".join(lines))
        table = self.query_one(DataTable)
        for e in plan.errors[:MAX_ROWS_SHOWN]:
            table.add_row(str(e.row or ""), e.column, str(e.value)[:30], e.reason)
        more = len(plan.errors) - MAX_ROWS_SHOWN + plan.errors_truncated
        if more > 0:
            self.query_one("#import-problem", Static).update(
                _("… i {n} kolejnych problemów (w raporcie błędów).").format(n=more))

    # --- applying --------------------------------------------------------------------------------------
    def action_apply(self) -> None:
        plan = self.plan
        if self.busy or plan is None or self.result is not None:
            self.app.bell()
            return
        if not plan.can_apply:
            self.app.bell()
            self.query_one("#import-problem", Static).update(_("Brak poprawnych wierszy – nic nie zostanie zapisane."))
            return
        question = _("Zapisać {n} poprawnych wierszy (dopisanych {a}, zaktualizowanych {u})? "
                     "Wiersze z błędami zostaną pominięte.").format(n=plan.valid_rows, a=plan.to_insert,
                                                                    u=plan.to_update)

        def answered(yes: bool | None) -> None:
            if yes:
                self.busy = True
                bar = self.query_one(ProgressBar)
                bar.update(total=plan.valid_rows, progress=0)
                self.query_one("#import-summary", Static).update(_("Zapisywanie cennika…"))
                self.apply_worker(plan)
        self.app.push_screen(ConfirmDialog(question, default=True), answered)

    @work(thread=True, exclusive=True, group="pricelist-import")
    def apply_worker(self, plan) -> None:
        bar = self.query_one(ProgressBar)
        try:
            result = pricelist_io.apply_import(
                plan, progress=lambda n: self.app.call_from_thread(bar.update, progress=n),
                operator=operator_login(self.app))                                            # PIE-15
        except FiliaError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._applied, result)

    def _applied(self, result) -> None:
        self.busy, self.result = False, result
        text = result.summary()
        if self.report_file is not None:
            text += "\n" + _("Wiersze z błędami opisano w pliku: {p}").format(p=self.report_file)
        self.query_one("#import-summary", Static).update(text + "\n" + _("Esc zamyka."))

    def action_close(self) -> None:
        if self.busy and not self.checking:          # the write is one transaction: it finishes or fails whole
            self.app.bell()
            self.query_one("#import-problem", Static).update(
                _("Zapis cennika w toku – to jedna transakcja, której nie można przerwać; poczekaj na jej koniec."))
            return
        self.closed = True                           # a running check stops at its next step
        self.dismiss(self.result)


def start_import(screen) -> None:
    default = str(Path.home() / "cennik.xlsx")

    def chosen(path: str | None) -> None:
        if path:
            screen.app.push_screen(PriceListImport(Path(path.strip()).expanduser()),
                                   lambda _r: screen.action_refresh())

    screen.app.push_screen(PromptDialog(_("Import cennika z pliku XLSX – ścieżka pliku:"), default), chosen)


def start_export(screen) -> None:
    default = Path.home() / f"cennik_{dt.date.today():%Y%m%d}.xlsx"
    marks = screen.list.marks
    count = marks.count(screen.list.count if screen.list.count is not None else screen.list.total) \
        if marks.any() else None
    # the marked ids are gathered in the worker: "mark all" on a million goods must not stall the screen
    ids = screen._selected_ids if marks.any() else None

    def chosen(path: str | None) -> None:
        if path:
            export_worker(screen, Path(path.strip()).expanduser(), ids, count)

    what = _("zaznaczonych pozycji: {n}").format(n=count) if count else _("wszystkie pozycje")
    ask_save_path(screen.app, _("Eksport cennika do XLSX ({what}) – ścieżka pliku:").format(what=what), str(default),
                  chosen)


def export_worker(screen, path: Path, ids, count: int | None = None) -> None:
    """The export in a worker with the list's progress bar; Esc on the list stops it (no file is left)."""
    from tui.seats import demo_watermark

    watermark = demo_watermark(screen.app)
    bar = screen.query_one(ProgressBar)
    bar.update(total=count or screen.list.total or None, progress=0)
    bar.add_class("visible")
    screen._export_cancel = False
    screen.exporting = True

    def job() -> None:
        try:
            goods_ids = ids() if callable(ids) else ids
            n = pricelist_io.export_price_list(
                path, goods_ids=goods_ids, watermark=watermark, cancel=lambda: screen._export_cancel,
                progress=lambda done: screen.app.call_from_thread(bar.update, progress=done))
        except ExportCancelled:
            screen.app.call_from_thread(screen.notify, _("Eksport cennika przerwano – nie zapisano pliku."),
                                        title=_("Eksport cennika"), timeout=10)
            return
        except (FiliaError, OSError) as exc:
            screen.app.call_from_thread(screen.notify, str(exc), title=_("Eksport cennika"), severity="error",
                                        timeout=10)
            return
        finally:
            screen.exporting = False
            screen.app.call_from_thread(bar.remove_class, "visible")
        screen.app.call_from_thread(screen.notify, _("Wyeksportowano cennik: {n} pozycji do {p}").format(n=n, p=path),
                                    title=_("Eksport cennika"), timeout=10)

    screen.run_worker(job, thread=True, exclusive=True, group="pricelist-export")
