"""End to end in a real terminal: `filia demo`, add a contractor by keys only, find it with the
locator, export the list to XLSX and read the file back."""
from __future__ import annotations

import sys

import openpyxl
import pytest


pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.mark.rule("CTR-1", "CTF-1", "CTR-8")
def test_add_find_and_export_a_contractor(tmux, tmp_path):
    db = tmp_path / "demo.db"
    tmux.start([sys.executable, "-m", "tui", "--db", str(db), "demo", "--goods", "2000", "--contractors", "30"])
    tmux.wait_for("Menu główne", timeout=90)
    tmux.wait_for("DEMO")                   # no license: DEMO mode is on the status line
    tmux.keys("Enter")                      # Handel / Kontrahenci
    tmux.wait_for("Rekordów: 31")          # the demo's 30 and the walk-in !NIEOKREŚLONY!
    tmux.keys("IC")                         # Insert: a new card
    tmux.wait_for("Kod *")
    tmux.type("ZZTERM")
    tmux.keys("C-s")                        # saving without a name: the card says what is missing
    tmux.wait_for("Pole „Nazwa”: pole jest wymagane")
    tmux.type("T")                          # the cursor is put on the field to fix
    tmux.wait_until(lambda screen: any(l.strip().startswith("Nazwa *") and l.rstrip().endswith(" T")
                                       for l in screen.splitlines()))
    tmux.type("erminalowa Spółka Testowa")
    tmux.wait_for("Terminalowa Spółka Testowa")
    tmux.keys("C-s")
    tmux.wait_for("Rekordów: 32")
    tmux.keys("Home")
    tmux.type("zzterm")                     # the locator on the sorted column (code)
    tmux.wait_for("szukaj: zzterm")
    screen = tmux.wait_for("ZZTERM")       # the row itself (the status line shows the typed text)
    assert "Terminalowa" in screen
    tmux.keys("C-e")                        # export to XLSX; the dialog proposes a path in $HOME
    tmux.wait_for("Eksport listy do pliku XLSX")
    tmux.keys("Enter")
    tmux.wait_for("Wyeksportowano 32", timeout=30)
    files = list(tmp_path.glob("filia_contractors_*.xlsx"))
    assert len(files) == 1
    rows = list(openpyxl.load_workbook(files[0], read_only=True).active.iter_rows(values_only=True))
    assert ("ZZTERM", "Terminalowa Spółka Testowa") in [r[:2] for r in rows]
    assert len(rows) == 1 + 32
    tmux.keys("Escape")
    tmux.wait_for("Menu główne")
    tmux.keys("C-q")
