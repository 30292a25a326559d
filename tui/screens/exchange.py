"""Narzędzia → Praca rozproszona centrala/oddział (issue 13 §10; SYNC-5, SYNC-6, SETUP-22).

Branch: the exchange folder for this run (the configured one proposed; a change is not saved, SYNC-5), the
branch ID and the last number and date read-only, Synchronizuj (F8) in a worker with its report. HQ: the branch
list; F8 reads the selected branch's file and writes the next one. A standalone database is refused."""
from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from store.base import local_time_text
from store.errors import FiliaError
from store.i18n import _
from tui.widgets.key_bar import KeyBar


class ExchangeScreen(Screen):
    DEFAULT_CSS = """
    ExchangeScreen #exchange-title { background: $primary; text-style: bold; padding: 0 1; }
    ExchangeScreen Input { width: 1fr; }
    ExchangeScreen #exchange-report { margin-top: 1; height: auto; }
    ExchangeScreen DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "close", _("Zamknij"), key_display="Esc"),
                Binding("f8", "synchronise", _("Synchronizuj"), key_display="F8")]
    HELP = "F8 – synchronizuj (oddział) albo wczytaj plik zaznaczonego oddziału i przygotuj następny (centrala)."

    def compose(self) -> ComposeResult:
        from store.exchange.state import summary

        self.state = summary()
        yield Static(_("Praca rozproszona centrala/oddział"), id="exchange-title")
        if self.state.role == "branch":
            yield Static(_("Katalog pliku wymiany (tylko dla tego uruchomienia):"))
            yield Input(self.state.folder, id="exchange-folder")
            yield Static(self._info(), id="exchange-info")
        elif self.state.role == "hq":
            table = DataTable(id="exchange-branches", cursor_type="row")
            table.add_columns(_("Oddział"), _("Ostatni wczytany"), _("Ostatni zapisany"), _("Data synchronizacji"),
                              _("Katalog"))
            yield table
        else:
            yield Static(_("Baza samodzielna nie wymienia plików z centralą."), id="exchange-info")
        yield Static("", id="exchange-report")
        yield KeyBar()

    def on_mount(self) -> None:
        if self.state.role == "hq":
            self._fill_branches()
            self.query_one(DataTable).focus()
        elif self.state.role == "branch":
            self.query_one(Input).focus()

    def _info(self) -> str:
        s = self.state
        return "\n".join([
            _("Symbol oddziału: {s}").format(s=s.symbol),
            _("ID oddziału: {id}").format(id=s.branch_id or _("(po pierwszej synchronizacji)")),
            _("Numer ostatniego pliku: {n}").format(n="" if s.last_seq is None else s.last_seq),
            _("Data ostatniej synchronizacji: {d}").format(d=local_time_text(s.last_date))])

    def _fill_branches(self) -> None:
        from store.exchange.state import hq_branches

        table = self.query_one(DataTable)
        table.clear()
        for card in hq_branches():
            table.add_row(card.symbol, str(card.last_seq_read or ""), str(card.last_seq_written or ""),
                          local_time_text(card.last_sync_date), card.folder, key=card.symbol)

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_synchronise(self) -> None:
        report = self.query_one("#exchange-report", Static)
        if self.state.role == "branch":
            report.update(_("Synchronizuję…"))
            self._run_branch(self.query_one(Input).value.strip() or None, self.state.demo)
        elif self.state.role == "hq":
            table = self.query_one(DataTable)
            if table.row_count == 0:
                report.update(_("Brak oddziałów."))
                return
            symbol = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            report.update(_("Przetwarzam pliki oddziału {s}…").format(s=symbol))
            self._run_hq(symbol, self.state.demo)
        else:
            report.update(_("Baza samodzielna nie wymienia plików z centralą."))

    @work(thread=True, exclusive=True, group="exchange")
    def _run_branch(self, folder: str | None, demo: bool) -> None:
        from sync.branch import synchronise

        try:
            r = synchronise(folder, test=demo)
            text = _("Zakończono ({mode}): wczytano plik {read}, zapisano {od} z numerem {written}.").format(
                mode=_("pełny odczyt") if r.mode == "full" else _("odczyt częściowy (plik nie nowszy)"),
                read=r.seq_read, od=r.od.name, written=r.seq_written)
        except FiliaError as exc:
            text = _("Synchronizacja nie została wykonana: {msg}").format(msg=exc)
        self.app.call_from_thread(self._done, text)

    @work(thread=True, exclusive=True, group="exchange")
    def _run_hq(self, symbol: str, demo: bool) -> None:
        from sync.hq import process_branch

        try:
            r = process_branch(symbol, licensed=not demo, test=demo)
            text = _("Oddział {s}: {mode}; plik dla oddziału ma numer {n}.").format(
                s=symbol, mode=r.mode, n="" if r.seq_written is None else r.seq_written)
        except FiliaError as exc:
            text = _("Plik oddziału {s} nie został wczytany: {msg}").format(s=symbol, msg=exc)
        self.app.call_from_thread(self._done, text)

    def _done(self, text: str) -> None:
        from store.exchange.state import summary

        self.query_one("#exchange-report", Static).update(text)
        self.state = summary()
        if self.state.role == "branch":
            self.query_one("#exchange-info", Static).update(self._info())
        elif self.state.role == "hq":
            self._fill_branches()
