"""The layout and state of a card screen: tabs built when first shown, field values (of built and unbuilt
tabs), dirty tracking, read-only fields with their reason, the banner and the error lines. FormScreen
(tui/widgets/form.py) adds saving, closing and the stale-save dialog."""
from __future__ import annotations

from collections import Counter
from typing import Any

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from store.i18n import _
from tui.widgets.form_field import FormField
from tui.widgets.form_grid import GridField
from tui.widgets.form_tabs import LazyBody, TabRow


def _comparable(grid_rows: list[dict]) -> list:
    return [sorted((k, str(v)) for k, v in r.items()) for r in grid_rows]


class FormScreenBase(ModalScreen[Any]):
    DEFAULT_CSS = """
    FormScreenBase { align: center middle; background: $surface; }
    FormScreenBase > #form-body { width: 100%; height: 100%; background: $surface; }
    FormScreenBase #form-banner { display: none; background: $warning 30%; padding: 0 1; }
    FormScreenBase #form-banner.-shown { display: block; }
    FormScreenBase #form-errors { display: none; color: $error; padding: 0 1; }
    FormScreenBase #form-errors.-shown { display: block; }
    FormScreenBase #form-status { background: $primary 30%; padding: 0 1; }
    """
    # An opaque background: a translucent one (ModalScreen's default) makes Textual render and dim the list
    # under the card on every frame, unseen behind a card that covers the whole screen.
    # The card focuses its first field itself: Textual's auto focus would first focus something else and
    # move focus again (each move restyles the widgets around it).
    AUTO_FOCUS = None
    # A reason shared by more fields than this is said once in the banner instead of under each field.
    SHARED_REASON_FIELDS = 2

    def __init__(self) -> None:
        super().__init__()
        self._original: tuple | None = None
        self._values: dict[str, Any] = {}
        self._grid_values: dict[str, list[dict]] = {}
        self._locks: dict[str, str] = {}
        self._shared_reasons: set[str] = set()
        self._grid_locks: dict[str, str | None] = {}
        self._built: set[str] = set()
        self._banner = ""
        self.tab_list: list[tuple[str, str]] = []
        self.active_pane: str | None = None

    # --- to implement ---------------------------------------------------------------------------
    def build_pane(self, pane_id: str) -> list[Widget]:
        """The widgets of one tab (fields, grids, anything else)."""
        return []

    def field_pane(self, name: str) -> str | None:
        """The tab holding a field or grid (to build and show it when it has an error)."""
        return None

    # --- tabs, built when first shown ------------------------------------------------------------------
    def compose_tabs(self, tabs: list[tuple[str, str]]) -> ComposeResult:
        """The tab row and one (empty) body per tab; the first is shown."""
        self.tab_list = list(tabs)
        self.active_pane = tabs[0][0] if tabs else None
        yield TabRow(self.tab_list, self.active_pane or "", id="card-tabs")
        for pane_id, _label in self.tab_list:
            body = LazyBody(pane_id)
            if pane_id != self.active_pane:
                body.add_class("-hidden")
            yield body

    async def ensure_pane(self, pane_id: str) -> None:
        if pane_id in self._built:
            return
        self._built.add(pane_id)
        body = self.query_one(f"#body-{pane_id}")
        await body.mount_all(self.build_pane(pane_id))

    def open_first_pane(self, pane_id: str) -> None:
        """Build the first tab right after the card's first frame: Textual lays a new screen out twice as it
        appears (resize, then resume), which costs little while the card is empty. Then the first field is
        focused and the card is ready for keys (held ones are replayed)."""
        self.call_after_refresh(self._open_first_pane, pane_id)

    async def _open_first_pane(self, pane_id: str) -> None:
        await self.ensure_pane(pane_id)
        self.focus_first_field()
        self.mark_clean()

    async def show_pane(self, pane_id: str) -> None:
        """Build a tab if needed and show it (the others are hidden)."""
        await self.ensure_pane(pane_id)
        if pane_id == self.active_pane:
            return
        for body in self.query(LazyBody):
            body.set_class(body.pane_id != pane_id, "-hidden")
        self.active_pane = pane_id
        for row in self.query(TabRow):
            row.set_active(pane_id)

    async def on_tab_row_clicked(self, event: TabRow.Clicked) -> None:
        await self.show_pane(event.pane_id)
        self._focus_first(event.pane_id)

    def _focus_first(self, pane_id: str) -> None:
        body = self.query_one(f"#body-{pane_id}")
        for w in body.query("*"):
            if w.focusable:
                w.focus()
                return

    async def _switch_tab(self, step: int) -> None:
        panes = [p for p, _l in self.tab_list]
        if not panes:
            return
        i = panes.index(self.active_pane) if self.active_pane in panes else 0
        target = panes[(i + step) % len(panes)]
        await self.show_pane(target)
        self._focus_first(target)

    async def action_next_tab(self) -> None:
        await self._switch_tab(1)

    async def action_prev_tab(self) -> None:
        await self._switch_tab(-1)

    def action_next_field(self) -> None:
        """Tab: a reference field decides itself (an empty one opens its list); else the next field."""
        forward = getattr(self.focused, "action_tab_forward", None)
        if forward is not None:
            forward()
        else:
            self.focus_next()

    def field_mounted(self, field: FormField) -> None:
        if field.field_name in self._values:
            field.field_value = self._values[field.field_name]
        self._lock_field(field)

    def grid_mounted(self, grid: GridField) -> None:
        grid.load(self._grid_values.get(grid.field_name, []))
        grid.set_locked(self._grid_locks.get(grid.field_name))

    # --- values and dirty tracking ------------------------------------------------------------------
    def form_fields(self) -> dict[str, FormField]:
        return {f.field_name: f for f in self.query(".form-field") if isinstance(f, FormField)}

    def grid_fields(self) -> dict[str, GridField]:
        return {g.field_name: g for g in self.query(GridField)}

    def get_value(self, name: str) -> Any:
        f = self.form_fields().get(name)
        return f.field_value if f is not None else self._values.get(name)

    def set_value(self, name: str, value: Any) -> None:
        f = self.form_fields().get(name)
        if f is not None:
            f.field_value = value
        else:
            self._values[name] = value

    def collect(self) -> dict:
        values = dict(self._values)
        values.update({name: f.field_value for name, f in self.form_fields().items()})
        return values

    def collect_grids(self) -> dict[str, list[dict]]:
        grids = {k: [dict(r) for r in v] for k, v in self._grid_values.items()}
        grids.update({name: [dict(r) for r in g.rows] for name, g in self.grid_fields().items()})
        return grids

    def load(self, values: dict, grids: dict[str, list[dict]] | None = None) -> None:
        """Values as the widgets hold them: str for text inputs, bool for check boxes, a choice value, an id."""
        self._values = {k: ("" if v is None else v) for k, v in values.items()}
        self._grid_values = {k: [dict(r) for r in v] for k, v in (grids or {}).items()}
        for name, f in self.form_fields().items():
            if name in self._values:
                f.field_value = self._values[name]
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

    def focus_first_field(self) -> None:
        first = next((f for f in self.form_fields().values() if not f.disabled), None)
        if first is not None:
            first.focus()

    # --- read-only fields -----------------------------------------------------------------------------
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

    def _lock_field(self, field: FormField) -> None:
        reason = self._locks.get(field.field_name)
        if reason or field.lock_reason:
            field.set_locked(reason, show_reason=reason not in self._shared_reasons)

    def show_banner(self, text: str) -> None:
        self._banner = text
        self._update_banner()

    def _update_banner(self) -> None:
        lines = [self._banner] if self._banner else []
        lines += [_("Tylko do odczytu: {reason}").format(reason=r) for r in sorted(self._shared_reasons)
                  if r not in self._banner]
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
            await self.reveal(first)

    async def reveal(self, widget) -> None:
        """Show the tab holding a widget and focus it."""
        body = next((a for a in widget.ancestors if isinstance(a, LazyBody)), None)
        if body is not None:
            await self.show_pane(body.pane_id)
        target = widget if isinstance(widget, FormField) else widget.table
        self.call_after_refresh(target.focus)
