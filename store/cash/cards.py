"""What the cash cards load and save: values as the widgets hold them (text, bool, choice), parsed here.

    register_form(register_id | None, copy_from=None) / save_register_form(register_id, version, values)
    report_form(register_id, report_id | None)          / save_report_form(register_id, report_id, version, values)
    entry_form(report_id, entry_id | None)               / save_entry_form(report_id, entry_id, version, values)

Dates are typed RRRR-MM-DD, amounts with a comma or a dot ("1 234,56"), the contractor by its code.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from store.cash.entries import EntryDraft, save_entry
from store.cash.models import CashEntry, CashRegister, CashReport
from store.cash.registers import edit_refusal, save_register
from store.cash.reports import save_report
from store.errors import NotFound, ValidationError
from store.i18n import _
from store.parties.models import Contractor

REGISTER_KINDS = [("kasa", "cash"), ("rachunek bankowy", "bank")]
ENTRY_KINDS = [("KP – wpłata", "KP"), ("KW – wypłata", "KW")]


def register_kind_choices() -> list[tuple[str, str]]:
    return [(_(label), value) for label, value in REGISTER_KINDS]


def entry_kind_choices() -> list[tuple[str, str]]:
    return [(_(label), value) for label, value in ENTRY_KINDS]


def parse_date(text, field: str, *, required: bool = True) -> date | None:
    text = str(text or "").strip()
    if not text:
        if required:
            raise ValidationError({field: _("Podaj datę (RRRR-MM-DD).")})
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError({field: _("Data „{t}”: wpisz ją w postaci RRRR-MM-DD.").format(t=text)}) from None


def parse_amount(text, field: str = "amount"):
    raw = str(text or "").strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not raw:
        raise ValidationError({field: _("Podaj kwotę.")})
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValidationError({field: _("Kwota „{k}” nie jest liczbą.").format(k=text)}) from None


def _amount_text(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


# --- registers ---------------------------------------------------------------------------------------------

def register_form(register_id: int | None, copy_from: int | None = None) -> dict:
    source = CashRegister.get_or_none(CashRegister.id == (register_id or copy_from or 0))
    if source is None:
        return {"symbol": "", "name": "", "kind": "cash", "active": True, "version": None}
    return {"symbol": source.symbol if register_id else "", "name": source.name, "kind": source.kind,
            "active": source.active, "version": source.version if register_id else None}


def save_register_form(register_id: int | None, version: int | None, values: dict) -> int:
    return save_register(register_id, version, symbol=values.get("symbol", ""), name=values.get("name", ""),
                         kind=values.get("kind") or "cash", active=bool(values.get("active"))).id


def register_lock_reason() -> str | None:
    return edit_refusal()


# --- reports -----------------------------------------------------------------------------------------------

def report_title(register_id: int | None, report_id: int | None) -> str:
    reg = CashRegister.get_or_none(CashRegister.id == (register_id or 0))
    symbol = reg.symbol if reg else "—"
    if report_id is None:
        return _("Raport kasowy – nowy (rejestr {s})").format(s=symbol)
    r = CashReport.get_by_id(report_id)
    return _("Raport kasowy {nr} (rejestr {s})").format(nr=r.number, s=symbol)


def report_form(register_id: int | None, report_id: int | None) -> dict:
    if report_id is not None:
        r = CashReport.get_or_none(CashReport.id == report_id)
        if r is None:
            raise NotFound(_("Raport kasowy nie istnieje (mógł zostać usunięty)."))
        return {"opening_date": r.opening_date.isoformat(),
                "closing_date": r.closing_date.isoformat() if r.closing_date else "",
                "closed": r.closed, "version": r.version}
    last = (CashReport.select().where(CashReport.register == (register_id or 0))
            .order_by(CashReport.seq.desc()).first())
    today = date.today()
    proposed = today if last is None or last.closing_date is None or last.closing_date < today else None
    text = proposed.isoformat() if proposed else ""
    return {"opening_date": text, "closing_date": text, "closed": False, "version": None}


def save_report_form(register_id: int | None, report_id: int | None, version: int | None, values: dict) -> int:
    if register_id is None:
        raise NotFound(_("Nie ma rejestru kasowego – centrala przesyła go przy pierwszej synchronizacji."))
    errors = {}
    opening = closing = None
    try:
        opening = parse_date(values.get("opening_date"), "opening_date")
    except ValidationError as exc:
        errors.update(exc.errors)
    try:
        closing = parse_date(values.get("closing_date"), "closing_date", required=False)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return save_report(register_id, report_id, version, opening_date=opening, closing_date=closing,
                       closed=bool(values.get("closed"))).id


# --- entries -----------------------------------------------------------------------------------------------

def entry_title(report_id: int | None, entry_id: int | None) -> str:
    r = CashReport.get_or_none(CashReport.id == (report_id or 0))
    period = f"{r.number} ({r.opening_date} – {r.closing_date or '…'})" if r else "—"
    if entry_id is None:
        return _("Zapis kasowy – nowy, raport {r}").format(r=period)
    e = CashEntry.get_by_id(entry_id)
    return _("Zapis kasowy {nr}, raport {r}").format(nr=e.number, r=period)


def entries_title(report_id: int) -> str:
    r = CashReport.get_by_id(report_id)
    return _("Zapisy kasowe – raport {nr} ({od} – {do}), rejestr {s}").format(
        nr=r.number, od=r.opening_date, do=r.closing_date or "…", s=r.register.symbol)


def last_report_id(register_id: int | None) -> int | None:
    row = (CashReport.select(CashReport.id).where(CashReport.register == (register_id or 0))
           .order_by(CashReport.seq.desc()).first())
    return row.id if row else None


def report_of_entry(entry_id: int) -> int:
    return CashEntry.get_by_id(entry_id).report_id


def entry_form(report_id: int | None, entry_id: int | None) -> dict:
    if entry_id is not None:
        e = CashEntry.get_or_none(CashEntry.id == entry_id)
        if e is None:
            raise NotFound(_("Zapis kasowy nie istnieje (mógł zostać usunięty)."))
        return {"kind": e.kind, "entry_date": e.entry_date.isoformat(), "contractor": e.contractor_code,
                "amount": _amount_text(e.amount), "description": e.description, "version": e.version}
    r = CashReport.get_or_none(CashReport.id == (report_id or 0))
    today = date.today()
    if r is not None and not (r.opening_date <= today <= (r.closing_date or today)):
        today = r.opening_date
    return {"kind": "KP", "entry_date": today.isoformat(), "contractor": "", "amount": "", "description": "",
            "version": None}


def entry_locks(entry_id: int | None) -> dict[str, str]:
    """Fields of an entry card that cannot change, and why."""
    if entry_id is None:
        return {}
    e = CashEntry.get_by_id(entry_id)
    locks = {"kind": _("Rodzaju zapisu nie można zmienić – usuń zapis i wprowadź go ponownie.")}
    if e.origin != "user":
        reason = _("Zapis powstał z dokumentu {dok} – zmień lub anuluj dokument.").format(dok=e.document_number)
        locks.update({"entry_date": reason, "contractor": reason, "amount": reason})
    return locks


def save_entry_form(report_id: int | None, entry_id: int | None, version: int | None, values: dict) -> int:
    if report_id is None:
        raise NotFound(_("Rejestr nie ma jeszcze raportu kasowego – najpierw otwórz raport."))
    errors, day, amount, contractor_id = {}, None, None, None
    try:
        day = parse_date(values.get("entry_date"), "entry_date")
    except ValidationError as exc:
        errors.update(exc.errors)
    try:
        amount = parse_amount(values.get("amount"))
    except ValidationError as exc:
        errors.update(exc.errors)
    code = str(values.get("contractor") or "").strip()
    if not code:
        errors["contractor"] = _("Wskaż kontrahenta zapisu kasowego.")
    else:
        c = Contractor.get_or_none(Contractor.code == code) or Contractor.get_or_none(Contractor.code == code.upper())
        if c is None:
            errors["contractor"] = _("Nie ma kontrahenta o kodzie „{k}”.").format(k=code)
        else:
            contractor_id = c.id
    if errors:
        raise ValidationError(errors)
    draft = EntryDraft(report_id, values.get("kind") or "KP", day, contractor_id, amount,
                       str(values.get("description") or ""))
    return save_entry(draft, entry_id, version).id
