"""Benchmark: price-list XLSX import (read + validate every row + write in one transaction).

Builds (once, cached in bench/.data/) a 100,000-row price list, then in separate child processes:
  ours      validate_import + apply_import into a fresh SQLite database (peak RSS of that child)
  baseline  openpyxl read_only merely reading every row of the same file
  floor     the least any import built on python-calamine and this SQLite schema can take: the
            calamine read of the sheet plus the bare write of the same cards and prices (tuples made
            outside the clock, no checks, indexes dropped and rebuilt, one commit). Its ratio
            (floor_ratio) bounds what an import that checks nothing could reach on this machine;
            ean_s is the python-stdnum check of the EAN column alone, which a real import adds.
Median of RUNS runs each. Target: ratio >= 5 and peak < 300 MB.
Last line: price_import rows_per_s=<ours> baseline_rows_per_s=<openpyxl> ratio=<ours/baseline> peak_mb=<ours>
           floor_ratio=<baseline time / floor time> read_s=<calamine read> write_s=<bare write> ean_s=<stdnum>
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "bench" / ".data"
ROWS = int(os.environ.get("PRICE_IMPORT_ROWS", "100000"))
RUNS = int(os.environ.get("PRICE_IMPORT_RUNS", "3"))
HEADERS = ["Kod", "Nazwa", "Typ", "EAN", "Jednostka", "Stawka VAT", "Grupa", "Aktywna",
           "Cena detaliczna brutto", "Cena hurtowa 1 netto"]


def data_file() -> Path:
    path = DATA / f"price_import_{ROWS}.xlsx"
    if path.exists():
        return path
    from decimal import Decimal

    from stdnum import ean

    from store.xlsx_export import export_rows

    DATA.mkdir(parents=True, exist_ok=True)
    vats = ["23", "8", "5", "zw"]
    units = ["szt", "kg", "opak", "m"]

    def rows():
        for i in range(ROWS):
            body = f"590{i:09d}"
            yield (f"T{i:07d}", f"Towar testowy numer {i} – opis krótki", "TP" if i % 10 else "UP",
                   body + ean.calc_check_digit(body), units[i % 4], vats[i % 4], f"GR{i % 50:02d}",
                   "Tak" if i % 97 else "Nie", Decimal(i % 10000) / 100 + Decimal("1.99"),
                   Decimal(i % 5000) / 100 + Decimal("0.5"))

    export_rows(path, HEADERS, rows(), sheet_title="Cennik")
    return path


def child_ours(path: str) -> dict:
    from store.catalog.dictionaries import Unit
    from store.catalog.goods import main_group
    from store.catalog.models import Goods
    from store.catalog.prices import ensure_default_price_types
    from store.config import ensure_default_vat_rates
    from store.db import open_database, write
    from store.pricelist_io import apply_import, validate_import

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{tmp}/bench.db", create=True)
        ensure_default_vat_rates()
        ensure_default_price_types()
        with write():
            Unit.insert(code="szt", name="sztuka").on_conflict_ignore().execute()
            main_group()
        t0 = time.perf_counter()
        plan = validate_import(path)
        t1 = time.perf_counter()
        result = apply_import(plan)
        t2 = time.perf_counter()
        count = Goods.select().count()
        db.close()
    assert plan.invalid_rows == 0 and result.inserted == ROWS == count, (plan.errors[:5], result, count)
    return {"seconds": t2 - t0, "validate_s": t1 - t0, "apply_s": t2 - t1, "rows": ROWS,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child_floor(path: str) -> dict:
    import python_calamine

    from store.bulk import deferred_indexes
    from store.catalog.dictionaries import PriceType
    from store.catalog.goods import main_group
    from store.catalog.models import Goods, GoodsPrice
    from store.catalog.prices import ensure_default_price_types
    from store.config import VatRate, ensure_default_vat_rates
    from store.db import bulk_write, open_database
    from store.pricelist_io.bulk_sql import insert_rows

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{tmp}/bench.db", create=True)
        ensure_default_vat_rates()
        ensure_default_price_types()
        group = main_group().id
        vat = VatRate.select(VatRate.id).scalar()
        types = [pt.id for pt in PriceType.select().order_by(PriceType.id)][:2]
        t0 = time.perf_counter()
        book = python_calamine.CalamineWorkbook.from_path(path)
        rows = list(book.get_sheet_by_name("Cennik").iter_rows())[1:]
        read_s = time.perf_counter() - t0
        base = len(rows)
        goods = [(i + 1, r[0], r[1], r[3], r[4], vat, group, f"g{i:035d}") for i, r in enumerate(rows)]
        prices = [(i + 1, t, 10000, 12300, 0, f"p{t}{i:034d}") for t in types for i in range(base)]
        t1 = time.perf_counter()
        with bulk_write(), deferred_indexes(Goods), deferred_indexes(GoodsPrice):
            insert_rows(Goods, ["id", "code", "name", "ean", "unit", "vat_rate", "group", "guid"], goods)
            insert_rows(GoodsPrice, ["goods", "price_type", "net", "gross", "margin", "guid"], prices)
        write_s = time.perf_counter() - t1
        count = Goods.select().count()
        db.close()
    from stdnum import ean

    t2 = time.perf_counter()
    bad = sum(1 for r in rows if not ean.is_valid(r[3]))          # the one check the house rules fix to a library
    ean_s = time.perf_counter() - t2
    assert count == base == ROWS and bad == 0, (count, bad)
    return {"seconds": read_s + write_s, "read_s": read_s, "write_s": write_s, "ean_s": ean_s}


def child_baseline(path: str) -> dict:
    import openpyxl

    t0 = time.perf_counter()
    wb = openpyxl.load_workbook(path, read_only=True)
    n = 0
    for _row in wb["Cennik"].iter_rows(values_only=True):
        n += 1
    wb.close()
    return {"seconds": time.perf_counter() - t0, "rows": n - 1,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_child(kind: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path)], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child = {"ours": child_ours, "floor": child_floor, "baseline": child_baseline}[sys.argv[2]]
        result = child(sys.argv[3])
        print(json.dumps(result))
        return
    path = data_file()
    ours, base, floor = [], [], []
    for i in range(RUNS):
        o = run_child("ours", path)
        b = run_child("baseline", path)
        f = run_child("floor", path)
        ours.append(o)
        base.append(b)
        floor.append(f)
        print(f"run {i + 1}: ours {o['seconds']:.2f} s (validate {o['validate_s']:.2f} s, apply {o['apply_s']:.2f} s, "
              f"peak {o['peak_mb']:.0f} MB); openpyxl read-only {b['seconds']:.2f} s (peak {b['peak_mb']:.0f} MB); "
              f"floor {f['seconds']:.2f} s (calamine read {f['read_s']:.2f} s, bare write {f['write_s']:.2f} s; "
              f"stdnum EAN column {f['ean_s']:.2f} s)")
    ours_rps = ROWS / statistics.median(o["seconds"] for o in ours)
    base_rps = ROWS / statistics.median(b["seconds"] for b in base)
    peak = statistics.median(o["peak_mb"] for o in ours)
    floor_s = statistics.median(f["seconds"] for f in floor)
    print(f"price_import rows_per_s={ours_rps:.0f} baseline_rows_per_s={base_rps:.0f} "
          f"ratio={ours_rps / base_rps:.2f} peak_mb={peak:.0f} floor_ratio={ROWS / floor_s / base_rps:.2f} "
          f"read_s={statistics.median(f['read_s'] for f in floor):.2f} "
          f"write_s={statistics.median(f['write_s'] for f in floor):.2f} "
          f"ean_s={statistics.median(f['ean_s'] for f in floor):.2f}")


if __name__ == "__main__":
    main()
