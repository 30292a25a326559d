"""Hostile price-list files: each is refused or reported in Polish, never a crash, and nothing is
written to the database."""
from __future__ import annotations

import datetime
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from store.pricelist_io import XlsxRefused, apply_import, validate_import
from tests.store.pricelist_files import snapshot, write_huge_xlsx, write_ole, write_xlsx

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dbh(cat):
    from store.db import database

    return database.obj


@pytest.fixture(scope="session")
def million_rows(tmp_path_factory):
    """A 1,000,000-row price list (raw sheet XML in a zip, ~2 s to write), shared by the session."""
    return write_huge_xlsx(tmp_path_factory.mktemp("huge") / "milion.xlsx", 1_000_000)


def _openpyxl_file(path, fill):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cennik"
    fill(ws)
    wb.save(path)
    return path


def _not_xlsx_cases(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, fragment of the Polish refusal)."""
    cases = {}
    p = tmp / "tekst.xlsx"
    p.write_text("Kod;Nazwa\nA;Młotek\n", encoding="utf-8")
    cases["text renamed to xlsx"] = (p, "nie jest skoroszytem XLSX")
    p = tmp / "pusty.xlsx"
    p.write_bytes(b"")
    cases["empty file"] = (p, "jest pusty")
    p = tmp / "dokument.docx.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    cases["zip that is not xlsx"] = (p, "archiwum ZIP, ale nie skoroszytem")
    p = tmp / "pusty-zip.xlsx"
    zipfile.ZipFile(p, "w").close()
    cases["empty zip"] = (p, "nie jest skoroszytem XLSX")
    good = write_xlsx(tmp / "dobry.xlsx", [["Kod", "Nazwa"]] + [[f"K{i}", f"Towar {i}"] for i in range(2000)])
    p = tmp / "obciety.xlsx"
    p.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    cases["truncated xlsx"] = (p, "uszkodzony")
    cases["password-protected (encrypted OLE)"] = (write_ole(tmp / "haslo.xlsx", ["EncryptionInfo", "EncryptedPackage"]),
                                                   "zabezpieczony hasłem")
    cases["old xls"] = (write_ole(tmp / "stary.xls", ["Workbook"]), "starym formacie XLS")
    p = tmp / "zip-haslo.xlsx"
    raw = bytearray(write_xlsx(tmp / "jawny.xlsx", [["Kod"], ["A"]]).read_bytes())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # mark every entry encrypted
        at = raw.find(signature)
        while at >= 0:
            raw[at + flag_at] |= 0x1
            at = raw.find(signature, at + 4)
    p.write_bytes(bytes(raw))
    cases["zip with encrypted entries"] = (p, "zabezpieczony hasłem")
    p = tmp / "xlsb.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x00\x01")
    cases["binary workbook xlsb"] = (p, "XLSB")
    cases["empty sheet"] = (_openpyxl_file(tmp / "pusty-arkusz.xlsx", lambda ws: None), "jest pusty")
    cases["missing file"] = (tmp / "nie-ma.xlsx", "Nie znaleziono pliku")
    cases["directory"] = (tmp, "nie jest plikiem")
    return cases


CASES = ["text renamed to xlsx", "empty file", "zip that is not xlsx", "empty zip", "truncated xlsx",
         "password-protected (encrypted OLE)", "old xls", "zip with encrypted entries", "binary workbook xlsb",
         "empty sheet", "missing file", "directory"]


@pytest.mark.parametrize("case", CASES)
def test_files_that_are_not_a_usable_xlsx_are_refused_and_nothing_is_written(case, dbh, tmp_path):
    path, fragment = _not_xlsx_cases(tmp_path)[case]
    before = snapshot(dbh)
    with pytest.raises(XlsxRefused) as err:
        validate_import(path)
    assert fragment in str(err.value)
    assert snapshot(dbh) == before


def test_a_million_rows_are_refused_with_a_clear_message_without_reading_them_all(million_rows, dbh):
    before = snapshot(dbh)
    with pytest.raises(XlsxRefused, match=r"więcej niż 250 000 wierszy danych\. Podziel cennik"):
        validate_import(million_rows)
    assert snapshot(dbh) == before


def test_the_million_row_refusal_does_not_eat_memory(million_rows, tmp_path):
    """Measured in a fresh process: peak RSS stays far below what loading the sheet would need."""
    code = (
        "import json, resource, sys\n"
        "from store.db import open_database\n"
        "from store.config import ensure_default_vat_rates\n"
        "from store.pricelist_io import XlsxRefused, validate_import\n"
        f"open_database('sqlite:///{tmp_path / 'm.db'}', create=True)\n"
        "ensure_default_vat_rates()\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        f"    validate_import({str(million_rows)!r})\n"
        "    msg = ''\n"
        "except XlsxRefused as exc:\n"
        "    msg = str(exc)\n"
        "print(json.dumps({'msg': msg, 'grew_mb': (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "więcej niż 250 000 wierszy" in result["msg"]
    assert result["grew_mb"] < 50, result


def test_a_lower_row_cap_is_honoured(cat, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [["Kod", "Nazwa"]] + [[f"K{i}", "x"] for i in range(11)])
    with pytest.raises(XlsxRefused, match="więcej niż 10 wierszy"):
        validate_import(path, max_rows=10)
    assert validate_import(path, max_rows=11).valid_rows == 11


def test_wrong_types_in_every_column_are_reported_per_cell(cat, dbh, tmp_path):
    path = _openpyxl_file(tmp_path / "typy.xlsx", lambda ws: [ws.append(r) for r in [
        ["Kod", "Nazwa", "Typ", "Stawka VAT", "Aktywna", "Cena detaliczna brutto", "Kod CN", "Granica ceny"],
        ["A", datetime.date(2024, 5, 1), 7, "23", "może", datetime.datetime(2024, 1, 1, 12), "12", "dużo"],
        ["B", True, "towar", 23, 1, "12,50", "0901 11 00", 1],
        ["C", "x" * 300, "UZ", "23%", "Nie", "1e999", 12345678, 0],
        ["D", "Duża", "UP", "8", "Tak", 1e300, "", 0],
    ]])
    before = snapshot(dbh)
    plan = validate_import(path)
    assert snapshot(dbh) == before
    got = {(e.row, e.column): e.reason for e in plan.errors}
    assert "data" in got[(2, "Nazwa")] and "Oczekiwano tekstu" in got[(2, "Nazwa")]
    assert "Typ pozycji" in got[(2, "Typ")]
    assert "Tak" in got[(2, "Aktywna")] and "może" in got[(2, "Aktywna")]
    assert "Oczekiwano liczby" in got[(2, "Cena detaliczna brutto")]
    assert "8 cyfr" in got[(2, "Kod CN")] and "Granica ceny" in got[(2, "Granica ceny")]
    assert "wartość logiczna" in got[(3, "Nazwa")]
    assert "najwyżej 254" in got[(4, "Nazwa")]
    assert "1e999 jest zbyt duża" in got[(4, "Cena detaliczna brutto")]
    assert "zbyt duża" in got[(5, "Cena detaliczna brutto")]
    assert set(r for r, _c in got) == {2, 3, 4, 5}
    assert plan.valid_rows == 0


def test_formulas_without_cached_values_are_reported_with_cached_ones_imported(cat, tmp_path):
    from store.catalog import Goods

    path = write_xlsx(tmp_path / "formuly.xlsx", [
        ["Kod", "Nazwa", "Cena detaliczna brutto"],
        ["F1", "Z wartością", ("=", "2*5", 10)],             # as Excel saves it: formula + cached value
        ["F2", "Bez wartości", ("=", "C2*2", None)],         # as a program writes it: no value until opened
    ])
    plan = validate_import(path)
    assert [(e.row, e.column) for e in plan.errors] == [(3, "Cena detaliczna brutto")]
    assert "formułę bez obliczonej wartości" in plan.errors[0].reason
    apply_import(plan)
    assert Goods.get(Goods.code == "F1").retail_price == 10
    assert not Goods.select().where(Goods.code == "F2").exists()


def test_openpyxl_formulas_are_caught_too(cat, tmp_path):
    path = _openpyxl_file(tmp_path / "f.xlsx", lambda ws: [ws.append(r) for r in [
        ["Kod", "Nazwa", "Cena detaliczna brutto"], ["A", "=UPPER(\"a\")", "=1+1"]]])
    plan = validate_import(path)
    assert {e.column for e in plan.errors} == {"Nazwa", "Cena detaliczna brutto"}


def test_data_below_blank_rows_and_right_of_blank_columns_keeps_spreadsheet_row_numbers(cat, tmp_path):
    path = _openpyxl_file(tmp_path / "przesuniete.xlsx", lambda ws: (
        ws.cell(3, 2, "Kod"), ws.cell(3, 3, "Nazwa"), ws.cell(3, 4, "Cena detaliczna brutto"),
        ws.cell(4, 2, "A"), ws.cell(4, 3, "Aaa"), ws.cell(4, 4, 1),
        ws.cell(6, 2, "B"), ws.cell(6, 3, "Bee"), ws.cell(6, 4, "zero")))
    plan = validate_import(path)
    assert [(e.row, e.column, e.value) for e in plan.errors] == [(6, "Cena detaliczna brutto", "zero")]
    assert plan.total_rows == 2 and plan.valid_rows == 1


def test_xml_entity_bomb_in_a_shared_string_table_is_harmless(cat, tmp_path):
    path = write_xlsx(tmp_path / "bomba.xlsx", [["Kod", "Nazwa"], ["A", "x"]])
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;'
            '&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="&lol3;" sheetId="1" r:id="rId1"/></sheets></workbook>')
    rebuilt = tmp_path / "bomba2.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(rebuilt, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, bomb if item.filename == "xl/workbook.xml" else src.read(item))
    try:
        plan = validate_import(rebuilt)
    except XlsxRefused as exc:
        assert str(exc)                                               # refused with a message is fine
    else:
        assert plan.valid_rows == 1


def test_two_cells_far_apart_are_refused_before_the_reader_allocates_the_whole_rectangle(cat, dbh, tmp_path):
    """The reader stores a sheet densely: A1 and XFD200000 would mean 3.3 billion cells."""
    from tests.store.pricelist_files import SHEET_HEAD, SHEET_TAIL, _write_parts, cell_xml

    path = tmp_path / "rzadki.xlsx"
    _write_parts(path, SHEET_HEAD + b'<row r="1">' + cell_xml("A1", "Kod").encode() + b'</row><row r="200000">'
                 + cell_xml("XFD200000", "x").encode() + b"</row>" + SHEET_TAIL)
    before = snapshot(dbh)
    with pytest.raises(XlsxRefused, match=r"zbyt duży obszar \(200000 wierszy × 16384 kolumn\)"):
        validate_import(path)
    assert snapshot(dbh) == before


def test_a_shared_string_table_over_the_limit_is_refused(cat, tmp_path, monkeypatch):
    from store.pricelist_io import reader
    from tests.store.pricelist_files import write_shared_xlsx

    path = write_shared_xlsx(tmp_path / "teksty.xlsx", [
        ["Kod", "Nazwa"], *[[f"K{i}", f"Bardzo długa nazwa towaru numer {i}"] for i in range(50)]])
    assert validate_import(path).valid_rows == 50                  # Excel-style file with shared strings: fine
    monkeypatch.setattr(reader, "MAX_SHARED_STRINGS_BYTES", 500)
    with pytest.raises(XlsxRefused, match="zbyt dużo tekstu"):
        validate_import(path)


def test_column_letters_match_openpyxl_over_the_whole_sheet_width():
    from openpyxl.utils import get_column_letter

    from store.pricelist_io.reader import column_index, column_letters

    for i in range(16384):                                    # A .. XFD
        assert column_letters(i) == get_column_letter(i + 1) and column_index(column_letters(i)) == i


def test_a_sheet_with_prefixed_tags_is_counted_and_read(cat, tmp_path):
    """<x:row>/<x:c> (a namespace prefix, legal XML some tools write): the safety scan counts those
    rows as well, so the row cap still holds, and a sheet within the cap imports as usual."""
    from tests.store.pricelist_files import _write_parts, cell_xml

    def prefixed(rows: int) -> bytes:
        body = ['<x:row r="1">' + cell_xml("A1", "Kod").replace("<c ", "<x:c ").replace("</c>", "</x:c>")
                + cell_xml("B1", "Nazwa").replace("<c ", "<x:c ").replace("</c>", "</x:c>") + "</x:row>"]
        for r in range(2, rows + 2):
            cells = cell_xml(f"A{r}", f"P{r}") + cell_xml(f"B{r}", f"Towar {r}")
            body.append(f'<x:row r="{r}">' + cells.replace("<c ", "<x:c ").replace("</c>", "</x:c>") + "</x:row>")
        return (b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
                + "".join(body).encode() + b"</x:sheetData></x:worksheet>")

    path = tmp_path / "p.xlsx"
    _write_parts(path, prefixed(12))
    with pytest.raises(XlsxRefused, match="więcej niż 10 wierszy"):
        validate_import(path, max_rows=10)
    plan = validate_import(path, max_rows=12)
    assert plan.valid_rows == 12 and plan.rows[0][1] == "P2"
