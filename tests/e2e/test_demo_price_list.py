"""End to end in a real terminal, the catalogue issue's "done when": find an item with the locator,
open its card, mark items and round-trip their price list through Excel (export, change in
openpyxl, import, confirm) — keys only. (Serial price changes on marked goods are driven by keys in
tests/tui/test_serial_ops.py; see the closing note for why not here.)"""
from __future__ import annotations

import sqlite3
import sys

import openpyxl
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _card(db, code: str) -> tuple:
    con = sqlite3.connect(db)
    try:
        return con.execute('SELECT "name", "retail_price" FROM "goods" WHERE "code" = ?', (code,)).fetchone()
    finally:
        con.close()


@pytest.mark.rule("PRC-11", "PIE-1", "PIE-7")
def test_locator_card_marks_and_excel_round_trip(tmux, tmp_path):
    db = tmp_path / "demo.db"
    tmux.start([sys.executable, "-m", "tui", "--db", str(db), "demo", "--goods", "2000", "--contractors", "10"])
    tmux.wait_for("Menu główne", timeout=90)
    tmux.keys("Down", "Enter")              # Handel / Cennik
    tmux.wait_for("Rekordów: 2000")
    tmux.type("T00015")                     # the locator on the sorted column (code)
    tmux.wait_for("szukaj: T00015")
    tmux.keys("F2")                         # the highlighted item's card
    tmux.wait_for("T0001500")
    tmux.wait_for("Kod *")
    tmux.keys("Escape")
    tmux.wait_for("Rekordów: 2000")
    name, _retail = _card(db, "T0001500")
    tmux.keys("Down", "Up")                 # leave the locator (a space typed into it would extend the search)
    tmux.wait_until(lambda screen: "szukaj:" not in screen)
    tmux.keys("Space", "Space")             # mark T0001500 and T0001501
    tmux.wait_for("zaznaczonych: 2")
    tmux.keys("F11")
    tmux.type("Eksport cennika")
    tmux.keys("Enter")
    tmux.wait_for("Eksport cennika do XLSX")
    tmux.wait_for(".xlsx")                  # the proposed path is in the field
    tmux.keys("Enter")                      # $HOME/cennik_<date>.xlsx
    tmux.wait_for("Wyeksportowano cennik: 2", timeout=30)
    [exported] = tmp_path.glob("cennik_*.xlsx")
    book = openpyxl.load_workbook(exported)
    sheet = book["Cennik"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "T0001500":      # what a clerk does in Excel: a new name and price
            row[header.index("Nazwa")].value = "Klucz po imporcie"
            row[header.index("Cena detaliczna brutto")].value = 123.45
    book.save(tmp_path / "cennik.xlsx")      # where the import dialog looks first ($HOME/cennik.xlsx)

    tmux.keys("F11")
    tmux.type("Import cennika")
    tmux.keys("Enter")
    tmux.wait_for("Import cennika z pliku XLSX")
    tmux.wait_for("cennik.xlsx")
    tmux.keys("Enter")
    screen = tmux.wait_for("poprawnych: 2")  # checked, nothing written yet
    assert "Producent" not in screen           # empty producer columns of our own export: no warning
    assert _card(db, "T0001500")[0] == name
    tmux.keys("C-s")
    tmux.wait_for("Zapisać 2 poprawnych wierszy")
    tmux.keys("Enter")                       # Tak
    tmux.wait_for("Zaimportowano cennik: dopisano 0, zaktualizowano 2")
    assert _card(db, "T0001500") == ("Klucz po imporcie", 1234500)
    tmux.keys("Escape")
    tmux.wait_for("Rekordów: 2000")
    tmux.keys("C-q")
