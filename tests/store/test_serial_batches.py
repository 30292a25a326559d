"""Serial operations in batches (issue 16 §5), both engines: a killed run leaves exactly its committed
batches, running it again finishes the rest once (no double +10 %), a cancelled run reports the
committed part, "mark all" freezes the list's ids in the database, the report lists every change."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from store.catalog import Goods, GoodsPrice
from store.catalog import serial_runs as runs
from store.catalog.prices import retail_price_type
from store.catalog.serial import GoodsSelection, change_prices, resume, set_vat_rate

ROOT = Path(__file__).resolve().parents[2]
N = 1500


@pytest.fixture
def demo(db, db_url, monkeypatch):
    from store.demo import build_demo

    build_demo(contractors=3, goods=N, seed=7)
    monkeypatch.setattr(runs, "BATCH_FIRST", 100)
    monkeypatch.setattr(runs, "BATCH_MAX", 100)          # 15 batches of 100 goods
    return db_url


def _retail() -> dict[int, Decimal]:
    pt = retail_price_type().id
    return {g: p for g, p in GoodsPrice.select(GoodsPrice.goods, GoodsPrice.gross)
            .where(GoodsPrice.price_type == pt).tuples()}


def _plus10(value: Decimal) -> Decimal:
    return (value * Decimal("1.10")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


KILLER = textwrap.dedent("""
    import os, signal, sys
    from decimal import Decimal
    sys.path.insert(0, {root!r})
    from store.db import open_database
    from store.catalog import serial_runs as runs
    from store.catalog.prices import retail_price_type
    from store.catalog.serial import change_prices
    open_database({url!r})
    runs.BATCH_FIRST = runs.BATCH_MAX = 100
    done = []
    def progress(state):
        done.append(state.done)
        if len(done) == 4:                      # four batches committed: die like kill -9
            os.kill(os.getpid(), signal.SIGKILL)
    ids = [int(x) for x in sys.argv[1].split(",")]
    change_prices(ids, price_type_id=retail_price_type().id, percent=Decimal(10), progress=progress)
""")


@pytest.mark.rule("PSO-12")
def test_killed_run_then_rerun_applies_exactly_once(demo, tmp_path):
    before = _retail()
    ids = sorted(before)[:1000]
    script = tmp_path / "killer.py"
    script.write_text(KILLER.format(root=str(ROOT), url=demo))
    proc = subprocess.run([sys.executable, str(script), ",".join(map(str, ids))], cwd=ROOT, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    mid = _retail()
    changed = [g for g in ids if mid[g] != before[g]]
    # exactly the committed batches: the first 400 goods (in id order) changed once, nothing else
    assert all(mid[g] == _plus10(before[g]) for g in ids[:400])
    assert all(mid[g] == before[g] for g in ids[400:])
    assert set(changed) <= set(ids[:400])
    [st] = runs.unfinished_runs("change_prices")
    assert (st.total, st.done) == (1000, 400)
    report = resume(st.run_id)                            # the same operation run again
    after = _retail()
    assert all(after[g] == _plus10(before[g]) for g in ids)                      # +10 % once, not +21 %
    assert all(after[g] == before[g] for g in sorted(before)[1000:])
    mirror = dict(Goods.select(Goods.id, Goods.retail_price).tuples())
    assert all(mirror[g] == after[g] for g in ids)
    # the report lists every change once, from both attempts
    assert sorted(c.goods_id for c in report.changed) == sorted(g for g in ids if _plus10(before[g]) != before[g])
    assert report.complete and runs.unfinished_runs() == []
    resume(st.run_id)                                     # a finished run does nothing more
    assert _retail() == after


def test_cancelled_run_reports_the_committed_part(demo):
    before = _retail()
    ids = sorted(before)[:600]
    seen = []
    report = change_prices(ids, price_type_id=retail_price_type().id, percent=Decimal(10),
                           progress=lambda st: seen.append(st.done), cancel=lambda: len(seen) >= 2)
    assert not report.complete and (report.done, report.total) == (200, 600)
    assert report.n_changed == len(report.changed) == sum(1 for g in ids[:200] if _plus10(before[g]) != before[g])
    mid = _retail()
    assert [g for g in ids if mid[g] != before[g]] == [c.goods_id for c in report.changed]
    report = resume(report.run_id)
    assert report.complete and _retail() == {g: (_plus10(p) if g in set(ids) else p) for g, p in before.items()}


@pytest.mark.rule("PSO-10")
def test_mark_all_freezes_the_list_ids_and_skips_the_unmarked(demo):
    from store import lists as store_lists
    from store.config import VatRate
    from store.paging import ListQuery

    query = ListQuery(store_lists.goods_list())
    query.filter_text = "a"
    expected = {r[0] for r in query.iter_all()}
    assert 0 < len(expected) < N
    unmarked = sorted(expected)[:5]
    rate = VatRate.get(VatRate.code == "8")
    report = set_vat_rate(GoodsSelection(query.id_query(), frozenset(unmarked)), rate.id, which="sales")
    now8 = {g for (g,) in Goods.select(Goods.id).where(Goods.vat_rate == rate.id).tuples()}
    assert expected - set(unmarked) <= now8
    assert not (set(unmarked) & {c.goods_id for c in report.changed})
    assert report.total == len(expected) - len(unmarked)


def test_serial_change_steps_the_version_of_every_card_it_changes(demo):
    from store.config import VatRate

    ids = sorted(_retail())[:300]
    versions = dict(Goods.select(Goods.id, Goods.version).where(Goods.id.in_(ids)).tuples())
    rate = VatRate.get(VatRate.code == "5")
    report = set_vat_rate(ids, rate.id, which="both")
    after = dict(Goods.select(Goods.id, Goods.version).where(Goods.id.in_(ids)).tuples())
    touched = {c.goods_id for c in report.changed}
    assert touched and all(after[g] > versions[g] for g in touched)


def test_two_sessions_finishing_the_same_run_apply_each_item_once(demo):
    """Two sessions pick up the same interrupted run at once (e.g. „Dokończ” on two desks): each batch
    is taken by one of them only (the run row is locked on PostgreSQL, BEGIN IMMEDIATE on SQLite)."""
    import threading

    from store.db import database

    before = _retail()
    ids = sorted(before)[:900]
    run_id = runs.start("change_prices", {"price_type_id": retail_price_type().id, "base_price_type_id": None,
                                          "percent": "10", "amount": None, "step": "0"}, ids=ids)
    errors = []

    def finish() -> None:
        try:
            runs.execute(run_id)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            database.close()
    threads = [threading.Thread(target=finish) for _n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    after = _retail()
    assert all(after[g] == _plus10(before[g]) for g in ids)
    assert runs.state(run_id).done == len(ids) and runs.state(run_id).status == "done"


def test_old_reports_and_abandoned_preparations_are_pruned(demo):
    from datetime import timedelta

    from store.base import utcnow
    from store.db import write

    ids = sorted(_retail())[:50]
    report = change_prices(ids, price_type_id=retail_price_type().id, percent=Decimal(1))
    kept = change_prices(ids, price_type_id=retail_price_type().id, percent=Decimal(1))
    with write():
        runs.SerialRun.update(finished_at=utcnow() - timedelta(days=runs.LOG_KEPT_DAYS + 1)) \
            .where(runs.SerialRun.id == report.run_id).execute()
        dead = runs.SerialRun.create(kind="change_prices", status="preparing",
                                     started_at=utcnow() - timedelta(hours=runs.PREPARING_ABANDONED_H + 1))
    runs._pend(dead.id, ids)
    runs.prune()
    assert not runs.SerialRun.select().where(runs.SerialRun.id.in_([report.run_id, dead.id])).exists()
    assert not runs.SerialRunLog.select().where(runs.SerialRunLog.run == report.run_id).exists()
    assert not runs.SerialRunGoods.select().where(runs.SerialRunGoods.run == dead.id).exists()
    assert runs.report(kept.run_id)[0] == kept.changed                  # a recent run keeps its report
