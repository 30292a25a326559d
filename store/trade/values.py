"""A document's values from its lines (§3): what a buffer save stores, and what approval checks the stored
document against.

The stored document is what its buffer save computed; only an edit outside the program (SQL on the database
file) can make them disagree. Approval refuses such a document rather than give it a number, issue stock by
lines its totals do not show, or send HQ an invoice whose VAT summary is not its lines'.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter
from types import SimpleNamespace

from store.i18n import _
from store.trade.vat import VatLine, compute

CENT = Decimal("0.01")
VALUES = ("net", "vat", "gross", "net_pln", "vat_pln", "gross_pln")      # on a line, a VAT row and the header
_values = attrgetter(*VALUES)
_rate_row = attrgetter("rate_code", "rate", *VALUES)


def document_values(doc, lines) -> list[dict]:
    """Set each line's and the header's net, VAT and gross (document currency and PLN) from the lines' values, in
    the order given (the order breaks ties in the VAT spread); returns the VAT rows to store."""
    result = compute([VatLine(i, ln.rate_code, ln.rate, ln.value) for i, ln in enumerate(lines)],
                     from_gross=doc.from_gross)
    rate = doc.exchange_rate
    for ln, lv in zip(lines, result.lines):
        ln.net, ln.vat, ln.gross = lv.net, lv.vat, lv.gross
        ln.net_pln = (lv.net * rate).quantize(CENT, ROUND_HALF_UP)
        ln.vat_pln = (lv.vat * rate).quantize(CENT, ROUND_HALF_UP)
        ln.gross_pln = ln.net_pln + ln.vat_pln
    rows = []
    for r in result.rates:
        net_pln, vat_pln = (r.net * rate).quantize(CENT, ROUND_HALF_UP), (r.vat * rate).quantize(CENT, ROUND_HALF_UP)
        rows.append({"document": doc.id, "rate_code": r.rate_code, "rate": r.rate, "net": r.net, "vat": r.vat,
                     "gross": r.gross, "net_pln": net_pln, "vat_pln": vat_pln, "gross_pln": net_pln + vat_pln})
    doc.net, doc.vat, doc.gross = result.net, result.vat, result.gross
    doc.net_pln = sum((r["net_pln"] for r in rows), Decimal(0))
    doc.vat_pln = sum((r["vat_pln"] for r in rows), Decimal(0))
    doc.gross_pln = doc.net_pln + doc.vat_pln
    return rows


def line_reasons(lines) -> list[str]:
    """A line's own rules: a quantity above zero, a price not below it (the buffer save's wording)."""
    reasons = []
    for ln in lines:
        if ln.quantity is None or ln.quantity <= 0:
            reasons.append(_("Pozycja {kod}: ilość musi być większa od zera.").format(kod=ln.goods_code))
        if ln.price is None or ln.price < 0:
            reasons.append(_("Pozycja {kod}: cena nie może być ujemna.").format(kod=ln.goods_code))
    return reasons


def stored_reasons(doc, lines, vat_rows) -> list[str]:
    """Why the stored document is not what its lines make (empty when it is): the lines' rules, each line's value
    (quantity x price), its net/VAT/gross, the VAT rows and the header, recomputed as the buffer save does (lines in
    id order, its order)."""
    reasons = line_reasons(lines)
    if reasons:
        return reasons
    ordered = sorted(lines, key=lambda ln: ln.id)
    shadow = [SimpleNamespace(rate_code=ln.rate_code, rate=ln.rate, value=ln.value) for ln in ordered]
    header = SimpleNamespace(id=doc.id, from_gross=doc.from_gross, exchange_rate=doc.exchange_rate)
    rows = document_values(header, shadow)
    wrong = [ln.goods_code for ln, s in zip(ordered, shadow)
             if ln.value != (ln.quantity * ln.price).quantize(CENT, ROUND_HALF_UP)
             or _values(ln) != _values(s)]
    if wrong:
        return [_("Wartości pozycji {kody} nie zgadzają się z ilością i ceną – dokument zmieniono poza programem. "
                  "Zapisz dokument ponownie, aby przeliczyć wartości.").format(kody=", ".join(dict.fromkeys(wrong)))]
    expected = sorted(_rate_row(SimpleNamespace(**r)) for r in rows)
    if sorted(map(_rate_row, vat_rows)) != expected or _values(doc) != _values(header):
        return [_("Podsumowanie VAT dokumentu nie zgadza się z jego pozycjami – dokument zmieniono poza programem. "
                  "Zapisz dokument ponownie, aby przeliczyć wartości.")]
    return []


def view_reasons(view) -> list[str]:
    """stored_reasons() of a loaded DocumentView (no database): the form says it and saves the values again."""
    return stored_reasons(SimpleNamespace(**view.header), [SimpleNamespace(**ln) for ln in view.lines],
                          [SimpleNamespace(**row) for row in view.vat])
