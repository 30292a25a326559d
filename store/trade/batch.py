"""Batch approval of marked buffered FA/PA (DOC-24): only documents with a deferred payment; each checked for
what synchronisation needs (contractor name, street, city; NIP on an FA), then approved in its own transaction
through `approve` (the WZ is generated as always). The report says which were approved and why the others not.

    report = approve_batch(ids, operator="ADMIN")
    report.approved  -> [(id, number)]      report.refused -> [(id, number, [Polish reasons])]
"""
from __future__ import annotations

from dataclasses import dataclass, field

from store.base import session_operator, set_session_operator
from store.catalog.dictionaries import PaymentForm
from store.errors import FiliaError
from store.i18n import _
from store.parties.models import Contractor
from store.trade import rules
from store.trade.approve import approve
from store.trade.documents import BUFFER, Document
from store.trade.errors import ConfirmationNeeded, DocumentRefused
from store.trade.models import DocumentPayment

BATCH_KINDS = ("FA", "PA")


@dataclass
class BatchReport:
    approved: list[tuple[int, str]] = field(default_factory=list)
    refused: list[tuple[int, str, list[str]]] = field(default_factory=list)

    def text(self) -> str:
        lines = [_("Zatwierdzono: {n}, nie zatwierdzono: {m}.").format(n=len(self.approved), m=len(self.refused))]
        lines += [_("{numer}: zatwierdzony").format(numer=number) for _id, number in self.approved]
        for _id, number, reasons in self.refused:
            lines.append(_("{numer}: nie zatwierdzony – {powody}").format(numer=number, powody="; ".join(reasons)))
        return "\n".join(lines)


def _deferred(doc: Document) -> bool:
    """Whether every planned payment (or, with none planned, the contractor's payment form) is deferred."""
    planned = list(DocumentPayment.select().where(DocumentPayment.document == doc.id))
    if planned:
        forms = {f.id: f for f in PaymentForm.select().where(PaymentForm.id.in_([p.form_id for p in planned]))}
        return all(p.form_id in forms and forms[p.form_id].kind not in rules.IMMEDIATE_FORMS for p in planned)
    if doc.kind == "PA" or rules.is_unspecified(doc) or doc.contractor_id is None:
        return False
    name = (Contractor.get_by_id(doc.contractor_id).payment_form or "").strip().lower()
    form = next((f for f in PaymentForm.select() if f.name.strip().lower() == name), None) if name else None
    return form is not None and form.kind not in rules.IMMEDIATE_FORMS


def readiness_reasons(doc: Document) -> list[str]:
    """What a document needs before it may go in a batch (DOC-24), every reason found."""
    out = []
    if doc.state != BUFFER:
        return [_("Dokument nie jest w buforze.")]
    if doc.kind not in BATCH_KINDS:
        out.append(_("Seryjnie zatwierdza się tylko faktury i paragony."))
    if not _deferred(doc):
        out.append(_("Dokument nie ma odroczonej płatności – zatwierdź go na formularzu."))
    c = Contractor.get_or_none(Contractor.id == doc.contractor_id) if doc.contractor_id else None
    if c is None or rules.is_unspecified(doc):
        out.append(_("Brak kontrahenta."))
        return out
    if not (c.full_name or c.name or "").strip():
        out.append(_("Kontrahent {kod}: brak nazwy.").format(kod=c.code))
    if not (c.street or "").strip():
        out.append(_("Kontrahent {kod}: brak ulicy.").format(kod=c.code))
    if not (c.city or "").strip():
        out.append(_("Kontrahent {kod}: brak miejscowości.").format(kod=c.code))
    if doc.kind == "FA" and not (c.nip or "").strip():
        out.append(_("Kontrahent {kod}: brak NIP.").format(kod=c.code))
    return out


def approve_batch(ids, operator: str | None = None) -> BatchReport:
    """Approve each document in its own transaction; one refusal never stops or undoes the others."""
    report = BatchReport()
    previous = session_operator()
    if operator:
        set_session_operator(operator)
    try:
        for doc_id in ids:
            doc = Document.get_or_none(Document.id == doc_id)
            if doc is None:
                report.refused.append((doc_id, str(doc_id), [_("Dokument nie istnieje (mógł zostać usunięty).")]))
                continue
            reasons = readiness_reasons(doc)
            if not reasons:
                try:
                    view = approve(doc.id, version=doc.version)
                except DocumentRefused as exc:
                    reasons = exc.reasons
                except ConfirmationNeeded as exc:
                    reasons = [_("wymaga potwierdzenia: {pytanie}").format(pytanie=text) for _c, text in exc.questions]
                except FiliaError as exc:
                    reasons = [str(exc)]
                else:
                    report.approved.append((doc.id, view.number))
                    continue
            report.refused.append((doc.id, doc.number, reasons))
    finally:
        set_session_operator(previous)
    return report
