"""A bounded grid of sub-records on a card (bank accounts, representatives, attributes) and its row dialog."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from store.i18n import _
from tui.widgets.confirm import ConfirmDialog
from tui.widgets.form_field import FormField


@dataclass
class GridColumn:
    key: str
    label: str
    kind: str = "str"            # str | bool | choice | lookup (for the row dialog)
    width: int | None = None
    choices: list[tuple[str, Any]] | None = None
    in_table: bool = True        # shown as a column (else only in the row dialog)
    in_dialog: bool = True       # edited in the row dialog (False: a computed, read-only column)
    compute: Callable[[dict], str] | None = None  # cell text computed from the row
    reference: Any = None        # a lookup column's tui.widgets.lookup.Reference


class RowDialog(ModalScreen[dict | None]):
    """Edit one grid row. Ctrl+S or Enter accepts, Esc cancels. Fits 80×24 (the fields scroll)."""

    DEFAULT_CSS = """
    RowDialog { align: center middle; }
    RowDialog > VerticalScroll { width: 84; max-width: 100%; height: auto; max-height: 100%;
                                 border: thick $primary; background: $surface; padding: 0 1; }
    """
    # Ctrl+S is not a priority key: it must run after the characters typed just before it reach their field.
    BINDINGS = [Binding("ctrl+s", "accept", _("Zapisz"), key_display="^S"),
                Binding("escape", "cancel", _("Anuluj"), key_display="Esc")]

    def __init__(self, title: str, columns: list[GridColumn], row: dict) -> None:
        super().__init__()
        self.title_text, self.columns, self.row = title, columns, dict(row)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.title_text, classes="dialog-title")
            for col in self.columns:
                if col.in_dialog:
                    yield FormField(col.key, col.label, col.kind, choices=col.choices, reference=col.reference)

    def on_mount(self) -> None:
        for col in self.columns:
            if col.in_dialog:
                f = self.query_one(f"#f-{col.key}")
                f.field_value = self.row.get(col.key, False if col.kind == "bool" else "")
        first = self.fields()[0] if self.fields() else None
        if first is not None:
            first.focus()

    def fields(self) -> list:
        return [f for f in self.query(".form-field") if isinstance(f, FormField)]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_accept()

    def action_accept(self) -> None:
        for f in self.fields():
            if getattr(f, "unresolved_text", "") and not f.resolve_typed():
                f.focus()
                return
            self.row[f.field_name] = f.field_value
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
                Binding("f2,ctrl+j", "edit_row", _("Zmień"), key_display="F2/^J"),
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

    def _cell(self, col: GridColumn, value, row: dict | None = None) -> str:
        if col.compute is not None:
            return col.compute(row or {})
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
            table.add_row(*[self._cell(c, row.get(c.key), row) for c in self.columns if c.in_table])
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
