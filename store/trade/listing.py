"""Document lists per kind on the list engine (issue 14 §5), and what the editor shows before a save.

    document_list(kind)          number, date, contractor, net, gross, Status (E, OL, XL, do anulowania…)
    totals(ids)                  (net, VAT, gross) of the marked documents
    row_tone(state)              "buffer" | "cancel_req" (blue) | "cancel_hq" (red) | "cancelled" | ""
    line_quote(...)              a new line as the form shows it: goods, price (price_for), VAT rate, available
    summary(lines, from_gross)   the per-rate VAT table of the lines on the form (store.trade.vat)
"""
from __future__ import annotations

import operator
from functools import reduce

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import peewee

from store.i18n import _
from store.paging import ListColumn, ListSpec
from store.trade.documents import (APPROVED, BUFFER, CANCEL_REQUESTED, CANCELLED, CANCELLED_BY_HQ, CONFIRMED,
                                   EXPORTED, REALISED, Document)
from store.trade.vat import VatLine, compute

CENT = Decimal("0.01")
STATUS = {BUFFER: "Bufor", APPROVED: "Zatwierdzony", EXPORTED: "E", CONFIRMED: "E", REALISED: "XL",
          CANCEL_REQUESTED: "do anulowania", CANCELLED: "Anulowany", CANCELLED_BY_HQ: "Anul. w centrali"}
# The kinds a list shows: an FS is on the FA list.
LIST_KINDS = {"FA": ("FA", "FS")}


def money_text(value) -> str:
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}".replace(",", " ").replace(".", ",")


def status_text(state) -> str:
    return _(STATUS[state]) if state in STATUS else ("" if state is None else str(state))


def _ol(value) -> str:
    return "OL" if value else ""


def row_tone(state: str) -> str:
    """The colour class of a row on the list (buffer, do anulowania blue, cancelled by HQ red, cancelled)."""
    return state if state in (BUFFER, CANCEL_REQUESTED, CANCELLED_BY_HQ, CANCELLED) else ""


def document_list(kind: str) -> ListSpec:
    kinds = LIST_KINDS.get(kind, (kind,))
    return ListSpec(
        model=Document,
        columns=[
            ListColumn("issue_date", _("Data"), 10, sortable=True, text=False, priority=8, format=str),
            ListColumn("number", _("Numer"), 22, sortable=True, priority=9),
            ListColumn("contractor_code", _("Kontrahent"), 14, sortable=True, priority=7),
            ListColumn("contractor_name", _("Nazwa"), 24, priority=2),
            ListColumn("net", _("Netto"), 12, align="right", format=money_text, priority=5),
            ListColumn("gross", _("Brutto"), 12, align="right", format=money_text, priority=6),
            ListColumn("state", _("Status"), 16, format=status_text, priority=8, export=status_text),
            ListColumn("from_remote", _("OL"), 2, format=_ol, priority=1, export=_ol),
            ListColumn("warehouse", _("Magazyn"), 8, expr=Document.stock_warehouse, priority=0,
                       format=lambda v: "" if v is None else str(v)),
            ListColumn("series", _("Seria"), 8, priority=1),
        ],
        search=("number", "contractor_code", "contractor_name"),
        base_where=lambda: Document.kind.in_(kinds),
        filters={
            "buffer": lambda: Document.state == BUFFER,
            "approved": lambda: Document.state.in_((APPROVED, EXPORTED, CONFIRMED, REALISED)),
            "not_sent": lambda: Document.state == APPROVED,
            "cancelled": lambda: Document.state.in_((CANCELLED, CANCELLED_BY_HQ, CANCEL_REQUESTED)),
        },
    )


def where_for(*, date_from: date | None = None, date_to: date | None = None, contractor_code: str = "",
              warehouse_id: int | None = None, series: str = ""):
    """The list's extra filter (date range, contractor, warehouse, series) as one opaque expression."""
    conds = []
    if date_from is not None:
        conds.append(Document.issue_date >= date_from)
    if date_to is not None:
        conds.append(Document.issue_date <= date_to)
    if contractor_code:
        conds.append(Document.contractor_code == contractor_code)
    if warehouse_id is not None:
        conds.append(Document.stock_warehouse == warehouse_id)
    if series:
        conds.append(Document.series == series)
    return reduce(operator.and_, conds) if conds else None


def states_of(ids) -> dict[int, str]:
    ids = list(ids)
    if not ids:
        return {}
    return dict(Document.select(Document.id, Document.state).where(Document.id.in_(ids)).tuples())


def totals(ids) -> tuple[Decimal, Decimal, Decimal]:
    """(net, VAT, gross) summed over the documents (marked rows of a list); cancelled ones count too."""
    ids = list(ids)
    if not ids:
        return Decimal(0), Decimal(0), Decimal(0)
    net = vat = gross = Decimal(0)
    for i in range(0, len(ids), 500):
        row = (Document.select(peewee.fn.SUM(Document.net), peewee.fn.SUM(Document.vat), peewee.fn.SUM(Document.gross))
               .where(Document.id.in_(ids[i:i + 500])).tuples().first())
        net += Decimal(int(row[0] or 0))          # money columns hold grosze (store.fields.FixedDecimalField)
        vat += Decimal(int(row[1] or 0))
        gross += Decimal(int(row[2] or 0))
    return net.scaleb(-2), vat.scaleb(-2), gross.scaleb(-2)


# --- what the editor shows before saving ------------------------------------------------------------------

@dataclass(frozen=True)
class LineQuote:
    goods_id: int
    code: str
    name: str
    unit: str
    rate_code: str
    rate: Decimal
    price: Decimal
    available: Decimal | None     # on hand - held in the warehouse (None: not stock-tracked)


def line_quote(kind: str, goods_id: int, *, contractor_id: int | None, warehouse_id: int | None,
               on: date, quantity: Decimal = Decimal(1), from_gross: bool = False) -> LineQuote:
    """The line a goods pick adds, as save_buffer will price it (price_for for sales, last purchase price for
    purchases and RW) with the availability in the document's warehouse."""
    from store.catalog.models import Goods
    from store.config import VatRate
    from store.trade import rules
    from store.warehouse import available

    g = Goods.get_by_id(goods_id)
    purchase = kind in rules.PURCHASE_KINDS
    rate = VatRate.get_by_id((g.purchase_vat_rate_id or g.vat_rate_id) if purchase else g.vat_rate_id)
    if purchase or kind == "RW":
        price = Decimal(g.last_purchase_price or 0)
    else:
        from store.catalog.quote import price_for

        q = price_for(contractor_id, g.id, on, quantity, warehouse_id=warehouse_id)
        price = q.gross if from_gross else q.net
    avail = None
    if g.track_stock and not g.is_service and warehouse_id is not None:
        avail = available(g.id, warehouse_id)
    return LineQuote(g.id, g.code, g.name, g.unit or "", rate.code, Decimal(rate.rate), Decimal(price), avail)


def line_value(quantity: Decimal, price: Decimal) -> Decimal:
    return (Decimal(quantity) * Decimal(price)).quantize(CENT, ROUND_HALF_UP)


def summary(lines, *, from_gross: bool) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """[(rate code, net, VAT, gross)] of lines given as dicts with rate_code, rate, quantity, price."""
    result = compute([VatLine(i, ln["rate_code"], Decimal(ln["rate"]), line_value(ln["quantity"], ln["price"]))
                      for i, ln in enumerate(lines)], from_gross=from_gross)
    return [(r.rate_code, r.net, r.vat, r.gross) for r in result.rates]


def availability(goods_id: int, warehouse_id: int | None) -> Decimal | None:
    """On hand minus held in the warehouse (SETUP-15 per line); None for services and untracked goods."""
    from store.catalog.models import Goods
    from store.warehouse import available

    g = Goods.get_or_none(Goods.id == goods_id)
    if g is None or not g.track_stock or g.is_service or warehouse_id is None:
        return None
    return available(goods_id, warehouse_id)


def prices_editable() -> bool:
    """DICT-8: a branch takes HQ's prices (line price locked until the permissions issue); HQ/standalone edit."""
    from store.trade import options

    return options.read()["role"] != "branch"


def payment_form_name(form_id: int | None) -> str:
    from store.catalog.dictionaries import PaymentForm

    f = PaymentForm.get_or_none(PaymentForm.id == form_id) if form_id else None
    return f.name if f else ""


def payment_form_id(name: str) -> int | None:
    from store.catalog.dictionaries import PaymentForm

    f = PaymentForm.get_or_none(PaymentForm.name == name)
    return f.id if f else None


def payment_form_is_cash(name: str) -> bool:
    from store.catalog.dictionaries import PaymentForm

    f = PaymentForm.get_or_none(PaymentForm.name == name)
    return f is not None and f.kind == "cash"


RELATIONS = {"generated": "Dokument magazynowy", "generated_of": "Dokument źródłowy", "receipt": "Paragon",
             "receipt_of": "Faktura do paragonu"}


def link_texts(links) -> list[str]:
    """The *Dokumenty* tab: each linked document with its relation, kind, number and state."""
    ids = [i for _r, i in links]
    docs = {d.id: d for d in Document.select().where(Document.id.in_(ids))} if ids else {}
    out = []
    for relation, doc_id in links:
        d = docs.get(doc_id)
        if d is not None:
            out.append(f"{_(RELATIONS.get(relation, relation))}: {d.kind} {d.number} ({status_text(d.state)})")
    return out


def default_warehouse() -> int | None:
    """The warehouse a new document takes (the main one), for the availability shown before the first save."""
    from store.catalog.dictionaries import Warehouse

    wh = Warehouse.get_or_none(Warehouse.is_main == True) or Warehouse.select().order_by(Warehouse.id).first()  # noqa
    return wh.id if wh else None


def warehouse_id(symbol: str) -> int | None:
    from store.catalog.dictionaries import Warehouse

    wh = Warehouse.get_or_none(Warehouse.symbol == symbol) or Warehouse.get_or_none(Warehouse.symbol == symbol.upper())
    return wh.id if wh else None
