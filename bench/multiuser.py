"""multiuser: several clerks on one database (issue 16).

(a) serial_ratio: a serial +10 % of the retail price over 100,000 marked goods through
    store.catalog.serial.change_prices (frozen ids, batches, report log, version stamps, retail mirror)
    / raw sqlite3 doing the same UPDATEs (goods_price net/gross/margin by id, goods.retail_price by id)
    in the same batches (the batch sizes our run took), each batch one BEGIN IMMEDIATE … COMMIT, the
    new prices computed with the same Decimal rounding. Each on a fresh copy of the same demo database.
(b) 8 processes for BENCH_SECONDS (30) on SQLite, each looping card save : price change : list page read
    = 1 : 1 : 2 on random goods of the 100,000; write latency = from the call to its return (commit),
    waits included. write_p99_ms = p99 over every write of every process; ops_ratio = operations per
    second of the 8 processes together / of 1 process alone (same loop, BENCH_SECONDS / 2).
(c) the same 8 processes on PostgreSQL (a schema of its own in 127.0.0.1/test, BENCH_PG_GOODS goods,
    dropped at the end): pg_write_p99_ms; pg_errors = exceptions other than a stale-card refusal.
A stale-card refusal (another process saved the same card between load and save) is counted, not an
error. `--gates` instead measures the longest SQLite writer wait under each write gate
(store.write_gate: busy, poll, flock) for docs/decisions.md.
Last line: multiuser serial_ratio=… write_p99_ms=… ops_ratio=… pg_write_p99_ms=… pg_errors=…
"""
from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from _common import ROOT, demo_db, p99

GOODS = int(os.environ.get("BENCH_GOODS", "100000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
PROCS = int(os.environ.get("BENCH_PROCS", "8"))
PG_GOODS = int(os.environ.get("BENCH_PG_GOODS", "20000"))
PG_BASE = os.environ.get("FILIA_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def fresh_copy(url: str, into: Path) -> str:
    from store.db import sqlite_path

    src = sqlite_path(url)
    dst = into / "filia.db"
    shutil.copyfile(src, dst)
    return f"sqlite:///{dst}"


# --- (a) serial change vs raw sqlite3 --------------------------------------------------------------------

def serial_ours(url: str) -> tuple[float, list[int]]:
    from store.catalog import Goods
    from store.catalog.prices import retail_price_type
    from store.catalog.serial import change_prices
    from store.db import database, open_database

    db = open_database(url)
    ids = [i for (i,) in Goods.select(Goods.id).order_by(Goods.id).limit(GOODS).tuples()]
    pt = retail_price_type().id
    sizes, last = [], [0]

    def progress(st) -> None:
        sizes.append(st.done - last[0])
        last[0] = st.done
    started = time.perf_counter()
    report = change_prices(ids, price_type_id=pt, percent=Decimal(10), progress=progress)
    took = time.perf_counter() - started
    assert report.n_changed > 0.9 * len(ids), report.n_changed
    db.close()
    database.initialize(None)
    return took, sizes


def serial_raw(url: str, sizes: list[int]) -> float:
    import sqlite3

    from store.db import sqlite_path

    conn = sqlite3.connect(str(sqlite_path(url)), isolation_level=None)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("PRAGMA synchronous=normal")
    pt = conn.execute("SELECT id FROM price_type WHERE is_retail = 1 ORDER BY id LIMIT 1").fetchone()[0]
    vats = dict(conn.execute("SELECT id, rate FROM vat_rate"))
    ids = [i for (i,) in conn.execute("SELECT id FROM goods ORDER BY id LIMIT ?", (GOODS,))]
    q2, hundred = Decimal("0.01"), Decimal(100)
    started = time.perf_counter()
    pos = 0
    for size in sizes:
        batch = ids[pos:pos + size]
        pos += size
        conn.execute("BEGIN IMMEDIATE")
        rows = conn.execute(
            'SELECT p.id, p.goods_id, p.gross, g.vat_rate_id, g.last_purchase_price FROM goods_price p '
            'JOIN goods g ON g.id = p.goods_id WHERE p.price_type_id = ? AND p.goods_id BETWEEN ? AND ?',
            (pt, batch[0], batch[-1])).fetchall()
        prices, mirror = [], []
        for row_id, gid, gross, vat_id, purchase in rows:
            vat = Decimal(vats[vat_id]).scaleb(-2)
            new = (Decimal(gross).scaleb(-4) * Decimal("1.10")).quantize(q2, rounding=ROUND_HALF_UP)
            net = (new * hundred / (hundred + vat)).quantize(q2, rounding=ROUND_HALF_UP)
            purchase = Decimal(purchase).scaleb(-4)
            margin = ((net - purchase) / purchase * hundred).quantize(q2, rounding=ROUND_HALF_UP) if purchase else 0
            prices.append((int(net * 10000), int(new * 10000), int(margin * 100), row_id))
            mirror.append((int(new * 10000), gid))
        conn.executemany("UPDATE goods_price SET net = ?, gross = ?, margin = ? WHERE id = ?", prices)
        conn.executemany("UPDATE goods SET retail_price = ? WHERE id = ?", mirror)
        conn.execute("COMMIT")
    took = time.perf_counter() - started
    conn.close()
    return took


# --- (b), (c) processes ----------------------------------------------------------------------------------

def worker(url: str, seconds: float, seed: int, out: str, start_at: float) -> None:
    from store import lists as store_lists
    from store.base import set_session_operator
    from store.catalog import Goods
    from store.catalog.card import card_data
    from store.catalog.card_save import save_goods_card
    from store.catalog.prices import retail_price_type, set_price
    from store.db import open_database
    from store.errors import StaleRecord
    from store.paging import ListQuery

    open_database(url)
    set_session_operator(f"bench{seed}")
    rnd = random.Random(seed)
    ids = [i for (i,) in Goods.select(Goods.id).tuples()]
    pt = retail_price_type().id
    query = ListQuery(store_lists.goods_list())
    letters = "ABCDEFGHIJKLMNOPRSTUWZ"
    lat, card_lat, errors, stale, ops = [], [], [], 0, 0
    while time.time() < start_at:
        time.sleep(0.001)
    end = time.perf_counter() + seconds
    i = seed
    while time.perf_counter() < end:
        kind = ("card", "price", "read", "read")[i % 4]
        i += 1
        gid = rnd.choice(ids)
        try:
            if kind == "card":
                data = card_data(gid)
                version = Goods.select(Goods.version).where(Goods.id == gid).scalar()
                fields = dict(data["fields"])
                fields["name"] = f"{fields['name'][:40]} {rnd.randint(0, 9999)}"
                t0 = time.perf_counter()
                try:
                    save_goods_card(gid, fields, confirm=True, version=version)
                except StaleRecord:
                    stale += 1
                lat.append(time.perf_counter() - t0)
                card_lat.append(lat[-1])
            elif kind == "price":
                t0 = time.perf_counter()
                set_price(gid, pt, value=Decimal(rnd.randint(100, 99_999)) / 100)
                lat.append(time.perf_counter() - t0)
            else:
                prefix = rnd.choice(letters) + rnd.choice(letters)
                query.page_after((query.sort_value(prefix), 0), 20)
            ops += 1
        except Exception as exc:  # noqa: BLE001 - every error reaching the caller is counted
            errors.append(f"{type(exc).__name__}: {exc}"[:200])
    Path(out).write_text(json.dumps({"lat": lat, "card": card_lat, "errors": errors, "stale": stale, "ops": ops}))


def run_processes(url: str, procs: int, seconds: float, env: dict | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        start_at = time.time() + 3.0 + 0.3 * procs
        children = []
        for n in range(procs):
            out = f"{tmp}/w{n}.json"
            children.append((out, subprocess.Popen(
                [sys.executable, __file__, "--worker", url, str(seconds), str(n + 1), out, str(start_at)],
                cwd=str(ROOT / "bench"), env={**os.environ, **(env or {})})))
        results = []
        for out, child in children:
            child.wait()
            results.append(json.loads(Path(out).read_text()) if Path(out).exists()
                           else {"lat": [], "errors": [f"worker exit {child.returncode}"], "stale": 0, "ops": 0})
    lat = [x for r in results for x in r["lat"]]
    card = [x for r in results for x in r.get("card", [])]
    return {"p99_ms": p99(lat) * 1000 if lat else float("nan"),
            "card_p99_ms": p99(card) * 1000 if card else float("nan"), "max_ms": max(lat) * 1000 if lat else float("nan"),
            "ops_s": sum(r["ops"] for r in results) / seconds, "errors": [e for r in results for e in r["errors"]],
            "stale": sum(r["stale"] for r in results), "writes": len(lat)}


def pg_schema() -> tuple[str, str]:
    import psycopg2

    schema = f"bench_mu_{os.getpid()}"
    conn = psycopg2.connect(PG_BASE)
    conn.autocommit = True
    conn.cursor().execute(f"CREATE SCHEMA {schema}")
    conn.close()
    return schema, f"{PG_BASE}?schema={schema}"


def pg_drop(schema: str) -> None:
    import psycopg2

    conn = psycopg2.connect(PG_BASE)
    conn.autocommit = True
    conn.cursor().execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    conn.close()


def build_pg(url: str) -> None:
    from store.db import database, open_database
    from store.demo import build_demo

    db = open_database(url, create=True)
    build_demo(contractors=100, goods=PG_GOODS, seed=1)
    db.close()
    database.initialize(None)


def gates(url: str) -> None:
    """The longest SQLite writer wait of 8 processes under each write gate (docs/decisions.md)."""
    seconds = float(os.environ.get("BENCH_GATE_SECONDS", "15"))
    for gate in ("busy", "poll", "flock"):
        with tempfile.TemporaryDirectory() as tmp:
            r = run_processes(fresh_copy(url, Path(tmp)), PROCS, seconds, {"FILIA_WRITE_GATE": gate})
        print(f"gate {gate}: writes={r['writes']} p99_ms={r['p99_ms']:.0f} max_ms={r['max_ms']:.0f} "
              f"ops_s={r['ops_s']:.0f} errors={len(r['errors'])}", flush=True)


def main() -> None:
    url = demo_db(GOODS)
    if "--gates" in sys.argv:
        gates(url)
        return
    with tempfile.TemporaryDirectory() as tmp:
        ours, sizes = serial_ours(fresh_copy(url, Path(tmp)))
    with tempfile.TemporaryDirectory() as tmp:
        raw = serial_raw(fresh_copy(url, Path(tmp)), sizes)
    print(f"(a) serial +10% over {GOODS} goods in {len(sizes)} batches: ours {ours:.2f} s, raw sqlite3 {raw:.2f} s",
          flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        copy = fresh_copy(url, Path(tmp))
        one = run_processes(copy, 1, SECONDS / 2)
        many = run_processes(copy, PROCS, SECONDS)
    print(f"(b) SQLite 1 process: {one['ops_s']:.0f} ops/s; {PROCS} processes: {many['ops_s']:.0f} ops/s, "
          f"{many['writes']} writes, p99 {many['p99_ms']:.0f} ms (card saves {many['card_p99_ms']:.0f}), max {many['max_ms']:.0f} ms, "
          f"stale {many['stale']}, errors {len(many['errors'])} {many['errors'][:3]}", flush=True)
    schema, pg_url = pg_schema()
    try:
        build_pg(pg_url)
        pg = run_processes(pg_url, PROCS, SECONDS)
    finally:
        pg_drop(schema)
    print(f"(c) PostgreSQL {PROCS} processes on {PG_GOODS} goods: {pg['ops_s']:.0f} ops/s, {pg['writes']} writes, "
          f"p99 {pg['p99_ms']:.0f} ms (card saves {pg['card_p99_ms']:.0f}), max {pg['max_ms']:.0f} ms, stale {pg['stale']}, errors {len(pg['errors'])} "
          f"{pg['errors'][:3]}", flush=True)
    errors = len(many["errors"]) + len(one["errors"])
    print(f"multiuser serial_ratio={ours / raw:.2f} write_p99_ms={many['p99_ms']:.0f} "
          f"ops_ratio={many['ops_s'] / one['ops_s']:.2f} pg_write_p99_ms={pg['p99_ms']:.0f} "
          f"pg_errors={len(pg['errors'])}" + (f" sqlite_errors={errors}" if errors else ""))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], float(sys.argv[6]))
    else:
        main()
