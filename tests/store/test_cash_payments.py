"""Payments of approved documents, built the way the trade core (issue 11) builds them, inside its transaction."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from store import cash
from store.cash.models import CashEntry, Payment, Settlement
from store.db import write
from store.errors import Refused
from store.parties import Contractor, update_contractor
from store.trade import Document, create_document
from tests.dbdump import assert_same, dump
from tests.store.cash_helpers import D, DAY, branch, first_report_id, kept, recomputed, report, standalone  # noqa: F401
from tests.store.test_cash_entries import open_day
from tests.store.test_cash_reports import refused


def approve(company, kind: str, instalments, *, on: date = DAY, contractor_id=None, tendered=None, sign=None):
    """What issue 11's approve() does for payments: in one transaction, the document and its payments."""
    contractor_id = contractor_id or company.contractor_id
    with write():
        doc = create_document(kind, contractor_id, on, number=f"{kind}/1/2024", state="approved",
                              gross=sum((D(a) for _f, a, _d in instalments), D("0.00")))
        plan = tuple(cash.Instalment(company.forms[form], D(amount), due if due else
                                     cash.payment_terms(contractor_id, company.forms[form], on).due_date)
                     for form, amount, due in instalments)
        cash.post_document_payments(cash.DocumentPayments(doc.id, doc.guid, kind, doc.number, contractor_id, on,
                                                          sign or (-1 if kind == "FZ" else 1), plan), tendered=tendered)
    return doc


@pytest.mark.rule("DOC-4", "CASH-3")
def test_a_cash_invoice_leaves_its_kp_and_preliminarz_row_in_the_callers_transaction(branch):
    r = open_day(branch)
    doc = approve(branch, "FA", [("cash", "123.00", None), ("transfer", "77.00", None)])
    cash_row, transfer_row = Payment.select().where(Payment.document_id == doc.id).order_by(Payment.instalment)
    entry = CashEntry.get(CashEntry.document_id == doc.id)
    assert (entry.kind, entry.number, entry.amount, entry.report_id, entry.document_guid) == (
        "KP", "KP/1/KRAK/2024", D("123.00"), r.id, doc.guid)
    assert (cash_row.status, cash_row.open_amount) == ("settled", D("0.00"))
    assert Settlement.get().entry_id == entry.id
    assert (transfer_row.status, transfer_row.open_amount, transfer_row.due_date) == ("open", D("77.00"),
                                                                                      DAY + timedelta(days=7))
    assert report(r.id).closing_balance == D("123.00")


def test_a_caller_that_fails_later_takes_everything_back(branch):
    open_day(branch)
    before = dump()
    with pytest.raises(RuntimeError):
        with write():
            doc = create_document("FA", branch.contractor_id, DAY, number="FA/9/2024", state="approved")
            cash.post_document_payments(cash.DocumentPayments(
                doc.id, doc.guid, "FA", doc.number, branch.contractor_id, DAY, 1,
                (cash.Instalment(branch.forms["cash"], D("10.00"), DAY),)))
            raise RuntimeError("the approval failed after the payments (stock, say)")
    assert_same(before, dump())


@pytest.mark.rule("SETT-5")
def test_cash_approval_with_no_open_report(branch):
    r = open_day(branch)
    cash.set_closed(r.id, True)
    refused(approve, branch, "FA", [("cash", "10.00", None)], match="Brak otwartego raportu kasowego na dzień 2024-05-10.")
    cash.set_closed(r.id, False)
    refused(approve, branch, "FA", [("cash", "10.00", None)], on=DAY + timedelta(days=1),
            match="Brak otwartego raportu kasowego na dzień 2024-05-11.")


def test_a_refusal_inside_the_callers_transaction_takes_back_only_the_payments(branch):
    """The trade core may catch the refusal (to say it with the document's own words): its own writes stay."""
    before_docs = Document.select().count()
    with write():
        doc = create_document("FA", branch.contractor_id, DAY, number="FA/2/2024", state="approved")
        with pytest.raises(Refused):
            cash.post_document_payments(cash.DocumentPayments(
                doc.id, doc.guid, "FA", doc.number, branch.contractor_id, DAY, 1,
                (cash.Instalment(branch.forms["transfer"], D("5.00"), DAY),
                 cash.Instalment(branch.forms["cash"], D("10.00"), DAY))))    # first report has no closing date
    assert Document.select().count() == before_docs + 1
    assert Payment.select().count() == 0 and CashEntry.select().count() == 0


@pytest.mark.rule("CTF-46", "CTF-45")
def test_ctf46_example_the_contractors_own_term_replaces_the_forms(standalone):
    """Source example: przelew has 7 days; the contractor has przelew with 10 days; an invoice of 2001-11-15 is due
    2001-11-25, without the individual term 2001-11-22."""
    issued = date(2001, 11, 15)
    transfer = standalone.forms["transfer"]
    assert cash.payment_terms(standalone.contractor_id, transfer, issued).due_date == date(2001, 11, 22)
    update_contractor(standalone.contractor_id, {"payment_form": "przelew", "payment_term_on": True,
                                                 "payment_term_days": "10"})
    terms = cash.payment_terms(standalone.contractor_id, transfer, issued)
    assert (terms.due_date, terms.days, terms.from_contractor) == (date(2001, 11, 25), 10, True)
    # a document paid with another form keeps that form's term
    assert cash.payment_terms(standalone.contractor_id, standalone.forms["credit"], issued).due_date == date(2001, 12, 15)


@pytest.mark.rule("CTF-49")
def test_expected_date_adds_the_contractors_maximum_delay(standalone):
    r = cash.create_report(standalone.register_id, DAY, DAY)
    update_contractor(standalone.contractor_id, {"max_delay_days": "5"})
    approve(standalone, "FA", [("transfer", "50.00", None)])
    p = Payment.get()
    assert (p.due_date, p.expected_date) == (DAY + timedelta(days=7), DAY + timedelta(days=12))
    assert report(r.id).receipts == D("0.00")


@pytest.mark.rule("CTF-50")
def test_a_contractor_not_subject_to_settlement(standalone):
    cash.create_report(standalone.register_id, DAY, DAY)
    update_contractor(standalone.contractor_id, {"no_settle": True})
    approve(standalone, "FA", [("cash", "20.00", None), ("transfer", "30.00", None)])
    assert {p.status for p in Payment.select()} == {"not_subject"}
    entry = CashEntry.get()
    assert (entry.status, entry.open_amount) == ("not_subject", D("20.00")) and Settlement.select().count() == 0
    for p in Payment.select():
        assert D("0") <= p.open_amount <= p.amount


@pytest.mark.rule("CASH-8", "SETUP-13")
def test_card_payments_follow_the_option(standalone):
    cash.create_report(standalone.register_id, DAY, DAY)
    first = approve(standalone, "FA", [("card", "15.00", None)])
    assert CashEntry.select().where(CashEntry.document_id == first.id).count() == 0
    assert Payment.get(Payment.document_id == first.id).status == "open"
    cash.set_option("card_payment_documents", True)
    second = approve(standalone, "PA", [("card", "16.00", None)])
    assert CashEntry.get(CashEntry.document_id == second.id).amount == D("16.00")
    assert Payment.get(Payment.document_id == second.id).status == "settled"


@pytest.mark.rule("CASH-3")
def test_cheque_counts_as_cash_and_credit_stays_open(standalone):
    cash.create_report(standalone.register_id, DAY, DAY)
    doc = approve(standalone, "FA", [("cheque", "11.00", None), ("credit", "12.00", None)])
    assert [e.amount for e in CashEntry.select().where(CashEntry.document_id == doc.id)] == [D("11.00")]
    credit = Payment.get(Payment.form_name == "kredyt kupiecki")
    assert (credit.status, credit.due_date) == ("open", DAY + timedelta(days=30))


def test_the_kp_keeps_the_amount_tendered(standalone):
    from store.parties import ensure_unspecified

    cash.create_report(standalone.register_id, DAY, DAY)
    walk_in = ensure_unspecified().id
    doc = approve(standalone, "PA", [("cash", "37.40", None)], contractor_id=walk_in, tendered=D("50.00"))
    entry = CashEntry.get(CashEntry.document_id == doc.id)
    assert (entry.tendered, entry.contractor_code) == (D("50.00"), "!NIEOKREŚLONY!")


def test_a_cash_purchase_pays_a_kw_and_keeps_the_register_above_zero(standalone):
    r = cash.create_report(standalone.register_id, DAY, DAY)
    refused(approve, standalone, "FZ", [("cash", "10.00", None)], match="KW na kwotę 10,00 z dnia 2024-05-10")
    approve(standalone, "FA", [("cash", "25.00", None)])
    fz = approve(standalone, "FZ", [("cash", "10.00", None)])
    entry = CashEntry.get(CashEntry.document_id == fz.id)
    assert (entry.kind, entry.number) == ("KW", "KW/1/KASA/2024")
    assert Payment.get(Payment.document_id == fz.id).sign == -1
    assert report(r.id).closing_balance == D("15.00")


def test_payments_are_posted_once(standalone):
    cash.create_report(standalone.register_id, DAY, DAY)
    doc = approve(standalone, "FA", [("transfer", "10.00", None)])
    refused(cash.post_document_payments, cash.DocumentPayments(
        doc.id, doc.guid, "FA", doc.number, standalone.contractor_id, DAY, 1,
        (cash.Instalment(standalone.forms["transfer"], D("10.00"), DAY),)), match="zostały już zapisane")


# --- cancellation (SETT-7) -----------------------------------------------------------------------------------

@pytest.mark.rule("SETT-7")
def test_cancelling_removes_the_settlement_and_the_kp_while_the_report_is_open(standalone):
    r = cash.create_report(standalone.register_id, DAY, DAY)
    doc = approve(standalone, "FA", [("cash", "40.00", None), ("transfer", "10.00", None)])
    with write():
        assert cash.cancel_document_payments(doc.id) == 2
    assert Payment.select().count() == CashEntry.select().count() == Settlement.select().count() == 0
    assert report(r.id).closing_balance == D("0.00")
    assert kept(standalone.register_id) == recomputed(standalone.register_id)


@pytest.mark.rule("SETT-7")
def test_cancelling_with_the_kp_in_a_closed_report_names_the_report(standalone):
    r = cash.create_report(standalone.register_id, DAY, DAY)
    doc = approve(standalone, "FA", [("cash", "40.00", None)])
    cash.set_closed(r.id, True)
    refused(cash.cancel_document_payments, doc.id,
            match="Zapis KP/1/KASA/2024 dokumentu FA/1/2024 jest w zamkniętym raporcie RK/1/KASA/2024 – otwórz raport")


@pytest.mark.rule("SETT-7", "CASH-13", "CASH-14")
def test_cancelling_a_document_whose_kp_is_in_an_exported_report(branch):
    r = open_day(branch)
    doc = approve(branch, "FA", [("cash", "40.00", None)])
    cash.set_closed(r.id, True)
    cash.mark_reports_exported([r.id])
    refused(cash.cancel_document_payments, doc.id, match="jest w raporcie RK/1/KRAK/2024 wysłanym do centrali")
    cash.set_option("delete_settlements_on_cancel", False)
    refused(cash.cancel_document_payments, doc.id, match="rozliczona zapisem KP/1/KRAK/2024")


@pytest.mark.rule("SETT-7", "SETUP-13")
def test_with_the_option_off_a_settled_payment_is_refused_naming_the_entry(standalone):
    cash.create_report(standalone.register_id, DAY, DAY)
    doc = approve(standalone, "FA", [("cash", "40.00", None)])
    cash.set_option("delete_settlements_on_cancel", False)
    refused(cash.cancel_document_payments, doc.id,
            match="Płatność dokumentu FA/1/2024 jest rozliczona zapisem KP/1/KASA/2024 – usuń najpierw rozliczenie.")
    deferred = approve(standalone, "FZ", [("transfer", "9.00", None)], contractor_id=standalone.other_id)
    with write():
        assert cash.cancel_document_payments(deferred.id) == 1


def test_cancelling_a_cash_receipt_that_later_payments_need_is_refused(standalone):
    """The >= 0 rule holds for a KP taken away too: the till cannot go below zero afterwards."""
    r = cash.create_report(standalone.register_id, DAY, DAY)
    doc = approve(standalone, "FA", [("cash", "40.00", None)])
    cash.save_entry(cash.EntryDraft(r.id, "KW", DAY, standalone.other_id, D("30.00")))
    refused(cash.cancel_document_payments, doc.id, match="poniżej zera")


@pytest.mark.rule("CONF-1")
def test_the_contractor_of_a_payment_cannot_be_deleted(standalone):
    from store.parties import delete_contractor

    cash.create_report(standalone.register_id, DAY, DAY)
    approve(standalone, "FA", [("transfer", "10.00", None)], contractor_id=standalone.other_id)
    with write():
        Document.delete().execute()              # only the payment refers to the contractor now
    refused(delete_contractor, standalone.other_id,
            match="Nie można usunąć kontrahenta, który występuje w zapisach kasowych (0) i płatnościach (1).")
    assert Contractor.get_by_id(standalone.other_id)
