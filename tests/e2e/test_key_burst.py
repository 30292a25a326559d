"""End to end in a real terminal: keys typed in a burst behind a question that opens and closes
must not leave the keyboard dead."""
from __future__ import annotations

import sys
import time

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_keys_behind_an_answered_question_are_not_stuck(tmux, tmp_path):
    db = tmp_path / "demo.db"
    tmux.start([sys.executable, "-m", "tui", "--db", str(db), "demo", "--goods", "100", "--contractors", "10"])
    tmux.wait_for("Menu główne", timeout=90)
    tmux.keys("Enter")                      # Handel / Kontrahenci
    tmux.wait_for("Rekordów: 11")          # the demo's 10 and the walk-in !NIEOKREŚLONY! (never deleted)
    tmux.keys("End")                        # a contractor the question is asked about
    time.sleep(1)
    # one burst: Del asks "Czy usunąć", N answers no, Ctrl+E opens the export dialog
    tmux._tmux("send-keys", "-t", "t", "DC", "n", "C-e")
    screen = tmux.wait_for("Eksport listy do pliku XLSX", timeout=10)
    assert "Czy usunąć" not in screen
    tmux.keys("Escape")
    screen = tmux.wait_until(lambda s: "Eksport listy do pliku XLSX" not in s and "Rekordów:" in s, timeout=10)
    assert "Rekordów: 11" in screen         # nothing was deleted
    tmux.keys("C-q")
