"""End to end in a real terminal, issue 12's "done when": a clerk runs a till day on a branch by keys only and the
closed report balances. The branch is set up as the first sync sets it up (apply_hq_registers,
apply_hq_payment_forms, ensure_first_report yesterday, mark_first_sync_done); then the real `filia` command."""
from __future__ import annotations

import sqlite3
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)


def _branch(db: Path) -> None:
    from store.db import database, open_database
    from tests.store.cash_helpers import branch_company

    handle = open_database(f"sqlite:///{db}", create=True)
    branch_company(YESTERDAY)
    handle.close()
    database.initialize(None)


def _export(db: Path):
    """What the next OD would carry (read while the clerk's session is still open: WAL readers do not wait)."""
    from store import cash
    from store.db import database, open_database

    handle = open_database(f"sqlite:///{db}")
    try:
        return cash.reports_for_export()
    finally:
        handle.close()
        database.initialize(None)


def _numbers(db: Path) -> tuple[str, str]:
    con = sqlite3.connect(db)
    try:
        return tuple(n for (n,) in con.execute("SELECT number FROM cash_report ORDER BY seq"))
    finally:
        con.close()


def _login(tmux, login: str, password: str) -> None:
    """Typed in one burst, as a clerk does: the keys behind Enter wait until the password field has the focus."""
    tmux.wait_for("Filia – logowanie", timeout=60)
    tmux.type(login)
    tmux.keys("Enter")
    tmux.type(password)
    tmux.keys("Enter")
    tmux.wait_for("Menu główne", timeout=60)


def _menu_steps(label: str) -> int:
    from tui.screens.main_menu import menu_items

    return next(i for i, item in enumerate(menu_items()) if item.area == "Kasa/Bank" and item.label == label)


def _palette(tmux, command: str) -> None:
    tmux.keys("F11")
    tmux.type(command)
    tmux.wait_for(command)
    tmux.keys("Enter")


def _entry(tmux, kind_down: int, contractor: str, amount: str, count_after: int) -> None:
    tmux.keys("IC")                                   # Insert: a new KP/KW
    tmux.wait_for("Kontrahent (kod)")
    if kind_down:                                     # the kind drop-down has focus: open, move, pick
        tmux.keys("Enter", *["Down"] * kind_down, "Enter")
        # the options closed on KW (keys typed right behind a pick in the options can still go one field short
        # on a loaded machine: a known defect with its own issue, not this test's subject)
        tmux.wait_until(lambda s: "KW – wypłata" in s and "Enter wybiera" not in s)
        time.sleep(0.5)
    tmux.keys("Tab", "Tab")                           # date (today, proposed) -> contractor
    tmux.type(contractor)
    tmux.keys("Tab")
    tmux.type(amount)
    tmux.keys("C-s")
    tmux.wait_for(f"Rekordów: {count_after}")


@pytest.mark.rule("CASH-4", "CASH-5", "CASH-9", "CASH-10", "CASH-11", "SETUP-5")
def test_a_till_day_by_keys_balances(tmux, tmp_path):
    db = tmp_path / "oddzial.db"
    _branch(db)
    filia = Path(sys.executable).with_name("filia")
    tmux.start([str(filia), "--db", str(db)])
    _login(tmux, "ADMIN", "tajne1")
    tmux.keys(*["Down"] * _menu_steps("Raporty kasowe/bankowe"), "Enter")
    tmux.wait_for("Rekordów: 1")                      # RK/1, opened yesterday by the first sync, no closing date
    # yesterday's report gets its closing date (CASH-4) ...
    _palette(tmux, "Formularz raportu")
    tmux.wait_for("Raport kasowy RK/1")
    tmux.keys("Tab")
    tmux.type(YESTERDAY.isoformat())
    tmux.keys("C-s")
    tmux.wait_until(lambda s: "Raport kasowy RK/" not in s and s.count(YESTERDAY.isoformat()) >= 2)
    # ... and today's report is opened with its closing date (the card proposes today for both)
    tmux.keys("IC")
    screen = tmux.wait_for("Raport kasowy – nowy")
    assert screen.count(TODAY.isoformat()) >= 2
    tmux.keys("C-s")
    tmux.wait_for("Rekordów: 2")
    tmux.keys("End", "Enter")                         # today's report: its entries
    tmux.wait_for("Zapisy kasowe – raport")
    tmux.wait_for("Rekordów: 0")
    _entry(tmux, 0, "ALFA", "100,00", 1)
    _entry(tmux, 0, "BETA", "50,25", 2)
    _entry(tmux, 0, "ALFA", "19,75", 3)
    _entry(tmux, 1, "BETA", "30,00", 4)              # KW
    tmux.keys("Escape")
    tmux.wait_for("Raporty kasowe/bankowe")
    _palette(tmux, "Zamknij raport")
    tmux.wait_for("zamknięty")
    # closed, but yesterday's report is still open: it is not sent yet (CASH-10)
    first, second = _numbers(db)
    selection = _export(db)
    assert [r.number for r in selection.reports] == []
    assert (second, f"Raport {second} nie zostanie wysłany: wcześniejszy raport {first} jest otwarty.") \
        in selection.skipped
    tmux.keys("Home")
    _palette(tmux, "Zamknij raport")
    tmux.wait_until(lambda s: s.count("zamknięty") >= 2)
    tmux.keys("Escape")
    tmux.wait_for("Menu główne")
    tmux.keys("C-q")
    # the balance recomputed independently of Filia's kept figures, straight from the entry rows
    con = sqlite3.connect(db)
    try:
        kp, kw = (Decimal(con.execute("SELECT COALESCE(SUM(amount), 0) FROM cash_entry WHERE kind = ?",
                                      (k,)).fetchone()[0]).scaleb(-2) for k in ("KP", "KW"))
        closing, closed = con.execute("SELECT closing_balance, closed FROM cash_report WHERE seq = 2").fetchone()
    finally:
        con.close()
    assert (kp, kw) == (Decimal("170.00"), Decimal("30.00"))
    assert Decimal(closing).scaleb(-2) == kp - kw == Decimal("140.00") and closed == 1
    selection = _export(db)
    assert [r.number for r in selection.reports] == [first, second]
    today = selection.reports[1]
    assert (today.opening_balance, today.receipts, today.payments, today.closing_balance) == (
        Decimal("0.00"), Decimal("170.00"), Decimal("30.00"), Decimal("140.00"))
    assert len(today.entries) == 4
