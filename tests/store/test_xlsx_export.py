"""Export of any list to XLSX (store.xlsx_export): types, formats, atomic file, cancel, progress."""
from __future__ import annotations

import datetime
from decimal import Decimal as D

import openpyxl
import pytest
import python_calamine

from store import xlsx_export
from store.errors import FiliaError
from store.xlsx_export import ExportCancelled, export_rows

HEADERS = ["Kod", "Nazwa", "Kwota", "Cena", "Data", "Czas zmiany", "Ilość", "Aktywny"]


def _cells(path, sheet=None):
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return [[(c.value, c.number_format, c.data_type) for c in row] for row in ws.iter_rows()]


def test_values_keep_their_types_and_formats(tmp_path):
    path = tmp_path / "lista.xlsx"
    rows = [
        ("K1", "=HYPERLINK(\"http://zło\")", D("1234.50"), D("12.3456"), datetime.date(2026, 11, 25),
         datetime.datetime(2026, 11, 25, 14, 5, 9), 7, True),
        ("K2", "#N/A", D("-0.01"), D("0"), None, None, 0, False),
        ("K3", "tab\tnowa linia\nzakazany\x01znak", None, None, None, None, None, None),
    ]
    assert export_rows(path, HEADERS, rows) == 3
    got = _cells(path)
    assert [v for v, _f, _t in got[0]] == HEADERS
    k1, k2, k3 = got[1], got[2], got[3]
    assert k1[1] == ("=HYPERLINK(\"http://zło\")", "General", "s")        # text stays text, never a formula
    assert k1[2] == (1234.5, "#,##0.00", "n") and k1[3] == (12.3456, "#,##0.0000", "n")
    assert k1[4][0] == datetime.datetime(2026, 11, 25) and k1[4][1] == "yyyy-mm-dd"
    assert k1[5][0] == datetime.datetime(2026, 11, 25, 14, 5, 9) and k1[5][1] == "yyyy-mm-dd hh:mm:ss"
    assert (k1[6][0], k1[7][0]) == (7, True)
    assert k2[1] == ("#N/A", "General", "s") and k2[2][:2] == (-0.01, "#,##0.00") and k2[3][:2] == (0, "#,##0")
    assert k2[4][0] is None and k2[7][0] is False
    assert k3[1][0] == "tab\tnowa linia\nzakazanyznak"                    # control character dropped, no crash
    first = list(python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())[1]
    assert first[:4] == ["K1", "=HYPERLINK(\"http://zło\")", 1234.5, 12.3456]


def test_atomic_write_and_cancel_leave_the_old_file(tmp_path):
    path = tmp_path / "lista.xlsx"
    export_rows(path, ["Kod"], [("stary",)])
    before = path.read_bytes()
    calls = {"n": 0}

    def cancel():
        calls["n"] += 1
        return calls["n"] >= 2

    with pytest.raises(ExportCancelled, match="przerwany"):
        export_rows(path, ["Kod"], ((f"K{i}",) for i in range(10_000)), cancel=cancel)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lista.xlsx"]            # no temporary file left

    def broken():
        yield ("ok",)
        raise RuntimeError("source failed")

    with pytest.raises(RuntimeError):
        export_rows(path, ["Kod"], broken())
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lista.xlsx"]


def test_progress_is_reported_and_ends_with_the_total(tmp_path):
    seen = []
    n = export_rows(tmp_path / "a.xlsx", ["Kod"], ((i,) for i in range(2_500)), progress=seen.append)
    assert n == 2_500 and seen == [1_000, 2_000, 2_500]


def test_a_list_longer_than_a_sheet_continues_on_the_next_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_export, "EXCEL_MAX_ROWS", 4)                  # header + 3 rows per sheet
    path = tmp_path / "dlugi.xlsx"
    assert export_rows(path, ["Kod", "Nazwa"], [(f"K{i}", f"N{i}") for i in range(7)], sheet_title="Towary") == 7
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Towary", "Towary 2", "Towary 3"]
    assert [[c.value for c in r] for r in wb["Towary 3"].iter_rows()] == [["Kod", "Nazwa"], ["K6", "N6"]]
    assert sum(ws.max_row - 1 for ws in wb.worksheets) == 7


def test_missing_folder_is_a_polish_error(tmp_path):
    with pytest.raises(FiliaError, match="Katalog docelowy nie istnieje"):
        export_rows(tmp_path / "brak" / "x.xlsx", ["Kod"], [])


def test_empty_list_gives_a_header_only_file(tmp_path):
    path = tmp_path / "pusta.xlsx"
    assert export_rows(path, ["Kod", "Nazwa"], []) == 0
    assert [[v for v, _f, _t in r] for r in _cells(path)] == [["Kod", "Nazwa"]]


def test_every_message_of_the_export_and_import_has_an_english_translation():
    import ast
    from pathlib import Path

    import polib

    root = Path(__file__).resolve().parents[2]
    files = [root / "store" / "xlsx_export.py", *sorted((root / "store" / "pricelist_io").glob("*.py"))]
    msgids = {node.args[0].value for f in files for node in ast.walk(ast.parse(f.read_text()))
              if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_"
              and node.args and isinstance(node.args[0], ast.Constant)}
    translated = {e.msgid for e in polib.pofile(str(root / "store" / "locale" / "en" / "pricelist_io.po"))
                  if e.msgstr}
    assert len(msgids) > 50 and msgids <= translated, sorted(msgids - translated)
