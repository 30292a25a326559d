"""Export states (§6), the export selection (DOC-14/17/54/56…59) and the FS made from a PA (DOC-15…18)."""
from __future__ import annotations

import pytest

from store.cash.models import CashEntry
from store.errors import Refused
from store.trade import (ConfirmationNeeded, Document, apply_confirmation, approve, cancel, export_state,
                         exportable_documents, invoice_from_receipt, load_document, mark_exported)
from tests.dbdump import assert_same, dump
from tests.store.trade_helpers import D, bshop, branch_shop_db, level, receive, sell  # noqa: F401


def selected() -> list[str]:
    return [i.number for i in exportable_documents().documents]


@pytest.mark.rule("DOC-14", "DOC-54", "DOC-56", "DOC-57", "DOC-58", "GID-5", "GID-3", "GID-4")
def test_the_selection_holds_approved_unconfirmed_documents_and_resends_until_confirmed(bshop):
    """§6 scenarios 1 and 2."""
    receive(bshop, [("A", 9, "1")])                                   # PZ/1
    fa = sell(bshop, "FA", [("A", 1, "5")])                           # FA/1 + WZ/1 inside it
    sell(bshop, "PA", [("A", 1, "5")], approve_it=False)              # buffer: never
    pa = sell(bshop, "PA", [("A", 1, "5")])
    cancel(pa.id, version=pa.version)                                 # cancelled: never
    sell(bshop, "RW", [("A", 1, "1")])
    sel = exportable_documents()
    assert [i.number for i in sel.documents] == ["PZ/1/KRAK/2024", "FA/1/KRAK/2024", "RW/1/KRAK/2024"]
    wz_id = fa.links[0][1]
    assert sel.documents[1].generated == [wz_id]
    mark_exported([i.id for i in sel.documents])
    assert [export_state(i.id).marker for i in sel.documents] == ["E", "E", "E"]
    assert load_document(wz_id).state == "exported"
    assert selected() == ["PZ/1/KRAK/2024", "FA/1/KRAK/2024", "RW/1/KRAK/2024"]     # scenario 2: sent again
    apply_confirmation(fa.guid, 4711)                                                 # scenario 1
    assert selected() == ["PZ/1/KRAK/2024", "RW/1/KRAK/2024"]
    assert (Document.get_by_id(fa.id).gid, export_state(fa.id).state) == (4711, "confirmed")


@pytest.mark.rule("GID-7", "GID-8")
def test_a_gid_is_never_changed_and_never_given_to_an_unsent_document(bshop):
    receive(bshop, [("A", 9, "1")])
    fa = sell(bshop, "FA", [("A", 1, "5")])
    before = dump()
    with pytest.raises(Refused, match="nie został wysłany do centrali"):
        apply_confirmation(fa.guid, 1)
    assert_same(before, dump())
    mark_exported([fa.id])
    apply_confirmation(fa.guid, 4711)
    apply_confirmation(fa.guid, 4711)                                  # the same answer again: idempotent
    before = dump()
    with pytest.raises(Refused, match="ma już numer centrali 4711"):
        apply_confirmation(fa.guid, 4712)
    with pytest.raises(Refused, match="nie można oznaczyć"):
        mark_exported([fa.id])
    assert_same(before, dump())


@pytest.mark.rule("DOC-17", "DOC-59")
def test_an_fs_travels_with_its_pa_or_after_it(bshop):
    receive(bshop, [("A", 9, "1")])
    pa = sell(bshop, "PA", [("A", 2, "5")])
    fs = invoice_from_receipt(pa.id, issue_date=pa.header["issue_date"], contractor_id=bshop.contractor_id)
    fs = approve(fs.id, version=fs.version)
    assert level(bshop, "A") == (D(7), D(0))                           # the FS took nothing more
    assert not CashEntry.select().where(CashEntry.document_id == fs.id).exists()
    sel = exportable_documents().documents
    assert [(i.kind, i.receipt_id) for i in sel[1:]] == [("PA", None), ("FA", pa.id)]
    assert sel[1].id == pa.id and sel[2].id == fs.id
    mark_exported([pa.id])
    apply_confirmation(pa.guid, 10)
    assert [i.id for i in exportable_documents().documents][1:] == [fs.id]     # PA sent before: FS alone


@pytest.mark.rule("DOC-18")
def test_cancelling_an_fs_asks_about_its_pa(bshop):
    receive(bshop, [("A", 9, "1")])
    pa = sell(bshop, "PA", [("A", 2, "5")])
    fs = invoice_from_receipt(pa.id, issue_date=pa.header["issue_date"], contractor_id=bshop.contractor_id)
    fs = approve(fs.id, version=fs.version)
    before = dump()
    with pytest.raises(Refused, match="anuluj fakturę"):
        cancel(pa.id, version=pa.version)
    with pytest.raises(ConfirmationNeeded) as asked:
        cancel(fs.id, version=fs.version)
    assert asked.value.questions == [("cancel_receipt", f"Czy anulować również paragon {pa.number}?")]
    Document.update(fiscalised=True).where(Document.id == pa.id).execute()
    with pytest.raises(Refused, match="zafiskalizowany lub wysłany"):
        cancel(fs.id, version=fs.version, cancel_receipt=True)
    Document.update(fiscalised=False).where(Document.id == pa.id).execute()
    assert_same(before, dump())
    fs2 = cancel(fs.id, version=fs.version, cancel_receipt=True)
    wz = load_document(pa.links[0][1])
    assert (fs2.state, load_document(pa.id).state, wz.state) == ("cancelled", "cancelled", "cancelled")
    assert level(bshop, "A") == (D(9), D(0))


def test_no_leaves_the_pa_and_its_wz(bshop):
    receive(bshop, [("A", 9, "1")])
    pa = sell(bshop, "PA", [("A", 2, "5")])
    fs = invoice_from_receipt(pa.id, issue_date=pa.header["issue_date"], contractor_id=bshop.contractor_id)
    fs = approve(fs.id, version=fs.version)
    assert cancel(fs.id, version=fs.version, cancel_receipt=False).state == "cancelled"
    assert load_document(pa.id).state == "approved" and level(bshop, "A") == (D(7), D(0))
    again = invoice_from_receipt(pa.id, issue_date=pa.header["issue_date"], contractor_id=bshop.contractor_id)
    assert again.header["origin"] == "PA"
