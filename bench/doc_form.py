"""The document form on a demo database with 1,000,000 goods (issue 14): the real FiliaApp, headless (Pilot).

line_ms: median over 20 lines of the time from Enter in the goods lookup (the pick) to the frame painted with the
    line in the grid, its price, VAT and the summary redrawn. Between the two the line panel opens over the form with quantity 1
    and the proposed price and takes an Enter per field (sent the moment it is up; two on this standalone demo,
    where the price may be changed, one in a branch): the clerk's path, so it is in the figure.
line_store_ms: baseline in the same run, the same store calls without the screen (line_quote: price_for and
    the availability; summary: the VAT table).
open_ms / small_open_ms: median first frame (grid filled, painted) of a 200-line and of a 5-line document;
    ratio = open_ms / small_open_ms (the grid draws only the rows in view).

How keys are sent and frames seen. The keys are the events Pilot sends (`events.Key` posted to the app, as
`Pilot.press` does through the headless driver), but without `Pilot.press`'s own waits: after each key Pilot
sleeps until the whole process has been idle for a 20 ms slice, twice (`wait_for_idle`), and `Pilot.pause` once
more; with the goods count of a 1,000,000-row lookup still running in a thread that is a wait for the count, not
for the screen. A clerk's key is handled the moment it arrives, so the bench posts it and polls (0.5 ms) for what
the clerk sees: the panel focused, the cursor in the price field, the panel gone and the new line. The end of a
measurement is the frame: the moment the screen's compositor hands a frame to the display (`App._display`, the
call that writes to the terminal outside headless mode) showing that state, after the screen has nothing left to
lay out or repaint. Pilot's own cost of a key and a frame (a key nothing binds) is printed on stderr for
comparison: it alone was ~100 ms a key, more than the whole target of a line.
Last line: doc_form line_ms=… line_store_ms=… open_ms=… small_open_ms=… ratio=…
"""
from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from decimal import Decimal

from _common import demo_db

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
LINES = 20
OPENS = int(os.environ.get("RUNS", 9))
MARK = "bench doc_form"


def _documents() -> tuple[int, int]:
    """A 200-line and a 5-line PZ (buffer), made once in the cached database."""
    from store import trade
    from store.catalog.models import Goods
    from store.trade import Document

    found = {d.description: d.id for d in Document.select().where(Document.description.startswith(MARK))}
    out = []
    for n in (200, 5):
        key = f"{MARK} {n}"
        if key not in found:
            goods = [g for (g,) in Goods.select(Goods.id).where(Goods.is_service == False)  # noqa: E712
                     .order_by(Goods.id).limit(n).tuples()]
            view = trade.save_buffer(trade.DocumentDraft("PZ", None, {"description": key}, [
                trade.LineDraft(goods_id=g, quantity=Decimal(1), price=Decimal("1.00")) for g in goods]))
            found[key] = view.id
        out.append(found[key])
    return out[0], out[1]


def _store_baseline(goods_ids: list[int]) -> float:
    import datetime as dt

    from store.trade import listing

    wh = listing.default_warehouse()
    times, lines = [], []
    for gid in goods_ids:
        started = time.perf_counter()
        q = listing.line_quote("FA", gid, contractor_id=None, warehouse_id=wh, on=dt.date.today())
        lines.append({"rate_code": q.rate_code, "rate": q.rate, "quantity": Decimal(1), "price": q.price})
        listing.summary(lines, from_gross=False)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


class _Frames:
    """Watches the frames the app hands to the display (App._display; headless it writes nothing)."""

    def __init__(self, app) -> None:
        self.app, self.probe, self.seen_at = app, None, None
        original = app._display

        def display(screen, renderable) -> None:
            original(screen, renderable)
            if renderable is not None and self.probe is not None and self.probe():
                self.seen_at = time.perf_counter()
        app._display = display

    def expect(self, probe) -> None:
        """From now on note the frames that show probe() true."""
        self.probe, self.seen_at = probe, None

    def _settled(self) -> bool:
        screen = self.app.screen
        if screen._layout_required or screen._repaint_required or screen._dirty_widgets or screen._scroll_required:
            return False
        return self.app._message_queue.empty() and all(w._message_queue.empty()
                                                       for w in screen.walk_children(with_self=True))

    async def painted(self) -> float:
        """When the frame showing the expected state was painted, once nothing is left to lay out or paint."""
        given_up = time.perf_counter() + 30
        while self.seen_at is None or not self._settled():
            if time.perf_counter() > given_up:
                screen = self.app.screen
                raise AssertionError(f"no frame showed the state: {screen!r} seen={self.seen_at} probe="
                                     f"{self.probe()} settled={self._settled()}")
            await asyncio.sleep(0.0005)
        at, self.probe = self.seen_at, None
        return at


def _key(app, key: str) -> None:
    """The key event Pilot.press posts (textual App._press_keys), without its waits for an idle process."""
    import unicodedata

    from textual import events
    from textual.keys import _get_unicode_name_from_key

    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(key))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    app.post_message(event)


async def _until(condition) -> None:
    while not condition():
        await asyncio.sleep(0.0005)


async def _run(url: str) -> tuple[float, list[int], float, float]:
    from store.db import database, open_database
    from tui.app import FiliaApp
    from tui.screens.document_form import DocumentForm
    from tui.screens.list_screen import ListScreen
    from tui.screens.main_menu import MainMenu

    db = open_database(url)
    big, small = _documents()
    app = FiliaApp(url, operator_login="ADMIN")
    line_times, picked, noop, halves = [], [], [], []
    opens = {big: [], small: []}
    async with app.run_test(size=(120, 40)) as pilot:
        frames = _Frames(app)
        while not isinstance(app.screen, MainMenu):
            await pilot.pause()
        form = DocumentForm("FA")
        app.push_screen(form)
        await pilot.pause()
        form.table.focus()
        for i in range(LINES):
            form.action_add_line()
            while not isinstance(app.screen, ListScreen):
                await pilot.pause()
            lookup = app.screen
            while not lookup.is_mounted or not lookup.query("VirtualList") or not lookup.list.total:
                await pilot.pause()
            await pilot.press(*["down"] * (i * 7 % 40))
            await pilot.pause()
            picked.append(lookup.list.cursor_id)
            before = form.table.row_count
            panel = form.line_panel
            frames.expect(lambda: app.screen is form and panel.is_open and form.focused is not None
                          and form.focused.id == "line-quantity")
            started = time.perf_counter()
            _key(app, "enter")
            mid = await frames.painted()                 # the line panel painted, the cursor in the quantity
            for field in [w for w in panel.query("Input") if w.display][1:]:  # Enter moves to the price
                _key(app, "enter")
                await _until(lambda f=field: form.focused is f)
            frames.expect(lambda: app.screen is form and not panel.is_open and form.table.row_count > before)
            _key(app, "enter")                           # the last field's Enter accepts the line
            ended = await frames.painted()               # the frame with the line and the summary painted
            line_times.append((ended - started) * 1000)
            halves.append((mid - started) * 1000)
        assert len(form.lines) == LINES and all(ln["price"] is not None for ln in form.lines)
        for _ in range(LINES):                           # what Pilot itself costs per key (a key the grid ignores)
            started = time.perf_counter()
            await pilot.press("f24")
            await pilot.pause()
            noop.append((time.perf_counter() - started) * 1000)
        form.dirty = False
        form.action_close()
        await pilot.pause()
        for i in range(OPENS + 1):
            for doc_id in (big, small):
                screen = DocumentForm("PZ", doc_id)
                frames.expect(lambda s=screen: app.screen is s and s.is_mounted and s.table.row_count > 0)
                started = time.perf_counter()
                app.push_screen(screen)
                ended = await frames.painted()           # first frame painted with the grid filled
                if i:                                    # the first open loads code: not counted
                    opens[doc_id].append((ended - started) * 1000)
                screen.action_close()
                await pilot.pause()
    db.close()
    database.initialize(None)
    up = statistics.median(halves)
    print(f"of a line: pick -> panel painted {up:.1f} ms, panel Enter(s) -> line painted "
          f"{statistics.median(line_times) - up:.1f} ms", file=sys.stderr)
    print(f"Pilot's own cost of one key and a frame (a key nothing binds, Pilot.press + pause): median "
          f"{statistics.median(noop):.1f} ms", file=sys.stderr)
    return statistics.median(line_times), picked, statistics.median(opens[big]), statistics.median(opens[small])


def main() -> None:
    from store.db import database, open_database

    url = demo_db(1_000_000)
    line_ms, picked, open_ms, small_ms = asyncio.run(_run(url))
    db = open_database(url)
    store_ms = _store_baseline(picked)
    db.close()
    database.initialize(None)
    print(f"lines {LINES}: Enter in the lookup -> line with price, VAT and summary shown: median {line_ms:.1f} ms "
          f"(store calls alone {store_ms:.1f} ms)")
    print(f"first frame: 200 lines {open_ms:.1f} ms, 5 lines {small_ms:.1f} ms (median of {OPENS})")
    print(f"doc_form line_ms={line_ms:.1f} line_store_ms={store_ms:.1f} open_ms={open_ms:.1f} "
          f"small_open_ms={small_ms:.1f} ratio={open_ms / small_ms:.2f}")


if __name__ == "__main__":
    main()
