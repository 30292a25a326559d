"""Contractor history (CHI): the documents of a contractor and its merged duplicates, with totals in PLN."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from store.i18n import _
from store.parties.cards import get_contractor
from store.parties.models import Contractor

CENT = Decimal("0.01")


def _pln(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)  # CHI-7: at the rate on the document


def contractor_history(contractor_id: int, *, state: str = "all", kinds: list[str] | None = None,
                       date_from: date | None = None, date_to: date | None = None,
                       operation_from: date | None = None, operation_to: date | None = None,
                       operator: str | None = None, warehouse: str | None = None) -> dict:
    """CHI-1..CHI-7. state: 'all' | 'buffer' | 'approved' (CHI-3). Dates None = that date does not filter.
    operator = the one who issued the document. Returns {'rows': [...], 'totals': {...}}; each row has
    'contractor_code' so merged cards can be told apart (MRG-18)."""
    from store.trade.documents import Document

    if state not in ("all", "buffer", "approved"):
        raise ValueError(state)
    c = get_contractor(contractor_id)
    ids = [c.id] + [d.id for d in Contractor.select(Contractor.id).where(Contractor.main == c.id)]  # MRG-17
    q = Document.select().where(Document.contractor.in_(ids))
    q = q.where(Document.state == state) if state != "all" else q.where(Document.state != "cancelled")
    if kinds:
        q = q.where(Document.kind.in_(list(kinds)))
    if date_from:
        q = q.where(Document.issue_date >= date_from)
    if date_to:
        q = q.where(Document.issue_date <= date_to)
    if operation_from:
        q = q.where(Document.operation_date >= operation_from)
    if operation_to:
        q = q.where(Document.operation_date <= operation_to)
    if operator:
        q = q.where(Document.operator == operator)
    if warehouse:
        q = q.where(Document.warehouse == warehouse)
    codes = {cid: code for cid, code in Contractor.select(Contractor.id, Contractor.code)
             .where(Contractor.id.in_(ids)).tuples()}
    rows, totals = [], {"net": Decimal("0.00"), "vat": Decimal("0.00"), "gross": Decimal("0.00")}
    for d in q.order_by(Document.issue_date, Document.id):  # CHI-4 [Zbiorczo]: chronological
        rate = d.exchange_rate or Decimal(1)
        row = {"id": d.id, "kind": d.kind, "number": d.number, "issue_date": d.issue_date,
               "operation_date": d.operation_date, "state": d.state,
               "contractor_code": codes.get(d.contractor_id, d.contractor_code),
               "currency": d.currency, "gross_currency": d.gross,
               "net": _pln(d.net, rate), "vat": _pln(d.vat, rate), "gross": _pln(d.gross, rate)}
        for k in totals:
            totals[k] += row[k]
        rows.append(row)
    return {"rows": rows, "totals": totals, "count": len(rows), "title": _("Historia kontrahenta {code}").format(
        code=c.code)}
