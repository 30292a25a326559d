"""VirtualList: one registry list widget on Textual's Line API.

It never holds the rows of a list: it keeps a small window of rows around what is visible,
filled by keyset pages from a store.paging.ListQuery (walking with PageDown asks for the next
page after the last key; End asks for the last page; only a scrollbar jump uses an offset).
Cursor and marks are record ids, so refresh, insert and delete never lose the user's place.

On a big list (more than SYNC_MAX rows) nothing waits for a count: a new sort or filter shows the
rows around the cursor's record at once, by keyset from the index, at a guessed position; a worker
then counts the rows and the record's position and the window moves to its true place (`count` is
None until then). A small list counts at once.
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
LOCATOR_IDLE_S = 1.0  # after this pause Space marks again instead of extending the locator text
SYNC_MAX = 50_000    # up to this many rows a list counts and places at once (a few ms)
FLEX_MIN = 20        # the name column keeps at least this many characters; other columns give way


def _fit(text: str, width: int, align: str = "left") -> str:
    """text in exactly width characters: one line, cut with „…” when longer."""
    text = " ".join(text.split()) if "\n" in text or "\t" in text else text
    if len(text) > width:
        text = text[:max(width - 1, 0)] + "…" if width > 0 else ""
    return text.rjust(width) if align == "right" else text.ljust(width)


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
    VirtualList > .virtual-list--buffer { color: $text-muted; }
    VirtualList > .virtual-list--cancel_req { color: dodgerblue; }
    VirtualList > .virtual-list--cancel_hq { color: red; }
    VirtualList > .virtual-list--cancelled { color: $text-disabled; text-style: strike; }
    """
    COMPONENT_CLASSES = {"virtual-list--cursor", "virtual-list--marked", "virtual-list--buffer",
                         "virtual-list--cancel_req", "virtual-list--cancel_hq", "virtual-list--cancelled"}
    TONES = ("buffer", "cancel_req", "cancel_hq", "cancelled")
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

    class Counted(Message):
        """A worker has counted the rows (and placed the window at the cursor's true position)."""

    def __init__(self, query: ListQuery, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.query = query
        self.total = 0           # rows as the window numbers them (the true count once settled)
        self.count: int | None = 0  # the true number of rows; None while a worker counts
        self.window = Window()
        self.marks = Marks()
        self.cursor_id: int | None = None
        self.row_tone = None     # row -> one of TONES or "" (a row's colour: document states)
        self.locator_text = ""
        self._locator_at = 0.0
        self._placement: tuple | None = None  # (key, index): key shown at a guessed index
        self._generation = 0                  # +1 whenever the query changes: older counts are stale
        self._placing: tuple | None = None    # (generation, key) the latest worker counts for
        self.searching = False                # a worker reads the first rows of a slow filter
        self._kept: int | None = None         # the record reload keeps the cursor on
        self.pages_read = 0      # for tests and benchmarks: how many page queries ran
        self.rows_rendered = 0   # lines of real rows rendered (benchmarks wait for the first)
        self.first_row_at: float | None = None  # perf_counter() when the first real row was drawn

    # --- data ----------------------------------------------------------------------------
    @property
    def page_size(self) -> int:
        # Before the first layout the widget has no size yet: the screen height is a safe page.
        return max(self.size.height or self.app.size.height, 1)

    @property
    def settled(self) -> bool:
        """The count is known and the window is at its true position."""
        return self.count is not None and self._placement is None

    def _fetch(self, fn, *args):
        self.pages_read += 1
        return fn(*args)

    def reload(self, keep_id: int | None = None, *, recount: bool = True) -> None:
        """The query or the data changed (sort, filter, F5, a saved card): show the rows around keep_id
        (or the cursor's record; the top when it is not in the list any more).

        recount=False when only the order changed (the count stays). A small list counts and places
        at once; a big one shows the rows first and counts in a worker."""
        keep_id = (self.cursor_id if not self.searching else self._kept) if keep_id is None else keep_id
        self._kept = keep_id
        self._generation += 1
        self.searching = False
        self._placement = None
        key = self.query.key_of_id(keep_id) if keep_id is not None else None
        if recount or self.count is None:
            self.count = None
        if (self.count if self.count is not None else self.total) <= SYNC_MAX:
            if self.count is None:
                self.count = self.query.count()
            self.total = self.count
            if key is not None:
                index = self.query.index_of(key)
            else:
                index = 0 if keep_id is None else min(self.cursor, max(self.total - 1, 0))
            self.window = Window()
            self.virtual_size = Size(self.size.width, self.total)
            self._load_around(index)
            self._set_cursor(index, scroll=True)
            self.refresh()
            return
        if self.query.slow_to_page():
            self._search(key)
        else:
            self._show(key, guess=self.cursor)
            self._count_unless_settled()

    def _count_unless_settled(self) -> None:
        if not self.settled:
            self._count_worker(self._generation, self._placement[0] if self._placement else None)

    def _pages_around(self, key) -> tuple[list, list]:
        h = self.page_size + 1
        if key is None:
            return [], self._fetch(self.query.page_after, None, h)
        return self._fetch(self.query.page_before, key, h), self._fetch(self.query.page_after, key, h, True)

    def _show(self, key, guess: int, pages: tuple[list, list] | None = None, screen_row: int | None = None) -> None:
        """Rows around key (the first rows when None) by keyset, the cursor on key's row. Its position
        is known when fewer rows than a page precede it, or follow it in a counted list; otherwise it
        is guessed (the cursor's old place) until `_placed` gives the true one."""
        h = self.page_size + 1
        if screen_row is None:
            screen_row = max(0, min(self.cursor - int(self.scroll_offset.y), self.page_size - 1))
        self._placement = None
        before, after = pages if pages is not None else self._pages_around(key)
        if len(before) < h:
            index = len(before)
        elif self.count is not None and len(after) < h:
            index = self.count - len(after)
        else:
            index = max(guess, h)
            if self.count is not None:
                index = min(index, self.count - h)
            self._placement = (key, index)
        self.window = Window(index - len(before), before + after)
        if self.count is not None and self._placement is None:
            self.total = self.count
        else:
            self.total = max(self.total if self.count is not None else 0, self.window.end + (h if len(after) == h else 0))
        self.virtual_size = Size(self.size.width, self.total)
        self.scroll_to(y=max(0, index - screen_row), animate=False, immediate=True, force=True)
        self._set_cursor(index, scroll=True)
        self.refresh()

    def _search(self, key) -> None:
        """A filter that tests row by row may walk far before a page is full: the list is empty (no key
        acts on an old row) while a worker reads the first pages."""
        guess, screen_row = self.cursor, max(0, min(self.cursor - int(self.scroll_offset.y), self.page_size - 1))
        self.searching = True
        self.window, self.total, self.cursor, self.cursor_id = Window(), 0, 0, None
        self.virtual_size = Size(self.size.width, 0)
        self.refresh()
        self.post_message(self.CursorMoved(None))
        self._search_thread(self._generation, key, guess, screen_row)

    @work(thread=True, group="search")
    def _search_thread(self, generation: int, key, guess: int, screen_row: int) -> None:
        pages = self._pages_around(key)
        self.app.call_from_thread(self._found, generation, key, guess, screen_row, pages)

    def _found(self, generation: int, key, guess: int, screen_row: int, pages) -> None:
        if generation != self._generation:
            return
        self.searching = False
        self._show(key, guess, pages, screen_row)
        self._count_unless_settled()
        self.post_message(self.Counted())

    def _count_worker(self, generation: int, key) -> None:
        self._placing = (generation, key)
        self._count_thread(generation, key)

    @work(thread=True, group="count")
    def _count_thread(self, generation: int, key) -> None:
        count = self.query.count() if self.count is None else None
        index = self.query.index_of(key) if key is not None else None
        self.app.call_from_thread(self._placed, generation, count, key, index)

    def _placed(self, generation: int, count: int | None, key, index: int | None) -> None:
        """A worker's count and key position: the window moves by the error of the guess."""
        if generation != self._generation:
            return
        if key is not None and self._placement is not None and self._placement[0] == key:
            self._shift(index - self._placement[1])
            self._placement = None
        if count is not None:
            self.count = count
        if self.count is not None and self._placement is None:
            self.total = self.count
        elif self._placement is not None and self._placing != (self._generation, self._placement[0]):
            self._count_worker(self._generation, self._placement[0])   # the cursor moved to another key
        self.virtual_size = Size(self.size.width, self.total)
        self.refresh()
        self.post_message(self.Counted())

    def _shift(self, delta: int) -> None:
        """Renumber the window (and cursor and scroll) by delta: the same rows at their true indices."""
        if not delta:
            return
        self.window.start += delta
        self.total = max(self.total + delta, self.window.end)
        self.virtual_size = Size(self.size.width, self.total)
        self.cursor += delta
        self.scroll_to(y=max(0, int(self.scroll_offset.y) + delta), animate=False, immediate=True, force=True)

    def settle(self) -> None:
        """Count and place now (a jump that needs true positions: End, a scrollbar drag)."""
        if self.settled:
            return
        key = self._placement[0] if self._placement else None
        count = self.query.count() if self.count is None else None
        index = self.query.index_of(key) if key is not None else None
        self._placed(self._generation, count, key, index)

    def _load_around(self, index: int) -> None:
        """Make sure rows [top, top + height] are in the window, using keyset pages when adjacent."""
        if self.searching or not self.total:
            return
        height = self.page_size + 1
        top = max(0, min(index, self.total - 1))
        want_start, want_end = top, min(self.total, top + height)
        w = self.window
        if w.rows and w.start <= want_start and want_end <= w.end:
            return
        if w.rows and w.end <= want_end and want_start <= w.end + height and w.end < self.total:
            asked = max(height, want_end - w.end)
            rows = self._fetch(self.query.page_after, self.query.key(w.rows[-1]), asked)
            w.rows.extend(rows)
            if not self.settled:  # rows as far as the guess allows; a short page is the true end
                self.total = w.end if len(rows) < asked else max(self.total, w.end + height)
                self.virtual_size = Size(self.size.width, self.total)
        elif w.rows and want_start < w.start and want_end >= w.start - height and w.start > 0:
            asked = max(height, w.start - want_start)
            rows = self._fetch(self.query.page_before, self.query.key(w.rows[0]), asked)
            w.rows[:0] = rows
            w.start -= len(rows)
            if len(rows) < asked and w.start:  # the true first row: the guess was off by w.start
                self._placement = None
                shift = -w.start
                self._shift(shift)
                top += shift
        elif want_end >= self.total and self.count is not None and self._placement is None:
            rows = self._fetch(self.query.page_before, None, height)  # End: the last page by keyset
            self.window = Window(self.total - len(rows), rows)
        elif want_start == 0 and self._placement is None:
            self.window = Window(0, self._fetch(self.query.page_after, None, height))
        elif not self.settled:  # a jump needs true positions: count and place first
            before = self.cursor
            self.settle()
            self._load_around(top + self.cursor - before)
            return
        else:  # a jump to the middle (scrollbar): the only offset query
            self.window = Window(top, self._fetch(self.query.page_at, top, height))
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
        self.refresh_line_at(self.cursor)
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
            self.scroll_to(y=self.cursor, animate=False, immediate=True, force=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True, force=True)
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
        """Cursor on the row of key: keyset pages around it; its position counted at once on a small
        list, by a worker on a big one."""
        if (self.count if self.count is not None else self.total) <= SYNC_MAX:
            self.settle()
            index = self.query.index_of(key)
            self.window = Window(index, self._fetch(self.query.page_after, key, self.page_size + 1, True))
            self._set_cursor(index)
            self.refresh()
        else:
            self._show(key, guess=self.cursor)
            if not self.settled:
                self._count_worker(self._generation, self._placement[0] if self._placement else None)
        # and once more after the next layout: a jump made while the screen resumes (a card just
        # closed) must still end with the cursor row on screen
        self.call_after_refresh(self._scroll_to_cursor)

    # --- key handling --------------------------------------------------------------------
    def action_cursor_down(self) -> None:
        self._set_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._set_cursor(self.cursor - 1)

    def action_page_down(self) -> None:
        self._load_around(int(self.scroll_offset.y) + self.page_size)  # may learn where a guessed list ends
        self.scroll_to(y=min(self.scroll_offset.y + self.page_size, max(self.total - self.page_size, 0)),
                       animate=False, immediate=True, force=True)
        self._set_cursor(self.cursor + self.page_size)

    def action_page_up(self) -> None:
        self._load_around(max(int(self.scroll_offset.y) - self.page_size, 0))
        self.scroll_to(y=max(self.scroll_offset.y - self.page_size, 0), animate=False, immediate=True, force=True)
        self._set_cursor(self.cursor - self.page_size)

    def action_first(self) -> None:
        if not self.settled and self.window.start != 0:
            self._show(None, guess=0)       # the first rows are at 0 whatever the count
        self._set_cursor(0)

    def action_last(self) -> None:
        self.settle()
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
        """Jump to the first row whose sorted column starts with text (Polish case folded): the rows
        from the index at once, their position from a worker on a big list."""
        self.locator_text = text
        self._locator_at = time.monotonic()
        found = False
        if text:
            key = self.query.locate(text)
            if key is not None:
                found = self.query.starts_with(key, text)
                self._jump_to_key(key)
        self.post_message(self.LocatorChanged(text, found))

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
    def layout(self, width: int) -> list[tuple[int, object, int]]:
        """(index in the spec, column, width) of the columns shown in width characters. The widest
        column shown (the name) takes the spare room; when it would get less than FLEX_MIN, columns are
        left out, the lowest `priority` first (the rightmost of equals), never the first one (Kod, CTR-4).
        The widest may go too when it is the least needed (a document list's contractor name before its
        amounts); the widest of the rest then takes the room."""
        shown = list(enumerate(self.query.spec.columns))
        while True:
            flex = max(shown, key=lambda ic: ic[1].width)[0]
            room = width - sum(c.width + 1 for i, c in shown if i != flex) - 1
            droppable = [ic for ic in shown if ic[0] != 0]
            if room >= FLEX_MIN or not droppable:
                break
            lowest = min(ic[1].priority for ic in droppable)
            drop = [ic for ic in droppable if ic[1].priority == lowest][-1]
            shown = [ic for ic in shown if ic is not drop]
        return [(i, c, max(4, room) if i == flex else c.width) for i, c in shown]

    def column_widths(self, width: int) -> list[int]:
        return [w for _i, _c, w in self.layout(width)]

    def format_row(self, row, width: int) -> str:
        parts = []
        for index, col, w in self.layout(width):
            value = row[1 + index]
            text = col.format(value) if col.format else ("" if value is None else str(value))
            parts.append(_fit(text, w, col.align))
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
        tone = self.row_tone(row) if self.row_tone is not None else ""
        if tone in self.TONES:
            style = style + self.get_component_rich_style(f"virtual-list--{tone}")
        if marked:
            style = style + self.get_component_rich_style("virtual-list--marked")
        if index == self.cursor:
            style = style + self.get_component_rich_style("virtual-list--cursor")
        return Strip([Segment(text[:width].ljust(width), style)], width)

    def header_text(self, width: int) -> str:
        parts = []
        for _index, col, w in self.layout(width - 2):
            arrow = ("▼" if self.query.descending else "▲") if col.name == self.query.sort else ""
            label = col.title + arrow
            if len(label) > w:
                label = _fit(col.title, max(w - len(arrow), 0)) + arrow
            parts.append(_fit(label, w, col.align))
        return ("  " + " ".join(parts))[:max(width - 1, 0)]

    def on_resize(self, event) -> None:
        self.virtual_size = Size(event.size.width, self.total)
        self._load_around(int(self.scroll_offset.y))
        # A key pressed before the first layout (or a smaller terminal) may have scrolled for another
        # height: the cursor row must stay on screen, or the highlighted row is not the one keys act on.
        if self.total:
            self.call_after_refresh(self._scroll_to_cursor)
