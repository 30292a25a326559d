"""The tabs of a card: one row naming every tab (wrapped onto a second line when the screen is narrow, so
at 80 columns no tab hides), and one scrolling body per tab, built when the tab is first shown.

Two widgets plus one per tab: Textual's TabbedContent costs about ten widgets per tab and restyles them all
when focus moves, a third of a card's opening time. Tabs are switched with F6 / Shift+F6 (Ctrl+PgDn/PgUp
where the terminal delivers them) or the mouse.
"""
from __future__ import annotations

from rich.text import Text
from textual import events
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget

GAP = 1


class TabRow(Widget):
    """Every tab's label; the active one highlighted. Not focusable: the keys are the card's."""

    DEFAULT_CSS = """
    TabRow { height: auto; background: $panel; padding: 0 1; }
    """

    class Clicked(Message):
        def __init__(self, pane_id: str) -> None:
            super().__init__()
            self.pane_id = pane_id

    def __init__(self, tabs: list[tuple[str, str]], active: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tabs, self.active = list(tabs), active
        self._places: list[tuple[int, int, int, str]] = []   # (line, start, end, pane id)

    def set_active(self, pane_id: str) -> None:
        self.active = pane_id
        self.refresh()

    def _lines(self, width: int) -> list[list[tuple[str, str]]]:
        lines, line, used = [], [], 0
        for pane_id, label in self.tabs:
            cell = f" {label} "
            if line and used + GAP + len(cell) > width:
                lines.append(line)
                line, used = [], 0
            used += (GAP if line else 0) + len(cell)
            line.append((pane_id, cell))
        if line:
            lines.append(line)
        return lines

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, len(self._lines(max(width, 10))))

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        self._places = []
        for n, line in enumerate(self._lines(max(self.content_region.width, 10))):
            if n:
                text.append("\n")
            x = 0
            for pane_id, cell in line:
                if x:
                    text.append(" " * GAP)
                    x += GAP
                style = "bold reverse" if pane_id == self.active else "underline"
                text.append(cell, style=style)
                self._places.append((n, x, x + len(cell), pane_id))
                x += len(cell)
        return text

    def on_click(self, event: events.Click) -> None:
        x = event.x - self.gutter.left
        for line, start, end, pane_id in self._places:
            if line == event.y and start <= x < end:
                self.post_message(self.Clicked(pane_id))
                return


class LazyBody(VerticalScroll, can_focus=False):
    """The scrolling body of one tab; FormScreen.build_pane fills it when the tab is first shown. It never
    takes focus itself (a focusable container restyles every field inside it when focus enters or leaves)."""

    DEFAULT_CSS = "LazyBody { height: 1fr; padding: 0 1; } LazyBody.-hidden { display: none; }"

    def __init__(self, pane_id: str) -> None:
        super().__init__(id=f"body-{pane_id}")
        self.pane_id = pane_id
