"""Data of the exchange benchmarks, cached under bench/.data/sync_<scale>x/ (issue 13 "Benchmark").

1x = 3,000 goods x 2 prices + 1,000 contractors = 10,000 records; 10x = 100,000. `hq.db` is HQ after half the
goods got a new retail price and half the contractors a new street; `krak.db` is the branch holding every
record in the version before those changes (last DLA read 1, OD 2 written); `DLA_KRAK.XLO` is the full DLA HQ
wrote after the changes (what sync_import applies). The HQ card's folder is `wymiana/` beside them."""
from __future__ import annotations

import shutil
import sys
from decimal import Decimal
from pathlib import Path

from _common import DATA, ROOT  # noqa: F401  (puts the repository on sys.path)

FORMAT = "2"        # bump when the data changes


def goods_count(scale: int) -> int:
    return 3000 * scale


def contractor_count(scale: int) -> int:
    return 1000 * scale


def records(scale: int) -> int:
    return goods_count(scale) * 3 + contractor_count(scale)


def _contractors(n: int) -> None:
    from store import bulk
    from store.db import write
    from store.parties.models import Contractor

    with write():
        bulk.bulk_insert(Contractor, ({"code": f"K{i:06d}", "name": f"Kontrahent {i}", "city": "Kraków",
                                       "street": f"Ulica {i}", "postal_code": "30-001"} for i in range(1, n + 1)))


def build(scale: int) -> Path:
    base = DATA / f"sync_{scale}x"
    if (base / "FORMAT").exists() and (base / "FORMAT").read_text() == FORMAT:
        return base
    shutil.rmtree(base, ignore_errors=True)
    (base / "wymiana").mkdir(parents=True)
    print(f"building {base.name} ...", file=sys.stderr)
    from sync import branch, hq
    from tests.sync import sides

    hq_url, br_url = f"sqlite:///{base / 'hq.db'}", f"sqlite:///{base / 'krak.db'}"
    sides.create(hq_url, "hq", name="Centrala")
    sides.create(br_url, "branch", symbol="KRAK", folder=base / "wymiana")
    with sides.opened(hq_url):
        reg = sides.hq_register()
        sides.add_goods(goods_count(scale))
        _contractors(contractor_count(scale))
        hq.create_branch("KRAK", folder=base / "wymiana", register_gid=reg)
        hq.write_first_dla("KRAK")
    with sides.opened(br_url):
        branch.synchronise()
    with sides.opened(hq_url):
        from store.catalog.dictionaries import PriceType
        from store.catalog.models import Goods, GoodsPrice
        from store.catalog.prices import mirror_retail
        from store.db import write
        from store.parties.models import Contractor
        from store.base import utcnow

        retail = PriceType.get(PriceType.name == "detaliczna")
        with write():
            import peewee
            even = peewee.SQL('"id" % 2 = 0')          # peewee's % on a field is LIKE
            half = [g for (g,) in Goods.select(Goods.id).where(even).tuples()]
            for start in range(0, len(half), 500):
                chunk = half[start:start + 500]
                GoodsPrice.update({GoodsPrice.gross: Decimal("19.99"), GoodsPrice.net: Decimal("16.25"),
                                   **GoodsPrice.stamp()}) \
                    .where(GoodsPrice.goods.in_(chunk) & (GoodsPrice.price_type == retail.id)).execute()
            mirror_retail(half)
            Contractor.update({Contractor.street: "Nowa 1", Contractor.modified_at: utcnow(),
                               Contractor.version: Contractor.version + 1}) \
                .where(even & ~Contractor.code.startswith("!")).execute()
        hq.process_branch("KRAK")
    for p in (base / "wymiana").glob("DLA_MAGAZYN*"):
        p.unlink()
    for name in ("hq.db", "krak.db"):
        import sqlite3
        conn = sqlite3.connect(base / name)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
    (base / "FORMAT").write_text(FORMAT)
    return base


def vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def best_runs(scales, repeats: int, run_child, drop) -> dict:
    """Build every scale, then run raw and ours alternately, `repeats` times each, in fresh children, keeping the
    fastest run of each (kind, scale) with the highest peak memory seen (the box is shared: load varies);
    `drop(result)` removes what a discarded run left on disk."""
    for scale in scales:
        build(scale)
    results: dict = {}
    for scale in scales:
        for _ in range(repeats):
            for kind in ("raw", "ours"):
                r = run_child(kind, scale)
                best = results.get((kind, scale))
                if best is None or r["seconds"] < best["seconds"]:
                    if best is not None:
                        r["peak_mb"] = max(r["peak_mb"], best["peak_mb"])
                        drop(best)
                    results[(kind, scale)] = r
                else:
                    best["peak_mb"] = max(r["peak_mb"], best["peak_mb"])
                    drop(r)
    return results
