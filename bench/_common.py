"""Shared helpers of the benchmarks: cached demo databases under bench/.data/."""
from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
sys.path.insert(0, str(ROOT))


def demo_db(goods: int, contractors: int = 100) -> str:
    """URL of a demo database with that many goods, built once and reused."""
    from store import config
    from store.db import database, open_database
    from store.demo import build_demo, demo_params

    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"demo_{goods}_{contractors}.db"
    url = f"sqlite:///{path}"
    if path.exists():
        db = open_database(url)
        ok = config.get_setting("demo_params") == demo_params(contractors, goods, 1)   # older formats: rebuilt
        db.close()
        if ok:
            return url
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    print(f"building {path.name} ...", file=sys.stderr)
    db = open_database(url, create=True)
    build_demo(contractors=contractors, goods=goods, seed=1)
    config.set_setting("demo_params", demo_params(contractors, goods, 1))
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    database.initialize(None)
    return url


def median(values) -> float:
    return statistics.median(values)


def p99(values) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
