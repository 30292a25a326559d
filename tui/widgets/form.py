"""Reusable pieces of a record card (formularz): fields with a message line, grids of sub-records, and
`FormScreen` with dirty tracking, Ctrl+S save, Esc asking "Porzucić zmiany?", F6 / Ctrl+PgDn between
tabs, per-field ValidationError display and read-only fields that say why.

A concrete card subclasses FormScreen, composes FormField/GridField widgets (inside TabbedContent
panes if it has tabs) and implements `save_values(values, grids, confirm) -> id`, calling store
functions only. Generic: nothing here knows about contractors or goods.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane

from store.errors import FiliaError, ValidationError
from store.i18n import _
from tui import keymap
from tui.widgets.confirm import ConfirmDialog
from tui.widgets.form_field import FormField
from tui.widgets.form_grid import GridColumn, GridField, RowDialog

__all__ = ["FormField", "FormScreen", "GridColumn", "GridField", "LazyBody", "RowDialog"]


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
        self._shared_reasons: set[str] = set()
        self._grid_locks: dict[str, str | None] = {}
        self._built: set[str] = set()

    @property
    def ready_for_input(self) -> bool:
        """False while the card is still loading (the app holds typed keys meanwhile): it is loaded once
        its values are marked clean, and something has focus — a field, a grid or the tab row."""
        return self._original is not None and self.focused is not None

    # --- to implement ---------------------------------------------------------------------------
    def save_values(self, values: dict, grids: dict[str, list[dict]], confirm: bool) -> Any:
        """Store the card; return what the screen is dismissed with (the record id)."""
        raise NotImplementedError

    def build_pane(self, pane_id: str) -> list[Widget]:
        """The widgets of one tab (FormField, GridField, anything else)."""
        return []

    def unchanged_result(self) -> Any:
        """What Ctrl+S on an unchanged card closes with, without saving (None = save anyway, e.g. a new card)."""
        return None

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
        self._lock_field(field)

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

    # A reason shared by more fields than this is said once in the banner instead of under each field.
    SHARED_REASON_FIELDS = 2

    def set_locks(self, reasons: dict[str, str], grid_reasons: dict[str, str | None] | None = None) -> None:
        """Read-only fields and why. A reason common to many fields goes to the banner once (the fields are
        disabled); a reason of one or two fields is shown under each of them."""
        counts = Counter(reasons.values())
        shared = [r for r, n in counts.items() if n > self.SHARED_REASON_FIELDS]
        self._locks, self._shared_reasons = dict(reasons), set(shared)
        self._grid_locks = dict(grid_reasons or {})
        self._update_banner()
        for f in self.form_fields().values():
            self._lock_field(f)
        for name, g in self.grid_fields().items():
            g.set_locked(self._grid_locks.get(name))

    def _lock_field(self, field: "FormField") -> None:
        reason = self._locks.get(field.field_name)
        field.set_locked(reason, show_reason=reason not in self._shared_reasons)

    def show_banner(self, text: str) -> None:
        self._banner = text
        self._update_banner()

    def _update_banner(self) -> None:
        base = getattr(self, "_banner", "")
        lines = [base] if base else []
        lines += [_("Tylko do odczytu: {reason}").format(reason=r) for r in sorted(self._shared_reasons)
                  if r not in base]
        text = "\n".join(lines)
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
        unchanged = self.unchanged_result()
        if unchanged is not None and not self.is_dirty:
            self.dismiss(unchanged)
            return
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
