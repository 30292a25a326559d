"""cash_entry: saving a KP/KW costs the same in a register of a million entries as in one of ten.

In one run, on one SQLite file (built once, cached under bench/.data/, copied fresh for every run):
  - register DUZA: 1,000,000 entries in 2,000 daily reports; the last three reports are open;
  - register MALA: 10 entries in 4 reports; the last three are open.
Timed: 50 saves per register, alternating KP and KW, through the public `store.cash.save_entry` (its own
transaction, all checks: gate, report state and period, contractor, the >= 0 rule at every later date, kept
balances of the report, the later reports, the later days and the register), back-dated into the open report
that two later reports follow; the saves of both registers interleave, so machine noise hits both alike.
Then the first frame of the register-wide entry list of DUZA with its running-balance column (Pilot).
Last line: cash_entry ms=<1M median> small_ms=<10-entry median> ratio=<ms/small_ms> list_ms=<first frame>
"""
from __future__ import annotations

import asyncio
import os
import shutil
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from _common import DATA, median

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
REPORTS, PER_REPORT = 2_000, 500
SAVES = 50
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
START = date(2019, 1, 1)
CACHE = DATA / f"cash_entry_{REPORTS}x{PER_REPORT}_v1.db"
WORK = DATA / "cash_entry_run.db"


def _build_register(symbol: str, reports: list[int], contractor, counters: dict) -> int:
    """A register whose report i holds reports[i] entries on day START + i, KP 10.00 and KW 9.00 in turn;
    every kept figure written as the ledger would have kept it. The last three reports stay open."""
    from store import cash
    from store.bulk import bulk_insert, deferred_indexes
    from store.cash.models import CashDay, CashEntry, CashRegister, CashReport
    from store.db import bulk_write

    reg = cash.save_register(None, None, symbol=symbol, name=f"Rejestr {symbol}")
    report_rows, day_rows, n_by_year = [], [], {}
    balance = Decimal("0.00")
    for i, count in enumerate(reports):
        day = START + timedelta(days=i)
        kp = (count + 1) // 2
        kw = count // 2
        net = Decimal(10 * kp - 9 * kw)
        year = day.year
        n_by_year[("RK", year)] = n_by_year.get(("RK", year), 0) + 1
        report_rows.append({"register": reg.id, "seq": i + 1, "number": f"RK/{n_by_year[('RK', year)]}/{symbol}/{year}",
                            "opening_date": day, "closing_date": day, "closed": i < len(reports) - 3,
                            "opening_balance": balance, "receipts": Decimal(10 * kp), "payments": Decimal(9 * kw),
                            "closing_balance": balance + net, "entry_count": count})
        balance += net
        day_rows.append({"register": reg.id, "day": day, "net": net, "balance": balance})
    with bulk_write():
        bulk_insert(CashReport, report_rows)
        bulk_insert(CashDay, day_rows)
        ids = [r.id for r in CashReport.select(CashReport.id).where(CashReport.register == reg.id)
               .order_by(CashReport.seq)]

        def entries():
            for i, count in enumerate(reports):
                day = START + timedelta(days=i)
                running = Decimal("0.00")
                for k in range(count):
                    kind = "KP" if k % 2 == 0 else "KW"
                    amount = Decimal("10.00") if kind == "KP" else Decimal("9.00")
                    signed = amount if kind == "KP" else -amount
                    running += signed
                    key = (kind, day.year)
                    n_by_year[key] = n_by_year.get(key, 0) + 1
                    yield {"register": reg.id, "report": ids[i], "kind": kind,
                           "number": f"{kind}/{n_by_year[key]}/{symbol}/{day.year}", "entry_date": day,
                           "contractor": contractor.id, "contractor_code": contractor.code,
                           "contractor_name": contractor.name, "amount": amount, "signed": signed,
                           "day_running": running, "open_amount": amount}

        with deferred_indexes(CashEntry):
            bulk_insert(CashEntry, entries(), batch_size=20_000)
        CashRegister.update(balance=balance).where(CashRegister.id == reg.id).execute()
    counters.update({(cls, symbol, year): n for (cls, year), n in n_by_year.items()})
    return reg.id


def build() -> None:
    """The cached database: a standalone company with both registers."""
    from store import setup
    from store.db import database, open_database, write
    from store.numbering import NumberCounter
    from store.parties import create_contractor

    DATA.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        os.path.exists(f"{CACHE}{suffix}") and os.remove(f"{CACHE}{suffix}")
    print(f"building {CACHE.name} (1,000,000 entries) ...", file=sys.stderr)
    db = open_database(f"sqlite:///{CACHE}", create=True)
    setup.initialise(setup.SetupData(role="standalone", costing_method="FIFO", company_name="Bench",
                                     admin_password="bench1"))
    contractor = create_contractor({"code": "KLIENT", "name": "Klient kasowy"})
    counters: dict = {}
    _build_register("DUZA", [PER_REPORT] * REPORTS, contractor, counters)
    _build_register("MALA", [4, 2, 2, 2], contractor, counters)
    with write():
        for (cls, series, year), n in counters.items():
            NumberCounter.create(doc_class=cls, series=series, period=str(year), last=n)
    db.execute_sql("ANALYZE")
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    database.initialize(None)


def fresh_copy() -> str:
    if not CACHE.exists():
        build()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{WORK}{suffix}"):
            os.remove(f"{WORK}{suffix}")
    shutil.copyfile(CACHE, WORK)
    return f"sqlite:///{WORK}"


def measure_saves(url: str) -> tuple[list[float], list[float], dict]:
    from store import cash
    from store.cash.models import CashRegister, CashReport
    from store.db import database, open_database
    from store.parties import Contractor

    db = open_database(url)
    contractor = Contractor.get(Contractor.code == "KLIENT").id
    targets = {}
    for symbol in ("DUZA", "MALA"):
        reg = CashRegister.get(CashRegister.symbol == symbol)
        reports = list(CashReport.select().where(CashReport.register == reg.id).order_by(CashReport.seq.desc()).limit(3))
        target = reports[-1]                       # the open report two later reports follow
        targets[symbol] = (reg.id, target.id, target.opening_date)
    times = {"DUZA": [], "MALA": []}
    for i in range(SAVES):
        kind = "KP" if i % 2 == 0 else "KW"
        for symbol in (("DUZA", "MALA") if i % 2 == 0 else ("MALA", "DUZA")):
            _reg, report_id, day = targets[symbol]
            draft = cash.EntryDraft(report_id, kind, day, contractor, Decimal("1.00"))
            t0 = time.perf_counter()
            cash.save_entry(draft)
            times[symbol].append((time.perf_counter() - t0) * 1000)
    check = {}
    for symbol, (reg_id, report_id, _day) in targets.items():
        r = CashReport.get_by_id(report_id)
        later = list(CashReport.select().where((CashReport.register == reg_id) & (CashReport.seq > r.seq)))
        check[symbol] = (r.closing_balance == r.opening_balance + r.receipts - r.payments
                         and all(x.opening_balance >= r.closing_balance for x in later))
    db.close()
    database.initialize(None)
    return times["DUZA"], times["MALA"], check


async def _first_frame(app, pilot, register_id: int) -> float:
    from tui.screens.cash import register_entries
    from tui.screens.list_screen import ListScreen

    t0 = time.perf_counter()
    screen = ListScreen(register_entries(register_id))
    app.push_screen(screen)
    while not (screen.is_mounted and screen.list.first_row_at):
        await pilot.pause()
    elapsed = (screen.list.first_row_at - t0) * 1000
    assert "Saldo" in screen.list.header_text(120)
    await pilot.press("escape")
    await pilot.pause()
    return elapsed


async def measure_list(url: str) -> list[float]:
    from store.cash.models import CashRegister
    from store.db import database, open_database
    from tui.app import FiliaApp

    db = open_database(url)
    register_id = CashRegister.get(CashRegister.symbol == "DUZA").id
    app = FiliaApp(url, operator_login="ADMIN")
    times = []
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        for _ in range(RUNS + 1):
            times.append(await _first_frame(app, pilot, register_id))
    db.close()
    database.initialize(None)
    return times[1:]  # the first opening warms the OS page cache


def main() -> None:
    url = fresh_copy()
    big, small, check = measure_saves(url)
    list_ms = median(asyncio.run(measure_list(url)))
    big_ms, small_ms = median(big), median(small)
    print(f"saves 1M register: median {big_ms:.2f} ms (p90 {sorted(big)[int(0.9 * len(big))]:.2f}); "
          f"10-entry register: median {small_ms:.2f} ms; balances consistent: {check}; "
          f"register-wide list first frame {list_ms:.0f} ms")
    print(f"cash_entry ms={big_ms:.2f} small_ms={small_ms:.2f} ratio={big_ms / small_ms:.2f} list_ms={list_ms:.0f}")


if __name__ == "__main__":
    main()
