"""Reusable pieces of a record card (formularz): fields with a message line, grids of sub-records, and
`FormScreen` with dirty tracking, Ctrl+S save, Esc asking "Porzucić zmiany?", F6 / Ctrl+PgDn between
tabs, per-field ValidationError display and read-only fields that say why.

A concrete card subclasses FormScreen, composes FormField/GridField widgets (inside TabbedContent
panes if it has tabs) and implements `save_values(values, grids, confirm) -> id`, calling store
functions only. Generic: nothing here knows about contractors or goods.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, DataTable, Input, Label, Select, Static, TabbedContent, TabPane, TextArea

from store.errors import FiliaError, ValidationError
from store.i18n import _
from tui import keymap
from tui.widgets.confirm import ConfirmDialog


class FormField(Widget):
    """Label + control on one line, a message line under it (validation error or why it is read-only).

    kind: str | text | bool | choice (choices = [(label, value)]). Two widgets per field; the message
    line is mounted only when there is something to say (a card has ~80 fields: widgets cost time)."""

    DEFAULT_CSS = """
    FormField { layout: grid; grid-size: 2; grid-columns: 26 1fr; grid-rows: auto; height: auto; }
    FormField > Label { padding: 0 1 0 0; color: $text-muted; }
    FormField Input { height: 1; border: none; padding: 0 1; width: 1fr; background: $boost; }
    FormField Input:focus { background: $accent 30%; }
    FormField Checkbox { height: 1; border: none; padding: 0; background: transparent; }
    FormField Checkbox:focus { background: $accent 30%; }
    FormField Select { width: 1fr; }
    FormField TextArea { height: 4; width: 1fr; }
    FormField > .form-msg { column-span: 2; padding-left: 26; height: auto; }
    FormField > .form-msg.-error { color: $error; }
    FormField > .form-msg.-lock { color: $text-muted; text-style: italic; }
    """

    def __init__(self, name: str, label: str, kind: str = "str", *, choices: list[tuple[str, Any]] | None = None,
                 max_length: int = 0, required: bool = False) -> None:
        super().__init__(id=f"field-{name}", classes="form-field")
        self.field_name, self.label, self.kind = name, label, kind
        self.choices = choices or []
        self.max_length, self.required = max_length, required
        self.lock_reason: str | None = None
        self._message: Static | None = None

    def compose(self) -> ComposeResult:
        yield Label(self.label + (" *" if self.required else ""))
        yield self._make_control()

    def on_mount(self) -> None:
        hook = getattr(self.screen, "field_mounted", None)
        if hook is not None:
            hook(self)

    def _make_control(self):
        cid = f"f-{self.field_name}"
        if self.kind == "bool":
            return Checkbox("", id=cid)
        if self.kind == "choice":
            return Select(self.choices, id=cid, allow_blank=False, compact=True)
        if self.kind == "text":
            return TextArea(id=cid, tab_behavior="focus", soft_wrap=True)
        return Input(id=cid, max_length=self.max_length or 0, compact=True)

    @property
    def control(self):
        return self.query_one(f"#f-{self.field_name}")

    @property
    def value(self):
        c = self.control
        if isinstance(c, TextArea):
            return c.text
        if isinstance(c, Select):
            return None if c.value is Select.BLANK else c.value
        return c.value

    @value.setter
    def value(self, v) -> None:
        c = self.control
        if isinstance(c, Checkbox):
            c.value = bool(v)
        elif isinstance(c, Select):
            c.value = v if any(v == val for _l, val in self.choices) else self.choices[0][1]
        elif isinstance(c, TextArea):
            c.load_text("" if v is None else str(v))
        else:
            c.value = "" if v is None else str(v)

    @property
    def message(self) -> str:
        return str(self._message.render()) if self._message is not None and self._message.display else ""

    def set_message(self, text: str = "", kind: str = "error") -> None:
        if self._message is None:
            if not text:
                return
            self._message = Static(text, id=f"msg-{self.field_name}", classes="form-msg")
            self.mount(self._message)
        msg = self._message
        msg.update(text)
        msg.display = bool(text)
        msg.set_class(bool(text) and kind == "error", "-error")
        msg.set_class(bool(text) and kind == "lock", "-lock")

    def clear_error(self) -> None:
        if self.lock_reason:
            self.set_message(self.lock_reason, "lock")
        else:
            self.set_message("")

    def set_locked(self, reason: str | None) -> None:
        """Read-only with the reason shown under the field (e.g. a branch may not change it)."""
        self.lock_reason = reason
        self.control.disabled = bool(reason)
        self.clear_error()


@dataclass
class GridColumn:
    key: str
    label: str
    kind: str = "str"            # str | bool | choice (for the row dialog)
    width: int | None = None
    choices: list[tuple[str, Any]] | None = None
    in_table: bool = True        # shown as a column (else only in the row dialog)


class RowDialog(ModalScreen[dict | None]):
    """Edit one grid row. Ctrl+S or Enter accepts, Esc cancels."""

    DEFAULT_CSS = """
    RowDialog { align: center middle; }
    RowDialog > Vertical { width: 84; height: auto; max-height: 90%; border: thick $primary;
                           background: $surface; padding: 1 2; }
    """
    BINDINGS = [Binding("ctrl+s", "accept", _("Zapisz"), key_display="^S", priority=True),
                Binding("escape", "cancel", _("Anuluj"), key_display="Esc")]

    def __init__(self, title: str, columns: list[GridColumn], row: dict) -> None:
        super().__init__()
        self.title_text, self.columns, self.row = title, columns, dict(row)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="dialog-title")
            for col in self.columns:
                yield FormField(col.key, col.label, col.kind, choices=col.choices)

    def on_mount(self) -> None:
        for col in self.columns:
            f = self.query_one(f"#field-{col.key}", FormField)
            f.value = self.row.get(col.key, False if col.kind == "bool" else "")
        self.query(FormField).first().control.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_accept()

    def action_accept(self) -> None:
        for f in self.query(FormField):
            self.row[f.field_name] = f.value
        self.dismiss(self.row)

    def action_cancel(self) -> None:
        self.dismiss(None)


class GridField(Vertical):
    """A bounded grid of sub-records (DataTable) edited in place: Insert/Ctrl+N add, Enter/F2 edit,
    Delete remove. Rows are dicts kept in memory until the card is saved."""

    DEFAULT_CSS = """
    GridField { height: auto; }
    GridField > DataTable { height: auto; max-height: 12; }
    GridField .form-msg { display: none; }
    GridField .form-msg.-error { display: block; color: $error; }
    GridField .form-msg.-lock { display: block; color: $text-muted; text-style: italic; }
    """
    BINDINGS = [Binding("insert,ctrl+n", "add_row", _("Dodaj"), key_display="Ins/^N"),
                Binding("f2", "edit_row", _("Zmień"), key_display="F2"),
                Binding("delete", "delete_row", _("Usuń"), key_display="Del")]

    def __init__(self, name: str, title: str, columns: list[GridColumn], *,
                 default_group: Callable[[dict], Any] | None = None, new_row: Callable[[], dict] | None = None) -> None:
        super().__init__(id=f"grid-{name}", classes="form-grid")
        self.field_name, self.title, self.columns = name, title, columns
        self.default_group, self.new_row = default_group, new_row or dict
        self.rows: list[dict] = []
        self.lock_reason: str | None = None

    def compose(self) -> ComposeResult:
        yield Label(self.title)
        yield DataTable(id=f"table-{self.field_name}", cursor_type="row", zebra_stripes=True)
        yield Static("", id=f"msg-{self.field_name}", classes="form-msg")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for col in self.columns:
            if col.in_table:
                table.add_column(col.label, key=col.key, width=col.width)
        hook = getattr(self.screen, "grid_mounted", None)
        if hook is not None:
            hook(self)

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    def load(self, rows: list[dict]) -> None:
        self.rows = [dict(r) for r in rows]
        self._refresh_table()

    def _cell(self, col: GridColumn, value) -> str:
        if col.kind == "bool":
            return _("Tak") if value else ""
        if col.kind == "choice" and col.choices:
            return next((label for label, v in col.choices if v == value), str(value or ""))
        return "" if value is None else str(value)

    def _refresh_table(self) -> None:
        table = self.table
        cursor = table.cursor_row
        table.clear()
        for row in self.rows:
            table.add_row(*[self._cell(c, row.get(c.key)) for c in self.columns if c.in_table])
        if self.rows:
            table.move_cursor(row=min(max(cursor, 0), len(self.rows) - 1))

    def set_message(self, text: str = "", kind: str = "error") -> None:
        msg = self.query_one(".form-msg", Static)
        msg.update(text)
        msg.set_class(bool(text) and kind == "error", "-error")
        msg.set_class(bool(text) and kind == "lock", "-lock")

    def clear_error(self) -> None:
        self.set_message(self.lock_reason or "", "lock" if self.lock_reason else "error")

    def set_locked(self, reason: str | None) -> None:
        self.lock_reason = reason
        self.clear_error()

    def _refuse_if_locked(self) -> bool:
        if self.lock_reason:
            self.app.bell()
            self.set_message(self.lock_reason, "lock")
            return True
        return False

    def _store(self, index: int | None, row: dict | None) -> None:
        if row is None:
            return
        if index is None:
            self.rows.append(row)
            index = len(self.rows) - 1
        else:
            self.rows[index] = row
        if self.default_group and row.get("is_default"):
            group = self.default_group(row)
            for i, other in enumerate(self.rows):
                if i != index and self.default_group(other) == group:
                    other["is_default"] = False
        self._refresh_table()
        self.table.move_cursor(row=index)
        self.post_message(self.Changed(self))

    class Changed(Message):
        def __init__(self, grid: "GridField") -> None:
            super().__init__()
            self.grid = grid

    def action_add_row(self) -> None:
        if self._refuse_if_locked():
            return
        self.app.push_screen(RowDialog(self.title, self.columns, self.new_row()), lambda r: self._store(None, r))

    def action_edit_row(self) -> None:
        if self._refuse_if_locked() or not self.rows:
            return
        i = self.table.cursor_row
        self.app.push_screen(RowDialog(self.title, self.columns, self.rows[i]), lambda r: self._store(i, r))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_row()

    def action_delete_row(self) -> None:
        if self._refuse_if_locked() or not self.rows:
            return
        i = self.table.cursor_row

        def done(yes: bool | None) -> None:
            if yes:
                del self.rows[i]
                self._refresh_table()
                self.post_message(self.Changed(self))
        self.app.push_screen(ConfirmDialog(_("Usunąć zaznaczoną pozycję?")), done)


def _comparable(grid_rows: list[dict]) -> list:
    return [sorted((k, str(v)) for k, v in r.items()) for r in grid_rows]


class FormScreen(ModalScreen[Any]):
    """A card: collects FormField values and GridField rows, saves with Ctrl+S, asks before losing changes.

    Tabs are built lazily: a subclass composes `TabbedContent` with one `TabPane` per tab, each holding a
    `LazyBody`; `build_pane(pane_id)` returns that tab's widgets and is called when the tab is first shown
    (a card of ~80 fields opens in about half the time). Values of fields not built yet are kept in
    `_values` / `_grid_values`, so collecting, dirty tracking and errors work on every tab.
    """

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > #form-body { width: 100%; height: 100%; background: $surface; }
    FormScreen #form-banner { display: none; background: $warning 30%; padding: 0 1; }
    FormScreen #form-banner.-shown { display: block; }
    FormScreen #form-errors { display: none; color: $error; padding: 0 1; }
    FormScreen #form-errors.-shown { display: block; }
    """
    BINDINGS = keymap.bindings("form")
    DISCARD_QUESTION = "Porzucić zmiany?"

    def __init__(self) -> None:
        super().__init__()
        self._original: tuple | None = None
        self._values: dict[str, Any] = {}
        self._grid_values: dict[str, list[dict]] = {}
        self._locks: dict[str, str] = {}
        self._grid_locks: dict[str, str | None] = {}
        self._built: set[str] = set()

    # --- to implement ---------------------------------------------------------------------------
    def save_values(self, values: dict, grids: dict[str, list[dict]], confirm: bool) -> Any:
        """Store the card; return what the screen is dismissed with (the record id)."""
        raise NotImplementedError

    def build_pane(self, pane_id: str) -> list[Widget]:
        """The widgets of one tab (FormField, GridField, anything else)."""
        return []

    def field_pane(self, name: str) -> str | None:
        """The tab holding a field or grid (to build and show it when it has an error)."""
        return None

    # --- lazy tabs ----------------------------------------------------------------------------------
    async def ensure_pane(self, pane_id: str) -> None:
        if pane_id in self._built:
            return
        self._built.add(pane_id)
        body = self.query_one(f"#body-{pane_id}")
        await body.mount_all(self.build_pane(pane_id))

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            await self.ensure_pane(event.pane.id)

    def field_mounted(self, field: "FormField") -> None:
        if field.field_name in self._values:
            field.value = self._values[field.field_name]
        field.set_locked(self._locks.get(field.field_name))

    def grid_mounted(self, grid: "GridField") -> None:
        grid.load(self._grid_values.get(grid.field_name, []))
        grid.set_locked(self._grid_locks.get(grid.field_name))

    # --- values and dirty tracking ------------------------------------------------------------------
    def form_fields(self) -> dict[str, FormField]:
        return {f.field_name: f for f in self.query(FormField)}

    def grid_fields(self) -> dict[str, GridField]:
        return {g.field_name: g for g in self.query(GridField)}

    def get_value(self, name: str) -> Any:
        f = self.form_fields().get(name)
        return f.value if f is not None else self._values.get(name)

    def set_value(self, name: str, value: Any) -> None:
        f = self.form_fields().get(name)
        if f is not None:
            f.value = value
        else:
            self._values[name] = value

    def collect(self) -> dict:
        values = dict(self._values)
        values.update({name: f.value for name, f in self.form_fields().items()})
        return values

    def collect_grids(self) -> dict[str, list[dict]]:
        grids = {k: [dict(r) for r in v] for k, v in self._grid_values.items()}
        grids.update({name: [dict(r) for r in g.rows] for name, g in self.grid_fields().items()})
        return grids

    def load(self, values: dict, grids: dict[str, list[dict]] | None = None) -> None:
        """Values as the widgets hold them: str for text inputs, bool for check boxes, a choice value."""
        self._values = {k: ("" if v is None else v) for k, v in values.items()}
        self._grid_values = {k: [dict(r) for r in v] for k, v in (grids or {}).items()}
        for name, f in self.form_fields().items():
            if name in self._values:
                f.value = self._values[name]
        for name, g in self.grid_fields().items():
            g.load(self._grid_values.get(name, []))

    def _state(self) -> tuple:
        return (sorted((k, str(v)) for k, v in self.collect().items()),
                sorted((k, _comparable(v)) for k, v in self.collect_grids().items()))

    def mark_clean(self) -> None:
        self._original = self._state()

    @property
    def is_dirty(self) -> bool:
        return self._original is not None and self._state() != self._original

    def set_locks(self, reasons: dict[str, str], grid_reasons: dict[str, str | None] | None = None) -> None:
        self._locks, self._grid_locks = dict(reasons), dict(grid_reasons or {})
        for name, f in self.form_fields().items():
            f.set_locked(self._locks.get(name))
        for name, g in self.grid_fields().items():
            g.set_locked(self._grid_locks.get(name))

    def show_banner(self, text: str) -> None:
        banner = self.query_one("#form-banner", Static)
        banner.update(text)
        banner.set_class(bool(text), "-shown")

    # --- errors -----------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        for f in self.form_fields().values():
            f.clear_error()
        for g in self.grid_fields().values():
            g.clear_error()
        self._general_error("")

    def _general_error(self, text: str) -> None:
        box = self.query_one("#form-errors", Static)
        box.update(text)
        box.set_class(bool(text), "-shown")

    async def show_errors(self, errors: dict[str, str]) -> None:
        """Each message under its field (grid errors `grid.N.field` under the grid); others on top.
        The tab of the first bad field is shown and the field focused."""
        for key in errors:
            pane = self.field_pane(key.split(".")[0])
            if pane:
                await self.ensure_pane(pane)
        self.clear_errors()
        fields, grids = self.form_fields(), self.grid_fields()
        general, first = [], None
        grid_msgs: dict[str, list[str]] = {}
        for key, message in errors.items():
            base = key.split(".")[0]
            if key in fields:
                fields[key].set_message(message)
                first = first or fields[key]
            elif base in grids:
                grid_msgs.setdefault(base, []).append(message)
                first = first or grids[base]
            else:
                general.append(message)
        for base, msgs in grid_msgs.items():
            grids[base].set_message("\n".join(msgs))
        self._general_error("\n".join(general))
        if first is not None:
            self.reveal(first)

    def reveal(self, widget) -> None:
        """Show the tab holding a widget and focus its control."""
        pane = next((a for a in widget.ancestors if isinstance(a, TabPane)), None)
        tabs = self._tabs()
        if pane is not None and tabs is not None and pane.id:
            tabs.active = pane.id
        target = widget.control if isinstance(widget, FormField) else widget.table
        self.call_after_refresh(target.focus)

    # --- actions ------------------------------------------------------------------------------------
    async def action_save(self) -> None:
        await self._submit(confirm=False)

    async def _submit(self, confirm: bool) -> None:
        values, grids = self.collect(), self.collect_grids()
        try:
            result = self.save_values(values, grids, confirm)
        except ValidationError as exc:
            await self.show_errors(exc.errors)
            return
        except FiliaError as exc:
            warnings = getattr(exc, "warnings", None)
            if warnings and not confirm:
                question = "\n".join(warnings)
                if not question.rstrip().endswith("?"):
                    question += "\n" + _("Czy zapisać?")

                def answer(yes: bool | None) -> None:
                    if yes:
                        self.call_later(self._submit, True)
                self.app.push_screen(ConfirmDialog(question, default=True), answer)
                return
            self.clear_errors()
            self._general_error(str(exc))
            return
        self._original = None
        self.dismiss(result)

    def action_close(self) -> None:
        if not self.is_dirty:
            self.dismiss(None)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)
        self.app.push_screen(ConfirmDialog(_(self.DISCARD_QUESTION)), answer)

    def _tabs(self) -> TabbedContent | None:
        return next(iter(self.query(TabbedContent)), None)

    async def _switch_tab(self, step: int) -> None:
        tabs = self._tabs()
        if tabs is None:
            return
        panes = [p.id for p in tabs.query(TabPane) if p.id]
        if not panes:
            return
        i = panes.index(tabs.active) if tabs.active in panes else 0
        target = panes[(i + step) % len(panes)]
        await self.ensure_pane(target)
        tabs.active = target
        pane = tabs.get_pane(target)

        def focus_first() -> None:
            for w in pane.query("Input, Checkbox, Select, TextArea, DataTable"):
                if w.focusable:
                    w.focus()
                    return
        self.call_after_refresh(focus_first)

    async def action_next_tab(self) -> None:
        await self._switch_tab(1)

    async def action_prev_tab(self) -> None:
        await self._switch_tab(-1)

    def action_gus_lookup(self) -> None:
        self.notify(_("Ta funkcja wymaga połączenia z Internetem."), severity="warning")


class LazyBody(VerticalScroll):
    """The scrolling body of one tab; FormScreen.build_pane fills it when the tab is first shown."""

    def __init__(self, pane_id: str) -> None:
        super().__init__(id=f"body-{pane_id}")
