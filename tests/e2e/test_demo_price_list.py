"""End to end in a real terminal, the catalogue issue's "done when": find an item with the locator,
open its card, mark items, change their prices with a serial operation and round-trip their price
list through Excel (export, change in openpyxl, import, confirm) — keys only. Keys are sent in
bursts, as a fast clerk or a paste over SSH delivers them: nothing may be lost or reordered while
a dialog opens or a drop-down closes."""
from __future__ import annotations

import sqlite3
import sys
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _card(db, code: str) -> tuple:
    con = sqlite3.connect(db)
    try:
        return con.execute('SELECT "name", "retail_price" FROM "goods" WHERE "code" = ?', (code,)).fetchone()
    finally:
        con.close()


@pytest.mark.rule("PRC-11", "PIE-1", "PIE-7", "PSO-12")
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
    before = [_card(db, code)[1] for code in ("T0001500", "T0001501")]
    tmux.keys("F11")
    tmux.type("Zmiana cen")
    tmux.wait_for("Operacja seryjna: Zmiana cen")
    # one burst: choose the operation (it starts on „detaliczna”, the price the list shows), go to the
    # value, clear it, type 10 (percent), run
    tmux.keys("Enter", "Tab", "Tab", "Tab", "C-u")
    tmux.type("10")
    tmux.keys("C-s")
    tmux.wait_for("zmieniono 2, pominięto 0")
    expected = [int((Decimal(p) / 10000 * Decimal("1.10")).quantize(Decimal("0.01"), ROUND_HALF_UP) * 10000)
                for p in before]
    assert [_card(db, code)[1] for code in ("T0001500", "T0001501")] == expected
    tmux.keys("Escape")
    tmux.wait_until(lambda screen: "zmieniono 2" not in screen)
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
    changed = tmp_path / "po zmianie.xlsx"
    book.save(changed)

    tmux.keys("F11")
    tmux.type("Import cennika")
    tmux.wait_for("Import cennika z XLSX")
    tmux.keys("Enter", "End", "C-u")         # choose, then replace the proposed path at once
    tmux.type(str(changed))
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
