"""Companies for the cash tests, set up the way users and synchronisation set them up (both engines)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

D = Decimal
DAY = date(2024, 5, 10)


@dataclass
class Company:
    register_id: int
    contractor_id: int
    other_id: int
    forms: dict[str, int]            # kind name -> PaymentForm id


def initialise(role: str, symbol: str = "KRAK") -> None:
    from store import setup

    setup.initialise(setup.SetupData(role=role, costing_method="FIFO", company_name="Firma Testowa",
                                     admin_password="tajne1", branch_symbol=symbol if role == "branch" else "",
                                     exchange_folder="/tmp/wymiana" if role == "branch" else ""))


def contractors() -> tuple[int, int]:
    from store.parties import create_contractor

    a = create_contractor({"code": "ALFA", "name": "Alfa Sp. z o.o.", "city": "Kraków"})
    b = create_contractor({"code": "BETA", "name": "Beta S.A.", "city": "Łódź"})
    return a.id, b.id


FORMS = [("gotówka", "cash", 0), ("przelew", "transfer", 7), ("karta", "card", 0), ("czek", "cheque", 0),
         ("kredyt kupiecki", "credit", 30)]


def standalone_company() -> Company:
    from store import cash
    from store.catalog.dict_rules import create_entry

    initialise("standalone")
    reg = cash.save_register(None, None, symbol="KASA", name="Kasa główna")
    forms = {}
    for name, kind, days in FORMS:
        pf = create_entry("payment_form", name=name, kind=kind, days=days)
        if kind in ("cash", "card", "cheque"):
            cash.set_payment_form_register(pf.id, reg.id)
        forms[kind] = pf.id
    a, b = contractors()
    return Company(reg.id, a, b, forms)


def branch_company(first_report_on: date = DAY, *, synced: bool = True) -> Company:
    """A branch after its first sync: HQ's register (GID 501), forms, the first report (no closing date)."""
    from store import cash, gates
    from store.catalog.dictionaries import PaymentForm

    initialise("branch")
    (reg_id,) = cash.apply_hq_registers([{"gid": 501, "symbol": "KASA", "name": "Kasa oddziału", "kind": "cash"}])
    cash.apply_hq_payment_forms([{"gid": 600 + i, "name": name, "kind": kind, "days": days,
                                  "register_gid": 501 if kind in ("cash", "card", "cheque") else None}
                                 for i, (name, kind, days) in enumerate(FORMS)])
    cash.ensure_first_report(501, on=first_report_on)
    if synced:
        gates.mark_first_sync_done()
    forms = {pf.kind: pf.id for pf in PaymentForm.select()}
    a, b = contractors()
    return Company(reg_id, a, b, forms)


def first_report_id(register_id: int) -> int:
    from store.cash.models import CashReport

    return CashReport.select().where(CashReport.register == register_id).order_by(CashReport.seq).first().id


def report(report_id: int):
    from store.cash.models import CashReport

    return CashReport.get_by_id(report_id)


def kp(report_id: int, contractor_id: int, amount, on: date = DAY, kind: str = "KP"):
    from store import cash

    return cash.save_entry(cash.EntryDraft(report_id, kind, on, contractor_id, D(str(amount))))


def kw(report_id: int, contractor_id: int, amount, on: date = DAY):
    return kp(report_id, contractor_id, amount, on, "KW")


def recomputed(register_id: int) -> dict:
    """Every kept figure of a register recomputed from its entries alone (the test's independent view)."""
    from store.cash.models import CashEntry, CashReport

    entries = list(CashEntry.select().where(CashEntry.register == register_id).order_by(CashEntry.entry_date,
                                                                                        CashEntry.id))
    reports, balance = {}, D("0.00")
    for r in CashReport.select().where(CashReport.register == register_id).order_by(CashReport.seq):
        mine = [e for e in entries if e.report_id == r.id]
        receipts = sum((e.amount for e in mine if e.kind == "KP"), D("0.00"))
        payments = sum((e.amount for e in mine if e.kind == "KW"), D("0.00"))
        reports[r.id] = (balance, receipts, payments, balance + receipts - payments, len(mine))
        balance = balance + receipts - payments
    days, running, day_running = {}, D("0.00"), {}
    for e in entries:
        running += e.amount if e.kind == "KP" else -e.amount
        days[e.entry_date] = running
        day_running[e.id] = sum((x.signed for x in entries if x.entry_date == e.entry_date and x.id <= e.id), D("0.00"))
    return {"reports": reports, "days": days, "balance": balance, "day_running": day_running}


def kept(register_id: int) -> dict:
    from store.cash.models import CashDay, CashEntry, CashRegister, CashReport

    reports = {r.id: (r.opening_balance, r.receipts, r.payments, r.closing_balance, r.entry_count)
               for r in CashReport.select().where(CashReport.register == register_id)}
    days = {d.day: d.balance for d in CashDay.select().where(CashDay.register == register_id)}
    running = {e.id: e.day_running for e in CashEntry.select().where(CashEntry.register == register_id)}
    return {"reports": reports, "days": days, "balance": CashRegister.get_by_id(register_id).balance,
            "day_running": running}


def _seeded(request, tmp_path_factory, pg_reason, make):
    """One migrated database per engine with one company, made once per session (a fresh PostgreSQL schema and
    a company cost seconds each); every test then runs in a transaction that is rolled back."""
    from store.db import database, open_database
    from tests.conftest import _pg_drop, _pg_schema_url

    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('cash') / 'filia.db'}"
    else:
        schema, url = _pg_schema_url(pg_reason)
    handle = open_database(url, create=True)
    company = make()
    yield handle, company
    handle.close()
    database.initialize(None)
    if schema:
        _pg_drop(schema)


def _rolled_back(seeded):
    from store.db import database

    handle, company = seeded
    database.initialize(handle)
    handle.connect(reuse_if_open=True)
    with handle.atomic() as tx:
        yield company
        tx.rollback()


ENGINES = ["sqlite", pytest.param("pg", marks=pytest.mark.pg)]


@pytest.fixture(scope="session", params=ENGINES)
def standalone_db(request, tmp_path_factory, pg_reason):
    yield from _seeded(request, tmp_path_factory, pg_reason, standalone_company)


@pytest.fixture(scope="session", params=ENGINES)
def branch_db(request, tmp_path_factory, pg_reason):
    yield from _seeded(request, tmp_path_factory, pg_reason, branch_company)


@pytest.fixture
def standalone(standalone_db):
    """A standalone company (register KASA, payment forms, contractors ALFA and BETA); changes are rolled back."""
    yield from _rolled_back(standalone_db)


@pytest.fixture
def branch(branch_db):
    """A branch after its first sync (register KASA from HQ, first report on DAY); changes are rolled back."""
    yield from _rolled_back(branch_db)
