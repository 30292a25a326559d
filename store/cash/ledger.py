"""Kept balances of a register, moved in the writing transaction under the register's row lock.

One entry of `signed` (+KP, -KW) on `day` in report R of register G changes, in this order:
  - the day's row of G (net, end-of-day balance) and the end-of-day balance of every later day of G;
  - R's receipts or payments, closing balance and entry count;
  - the opening and closing balances of G's later reports (periods never overlap, so "later" = seq);
  - G's balance.
Nothing is summed on read: the list's running balance, a report's figures and the >= 0 rule read these
rows. Every function here expects the caller to hold the register lock (`lock_register`).
"""
from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal

from store.base import session_operator, utcnow
from store.cash.models import CashDay, CashEntry, CashRegister, CashReport
from store.db import for_update, in_transaction, run_write, write
from store.prepared import as_model, prepared, run, text
from store.errors import NotFound, Refused
from store.i18n import _

ZERO = Decimal("0.00")


def transaction(fn):
    """One business change = one transaction (run_write: retried after a lost race). Inside the caller's
    transaction (the trade core's approval) it joins it through a savepoint, so a refusal takes back only
    what this function wrote and the caller decides what to do."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if in_transaction():
            with write():
                return fn(*args, **kwargs)
        return run_write(fn, *args, **kwargs)
    return wrapper


def money(value) -> str:
    """1 234,56 — how amounts are written in messages."""
    return f"{Decimal(value):,.2f}".replace(",", " ").replace(".", ",")


def lock_register(register_id: int) -> CashRegister:
    sql = prepared("cash.register.lock", lambda: for_update(CashRegister.select().where(CashRegister.id == 0)))
    row = as_model(CashRegister, run(sql, [register_id]).fetchone())
    if row is None:
        raise NotFound(_("Rejestr kasowy nie istnieje (mógł zostać usunięty)."))
    return row


def balance_before(register_id: int, day: date) -> Decimal:
    """The register's balance at the end of the last day before `day` that has entries (0 if none)."""
    row = (CashDay.select(CashDay.balance).where((CashDay.register == register_id) & (CashDay.day < day))
           .order_by(CashDay.day.desc()).first())
    return row.balance if row is not None else ZERO


def _stamp(key: str, sql_before_where: str, where: str) -> str:
    """An UPDATE of tracked rows that also stamps them (TrackedModel.stamp: time, version + 1, the session
    operator when one is logged in); params: the SET values, the time, [the operator], the WHERE values."""
    who = session_operator()
    return text(f"{key}:{bool(who)}", sql_before_where + ', "modified_at" = ?, "version" = "version" + 1'
                + (', "modified_by" = ?' if who else "") + " " + where)


def _stamp_params() -> list:
    who = session_operator()
    return [CashReport.modified_at.db_value(utcnow())] + ([who] if who else [])


def _move_day(register_id: int, day: date, signed: Decimal) -> Decimal:
    """Add `signed` to the day's row (made when missing) and to every later day, in one UPDATE that returns
    the rows it moved; return the day's net."""
    db, day_db = CashDay.net.db_value, CashDay.day.db_value(day)
    sql = text("cash.day.move", 'UPDATE "cash_day" SET "net" = "net" + CASE WHEN "day" = ? THEN ? ELSE 0 END, '
                                '"balance" = "balance" + ? WHERE "register_id" = ? AND "day" >= ? RETURNING "day", "net"')
    moved = run(sql, [day_db, db(signed), db(signed), register_id, day_db]).fetchall()
    to_date = CashDay.day.python_value
    net = next((CashDay.net.python_value(n) for d, n in moved if to_date(d) == day), None)
    if net is None:
        net = signed
        CashDay.insert(register=register_id, day=day, net=net,
                       balance=balance_before(register_id, day) + signed).execute()
    return net


def _move_reports(report: CashReport, kind: str, amount: Decimal, count: int) -> None:
    """Report totals for an entry of `kind` and `amount` added (count=1) or taken away (count=-1): the report's
    receipts or payments, entry count and closing balance, the later reports' opening and closing balances (one
    UPDATE), then the register's balance."""
    db = CashReport.receipts.db_value
    signed = amount * count if kind == "KP" else -amount * count
    total = "receipts" if kind == "KP" else "payments"
    sql = _stamp(f"cash.report.move:{total}",
                 f'UPDATE "cash_report" SET "{total}" = "{total}" + CASE WHEN "id" = ? THEN ? ELSE 0 END, '
                 '"entry_count" = "entry_count" + CASE WHEN "id" = ? THEN ? ELSE 0 END, '
                 '"opening_balance" = "opening_balance" + CASE WHEN "id" = ? THEN 0 ELSE ? END, '
                 '"closing_balance" = "closing_balance" + ?', 'WHERE "register_id" = ? AND "seq" >= ?')
    run(sql, [report.id, db(amount * count), report.id, count, report.id, db(signed), db(signed)] + _stamp_params()
        + [report.register_id, report.seq])
    if signed:
        sql = _stamp("cash.register.move", 'UPDATE "cash_register" SET "balance" = "balance" + ?', 'WHERE "id" = ?')
        run(sql, [db(signed)] + _stamp_params() + [report.register_id])


def add(report: CashReport, kind: str, amount: Decimal, day: date, entry_id: int | None = None) -> Decimal:
    """Balances for an entry placed on `day`; returns its day_running. A new entry (entry_id None) is the last
    of its day; an existing one (a changed date or amount) takes its place by id among the day's entries."""
    signed = amount if kind == "KP" else -amount
    if entry_id is None:
        running = _move_day(report.register_id, day, signed)
    else:
        same_day = (CashEntry.register == report.register_id) & (CashEntry.entry_date == day)
        previous = (CashEntry.select(CashEntry.day_running).where(same_day & (CashEntry.id < entry_id))
                    .order_by(CashEntry.id.desc()).first())
        CashEntry.update({CashEntry.day_running: CashEntry.day_running + signed, **CashEntry.stamp()}) \
            .where(same_day & (CashEntry.id > entry_id)).execute()
        _move_day(report.register_id, day, signed)
        running = (previous.day_running if previous is not None else ZERO) + signed
    _move_reports(report, kind, amount, 1)
    return running


def remove(entry: CashEntry, report: CashReport) -> None:
    """Balances without an entry (the row itself is deleted or re-added by the caller)."""
    register_id, day, signed = entry.register_id, entry.entry_date, entry.signed
    CashEntry.update({CashEntry.day_running: CashEntry.day_running - signed, **CashEntry.stamp()}) \
        .where((CashEntry.register == register_id) & (CashEntry.entry_date == day) & (CashEntry.id > entry.id)).execute()
    _move_day(register_id, day, -signed)
    others = CashEntry.select(CashEntry.id).where((CashEntry.register == register_id) & (CashEntry.entry_date == day)
                                                  & (CashEntry.id != entry.id)).exists()
    if not others:
        CashDay.delete().where((CashDay.register == register_id) & (CashDay.day == day)).execute()
    _move_reports(report, entry.kind, entry.amount, -1)


def ensure_not_negative(register: CashRegister, from_day: date, *, kind: str | None = None,
                        amount: Decimal | None = None, entry_date: date | None = None) -> None:
    """Filia's rule (docs/decisions.md): the register's balance is never below zero on `from_day` or any
    later day. Checked after the change, inside its transaction (a refusal rolls it back). The technical
    register !ROZLICZENIA! is not held to it."""
    if register.technical:
        return
    bad = (CashDay.select(CashDay.day, CashDay.balance)
           .where((CashDay.register == register.id) & (CashDay.day >= from_day) & (CashDay.balance < 0))
           .order_by(CashDay.day).first())
    if bad is None:
        return
    if kind == "KW" and amount is not None:
        raise Refused(_("KW na kwotę {kwota} z dnia {data} obniżyłby stan kasy {rejestr} poniżej zera: na dzień "
                        "{dzien} byłoby {saldo}.").format(kwota=money(amount), data=entry_date, rejestr=register.symbol,
                                                          dzien=bad.day, saldo=money(bad.balance)))
    raise Refused(_("Zmiana obniżyłaby stan kasy {rejestr} poniżej zera: na dzień {dzien} byłoby {saldo}.").format(
        rejestr=register.symbol, dzien=bad.day, saldo=money(bad.balance)))
