"""HQ writes a full DLA (issue 13 benchmark): ours = sync.dla.write_dla (peewee reads, xmlfile into the zip
member); baseline in the same run = raw sqlite3 + xmlfile writing the same catalogue, contractors, stamp and VAT
elements, valid against the XSD. Each size in a fresh child; peak = VmHWM; cache_size fixed at 32 MB.

Last line: `sync_export records_per_s=<ours> baseline_records_per_s=<raw> ratio=<ours/baseline> peak_mb=<10x>
mem_growth_mb=<10x-1x> cache_mb=<n> valid=<1|0>`."""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from datetime import datetime
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


def header() -> dict:
    return {"direction": "DLA", "branch_symbol": "KRAK", "branch_id": str(uuid.uuid4()), "seq": 9,
            "created_at": datetime.utcnow(), "file_id": str(uuid.uuid4()), "program": "bench"}


def ours(base: Path, out: Path) -> None:
    from store.db import open_database
    from store.exchange.models import HqBranch
    from sync.dla import write_dla

    db = open_database(f"sqlite:///{base / 'hq.db'}")
    card = HqBranch.get(HqBranch.symbol == "KRAK")
    write_dla(out, header(), card, [])
    db.close()


def raw(base: Path, out: Path) -> None:
    import sqlite3

    from sync.xlo.writer import XloWriter

    conn = sqlite3.connect(base / "hq.db")
    conn.execute(f"PRAGMA cache_size=-{CACHE_MB * 1000}")
    scale = Decimal(10000)
    with XloWriter(out, header()) as w:
        name, nip, regon, street, building, postal, city, country = conn.execute(
            'SELECT name, nip, regon, street, building, postal_code, city, country FROM company ORDER BY id').fetchone()
        w.single("stamp", {"name": name, "nip": nip, "regon": regon, "street": street, "building": building,
                           "postal_code": postal, "city": city, "country": country})
        w.block("vat_rates")
        for vid, code, rate, vname, active in conn.execute('SELECT id, code, rate, name, active FROM vat_rate ORDER BY id'):
            w.record("vat", {"gid": vid, "code": code, "rate": Decimal(rate).scaleb(-2), "name": vname,
                             "active": bool(active)})
        types = dict(conn.execute("SELECT id, name FROM price_type WHERE kind = 'sale'").fetchall())
        w.block("catalogue")
        cur = conn.execute('SELECT g.id, g.code, g.name, g.unit, v.code, g.is_service, g.active, g.modified_at '
                           'FROM goods g JOIN vat_rate v ON v.id = g.vat_rate_id ORDER BY g.id')
        prices = conn.execute('SELECT goods_id, price_type_id, net, gross FROM goods_price ORDER BY goods_id, '
                              'price_type_id')
        pending = prices.fetchone()
        for gid, code, gname, unit, vat, service, active, modified in cur:
            children = []
            while pending is not None and pending[0] == gid:
                if pending[1] in types:
                    children.append(("price", {"type": types[pending[1]], "net": Decimal(pending[2]) / scale,
                                               "gross": Decimal(pending[3]) / scale}))
                pending = prices.fetchone()
            w.record("goods", {"gid": gid, "code": code, "name": gname, "unit": unit, "vat": vat,
                               "service": bool(service), "active": bool(active),
                               "modified_at": datetime.fromisoformat(modified)}, children)
        w.block("contractors")
        for row in conn.execute("SELECT id, guid, code, name, nip, city, street, postal_code, phone, email, active, "
                                "modified_at FROM contractor WHERE code NOT LIKE '!%' ORDER BY id"):
            cid, guid, code, cname, cnip, ccity, cstreet, cpost, phone, email, active, modified = row
            w.record("contractor", {"gid": cid, "guid": guid, "code": code, "name": cname, "nip": cnip, "city": ccity,
                                    "street": cstreet, "postal_code": cpost, "phone": phone, "email": email,
                                    "active": bool(active), "modified_at": datetime.fromisoformat(modified)})
    conn.close()


def valid(path: Path) -> bool:
    from lxml import etree

    from sync.xlo.reader import schema
    with zipfile.ZipFile(path) as zf, zf.open("data.xml") as fh:
        ok = schema().validate(etree.parse(fh, etree.XMLParser(resolve_entities=False, no_network=True,
                                                                huge_tree=True)))
    return bool(ok)


def child(kind: str, scale: int) -> None:
    base = build(scale)
    out = Path(tempfile.mkdtemp()) / "DLA_KRAK.XLO"
    started = time.perf_counter()
    (ours if kind == "ours" else raw)(base, out)
    seconds = time.perf_counter() - started
    result = {"seconds": seconds, "peak_mb": vm_hwm_mb(), "file": str(out)}
    print(json.dumps(result))


def run_child(kind: str, scale: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, str(scale)], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    results = best_runs(SCALES, REPEATS, run_child, _drop)
    ok = all(valid(Path(r["file"])) for r in results.values())
    for (kind, scale), r in results.items():
        print(f"  {kind:4s} {scale:2d}x: {records(scale) / r['seconds']:9.0f} records/s, peak {r['peak_mb']:.1f} MB",
              file=sys.stderr)
    o, b = results[("ours", 10)], results[("raw", 10)]
    ours_rps, raw_rps = records(10) / o["seconds"], records(10) / b["seconds"]
    print(f"sync_export records_per_s={ours_rps:.0f} baseline_records_per_s={raw_rps:.0f} "
          f"ratio={ours_rps / raw_rps:.2f} peak_mb={o['peak_mb']:.1f} "
          f"mem_growth_mb={o['peak_mb'] - results[('ours', 1)]['peak_mb']:.1f} cache_mb={CACHE_MB} valid={int(ok)}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(main())
