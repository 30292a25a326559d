"""What a form sends (DocumentDraft) and what it loads (DocumentView).

A draft carries only changes: header `fields` that changed, lines added (id None) or changed (id and the
version the form loaded), lines removed (id, version), and the payments tab when it changed (None = unchanged).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from store.errors import NotFound
from store.i18n import _
from store.prepared import as_model, prepared, run
from store.trade.documents import Document
from store.trade.models import DocumentLine, DocumentLink, DocumentPayment, DocumentVat

# Header fields a draft may change.
FIELDS = ("issue_date", "operation_date", "contractor_id", "warehouse_id", "series", "from_gross", "currency",
          "exchange_rate", "description", "fiscalised", "trade_at_hq")


@dataclass
class LineDraft:
    goods_id: int | None = None
    quantity: Decimal | None = None
    price: Decimal | None = None            # per unit, net or gross per the document, document currency
    id: int | None = None                   # None: a new line
    version: int | None = None              # the version the form loaded (changed lines)
    description: str | None = None          # DOC-13: only where the goods card lets it be edited


@dataclass
class PaymentDraft:
    form_id: int
    amount: Decimal | None = None           # None: what is left of the gross
    due_date: date | None = None            # None: the payment terms at approval (CTF-45/46)


@dataclass
class DocumentDraft:
    kind: str
    id: int | None = None
    fields: dict = field(default_factory=dict)
    lines: list[LineDraft] = field(default_factory=list)
    payments: list[PaymentDraft] | None = None
    removed: list[tuple[int, int]] = field(default_factory=list)   # (line id, version)


@dataclass
class DocumentView:
    id: int
    kind: str
    number: str
    state: str
    version: int
    guid: str
    header: dict
    lines: list[dict]
    vat: list[dict]
    payments: list[dict]
    links: list[tuple[str, int]]            # (relation, document id), both directions

    @property
    def gross(self) -> Decimal:
        return self.header["gross"]


def _rows(key: str, model, build, params) -> list:
    return [as_model(model, row) for row in run(prepared(key, build), params)]


def load_document(document_id: int) -> DocumentView:
    """The document as a form shows it (prepared statements)."""
    found = _rows("trade.load.document", Document, lambda: Document.select().where(Document.id == 0), [document_id])
    if not found:
        raise NotFound(_("Dokument nie istnieje (mógł zostać usunięty)."))
    d = found[0]
    lines = _rows("trade.load.lines", DocumentLine, lambda: DocumentLine.select().where(
        DocumentLine.document == 0).order_by(DocumentLine.position, DocumentLine.id), [d.id])
    payments = _rows("trade.load.payments", DocumentPayment, lambda: DocumentPayment.select().where(
        DocumentPayment.document == 0).order_by(DocumentPayment.position), [d.id])
    return view_of(d, lines, read_vat(d.id), payments, read_links(d.id))


def read_vat(document_id: int) -> list:
    return _rows("trade.load.vat", DocumentVat, lambda: DocumentVat.select().where(
        DocumentVat.document == 0).order_by(DocumentVat.id), [document_id])


def read_links(document_id: int) -> list:
    """The document's links both ways, in id order."""
    return _rows("trade.load.links", DocumentLink, lambda: DocumentLink.select().where(
        (DocumentLink.document == 0) | (DocumentLink.linked == 0)).order_by(DocumentLink.id),
        [document_id, document_id])


def view_of(d: Document, lines: list, vat: list, payments: list, links: list) -> DocumentView:
    """The view of a document from its rows as read (models): lines in (position, id) order, VAT rows in id
    order, payments in position order, links both ways in id order."""
    header = {k: v for k, v in d.__data__.items() if k != "contractor"}
    header["contractor_id"] = d.contractor_id
    header["warehouse_id"] = d.stock_warehouse
    rows = []
    for ln in lines:
        row = dict(ln.__data__)
        row["goods_id"] = row.pop("goods")
        rows.append(row)
    out = [(lk.relation, lk.linked_id) for lk in links if lk.document_id == d.id]
    out += [(lk.relation + "_of", lk.document_id) for lk in links if lk.document_id != d.id]
    return DocumentView(d.id, d.kind, d.number, d.state, d.version, d.guid, header, rows,
                        [dict(r.__data__) for r in vat], [dict(r.__data__) for r in payments], out)
