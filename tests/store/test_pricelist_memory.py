"""Price-list import limits (issue 10 §4): a file whose sheet would need more memory than the budget is
refused before python-calamine allocates it, with a message saying why; the check of every input
stays under 300 MB (measured in a child process); the check can be stopped; a stray far cell is
named as such, never „more than 250,000 rows”."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.pricelist_io import CheckCancelled, XlsxRefused, validate_import
from tests.dbdump import assert_same, dump
from tests.store.pricelist_files import (write_far_cell_xlsx, write_long_text_xlsx, write_padded_xlsx,
                                         write_shared_bomb_xlsx, write_shared_xlsx, write_xlsx)

ROOT = Path(__file__).resolve().parents[2]
PEAK_LIMIT_MB = 300

CHILD = """
import json, sys
from store.db import open_database
from store.config import ensure_default_vat_rates, set_setting
from store.catalog.seed import ensure_catalogue_defaults
open_database(sys.argv[1], create=True)
set_setting("role", "standalone"); ensure_default_vat_rates(); ensure_catalogue_defaults()
from store.pricelist_io import XlsxRefused, validate_import
try:
    plan = validate_import(sys.argv[2])
    outcome = f"rows={plan.valid_rows}"
except XlsxRefused as exc:
    outcome = str(exc)
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"peak_mb": peak / 1024, "outcome": outcome}))
"""


def check_in_child(path: Path, tmp_path: Path) -> dict:
    """validate_import of `path` in a fresh process: {peak_mb (whole process), outcome}."""
    out = subprocess.run([sys.executable, "-c", CHILD, f"sqlite:///{tmp_path / (path.stem + '.db')}", str(path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_stray_far_cell_is_named_and_not_taken_for_a_million_rows(cat, tmp_path):
    """XFD1048576 (and a dimension saying A1:XFD1048576) used to read as „more than 250,000 rows”."""
    path = write_far_cell_xlsx(tmp_path / "zablakana.xlsx", "XFD1048576", dimension="A1:XFD1048576")
    before = dump()
    with pytest.raises(XlsxRefused) as refused:
        validate_import(path)
    message = str(refused.value)
    assert "XFD1048576" in message and "zbyt duży obszar" in message and "250 000" not in message
    assert_same(before, dump())


def test_a_formatted_empty_far_cell_does_not_stop_the_import(cat, tmp_path):
    """A cell that only carries formatting (<c r="XFD1048576" s="1"/>) holds no value: the reader does not
    allocate up to it, so the import goes on."""
    path = write_far_cell_xlsx(tmp_path / "format.xlsx", "XFD1048576", value=False, dimension="A1:XFD1048576")
    plan = validate_import(path)
    assert plan.valid_rows == 1 and not plan.errors


def test_blank_padding_inside_the_sheet_is_refused_at_once(cat, tmp_path):
    path = write_padded_xlsx(tmp_path / "wypelnienie.xlsx", 64)
    started = time.monotonic()
    with pytest.raises(XlsxRefused, match="dłuższy, niż zapisuje arkusz"):
        validate_import(path)
    assert time.monotonic() - started < 5                 # stopped at the first megabyte, not after 64


def test_one_shared_string_used_by_many_cells_is_counted_once_per_cell(cat, tmp_path):
    """The reader clones a shared string into every cell using it: 200 KB × 2,000 cells is 400 MB."""
    bomb = write_shared_bomb_xlsx(tmp_path / "bomba.xlsx", 200_000, 2000)
    with pytest.raises(XlsxRefused, match=r"zbyt duży, by go bezpiecznie sprawdzić.*tekstu"):
        validate_import(bomb)
    fine = write_shared_xlsx(tmp_path / "wspolne.xlsx", [["Kod", "Nazwa", "Opis"]] + [
        [f"K{i}", f"Towar {i}", "Opis wspólny dla wielu towarów"] for i in range(3000)])
    assert validate_import(fine).valid_rows == 3000       # Excel's shared strings in an ordinary file: fine


def test_long_descriptions_beyond_the_memory_budget_are_refused_before_reading(cat, tmp_path, monkeypatch):
    """100,000 rows with 2 KB descriptions took 1.3 GB (the real file: the slow test below). Here the
    budget is lowered so a small file crosses it: the scan stops once the need passes the budget."""
    from store.pricelist_io import sheet_scan

    path = write_long_text_xlsx(tmp_path / "opisy.xlsx", 5000, 2000)      # 10 MB of text, ~30 MB to read
    assert validate_import(path).valid_rows == 5000
    monkeypatch.setattr(sheet_scan, "MEMORY_BUDGET_MB", 20)
    with pytest.raises(XlsxRefused, match=r"ponad 20 MB pamięci.*tekstu"):
        validate_import(path)


def test_a_check_stops_when_cancelled_and_writes_nothing(cat, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [["Kod", "Nazwa"]] + [[f"K{i}", f"Towar {i}"] for i in range(50)])
    polls = []
    before = dump()
    with pytest.raises(CheckCancelled, match="Przerwano sprawdzanie"):
        validate_import(path, cancel=lambda: polls.append(1) or len(polls) > 1)
    assert_same(before, dump())
    assert validate_import(path, cancel=lambda: False).valid_rows == 50


@pytest.mark.slow
def test_the_check_of_every_hostile_input_stays_under_300_mb(tmp_path):
    """Each input in its own process; before, padding reached 1.5 GB, a shared string cloned into cells
    3 GB and long descriptions 1.3 GB. A legitimate wide file is read, within the limit too."""
    inputs = {
        "padding": write_padded_xlsx(tmp_path / "padding.xlsx", 400),
        "shared string bomb": write_shared_bomb_xlsx(tmp_path / "bomb.xlsx", 1_000_000, 1500),
        "long descriptions": write_long_text_xlsx(tmp_path / "descr.xlsx", 100_000, 2000),
        "far cell": write_far_cell_xlsx(tmp_path / "far.xlsx", "XFD1048576"),
        "far row in column A": write_far_cell_xlsx(tmp_path / "far_a.xlsx", "A1048576"),
        "long but allowed": write_long_text_xlsx(tmp_path / "ok.xlsx", 30_000, 1000),
    }
    results = {name: check_in_child(path, tmp_path) for name, path in inputs.items()}
    for name, result in results.items():
        assert result["peak_mb"] < PEAK_LIMIT_MB, (name, result)
    assert results["long but allowed"]["outcome"] == "rows=30000"
    assert "zbyt duży" in results["shared string bomb"]["outcome"]
