"""Time to open a card from its list (issue 10 §3): F2 on the goods list of a 1,000- and a 1,000,000-goods
demo database, and on the contractor list, until the card has painted its first frame with data and takes
keys. The real FiliaApp, headless (Textual's run_test) at 120x40 and 80x24; medians of N opens each.

Prints wall-clock and CPU (this process only: the machine is shared, so CPU time shows our own cost when
other work competes for the cores). Last line:
    card_open card_ms=… contractor_card_ms=… card_ratio=… card_cpu_ms=… contractor_cpu_ms=… card_ms_80x24=…
card_ratio = goods card on 1M goods / on 1k goods (a card must not depend on the table size).
"""
from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time

from _common import demo_db

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
RUNS = int(os.environ.get("RUNS", 11))


async def _open_cards(url: str, list_key: str, size: tuple[int, int], runs: int) -> tuple[list[float], list[float]]:
    from store.db import database, open_database
    from tui.app import FiliaApp
    from tui.screens.main_menu import MainMenu

    db = open_database(url)
    app = FiliaApp(url, operator_login="ADMIN")
    wall, cpu = [], []
    async with app.run_test(size=size) as pilot:
        while not isinstance(app.screen, MainMenu):
            await pilot.pause()
        app.action_open_list(list_key)
        await pilot.pause()
        await pilot.pause()
        await pilot.press("end")               # the last record: on 1M goods, far from the first page
        await pilot.pause()
        for i in range(runs + 1):
            started, started_cpu = time.perf_counter(), time.process_time()
            await pilot.press("f2")
            card = app.screen
            while not getattr(card, "ready_for_input", False):
                await asyncio.sleep(0.001)
                card = app.screen
            await pilot.pause()                 # the frame with the data painted
            if i:                               # the first open also loads code (imports): not counted
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            await pilot.press("escape")
            await pilot.pause()
    db.close()
    database.initialize(None)
    return wall, cpu


def measure(url: str, list_key: str, size=(120, 40), runs: int = RUNS) -> tuple[float, float]:
    wall, cpu = asyncio.run(_open_cards(url, list_key, size, runs))
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    small, big = demo_db(1_000, 500), demo_db(1_000_000, 500)
    goods_1k, goods_1k_cpu = measure(small, "goods")
    goods_1m, goods_1m_cpu = measure(big, "goods")
    contractor, contractor_cpu = measure(big, "contractors")
    goods_80, _cpu = measure(big, "goods", size=(80, 24))
    contractor_80, _cpu = measure(big, "contractors", size=(80, 24))
    print(f"goods card 1k: {goods_1k:.0f} ms (cpu {goods_1k_cpu:.0f}); 1M: {goods_1m:.0f} ms (cpu {goods_1m_cpu:.0f}); "
          f"contractor card: {contractor:.0f} ms (cpu {contractor_cpu:.0f}); 80x24: goods {goods_80:.0f} ms, "
          f"contractor {contractor_80:.0f} ms; runs={RUNS}", file=sys.stderr)
    print(f"card_open card_ms={goods_1m:.0f} contractor_card_ms={contractor:.0f} card_ratio={goods_1m / goods_1k:.2f} "
          f"card_cpu_ms={goods_1m_cpu:.0f} contractor_cpu_ms={contractor_cpu:.0f} card_ms_80x24={goods_80:.0f} "
          f"contractor_card_ms_80x24={contractor_80:.0f}")


if __name__ == "__main__":
    main()
