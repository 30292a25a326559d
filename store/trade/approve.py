"""Approval (*zapis na trwałe*), one transaction (issue 11 §5): gates, rules, the number, the automatic WZ/PZ,
costing, the purchase price from FZ/PZ, payments through the cash core.

Lock order: the document row, its number counter, the WZ/PZ counter, the stock level rows (goods-id order), then
what cash locks (register, report, KP/KW counter) — the same order everywhere, so approvals never deadlock.
"""
from __future__ import annotations

import functools
import operator
from decimal import ROUND_HALF_UP, Decimal

import peewee

from store import cash, gates
from store.base import lock_current, new_guids, session_operator, utcnow
from store.catalog.dictionaries import PaymentForm
from store.catalog.models import Goods
from store.parties.models import Contractor
from store.trade.tx import one_transaction
from store.db import for_update
from store.errors import Refused
from store.i18n import _
from store.numbering import given_once, next_number
from store.prepared import as_model, db_values, insert, insert_new, insert_sql, prepared, run, update_sql
from store.trade import options, rules
from store.trade.documents import APPROVED, BUFFER, CANCEL_REQUESTED, CANCELLED, CANCELLED_BY_HQ, STATES, Document
from store.trade.drafts import DocumentView, read_links, read_vat, view_of
from store.trade.errors import ConfirmationNeeded, DocumentRefused
from store.trade.models import DocumentEvent, DocumentLine, DocumentLink, DocumentPayment
from store.trade.values import stored_reasons
from store.warehouse import stock

UNIT = Decimal("0.0001")
WARN_UNSPECIFIED = "unspecified"
CREDIT = "credit"


def approve(document_id: int, *, version: int | None, confirmed=(), tendered: Decimal | None = None) -> DocumentView:
    return one_transaction(_approve, document_id, version, frozenset(confirmed), tendered)


def lock_document(document_id: int, version: int | None) -> Document:
    """lock_current(Document, ...) through a prepared statement (the approval's first read)."""
    sql = prepared("trade.document.lock", lambda: for_update(Document.select().where(Document.id == 0)))
    doc = as_model(Document, run(sql, [document_id]).fetchone())
    if doc is None or (version is not None and doc.version != version):
        return lock_current(Document, document_id, version)     # raises NotFound / StaleRecord naming who
    return doc


def margin_questions(doc: Document, lines, confirmed: frozenset, opts: dict) -> list[tuple[str, str]]:
    """SETUP-12 margin control at approval (a question until confirmed)."""
    from store.trade.form_support import MARGIN, below_purchase, margin_moment, margin_text

    if MARGIN in confirmed or not margin_moment("approve", opts):
        return []
    found = below_purchase(doc.kind, lines, from_gross=bool(doc.from_gross))
    return [(MARGIN, margin_text(found))] if found else []


def credit_questions(doc: Document, confirmed: frozenset, *, ask: bool, role: str | None = None,
                     contractor=None) -> list[tuple[str, str]]:
    """CTF-43 at buffer save and approval: a blocking check refuses; a warning is a question (code "credit")
    until confirmed, then kept as an override. `ask`: raise the question at once. The approval passes the role
    and the contractor it has read."""
    if doc.kind not in ("FA", "PA") or doc.origin == "PA" or rules.is_unspecified(doc):
        return []
    check = cash.credit_check(doc.contractor_id, doc.gross_pln, on=doc.issue_date, operator=session_operator(),
                              role=role, contractor=contractor)
    if check is None:
        return []
    if check.blocking:
        raise Refused(check.message)
    if CREDIT not in confirmed:
        if ask:
            raise ConfirmationNeeded([(CREDIT, check.message)])
        return [(CREDIT, check.message)]
    cash.record_credit_override(check, document_guid=doc.guid)
    return []


def _not_in_buffer(doc: Document) -> str:
    if doc.state in (CANCELLED, CANCELLED_BY_HQ, CANCEL_REQUESTED):
        return _("Dokument {nr} jest anulowany – nie można go zatwierdzić.").format(nr=doc.number)
    if doc.state in STATES:
        return _("Dokument {nr} jest już zatwierdzony.").format(nr=doc.number)
    # only an edit outside the program leaves a state the program does not know
    return _("Dokument {nr} ma nieznany stan „{stan}” – nie można go zatwierdzić.").format(nr=doc.number,
                                                                                           stan=doc.state)


def _instalments(doc: Document, forms: dict[int, PaymentForm]) -> list[tuple[int, Decimal, object]]:
    if not doc.gross:
        return []
    # No payments tab filled: the whole gross, cash for a PA, else the contractor's form (by name) or cash.
    wanted = "cash" if doc.kind == "PA" or rules.is_unspecified(doc) else None
    form = None
    if wanted is None and doc.contractor_id is not None:
        name = (Contractor.get_by_id(doc.contractor_id).payment_form or "").strip().lower()
        form = next((f for f in PaymentForm.select() if f.name.strip().lower() == name), None) if name else None
    form = form or PaymentForm.select().where(PaymentForm.kind == "cash").order_by(PaymentForm.id).first()
    if form is None:
        raise Refused(_("Brak formy płatności gotówką – uzupełnij płatności dokumentu."))
    forms[form.id] = form
    return [(form.id, doc.gross_pln, None)]


def _approve(document_id: int, version: int | None, confirmed: frozenset, tendered) -> None:
    doc = lock_document(document_id, version)
    if doc.state != BUFFER:
        raise Refused(_not_in_buffer(doc))
    opts = options.read()
    role = opts["role"]
    gates.ensure_may_issue(doc.kind, opts)
    sql = prepared("trade.approve.lines", lambda: DocumentLine.select(DocumentLine, Goods.track_stock, Goods.is_service)
                   .join(Goods).where(DocumentLine.document == 0).order_by(DocumentLine.position, DocumentLine.id))
    rows = list(run(sql, [doc.id]))
    lines = [as_model(DocumentLine, row) for row in rows]
    tracked = {ln.goods_id for ln, row in zip(lines, rows) if row[-2] and not row[-1]}
    reasons = rules.kind_reasons(doc.kind, role) + rules.header_reasons(doc, role) \
        + rules.contractor_reasons(doc, role)
    if not lines:
        reasons.append(_("Dokument nie ma pozycji."))
    vat_rows = read_vat(doc.id)
    reasons += stored_reasons(doc, lines, vat_rows)
    links = read_links(doc.id)
    pa = None
    if doc.origin == "PA":
        link = next((lk for lk in links if lk.document_id == doc.id and lk.relation == "receipt"), None)
        pa = Document.get_by_id(link.linked_id) if link else None
        reason = rules.fs_deadline_reason(doc, pa) if pa else None
        if reason:
            reasons.append(reason)
    forms: dict[int, PaymentForm] = {}
    instalments, payments = [], None
    if doc.kind in rules.PAYMENT_SIGN and doc.origin != "PA":
        sql = prepared("trade.approve.payments", lambda: DocumentPayment.select(DocumentPayment, PaymentForm)
                       .join(PaymentForm, peewee.JOIN.LEFT_OUTER, on=(PaymentForm.id == DocumentPayment.form_id))
                       .where(DocumentPayment.document == 0).order_by(DocumentPayment.position))
        width = len(DocumentPayment._meta.sorted_fields)
        payments = []
        for row in run(sql, [doc.id]):          # the planned payments with their forms, in one read
            payments.append(as_model(DocumentPayment, row[:width]))
            if row[width] is not None:
                forms[payments[-1].form_id] = as_model(PaymentForm, row[width:])
        planned = [(p.form_id, p.amount, p.due_date) for p in payments]
        instalments = planned or _instalments(doc, forms)
        reasons += rules.payment_reasons(doc, [(f, a) for f, a, _d in instalments],
                                         opts[options.DEFERRED_UNSPECIFIED] == "1", forms)
        total = sum((a for _f, a, _d in instalments), Decimal(0))
        if total != doc.gross_pln:
            reasons.append(_("Suma płatności ({suma}) różni się od wartości brutto dokumentu ({brutto}).").format(
                suma=rules._money(total), brutto=rules._money(doc.gross_pln)))
        cash_amount = sum((a for f, a, _d in instalments if f in forms and forms[f].kind == "cash"), Decimal(0))
        reason = rules.tendered_reason(doc, tendered, cash_amount)
        if reason:
            reasons.append(reason)
    if reasons:
        raise DocumentRefused(reasons)
    questions = []
    if opts[options.WARN_UNSPECIFIED] == "1" and rules.is_unspecified(doc) and doc.kind in rules.PAYMENT_SIGN \
            and WARN_UNSPECIFIED not in confirmed:
        questions.append((WARN_UNSPECIFIED, _("Czy na pewno zatwierdzić dokument dla kontrahenta !NIEOKREŚLONY!?")))
    contractor = Contractor.get_or_none(Contractor.id == doc.contractor_id) \
        if doc.contractor_id and doc.kind in rules.PAYMENT_SIGN and doc.origin != "PA" else None   # read once
    questions += credit_questions(doc, confirmed, ask=False, role=role, contractor=contractor)
    questions += margin_questions(doc, lines, confirmed, opts)
    if questions:
        raise ConfirmationNeeded(questions)

    number = next_number(doc.kind, doc.issue_date, series=doc.series, kind=doc.kind)
    doc.number = number.text
    stock_doc = doc
    generated = rules.GENERATES.get(doc.kind) if doc.origin != "PA" else None
    stock_lines = [ln for ln in lines if ln.goods_id in tracked]
    if generated and stock_lines:
        stock_doc = _generate(doc, generated)
    if doc.kind in rules.ISSUE_KINDS and doc.origin != "PA":
        quantities: dict[int, Decimal] = {}
        for ln in stock_lines:
            quantities[ln.goods_id] = quantities.get(ln.goods_id, Decimal(0)) + ln.quantity
        values = stock.issue(stock_doc.id, doc.stock_warehouse, quantities, released=dict(quantities),
                             method=opts["costing_method"])     # what it held is exactly what it issues
        costs = _spread(stock_lines, values)
    elif doc.kind in rules.RECEIPT_KINDS:
        costs = {id(ln): ln.net_pln for ln in stock_lines}
        stock.receive(stock_doc.id, doc.stock_warehouse,
                      [(ln.goods_id, ln.quantity, (ln.net_pln / ln.quantity).quantize(UNIT, ROUND_HALF_UP))
                       for ln in stock_lines], on=doc.issue_date)
        if doc.kind in ("FZ", "PZ"):
            _purchase_prices(stock_lines)
    else:
        costs = {}
    if stock_doc is not doc:
        _generated_lines(stock_doc, stock_lines, {id(ln): row for ln, row in zip(lines, rows)}, costs)
        links.append(DocumentLink(document=doc.id, linked=stock_doc.id, relation="generated"))
    elif costs:
        as_stored = DocumentLine.cost
        for ln in stock_lines:
            DocumentLine.update(cost=costs[id(ln)]).where(DocumentLine.id == ln.id).execute()
            ln.cost = as_stored.python_value(as_stored.db_value(costs[id(ln)]))
    if instalments:
        due = {}
        dues = [d or due.setdefault(f, cash.payment_terms(doc.contractor_id, f, doc.issue_date).due_date)
                for f, _a, d in instalments]
        cash.post_document_payments_joined(cash.DocumentPayments(
            document_id=doc.id, document_guid=doc.guid, kind=doc.kind, number=doc.number,
            contractor_id=doc.contractor_id, issue_date=doc.issue_date, sign=rules.PAYMENT_SIGN[doc.kind],
            instalments=tuple(cash.Instalment(f, a, d) for (f, a, _d), d in zip(instalments, dues))),
            tendered=Decimal(tendered) if tendered is not None else None, flags=opts, contractor=contractor,
            forms=forms)
    now = utcnow()
    changes = {"state": APPROVED, "number": doc.number, "number_n": number.n, "number_period": number.period,
               "series": number.series, "approved_at": now, "modified_at": now, "modified_by": session_operator()}
    with given_once(doc.number):
        run(update_sql(Document, list(changes)), db_values(Document, changes) + [doc.id])
    insert(DocumentEvent, [{"document": doc.id, "at": now, "operator": session_operator(), "event": "approved",
                            "state_from": BUFFER, "state_to": APPROVED, "note": ""}])
    # The view from what this transaction read and wrote (no reload): the header as updated (version + 1 in
    # SQL), the lines (their cost), the VAT rows (read now), the payments tab, the links with the generated one.
    doc.__data__.update(changes)
    doc.version += 1
    if payments is None:
        payments = [as_model(DocumentPayment, row) for row in run(prepared(
            "trade.load.payments", lambda: DocumentPayment.select().where(DocumentPayment.document == 0)
            .order_by(DocumentPayment.position)), [doc.id])]
    return view_of(doc, lines, vat_rows, payments, links)


def _spread(lines, values: dict[int, Decimal]) -> dict[int, Decimal]:
    """Each goods' issued value on its lines (one line per goods in the common case; else by quantity, the last
    line taking the rest so the lines add up to the issue)."""
    by_goods: dict[int, list] = {}
    for ln in lines:
        by_goods.setdefault(ln.goods_id, []).append(ln)
    out = {}
    for g, group in by_goods.items():
        total, left, qty = values.get(g, Decimal(0)), values.get(g, Decimal(0)), sum(ln.quantity for ln in group)
        for ln in group[:-1]:
            share = (total * ln.quantity / qty).quantize(Decimal("0.01"), ROUND_HALF_UP)
            out[id(ln)] = share
            left -= share
        out[id(group[-1])] = left
    return out


def _generate(doc: Document, kind: str) -> Document:
    """The WZ/PZ of an approved FA/PA/FZ, approved at once (DOC-3, DOC-25, DOC-34); it travels inside its trade
    document (DOC-58 OPEN followed)."""
    number = next_number(kind, doc.issue_date, series=doc.series, kind=kind)
    now = utcnow()
    fields = {f: getattr(doc, f) for f in ("issue_date", "operation_date", "contractor_code",
                                           "contractor_name", "contractor_nip", "contractor_address",
                                           "contractor_city", "contractor_postal_code", "contractor_country",
                                           "contractor_status", "contractor_vat_payer", "currency", "exchange_rate",
                                           "operator", "warehouse", "stock_warehouse", "from_gross")}
    fields.update(kind=kind, number=number.text, number_n=number.n, number_period=number.period, series=number.series,
                  state=APPROVED, origin="auto", approved_at=now, created_at=now, modified_at=now,
                  contractor=doc.contractor_id)
    with given_once(number.text):
        wz_id, _row = insert_new(Document, fields)
    insert(DocumentLink, [{"document": doc.id, "linked": wz_id, "relation": "generated"}])
    return as_model(Document, (wz_id, kind, number.text), ["id", "kind", "number"])


_COPIED = ("position", "goods", "goods_code", "name", "unit", "quantity", "price", "rate_code", "rate", "value", "net",
           "vat", "gross", "net_pln", "vat_pln", "gross_pln")
_WZ_LINE = ("document", "cost", "guid", "modified_by", "modified_at", *_COPIED)
_WZ_LINE_CONSTANTS = {"description": "", "exported": False, "confirmed": False, "from_remote": False,
                      "realised_hq": False, "to_cancel": False, "version": 1}


def _generated_lines(wz: Document, lines, rows: dict[int, tuple], costs: dict[int, Decimal]) -> None:
    """The WZ/PZ's lines: the trade document's lines as read (`rows`: the stored values of every DocumentLine
    field in order, by id(line)) with the issued cost, in one INSERT."""
    copied = _copied()
    now = DocumentLine.modified_at.db_value(utcnow())
    cost, who, zero = DocumentLine.cost.db_value, session_operator(), Decimal(0)
    params = []
    for ln, guid in zip(lines, new_guids(len(lines))):
        params += [wz.id, cost(costs.get(id(ln), zero)), guid, who, now, *copied(rows[id(ln)])]
    run(insert_sql(DocumentLine, list(_WZ_LINE), len(lines), _WZ_LINE_CONSTANTS), params)


@functools.cache
def _copied():
    """The _COPIED values out of a DocumentLine row read in field order."""
    names = [f.name for f in DocumentLine._meta.sorted_fields]
    return operator.itemgetter(*(names.index(name) for name in _COPIED))


def _purchase_prices(lines) -> None:
    """The purchase price from an approved FZ/PZ (ITM-22): the last line of each goods, net PLN per unit."""
    from store.catalog.prices import set_purchase_price_in_tx

    last = {}
    for ln in lines:
        last[ln.goods_id] = (ln.net_pln / ln.quantity).quantize(UNIT, ROUND_HALF_UP)
    for goods in Goods.select().where(Goods.id.in_(list(last))):
        set_purchase_price_in_tx(goods, last[goods.id])
