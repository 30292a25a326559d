"""End to end in a real 80×24 terminal: after End, PgDn or a resize the row drawn highlighted is the
row the keys act on, and a mark is drawn on the row that was marked (issue 10 §2).

The screen is read with its colours (tmux capture-pane -e): the highlighted row is the one line of the
list whose background differs from the others; the marked row carries „●”.
"""
from __future__ import annotations

import pytest

from tests.e2e.listscreen import filia_command, highlighted, marked, resize, rows, wait_highlight

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def code(n: int) -> str:
    return f"T{n:07d}"


def _open_goods(tmux, tmp_path, goods: int = 300) -> None:
    db = tmp_path / "demo.db"
    tmux.start(filia_command() + ["--db", str(db), "demo", "--goods", str(goods), "--contractors", "10"])
    tmux.wait_for("Menu główne", timeout=90)
    tmux.keys("Down", "Enter")              # Handel / Cennik, sorted by code: T0000001 … T0000300
    tmux.wait_for(f"Rekordów: {goods}")
    wait_highlight(tmux, code(1))


def _resize_until(tmux, width: int, height: int, redrawn) -> None:
    """Resize once and wait for the application to redraw at the new size."""
    resize(tmux, width, height)
    tmux.wait_until(lambda _s: redrawn(), timeout=20)


def test_end_up_up_space_enter_acts_on_the_drawn_row(tmux, tmp_path):
    tmux.width, tmux.height = 80, 24
    _open_goods(tmux, tmp_path)
    tmux.keys("End")
    wait_highlight(tmux, code(300))
    tmux.keys("Up")
    wait_highlight(tmux, code(299))
    tmux.keys("Up")
    wait_highlight(tmux, code(298))
    tmux.keys("Space")                      # marks T0000298 and moves to the next row
    tmux.wait_until(lambda _s: marked(tmux) == [code(298)], timeout=10)
    wait_highlight(tmux, code(299))
    tmux.keys("Enter")                      # the card of the highlighted row
    screen = tmux.wait_for("Kod *", timeout=20)
    assert code(299) in screen and code(298) not in screen, screen
    tmux.keys("Escape")
    tmux.wait_for("Rekordów: 300")
    wait_highlight(tmux, code(299))
    assert marked(tmux) == [code(298)]
    tmux.keys("C-q")


def _page_down_and_mark(tmux, tmp_path) -> int:
    tmux.width, tmux.height = 80, 24
    _open_goods(tmux, tmp_path)
    before = len(rows(tmux))
    tmux.keys("PageDown")           # a page further: the cursor row is the first row shown
    tmux.wait_until(lambda _s: rows(tmux) and highlighted(tmux) == rows(tmux)[0][0] != code(1), timeout=10)
    visible = int(highlighted(tmux)[1:]) - 1     # the page the cursor moved by (the layout may still settle)
    assert visible in (before - 1, before, before + 1)
    wait_highlight(tmux, code(1 + visible))
    tmux.keys("Down", "Down")
    wait_highlight(tmux, code(3 + visible))
    tmux.keys("Space")
    tmux.wait_until(lambda _s: marked(tmux) == [code(3 + visible)], timeout=10)
    wait_highlight(tmux, code(4 + visible))
    return visible


def test_pagedown_keeps_the_drawn_row_the_acted_row(tmux, tmp_path):
    visible = _page_down_and_mark(tmux, tmp_path)
    tmux.keys("Up", "Up")                    # back above the marked row, then Enter: that row's card
    wait_highlight(tmux, code(2 + visible))
    tmux.keys("Enter")
    screen = tmux.wait_for("Kod *", timeout=20)
    assert code(2 + visible) in screen and code(3 + visible) not in screen, screen
    tmux.keys("Escape", "C-q")


def test_resize_keeps_the_drawn_row_the_acted_row(tmux, tmp_path):
    visible = _page_down_and_mark(tmux, tmp_path)
    # a taller and wider terminal, then a smaller one: the cursor row stays the drawn one
    _resize_until(tmux, 100, 34, lambda: len(rows(tmux)) > visible)
    tmux.keys("Up")
    wait_highlight(tmux, code(3 + visible))
    _resize_until(tmux, 80, 20, lambda: len(rows(tmux)) < visible)
    tmux.keys("Up", "Space")                 # unmarked row above: marked now, cursor back down
    tmux.wait_until(lambda _s: sorted(marked(tmux)) == [code(2 + visible), code(3 + visible)], timeout=10)
    wait_highlight(tmux, code(3 + visible))
    tmux.keys("Enter")
    screen = tmux.wait_for("Kod *", timeout=20)
    assert code(3 + visible) in screen, screen
    tmux.keys("Escape", "C-q")
