"""Cancellation (issue 11 §6, DOC-12/18/19/20/28/37) and the FS made from a PA (DOC-15…18, CUR-14).

Branch: an unsent document (APPROVED) is cancelled here, with the WZ/PZ its approval generated, its stock
restored to the exact layers and its payments taken back (cash core); EXPORTED is refused until HQ confirms
(DOC-20 OPEN followed); CONFIRMED becomes *do anulowania* (CANCEL_REQUESTED) — the answer comes with the
documents exchange. HQ and standalone cancel directly from any approved state.
"""
from __future__ import annotations

from datetime import date

from store import cash, gates
from store.base import lock_current, session_operator, utcnow
from store.config import get_setting
from store.trade.tx import one_transaction
from store.errors import NotFound, Refused
from store.i18n import _
from store.trade import rules
from store.trade.buffer import held_quantities
from store.trade.documents import (APPROVED, BUFFER, CANCEL_REQUESTED, CANCELLED, CANCELLED_BY_HQ, CONFIRMED, EXPORTED,
                                   REALISED, Document)
from store.trade.drafts import DocumentDraft, DocumentView, LineDraft, load_document
from store.trade.errors import ConfirmationNeeded, DocumentRefused
from store.trade.export import end_inventory_block
from store.trade.models import DocumentEvent, DocumentLine, DocumentLink
from store.warehouse import stock

CANCEL_RECEIPT = "cancel_receipt"


def cancel(document_id: int, *, version: int | None, cancel_receipt: bool | None = None) -> DocumentView:
    """Cancel a document. An FS made from a PA asks first whether the PA goes too (DOC-18): ConfirmationNeeded
    with code "cancel_receipt"; call again with cancel_receipt=True or False."""
    one_transaction(_cancel, document_id, version, cancel_receipt)
    return load_document(document_id)


def _event(doc: Document, event: str, to: str, note: str = "") -> None:
    DocumentEvent.insert(document=doc.id, operator=session_operator(), event=event, state_from=doc.state,
                         state_to=to, note=note[:250]).execute()


def _linked(doc: Document, relation: str, *, reverse: bool = False) -> list[Document]:
    if reverse:
        ids = [lk.document_id for lk in DocumentLink.select().where((DocumentLink.linked == doc.id)
                                                                   & (DocumentLink.relation == relation))]
    else:
        ids = [lk.linked_id for lk in DocumentLink.select().where((DocumentLink.document == doc.id)
                                                                 & (DocumentLink.relation == relation))]
    return list(Document.select().where(Document.id.in_(ids))) if ids else []


def _cancel(document_id: int, version: int | None, cancel_receipt: bool | None) -> None:
    doc = lock_current(Document, document_id, version)
    branch = get_setting("role") == "branch"
    if doc.state in (CANCELLED, CANCELLED_BY_HQ, CANCEL_REQUESTED, REALISED):
        raise Refused(_("Dokument {nr} jest już anulowany albo oczekuje na anulowanie.").format(nr=doc.number))
    if doc.state == BUFFER:
        gates.ensure_may_issue(doc.kind)
        lines = list(DocumentLine.select().where(DocumentLine.document == doc.id))
        stock.hold({g: -q for g, q in held_quantities(doc, lines).items()}, doc.stock_warehouse, check=False)
        _mark(doc, CANCELLED)
        return
    if doc.origin == "auto":   # DOC-37 (d): cancelled only with its trade document
        parent = _linked(doc, "generated", reverse=True)
        raise Refused(_("Dokument {nr} został wygenerowany z dokumentu {dok} – anuluj dokument handlowy.").format(
            nr=doc.number, dok=parent[0].number if parent else "?"))
    if _linked(doc, "converted"):   # DOC-37 (b)
        raise Refused(_("Nie można anulować dokumentu magazynowego, do którego wystawiono dokument handlowy."))
    if doc.kind == "PA":
        invoices = [f for f in _linked(doc, "receipt", reverse=True) if f.state not in (CANCELLED, CANCELLED_BY_HQ)]
        if invoices:
            raise Refused(_("Do paragonu {nr} wystawiono fakturę {fs} – anuluj fakturę (DOC-18).").format(
                nr=doc.number, fs=invoices[0].number))
    if branch and doc.state == EXPORTED:
        raise Refused(_("Dokument został wysłany do centrali i oczekuje na potwierdzenie – anulowanie będzie "
                        "możliwe po synchronizacji."))
    if branch and doc.state == CONFIRMED:
        _event(doc, "cancel_req", CANCEL_REQUESTED)
        Document.update({Document.state: CANCEL_REQUESTED, Document.to_cancel: True, **Document.stamp()}) \
            .where(Document.id == doc.id).execute()
        return
    pa = None
    if doc.origin == "PA":
        receipts = _linked(doc, "receipt")
        pa = receipts[0] if receipts else None
        if pa is not None and pa.state not in (CANCELLED, CANCELLED_BY_HQ):
            if cancel_receipt is None:
                raise ConfirmationNeeded([(CANCEL_RECEIPT, _("Czy anulować również paragon {numer}?").format(
                    numer=pa.number))])
            if cancel_receipt and (pa.fiscalised or (branch and pa.state != APPROVED)):
                raise Refused(_("Nie można anulować paragonu: został zafiskalizowany lub wysłany do centrali bez "
                                "potwierdzenia."))
        if not cancel_receipt:
            pa = None
    elif doc.kind == "PA" and doc.fiscalised:
        raise Refused(_("Nie można anulować paragonu {nr}: został zafiskalizowany.").format(nr=doc.number))
    _cancel_approved(doc)
    if pa is not None:
        pa = Document.get_by_id(pa.id)
        _cancel_approved(pa)


def _cancel_approved(doc: Document) -> None:
    """Local cancellation of an approved document: generated WZ/PZ, stock, payments, the state (DOC-12/19/28/37d)."""
    for wz in _linked(doc, "generated"):
        _reverse_stock(wz)
        _mark(wz, CANCELLED)
    _reverse_stock(doc)
    if doc.kind in rules.PAYMENT_SIGN:
        cash.cancel_document_payments(doc.id)
    _mark(doc, CANCELLED)
    if doc.kind == "AI":            # INV-11: an AI cancelled before it was sent ends the block
        end_inventory_block()


def _reverse_stock(doc: Document) -> None:
    if doc.kind in rules.ISSUE_KINDS:
        stock.reverse_issue(doc.id, doc.stock_warehouse)
    elif doc.kind in rules.RECEIPT_KINDS:
        stock.reverse_receipt(doc.id, doc.stock_warehouse, number=doc.number)


def _mark(doc: Document, state: str) -> None:
    _event(doc, "cancelled", state)
    Document.update({Document.state: state, Document.cancelled_at: utcnow(), Document.to_cancel: False,
                     **Document.stamp()}).where(Document.id == doc.id).execute()


def invoice_from_receipt(pa_id: int, *, issue_date: date | None = None, contractor_id: int | None = None,
                         fields: dict | None = None) -> DocumentView:
    """FS from a PA (DOC-15): a buffered FA with the PA's lines and prices, PLN (CUR-14), linked to the PA. The
    PA's WZ and payments stay with the PA: the FS neither holds nor issues stock nor posts payments."""
    from store.trade.buffer import _save

    def run() -> int:
        pa = Document.get_or_none(Document.id == pa_id)
        if pa is None or pa.kind != "PA":
            raise NotFound(_("Paragon nie istnieje (mógł zostać usunięty)."))
        reasons = []
        if pa.state not in (APPROVED, EXPORTED, CONFIRMED):
            reasons.append(_("Fakturę można wystawić tylko do zatwierdzonego, nieanulowanego paragonu."))
        if [f for f in _linked(pa, "receipt", reverse=True) if f.state not in (CANCELLED, CANCELLED_BY_HQ)]:
            reasons.append(_("Do paragonu {nr} wystawiono już fakturę.").format(nr=pa.number))
        on = issue_date or date.today()
        probe = Document(issue_date=on)
        reason = rules.fs_deadline_reason(probe, pa)
        if reason:
            reasons.append(reason)
        if reasons:
            raise DocumentRefused(reasons)
        lines = [LineDraft(goods_id=ln.goods_id, quantity=ln.quantity, price=ln.price,
                           description=ln.description or None)
                 for ln in DocumentLine.select().where(DocumentLine.document == pa.id).order_by(DocumentLine.position)]
        head = {"issue_date": on, "from_gross": pa.from_gross, "warehouse_id": pa.stock_warehouse,
                **(fields or {})}
        if contractor_id is not None:
            head["contractor_id"] = contractor_id
        new_id = _save(DocumentDraft("FA", None, head, lines, []), None, frozenset(), origin="PA")
        DocumentLink.insert(document=new_id, linked=pa.id, relation="receipt").execute()
        return new_id
    return load_document(one_transaction(run))
