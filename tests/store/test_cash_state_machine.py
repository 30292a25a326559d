"""Hypothesis state machine: the cash core against an independent in-memory model, on both engines.

Steps: open a report (good and bad dates), set its closing date, close, reopen, delete, KP, KW, delete an
entry, post a document's payments (cash + transfer), cancel it, export. After every step: each report's
closing = opening + ΣKP − ΣKW, every kept figure equals the one recomputed from the entries, 0 ≤ open ≤ amount
with the right sign, reports in chronological order without overlap, no day of the register below zero, numbers
unique. Every step the model refuses must be refused with a Polish message and change nothing (tests/dbdump.py).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from store import cash
from store.cash.models import CashEntry, CashReport, Payment
from store.db import write
from store.errors import FiliaError
from tests.conftest import examples
from tests.dbdump import assert_same, dump
from tests.store.cash_helpers import kept, recomputed, standalone_company

D = Decimal
START = date(2024, 3, 1)
_registers = itertools.count(1)
_documents = itertools.count(10_000)


@dataclass
class MReport:
    id: int
    opening: date
    closing: date | None
    closed: bool = False
    exported: bool = False


@dataclass
class MEntry:
    id: int
    report: MReport
    kind: str
    day: date
    amount: Decimal
    document: int | None = None

    @property
    def signed(self) -> Decimal:
        return self.amount if self.kind == "KP" else -self.amount


@dataclass
class MDocument:
    id: int
    amounts: tuple[Decimal, Decimal]     # cash, transfer
    entry: MEntry | None = None
    payments: list[int] = field(default_factory=list)


class CashMachine(RuleBasedStateMachine):
    company = None   # set by the test: one standalone company per database

    def __init__(self):
        super().__init__()
        self.reports: list[MReport] = []
        self.entries: list[MEntry] = []
        self.documents: list[MDocument] = []

    @initialize()
    def new_register(self):
        reg = cash.save_register(None, None, symbol=f"K{next(_registers)}")
        self.register_id = reg.id
        cash.set_payment_form_register(self.company.forms["cash"], reg.id)

    # --- the model ---------------------------------------------------------------------------------------
    def balance_ok_after(self, entries: list[MEntry]) -> bool:
        """Filia's rule: the register's end-of-day balance is never below zero."""
        running = D(0)
        for day in sorted({e.day for e in entries}):
            running += sum((e.signed for e in entries if e.day == day), D(0))
            if running < 0:
                return False
        return True

    def editable(self, r: MReport) -> bool:
        return not r.closed and not r.exported

    def attempt(self, expected_ok: bool, fn, *args, **kwargs):
        """Run the step; the store must agree with the model, and a refusal must change nothing."""
        before = None if expected_ok else dump()
        try:
            result = fn(*args, **kwargs)
        except FiliaError as exc:
            assert not expected_ok, f"refused although the model allows it: {exc}"
            assert str(exc).strip()
            assert_same(before, dump())
            return None
        assert expected_ok, f"{fn.__name__}{args} accepted although the model refuses it"
        return result

    # --- rules -----------------------------------------------------------------------------------------
    @rule(gap=st.integers(-1, 3), length=st.one_of(st.none(), st.integers(-1, 3)))
    def open_report(self, gap, length):
        last = self.reports[-1] if self.reports else None
        opening = START if last is None else (last.closing or last.opening) + timedelta(days=gap)
        closing = None if length is None else opening + timedelta(days=length)
        ok = (closing is None or closing >= opening) and (last is None or (last.closing is not None
                                                                           and opening > last.closing))
        r = self.attempt(ok, cash.create_report, self.register_id, opening, closing)
        if r is not None:
            self.reports.append(MReport(r.id, opening, closing))

    @rule(data=st.data(), extra=st.integers(-1, 3))
    def set_closing_date(self, data, extra):
        if not self.reports:
            return
        i = data.draw(st.integers(0, len(self.reports) - 1))
        r = self.reports[i]
        closing = r.opening + timedelta(days=extra)
        mine = [e.day for e in self.entries if e.report is r]
        following = self.reports[i + 1] if i + 1 < len(self.reports) else None
        ok = (self.editable(r) or closing == r.closing) and closing >= r.opening and all(d <= closing for d in mine) \
            and (following is None or closing < following.opening)
        stored = CashReport.get_by_id(r.id)
        if self.attempt(ok, cash.save_report, self.register_id, r.id, stored.version, opening_date=r.opening,
                        closing_date=closing, closed=r.closed) is not None:
            r.closing = closing

    @rule(data=st.data(), closed=st.booleans())
    def tick_closed(self, data, closed):
        if not self.reports:
            return
        r = data.draw(st.sampled_from(self.reports))
        if r.closed == closed:
            ok = True
        elif closed:
            ok = r.closing is not None
        else:
            ok = not r.exported
        if self.attempt(ok, cash.set_closed, r.id, closed) is not None:
            r.closed = closed

    @rule(data=st.data())
    def delete_report(self, data):
        if not self.reports:
            return
        r = data.draw(st.sampled_from(self.reports))
        ok = r is self.reports[-1] and not r.closed and not r.exported and not any(e.report is r for e in self.entries)
        if self.attempt(ok, cash.delete_report, r.id) is not None or ok:
            self.reports.remove(r)

    @rule(data=st.data(), kind=st.sampled_from(["KP", "KW"]), offset=st.integers(-1, 3),
          cents=st.integers(1, 20_000))
    def entry(self, data, kind, offset, cents):
        if not self.reports:
            return
        r = data.draw(st.sampled_from(self.reports))
        day = r.opening + timedelta(days=offset)
        amount = D(cents).scaleb(-2)
        new = MEntry(0, r, kind, day, amount)
        ok = r.closing is not None and self.editable(r) and r.opening <= day <= r.closing \
            and self.balance_ok_after(self.entries + [new])
        e = self.attempt(ok, cash.save_entry, cash.EntryDraft(r.id, kind, day, self.company.contractor_id, amount))
        if e is not None:
            new.id = e.id
            self.entries.append(new)

    @rule(data=st.data())
    def delete_entry(self, data):
        mine = [e for e in self.entries if e.document is None]
        if not mine:
            return
        e = data.draw(st.sampled_from(mine))
        rest = [x for x in self.entries if x is not e]
        ok = self.editable(e.report) and self.balance_ok_after(rest)
        if self.attempt(ok, cash.delete_entry, e.id) is not None or ok:
            self.entries.remove(e)

    @rule(day_index=st.integers(0, 25), cash_cents=st.integers(0, 30_000), transfer_cents=st.integers(0, 5_000))
    def post_document(self, day_index, cash_cents, transfer_cents):
        if cash_cents == transfer_cents == 0:
            return
        day = START + timedelta(days=day_index)
        covering = [r for r in self.reports if r.opening <= day][-1:] or [None]
        r = covering[0]
        needs_report = cash_cents > 0
        ok = not needs_report or (r is not None and r.closing is not None and day <= r.closing and self.editable(r))
        doc = MDocument(next(_documents), (D(cash_cents).scaleb(-2), D(transfer_cents).scaleb(-2)))
        plan = []
        if cash_cents:
            plan.append(cash.Instalment(self.company.forms["cash"], doc.amounts[0], day))
        if transfer_cents:
            plan.append(cash.Instalment(self.company.forms["transfer"], doc.amounts[1], day + timedelta(days=7)))
        p = cash.DocumentPayments(doc.id, f"doc-{doc.id}", "FA", f"FA/{doc.id}", self.company.contractor_id, day, 1,
                                  tuple(plan))

        def approve():
            with write():
                return cash.post_document_payments(p)

        approve.__name__ = "post_document_payments"
        posted = self.attempt(ok, approve)
        if posted is not None:
            doc.payments = posted.payment_ids
            if posted.entry_ids:
                doc.entry = MEntry(posted.entry_ids[0], r, "KP", day, doc.amounts[0], doc.id)
                self.entries.append(doc.entry)
            self.documents.append(doc)

    @rule(data=st.data())
    def cancel_document(self, data):
        if not self.documents:
            return
        doc = data.draw(st.sampled_from(self.documents))
        rest = [x for x in self.entries if x is not doc.entry]
        ok = doc.entry is None or (self.editable(doc.entry.report) and self.balance_ok_after(rest))

        def cancel():
            with write():
                return cash.cancel_document_payments(doc.id)

        cancel.__name__ = "cancel_document_payments"
        if self.attempt(ok, cancel) is not None or ok:
            self.documents.remove(doc)
            if doc.entry is not None:
                self.entries.remove(doc.entry)

    @rule()
    def export(self):
        expected, blocked = [], False
        for r in self.reports:
            if not r.closed:
                blocked = True
            elif not blocked:
                expected.append(r)
        selection = cash.reports_for_export()
        mine = [x for x in selection.reports if x.register_symbol == CashReportRegister.symbol(self.register_id)]
        assert [x.id for x in mine] == [r.id for r in expected]
        cash.mark_reports_exported([x.id for x in mine])
        for r in expected:
            r.exported = True

    # --- invariants ------------------------------------------------------------------------------------------
    @invariant()
    def kept_balances_equal_the_model(self):
        if not hasattr(self, "register_id"):
            return
        stored = {r.id: r for r in CashReport.select().where(CashReport.register == self.register_id)}
        assert sorted(stored) == sorted(r.id for r in self.reports)
        balance = D(0)
        previous = None
        for m in self.reports:
            s = stored[m.id]
            mine = [e for e in self.entries if e.report is m]
            receipts = sum((e.amount for e in mine if e.kind == "KP"), D(0))
            payments = sum((e.amount for e in mine if e.kind == "KW"), D(0))
            assert (s.opening_balance, s.receipts, s.payments) == (balance, receipts, payments)
            assert s.closing_balance == s.opening_balance + s.receipts - s.payments
            assert (s.opening_date, s.closing_date, s.closed, s.exported) == (m.opening, m.closing, m.closed, m.exported)
            if previous is not None:          # chronology: periods follow each other, never overlap
                assert previous.closing_date is not None and previous.closing_date < s.opening_date
                assert previous.seq < s.seq
            previous = s
            balance += receipts - payments
        figures = recomputed(self.register_id)
        assert kept(self.register_id) == figures
        assert all(v >= 0 for v in figures["days"].values())

    @invariant()
    def payments_are_sane_and_numbers_unique(self):
        if not hasattr(self, "register_id"):
            return
        ids = [d.id for d in self.documents]
        for p in Payment.select().where(Payment.document_id.in_(ids)):
            assert D(0) <= p.open_amount <= p.amount and p.sign == 1
            assert (p.status == "settled") == (p.open_amount == 0)
        assert Payment.select().where(Payment.document_id.in_(ids)).count() == sum(len(d.payments) for d in self.documents)
        numbers = [n for (n,) in CashEntry.select(CashEntry.number).where(CashEntry.register == self.register_id).tuples()]
        assert len(numbers) == len(set(numbers)) == len(self.entries)
        reports = [n for (n,) in CashReport.select(CashReport.number).where(CashReport.register == self.register_id).tuples()]
        assert len(reports) == len(set(reports))


class CashReportRegister:
    @staticmethod
    def symbol(register_id: int) -> str:
        from store.cash.models import CashRegister

        return CashRegister.get_by_id(register_id).symbol


@pytest.mark.slow
@pytest.mark.rule("CASH-4", "CASH-6", "CASH-9", "CASH-10", "CASH-11", "CASH-13", "CASH-20", "SETT-7", "DOC-4")
def test_cash_core_against_the_model(db, db_url):
    """35 runs on SQLite, 12 on PostgreSQL in the suite and CI (each step costs a round trip or ten there);
    FILIA_HYPOTHESIS_PROFILE=long: 100 on each engine."""
    CashMachine.company = standalone_company()
    run_state_machine_as_test(CashMachine, settings=settings(
        max_examples=examples(35 if db_url.startswith("sqlite") else 12, 100), stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]))
