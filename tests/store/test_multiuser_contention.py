"""Eight real processes write the same goods at once on each engine (issue 16 §2): no raw error reaches a
caller, the retail mirror equals the retail price row of every good, and every serial change committed
is in the prices exactly once."""
from __future__ import annotations

import multiprocessing as mp
import os
from decimal import Decimal

import pytest

PROCESSES = 8
SECONDS = float(os.environ.get("FILIA_CONTENTION_SECONDS", "12"))


@pytest.mark.slow
@pytest.mark.rule("PSO-12")
def test_eight_processes_on_overlapping_goods(db, db_url):
    from store.catalog.models import Goods, GoodsPrice
    from tests.store.catalog_helpers import Cat, seed_catalogue

    seed_catalogue()
    cat = Cat()
    goods = []
    for i in range(10):
        g = cat.goods(f"C{i:02d}", price="10.00", price_type=cat.w1)
        from store.catalog.prices import set_price
        set_price(g.id, cat.retail, value=Decimal("12.30"))
        set_price(g.id, cat.w3, value=Decimal("5.00"))
        goods.append(g.id)
    db.close()

    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(PROCESSES), ctx.Queue()
    from tests.store.multiuser_workers import contention_worker

    pt = {"retail": cat.retail, "w1": cat.w1, "w3": cat.w3}
    procs = [ctx.Process(target=contention_worker, args=(db_url, seed, goods, pt, SECONDS, barrier, out))
             for seed in range(PROCESSES)]
    for p in procs:
        p.start()
    results = [out.get(timeout=SECONDS + 180) for _p in procs]
    for p in procs:
        p.join(timeout=60)

    raw = [r for res in results for r in res["raw"]]
    assert raw == [], "\n".join(raw[:5])
    ok = sum(res["counts"]["ok"] for res in results)
    assert ok > PROCESSES * 5, results                 # they really worked, not only refused

    db.connect(reuse_if_open=True)
    applied: dict[int, int] = {}
    for res in results:
        for gid, n in res["applied"].items():
            applied[gid] = applied.get(gid, 0) + n
    assert sum(applied.values()) > 0
    for gid in goods:
        g = Goods.get_by_id(gid)
        retail = GoodsPrice.get_or_none((GoodsPrice.goods == gid) & (GoodsPrice.price_type == cat.retail))
        assert g.retail_price == (retail.gross if retail else 0), gid          # mirror = price row, always
        w3 = GoodsPrice.get((GoodsPrice.goods == gid) & (GoodsPrice.price_type == cat.w3))
        assert w3.net == Decimal("5.00") + Decimal("0.01") * applied.get(gid, 0), gid   # each serial change once
