"""Issue 11's remaining branch rules, on both engines: receipts for !NIEOKREŚLONY! (DOC-8), instalments on a purchase
invoice (DOC-26), what an FZ sends (DOC-30), the state after export (DOC-63), extra series never a default (OPER-14),
documents on any local warehouse (MM-3), the warehouse configuration (SETUP-14) and the end of the inventory block
(INV-11)."""
from __future__ import annotations

import pytest

from store.parties.models import UNSPECIFIED_CODE, Contractor
from store.trade import Document, exportable_documents, load_document
from tests.dbdump import assert_same, dump
from tests.store.trade_helpers import (D, DAY, bshop, branch_shop_db, each_closed_gate, receive, sell,  # noqa: F401
                                       unchanged)


def unspecified() -> int:
    return Contractor.get(Contractor.code == UNSPECIFIED_CODE).id


def selected() -> list[str]:
    return [i.number for i in exportable_documents().documents]


@pytest.mark.rule("DOC-8")
def test_a_branch_issues_receipts_for_the_undefined_contractor_and_sends_them(bshop):
    """A new PA proposes !NIEOKREŚLONY!; it is approved without NIP, city or postal code (which an FA needs) and goes
    to HQ like any receipt, its contractor snapshot naming !NIEOKREŚLONY! (HQ's one-off contractor, CONF-23)."""
    from store.trade import DocumentDraft, approve, save_buffer
    from tests.store.trade_helpers import line

    receive(bshop, [("A", 5, "1")])
    Contractor.update(nip="", city="", postal_code="").where(Contractor.code == UNSPECIFIED_CODE).execute()
    pa = save_buffer(DocumentDraft("PA", None, {"issue_date": DAY}, [line(bshop, "A", 1, "5")]))
    assert pa.header["contractor_id"] == unspecified()
    pa = approve(pa.id, version=pa.version)
    assert (pa.state, pa.number) == ("approved", "PA/1/KRAK/2024")
    assert (pa.header["contractor_code"], pa.header["contractor_nip"]) == (UNSPECIFIED_CODE, "")
    card = sell(bshop, "PA", [("A", 1, "5")], contractor_id=unspecified(), payments=[("card", None)])
    assert card.state == "approved"
    assert selected() == ["PZ/1/KRAK/2024", "PA/1/KRAK/2024", "PA/2/KRAK/2024"]
    assert Document.get_by_id(card.id).contractor_code == UNSPECIFIED_CODE


@pytest.mark.rule("DOC-26")
def test_a_purchase_invoice_pays_in_instalments_like_a_sale(bshop):
    """DOC-26 = DOC-4 on an FZ: several payments on the payments tab, editable in the buffer, each a payable
    instalment of its own once approved (the cash one paid at once by a KW)."""
    from datetime import date, timedelta

    from store.cash.models import CashEntry, Payment
    from store.trade import DocumentDraft, PaymentDraft, approve, save_buffer
    from tests.store.cash_helpers import first_report_id, kp

    kp(first_report_id(bshop.company.register_id), bshop.contractor_id, "50.00")     # cash to pay the KW from
    fz = sell(bshop, "FZ", [("C", 10, "4.00")], payments=[("cash", "10.00"), ("transfer", "20.00"), ("credit", None)],
              approve_it=False)                                                 # gross 43.20 (8 %)
    assert [(p["amount"], p["due_date"]) for p in fz.payments] == [
        (D("10.00"), DAY), (D("20.00"), DAY + timedelta(days=7)), (D("13.20"), DAY + timedelta(days=30))]
    forms = bshop.forms
    fz = save_buffer(DocumentDraft("FZ", fz.id, {}, payments=[
        PaymentDraft(forms["cash"], D("3.20")), PaymentDraft(forms["transfer"], D("20.00"), date(2024, 6, 1)),
        PaymentDraft(forms["transfer"], None, date(2024, 7, 1))]), version=fz.version)
    fz = approve(fz.id, version=fz.version)
    rows = [(p.instalment, p.sign, p.amount, p.due_date, p.form_name) for p in
            Payment.select().where(Payment.document_id == fz.id).order_by(Payment.instalment)]
    assert rows == [(1, -1, D("3.20"), DAY, "gotówka"), (2, -1, D("20.00"), date(2024, 6, 1), "przelew"),
                    (3, -1, D("20.00"), date(2024, 7, 1), "przelew")]
    assert [(e.kind, e.amount) for e in CashEntry.select().where(CashEntry.document_id == fz.id)] == [("KW", D("3.20"))]


@pytest.mark.rule("DOC-30")
def test_a_cash_paid_purchase_invoice_goes_at_the_next_sync_its_report_when_closed(bshop):
    """Buffered and cancelled FZ stay home; a cash-paid FZ is in the very next OD although the report holding its KW
    is still open (HQ has it unsettled until that report, closed, arrives)."""
    from store import cash
    from store.cash.models import CashEntry
    from store.trade import cancel
    from tests.store.cash_helpers import first_report_id, kp

    report_id = first_report_id(bshop.company.register_id)
    kp(report_id, bshop.contractor_id, "50.00")
    sell(bshop, "FZ", [("C", 1, "4.00")], payments=[("cash", None)], approve_it=False)        # buffer
    gone = sell(bshop, "FZ", [("C", 1, "4.00")], payments=[("transfer", None)])
    cancel(gone.id, version=gone.version)                                                     # cancelled
    fz = sell(bshop, "FZ", [("C", 2, "4.00")], payments=[("cash", None)])
    kw = CashEntry.get(CashEntry.document_id == fz.id)
    assert (kw.kind, kw.report_id, cash.reports_for_export().reports) == ("KW", report_id, [])
    assert selected() == ["FZ/2/KRAK/2024"]
    assert exportable_documents().documents[0].generated == [fz.links[0][1]]               # its PZ inside it
    cash.set_closed(report_id, True)
    sent = cash.reports_for_export().reports
    assert [r.id for r in sent] == [report_id] and kw.guid in [e["guid"] for e in sent[0].entries]
    assert [e["document_guid"] for e in sent[0].entries if e["guid"] == kw.guid] == [fz.guid]


class FileNotWritten(Exception):
    pass


@pytest.mark.rule("DOC-63")
def test_export_state_follows_the_od_file_commit_and_the_state_table(bshop):
    """SYNC-20: E is set in the transaction that commits the OD file (a failed file leaves the documents approved);
    then §6: EXPORTED is E, not editable, sent again with every OD until the GID comes (CONFIRMED: E, not sent)."""
    from store.db import write
    from store.errors import Refused
    from store.trade import DocumentDraft, apply_confirmation, export_state, mark_exported, save_buffer

    receive(bshop, [("A", 9, "1")])
    fa = sell(bshop, "FA", [("A", 1, "5")])
    wz_id = fa.links[0][1]
    assert (export_state(fa.id).marker, export_state(fa.id).sent, export_state(fa.id).editable) == ("", True, False)
    before = dump()
    with pytest.raises(FileNotWritten):
        with write():
            mark_exported([i.id for i in exportable_documents().documents])
            raise FileNotWritten()
    assert_same(before, dump())
    with write():
        mark_exported([i.id for i in exportable_documents().documents])
    st = export_state(fa.id)
    assert (st.state, st.marker, st.sent, st.editable) == ("exported", "E", True, False)
    assert export_state(wz_id).marker == "E"
    with pytest.raises(Refused, match="jest zatwierdzony"):
        save_buffer(DocumentDraft("FA", fa.id, {"description": "x"}), version=load_document(fa.id).version)
    assert selected() == ["PZ/1/KRAK/2024", "FA/1/KRAK/2024"]
    with write():
        assert mark_exported([i.id for i in exportable_documents().documents]) == 2      # written again: stays E
    assert export_state(fa.id).state == "exported"
    apply_confirmation(fa.guid, 4711)
    st = export_state(fa.id)
    assert (st.state, st.marker, st.gid, st.sent) == ("confirmed", "E", 4711, False)
    assert selected() == ["PZ/1/KRAK/2024"]


@pytest.mark.rule("OPER-14")
def test_an_extra_series_is_never_a_default_only_chosen_by_hand(bshop):
    """New documents and conversions (FS from PA) take the class's series; an extra series only when changed by hand
    on the form; HQ's "default" on an extra series is ignored, and rows that would leave a class's default series extra
    are refused, nothing applied."""
    from store import numbering
    from store.errors import ValidationError
    from store.trade import DocumentDraft, invoice_from_receipt, save_buffer
    from tests.store.trade_helpers import line

    numbering.apply_hq_series([{"doc_class": "PA", "series": "KASA2", "extra": True},
                               {"doc_class": "FA", "series": "KASA2", "extra": True}])
    receive(bshop, [("A", 5, "1")])
    new = save_buffer(DocumentDraft("PA", None, {"issue_date": DAY}, [line(bshop, "A", 1, "5")]))
    assert new.header["series"] == "KRAK"
    pa = sell(bshop, "PA", [("A", 1, "5")], series="KASA2", payments=[("card", None)])
    assert pa.number == "PA/1/KASA2/2024"
    fs = invoice_from_receipt(pa.id, issue_date=DAY, contractor_id=bshop.contractor_id)
    assert fs.header["series"] == "KRAK"                               # a conversion does not carry it over
    fs = save_buffer(DocumentDraft("FA", fs.id, {"series": "KASA2"}), version=fs.version)
    assert fs.header["series"] == "KASA2"                              # by hand on the form
    numbering.apply_hq_series([{"doc_class": "PA", "series": "KASA2", "default": True, "extra": True}])
    assert numbering.default_series("PA") == "KRAK"                   # "default" on an extra series: ignored
    before = dump()
    with pytest.raises(ValidationError, match="Seria dodatkowa KRAK nie może być domyślną serią dokumentów [A-Z]+"):
        numbering.apply_hq_series([{"doc_class": "PA", "series": "KRAK", "extra": True}])   # the default made extra
    assert_same(before, dump())
    assert numbering.default_series("PA") == "KRAK"


@pytest.mark.rule("MM-3")
def test_documents_go_on_any_local_warehouse_and_travel_without_it(bshop):
    """A branch may issue on any local warehouse (its stock moves there); the export item carries no warehouse
    (HQ books every branch document on the branch's internal warehouse); a remote warehouse is refused."""
    from dataclasses import fields

    from store.catalog.dict_rules import create_entry
    from store.catalog.dictionaries import Warehouse
    from store.trade import ExportItem
    from store.warehouse import Shortage
    from store.warehouse.stock import on_hand

    shop = create_entry("warehouse", symbol="SKLEP", name="Sklep", kind="local").id
    remote = Warehouse.get_or_none(Warehouse.kind == "remote") or Warehouse.create(symbol="CENTRALA", kind="remote")
    receive_on = sell(bshop, "PZ", [("A", 4, "1")], warehouse_id=shop)
    assert on_hand(bshop.goods["A"], shop) == (D(4), D(0))
    assert on_hand(bshop.goods["A"], bshop.warehouse_id) == (D(0), D(0))
    before = dump()
    with pytest.raises(Shortage, match="towaru A w magazynie MAGAZYN"):
        sell(bshop, "FA", [("A", 1, "5")], approve_it=False)
    assert_same(before, dump())
    fa = sell(bshop, "FA", [("A", 3, "5")], warehouse_id=shop)
    wz = load_document(fa.links[0][1])
    assert (wz.header["warehouse_id"], on_hand(bshop.goods["A"], shop)) == (shop, (D(1), D(0)))
    assert [(i.id, i.generated) for i in exportable_documents().documents] == [(receive_on.id, []), (fa.id, [wz.id])]
    assert not [f.name for f in fields(ExportItem) if "warehouse" in f.name]
    for fn in (lambda: sell(bshop, "PZ", [("A", 1, "1")], warehouse_id=remote.id, approve_it=False),
               lambda: sell(bshop, "FA", [("A", 1, "1")], warehouse_id=remote.id, approve_it=False)):
        before = dump()
        with pytest.raises(Exception, match="Na magazynie odległym nie wystawia się dokumentów – wybierz magazyn "
                                            "lokalny."):
            fn()
        assert_same(before, dump())


@pytest.mark.rule("INV-11")
def test_the_inventory_block_ends_with_the_ai_gid_or_its_cancellation(bshop):
    """§14 scenario 3, the store's half: an approved AI without GID blocks every document (INV-2); exporting it does
    not end the block, another document's GID does not either, the AI's GID does (OPEN: the AI's GID is the trigger);
    an AI cancelled before it was sent ends the block too."""
    from store import gates
    from store.trade import DocumentDraft, apply_confirmation, cancel, create_document, mark_exported, save_buffer
    from tests.store.trade_helpers import line

    blocked = "Trwa inwentaryzacja niepotwierdzona przez centralę – wystawianie dokumentów jest zablokowane."
    receive(bshop, [("A", 9, "1")])
    fa = sell(bshop, "FA", [("A", 1, "5")])
    mark_exported([fa.id])

    def new_pa():
        return save_buffer(DocumentDraft("PA", None, {"issue_date": DAY}, [line(bshop, "A", 1, "5")]))

    def refused():
        before = dump()
        with pytest.raises(Exception, match=blocked):
            new_pa()
        assert_same(before, dump())

    ai = create_document("AI", None, DAY, number="AI/1/KRAK/2024", state="approved")   # the inventory issue's AI
    gates.set_flag(gates.INVENTORY_UNCONFIRMED, True)
    refused()
    mark_exported([ai.id])
    refused()
    apply_confirmation(fa.guid, 4711)
    refused()
    apply_confirmation(ai.guid, 4712)
    assert gates.may_issue("PA") is None
    assert new_pa().state == "buffer"
    ai2 = create_document("AI", None, DAY, number="AI/2/KRAK/2024", state="approved")
    gates.set_flag(gates.INVENTORY_UNCONFIRMED, True)
    refused()
    assert cancel(ai2.id, version=ai2.version).state == "cancelled"
    assert new_pa().state == "buffer"


@pytest.mark.rule("SETUP-14")
def test_a_buffered_sale_takes_stock_whatever_the_check_and_approval_always_links_its_warehouse_document(bshop):
    """The branch's warehouse configuration: a trade document in the buffer already takes the goods off stock (also
    with no availability check while editing, SETUP-15), and approving FA, PA or FZ always makes and links its
    WZ/PZ — no setting turns that off; the warehouse documents a branch issues are PZ/WZ, PW/RW (MM, AI later)."""
    from store.config import Setting
    from store.trade import approve, options, save_buffer
    from store.warehouse import available
    from tests.store.trade_helpers import draft, level, line

    Setting.insert(key=options.STOCK_CHECK, value="none").execute()
    receive(bshop, [("A", 5, "1"), ("B", 5, "1")])
    fa = sell(bshop, "FA", [("A", 2, "5")], approve_it=False)
    pa = sell(bshop, "PA", [("B", 3, "5")], approve_it=False)
    assert (level(bshop, "A"), level(bshop, "B")) == ((D(5), D(2)), (D(5), D(3)))
    assert available(bshop.goods["A"], bshop.warehouse_id) == D(3)
    fz = sell(bshop, "FZ", [("C", 4, "2")], payments=[("transfer", None)])
    made = []
    for doc in (approve(fa.id, version=fa.version), approve(pa.id, version=pa.version), fz):
        (relation, linked_id), = doc.links
        linked = load_document(linked_id)
        made.append((doc.kind, relation, linked.kind, linked.state, linked.header["origin"]))
    assert made == [("FA", "generated", "WZ", "approved", "auto"), ("PA", "generated", "WZ", "approved", "auto"),
                    ("FZ", "generated", "PZ", "approved", "auto")]
    assert (level(bshop, "A"), level(bshop, "B"), level(bshop, "C")) == ((D(3), D(0)), (D(2), D(0)), (D(4), D(0)))
    for kind in ("PW", "RW", "WZ", "PZ"):
        assert sell(bshop, kind, [("C", 1, "2")], approve_it=False).state == "buffer"
    before = dump()
    with pytest.raises(Exception, match="Dokumentów rodzaju BO nie można wystawiać w oddziale."):
        save_buffer(draft("BO", [line(bshop, "C", 1, "2")]))
    assert_same(before, dump())


# --- issue 11's bad input the other files left out: a Polish reason and the database unchanged ------------------

@pytest.mark.rule("DOC-15")
def test_an_fs_whose_date_was_moved_past_the_limit_is_refused_at_approval(bshop):
    from datetime import date

    from store.trade import DocumentDraft, approve, invoice_from_receipt, save_buffer

    receive(bshop, [("A", 5, "1")], on=date(2024, 4, 30))
    pa = sell(bshop, "PA", [("A", 1, "5")], on=date(2024, 5, 1), payments=[("card", None)])
    fs = invoice_from_receipt(pa.id, issue_date=date(2024, 5, 8), contractor_id=bshop.contractor_id)
    fs = save_buffer(DocumentDraft("FA", fs.id, {"issue_date": date(2024, 5, 9)}), version=fs.version)
    unchanged(lambda: approve(fs.id, version=fs.version),
                      r"Minął termin \(7 dni\) na wystawienie faktury do paragonu.")
    fs = save_buffer(DocumentDraft("FA", fs.id, {"issue_date": date(2024, 5, 8)}), version=fs.version)
    assert approve(fs.id, version=fs.version).state == "approved"


@pytest.mark.rule("DOC-66")
def test_a_deferred_payment_for_the_undefined_contractor_is_refused_at_approval_once_no_longer_allowed(bshop):
    from store.config import Setting
    from store.trade import approve, options

    receive(bshop, [("A", 5, "1")])
    Setting.insert(key=options.DEFERRED_UNSPECIFIED, value="1").execute()
    pa = sell(bshop, "PA", [("A", 1, "5")], payments=[("transfer", None)], approve_it=False)
    Setting.update(value="0").where(Setting.key == options.DEFERRED_UNSPECIFIED).execute()
    unchanged(lambda: approve(pa.id, version=pa.version),
                      "Dla kontrahenta !NIEOKREŚLONY! nie można zapisać dokumentu z odroczoną płatnością.")


@pytest.mark.rule("SETUP-5", "INV-2", "RET-7")
def test_each_gate_refuses_an_fs_from_a_receipt_and_cancelling_a_buffered_document(bshop):
    from store.trade import cancel, invoice_from_receipt

    receive(bshop, [("A", 5, "1")])
    pa = sell(bshop, "PA", [("A", 1, "5")], payments=[("card", None)])
    buffered = sell(bshop, "PA", [("A", 1, "5")], approve_it=False)
    for text in each_closed_gate():
        unchanged(lambda: invoice_from_receipt(pa.id, issue_date=DAY, contractor_id=bshop.contractor_id),
                          text)
        unchanged(lambda: cancel(buffered.id, version=buffered.version), text)
    assert cancel(buffered.id, version=buffered.version).state == "cancelled"


@pytest.mark.rule("DOC-6", "DOC-27")
def test_an_invoice_without_any_contractor_is_refused_at_approval(bshop):
    """DOC-27: "without a contractor, or with !Nieokreślony!" — the first half (an FZ proposes no contractor; an FA
    whose contractor was cleared)."""
    from store.trade import DocumentDraft, approve, save_buffer
    from tests.store.trade_helpers import draft, line

    receive(bshop, [("A", 5, "1")])
    fz = save_buffer(draft("FZ", [line(bshop, "A", 1, "2")]))
    assert fz.header["contractor_id"] is None
    unchanged(lambda: approve(fz.id, version=fz.version),
                      "Na fakturze zakupu należy wskazać kontrahenta innego niż !NIEOKREŚLONY!.")
    fa = sell(bshop, "FA", [("A", 1, "5")], approve_it=False)
    fa = save_buffer(DocumentDraft("FA", fa.id, {"contractor_id": None}), version=fa.version)
    unchanged(lambda: approve(fa.id, version=fa.version), "Na fakturze sprzedaży należy wskazać kontrahenta.")
