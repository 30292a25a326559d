"""Payments of approved documents: the Preliminarz rows, the KP/KW of cash-paid ones, their cancellation.

The trade core calls these inside its own approval/cancellation transaction (they join it). Contract
(docs/architecture.md, "Cash core for the trade core"):

    terms = payment_terms(contractor_id, form_id, issue_date)      # due date for each instalment
    post_document_payments(DocumentPayments(...), tendered=...)    # at approval
    cancel_document_payments(document_id)                          # at cancellation
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from store import gates
from store.cash import options
from store.cash.entries import check_amount, check_subject, delete_entry_row, insert_entry
from store.cash.ledger import lock_register, transaction
from store.cash.models import CashEntry, CashRegister, CashReport, Payment, Settlement
from store.cash.registers import CARD_FORM_KIND, CASH_FORM_KINDS, register_for_form
from store.cash.reports import ensure_editable
from store.catalog.dictionaries import PaymentForm
from store.db import for_update, in_transaction
from store.errors import NotFound, Refused, ValidationError
from store.i18n import _
from store.parties import get_contractor
from store.parties.models import Contractor
from store.prepared import as_model, insert_new, prepared, run


@dataclass(frozen=True)
class Instalment:
    form_id: int                 # PaymentForm id
    amount: Decimal              # > 0, PLN, 2 places
    due_date: date               # from payment_terms() (or typed on the document's payments tab)


@dataclass(frozen=True)
class DocumentPayments:
    """What the trade core fills at approval (DOC-4: one row per instalment)."""

    document_id: int
    document_guid: str
    kind: str                    # FA, FS, PA, FZ …
    number: str                  # the approved number
    contractor_id: int
    issue_date: date
    sign: int                    # +1 receivable (FA, FS, PA), -1 payable (FZ)
    instalments: tuple[Instalment, ...] = field(default_factory=tuple)


@dataclass
class PostedPayments:
    payment_ids: list[int]
    entry_ids: list[int]         # KP/KW made for cash (and, with the option, card) instalments


@dataclass(frozen=True)
class PaymentTerms:
    due_date: date
    expected_date: date          # due date + the contractor's maximum delay (CTF-49)
    days: int
    from_contractor: bool        # the contractor's own term replaced the form's (CTF-46)


def _form(form_id: int) -> PaymentForm:
    f = PaymentForm.get_or_none(PaymentForm.id == form_id)
    if f is None:
        raise NotFound(_("Forma płatności nie istnieje (mogła zostać usunięta)."))
    return f


def payment_terms(contractor_id: int, form_id: int, issue_date: date) -> PaymentTerms:
    """CTF-45/46/49: the form's term, or the contractor's own term when it is on and the document is paid with
    the contractor's payment form (or the contractor names none); plus the maximum delay for the schedule."""
    c, form = get_contractor(contractor_id), _form(form_id)
    own = c.payment_term_on and (not c.payment_form or c.payment_form.strip().lower() == form.name.strip().lower())
    days = int(c.payment_term_days if own else form.days)
    due = later_by(issue_date, days, c)
    return PaymentTerms(due, later_by(due, int(c.max_delay_days or 0), c), days, bool(own))


def later_by(day: date, days: int, contractor: Contractor) -> date:
    """`day` + `days` of the contractor's terms. The card keeps terms below 10,000 days; a row changed past the
    calendar by hand (SQL) is refused with a message, not an OverflowError out of the form."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        raise Refused(_("Termin płatności lub maksymalna zwłoka kontrahenta {kod} ({dni} dni) wykracza poza "
                        "kalendarz – popraw kartę kontrahenta.").format(kod=contractor.code, dni=days)) from None


def _posts_entry(form: PaymentForm) -> bool:
    """Cash and cheque always; card with the SETUP-13 option (CASH-8); transfer and credit never (CASH-3)."""
    return form.kind in CASH_FORM_KINDS or (form.kind == CARD_FORM_KIND and options.option("card_payment_documents"))


def _open_report(register: CashRegister, on: date) -> CashReport:
    """The register's open report covering `on` (SETT-5 OPEN recommendation), locked (after its register)."""
    sql = prepared("cash.report.covering", lambda: for_update(
        CashReport.select().where((CashReport.register == 0) & (CashReport.opening_date <= 0))
        .order_by(CashReport.seq.desc()).limit(1)))
    covering = as_model(CashReport, run(sql, [register.id, CashReport.opening_date.db_value(on), 1]).fetchone())
    if covering is not None and covering.closing_date is None and not covering.closed:
        raise Refused(_("Uzupełnij datę zamknięcia raportu kasowego przed wprowadzeniem zapisów (raport {nr}).").format(
            nr=covering.number))
    if (covering is None or covering.closing_date is None or covering.closing_date < on or covering.closed
            or covering.exported or covering.gid is not None):
        raise Refused(_("Brak otwartego raportu kasowego na dzień {data}.").format(data=on))
    return covering


def _register(form: PaymentForm) -> CashRegister:
    """The form's register, locked (its own when it names one, read once)."""
    if form.register is not None:
        try:
            return lock_register(form.register)
        except NotFound:
            pass
    return lock_register(register_for_form(form).id)


def post_document_payments_joined(p: DocumentPayments, *, tendered: Decimal | None = None,
                                  flags: dict[str, str] | None = None, contractor: Contractor | None = None,
                                  forms: dict[int, PaymentForm] | None = None) -> PostedPayments:
    """post_document_payments() for the trade core's approval: it joins the caller's transaction without a
    savepoint of its own (a refusal undoes the whole approval, which is what the approval does with it anyway)
    and takes what the approval has read in that transaction already: the role and gate flags
    (gates.refusal), the contractor (by the document's contractor id) and the payment forms by id. It does not
    look for payments posted before: the approval has locked the document in the buffer, and a buffered document
    has none (approving posts them and leaves the buffer in one transaction)."""
    if not in_transaction():
        raise RuntimeError("post_document_payments_joined() must run inside the caller's write transaction")
    return _post(p, tendered, flags, contractor, forms or {}, check_posted=False)


def _post(p: DocumentPayments, tendered: Decimal | None, flags, contractor, forms, *,
          check_posted: bool = True) -> PostedPayments:
    gates.ensure_may_issue("cash", flags)
    if p.sign not in (1, -1):
        raise ValidationError({"sign": _("Znak płatności: +1 należność albo -1 zobowiązanie.")})
    if not p.instalments:
        return PostedPayments([], [])
    if check_posted:       # the approval holds its buffered document locked: nothing was posted for it yet
        exists = prepared("cash.payments.exist", lambda: Payment.select(Payment.id).where(Payment.document_id == 0)
                          .limit(1))
        if run(exists, [p.document_id, 1]).fetchone():
            raise Refused(_("Płatności dokumentu {nr} zostały już zapisane.").format(nr=p.number))
    if contractor is None or contractor.id != p.contractor_id:
        contractor = check_subject(p.contractor_id, user=False)
    not_subject = bool(contractor.no_settle)
    status = "not_subject" if not_subject else "open"
    payment_ids, entry_ids = [], []
    for n, inst in enumerate(p.instalments, start=1):
        amount = check_amount(inst.amount)
        form = forms.get(inst.form_id) or _form(inst.form_id)
        expected = later_by(inst.due_date, int(contractor.max_delay_days or 0), contractor)
        posts = _posts_entry(form)
        settled = posts and not not_subject                   # its KP/KW settles it at once
        payment_id, _row = insert_new(Payment, {
            "document_id": p.document_id, "document_guid": p.document_guid, "document_kind": p.kind,
            "document_number": p.number, "contractor": contractor.id, "sign": p.sign, "instalment": n,
            "amount": amount, "open_amount": Decimal("0.00") if settled else amount, "issue_date": p.issue_date,
            "due_date": inst.due_date, "expected_date": expected, "payment_form": form.id, "form_name": form.name,
            "status": "settled" if settled else status})
        payment_ids.append(payment_id)
        if not posts:
            continue
        register = _register(form)
        report = _open_report(register, p.issue_date)
        entry = insert_entry(report, register, "KP" if p.sign > 0 else "KW", p.issue_date, contractor, amount,
                             payment_form=form.id, description=f"{p.kind} {p.number}"[:250],
                             document_id=p.document_id, document_guid=p.document_guid, document_number=p.number,
                             tendered=tendered if not entry_ids else None, origin="document",
                             status=status if not_subject else "settled",
                             open_amount=amount if not_subject else Decimal("0.00"))
        entry_ids.append(entry.id)
        if settled:
            insert_new(Settlement, {"payment": payment_id, "entry": entry.id, "amount": amount,
                                    "settled_on": p.issue_date})
    return PostedPayments(payment_ids, entry_ids)


@transaction
def post_document_payments(p: DocumentPayments, *, tendered: Decimal | None = None) -> PostedPayments:
    """At approval, in the caller's transaction: a Preliminarz row per instalment with its due date and expected
    date (DOC-4, CTF-45/49); cash instalments (and card ones with the option, CASH-8) get a KP (KW for a payable)
    in the open report covering the document date of the form's register, settled at once; transfer and credit
    stay open (CASH-3). A contractor with *Nie rozliczaj płatności* gets rows that are not subject to settlement
    (CTF-50). The first cash entry keeps the amount tendered (DOC-5)."""
    return _post(p, tendered, None, None, {})


@transaction
def cancel_document_payments(document_id: int) -> int:
    """At cancellation, in the caller's transaction: the document's Preliminarz rows go; with the SETUP-13 option
    *kasuj rozliczenia* (SETT-7, on by default) its settlements and the KP/KW made at approval go too, while
    their report is open; a closed report is refused naming it (reopen it first), an exported one always.
    With the option off, a settled payment is refused naming the entry. Returns the payments removed."""
    payments = list(for_update(Payment.select().where(Payment.document_id == document_id)))
    if not payments:
        return 0
    delete_settlements = options.option("delete_settlements_on_cancel")
    settlements = list(Settlement.select().where(Settlement.payment.in_([p.id for p in payments])))
    entries = {e.id: e for e in CashEntry.select().where(CashEntry.id.in_([s.entry_id for s in settlements]))} \
        if settlements else {}
    if settlements and not delete_settlements:
        e = entries[settlements[0].entry_id]
        raise Refused(_("Płatność dokumentu {dok} jest rozliczona zapisem {nr} – usuń najpierw rozliczenie.").format(
            dok=payments[0].document_number, nr=e.number))
    document_entries = list(CashEntry.select().where((CashEntry.document_id == document_id)
                                                     & (CashEntry.origin == "document")).order_by(CashEntry.id))
    for e in document_entries:
        lock_register(e.register_id)
        report = for_update(CashReport.select().where(CashReport.id == e.report_id)).get()
        if report.exported or report.gid is not None:
            raise Refused(_("Zapis {nr} dokumentu {dok} jest w raporcie {rk} wysłanym do centrali – dokumentu nie "
                            "można anulować w oddziale.").format(nr=e.number, dok=e.document_number, rk=report.number))
        if report.closed:
            raise Refused(_("Zapis {nr} dokumentu {dok} jest w zamkniętym raporcie {rk} – otwórz raport, aby anulować "
                            "dokument.").format(nr=e.number, dok=e.document_number, rk=report.number))
        ensure_editable(report)
    Settlement.delete().where(Settlement.payment.in_([p.id for p in payments])).execute()
    for e in document_entries:
        # The amount a user entry settled is open again on that entry (settling by hand comes later: SETT-2…6).
        register = CashRegister.get_by_id(e.register_id)
        delete_entry_row(CashEntry.get_by_id(e.id), CashReport.get_by_id(e.report_id), register)
    for s in settlements:
        if s.entry_id in entries and entries[s.entry_id].origin != "document":
            CashEntry.update({CashEntry.open_amount: CashEntry.open_amount + s.amount, CashEntry.status: "open",
                              **CashEntry.stamp()}).where(CashEntry.id == s.entry_id).execute()
    return Payment.delete().where(Payment.document_id == document_id).execute()


@transaction
def confirm_document_payments(document_ids) -> int:
    """HQ confirmed these documents (GID): their outstanding amounts are inside HQ's global debt from now on, so
    the branch's credit check stops adding them (SETT-16). For synchronisation; joins its transaction."""
    ids = list(document_ids)
    if not ids:
        return 0
    return Payment.update({Payment.confirmed: True, **Payment.stamp()}).where(Payment.document_id.in_(ids)).execute()
