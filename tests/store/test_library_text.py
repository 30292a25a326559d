"""Reasons from libraries reach the user in Polish (issue 10 §3): libxml2's „Maximum entity amplification
factor exceeded”, zlib's „Error -3 while decompressing”, the C library's „No such file or directory” were
shown as they came. Real files, the real readers and writers."""
from __future__ import annotations

import re
import zipfile

import pytest

from store.errors import FiliaError
from store.pricelist_io import XlsxRefused, validate_import
from tests.store.pricelist_files import write_xlsx

# What the libraries write: none of it may reach the screen.
ENGLISH = re.compile(r"amplification|entity|Error -\d|decompress|invalid|No such file|Permission denied|"
                     r"line \d+, column|Errno|Maximum|exceeded|while", re.IGNORECASE)

BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;'
        '&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
        '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
        '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="&lol5;" sheetId="1" r:id="rId1"/></sheets></workbook>')


def _rebuilt(tmp_path, part: str, body: bytes | str):
    path = write_xlsx(tmp_path / "zrodlo.xlsx", [["Kod", "Nazwa"], ["A", "x"]])
    out = tmp_path / "plik.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, body if item.filename == part else src.read(item))
    return out


def _refusal(path) -> str:
    with pytest.raises(XlsxRefused) as info:
        validate_import(path)
    return str(info.value)


def test_an_entity_bomb_is_refused_in_polish(db, tmp_path):
    message = _refusal(_rebuilt(tmp_path, "xl/workbook.xml", BOMB))
    assert not ENGLISH.search(message), message
    assert "plik.xlsx" in message and "encje XML" in message


def test_broken_xml_names_its_line_in_polish(db, tmp_path):
    message = _refusal(_rebuilt(tmp_path, "xl/workbook.xml", "<workbook><sheets></workbook>"))
    assert not ENGLISH.search(message), message
    assert "błędna struktura XML" in message


def test_a_damaged_compressed_part_is_refused_in_polish(db, tmp_path):
    good = write_xlsx(tmp_path / "dobry.xlsx", [["Kod", "Nazwa"]] + [[f"K{i}", f"Towar {i}"] for i in range(3000)])
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 200
    data[start:start + 64] = bytes(64)                       # garbage in the middle of the deflated sheet
    bad = tmp_path / "zepsuty.xlsx"
    bad.write_bytes(bytes(data))
    message = _refusal(bad)
    assert not ENGLISH.search(message), message
    assert "uszkodzony" in message or "Nie można odczytać" in message


def test_writing_into_a_missing_folder_says_why_in_polish(tmp_path):
    from store.printout import write_list_printout
    from store.xlsx_export import export_rows

    missing = tmp_path / "nie-ma" / "lista.xlsx"
    for write in (lambda: export_rows(missing, ["A"], iter([("x",)])),
                  lambda: write_list_printout(missing.with_suffix(".txt"), "Lista", "A", iter(["x"]))):
        with pytest.raises(FiliaError) as info:
            write()
        assert not ENGLISH.search(str(info.value)), str(info.value)
        assert "nie-ma" in str(info.value)
