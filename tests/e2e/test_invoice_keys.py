"""End to end in a real terminal, issue 14's "done when": from the FA list a clerk issues and approves a 3-line
invoice for a 3-character contractor code with 2-character goods codes in at most 30 keys (each typed character
counts). The branch is prepared with issue 11's and 12's functions (first sync marked, an open cash report,
series, stock received through an approved PZ); then the real `filia` command."""
from __future__ import annotations

import sqlite3
import sys
from decimal import Decimal
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MAX_KEYS = 30


class Counted:
    """The terminal, counting every key sent: a named key is one, typed text one per character."""

    def __init__(self, tmux) -> None:
        self.tmux, self.count = tmux, 0

    def keys(self, *names: str) -> None:
        self.count += len(names)
        self.tmux.keys(*names)

    def type(self, text: str) -> None:
        self.count += len(text)
        self.tmux.type(text)


def _branch(db: Path) -> None:
    from store.db import database
    from tests.tui.doc_fixtures import prepare_branch

    prepare_branch(f"sqlite:///{db}")
    database.close()
    database.initialize(None)


def _login(tmux, login: str = "ADMIN", password: str = "tajne1") -> None:
    """Log in, waiting for the terminal's cursor to move to the password field after Enter (on a loaded machine
    the login screen can take seconds to take the Enter; text typed before that would land in the wrong field)."""
    import time

    def cursor() -> tuple[str, str]:
        out = tmux._tmux("display", "-p", "-t", "t", "#{cursor_x} #{cursor_y}", check=False).stdout.split()
        return tuple(out) if len(out) == 2 else ("", "")

    tmux.wait_for("Filia – logowanie", timeout=60)
    tmux.type(login)
    tmux.wait_for(login)
    at = cursor()
    tmux.keys("Enter")
    deadline = time.monotonic() + 60
    while cursor()[1] == at[1] and time.monotonic() < deadline:
        time.sleep(0.05)
    tmux.type(password)
    tmux.keys("Enter")
    tmux.wait_for("Menu główne", timeout=60)


def _menu_steps(label: str) -> int:
    from tui.screens.main_menu import menu_items

    return next(i for i, item in enumerate(menu_items()) if item.area == "Handel" and item.label == label)


def _line(clerk: Counted, tmux, code: str, quantity: str, lines_after: int) -> None:
    clerk.keys("IC")                                          # Insert: the goods lookup
    tmux.wait_for("Cennik – towary i usługi – wybór")
    clerk.type(code)                                          # the locator finds the code
    tmux.wait_for(f"szukaj: {code}")
    clerk.keys("Enter")                                       # picked: the quantity dialog (1 proposed)
    tmux.wait_for("Ilość:")
    if quantity:
        clerk.type(quantity)
    clerk.keys("Enter")
    tmux.wait_for(f"Pozycje: {lines_after}")


def test_a_three_line_invoice_by_at_most_30_keys(tmux, tmp_path):
    db = tmp_path / "oddzial.db"
    _branch(db)
    filia = Path(sys.executable).with_name("filia")
    tmux.start([str(filia), "--db", str(db)])
    _login(tmux, "ADMIN", "tajne1")
    tmux.keys(*["Down"] * _menu_steps("Faktury sprzedaży"), "Enter")
    tmux.wait_for("Faktury sprzedaży")
    tmux.wait_for("Rekordów: 0")
    clerk = Counted(tmux)                                     # from the FA list on, every key counts
    clerk.keys("IC")
    tmux.wait_for("nowy dokument")
    clerk.type("ABC")
    clerk.keys("Enter")
    tmux.wait_for("Abc Handel")
    _line(clerk, tmux, "A1", "2", 1)
    _line(clerk, tmux, "B2", "", 2)
    _line(clerk, tmux, "C3", "", 3)
    clerk.keys("F8")
    tmux.wait_for("Zatwierdzić dokument?")
    clerk.keys("Enter")
    screen = tmux.wait_for("FA/1/")
    assert "Rekordów: 1" in screen
    assert clerk.count <= MAX_KEYS, clerk.count
    tmux.keys("Escape")
    tmux.wait_for("Menu główne")
    tmux.keys("C-q")
    con = sqlite3.connect(db)
    try:
        doc_id, number, state, net, vat, gross = con.execute(
            "SELECT id, number, state, net, vat, gross FROM document WHERE kind = 'FA'").fetchone()
        lines = con.execute("SELECT goods_code, quantity FROM document_line WHERE document_id = ? ORDER BY position",
                            (doc_id,)).fetchall()
        rates = con.execute("SELECT rate_code, net, vat FROM document_vat WHERE document_id = ? ORDER BY rate_code",
                            (doc_id,)).fetchall()
        wz = con.execute("SELECT d.kind, d.state FROM document_link l JOIN document d ON d.id = l.linked_id "
                         "WHERE l.document_id = ? AND l.relation = 'generated'", (doc_id,)).fetchall()
        payments = con.execute("SELECT amount FROM cash_payment WHERE document_id = ?", (doc_id,)).fetchall()
    finally:
        con.close()
    assert number.startswith("FA/1/") and state == "approved"
    assert [code for code, _q in lines] == ["A1", "B2", "C3"]
    # 2 x 10.00 + 5.00 at 23 %, 20.00 at 8 % (money is kept in grosze)
    assert [(r, Decimal(n).scaleb(-2), Decimal(v).scaleb(-2)) for r, n, v in rates] == [
        ("23", Decimal("25.00"), Decimal("5.75")), ("8", Decimal("20.00"), Decimal("1.60"))]
    assert Decimal(gross).scaleb(-2) == Decimal("52.35")
    assert wz == [("WZ", "approved")]
    assert [Decimal(a).scaleb(-2) for (a,) in payments] == [Decimal("52.35")]
