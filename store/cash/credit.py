"""Credit and overdue limits at buffer save and at approval (CTF-43, OPER-7, SETT-16, CONF-10).

Branch: the limit is HQ's and read-only; the debt is HQ's global figure (`Contractor.credit_used`, updated by
every sync) plus what this branch has outstanding that HQ has not confirmed yet; going over it only warns
(OPER-7: *Sprzedaż z przekroczonym limitem kredytu* is always on in a branch).
HQ and standalone: the debt is the contractor's outstanding receivables here; the credit limit and the limit
of overdue payments warn, or block an operator without *may_exceed_credit*.

    check = credit_check(contractor_id, gross, on=issue_date, operator=login)
    if check and check.blocking: refuse with check.message
    elif check and not confirmed: ask check.message (a ConfirmationNeeded carries it to the form)
    elif check: record_credit_override(check, document_guid=guid)   # who went past which figures, when
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import peewee

from store.cash.ledger import money
from store.cash.models import CreditOverride, Payment
from store.config import Operator, get_setting
from store.errors import Refused
from store.i18n import _
from store.parties.models import UNSPECIFIED_CODE, Contractor
from store.prepared import prepared, run


@dataclass(frozen=True)
class CreditCheck:
    kind: str              # credit | overdue
    contractor_id: int
    limit: Decimal
    debt: Decimal          # counted against the limit, the document included
    amount: Decimal        # the document's value
    blocking: bool         # the operator may not go past it
    message: str           # Polish, ends with a question when the user may go on
    operator: str = ""


def _outstanding(contractor_id: int, *, unconfirmed_only: bool = False, overdue_on: date | None = None) -> Decimal:
    """Open receivables of the contractor in this database (not-subject rows never count, CTF-50)."""
    q = (Payment.select(peewee.fn.COALESCE(peewee.fn.SUM(Payment.open_amount), 0))
         .where((Payment.contractor == contractor_id) & (Payment.sign == 1) & (Payment.status == "open")))
    if unconfirmed_only:
        q = q.where(Payment.confirmed == False)  # noqa: E712
    if overdue_on is not None:
        q = q.where(Payment.expected_date < overdue_on)
    return Decimal(int(q.scalar() or 0)).scaleb(-2)


def may_exceed_credit(login: str) -> bool:
    sql = prepared("cash.operator.may_exceed", lambda: Operator.select(Operator.may_exceed_credit, Operator.is_admin)
                   .where(Operator.login == "").limit(1))
    row = run(sql, [(login or "").strip().upper(), 1]).fetchone()
    return bool(row and (row[0] or row[1]))


def _credit_message(limit: Decimal, debt: Decimal, blocking: bool) -> str:
    if blocking:
        return _("Przekroczono limit kredytu kontrahenta ({limit}); zadłużenie po zapisie: {dług}. Nie masz uprawnienia "
                 "do sprzedaży z przekroczonym limitem.").format(limit=money(limit), dług=money(debt))
    return _("Przekroczono limit kredytu kontrahenta ({limit}); zadłużenie po zapisie: {dług}. Kontynuować?").format(
        limit=money(limit), dług=money(debt))


def credit_check(contractor_id: int, amount: Decimal, *, on: date, operator: str, role: str | None = None,
                 contractor: Contractor | None = None) -> CreditCheck | None:
    """The first limit the document goes past, or None. Reads only; the caller decides (see the module). The
    approval passes what it has read in its transaction already: the role and the contractor. The operator's
    right is read only when a limit is gone past."""
    c = contractor if contractor is not None and contractor.id == contractor_id else \
        Contractor.get_or_none(Contractor.id == contractor_id)
    if c is None or c.code == UNSPECIFIED_CODE:
        return None
    amount = Decimal(amount)
    if (get_setting("role") if role is None else role) == "branch":
        if not c.credit_limit_on:
            return None
        debt = c.credit_used + _outstanding(c.id, unconfirmed_only=True) + amount
        if debt > c.credit_limit:
            return CreditCheck("credit", c.id, c.credit_limit, debt, amount, False,
                               _credit_message(c.credit_limit, debt, False), operator)
        return None
    if c.credit_limit_on:
        debt = _outstanding(c.id) + amount
        if debt > c.credit_limit:
            blocking = not may_exceed_credit(operator)
            return CreditCheck("credit", c.id, c.credit_limit, debt, amount, blocking,
                               _credit_message(c.credit_limit, debt, blocking), operator)
    if c.overdue_limit_on:
        overdue = _outstanding(c.id, overdue_on=on)
        if overdue > c.overdue_limit:
            blocking = not may_exceed_credit(operator)
            text = _("Przeterminowane płatności kontrahenta ({kwota}) przekraczają limit {limit}.").format(
                kwota=money(overdue), limit=money(c.overdue_limit))
            text += " " + (_("Nie masz uprawnienia do sprzedaży z przekroczonym limitem.") if blocking
                           else _("Kontynuować?"))
            return CreditCheck("overdue", c.id, c.overdue_limit, overdue, amount, blocking, text, operator)
    return None


def record_credit_override(check: CreditCheck, *, document_guid: str = "") -> CreditOverride:
    """The operator confirmed going past a limit: kept with who, when and the figures. Joins the caller's
    transaction (buffer save or approval). A blocking check cannot be gone past."""
    if check.blocking:
        raise Refused(check.message)
    return CreditOverride.create(operator=check.operator or "", contractor=check.contractor_id, kind=check.kind,
                                 limit=check.limit, debt=check.debt, amount=check.amount, document_guid=document_guid)

