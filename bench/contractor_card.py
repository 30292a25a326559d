"""Time to open the contractor card (compose + load + first refresh), headless. Prints the figure last."""
from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.app import App  # noqa: E402

from store import parties  # noqa: E402
from store.db import open_database  # noqa: E402
from tui.screens.contractor_card import ContractorCard  # noqa: E402


class BenchApp(App):
    pass


async def main(runs: int = 5) -> None:
    tmp = Path(tempfile.mkdtemp())
    open_database(f"sqlite:///{tmp / 'bench.db'}", create=True)
    c = parties.create_contractor({"code": "BENCH", "name": "Bench", "nip": "5260250274",
                                   "bank_accounts": [{"number": "PL61109010140000071219812874"}],
                                   "representatives": [{"name": "Jan"}], "attributes": [{"name": "A", "value": "1"}]})
    times = []
    app = BenchApp()
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(runs):
            start = time.perf_counter()
            card = ContractorCard(c.id)
            await app.push_screen(card)
            while card._original is None:
                await pilot.pause()
            times.append((time.perf_counter() - start) * 1000)
            card.dismiss(None)
            await pilot.pause()
    print(f"contractor_card open_ms_median={statistics.median(times):.0f} open_ms_min={min(times):.0f} runs={runs}")


if __name__ == "__main__":
    asyncio.run(main())
