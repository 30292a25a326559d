"""Buffer save and delete (issue 11 §1–§4): one transaction each, re-run on a lost race.

A save applies a draft's changes (header fields, lines by id with their versions, the payments tab), takes the
contractor snapshot when the contractor is chosen (DOC-9), recomputes the VAT of the whole document (§3), moves
what the document holds on stock (DOC-2; checked per SETUP-15) and runs the credit check (CTF-43). Nothing is
written when anything is refused or a question is pending.
"""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from store import gates
from store.base import lock_current, session_operator, utcnow
from store.catalog.dictionaries import PaymentForm, Warehouse
from store.catalog.models import Goods
from store.config import VatRate
from store.trade.tx import one_transaction
from store.errors import NotFound, Refused, StaleRecord
from store.i18n import _
from store.numbering import default_series
from store.parties.cards import find_unspecified
from store.parties.models import Contractor
from store.trade import options, rules
from store.trade.documents import BUFFER, Document, snapshot
from store.trade.drafts import FIELDS, DocumentDraft, DocumentView, load_document
from store.trade.errors import ConfirmationNeeded, DocumentRefused
from store.trade.form_support import MARGIN, below_purchase, convert_price, margin_moment, margin_text
from store.trade.models import DocumentEvent, DocumentLine, DocumentLink, DocumentPayment, DocumentVat
from store.trade.values import document_values, line_reasons
from store.warehouse import stock

CENT = Decimal("0.01")


def save_buffer(draft: DocumentDraft, *, version: int | None = None, confirmed=()) -> DocumentView:
    """Save a new document or the changes of a buffered one (`version`: the header version the form loaded)."""
    document_id = one_transaction(_save, draft, version, frozenset(confirmed))
    return load_document(document_id)


def _main_warehouse() -> int:
    wh = Warehouse.get_or_none(Warehouse.is_main == True) or Warehouse.select().order_by(Warehouse.id).first()  # noqa
    return wh.id


def _new(draft: DocumentDraft, opts: dict) -> Document:
    unspecified = find_unspecified()
    doc = Document(kind=draft.kind, issue_date=date.today(), state=BUFFER, series=default_series(draft.kind),
                   stock_warehouse=_main_warehouse(), operator=session_operator())
    if draft.kind in ("FA", "PA") and unspecified is not None:     # a new FA/PA proposes !NIEOKREŚLONY! (DOC-6)
        doc.contractor = unspecified.id
        for k, v in snapshot(unspecified).items():
            setattr(doc, k, v)
    if draft.kind == "PA":
        doc.from_gross = True        # a receipt is priced and its VAT computed from gross, as the form shows it
        doc.fs_from_pa_days = int(opts[options.FS_FROM_PA_DAYS] or 7)
    return doc


def _apply_fields(doc: Document, fields: dict, reasons: list[str]) -> bool:
    """Header changes; True when the warehouse changed."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown document fields: {sorted(unknown)}")
    old_wh = doc.stock_warehouse
    for name, value in fields.items():
        if name == "contractor_id":
            if value is None:
                doc.contractor = None
                for k, v in {"contractor_code": "", "contractor_name": "", "contractor_nip": "",
                             "contractor_address": "", "contractor_city": "", "contractor_postal_code": "",
                             "contractor_country": "", "contractor_status": "", "contractor_vat_payer": False}.items():
                    setattr(doc, k, v)
                continue
            c = Contractor.get_or_none(Contractor.id == value)
            if c is None:
                reasons.append(_("Kontrahent nie istnieje (mógł zostać usunięty)."))
                continue
            if c.main_id is not None:  # MRG-13
                reasons.append(_("Kontrahent {code} jest duplikatem kontrahenta {main} – wystaw dokument na kartę "
                                 "główną.").format(code=c.code, main=c.main.code))
            if c.block_outgoing and doc.kind in ("FA", "PA", "WZ", "RW"):  # CTF-42
                reasons.append(_("Dla kontrahenta zablokowano wystawianie dokumentów rozchodowych."))
            doc.contractor = c.id
            for k, v in snapshot(c).items():         # taken again on every choice (DOC-7 scenario 1)
                setattr(doc, k, v)
        elif name == "warehouse_id":
            kind = Warehouse.select(Warehouse.kind).where(Warehouse.id == value).scalar()
            if kind is None:
                reasons.append(_("Magazyn nie istnieje (mógł zostać usunięty)."))
            elif kind == "remote":       # MM-3: any local warehouse; a remote one stands for HQ or a branch (MM only)
                reasons.append(_("Na magazynie odległym nie wystawia się dokumentów – wybierz magazyn lokalny."))
            doc.stock_warehouse = value
        elif name == "exchange_rate":
            doc.exchange_rate = Decimal(value)
        elif name == "currency":
            doc.currency = (value or "PLN").upper()
        else:
            setattr(doc, name, value)
    if doc.currency == "PLN":
        doc.exchange_rate = Decimal(1)
    return doc.stock_warehouse != old_wh


def _description(goods: Goods, given: str | None) -> str:
    """DOC-13: the goods description is copied when the card says so, and editable only when it allows it."""
    if not goods.copy_description:
        return ""
    if given is not None and goods.allow_description_edit:
        return given
    return goods.description


def _apply_lines(doc: Document, draft: DocumentDraft, reasons: list[str], *, convert: bool = False
                 ) -> list[DocumentLine]:
    existing = {ln.id: ln for ln in DocumentLine.select().where(DocumentLine.document == doc.id)
                .order_by(DocumentLine.id)} if doc.id else {}     # id order: it breaks ties in the VAT spread
    if convert:                      # net <-> gross switched (SETUP-12): the saved lines keep their value
        priced = {ld.id for ld in draft.lines if ld.id is not None and ld.price is not None}
        for row in existing.values():
            if row.id not in priced:     # its value is computed again below, with every line's
                row.price = convert_price(row.price, row.rate, to_gross=bool(doc.from_gross))
                row.version_bump = True
    rates = {v.code: v for v in VatRate.select()}
    rate_by_id = {v.id: v for v in rates.values()}
    wanted = [ln.goods_id for ln in draft.lines if ln.goods_id is not None]
    goods = {g.id: g for g in Goods.select().where(Goods.id.in_(wanted))} if wanted else {}
    for line_id, loaded in draft.removed:
        row = existing.pop(line_id, None)
        if row is None:
            continue
        _check_line_version(row, loaded)
        DocumentLine.delete().where(DocumentLine.id == line_id).execute()
    next_pos = max((ln.position for ln in existing.values()), default=0) + 1
    for ld in draft.lines:
        if ld.id is not None:
            row = existing.get(ld.id)
            if row is None:
                raise NotFound(_("Pozycja dokumentu została w międzyczasie usunięta przez inną sesję – nic nie "
                                 "zapisano."))
            _check_line_version(row, ld.version)
        else:
            row = DocumentLine(document=doc.id, position=next_pos)
            next_pos += 1
        if ld.goods_id is not None and ld.goods_id != getattr(row, "goods_id", None):
            g = goods.get(ld.goods_id)
            if g is None:
                reasons.append(_("Nie znaleziono towaru."))
                continue
            rate = rate_by_id.get((g.purchase_vat_rate_id or g.vat_rate_id) if doc.kind in rules.PURCHASE_KINDS
                                  else g.vat_rate_id)
            row.goods, row.goods_code, row.name, row.unit = g.id, g.code, g.name, g.unit
            row.rate_code, row.rate = rate.code, rate.rate
            row.description = _description(g, ld.description)
        elif ld.description is not None and getattr(row, "goods_id", None) is not None:
            row.description = _description(Goods.get_by_id(row.goods_id), ld.description)
        if ld.quantity is not None:
            row.quantity = Decimal(ld.quantity)
        if ld.price is not None:
            row.price = Decimal(ld.price)
        elif ld.id is None and getattr(row, "goods_id", None) is not None:
            row.price = _proposed_price(doc, goods[row.goods_id], row.quantity)
        if getattr(row, "goods_id", None) is None:
            reasons.append(_("Pozycja dokumentu bez towaru."))
            continue
        existing[row.id if row.id else id(row)] = row
    # every line, not only the drafted ones: a value is quantity x price, and a line edited outside the program
    # (tests/store/test_trade_edited_outside.py) is computed again by any save, or refused by its own rule
    lines = list(existing.values())
    reasons += line_reasons(lines)
    for row in lines:
        known = row.quantity is not None and row.price is not None
        row.value = (row.quantity * row.price).quantize(CENT, ROUND_HALF_UP) if known else Decimal(0)
    return lines


def _proposed_price(doc: Document, goods: Goods, quantity) -> Decimal:
    """A new line without a price: sales take price_for() (prices, discounts, fixed prices: §8), purchases and
    internal documents the last purchase price."""
    if doc.kind in rules.PURCHASE_KINDS or doc.kind == "RW":
        return goods.last_purchase_price
    from store.catalog.quote import price_for

    quote = price_for(doc.contractor_id, goods.id, doc.issue_date, quantity or Decimal(1),
                      warehouse_id=doc.stock_warehouse, currency=doc.currency)
    return quote.gross if doc.from_gross else quote.net


def _check_line_version(row: DocumentLine, loaded: int | None) -> None:
    if loaded is not None and row.version != loaded:
        from store.base import local_time_text
        raise StaleRecord(_("Pozycję {kod} zmienił w międzyczasie {who} ({when}). Twoje zmiany nie zostały "
                            "zapisane.").format(kod=row.goods_code, who=row.modified_by or _("inna sesja"),
                                                when=local_time_text(row.modified_at)),
                          who=row.modified_by, when=row.modified_at, current=dict(row.__data__))


def held_quantities(doc: Document, lines) -> dict[int, Decimal]:
    """What a buffered document holds per goods (stock-tracked goods of issue kinds only)."""
    if not rules.holds_stock(doc):
        return {}
    ids = {ln.goods_id for ln in lines}
    tracked = {g for (g,) in Goods.select(Goods.id).where(Goods.id.in_(list(ids)) & (Goods.track_stock == True)  # noqa
                                                          & (Goods.is_service == False)).tuples()} if ids else set()  # noqa
    out: dict[int, Decimal] = {}
    for ln in lines:
        if ln.goods_id in tracked:
            out[ln.goods_id] = out.get(ln.goods_id, Decimal(0)) + ln.quantity
    return out


def _planned(doc: Document, draft_payments) -> list[tuple[int, Decimal, date | None]]:
    out, left = [], doc.gross_pln
    for p in draft_payments:
        amount = left if p.amount is None else Decimal(p.amount)
        left -= amount
        out.append((p.form_id, amount, p.due_date))
    return out


def _store_payments(doc: Document, planned, forms) -> None:
    """The payments tab, with the due date of every instalment not typed by the user taken from the payment terms
    now (CTF-45/46: they follow the document date and the contractor), so approval needs no terms lookup."""
    from store import cash

    DocumentPayment.delete().where(DocumentPayment.document == doc.id).execute()
    if not planned:
        return
    rows, terms = [], {}
    for i, (form_id, amount, due) in enumerate(planned):
        typed = due is not None
        if not typed and doc.contractor_id is not None and form_id in forms and doc.kind in rules.PAYMENT_SIGN:
            if form_id not in terms:
                terms[form_id] = cash.payment_terms(doc.contractor_id, form_id, doc.issue_date).due_date
            due = terms[form_id]
        rows.append({"document": doc.id, "position": i, "form_id": form_id, "amount": amount, "due_date": due,
                     "due_typed": typed})
    DocumentPayment.insert_many(rows).execute()


def _save(draft: DocumentDraft, version: int | None, confirmed: frozenset, origin: str = "") -> int:
    opts = options.read()
    role = opts["role"]
    reasons = rules.kind_reasons(draft.kind, role)
    if reasons:
        raise DocumentRefused(reasons)
    gates.ensure_may_issue(draft.kind, opts)
    if draft.id is None:
        doc = _new(draft, opts)
        doc.origin = origin
        old_lines, old_wh = [], None
    else:
        doc = lock_current(Document, draft.id, version)
        if doc.kind != draft.kind:
            raise Refused(_("Rodzaju zapisanego dokumentu nie można zmienić."))
        if doc.state != BUFFER:
            raise Refused(_("Dokument {nr} jest zatwierdzony – nie można go zmieniać.").format(nr=doc.number))
        old_lines = list(DocumentLine.select(DocumentLine.goods, DocumentLine.quantity)
                         .where(DocumentLine.document == doc.id))
        old_wh = doc.stock_warehouse
    old_held = held_quantities(doc, old_lines) if old_lines else {}
    was_gross = bool(doc.from_gross)
    _apply_fields(doc, draft.fields, reasons)
    switched = draft.id is not None and bool(old_lines) and bool(doc.from_gross) != was_gross
    if switched and opts[options.ALLOW_NET_GROSS] != "1":                      # SETUP-12
        reasons.append(_("Nie można zmienić netto/brutto dokumentu, który ma pozycje (parametr „Pozwalaj na "
                         "zmianę netto/brutto” jest wyłączony)."))
    reasons += rules.header_reasons(doc, role)
    if draft.id is None:
        doc.save(force_insert=True)
        doc.number = doc.buffer_number
    lines = _apply_lines(doc, draft, reasons, convert=switched)
    before = {id(ln): (ln.net, ln.vat, ln.gross) for ln in lines if ln.id is not None}
    drafted = {ld.id for ld in draft.lines if ld.id is not None}
    vat_rows = document_values(doc, lines)
    if draft.payments is not None:
        planned = _planned(doc, draft.payments)
    else:
        planned = [(p.form_id, p.amount, p.due_date if p.due_typed else None) for p in
                   DocumentPayment.select().where(DocumentPayment.document == doc.id).order_by(DocumentPayment.position)]
        if len(planned) == 1:                  # one instalment follows the gross as lines change
            planned = [(planned[0][0], doc.gross_pln, planned[0][2])]
    forms = {f.id: f for f in PaymentForm.select().where(PaymentForm.id.in_([p[0] for p in planned]))} \
        if planned else {}
    reasons += rules.payment_reasons(doc, [(f, a) for f, a, _d in planned],
                                     opts[options.DEFERRED_UNSPECIFIED] == "1", forms)
    if any(a < 0 for _f, a, _d in planned):
        reasons.append(_("Kwota płatności nie może być ujemna."))
    elif draft.payments is not None and len(draft.payments) > 1 and all(p.amount is not None for p in draft.payments):
        total = sum((a for _f, a, _d in planned), Decimal(0))           # DOC-4/DOC-26: instalments sum to gross
        if total != doc.gross_pln:
            reasons.append(_("Suma płatności ({suma}) różni się od wartości brutto dokumentu ({brutto}).").format(
                suma=rules._money(total), brutto=rules._money(doc.gross_pln)))
    if not reasons and (planned or draft.payments is not None):
        _store_payments(doc, planned, forms)
    if reasons:
        raise DocumentRefused(reasons)
    new_held = held_quantities(doc, lines)
    if old_wh is not None and old_wh != doc.stock_warehouse:
        stock.hold({g: -q for g, q in old_held.items()}, old_wh, check=False)
        old_held = {}
    changes = {g: new_held.get(g, Decimal(0)) - old_held.get(g, Decimal(0)) for g in set(new_held) | set(old_held)}
    stock.hold(changes, doc.stock_warehouse, check=opts[options.STOCK_CHECK] != "none")
    from store.trade.approve import credit_questions
    credit_questions(doc, confirmed, ask=True)
    margin_question(doc, lines, confirmed, "save", opts)
    for ln in lines:           # new, changed, and those whose VAT share moved; the others keep their version
        if ln.id is None or ln.id in drafted or before.get(id(ln)) != (ln.net, ln.vat, ln.gross) \
                or getattr(ln, "version_bump", False):
            ln.document = doc.id
            ln.save()
    DocumentVat.delete().where(DocumentVat.document == doc.id).execute()
    if vat_rows:
        DocumentVat.insert_many(vat_rows).execute()
    doc.save()
    DocumentEvent.create(document=doc.id, operator=session_operator(), event="saved", state_to=BUFFER)
    return doc.id


def margin_question(doc: Document, lines, confirmed: frozenset, moment: str, opts: dict) -> None:
    """SETUP-12 margin control: a sales line under the purchase price is a question at the configured moment."""
    if MARGIN in confirmed or not margin_moment(moment, opts):
        return
    found = below_purchase(doc.kind, lines, from_gross=bool(doc.from_gross))
    if found:
        raise ConfirmationNeeded([(MARGIN, margin_text(found))])


def delete_buffer(document_id: int, *, version: int | None) -> None:
    """Delete a buffered document (§6 BUFFER -> deleted): what it held goes back to available stock."""
    def run() -> None:
        doc = lock_current(Document, document_id, version)
        if doc.state != BUFFER:
            raise Refused(_("Dokument {nr} jest zatwierdzony – można go tylko anulować.").format(nr=doc.number))
        if DocumentLink.select().where(DocumentLink.linked == doc.id).exists() and doc.origin == "auto":
            raise Refused(_("Dokumentu wygenerowanego z dokumentu handlowego nie można usunąć."))
        lines = list(DocumentLine.select().where(DocumentLine.document == doc.id))
        stock.hold({g: -q for g, q in held_quantities(doc, lines).items()}, doc.stock_warehouse, check=False)
        for model in (DocumentVat, DocumentPayment, DocumentEvent, DocumentLine):
            model.delete().where(model.document == doc.id).execute()
        DocumentLink.delete().where((DocumentLink.document == doc.id) | (DocumentLink.linked == doc.id)).execute()
        Document.delete().where(Document.id == doc.id).execute()
    one_transaction(run)


def touch(doc: Document, **changes) -> None:
    """Header update with the record stamp (version + 1, who, when)."""
    Document.update({**{getattr(Document, k): v for k, v in changes.items()}, **Document.stamp()}) \
        .where(Document.id == doc.id).execute()


__all__ = ["save_buffer", "delete_buffer", "held_quantities", "touch", "utcnow"]
