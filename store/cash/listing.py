"""The cash lists on the list engine (keyset pages; nothing summed on read: every figure is a kept column).

    register_list()                      visible registers (CASH-15: !ROZLICZENIA! is not listed)
    report_list(register_id)             the register's reports in date order; open-report amounts per
                                         the SETUP-13 option (CASH-16)
    entry_list(report_id=…|register_id=…) KP/KW with the running balance of the register after each entry
    payment_list()                       the Preliminarz (SETT-1: document-driven, view only)
"""
from __future__ import annotations

from decimal import Decimal

import peewee

from store.cash import options
from store.cash.models import CashDay, CashEntry, CashRegister, CashReport, Payment
from store.i18n import _
from store.paging import ListColumn, ListQuery, ListSpec
from store.parties.models import Contractor

STATE_LABELS = {"open": "otwarty", "closed": "zamknięty", "exported": "E", "confirmed": "E"}
KIND_LABELS = {"cash": "kasa", "bank": "rachunek bankowy"}
PAYMENT_STATUS_LABELS = {"open": "nierozliczona", "settled": "rozliczona", "not_subject": "nie podlega"}
PAYMENT_DIRECTION_LABELS = {"receivable": "należność", "payable": "zobowiązanie"}


def to_money(value) -> Decimal | None:
    """A list value of an amount: a Money column arrives as Decimal, a computed one as integer grosze."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    return Decimal(int(value)).scaleb(-2)


def money_text(value) -> str:
    amount = to_money(value)
    return "" if amount is None else f"{amount:,.2f}".replace(",", " ").replace(".", ",")


def _date_text(value) -> str:
    return "" if value is None else str(value)


def _label(table: dict):
    return lambda v: _(table.get(v, "")) if v in table else ("" if v is None else str(v))


def register_list() -> ListSpec:
    return ListSpec(
        model=CashRegister,
        columns=[ListColumn("symbol", _("Symbol"), 20, sortable=True),
                 ListColumn("name", _("Nazwa"), 36, sortable=True),
                 ListColumn("kind", _("Rodzaj"), 16, format=_label(KIND_LABELS)),
                 ListColumn("active", _("Aktywny"), 8, format=lambda v: _("Tak") if v else _("Nie")),
                 ListColumn("balance", _("Saldo"), 16, align="right", format=money_text)],
        search=("symbol", "name"),
        base_where=lambda: CashRegister.hidden == False,  # noqa: E712
    )


def _report_state():
    return peewee.Case(None, [(CashReport.gid.is_null(False) & (CashReport.confirmed == True), "confirmed"),  # noqa: E712
                              (CashReport.exported == True, "exported"),  # noqa: E712
                              (CashReport.closed == True, "closed")], "open")  # noqa: E712


def report_list(register_id: int) -> ListSpec:
    def amount(field):
        if options.option("open_report_amounts"):
            return None          # the plain column (CASH-16: shown for open reports too)
        return peewee.Case(None, [(CashReport.closed == False, None)], field)  # noqa: E712

    return ListSpec(
        model=CashReport,
        columns=[ListColumn("opening_date", _("Data otwarcia"), 12, sortable=True, text=False, format=_date_text),
                 ListColumn("number", _("Numer"), 22, sortable=True),
                 ListColumn("closing_date", _("Data zamknięcia"), 12, format=_date_text),
                 ListColumn("state", _("Stan"), 10, expr=_report_state(), format=_label(STATE_LABELS)),
                 ListColumn("gid", _("GID"), 8, format=lambda v: "" if v is None else str(v)),
                 ListColumn("opening_balance", _("Otwarcie"), 14, align="right", format=money_text,
                            expr=amount(CashReport.opening_balance)),
                 ListColumn("receipts", _("Przychody"), 14, align="right", format=money_text),
                 ListColumn("payments", _("Rozchody"), 14, align="right", format=money_text),
                 ListColumn("closing_balance", _("Zamknięcie"), 14, align="right", format=money_text,
                            expr=amount(CashReport.closing_balance))],
        search=("number",),
        base_where=lambda: CashReport.register == register_id,
        filters={"open": lambda: CashReport.closed == False},  # noqa: E712
    )


def _running_balance():
    return CashDay.balance - CashDay.net + CashEntry.day_running


def entry_list(*, report_id: int | None = None, register_id: int | None = None) -> ListSpec:
    """Entries of one report, or of a whole register, in (date, id) order with the running balance."""
    if report_id is not None:
        where = lambda: CashEntry.report == report_id  # noqa: E731
    else:
        where = lambda: CashEntry.register == register_id  # noqa: E731
    columns = [ListColumn("entry_date", _("Data"), 11, sortable=True, text=False, format=_date_text),
               ListColumn("number", _("Numer"), 20, sortable=report_id is not None),
               ListColumn("contractor_code", _("Kontrahent"), 16),
               ListColumn("receipt", _("Przychód"), 13, align="right", format=money_text,
                          expr=peewee.Case(None, [(CashEntry.kind == "KP", CashEntry.amount)], None)),
               ListColumn("payment", _("Rozchód"), 13, align="right", format=money_text,
                          expr=peewee.Case(None, [(CashEntry.kind == "KW", CashEntry.amount)], None)),
               ListColumn("running", _("Saldo"), 14, align="right", format=money_text, expr=_running_balance()),
               ListColumn("document_number", _("Dokument"), 18),
               ListColumn("description", _("Opis"), 30)]
    return ListSpec(
        model=CashEntry, columns=columns, search=("number", "contractor_code", "description", "document_number"),
        base_where=where,
        joins=lambda q: q.join(CashDay, on=((CashDay.register == CashEntry.register)
                                            & (CashDay.day == CashEntry.entry_date))),
    )


def payment_list() -> ListSpec:
    return ListSpec(
        model=Payment,
        columns=[ListColumn("due_date", _("Termin"), 11, sortable=True, text=False, format=_date_text),
                 ListColumn("document_number", _("Dokument"), 20),
                 ListColumn("contractor", _("Kontrahent"), 16, expr=Contractor.code),
                 ListColumn("kind", _("Kierunek"), 11,
                            expr=peewee.Case(None, [(Payment.sign == 1, "receivable")], "payable"),
                            format=_label(PAYMENT_DIRECTION_LABELS)),
                 ListColumn("amount", _("Kwota"), 13, align="right", format=money_text),
                 ListColumn("open_amount", _("Pozostaje"), 13, align="right", format=money_text),
                 ListColumn("status", _("Stan"), 14, format=_label(PAYMENT_STATUS_LABELS)),
                 ListColumn("form_name", _("Forma płatności"), 16),
                 ListColumn("expected_date", _("Spodziewana"), 11, format=_date_text)],
        search=("document_number", "form_name"),
        joins=lambda q: q.join(Contractor, on=(Payment.contractor == Contractor.id)),
        filters={"open": lambda: Payment.status == "open"},
    )


def rows_of(spec: ListSpec) -> list[dict]:
    """Every row as the list shows it, by column name (amounts as Decimal, blank as None): for tests and
    exports that want values rather than text."""
    names = [c.name for c in spec.columns]
    money_columns = {c.name for c in spec.columns if c.format is money_text}
    out = []
    for row in ListQuery(spec).iter_all():
        values = dict(zip(names, row[1:1 + len(names)]))
        out.append({k: (to_money(v) if k in money_columns else v) for k, v in values.items()} | {"id": row[0]})
    return out


def report_rows(register_id: int) -> list[dict]:
    return rows_of(report_list(register_id))


def entry_rows(*, report_id: int | None = None, register_id: int | None = None) -> list[dict]:
    return rows_of(entry_list(report_id=report_id, register_id=register_id))
