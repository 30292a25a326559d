"""The generic registry list screen: every list in Filia is this screen over a ListBehaviour.

Keys are the same on every list (Optima, seed 003:1216) and come from tui/keymap.py.
Bulk actions work on the marked rows, or on the highlighted row when none is marked (003:222).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Input, ProgressBar, Static

from store.errors import FiliaError
from store.i18n import _
from store.paging import ListQuery, ListSpec
from tui import keymap
from tui.widgets.key_bar import KeyBar
from tui.widgets.prompt import ask_save_path
from tui.widgets.virtual_list import VirtualList


@dataclass
class ListBehaviour:
    """What one list does on its keys. Every callable calls store/ functions only."""

    key: str                                        # "contractors", "goods"
    title: str
    spec: Callable[[], ListSpec]
    card: Callable[..., Screen] | None = None       # card(record_id | None, copy_from=None) -> Screen
    delete: Callable[[int], object] | None = None   # store function; raises FiliaError with the reason
    describe: Callable[[tuple], str] = lambda row: str(row[1])
    filters: list[tuple[str, str]] = field(default_factory=list)  # (filter name, Polish label)
    module: str | None = None                       # license module whose seat the list needs
    serial: list[tuple[str, str, Callable]] = field(default_factory=list)  # (id, label, fn(app, ids))
    tone: Callable[[tuple], str] | None = None      # row -> VirtualList.TONES colour ("" = plain)
    marked_summary: Callable[[list[int]], str] | None = None   # the totals of the marked rows (status line)
    delete_question: Callable[[tuple], str] | None = None      # row -> what Del asks (default: „Czy usunąć rekord”)


class ListScreen(Screen[int | None]):
    DEFAULT_CSS = """
    ListScreen #list-title { background: $primary; color: $text; text-style: bold; padding: 0 1; }
    ListScreen #list-header { background: $boost; text-style: bold; }
    ListScreen #list-status { height: 1; background: $boost; padding: 0 1; }
    ListScreen #list-filter { display: none; }
    ListScreen #list-filter.visible { display: block; }
    ListScreen ProgressBar { display: none; }
    ListScreen ProgressBar.visible { display: block; }
    """
    BINDINGS = keymap.bindings("list")

    def __init__(self, behaviour: ListBehaviour, *, lookup: bool = False) -> None:
        super().__init__()
        self.behaviour = behaviour
        self.lookup = lookup
        self.query_ = ListQuery(behaviour.spec())
        self._export_cancel = False
        self.exporting = False
        # a lookup's caller may prepare for the pick while this list still covers it (tui.screens.document_line_entry)
        self.before_pick: Callable[[int], None] | None = None
        if lookup:
            # BindingsMap.copy() shares each key's list with the class: insert into copies of the lists, or
            # Enter = pick would leak into every list opened afterwards (a document list closed on Enter)
            self._bindings = self._bindings.copy()
            mapping = self._bindings.key_to_bindings
            for b in keymap.bindings("lookup"):
                mapping[b.key] = [b, *mapping.get(b.key, [])]

    def compose(self) -> ComposeResult:
        title = self.behaviour.title + (" – " + _("wybór") if self.lookup else "")
        yield Static(title, id="list-title")
        yield Static("", id="list-header")
        vl = VirtualList(self.query_, id="list")
        vl.row_tone = self.behaviour.tone
        yield vl
        yield Input(placeholder=_("Filtr: wpisz tekst i Enter; Esc wraca do listy"), id="list-filter")
        yield ProgressBar(id="list-progress", show_eta=False)
        yield Static("", id="list-status")
        yield KeyBar()

    @property
    def list(self) -> VirtualList:
        return self.query_one(VirtualList)

    def on_mount(self) -> None:
        self.list.focus()
        self._first_load()  # read the first page now, so the first frame already shows it

    def reopen(self) -> None:
        """The same lookup shown again (a document form keeps its goods lookup between lines): fresh rows
        around the last pick, no locator text left from the last search."""
        self.list.locator_text = ""
        self.list.reload()
        self.list.focus()
        self._update_header()

    def _first_load(self) -> None:
        self.list.reload()
        self._update_header()

    def _update_header(self) -> None:
        self.query_one("#list-header", Static).update(self.list.header_text(self.list.size.width))
        self._update_status()

    def _update_status(self, extra: str = "") -> None:
        vl = self.list
        parts = [_("Rekordów: {n}").format(n=vl.count) if vl.count is not None else _("Rekordów: liczę…")]
        marked = vl.marks.count(vl.count if vl.count is not None else vl.total)
        if marked:
            parts.append(_("zaznaczonych: {n}").format(n=marked))
            if self.behaviour.marked_summary is not None:
                parts.append(self.behaviour.marked_summary(self._selected_ids()))
        if self.query_.search_term:
            parts.append(_("filtr: „{t}”").format(t=self.query_.search_term))
        if self.query_.active_filters:
            labels = dict(self.behaviour.filters)
            parts.append(", ".join(labels.get(f, f) for f in sorted(self.query_.active_filters)))
        if vl.locator_text:
            parts.append(_("szukaj: {t}").format(t=vl.locator_text))
        if extra:
            parts.append(extra)
        self.query_one("#list-status", Static).update(" | ".join(parts))

    def on_virtual_list_locator_changed(self, event: VirtualList.LocatorChanged) -> None:
        self._update_status("" if event.found or not event.text else _("brak dokładnego dopasowania"))

    def on_virtual_list_cursor_moved(self, event: VirtualList.CursorMoved) -> None:
        self._update_status()

    def on_virtual_list_counted(self, event: VirtualList.Counted) -> None:
        self._update_status()

    def on_resize(self, event) -> None:
        self.call_after_refresh(self._update_header)

    def on_screen_resume(self) -> None:
        self.call_after_refresh(self._update_header)

    # --- actions bound by keymap ------------------------------------------------------------
    def _selected_ids(self) -> list[int]:
        vl = self.list
        if vl.marks.any():
            return vl.marks.ids(row[0] for row in self.query_.iter_all())
        return [vl.cursor_id] if vl.cursor_id is not None else []

    def action_refresh(self) -> None:
        self.list.reload()
        self._update_header()

    def action_toggle_mark(self) -> None:
        self.list.toggle_mark()
        self._update_status()

    def action_mark_all(self) -> None:
        self.list.marks.mark_all()
        self.list.refresh()
        self._update_status()

    def action_unmark_all(self) -> None:
        self.list.marks.clear()
        self.list.refresh()
        self._update_status()

    def action_invert_marks(self) -> None:
        self.list.marks.invert()
        self.list.refresh()
        self._update_status()

    def action_first(self) -> None:
        self.list.action_first()

    def action_last(self) -> None:
        self.list.action_last()

    def action_next_sort(self) -> None:
        sortable = [c.name for c in self.query_.spec.columns if c.sortable]
        self.sort_by(sortable[(sortable.index(self.query_.sort) + 1) % len(sortable)])

    def sort_by(self, name: str) -> None:
        """A new order opens at the record the cursor was on (its position follows on a big list)."""
        self.query_.sort, self.query_.descending = name, False
        self.list.reload(recount=False)
        self._update_header()

    def action_reverse_sort(self) -> None:
        self.query_.descending = not self.query_.descending
        self.list.reload(recount=False)
        self._update_header()

    def action_focus_filter(self) -> None:
        box = self.query_one("#list-filter", Input)
        box.add_class("visible")
        box.value = self.query_.filter_text
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "list-filter":
            return
        self.apply_filter(event.value)
        event.input.remove_class("visible")
        self.list.focus()

    def apply_filter(self, text: str) -> None:
        """The filter line („zawiera”), kept as typed: a trailing space says where a word ends."""
        self.query_.filter_text = text if text.strip() else ""
        self.list.reload()
        self._update_status()

    def toggle_named_filter(self, name: str) -> None:
        self.query_.active_filters ^= {name}
        self.list.reload()
        self._update_status()

    def action_close(self) -> None:
        if getattr(self, "exporting", False):          # Esc stops a running export (no file is left)
            self._export_cancel = True
            self.notify(_("Przerywam eksport…"))
            return
        box = self.query_one("#list-filter", Input)
        if box.has_focus:
            box.remove_class("visible")
            self.list.focus()
            return
        self.dismiss(None)

    def action_open(self) -> None:
        if self.lookup:
            self.action_pick()
        else:
            self.action_edit()

    def action_pick(self) -> None:
        picked = self.list.cursor_id
        if picked is not None:
            if self.before_pick is not None:
                self.before_pick(picked)
            self.dismiss(picked)

    def _open_card(self, record_id: int | None, copy_from: int | None = None) -> None:
        if self.behaviour.card is None:
            self.notify(_("Ta lista nie ma formularza."), severity="warning")
            return

        def done(saved_id: int | None) -> None:
            if self.lookup and record_id is None and saved_id:
                self.dismiss(saved_id)          # Insert in a lookup adds the missing entry and picks it
                return
            self.list.reload(keep_id=saved_id or self.list.cursor_id)
            self._update_status()

        self.app.push_screen(self.behaviour.card(record_id, copy_from=copy_from), done)

    def action_add(self) -> None:
        self._open_card(None)

    def action_edit(self) -> None:
        if self.list.cursor_id is not None:
            self._open_card(self.list.cursor_id)

    def action_copy(self) -> None:
        if self.list.cursor_id is not None:
            self._open_card(None, copy_from=self.list.cursor_id)

    def action_delete(self) -> None:
        """Del: the highlighted row, or every marked row (CTR-19) after one question naming the count."""
        from tui.screens.list_delete import delete_rows

        delete_rows(self)

    # --- export -----------------------------------------------------------------------------
    def action_export_xlsx(self) -> None:
        default = Path.home() / f"filia_{self.behaviour.key}_{dt.date.today():%Y%m%d}.xlsx"

        def chosen(path: str | None) -> None:
            if path:
                self._export_cancel = False
                bar = self.query_one(ProgressBar)
                bar.update(total=self.list.total, progress=0)
                bar.add_class("visible")
                self.exporting = True
                self.export_worker(Path(path).expanduser())

        ask_save_path(self.app, _("Eksport listy do pliku XLSX – ścieżka pliku:"), str(default), chosen)

    def action_print_list(self) -> None:
        """Ctrl+P: the filtered list as a plain-text printout (fixed-width, for a printer or lpr)."""
        default = Path.home() / f"filia_{self.behaviour.key}_{dt.date.today():%Y%m%d}.txt"

        def chosen(path: str | None) -> None:
            if path:
                self.print_worker(Path(path).expanduser())

        ask_save_path(self.app, _("Wydruk listy do pliku tekstowego – ścieżka pliku:"), str(default), chosen)

    @work(thread=True, exclusive=True, group="export")
    def print_worker(self, path: Path) -> None:
        from store.printout import write_list_printout
        from tui.seats import demo_watermark

        vl = self.list
        try:
            n = write_list_printout(path, self.behaviour.title, vl.header_text(120),
                                    (vl.format_row(row, 118) for row in self.query_.iter_all()),
                                    watermark=demo_watermark(self.app))
        except FiliaError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=8)
        else:
            self.app.call_from_thread(self.notify, _("Wydrukowano {n} wierszy do {path}").format(n=n, path=path))

    @work(thread=True, exclusive=True, group="export")
    def export_worker(self, path: Path) -> None:
        from store.xlsx_export import export_rows
        from tui.seats import demo_watermark

        cols = self.query_.spec.columns
        headers = [c.title for c in cols]
        labels = [c.export for c in cols]
        if any(labels):             # stored codes written as the labels the list shows (e.g. a Status)
            rows = (tuple(f(v) if f else v for f, v in zip(labels, row[1:1 + len(cols)]))
                    for row in self.query_.iter_all())
        else:
            rows = (row[1:1 + len(cols)] for row in self.query_.iter_all())
        bar = self.query_one(ProgressBar)
        try:
            n = export_rows(path, headers, rows, sheet_title=self.behaviour.title,
                            progress=lambda done: self.app.call_from_thread(bar.update, progress=done),
                            cancel=lambda: self._export_cancel, watermark=demo_watermark(self.app))
        except FiliaError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=8)
        else:
            self.app.call_from_thread(self.notify, _("Wyeksportowano {n} wierszy do {path}").format(n=n, path=path))
        finally:
            self.exporting = False
            self.app.call_from_thread(bar.remove_class, "visible")
