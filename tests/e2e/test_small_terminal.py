"""80×24, the size of a default PuTTY window (issue 10 §3), in a real terminal: the list's key bar shows its
most used keys first and F1 for the rest, the card's tab row shows every tab, every dialog fits (its right
border is on screen) or scrolls."""
from __future__ import annotations

import sys

import pytest

from tests.e2e.conftest import Tmux

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _boxed(screen: str, marker: str) -> bool:
    """The line holding `marker` is inside a dialog whose right border is on screen."""
    line = next((ln for ln in screen.splitlines() if marker in ln), "")
    return line.rstrip().endswith(("█", "▌", "▐", "┃", "│", "▎"))


def test_list_card_and_dialogs_fit_80x24(tmp_path):
    term = Tmux(tmp_path, width=80, height=24)
    try:
        db = tmp_path / "demo.db"
        term.start([sys.executable, "-m", "tui", "--db", str(db), "demo", "--goods", "300", "--contractors", "10"])
        term.wait_for("Menu główne", timeout=90)
        term.keys("Down", "Enter")                                  # Handel / Cennik
        screen = term.wait_for("Rekordów: 300")
        bar = screen.rstrip().splitlines()[-1]
        assert bar.index("Dodaj") < bar.index("Zmień") < bar.index("Usuń") < bar.index("F1 Pomoc"), bar
        term.keys("F1")                                             # the rest of the keys
        screen = term.wait_for("Klawisze tego okna")
        assert "Zaznacz wszystkie" in screen or _boxed(screen, "Pomoc")
        term.keys("Escape")
        term.wait_for("Rekordów: 300")
        term.keys("F2")
        screen = term.wait_for("Kod *")
        for tab in ("Ogólne", "Dodatkowe", "Jednostki, EAN, VAT", "Atrybuty", "Zasoby", "Rezerwacje",
                    "Zamówienia", "Grupy", "Zamienniki", "Zestawy"):
            assert tab in screen, f"tab {tab} not shown at 80x24:\n{screen}"
        term.keys("C-t")                                            # the prices table
        screen = term.wait_for("Tabela cen")
        assert _boxed(screen, "detaliczna"), screen
        term.keys("Escape")
        term.wait_until(lambda s: "Tabela cen" not in s)
        term.keys("Escape")
        term.wait_for("Rekordów: 300")
        term.keys("Delete")
        screen = term.wait_for("Czy usunąć")
        assert "Tak" in screen and "Nie" in screen and _boxed(screen, "Czy usunąć"), screen
        term.keys("n")
        term.wait_until(lambda s: "Czy usunąć" not in s)
        term.keys("C-e")                                            # the export path prompt
        screen = term.wait_for("Eksport listy")
        assert _boxed(screen, "Eksport listy"), screen
        term.keys("Escape")
    finally:
        term.close()
