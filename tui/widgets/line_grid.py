"""The item grid of a document form: a ScrollView on the Line API that formats only the rows in view, so a
200-line document opens as fast as a 5-line one (a DataTable builds every cell of every row up front).

Rows are tuples of cell texts; columns are (title, width, right-aligned). Up/Down/PgUp/PgDn/Home/End move the
cursor; Enter posts Selected; every cursor move posts Highlighted (both with the row index).
"""
from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.dom import NoScreen
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


def _fit(text: str, width: int, right: bool) -> str:
    text = text if len(text) <= width else text[:max(width - 1, 0)] + "…"
    return text.rjust(width) if right else text.ljust(width)


MIN_FLEX = 10


class LineGrid(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    LineGrid { height: 1fr; min-height: 4; scrollbar-size-vertical: 1; overflow-x: hidden; }
    LineGrid > .line-grid--header { text-style: bold; background: $boost; }
    LineGrid > .line-grid--cursor { background: $accent; color: $text; }
    LineGrid > .line-grid--cursor-focused { background: $accent-lighten-1; color: $text; text-style: bold; }
    """
    # the cursor row of the focused grid is a class of its own, not a `:focus` rule: a component style that changes
    # with the focus makes Textual repaint every row, and the line panel moves the focus out and back for every line
    COMPONENT_CLASSES = {"line-grid--header", "line-grid--cursor", "line-grid--cursor-focused"}
    BINDINGS = [Binding("up", "move(-1)", show=False), Binding("down", "move(1)", show=False),
                Binding("pageup", "page(-1)", show=False), Binding("pagedown", "page(1)", show=False),
                Binding("home", "edge(0)", show=False), Binding("end", "edge(1)", show=False),
                Binding("enter", "select", show=False)]

    cursor_row = reactive(0, repaint=False)

    class Highlighted(Message):
        def __init__(self, grid: "LineGrid", row: int) -> None:
            super().__init__()
            self.grid, self.cursor_row = grid, row

    class Selected(Message):
        def __init__(self, grid: "LineGrid", row: int) -> None:
            super().__init__()
            self.grid, self.cursor_row = grid, row

    def __init__(self, columns: list[tuple[str, int, bool]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = columns
        self.rows: list[tuple[str, ...]] = []
        self._styles: tuple[Style, Style, Style] | None = None   # (row, cursor row, header): see _row_styles
        self._fitted: tuple[int, list[int]] | None = None        # (grid width, column widths): see _widths

    def _row_styles(self) -> tuple[Style, Style, Style]:
        """The rich styles of a row, the cursor row and the header, worked out once per style change (rich_style
        walks every ancestor: per row it was most of a frame of the form)."""
        if self._styles is None:
            base = self.rich_style
            cursor = "line-grid--cursor-focused" if self.has_focus else "line-grid--cursor"
            self._styles = (base, base + self.get_component_rich_style(cursor),
                            self.get_component_rich_style("line-grid--header"))
        return self._styles

    def notify_style_update(self) -> None:
        self._styles = None
        super().notify_style_update()

    # Widget._on_focus/_on_blur repaint the whole widget; only the cursor row looks different with the focus
    def _on_focus(self, event: events.Focus) -> None:
        event.prevent_default()        # not Widget._on_focus (Textual calls the handler of every base class)
        self._styles = None
        self.has_focus = True
        self._refresh_row(self.cursor_row)
        if self.parent is not None:
            self.parent.post_message(events.DescendantFocus(self))

    def _on_blur(self, event: events.Blur) -> None:
        event.prevent_default()
        self._styles = None
        self.has_focus = False
        self._refresh_row(self.cursor_row)
        if self.parent is not None:
            self.parent.post_message(events.DescendantBlur(self))

    def focus(self, scroll_visible: bool = True) -> "LineGrid":
        """Widget.focus without its repaint of the whole widget (the Focus event repaints the cursor row)."""
        def set_focus(widget: LineGrid) -> None:
            try:
                widget.screen.set_focus(widget, scroll_visible=scroll_visible)
            except NoScreen:
                pass
        self.app.call_later(set_focus, self)
        return self

    def _refresh_row(self, index: int) -> None:
        """Repaint the row of that index when it is in view (the line under the header: virtual line index + 1)."""
        top = int(self.scroll_offset.y)
        if top <= index < top + self.size.height - 1:
            self.refresh_line(index + 1)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def set_rows(self, rows: list[tuple[str, ...]], cursor: int | None = None) -> None:
        old, self.rows = self.rows, list(rows)
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        target = self.cursor_row if cursor is None else cursor
        top = int(self.scroll_offset.y)
        self.move_cursor(row=min(max(target, 0), max(len(self.rows) - 1, 0)), force=True)
        if int(self.scroll_offset.y) != top:
            self.refresh()
            return
        for index in range(top, top + max(self.size.height - 1, 0)):     # only the rows in view that changed
            if index >= max(len(old), len(self.rows)):
                break
            if index >= len(old) or index >= len(self.rows) or old[index] != self.rows[index]:
                self._refresh_row(index)

    def move_cursor(self, *, row: int, force: bool = False) -> None:
        row = min(max(row, 0), max(len(self.rows) - 1, 0))
        old = self.cursor_row
        changed = row != old
        self.cursor_row = row
        visible = self.size.height - 1
        top = int(self.scroll_offset.y)
        if visible > 0:
            if row < top:
                self.scroll_to(y=row, animate=False, immediate=True)
            elif row >= top + visible:
                self.scroll_to(y=row - visible + 1, animate=False, immediate=True)
        if int(self.scroll_offset.y) != top:
            self.refresh()
        else:
            self._refresh_row(old)
            self._refresh_row(row)
        if (changed or force) and self.rows:
            self.post_message(self.Highlighted(self, row))

    def action_move(self, step: int) -> None:
        self.move_cursor(row=self.cursor_row + step)

    def action_page(self, step: int) -> None:
        self.move_cursor(row=self.cursor_row + step * max(self.size.height - 2, 1))

    def action_edge(self, end: int) -> None:
        self.move_cursor(row=len(self.rows) - 1 if end else 0)

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.Selected(self, self.cursor_row))

    def _widths(self, width: int) -> list[int]:
        """Column widths for the grid's width: when the columns do not fit, the widest text column (the name) gives
        up what is missing, down to MIN_FLEX, so the value column stays in view at 80 columns."""
        if self._fitted is not None and self._fitted[0] == width:
            return self._fitted[1]
        widths = [w for _t, w, _r in self.columns]
        excess = sum(widths) + len(widths) - 1 - width
        texts = [i for i, (_t, _w, right) in enumerate(self.columns) if not right]
        if excess > 0 and texts:
            flex = max(texts, key=lambda i: widths[i])
            widths[flex] = max(MIN_FLEX, widths[flex] - excess)
        self._fitted = (width, widths)
        return widths

    def _line(self, cells, width: int) -> str:
        parts = [_fit(str(text), w, right) for text, w, (_t, _w, right) in zip(cells, self._widths(width), self.columns)]
        return " ".join(parts)[:width].ljust(width)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base, cursor, header = self._row_styles()
        if y == 0:
            return Strip([Segment(self._line([t for t, _w, _r in self.columns], width), header)], width)
        index = int(self.scroll_offset.y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        return Strip([Segment(self._line(self.rows[index], width), cursor if index == self.cursor_row else base)],
                     width)

    def on_resize(self, event) -> None:
        self.virtual_size = Size(event.size.width, len(self.rows) + 1)
