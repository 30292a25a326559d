"""VirtualList: one registry list widget on Textual's Line API.

It never holds the rows of a list: it keeps a small window of rows around what is visible,
filled by keyset pages from a store.paging.ListQuery (walking with PageDown asks for the next
page after the last key; End asks for the last page; only a scrollbar jump uses an offset).
Cursor and marks are record ids, so refresh, insert and delete never lose the user's place.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store.paging import ListQuery
from tui.widgets.marks import Marks

WINDOW_MAX = 400     # rows kept around the viewport
LOCATOR_IDLE_S = 1.0
SYNC_LOCATE_MAX = 50_000  # up to this many rows the locator counts the position at once (a few ms)  # after this pause Space marks again instead of extending the locator text


@dataclass
class Window:
    start: int = 0
    rows: list | None = None

    def __post_init__(self):
        self.rows = self.rows or []

    @property
    def end(self) -> int:
        return self.start + len(self.rows)

    def get(self, index: int):
        if self.start <= index < self.end:
            return self.rows[index - self.start]
        return None


class VirtualList(ScrollView, can_focus=True, inherit_bindings=False):
    """A keyset-paged list. Emits messages; the screen decides what they mean."""

    DEFAULT_CSS = """
    VirtualList { height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden; }
    VirtualList > .virtual-list--cursor { background: $accent; color: $text; text-style: bold; }
    VirtualList > .virtual-list--marked { color: $warning; text-style: bold; }
    VirtualList:focus > .virtual-list--cursor { background: $accent-lighten-1; }
    """
    COMPONENT_CLASSES = {"virtual-list--cursor", "virtual-list--marked"}
    HELP = ("Lista: strzałki, PgUp/PgDn, Home/End przesuwają kursor; pisanie liter wyszukuje w kolumnie "
            "sortowania (lokator); Spacja zaznacza wiersz.")

    cursor = reactive(0, always_update=True, repaint=False)

    class CursorMoved(Message):
        def __init__(self, row_id: int | None) -> None:
            self.row_id = row_id
            super().__init__()

    class Activated(Message):
        """Enter on a row."""

        def __init__(self, row_id: int) -> None:
            self.row_id = row_id
            super().__init__()

    class LocatorChanged(Message):
        def __init__(self, text: str, found: bool) -> None:
            self.text, self.found = text, found
            super().__init__()

    def __init__(self, query: ListQuery, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.query = query
        self.total = 0
        self.window = Window()
        self.marks = Marks()
        self.cursor_id: int | None = None
        self.locator_text = ""
        self._locator_at = 0.0
        self._locate_seq = 0
        self.pages_read = 0      # for tests and benchmarks: how many page queries ran
        self.rows_rendered = 0   # lines of real rows rendered (benchmarks wait for the first)
        self.first_row_at: float | None = None  # perf_counter() when the first real row was drawn

    # --- data ----------------------------------------------------------------------------
    @property
    def page_size(self) -> int:
        # Before the first layout the widget has no size yet: the screen height is a safe page.
        return max(self.size.height or self.app.size.height, 1)

    def _fetch(self, fn, *args):
        self.pages_read += 1
        return fn(*args)

    def reload(self, keep_id: int | None = None) -> None:
        """Re-read count and the window around keep_id (or the cursor), e.g. after F5 or a filter."""
        keep_id = self.cursor_id if keep_id is None else keep_id
        self.total = self.query.count()
        self.window = Window()
        index = 0
        if keep_id is not None:
            key = self.query.key_of_id(keep_id)
            if key is not None:
                index = self.query.index_of(key)
            else:
                index = min(self.cursor, max(self.total - 1, 0))
        self.virtual_size = Size(self.size.width, self.total)
        self._load_around(index)
        self._set_cursor(index, scroll=True)
        self.refresh()

    def _load_around(self, index: int) -> None:
        """Make sure rows [top, top + height] are in the window, using keyset pages when adjacent."""
        height = self.page_size + 1
        top = max(0, min(index, self.total - 1))
        want_start, want_end = top, min(self.total, top + height)
        w = self.window
        if w.rows and w.start <= want_start and want_end <= w.end:
            return
        if w.rows and w.end <= want_end and want_start <= w.end + height and w.end < self.total:
            rows = self._fetch(self.query.page_after, self.query.key(w.rows[-1]), max(height, want_end - w.end))
            w.rows.extend(rows)
        elif w.rows and want_start < w.start and want_end >= w.start - height and w.start > 0:
            rows = self._fetch(self.query.page_before, self.query.key(w.rows[0]), max(height, w.start - want_start))
            w.rows[:0] = rows
            w.start -= len(rows)
        elif want_end >= self.total:  # End: the last page by keyset from the end
            rows = self._fetch(self.query.page_before, None, height)
            self.window = Window(self.total - len(rows), rows)
        elif want_start == 0:
            self.window = Window(0, self._fetch(self.query.page_after, None, height))
        else:  # a jump to the middle (scrollbar): the only offset query
            self.window = Window(want_start, self._fetch(self.query.page_at, want_start, height))
        self._trim(top)

    def _trim(self, keep: int) -> None:
        w = self.window
        if len(w.rows) <= WINDOW_MAX:
            return
        lo = max(w.start, keep - WINDOW_MAX // 2)
        hi = lo + WINDOW_MAX
        w.rows = w.rows[lo - w.start: hi - w.start]
        w.start = lo

    def row_at(self, index: int):
        row = self.window.get(index)
        if row is None and 0 <= index < self.total:
            self._load_around(index)
            row = self.window.get(index)
        return row

    # --- cursor --------------------------------------------------------------------------
    def _set_cursor(self, index: int, *, scroll: bool = True) -> None:
        index = max(0, min(index, self.total - 1)) if self.total else 0
        old = self.cursor
        self.cursor = index
        row = self.row_at(index) if self.total else None
        self.cursor_id = row[0] if row else None
        if scroll:
            self._scroll_to_cursor()
        self.refresh_line_at(old)
        self.refresh_line_at(index)
        self.post_message(self.CursorMoved(self.cursor_id))

    def refresh_line_at(self, index: int) -> None:
        """Repaint the row at list position index. ScrollView.refresh_line takes a position in the
        virtual area (it subtracts the scroll offset itself), so index goes in unchanged."""
        if 0 <= index - int(self.scroll_offset.y) < self.size.height:
            self.refresh_line(index)

    def _scroll_to_cursor(self) -> None:
        top = int(self.scroll_offset.y)
        height = self.page_size
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)
        self._load_around(int(self.scroll_offset.y))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        self._load_around(int(new_value))
        super().watch_scroll_y(old_value, new_value)

    def move_to_id(self, row_id: int) -> bool:
        key = self.query.key_of_id(row_id)
        if key is None:
            return False
        self._jump_to_key(key)
        return True

    def _jump_to_key(self, key) -> None:
        """Cursor on the row of key: one count for its position, one keyset page from it."""
        index = self.query.index_of(key)
        self.window = Window(index, self._fetch(self.query.page_after, key, self.page_size + 1, True))
        self._set_cursor(index)
        self.refresh()
        # and once more after the next layout: a jump made while the screen resumes (a card just
        # closed) must still end with the cursor row on screen
        self.call_after_refresh(self._scroll_to_cursor)

    # --- key handling --------------------------------------------------------------------
    def action_cursor_down(self) -> None:
        self._set_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._set_cursor(self.cursor - 1)

    def action_page_down(self) -> None:
        self.scroll_to(y=min(self.scroll_offset.y + self.page_size, max(self.total - self.page_size, 0)),
                       animate=False, immediate=True)
        self._set_cursor(self.cursor + self.page_size)

    def action_page_up(self) -> None:
        self.scroll_to(y=max(self.scroll_offset.y - self.page_size, 0), animate=False, immediate=True)
        self._set_cursor(self.cursor - self.page_size)

    def action_first(self) -> None:
        self._set_cursor(0)

    def action_last(self) -> None:
        self._set_cursor(self.total - 1)

    def on_key(self, event) -> None:
        key = event.key
        # Navigation is handled here, in order with the locator's typed letters (a screen binding
        # would run after letters typed behind it).
        nav = {"down": self.action_cursor_down, "up": self.action_cursor_up,
               "pagedown": self.action_page_down, "pageup": self.action_page_up,
               "home": self.action_first, "ctrl+home": self.action_first,
               "end": self.action_last, "ctrl+end": self.action_last}
        if key in nav:
            self.locator_text = ""
            nav[key]()
            event.stop()
            event.prevent_default()
            return
        if key == "backspace" and self.locator_text:
            self._locate(self.locator_text[:-1])
            event.stop()
            return
        if key == "space" and self.locator_text and time.monotonic() - self._locator_at < LOCATOR_IDLE_S:
            self._locate(self.locator_text + " ")
            event.stop()
            event.prevent_default()
            return
        if event.is_printable and event.character and key != "space":
            text = self.locator_text if time.monotonic() - self._locator_at < 3 * LOCATOR_IDLE_S else ""
            self._locate(text + event.character)
            event.stop()
            event.prevent_default()

    def _locate(self, text: str) -> None:
        """Jump to the first row whose sorted column starts with text.

        On a big list the located rows are shown at once and their exact position (a range count
        over up to half the table) follows from a worker; a small list counts at once.
        """
        self.locator_text = text
        self._locator_at = time.monotonic()
        found = False
        if text:
            key = self.query.locate(text)
            if key is not None:
                found = str(key[0]).lower().startswith(text.lower())
                self._locate_seq += 1
                if self.total <= SYNC_LOCATE_MAX:
                    self._jump_to_key(key)
                else:
                    provisional = max(0, min(self.cursor, self.total - self.page_size - 1))
                    self.window = Window(provisional, self._fetch(self.query.page_after, key, self.page_size + 1, True))
                    self.scroll_to(y=provisional, animate=False, immediate=True)
                    self._set_cursor(provisional, scroll=False)
                    self.refresh()
                    self._position_worker(key, self._locate_seq)
        self.post_message(self.LocatorChanged(text, found))

    @work(thread=True, exclusive=True, group="locate")
    def _position_worker(self, key, seq: int) -> None:
        index = self.query.index_of(key)
        self.app.call_from_thread(self._place_located, key, index, seq)

    def _place_located(self, key, index: int, seq: int) -> None:
        """Put the located row at its true position unless the user has typed or moved on."""
        if seq != self._locate_seq or self.cursor_id != key[1]:
            return
        self.window = Window(index, self._fetch(self.query.page_after, key, self.page_size + 1, True))
        self._set_cursor(index)
        self.refresh()

    def toggle_mark(self) -> None:
        if self.cursor_id is None:
            return
        self.marks.toggle(self.cursor_id)
        self.refresh_line_at(self.cursor)
        self._set_cursor(self.cursor + 1)

    def activate(self) -> None:
        if self.cursor_id is not None:
            self.post_message(self.Activated(self.cursor_id))

    # --- rendering -----------------------------------------------------------------------
    def column_widths(self, width: int) -> list[int]:
        cols = self.query.spec.columns
        fixed = sum(c.width for c in cols) + len(cols) + 2
        widths = [c.width for c in cols]
        widest = max(range(len(cols)), key=lambda i: cols[i].width)
        # the widest column (the name) takes the spare room, or gives room back on a narrow terminal
        widths[widest] = max(4, widths[widest] + width - fixed)
        return widths

    def format_row(self, row, width: int) -> str:
        cols = self.query.spec.columns
        parts = []
        for col, w, value in zip(cols, self.column_widths(width), row[1:1 + len(cols)]):
            text = col.format(value) if col.format else ("" if value is None else str(value))
            text = text[:w]
            parts.append(text.rjust(w) if col.align == "right" else text.ljust(w))
        return " ".join(parts)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = int(self.scroll_offset.y) + y
        if index >= self.total:
            return Strip.blank(width, self.rich_style)
        row = self.window.get(index)
        if row is None:
            self._load_around(int(self.scroll_offset.y))
            row = self.window.get(index)
        if row is None:
            return Strip([Segment("…".ljust(width), self.rich_style)], width)
        self.rows_rendered += 1
        if self.first_row_at is None:
            self.first_row_at = time.perf_counter()
        marked = self.marks.contains(row[0])
        text = ("●" if marked else " ") + " " + self.format_row(row, width - 2)
        style = self.rich_style
        if marked:
            style = style + self.get_component_rich_style("virtual-list--marked")
        if index == self.cursor:
            style = style + self.get_component_rich_style("virtual-list--cursor")
        return Strip([Segment(text[:width].ljust(width), style)], width)

    def header_text(self, width: int) -> str:
        cols = self.query.spec.columns
        parts = []
        for col, w in zip(cols, self.column_widths(width - 2)):
            title = col.title + (("▼" if self.query.descending else "▲") if col.name == self.query.sort else "")
            parts.append(title[:w].rjust(w) if col.align == "right" else title[:w].ljust(w))
        return ("  " + " ".join(parts))[:max(width - 1, 0)]

    def on_resize(self, event) -> None:
        self.virtual_size = Size(event.size.width, self.total)
        self._load_around(int(self.scroll_offset.y))
