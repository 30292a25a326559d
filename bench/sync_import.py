"""A branch applies HQ's full DLA (issue 13 benchmark): ours = sync.branch.synchronise() (XSD-validated
streaming read, batch upserts, OD written, one transaction); baseline in the same run = iterparse + clear +
executemany without XSD leaving the same rows (canonical dumps of goods, goods_price and contractor without
times compared: same_rows). The branch holds every record, half in older versions. Each size in a fresh
child; peak = VmHWM; cache_size fixed at 32 MB. During the 10x import of ours, another process commits a
one-row write every 50 ms; its longest wait is reported (no target: the apply is one transaction, SYNC-7).

Last line: `sync_import records_per_s=<ours> baseline_records_per_s=<raw> ratio=<ours/baseline> peak_mb=<10x>
mem_growth_mb=<10x-1x> cache_mb=<n> same_rows=<1|0> writer_wait_ms=<ms>`."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from decimal import Decimal
from pathlib import Path

from _sync_data import best_runs, build, records, vm_hwm_mb

CACHE_MB = 32
SCALES = (1, 10)
REPEATS = 5


def _drop(result: dict) -> None:
    """A run not kept: its working files go."""
    import shutil as _shutil
    for key in ("work", "file"):
        if key in result:
            _shutil.rmtree(Path(result[key]).parent if key == "file" else result[key], ignore_errors=True)
COMPARED = {"goods": None, "goods_price": None, "contractor": None}
VOLATILE = {"modified_at", "modified_by"}


def workdir(base: Path, kind: str) -> Path:
    work = Path(tempfile.mkdtemp(prefix=f"sync_import_{kind}_"))
    shutil.copy(base / "krak.db", work / "krak.db")
    (work / "wymiana").mkdir()
    shutil.copy(base / "wymiana" / "DLA_KRAK.XLO", work / "wymiana" / "DLA_KRAK.XLO")
    return work


def ours(work: Path) -> None:
    from store.db import open_database
    from sync.branch import synchronise

    db = open_database(f"sqlite:///{work / 'krak.db'}")
    synchronise(work / "wymiana")
    db.close()


def raw(work: Path) -> None:
    from lxml import etree

    from store.parties.rules import nip_key

    conn = sqlite3.connect(work / "krak.db", isolation_level=None)
    conn.execute(f"PRAGMA cache_size=-{CACHE_MB * 1000}")
    conn.execute("BEGIN IMMEDIATE")
    types = {n: (i, g) for i, n, g in conn.execute("SELECT id, name, gross FROM price_type")}
    retail = conn.execute("SELECT id FROM price_type WHERE is_retail = 1").fetchone()[0]
    goods = dict(conn.execute("SELECT gid, id FROM goods WHERE gid IS NOT NULL"))
    prices = {(g, t): (n, gr) for g, t, n, gr in conn.execute("SELECT goods_id, price_type_id, net, gross FROM goods_price")}
    cards = {row[0]: row[1:] for row in conn.execute(
        "SELECT gid, id, code, name, nip, city, street, postal_code, phone, email, active, modified_at FROM contractor "
        "WHERE gid IS NOT NULL")}
    ns = "{urn:filia:xlo:1}"
    price_updates, mirror, card_updates = [], [], []
    with zipfile.ZipFile(work / "wymiana" / "DLA_KRAK.XLO") as zf, zf.open("data.xml") as fh:
        for _ev, el in etree.iterparse(fh, events=("end",), tag=(ns + "goods", ns + "contractor"),
                                       resolve_entities=False, no_network=True):
            a = el.attrib
            if el.tag == ns + "goods":
                gid = goods[int(a["gid"])]
                for p in el:
                    pt, _gross = types[p.get("type")]
                    net, gross = int(Decimal(p.get("net")) * 10000), int(Decimal(p.get("gross")) * 10000)
                    if prices.get((gid, pt)) != (net, gross):
                        price_updates.append((net, gross, gid, pt))
                        if pt == retail:
                            mirror.append((gross, gid))
            else:
                row = cards.get(int(a["gid"]))
                modified = a["modified_at"].rstrip("Z").replace("T", " ")
                want = (a["code"], a["name"], a.get("nip", ""), a.get("city", ""), a.get("street", ""),
                        a.get("postal_code", ""), a.get("phone", ""), a.get("email", ""),
                        1 if a.get("active", "true") == "true" else 0)
                if row is not None and (tuple(row[1:10]) != want or row[10] != modified):
                    card_updates.append((*want, nip_key(want[2]), modified, row[0]))
            el.clear(keep_tail=False)
            while el.getprevious() is not None:
                del el.getparent()[0]
    conn.executemany('UPDATE goods_price SET net = ?, gross = ?, margin = 0, version = version + 1 '
                     'WHERE goods_id = ? AND price_type_id = ?', price_updates)
    conn.executemany('UPDATE goods SET retail_price = ?, version = version + 1 WHERE id = ?', mirror)
    conn.executemany('UPDATE contractor SET code = ?, name = ?, nip = ?, city = ?, street = ?, postal_code = ?, '
                     'phone = ?, email = ?, active = ?, nip_key = ?, modified_at = ?, from_remote = 1, '
                     'version = version + 1 WHERE id = ?', card_updates)
    conn.execute("COMMIT")
    conn.close()


def canonical(path: Path) -> dict:
    conn = sqlite3.connect(path)
    out = {}
    for table in COMPARED:
        cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")') if r[1] not in VOLATILE]
        out[table] = conn.execute(f'SELECT {", ".join(cols)} FROM "{table}" ORDER BY id').fetchall()
    conn.close()
    return out


def child(kind: str, scale: int) -> None:
    base = build(scale)
    work = workdir(base, kind)
    started = time.perf_counter()
    (ours if kind == "ours" else raw)(work)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": vm_hwm_mb(), "work": str(work)}))


WRITER = r"""
import os, sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=300)
conn.execute("PRAGMA busy_timeout=300000")
longest = 0.0
while not os.path.exists(sys.argv[2]):
    t = time.monotonic()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO setting(key, value, fixed) VALUES ('bench_tick', ?, 0) "
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (str(t),))
    conn.execute("COMMIT")
    longest = max(longest, time.monotonic() - t)
    time.sleep(0.05)
print(longest * 1000)
"""


def run_child(kind: str, scale: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, str(scale)], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def writer_wait(scale: int) -> float:
    """Longest wait of a one-row writer committing every 50 ms while ours imports the 10x DLA."""
    work = workdir(build(scale), "wait")
    stop = work / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(work / "krak.db"), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    time.sleep(0.5)
    importer = subprocess.run([sys.executable, __file__, "--import-only", str(work)])
    time.sleep(0.3)
    stop.touch()
    out, _ = writer.communicate()
    assert importer.returncode == 0
    shutil.rmtree(work, ignore_errors=True)
    return float(out.strip())


def main() -> int:
    results = best_runs(SCALES, REPEATS, run_child, _drop)
    same = all(canonical(Path(results[("ours", s)]["work"]) / "krak.db")
               == canonical(Path(results[("raw", s)]["work"]) / "krak.db") for s in SCALES)
    for (kind, scale), r in results.items():
        print(f"  {kind:4s} {scale:2d}x: {records(scale) / r['seconds']:9.0f} records/s, peak {r['peak_mb']:.1f} MB",
              file=sys.stderr)
    wait_ms = writer_wait(10)
    o, b = results[("ours", 10)], results[("raw", 10)]
    ours_rps, raw_rps = records(10) / o["seconds"], records(10) / b["seconds"]
    for r in results.values():
        shutil.rmtree(r["work"], ignore_errors=True)
    print(f"sync_import records_per_s={ours_rps:.0f} baseline_records_per_s={raw_rps:.0f} "
          f"ratio={ours_rps / raw_rps:.2f} peak_mb={o['peak_mb']:.1f} "
          f"mem_growth_mb={o['peak_mb'] - results[('ours', 1)]['peak_mb']:.1f} cache_mb={CACHE_MB} "
          f"same_rows={int(same)} writer_wait_ms={wait_ms:.0f}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--import-only":
        ours(Path(sys.argv[2]))
    else:
        sys.exit(main())
