"""Four real processes post cash documents and KP/KW into one report at once, on SQLite and PostgreSQL:
every success is stored, balances are exact, numbers unique and gapless, no 'database is locked'."""
from __future__ import annotations

import multiprocessing as mp
from decimal import Decimal

import pytest

from store.cash.models import CashEntry, CashReport, Payment
from tests.store.cash_helpers import DAY, kept, recomputed, standalone_company

PROCESSES = 4
ROUNDS = 30


def _worker(url: str, n: int, report_id: int, contractor_id: int, forms: dict, barrier, results) -> None:
    from store import cash
    from store.db import open_database, write
    from store.errors import FiliaError

    db = open_database(url)
    done = []
    try:
        barrier.wait(timeout=120)
        for i in range(ROUNDS):
            amount = Decimal(1000 * (n + 1) + i + 1).scaleb(-2)    # distinct, >= 10.01: each process funds its KW
            try:
                if i % 3 == 0:
                    document_id = 1_000 * (n + 1) + i
                    with write():   # the trade core's approval transaction
                        cash.post_document_payments(cash.DocumentPayments(
                            document_id, f"doc-{document_id}", "FA", f"FA/{document_id}", contractor_id, DAY, 1,
                            (cash.Instalment(forms["cash"], amount, DAY),
                             cash.Instalment(forms["transfer"], Decimal("1.00"), DAY))))
                    done.append(("FA", str(amount)))
                else:
                    # KW only of what this process has certainly taken in already: never refused by the >= 0 rule
                    kind = "KW" if i % 3 == 2 else "KP"
                    value = Decimal("0.50") if kind == "KW" else amount
                    cash.save_entry(cash.EntryDraft(report_id, kind, DAY, contractor_id, value))
                    done.append((kind, str(value)))
            except FiliaError as exc:
                results.put((n, "refused", str(exc)))
                return
        results.put((n, "ok", done))
    except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
        results.put((n, "crash", repr(exc)))
    finally:
        db.close()


@pytest.mark.slow
def test_four_processes_post_into_one_report(db, db_url):
    from store import cash

    standalone = standalone_company()          # committed: the other processes must see it
    report = cash.create_report(standalone.register_id, DAY, DAY)
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(db_url, n, report.id, standalone.contractor_id, standalone.forms,
                                               barrier, results)) for n in range(PROCESSES)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert all(o[1] == "ok" for o in outcomes), outcomes
    done = [item for o in outcomes for item in o[2]]
    assert len(done) == PROCESSES * ROUNDS
    receipts = sum(Decimal(a) for k, a in done if k in ("FA", "KP"))
    payments = sum(Decimal(a) for k, a in done if k == "KW")
    stored = CashReport.get_by_id(report.id)
    assert (stored.receipts, stored.payments, stored.closing_balance) == (receipts, payments, receipts - payments)
    assert stored.entry_count == len(done)
    assert kept(standalone.register_id) == recomputed(standalone.register_id)
    for kind in ("KP", "KW"):
        numbers = sorted(int(n.split("/")[1]) for (n,) in CashEntry.select(CashEntry.number)
                         .where(CashEntry.kind == kind).tuples())
        assert numbers == list(range(1, len(numbers) + 1))          # unique and gapless
    assert Payment.select().count() == 2 * sum(1 for k, _a in done if k == "FA")
