"""End to end in a real 80×24 terminal, as a Polish clerk tries the lists (issue 10 §2): the filter
line finds „Łódź” typed as „łódź” and „Śruba” typed as „ŚRUBA”, the name order puts Ś after S and Ż
last, the locator lands on „Śruba” for „śr”, and after End, PgDn and a resize the highlighted row is
still the one the keys act on. The expected rows come from the database file, read with Python."""
from __future__ import annotations

import sqlite3

import pytest

from store.textkey import sort_key
from tests.e2e.listscreen import CONTRACTOR_CODE, filia_command, highlighted, marked, resize, rows, wait_highlight

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _table(db, sql: str) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_contractors_and_goods_in_polish_at_80x24(tmux, tmp_path):
    tmux.width, tmux.height = 80, 24
    db = tmp_path / "demo.db"
    tmux.start(filia_command() + ["--db", str(db), "demo", "--goods", "400", "--contractors", "120"])
    tmux.wait_for("Menu główne", timeout=90)
    contractors = _table(db, 'SELECT "code", "name", "nip", "city" FROM "contractor"')
    in_lodz = sorted(c[0] for c in contractors if any("łódź" in (v or "").lower() for v in c))
    assert 3 < len(in_lodz) < 60

    tmux.keys("Enter")                                   # Handel / Kontrahenci, by code
    tmux.wait_for(f"Rekordów: {len(contractors)}")
    tmux.keys("C-f")
    tmux.wait_for("Filtr: wpisz tekst")                  # the filter field is up: typing goes there
    tmux.type("łódź")
    tmux.keys("Enter")
    screen = tmux.wait_for(f"Rekordów: {len(in_lodz)}")
    assert "filtr: „łódź”" in screen
    shown = rows(tmux, CONTRACTOR_CODE)
    assert [c for c, *_ in shown] == in_lodz[:len(shown)] and all("Łódź" in text for *_x, text in shown)
    tmux.keys("End")
    wait_highlight(tmux, in_lodz[-1], CONTRACTOR_CODE)
    tmux.keys("Up", "Space")                             # mark the one before the last
    tmux.wait_until(lambda _s: marked(tmux, CONTRACTOR_CODE) == [in_lodz[-2]], timeout=10)
    wait_highlight(tmux, in_lodz[-1], CONTRACTOR_CODE)
    resize(tmux, 90, 30)
    tmux.keys("Up")
    wait_highlight(tmux, in_lodz[-2], CONTRACTOR_CODE)
    resize(tmux, 80, 24)
    tmux.keys("Escape")

    goods = _table(db, 'SELECT "code", "name" FROM "goods"')
    by_name = [code for code, _n in sorted(goods, key=lambda g: (sort_key(g[1]), g[0]))]
    names = dict(goods)
    screws = sorted(code for code, name in goods if "śruba" in name.lower())
    tmux.wait_for("Menu główne")
    tmux.keys("Down", "Enter")                           # Handel / Cennik
    tmux.wait_for(f"Rekordów: {len(goods)}")
    tmux.keys("C-f")
    tmux.wait_for("Filtr: wpisz tekst")
    tmux.type("ŚRUBA")
    tmux.keys("Enter")
    tmux.wait_for(f"Rekordów: {len(screws)}")
    assert [c for c, *_ in rows(tmux)] == screws[:len(rows(tmux))]
    tmux.keys("C-f", "C-u", "Enter")                     # the filter off again
    tmux.wait_for(f"Rekordów: {len(goods)}")
    tmux.keys("F3")                                      # by name: Polish order
    tmux.wait_for("Nazwa▲")
    tmux.keys("End")
    wait_highlight(tmux, by_name[-1])
    assert names[by_name[-1]].startswith("Żarówka")
    tmux.keys("PageUp")
    shown = [c for c, *_ in rows(tmux)]
    first = by_name.index(shown[0])
    assert shown == by_name[first:first + len(shown)]
    tmux.keys("Home")
    wait_highlight(tmux, by_name[0])
    tmux.type("śr")                                      # the locator on the name column
    target = next(c for c in by_name if sort_key(names[c]) >= sort_key("śr"))
    assert names[target].startswith("Śruba")
    wait_highlight(tmux, target)
    tmux.keys("PageDown")
    assert highlighted(tmux) in by_name
    tmux.keys("C-q")
