"""The item grid of a document form: a ScrollView on the Line API that formats only the rows in view, so a
200-line document opens as fast as a 5-line one (a DataTable builds every cell of every row up front).

Rows are tuples of cell texts; columns are (title, width, right-aligned). Up/Down/PgUp/PgDn/Home/End move the
cursor; Enter posts Selected; every cursor move posts Highlighted (both with the row index).
"""
from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


def _fit(text: str, width: int, right: bool) -> str:
    text = text if len(text) <= width else text[:max(width - 1, 0)] + "…"
    return text.rjust(width) if right else text.ljust(width)


class LineGrid(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    LineGrid { height: 1fr; min-height: 4; scrollbar-size-vertical: 1; overflow-x: hidden; }
    LineGrid > .line-grid--header { text-style: bold; background: $boost; }
    LineGrid > .line-grid--cursor { background: $accent; color: $text; }
    LineGrid:focus > .line-grid--cursor { background: $accent-lighten-1; text-style: bold; }
    """
    COMPONENT_CLASSES = {"line-grid--header", "line-grid--cursor"}
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

    def _row_styles(self) -> tuple[Style, Style, Style]:
        """The rich styles of a row, the cursor row and the header, worked out once per style change (rich_style
        walks every ancestor: per row it was most of a frame of the form)."""
        if self._styles is None:
            base = self.rich_style
            self._styles = (base, base + self.get_component_rich_style("line-grid--cursor"),
                            self.get_component_rich_style("line-grid--header"))
        return self._styles

    def notify_style_update(self) -> None:
        self._styles = None
        super().notify_style_update()

    def _on_focus(self, event) -> None:
        self._styles = None            # the cursor row is brighter while the grid has the focus
        super()._on_focus(event)

    def _on_blur(self, event) -> None:
        self._styles = None
        super()._on_blur(event)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def set_rows(self, rows: list[tuple[str, ...]], cursor: int | None = None) -> None:
        self.rows = list(rows)
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        target = self.cursor_row if cursor is None else cursor
        self.move_cursor(row=min(max(target, 0), max(len(self.rows) - 1, 0)), force=True)
        self.refresh()

    def move_cursor(self, *, row: int, force: bool = False) -> None:
        row = min(max(row, 0), max(len(self.rows) - 1, 0))
        changed = row != self.cursor_row
        self.cursor_row = row
        visible = self.size.height - 1
        top = int(self.scroll_offset.y)
        if visible > 0:
            if row < top:
                self.scroll_to(y=row, animate=False, immediate=True)
            elif row >= top + visible:
                self.scroll_to(y=row - visible + 1, animate=False, immediate=True)
        self.refresh()
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

    def _line(self, cells, width: int) -> str:
        parts = [_fit(str(text), w, right) for text, (_title, w, right) in zip(cells, self.columns)]
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
