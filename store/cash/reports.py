"""Cash reports (raporty kasowe/bankowe): open, dates, close, reopen, delete, export (CASH-4…6, 9…13, 20).

States (§11 state machine): open -> closed (tick *Zamknięty*, closing date set) -> open again (untick)
until exported (E); E -> confirmed when HQ returns the report's GID. Reports of one register follow
each other: a new report starts after the last one's closing date (CASH-6, periods never overlap) and
reports are never renumbered.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from store import gates, numbering
from store.base import lock_current
from store.cash.ledger import ZERO, lock_register, money, transaction
from store.cash.models import CashEntry, CashRegister, CashReport
from store.cash.registers import register_by_gid
from store.db import for_update
from store.errors import NotFound, Refused, ValidationError
from store.i18n import _

REPORT_CLASS = "RK"


def cash_series(doc_class: str, register: CashRegister) -> str:
    """Series of a cash number: the scheme's (from HQ in a branch, SETUP-13), else the register's symbol, so
    each register counts its own reports and entries."""
    return numbering.default_series(doc_class) or register.symbol


def state(report: CashReport) -> str:
    if report.gid is not None and report.confirmed:
        return "confirmed"
    if report.exported:
        return "exported"
    return "closed" if report.closed else "open"


def lock_report(report_id: int) -> CashReport:
    """The report, locked after its register (every cash write locks the register first: one lock order)."""
    register_id = CashReport.select(CashReport.register).where(CashReport.id == report_id).scalar()
    if register_id is None:
        raise NotFound(_("Raport kasowy nie istnieje (mógł zostać usunięty)."))
    lock_register(register_id)
    return for_update(CashReport.select().where(CashReport.id == report_id)).get()


def _last(register_id: int, *, before_seq: int | None = None) -> CashReport | None:
    q = CashReport.select().where(CashReport.register == register_id)
    if before_seq is not None:
        q = q.where(CashReport.seq < before_seq)
    return q.order_by(CashReport.seq.desc()).first()


def _next(report: CashReport) -> CashReport | None:
    return (CashReport.select().where((CashReport.register == report.register_id) & (CashReport.seq > report.seq))
            .order_by(CashReport.seq).first())


def ensure_editable(report: CashReport, *, action: str = "") -> None:
    """Refuse changes to an exported (CASH-13) or closed (CASH-9) report, naming it."""
    if report.exported or report.gid is not None:
        raise Refused(_("Raport {nr} został wysłany do centrali – nie można zmieniać jego zapisów.").format(
            nr=report.number))
    if report.closed:
        raise Refused(_("Raport {nr} jest zamknięty – otwórz go, aby wprowadzić zmiany.").format(nr=report.number))


def _check_new_dates(register: CashRegister, opening: date, closing: date | None) -> None:
    """CASH-6: not before the last report's date; a new report starts after the last one ends."""
    if closing is not None and closing < opening:
        raise ValidationError({"closing_date": _("Data zamknięcia ({do}) nie może być wcześniejsza niż data "
                                                 "otwarcia ({od}).").format(do=closing, od=opening)})
    last = _last(register.id)
    if last is None:
        return
    if last.closing_date is None:
        raise Refused(_("Raport {nr} nie ma daty zamknięcia – uzupełnij ją przed założeniem kolejnego "
                        "raportu.").format(nr=last.number))
    last_date = last.closing_date
    if opening < last_date:
        raise ValidationError({"opening_date": _("Data raportu nie może być wcześniejsza niż data ostatniego raportu "
                                                 "({data}).").format(data=last_date)})
    if opening <= last_date:
        raise ValidationError({"opening_date": _("Okres raportu nakłada się na raport {nr} ({od} – {do}); raport może "
                                                 "zacząć się najwcześniej {dzien}.").format(
            nr=last.number, od=last.opening_date, do=last.closing_date, dzien=last_date + timedelta(days=1))})


def _create(register: CashRegister, opening: date, closing: date | None) -> CashReport:
    last = _last(register.id)
    number = numbering.next_number(REPORT_CLASS, opening, series=cash_series(REPORT_CLASS, register))
    balance = last.closing_balance if last is not None else ZERO
    with numbering.given_once(number.text):
        return CashReport.create(register=register.id, seq=(last.seq + 1) if last else 1, number=number.text,
                                 number_n=number.n, number_series=number.series, number_period=number.period,
                                 opening_date=opening, closing_date=closing, opening_balance=balance,
                                 closing_balance=balance)


@transaction
def create_report(register_id: int, opening_date: date, closing_date: date | None = None) -> CashReport:
    """A new report in a register (CASH-5, CASH-6)."""
    gates.ensure_may_issue("cash")
    register = lock_register(register_id)
    if register.technical:
        raise Refused(_("W rejestrze {s} nie można zakładać raportów – zapisy wprowadza tylko synchronizacja z "
                        "centralą.").format(s=register.symbol))
    if not register.active:
        raise Refused(_("Rejestr {s} jest nieaktywny – nie można w nim zakładać raportów.").format(s=register.symbol))
    _check_new_dates(register, opening_date, closing_date)
    return _create(register, opening_date, closing_date)


def _check_dates(report: CashReport, opening: date, closing: date | None) -> dict:
    errors = {}
    if closing is not None and closing < opening:
        errors["closing_date"] = _("Data zamknięcia ({do}) nie może być wcześniejsza niż data otwarcia ({od}).").format(
            do=closing, od=opening)
    previous = _last(report.register_id, before_seq=report.seq)
    if previous is not None and previous.closing_date is not None and opening <= previous.closing_date:
        errors["opening_date"] = _("Data raportu nie może być wcześniejsza niż data ostatniego raportu ({data}) – "
                                   "okres raportu {nr} kończy się {data}.").format(data=previous.closing_date,
                                                                                  nr=previous.number)
    following = _next(report)
    if following is not None and (closing is None or closing >= following.opening_date):
        errors["closing_date"] = _("Data zamknięcia musi być wcześniejsza niż data otwarcia raportu {nr} ({data}).").format(
            nr=following.number, data=following.opening_date)
    bounds = (CashEntry.select(CashEntry.entry_date).where(CashEntry.report == report.id))
    first = bounds.order_by(CashEntry.entry_date).first()
    last = bounds.order_by(CashEntry.entry_date.desc()).first()
    if first is not None and opening > first.entry_date:
        errors["opening_date"] = _("Raport ma zapisy z dnia {data} – data otwarcia nie może być późniejsza.").format(
            data=first.entry_date)
    if last is not None and (closing is None or closing < last.entry_date):
        errors["closing_date"] = _("Raport ma zapisy z dnia {data} – data zamknięcia nie może być wcześniejsza.").format(
            data=last.entry_date)
    return errors


@transaction
def save_report(register_id: int, report_id: int | None, version: int | None, *, opening_date: date,
                closing_date: date | None, closed: bool = False) -> CashReport:
    """The report card in one transaction: a new report, or new dates, then *Zamknięty* ticked or not."""
    if report_id is None:
        report = create_report(register_id, opening_date, closing_date)
        return set_closed(report.id, True) if closed else report
    lock_report(report_id)
    report = lock_current(CashReport, report_id, version)
    reopening = report.closed and not closed
    if reopening:
        report = set_closed(report.id, False)
    if (opening_date, closing_date) != (report.opening_date, report.closing_date):
        ensure_editable(report)
        errors = _check_dates(report, opening_date, closing_date)
        if errors:
            raise ValidationError(errors)
        CashReport.update({CashReport.opening_date: opening_date, CashReport.closing_date: closing_date,
                           **CashReport.stamp()}).where(CashReport.id == report.id).execute()
    if closed and not report.closed:
        return set_closed(report.id, True)
    return CashReport.get_by_id(report.id)


@transaction
def set_closed(report_id: int, closed: bool) -> CashReport:
    """Tick (CASH-9: closing date required) or untick (CASH-13: not once exported) *Zamknięty*."""
    report = lock_report(report_id)
    if report.closed == closed:
        return report
    if report.exported or report.gid is not None:
        raise Refused(_("Raport {nr} został wysłany do centrali – nie można go otworzyć.").format(nr=report.number))
    if closed and report.closing_date is None:
        raise Refused(_("Raport {nr} nie ma daty zamknięcia – uzupełnij ją przed zamknięciem raportu.").format(
            nr=report.number))
    CashReport.update({CashReport.closed: closed, **CashReport.stamp()}).where(CashReport.id == report.id).execute()
    return CashReport.get_by_id(report.id)


@transaction
def delete_report(report_id: int) -> None:
    """CASH-20: only the register's last report, open, without entries and never exported."""
    report = lock_report(report_id)
    last = _last(report.register_id)
    if report.exported or report.gid is not None:
        raise Refused(_("Raport {nr} został wysłany do centrali – nie można go usunąć.").format(nr=report.number))
    if last is not None and last.id != report.id:
        raise Refused(_("Można usunąć tylko ostatni raport rejestru ({nr}).").format(nr=last.number))
    if report.closed:
        raise Refused(_("Raport {nr} jest zamknięty – nie można go usunąć.").format(nr=report.number))
    if report.entry_count:
        raise Refused(_("Raport {nr} ma zapisy ({n}) – nie można go usunąć.").format(nr=report.number,
                                                                                     n=report.entry_count))
    CashReport.delete().where(CashReport.id == report.id).execute()


@transaction
def ensure_first_report(register_gid: int, on: date | None = None) -> CashReport:
    """With the register, the first sync opens its first report, without a closing date (CASH-4). A register
    that already has reports is left alone. Joins the caller's transaction (synchronisation)."""
    register = register_by_gid(register_gid)
    lock_register(register.id)
    last = _last(register.id)
    if last is not None:
        return (CashReport.select().where(CashReport.register == register.id).order_by(CashReport.seq).first())
    return _create(register, on or date.today(), None)


# --- export to HQ (CASH-9, 10, 11, 13) ------------------------------------------------------------------------

@dataclass
class ReportForExport:
    id: int
    guid: str
    register_symbol: str
    register_gid: int | None
    number: str
    opening_date: date
    closing_date: date
    opening_balance: Decimal
    receipts: Decimal
    payments: Decimal
    closing_balance: Decimal
    entries: list[dict] = field(default_factory=list)


@dataclass
class ExportSelection:
    reports: list[ReportForExport]
    skipped: list[tuple[str, str]]        # (report number, Polish reason) for the run report


def _entries_of(report_id: int) -> list[dict]:
    return [{"guid": e.guid, "kind": e.kind, "number": e.number, "date": e.entry_date, "amount": e.amount,
             "contractor_code": e.contractor_code, "contractor_guid": e.contractor.guid,
             "contractor_gid": e.contractor.gid, "document_guid": e.document_guid, "description": e.description}
            for e in CashEntry.select().where(CashEntry.report == report_id).order_by(CashEntry.entry_date, CashEntry.id)]


def reports_for_export() -> ExportSelection:
    """Reports the next OD carries: closed, no GID yet (an exported one goes again until confirmed), no open
    report before them in their register (CASH-9…11). The others are listed with the reason."""
    out, skipped = [], []
    for register in CashRegister.select().where(CashRegister.technical == False).order_by(CashRegister.symbol):  # noqa: E712
        blocker = None
        for r in CashReport.select().where((CashReport.register == register.id) & CashReport.gid.is_null()) \
                .order_by(CashReport.seq):
            if not r.closed:
                skipped.append((r.number, _("Raport {nr} jest otwarty – zamknij go, aby został wysłany do centrali.").format(
                    nr=r.number)))
                blocker = blocker or r
                continue
            if blocker is not None:
                skipped.append((r.number, _("Raport {nr} nie zostanie wysłany: wcześniejszy raport {wcz} jest "
                                            "otwarty.").format(nr=r.number, wcz=blocker.number)))
                continue
            out.append(ReportForExport(r.id, r.guid, register.symbol, register.gid, r.number, r.opening_date,
                                       r.closing_date, r.opening_balance, r.receipts, r.payments, r.closing_balance,
                                       _entries_of(r.id)))
    return ExportSelection(out, skipped)


@transaction
def mark_reports_exported(ids) -> int:
    """The OD with these reports was written (status E, CASH-13). Joins the caller's transaction."""
    ids = list(ids)
    if not ids:
        return 0
    return CashReport.update({CashReport.exported: True, **CashReport.stamp()}) \
        .where(CashReport.id.in_(ids) & (CashReport.closed == True)).execute()  # noqa: E712


@transaction
def confirm_report(guid: str, gid: int) -> CashReport:
    """HQ accepted the report and gave it a GID (CASH-11): it is never sent again."""
    report = CashReport.get_or_none(CashReport.guid == guid)
    if report is None:
        raise NotFound(_("Brak raportu kasowego o identyfikatorze {guid}.").format(guid=guid))
    CashReport.update({CashReport.gid: int(gid), CashReport.confirmed: True, CashReport.exported: True,
                       **CashReport.stamp()}).where(CashReport.id == report.id).execute()
    return CashReport.get_by_id(report.id)


def report_summary(report: CashReport) -> str:
    return _("{nr}: otwarcie {od} {bo}, przychody {kp}, rozchody {kw}, zamknięcie {bz}").format(
        nr=report.number, od=report.opening_date, bo=money(report.opening_balance), kp=money(report.receipts),
        kw=money(report.payments), bz=money(report.closing_balance))
