"""list_ops: what a clerk does in a list of a million goods costs what it costs in a list of ten.

Headless (Textual Pilot) on the real FiliaApp, on 1,000,000 goods and on 10 goods in one run, median
of RUNS each, every figure from the key (or the action it is bound to) to the first frame showing
the result:
  sort_ms     the goods list in name order with the cursor on row 500,000; F3's action to code order
              (ListScreen.sort_by("code")) until the cursor's record is drawn highlighted in the new order
  filter_ms   the filter line („zawiera”) until the first filtered page is drawn; the median over the
              terms „ru” (2 letters, ~34,000 rows), „żółw” (4 letters, 10 rows), „T001” (10,000 rows),
              „ny ” (~714,000 rows: no 3-letter term of the demo names comes closer to 500,000) and „łód”
  locator_ms  the last key of a typed code until its row is drawn highlighted
  card_ms     Enter on a goods row until the first frame of its card showing the code
  contractor_card_ms   the same on the contractor list
  card_ratio  card_ms on 1,000,000 goods / card_ms on 10 goods
The demo data get 10 goods named „Żółw ogrodowy łódzki N” (once, cached) so that „żółw” and „łód”
match a known handful. The 1M database lives in bench/.data/ (built once; ~1 min).
Last line: list_ops sort_ms=… filter_ms=… locator_ms=… card_ms=… contractor_card_ms=… card_ratio=…
"""
from __future__ import annotations

import asyncio
import os
import sys
import time

from _common import demo_db, median

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
RUNS = int(os.environ.get("BENCH_RUNS", "10"))
SIZE = (120, 40)
FILTER_TERMS = ("ru", "żółw", "T001", "ny ", "łód")
RARE = [f"Żółw ogrodowy łódzki {i}" for i in range(1, 11)]


def add_rare_goods(url: str) -> None:
    """Ten goods with Polish words no demo name has (idempotent)."""
    from decimal import Decimal

    from store.bulk import bulk_insert
    from store.catalog import Goods
    from store.config import VatRate
    from store.db import database, open_database, write

    db = open_database(url)
    try:
        if not Goods.select().where(Goods.code == "ZOLW-01").exists():
            vat = VatRate.select().first().id
            with write():
                bulk_insert(Goods, ({"code": f"ZOLW-{i:02d}", "name": name, "ean": "", "unit": "szt",
                                     "vat_rate": vat, "retail_price": Decimal("9.99")}
                                    for i, name in enumerate(RARE, 1)))
    finally:
        db.close()
        database.initialize(None)


class Frames:
    """Spy on the app's frames: when a frame was output while probe(screen) held."""

    def __init__(self, app) -> None:
        self.app, self.original = app, app._display
        self.probe, self.hit = None, None
        app._display = self._display

    def _display(self, screen, renderable):
        if renderable is not None and self.probe is not None and self.hit is None and self.probe(screen):
            self.hit = time.perf_counter()
        return self.original(screen, renderable)

    def watch(self, probe) -> None:
        self.probe, self.hit = probe, None


async def _until(pilot, predicate, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the benchmark waited too long")
        await pilot.pause()


def _cursor_drawn(vl, target: int):
    """A render_line spy: the time the cursor row was drawn while it was the target record."""
    drawn: dict = {}
    original = vl.render_line

    def spy(y, _orig=original):
        strip = _orig(y)
        if "t" not in drawn and vl.cursor_id == target and int(vl.scroll_offset.y) + y == vl.cursor:
            drawn["t"] = time.perf_counter()
        return strip

    vl.render_line = spy
    return drawn, lambda: setattr(vl, "render_line", original)


async def _open_list(app, pilot, key: str):
    from tui.screens.list_screen import ListScreen

    screen = app.action_open_list(key)
    await _until(pilot, lambda: isinstance(app.screen, ListScreen) and screen.is_mounted and screen.list.first_row_at)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def _close(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.press("escape")
    await pilot.pause()


async def measure_sort(app, pilot, row: int) -> float:
    screen = await _open_list(app, pilot, "goods")
    screen.sort_by("name")
    await app.workers.wait_for_complete()
    await pilot.pause()
    vl = screen.list
    key = vl.query.page_at(row, 1)[0]
    vl.move_to_id(key[0])
    await app.workers.wait_for_complete()
    await pilot.pause()
    target = vl.cursor_id
    drawn, restore = _cursor_drawn(vl, target)
    t0 = time.perf_counter()
    screen.sort_by("code")
    await _until(pilot, lambda: "t" in drawn)
    restore()
    assert screen.query_.sort == "code" and vl.cursor_id == target
    elapsed = (drawn["t"] - t0) * 1000
    await _close(app, pilot)
    return elapsed


async def measure_filter(app, pilot, frames: Frames, term: str) -> float:
    screen = await _open_list(app, pilot, "goods")
    vl = screen.list
    # the first frame of the list once the filtered rows (or the empty list) are what it shows
    frames.watch(lambda s: s is screen and screen.query_.filter_text == term
                 and (vl.window.rows or vl.total == 0))
    t0 = time.perf_counter()
    screen.apply_filter(term)
    await _until(pilot, lambda: frames.hit is not None)
    elapsed = (frames.hit - t0) * 1000
    frames.watch(None)
    await _close(app, pilot)
    return elapsed


async def measure_locator(app, pilot, n: int, total: int) -> float:
    screen = await _open_list(app, pilot, "goods")
    vl = screen.list
    code = f"T{max(1, total // 2 + n * 17):07d}"
    for ch in code[:-1]:
        await pilot.press(ch)
    from store.catalog import Goods

    target = Goods.get(Goods.code == code).id
    drawn, restore = _cursor_drawn(vl, target)
    t0 = time.perf_counter()
    await pilot.press(code[-1])
    await _until(pilot, lambda: "t" in drawn)
    restore()
    elapsed = (drawn["t"] - t0) * 1000
    await _close(app, pilot)
    return elapsed


async def measure_card(app, pilot, frames: Frames, key: str, downs: int) -> float:
    screen = await _open_list(app, pilot, key)
    for _ in range(downs):
        await pilot.press("down")
    code = screen.list.row_at(screen.list.cursor)[1]
    frames.watch(lambda s: s is not screen and any(getattr(w, "value", None) == code for w in s.query("Input")))
    t0 = time.perf_counter()
    await pilot.press("enter")
    await _until(pilot, lambda: frames.hit is not None)
    elapsed = (frames.hit - t0) * 1000
    frames.watch(None)
    await pilot.press("escape")
    await pilot.pause()
    await _close(app, pilot)
    return elapsed


async def run_all(url: str, total: int, *, full: bool) -> dict[str, float]:
    from store.db import database, open_database
    from tui.app import FiliaApp

    db = open_database(url)
    app = FiliaApp(url, operator_login="ADMIN")
    out: dict[str, list[float]] = {"card": [], "contractor_card": []}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        frames = Frames(app)
        await _open_list(app, pilot, "goods")
        await _close(app, pilot)                       # warm the OS page cache once
        if full:
            out["sort"] = [await measure_sort(app, pilot, total // 2) for _ in range(RUNS)]
            per_term = {}
            for term in FILTER_TERMS:
                per_term[term] = median([await measure_filter(app, pilot, frames, term) for _ in range(RUNS)])
            out["filter_terms"] = per_term
            out["filter"] = list(per_term.values())
            out["locator"] = [await measure_locator(app, pilot, n, total) for n in range(RUNS)]
        for n in range(RUNS):
            out["card"].append(await measure_card(app, pilot, frames, "goods", n % 5))
            out["contractor_card"].append(await measure_card(app, pilot, frames, "contractors", n % 5))
    db.close()
    database.initialize(None)
    return {k: (v if isinstance(v, dict) else median(v)) for k, v in out.items()}


def main() -> None:
    big, small = demo_db(1_000_000), demo_db(10, contractors=10)
    add_rare_goods(big)
    t0 = time.perf_counter()
    b = asyncio.run(run_all(big, 1_000_000, full=True))
    s = asyncio.run(run_all(small, 10, full=False))
    terms = ", ".join(f"„{t}” {ms:.0f}" for t, ms in b["filter_terms"].items())
    print(f"1M goods: sort {b['sort']:.0f} ms; filter {terms} ms; locator {b['locator']:.0f} ms; "
          f"goods card {b['card']:.0f} ms (10 goods: {s['card']:.0f} ms); contractor card "
          f"{b['contractor_card']:.0f} ms (small: {s['contractor_card']:.0f} ms); "
          f"{time.perf_counter() - t0:.0f} s in all", file=sys.stderr)
    print(f"list_ops sort_ms={b['sort']:.0f} filter_ms={b['filter']:.0f} locator_ms={b['locator']:.0f} "
          f"card_ms={b['card']:.0f} contractor_card_ms={b['contractor_card']:.0f} "
          f"card_ratio={b['card'] / s['card']:.2f}")


if __name__ == "__main__":
    main()
