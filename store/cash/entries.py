"""KP (receipt) and KW (payment) entries of a cash report (CASH-4, CASH-7, CASH-15, Filia's >= 0 rule).

An entry lives in a report whose closing date is set, that is neither closed nor exported, on a date
inside the report's period, for a contractor. Every save moves the kept balances (ledger.py) and
takes its number (KP/KW scheme) in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from store import gates, numbering
from store.base import lock_current
from store.cash import ledger
from store.cash.ledger import money, transaction
from store.cash.models import ENTRY_KINDS, SETTLEMENT_CODE, CashEntry, CashRegister, CashReport
from store.cash.reports import ensure_editable, lock_report
from store.errors import NotFound, Refused, ValidationError
from store.i18n import _
from store.parties.models import Contractor
from store.prepared import from_values, insert_new

SUBJECT_KINDS = ("contractor", "office", "bank", "employee", "partner")


@dataclass
class EntryDraft:
    """What the KP/KW card (or a test) fills in."""

    report_id: int
    kind: str                          # KP | KW
    entry_date: date
    contractor_id: int | None
    amount: Decimal
    description: str = ""
    payment_form_id: int | None = None
    subject_kind: str = "contractor"   # CASH-7: only contractors


def check_amount(value, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Kwota „{k}” nie jest liczbą.").format(k=value)}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("Kwota zapisu musi być większa od zera (podano {k}).").format(k=value)})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: _("Kwota {k} ma więcej niż 2 miejsca po przecinku.").format(k=value)})
    if amount >= Decimal("10") ** 13:
        raise ValidationError({field: _("Kwota {k} jest za duża.").format(k=value)})
    return amount.quantize(Decimal("0.01"))


def check_report_accepts(report: CashReport, register: CashRegister, day: date, *, user: bool = True) -> None:
    """The report may take an entry dated `day` (CASH-4, CASH-9, CASH-13, CASH-15)."""
    if user and register.technical:
        raise Refused(_("Do rejestru {s} zapisy wprowadza tylko synchronizacja z centralą.").format(s=register.symbol))
    if report.closing_date is None:
        raise Refused(_("Uzupełnij datę zamknięcia raportu kasowego przed wprowadzeniem zapisów (raport {nr}).").format(
            nr=report.number))
    ensure_editable(report)
    if not report.opening_date <= day <= report.closing_date:
        raise ValidationError({"entry_date": _("Data zapisu {data} jest poza okresem raportu {nr} ({od} – {do}).").format(
            data=day, nr=report.number, od=report.opening_date, do=report.closing_date)})


def check_subject(contractor_id: int | None, subject_kind: str = "contractor", *, user: bool = True) -> Contractor:
    if subject_kind != "contractor":
        raise ValidationError({"contractor": _("Zapis kasowy może dotyczyć tylko kontrahenta – nie urzędu, banku, "
                                               "pracownika ani wspólnika.")})
    if contractor_id is None:
        raise ValidationError({"contractor": _("Wskaż kontrahenta zapisu kasowego.")})
    contractor = Contractor.get_or_none(Contractor.id == contractor_id)
    if contractor is None:
        raise NotFound(_("Kontrahent nie istnieje (mógł zostać usunięty)."))
    if user and contractor.code == SETTLEMENT_CODE:
        raise ValidationError({"contractor": _("Kontrahent {k} służy tylko do rozliczeń z centralą.").format(
            k=SETTLEMENT_CODE)})
    return contractor


def insert_entry(report: CashReport, register: CashRegister, kind: str, day: date, contractor: Contractor,
                 amount: Decimal, **extra) -> CashEntry:
    """Number, balances and the row, in the caller's transaction (register and report locked). Checks the
    >= 0 rule for a KW; the caller has checked the report and the subject."""
    number = numbering.next_number(kind, day, fallback_series=register.symbol)     # cash_series() in one read
    running = ledger.add(report, kind, amount, day)
    with numbering.given_once(number.text):
        entry_id, values = insert_new(CashEntry, {
            "register": register.id, "report": report.id, "kind": kind, "number": number.text, "number_n": number.n,
            "number_series": number.series, "number_period": number.period, "entry_date": day,
            "contractor": contractor.id, "contractor_code": contractor.code,
            "contractor_name": contractor.full_name[:250], "amount": amount,
            "signed": amount if kind == "KP" else -amount, "day_running": running, **extra})
    entry = from_values(CashEntry, {"id": entry_id, **values})
    if kind == "KW":
        ledger.ensure_not_negative(register, day, kind=kind, amount=amount, entry_date=day)
    return entry


def delete_entry_row(entry: CashEntry, report: CashReport, register: CashRegister) -> None:
    """Balances without the entry, then the row; the >= 0 rule holds from its day on (a KP taken away)."""
    ledger.remove(entry, report)
    CashEntry.delete().where(CashEntry.id == entry.id).execute()
    ledger.ensure_not_negative(register, entry.entry_date)


@transaction
def save_entry(draft: EntryDraft, entry_id: int | None = None, version: int | None = None) -> CashEntry:
    """Add (entry_id None) or change a user's KP/KW."""
    gates.ensure_may_issue("cash")
    errors = {}
    if draft.kind not in ENTRY_KINDS:
        errors["kind"] = _("Rodzaj zapisu: KP (wpłata) albo KW (wypłata).")
    try:
        amount = check_amount(draft.amount)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    report = lock_report(draft.report_id)
    register = CashRegister.get_by_id(report.register_id)
    check_report_accepts(report, register, draft.entry_date)
    contractor = check_subject(draft.contractor_id, draft.subject_kind)
    description = (draft.description or "").strip()[:250]
    if entry_id is None:
        return insert_entry(report, register, draft.kind, draft.entry_date, contractor, amount,
                            description=description, payment_form=draft.payment_form_id, open_amount=amount)
    entry = lock_current(CashEntry, entry_id, version)
    if entry.report_id != report.id:
        raise Refused(_("Zapisu {nr} nie można przenieść do innego raportu.").format(nr=entry.number))
    if entry.kind != draft.kind:
        raise Refused(_("Nie można zmienić rodzaju zapisu {nr} – usuń go i wprowadź ponownie.").format(nr=entry.number))
    changed = (entry.entry_date, entry.amount, entry.contractor_id) != (draft.entry_date, amount, contractor.id)
    if changed and entry.origin != "user":
        raise Refused(_("Zapis {nr} powstał z dokumentu {dok} – zmień lub anuluj dokument.").format(
            nr=entry.number, dok=entry.document_number))
    if changed and entry.settlements.exists():
        raise Refused(_("Zapis {nr} jest rozliczony – usuń najpierw rozliczenie.").format(nr=entry.number))
    if changed:
        ledger.remove(entry, report)
        signed = amount if entry.kind == "KP" else -amount
        CashEntry.update({CashEntry.entry_date: draft.entry_date, CashEntry.amount: amount, CashEntry.signed: signed,
                          CashEntry.open_amount: amount, CashEntry.contractor: contractor.id,
                          CashEntry.contractor_code: contractor.code,
                          CashEntry.contractor_name: contractor.full_name[:250]}).where(CashEntry.id == entry.id).execute()
        running = ledger.add(CashReport.get_by_id(report.id), entry.kind, amount, draft.entry_date, entry_id=entry.id)
        CashEntry.update({CashEntry.day_running: running}).where(CashEntry.id == entry.id).execute()
        ledger.ensure_not_negative(register, min(entry.entry_date, draft.entry_date), kind=entry.kind, amount=amount,
                                   entry_date=draft.entry_date)
    CashEntry.update({CashEntry.description: description, CashEntry.payment_form: draft.payment_form_id,
                      **CashEntry.stamp()}).where(CashEntry.id == entry.id).execute()
    return CashEntry.get_by_id(entry.id)


@transaction
def delete_entry(entry_id: int, version: int | None = None) -> None:
    """Delete a user's KP/KW from an open report (its number is not given again)."""
    entry = CashEntry.get_or_none(CashEntry.id == entry_id)
    if entry is None:
        raise NotFound(_("Zapis kasowy nie istnieje (mógł zostać usunięty)."))
    report = lock_report(entry.report_id)
    register = CashRegister.get_by_id(report.register_id)
    entry = lock_current(CashEntry, entry_id, version)
    ensure_editable(report)
    if entry.origin != "user":
        raise Refused(_("Zapis {nr} powstał z dokumentu {dok} – anuluj dokument.").format(
            nr=entry.number, dok=entry.document_number))
    if entry.settlements.exists():
        raise Refused(_("Zapis {nr} jest rozliczony – usuń najpierw rozliczenie.").format(nr=entry.number))
    delete_entry_row(entry, report, register)


def entry_summary(entry: CashEntry) -> str:
    return f"{entry.number} {entry.entry_date} {entry.contractor_code} {money(entry.amount)}"
