"""The document form on a demo database with 1,000,000 goods (issue 14): the real FiliaApp, headless (Pilot).

line_ms: median over 20 lines of the time from Enter in the goods lookup (the pick) to the line shown in the
    grid with its price, VAT and the summary redrawn. Between the two the line dialog opens with quantity 1 and
    the proposed price and takes an Enter per field (sent the moment it is up; two on this standalone demo, where
    the price may be changed, one in a branch): the clerk's path, so it is in the figure.
line_store_ms: baseline in the same run, the same store calls without the screen (line_quote: price_for and
    the availability; summary: the VAT table).
open_ms / small_open_ms: median first frame (grid filled, painted) of a 200-line and of a 5-line document;
    ratio = open_ms / small_open_ms (the grid draws only the rows in view).
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


async def _run(url: str) -> tuple[float, list[int], float, float]:
    from store.db import database, open_database
    from tui.app import FiliaApp
    from tui.screens.document_dialogs import LineDialog
    from tui.screens.document_form import DocumentForm
    from tui.screens.list_screen import ListScreen
    from tui.screens.main_menu import MainMenu

    db = open_database(url)
    big, small = _documents()
    app = FiliaApp(url, operator_login="ADMIN")
    line_times, picked, noop, halves = [], [], [], []
    opens = {big: [], small: []}
    async with app.run_test(size=(120, 40)) as pilot:
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
            started = time.perf_counter()
            await pilot.press("enter")
            while not isinstance(app.screen, LineDialog) or app.screen.focused is None:
                await asyncio.sleep(0.0005)
            mid = time.perf_counter()
            await pilot.press(*["enter"] * len(app.screen.query("Input")))   # quantity (and price) accepted
            mid2 = time.perf_counter()
            while form.table.row_count == before or app.screen is not form:
                await asyncio.sleep(0.0005)
            await pilot.pause()                          # the frame with the line and the summary painted
            line_times.append((time.perf_counter() - started) * 1000)
            halves.append(((mid - started) * 1000, (mid2 - mid) * 1000))
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
                started = time.perf_counter()
                screen = DocumentForm("PZ", doc_id)
                app.push_screen(screen)
                while not screen.is_mounted or screen.table.row_count == 0:
                    await asyncio.sleep(0.0005)
                await pilot.pause()                      # first frame painted
                if i:                                    # the first open loads code: not counted
                    opens[doc_id].append((time.perf_counter() - started) * 1000)
                screen.action_close()
                await pilot.pause()
    db.close()
    database.initialize(None)
    print(f"of a line: pick -> dialog up {statistics.median(h[0] for h in halves):.1f} ms, dialog Enter(s) -> line "
          f"shown {statistics.median(line_times) - statistics.median(h[0] for h in halves):.1f} ms", file=sys.stderr)
    print(f"Pilot's own cost of one key and a frame (a key nothing binds): median {statistics.median(noop):.1f} ms",
          file=sys.stderr)
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
