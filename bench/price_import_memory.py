"""Benchmark: peak memory of checking a price-list file, hostile and large inputs (issue 10 §4).

Builds (once, cached in bench/.data/memory/) files that made the reader allocate far more than their
size, and legitimate large ones; then, each in its own child process:
  ours      validate_import (the safety scan, then python-calamine and the checks): peak RSS, outcome
  baseline  python-calamine reading the same sheet with no scan first (what the import did before the
            scan bounded memory), under an address-space limit of BASELINE_LIMIT_MB so it cannot take
            the machine down: a peak at the limit means it needed more.
Target: every "ours" peak < 300 MB (the whole process, Python included).
Last line: price_import_memory max_peak_mb=<ours, worst input> limit_mb=300 inputs=<n> refused=<n>
           baseline_max_peak_mb=<baseline, worst input>
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "bench" / ".data" / "memory"
LIMIT_MB = 300
BASELINE_LIMIT_MB = 6000


def inputs() -> dict[str, Path]:
    from tests.store import pricelist_files as pf

    DATA.mkdir(parents=True, exist_ok=True)
    makers = {
        "padding_1500mb": lambda p: pf.write_padded_xlsx(p, 1500),
        "descriptions_100k_x_2kb": lambda p: pf.write_long_text_xlsx(p, 100_000, 2000),
        "shared_string_1mb_x_1500": lambda p: pf.write_shared_bomb_xlsx(p, 1_000_000, 1500),
        "far_cell_XFD1048576": lambda p: pf.write_far_cell_xlsx(p, "XFD1048576", dimension="A1:XFD1048576"),
        "far_row_A1048576": lambda p: pf.write_far_cell_xlsx(p, "A1048576"),
        "descriptions_30k_x_1kb": lambda p: pf.write_long_text_xlsx(p, 30_000, 1000),
        "numbers_1000_x_10000": _dense,
    }
    out = {}
    for name, make in makers.items():
        path = DATA / f"{name}.xlsx"
        if not path.exists():
            print(f"building {path.name} ...", file=sys.stderr)
            make(path)
        out[name] = path
    sys.argv = [sys.argv[0]]
    from bench import price_import

    out["price_list_100k_x_10"] = price_import.data_file()
    return out


def _dense(path: Path) -> None:
    from store.pricelist_io.reader import column_letters
    from tests.store.pricelist_files import SHEET_TAIL, _rows_of, _write_parts

    def stream(fh):
        _rows_of(fh, ["Kod", "Nazwa"] + [f"Cena {column_letters(c)}" for c in range(2, 10_000)],
                 ([f"K{r}", f"Towar {r}"] + [1] * 9998 for r in range(999)))
        fh.write(SHEET_TAIL)

    _write_parts(path, None, stream)


def _peak_mb() -> float:
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) / 1024


def child_ours(path: str) -> dict:
    from store.catalog.seed import ensure_catalogue_defaults
    from store.config import ensure_default_vat_rates, set_setting
    from store.db import open_database
    from store.pricelist_io import XlsxRefused, validate_import

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{tmp}/bench.db", create=True)
        set_setting("role", "standalone")
        ensure_default_vat_rates()
        ensure_catalogue_defaults()
        t0 = time.perf_counter()
        try:
            plan = validate_import(path)
            outcome = f"read {plan.total_rows} rows"
        except XlsxRefused as exc:
            outcome = "refused: " + str(exc)[:90]
        seconds = time.perf_counter() - t0
        db.close()
    return {"peak_mb": _peak_mb(), "seconds": seconds, "outcome": outcome}


def child_baseline(path: str) -> dict:
    limit = BASELINE_LIMIT_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import python_calamine

    t0 = time.perf_counter()
    try:
        book = python_calamine.CalamineWorkbook.from_path(path)
        rows = list(book.get_sheet_by_name(book.sheet_names[0]).iter_rows())
        outcome = f"read {len(rows)} rows"
    except MemoryError:
        outcome = "out of memory"
    except Exception as exc:  # noqa: BLE001 - calamine's own errors
        outcome = f"error: {str(exc)[:60]}"
    return {"peak_mb": _peak_mb(), "seconds": time.perf_counter() - t0, "outcome": outcome}


def run_child(kind: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path)], capture_output=True, text=True,
                         cwd=ROOT)
    if out.returncode != 0:                      # killed (the limit) or aborted by the allocator
        return {"peak_mb": float(BASELINE_LIMIT_MB), "seconds": 0.0, "outcome": f"died ({out.returncode})"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps({"ours": child_ours, "baseline": child_baseline}[sys.argv[2]](sys.argv[3])))
        return
    files = inputs()
    ours, base = {}, {}
    for name, path in files.items():
        ours[name] = run_child("ours", path)
        base[name] = run_child("baseline", path)
        print(f"{name:28} ours {ours[name]['peak_mb']:6.0f} MB {ours[name]['seconds']:6.2f} s  {ours[name]['outcome']}\n"
              f"{'':28} calamine alone {base[name]['peak_mb']:6.0f} MB {base[name]['seconds']:6.2f} s  "
              f"{base[name]['outcome']}")
    refused = sum(r["outcome"].startswith("refused") for r in ours.values())
    print(f"price_import_memory max_peak_mb={max(r['peak_mb'] for r in ours.values()):.0f} limit_mb={LIMIT_MB} "
          f"inputs={len(ours)} refused={refused} "
          f"baseline_max_peak_mb={max(r['peak_mb'] for r in base.values()):.0f}")


if __name__ == "__main__":
    main()
