"""list_open: a list of a million goods opens as fast as a list of ten.

Headless (Textual Pilot), in one run: time from opening the goods list to the first frame that
shows its first page, on 1,000,000 and on 10 goods (median of several openings); the time of a
locator jump to a code in the middle of the million (keypress to the frame showing the row);
and the store's page query against the same keyset query in raw sqlite3.
Last line: list_open ms=<1M> small_ms=<10> ratio=<ms/small_ms> locator_ms=<jump> query_ratio=<store/raw>
"""
from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import time

from _common import demo_db, median

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
RUNS = int(os.environ.get("BENCH_RUNS", "7"))


async def _first_frame(app, pilot) -> float:
    """Open the goods list; return ms until a frame with its first page has been rendered."""
    from tui.screens.list_screen import ListScreen

    t0 = time.perf_counter()
    screen = app.action_open_list("goods")
    while not (isinstance(app.screen, ListScreen) and screen.is_mounted and screen.list.first_row_at):
        await pilot.pause()
    elapsed = (screen.list.first_row_at - t0) * 1000
    await pilot.press("escape")
    await pilot.pause()
    return elapsed


async def measure_open(url: str) -> list[float]:
    from store.db import database, open_database
    from tui.app import FiliaApp

    db = open_database(url)
    app = FiliaApp(url, operator_login="ADMIN")
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(RUNS + 1):
            times.append(await _first_frame(app, pilot))
    db.close()
    database.initialize(None)
    return times[1:]  # the first opening warms the page cache of the OS


async def measure_locator(url: str) -> list[float]:
    from store.db import database, open_database
    from tui.app import FiliaApp

    db = open_database(url)
    app = FiliaApp(url, operator_login="ADMIN")
    out = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for n in range(RUNS):
            screen = app.action_open_list("goods")
            await pilot.pause()
            code = f"T{500000 + n * 17:07d}"
            for ch in code[:-1]:
                await pilot.press(ch)
            target = int(code[1:])
            vl = screen.list
            drawn_at = {}
            original = vl.render_line

            def spy(y, _orig=original):
                strip = _orig(y)
                if vl.cursor_id == target and "cursor" not in drawn_at:
                    drawn_at["cursor"] = time.perf_counter()
                return strip

            vl.render_line = spy
            t0 = time.perf_counter()
            await pilot.press(code[-1])
            while "cursor" not in drawn_at:
                await pilot.pause()
            vl.render_line = original
            out.append((drawn_at["cursor"] - t0) * 1000)
            await app.workers.wait_for_complete()
            await pilot.press("escape")
            await pilot.pause()
    db.close()
    database.initialize(None)
    return out


def measure_query(url: str) -> tuple[float, float]:
    """Median µs of the store's keyset page vs the same SQL in raw sqlite3, at random keys."""
    from store.db import database, open_database
    from store.lists import goods_list
    from store.paging import ListQuery

    db = open_database(url)
    q = ListQuery(goods_list())
    rng = random.Random(7)
    keys = [q.locate(f"t{rng.randint(1, 999_000):07d}") for _ in range(300)]
    raw = sqlite3.connect(url.replace("sqlite:///", ""))
    ours, base = [], []
    for key in keys:
        # the identical SQL text and parameters, prepared outside the raw timing
        sql, params = q._select().where(q._after(key)).order_by(*q._order()).limit(40).sql()
        raw.execute(sql, params).fetchall()  # both sides then read the same pages from the OS cache
        for side in ((0, 1) if len(ours) % 2 else (1, 0)):
            t0 = time.perf_counter()
            if side == 0:
                q.page_after(key, 40)
                ours.append(time.perf_counter() - t0)
            else:
                raw.execute(sql, params).fetchall()
                base.append(time.perf_counter() - t0)
    raw.close()
    db.close()
    database.initialize(None)
    return median(ours) * 1e6, median(base) * 1e6


def main() -> None:
    big, small = demo_db(1_000_000), demo_db(10, contractors=10)
    big_ms = median(asyncio.run(measure_open(big)))
    small_ms = median(asyncio.run(measure_open(small)))
    locator_ms = median(asyncio.run(measure_locator(big)))
    ours_us, raw_us = measure_query(big)
    print(f"open 1M: {big_ms:.1f} ms, open 10: {small_ms:.1f} ms; locator {locator_ms:.1f} ms; "
          f"page query {ours_us:.0f} µs vs raw sqlite3 {raw_us:.0f} µs")
    print(f"list_open ms={big_ms:.0f} small_ms={small_ms:.0f} ratio={big_ms / small_ms:.2f} "
          f"locator_ms={locator_ms:.0f} query_ratio={ours_us / raw_us:.2f}")


if __name__ == "__main__":
    main()
