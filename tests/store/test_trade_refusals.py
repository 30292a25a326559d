"""Bad input to the trade core: a Polish reason, and the whole database unchanged (tests/dbdump.py), both engines."""
from __future__ import annotations

import pytest

from store.config import Setting
from store.parties.models import UNSPECIFIED_CODE, Contractor
from store.trade import (CONFIRMED, ConfirmationNeeded, Document, DocumentDraft, approve, cancel, export_state,
                         invoice_from_receipt, load_document, mark_exported, save_buffer)
from store.trade import options
from tests.dbdump import assert_same, dump
from tests.store.trade_helpers import (D, unchanged, bshop, branch_shop_db, draft, each_closed_gate, line, receive, sell,  # noqa: F401
                                       sshop, standalone_shop_db)


def unspecified() -> int:
    return Contractor.get(Contractor.code == UNSPECIFIED_CODE).id


@pytest.mark.rule("DOC-6", "DOC-27")
def test_invoices_need_a_real_contractor(bshop):
    receive(bshop, [("A", 5, "1")])
    fa = sell(bshop, "FA", [("A", 1, "5")], contractor_id=unspecified(), approve_it=False)
    unchanged(lambda: approve(fa.id, version=fa.version), "Na fakturze sprzedaży należy wskazać kontrahenta.")
    fz = sell(bshop, "FZ", [("A", 1, "5")], contractor_id=unspecified(), approve_it=False)
    unchanged(lambda: approve(fz.id, version=fz.version), "Na fakturze zakupu należy wskazać kontrahenta innego")


@pytest.mark.rule("DOC-7")
def test_fa_without_nip_for_a_vat_payer_is_refused_until_the_card_says_otherwise(bshop):
    """§10 scenario 1."""
    receive(bshop, [("A", 5, "1")])
    Contractor.update(nip="", city="Kraków").where(Contractor.id == bshop.vat_payer_id).execute()
    fa = sell(bshop, "FA", [("A", 1, "5")], contractor_id=bshop.vat_payer_id, approve_it=False)
    unchanged(lambda: approve(fa.id, version=fa.version), "Na fakturze brak miasta lub numeru NIP kontrahenta.")
    assert load_document(fa.id).state == "buffer"
    Contractor.update(vat_active=False).where(Contractor.id == bshop.vat_payer_id).execute()
    fa = save_buffer(DocumentDraft("FA", fa.id, {"contractor_id": bshop.vat_payer_id}), version=fa.version)
    fa = approve(fa.id, version=fa.version)
    assert load_document(fa.links[0][1]).state == "approved"      # the permanent WZ
    Contractor.update(city="").where(Contractor.id == bshop.contractor_id).execute()
    fa = sell(bshop, "FA", [("A", 1, "5")], approve_it=False)
    unchanged(lambda: approve(fa.id, version=fa.version), "brak miasta")


@pytest.mark.rule("CONF-5", "CONF-23")
def test_a_branch_wants_the_postal_code_as_two_digits_hyphen_three(bshop):
    receive(bshop, [("A", 5, "1")])
    Contractor.update(postal_code="30001").where(Contractor.id == bshop.contractor_id).execute()
    fa = sell(bshop, "FA", [("A", 1, "5")], approve_it=False)
    unchanged(lambda: approve(fa.id, version=fa.version), "Kod pocztowy kontrahenta 30001 musi mieć format ##-###.")
    pa = sell(bshop, "PA", [("A", 1, "5")])                         # !NIEOKREŚLONY! without a code: fine
    assert pa.state == "approved"
    Contractor.update(postal_code="3-1").where(Contractor.code == UNSPECIFIED_CODE).execute()
    pa = sell(bshop, "PA", [("A", 1, "5")], contractor_id=unspecified(), approve_it=False)
    unchanged(lambda: approve(pa.id, version=pa.version), "Kod pocztowy kontrahenta 3-1")


def test_hq_and_standalone_do_not_check_postal_codes(sshop):
    receive(sshop, [("A", 5, "1")])
    Contractor.update(postal_code="30001").where(Contractor.id == sshop.contractor_id).execute()
    assert sell(sshop, "FA", [("A", 1, "5")]).state == "approved"


@pytest.mark.rule("DOC-66")
def test_deferred_payment_for_the_undefined_contractor_and_the_warning(bshop):
    receive(bshop, [("A", 5, "1")])
    unchanged(lambda: sell(bshop, "PA", [("A", 1, "5")], payments=[("transfer", None)], approve_it=False),
              "Dla kontrahenta !NIEOKREŚLONY! nie można zapisać dokumentu z odroczoną płatnością.")
    Setting.insert(key=options.WARN_UNSPECIFIED, value="1").execute()
    pa = sell(bshop, "PA", [("A", 1, "5")], approve_it=False)
    before = dump()
    with pytest.raises(ConfirmationNeeded) as asked:
        approve(pa.id, version=pa.version)
    assert asked.value.questions == [("unspecified", "Czy na pewno zatwierdzić dokument dla kontrahenta "
                                                     "!NIEOKREŚLONY!?")]
    assert_same(before, dump())
    assert approve(pa.id, version=pa.version, confirmed=["unspecified"]).state == "approved"


@pytest.mark.rule("DOC-5")
def test_an_underpaid_cash_receipt_is_refused(bshop):
    """§10 scenario 2: gross 123.00, tendered 120.00 refused, 150.00 approved."""
    receive(bshop, [("A", 5, "1")])
    pa = sell(bshop, "PA", [("A", 1, "123.00")], from_gross=True, approve_it=False)
    assert pa.header["gross"] == D("123.00")
    unchanged(lambda: approve(pa.id, version=pa.version, tendered=D("120.00")),
              r"Kwota wpłacona \(120,00\) jest mniejsza od wartości brutto paragonu \(123,00\).")
    pa = approve(pa.id, version=pa.version, tendered=D("150.00"))
    from store.cash.models import CashEntry
    assert CashEntry.get(CashEntry.document_id == pa.id).tendered == D("150.00")


@pytest.mark.rule("SETUP-5", "INV-2", "RET-7")
def test_each_gate_refuses_saving_and_approving(bshop):
    receive(bshop, [("A", 5, "1")])
    pa = sell(bshop, "PA", [("A", 1, "5")], approve_it=False)
    for text in each_closed_gate():
        unchanged(lambda: approve(pa.id, version=pa.version), text)
        unchanged(lambda: sell(bshop, "PA", [("A", 1, "5")], approve_it=False), text)
    assert approve(pa.id, version=pa.version).state == "approved"


@pytest.mark.rule("DOC-20")
def test_an_exported_document_cannot_be_cancelled_a_confirmed_one_is_marked_to_be_cancelled(bshop):
    """§10 scenario 5 (the branch half): FA/5 confirmed -> do anulowania, stock unchanged."""
    from store.trade import apply_confirmation
    from tests.store.trade_helpers import level

    receive(bshop, [("A", 5, "1")])
    fa = sell(bshop, "FA", [("A", 2, "5")])
    mark_exported([fa.id])
    fa = load_document(fa.id)
    unchanged(lambda: cancel(fa.id, version=fa.version), "oczekuje na potwierdzenie")
    apply_confirmation(fa.guid, 4711)
    fa = load_document(fa.id)
    assert (fa.state, export_state(fa.id).marker) == (CONFIRMED, "E")
    fa = cancel(fa.id, version=fa.version)
    assert (fa.state, export_state(fa.id).marker, level(bshop, "A")) == ("cancel_req", "blue", (D(3), D(0)))
    assert Document.get_by_id(fa.id).to_cancel


def test_standalone_cancels_directly(sshop):
    receive(sshop, [("A", 5, "1")])
    fa = sell(sshop, "FA", [("A", 2, "5")])
    mark_exported([fa.id])
    assert cancel(fa.id, version=load_document(fa.id).version).state == "cancelled"


@pytest.mark.rule("DOC-15")
def test_fs_after_the_limit_is_refused(bshop):
    """§10 scenario 3: PA dated 2024-05-01, limit 7: 2024-05-09 refused, 2024-05-08 allowed."""
    from datetime import date

    receive(bshop, [("A", 5, "1")], on=date(2024, 4, 30))
    pa = sell(bshop, "PA", [("A", 1, "5")], on=date(2024, 5, 1), payments=[("card", None)])
    assert Document.get_by_id(pa.id).fs_from_pa_days == 7
    unchanged(lambda: invoice_from_receipt(pa.id, issue_date=date(2024, 5, 9), contractor_id=bshop.contractor_id),
              r"Minął termin \(7 dni\) na wystawienie faktury do paragonu.")
    fs = invoice_from_receipt(pa.id, issue_date=date(2024, 5, 8), contractor_id=bshop.contractor_id)
    assert (fs.kind, fs.header["origin"], fs.gross) == ("FA", "PA", pa.gross)


@pytest.mark.rule("SETUP-10", "OPER-12", "OPER-13")
def test_a_branch_uses_only_series_from_hq(bshop):
    from store import numbering

    unchanged(lambda: sell(bshop, "PA", [("A", 1, "5")], series="WLASNA", approve_it=False),
              "Seria WLASNA nie pochodzi z centrali")
    numbering.apply_hq_series([{"doc_class": "PA", "series": "KASA2", "extra": True}])
    receive(bshop, [("A", 5, "1")])
    pa = sell(bshop, "PA", [("A", 1, "5")], series="KASA2")
    assert pa.number == "PA/1/KASA2/2024"


@pytest.mark.rule("CUR-13", "DOC-1", "DICT-33")
def test_a_receipt_and_a_branch_document_are_pln_only(bshop):
    unchanged(lambda: sell(bshop, "PA", [("A", 1, "5")], currency="EUR", exchange_rate=D("4.3"), approve_it=False),
              "Paragon wystawia się zawsze w PLN.")
    unchanged(lambda: sell(bshop, "FZ", [("A", 1, "5")], currency="EUR", exchange_rate=D("4.3"), approve_it=False),
              "W oddziale dokumenty wystawia się tylko w walucie systemowej")


@pytest.mark.rule("DOC-64")
def test_a_kind_a_branch_may_not_issue(bshop):
    unchanged(lambda: save_buffer(draft("FPF", [line(bshop, "A", 1, "5")])),
              "Dokumentów rodzaju FPF nie można wystawiać w oddziale.")


def test_a_receipt_in_the_buffer_adds_no_stock_until_approved(bshop):
    from tests.store.trade_helpers import level

    pz = sell(bshop, "PZ", [("A", 4, "1")], approve_it=False)
    assert level(bshop, "A") == (D(0), D(0))
    unchanged(lambda: sell(bshop, "PA", [("A", 1, "5")], approve_it=False), "brakuje 1")
    approve(pz.id, version=pz.version)
    assert level(bshop, "A") == (D(4), D(0))


def test_an_approved_document_cannot_be_saved_or_deleted_again(bshop):
    from store.trade import delete_buffer

    receive(bshop, [("A", 5, "1")])
    pa = sell(bshop, "PA", [("A", 1, "5")])
    unchanged(lambda: save_buffer(DocumentDraft("PA", pa.id, {"description": "x"}), version=pa.version),
              "jest zatwierdzony")
    unchanged(lambda: delete_buffer(pa.id, version=pa.version), "można go tylko anulować")
    unchanged(lambda: approve(pa.id, version=pa.version), "jest już zatwierdzony")


def test_a_payment_plan_that_does_not_add_up_is_refused(bshop):
    receive(bshop, [("A", 5, "1")])
    fa = sell(bshop, "FA", [("A", 1, "10")], payments=[("transfer", "5.00")], approve_it=False)
    unchanged(lambda: approve(fa.id, version=fa.version), r"Suma płatności \(5,00\) różni się")


@pytest.mark.rule("OPER-7")
def test_going_past_the_credit_limit_is_a_question_at_save_and_at_approval(bshop):
    from store.cash.models import CreditOverride

    receive(bshop, [("A", 5, "1")])
    Contractor.update(credit_limit_on=True, credit_limit=D("10.00")).where(Contractor.id == bshop.contractor_id) \
        .execute()
    before = dump()
    with pytest.raises(ConfirmationNeeded) as asked:
        sell(bshop, "FA", [("A", 1, "50")], payments=[("transfer", None)], approve_it=False)
    assert asked.value.codes == ["credit"] and "limit" in asked.value.questions[0][1]
    assert_same(before, dump())
    fa = sell(bshop, "FA", [("A", 1, "50")], payments=[("transfer", None)], approve_it=False, confirmed=["credit"])
    with pytest.raises(ConfirmationNeeded):
        approve(fa.id, version=fa.version)
    assert approve(fa.id, version=fa.version, confirmed=["credit"]).state == "approved"
    assert CreditOverride.select().where(CreditOverride.document_guid == fa.guid).count() == 2


def test_hq_refuses_an_operator_without_the_right_to_exceed(sshop):
    receive(sshop, [("A", 5, "1")])
    Contractor.update(credit_limit_on=True, credit_limit=D("10.00")).where(Contractor.id == sshop.contractor_id) \
        .execute()
    unchanged(lambda: sell(sshop, "FA", [("A", 1, "50")], payments=[("transfer", None)], approve_it=False),
              "limit")


def test_contractor_terms_changed_past_the_calendar_by_sql_are_refused_with_a_message(sshop):
    """The card keeps terms below 10,000 days; a row changed by hand in SQL must not raise OverflowError out of a
    save or an approval: a Polish reason, the database unchanged."""
    receive(sshop, [("A", 5, "1")])
    fa = sell(sshop, "FA", [("A", 1, "5")], payments=[("transfer", None)], approve_it=False)
    Contractor.update(max_delay_days=10 ** 9).where(Contractor.id == sshop.contractor_id).execute()
    unchanged(lambda: approve(fa.id, version=fa.version), "wykracza poza kalendarz – popraw kartę kontrahenta")
    Contractor.update(max_delay_days=0, payment_term_on=True, payment_term_days=4_000_000) \
        .where(Contractor.id == sshop.contractor_id).execute()
    unchanged(lambda: sell(sshop, "FA", [("A", 1, "5")], payments=[("transfer", None)], approve_it=False),
              r"ALFA \(4000000 dni\) wykracza poza kalendarz")
