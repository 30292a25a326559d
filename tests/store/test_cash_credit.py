"""Credit and overdue limits (CTF-43, OPER-7, SETT-16, CONF-10) on both engines."""
from __future__ import annotations

from datetime import timedelta

import pytest

from store import cash
from store.cash.models import CreditOverride, Payment
from store.config import Operator, create_operator
from store.db import write
from store.errors import Refused
from store.parties import Contractor, update_contractor
from tests.store.cash_helpers import D, DAY, branch, standalone  # noqa: F401
from tests.store.test_cash_payments import approve


def set_limit(contractor_id, **values):
    with write():   # HQ's figures arrive by sync in a branch (read-only there); written directly here
        Contractor.update(**values).where(Contractor.id == contractor_id).execute()


@pytest.mark.rule("OPER-7", "SETT-16", "CONF-10", "CTF-43")
def test_branch_warns_with_hq_global_debt_plus_unconfirmed_local_outstanding(branch):
    from tests.store.test_cash_entries import open_day

    open_day(branch)
    set_limit(branch.contractor_id, credit_limit_on=True, credit_limit=D("1000.00"), credit_used=D("700.00"))
    assert cash.credit_check(branch.contractor_id, D("300.00"), on=DAY, operator="ADMIN") is None
    doc = approve(branch, "FA", [("transfer", "250.00", None)])    # outstanding here, HQ has not confirmed it
    check = cash.credit_check(branch.contractor_id, D("100.00"), on=DAY, operator="ADMIN")
    assert check is not None and not check.blocking
    assert check.message == "Przekroczono limit kredytu kontrahenta (1 000,00); zadłużenie po zapisie: 1 050,00. Kontynuować?"
    # once HQ confirmed the document its amount is inside HQ's global debt: not counted twice
    cash.confirm_document_payments([doc.id])
    assert Payment.get().confirmed
    assert cash.credit_check(branch.contractor_id, D("100.00"), on=DAY, operator="ADMIN") is None
    # a branch never blocks (OPER-7: selling over the limit is always allowed), even without the right
    create_operator("JAN", "haslo1")
    assert not cash.credit_check(branch.contractor_id, D("400.00"), on=DAY, operator="JAN").blocking


@pytest.mark.rule("CTF-43")
def test_hq_blocks_an_operator_without_the_right_and_records_an_override(standalone):
    cash.create_report(standalone.register_id, DAY, DAY)
    set_limit(standalone.contractor_id, credit_limit_on=True, credit_limit=D("100.00"))
    approve(standalone, "FA", [("transfer", "80.00", None)])
    create_operator("JAN", "haslo1")
    check = cash.credit_check(standalone.contractor_id, D("30.00"), on=DAY, operator="JAN")
    assert check.blocking and check.debt == D("110.00")
    assert "Nie masz uprawnienia do sprzedaży z przekroczonym limitem" in check.message
    with pytest.raises(Refused):
        with write():
            cash.record_credit_override(check, document_guid="g-1")
    assert CreditOverride.select().count() == 0
    with write():
        Operator.update(may_exceed_credit=True).where(Operator.login == "JAN").execute()
    check = cash.credit_check(standalone.contractor_id, D("30.00"), on=DAY, operator="JAN")
    assert not check.blocking and check.message.endswith("Kontynuować?")
    with write():
        cash.record_credit_override(check, document_guid="g-2")
    row = CreditOverride.get()
    assert (row.operator, row.kind, row.limit, row.debt, row.amount, row.document_guid) == (
        "JAN", "credit", D("100.00"), D("110.00"), D("30.00"), "g-2")
    assert row.at is not None


@pytest.mark.rule("CTF-43", "CTF-49")
def test_overdue_limit_counts_payments_past_their_expected_date(standalone):
    cash.create_report(standalone.register_id, DAY, DAY)
    set_limit(standalone.contractor_id, overdue_limit_on=True, overdue_limit=D("50.00"), max_delay_days=3)
    approve(standalone, "FA", [("transfer", "60.00", None)])        # due DAY+7, expected DAY+10
    assert cash.credit_check(standalone.contractor_id, D("1.00"), on=DAY + timedelta(days=10), operator="ADMIN") is None
    check = cash.credit_check(standalone.contractor_id, D("1.00"), on=DAY + timedelta(days=11), operator="ADMIN")
    assert check.kind == "overdue" and not check.blocking       # ADMIN may
    assert check.message == "Przeterminowane płatności kontrahenta (60,00) przekraczają limit 50,00. Kontynuować?"


def test_walk_in_and_unlimited_contractors_are_never_checked(standalone):
    from store.parties import ensure_unspecified

    assert cash.credit_check(ensure_unspecified().id, D("1000000.00"), on=DAY, operator="ADMIN") is None
    update_contractor(standalone.other_id, {"name": "Beta"})
    assert cash.credit_check(standalone.other_id, D("1000000.00"), on=DAY, operator="ADMIN") is None
