"""Document rules checked at buffer save and at approval (§10 DOC, CONF-5/23, CUR-13, DICT-33, SETUP-10).

Each check returns the Polish reasons it finds; the caller lists them all in one DocumentRefused.
"""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from store.catalog.dictionaries import PaymentForm
from store.i18n import _
from store.numbering import NumberSeries, default_series
from store.parties.models import UNSPECIFIED_CODE
from store.trade.documents import CORE_KINDS, KINDS, Document

ISSUE_KINDS = ("FA", "PA", "WZ", "RW")         # hold stock in the buffer (DOC-2), issue at approval
RECEIPT_KINDS = ("FZ", "PZ", "PW")             # add stock only when approved (docs/decisions.md)
GENERATES = {"FA": "WZ", "PA": "WZ", "FZ": "PZ"}   # DOC-3, DOC-25, DOC-34
PAYMENT_SIGN = {"FA": 1, "PA": 1, "FZ": -1}    # PW/RW/WZ/PZ create no payments (DOC-53)
PURCHASE_KINDS = ("FZ", "PZ", "PW")            # lines take the purchase VAT rate
NOT_IN_BRANCH = ("FPF", "RR", "FWEW")          # DOC-64: ProForma, RR, internal invoices
IMMEDIATE_FORMS = ("cash", "card", "cheque")   # paid at once; others are deferred
POSTAL_RE = re.compile(r"^\d{2}-\d{3}$")


def holds_stock(doc: Document) -> bool:
    return doc.kind in ISSUE_KINDS and doc.origin != "PA"


def is_unspecified(doc: Document) -> bool:
    return doc.contractor_id is None or doc.contractor_code == UNSPECIFIED_CODE


def kind_reasons(kind: str, role: str) -> list[str]:
    if kind in CORE_KINDS:
        return []
    if role == "branch" and (kind in NOT_IN_BRANCH or kind not in KINDS):
        return [_("Dokumentów rodzaju {k} nie można wystawiać w oddziale.").format(k=kind)]
    return [_("Rodzaj dokumentu {k} nie jest obsługiwany przez moduł handlowy.").format(k=kind)]


def header_reasons(doc: Document, role: str) -> list[str]:
    """What holds already in the buffer: currency (DOC-1, DICT-33, CUR-13), the series (SETUP-10, OPER-12…14)."""
    out = []
    if doc.currency != "PLN":
        if doc.kind == "PA":
            out.append(_("Paragon wystawia się zawsze w PLN."))
        elif role == "branch":
            out.append(_("W oddziale dokumenty wystawia się tylko w walucie systemowej (PLN)."))
        elif not doc.exchange_rate or doc.exchange_rate <= 0:
            out.append(_("Podaj kurs waluty dokumentu."))
    if role == "branch" and doc.series != default_series(doc.kind):
        hq = NumberSeries.get_or_none((NumberSeries.symbol == doc.series) & (NumberSeries.from_hq == True))  # noqa: E712
        if hq is None:
            out.append(_("Seria {s} nie pochodzi z centrali – w oddziale można wybrać tylko serie zdefiniowane w "
                         "centrali.").format(s=doc.series or "—"))
    return out


def contractor_reasons(doc: Document, role: str) -> list[str]:
    """At approval: DOC-6, DOC-7, DOC-27; in a branch the postal code (CONF-5, CONF-23)."""
    out = []
    if doc.kind == "FA" and is_unspecified(doc):
        out.append(_("Na fakturze sprzedaży należy wskazać kontrahenta."))
    elif doc.kind == "FA" and (not doc.contractor_city.strip()
                               or (not doc.contractor_nip.strip() and doc.contractor_vat_payer)):
        out.append(_("Na fakturze brak miasta lub numeru NIP kontrahenta."))
    if doc.kind == "FZ" and is_unspecified(doc):
        out.append(_("Na fakturze zakupu należy wskazać kontrahenta innego niż !NIEOKREŚLONY!."))
    if role == "branch" and doc.contractor_id is not None:
        code = doc.contractor_postal_code.strip()
        domestic = doc.contractor_status == "domestic" and doc.contractor_country in ("", "PL")
        if (is_unspecified(doc) and code and not POSTAL_RE.match(code)) or \
                (not is_unspecified(doc) and domestic and not POSTAL_RE.match(code)):
            out.append(_("Kod pocztowy kontrahenta {kod} musi mieć format ##-###.").format(kod=code or "—"))
    return out


def payment_reasons(doc: Document, planned: list[tuple[int, Decimal]], allow_deferred_unspecified: bool,
                    forms: dict[int, PaymentForm]) -> list[str]:
    """DOC-66: a deferred payment for !NIEOKREŚLONY! unless allowed; unknown forms."""
    out = []
    for form_id, _amount in planned:
        if form_id not in forms:
            out.append(_("Forma płatności nie istnieje (mogła zostać usunięta)."))
    if is_unspecified(doc) and not allow_deferred_unspecified and doc.kind in PAYMENT_SIGN and any(
            form_id in forms and forms[form_id].kind not in IMMEDIATE_FORMS for form_id, _a in planned):
        out.append(_("Dla kontrahenta !NIEOKREŚLONY! nie można zapisać dokumentu z odroczoną płatnością."))
    return out


def fs_deadline_reason(doc: Document, pa: Document) -> str | None:
    """DOC-15 OPEN followed: FS issue date <= PA issue date + n days (n stored on the PA)."""
    if doc.issue_date > pa.issue_date + timedelta(days=int(pa.fs_from_pa_days)):
        return _("Minął termin ({n} dni) na wystawienie faktury do paragonu.").format(n=pa.fs_from_pa_days)
    return None


def tendered_reason(doc: Document, tendered: Decimal | None, cash_amount: Decimal) -> str | None:
    """DOC-5: a PA paid in cash for !NIEOKREŚLONY!: the amount tendered may not be below the gross."""
    if doc.kind == "PA" and is_unspecified(doc) and cash_amount > 0 and tendered is not None \
            and Decimal(tendered) < doc.gross:
        return _("Kwota wpłacona ({wplata}) jest mniejsza od wartości brutto paragonu ({brutto}).").format(
            wplata=_money(Decimal(tendered)), brutto=_money(doc.gross))
    return None


def _money(v: Decimal) -> str:
    return format(v.quantize(Decimal("0.01")), "f").replace(".", ",")
