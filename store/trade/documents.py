"""Document header (nagłówek dokumentu): one model for every kind (issue 11 §1).

A document keeps a snapshot of the contractor's data as issued (DESIGN, DOC-9): a later change of the
card never rewrites it. Lines, VAT rows, planned payments, links and events: store/trade/models.py.
The columns later kinds need (MM, AI, ZD, RO, corrections) are here already: target warehouse and
contractor, fiscalised, *FA/FZ w centrali*, origin; on lines the corrected line, before-values and the
counted quantity.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import peewee

from store.base import TrackedModel, utcnow
from store.db import write
from store.errors import NotFound, Refused, ValidationError
from store.fields import MoneyField, PriceField
from store.i18n import _
from store.parties.models import Contractor
from store.schema import add_column_if_missing

# Every kind the model holds (KP/KW are the cash area's); the trade core saves, approves and cancels
# CORE_KINDS. An FS is an FA made from a PA (origin "PA"): FA's numbering class.
KINDS = ("FA", "FS", "PA", "RO", "FPF", "FZ", "ZD", "WZ", "PZ", "RW", "PW", "MM", "AI")
CORE_KINDS = ("FA", "PA", "FZ", "WZ", "PZ", "PW", "RW")
OUTGOING = ("FA", "FS", "PA", "RO", "FPF", "WZ", "RW")  # CTF-41/42 "dokumenty rozchodowe"
# §6 export states. CANCELLED_BY_HQ is red on the list, CANCEL_REQUESTED blue (*do anulowania*).
BUFFER, APPROVED, EXPORTED, CONFIRMED = "buffer", "approved", "exported", "confirmed"
CANCEL_REQUESTED, CANCELLED, CANCELLED_BY_HQ, REALISED = "cancel_req", "cancelled", "cancel_hq", "realised"
STATES = (BUFFER, APPROVED, EXPORTED, CONFIRMED, CANCEL_REQUESTED, CANCELLED, CANCELLED_BY_HQ, REALISED)


class Document(TrackedModel):
    kind = peewee.CharField(max_length=5, index=True)
    number = peewee.CharField(max_length=40, default="")
    issue_date = peewee.DateField(index=True)                  # Data dokumentu (CHI-3)
    operation_date = peewee.DateField(null=True)               # Data operacji: sale/purchase, issue/receipt
    contractor = peewee.ForeignKeyField(Contractor, null=True, backref="documents", on_delete="RESTRICT")
    # Snapshot of the contractor as issued.
    contractor_code = peewee.CharField(max_length=50, default="")
    contractor_name = peewee.CharField(max_length=400, default="")
    contractor_nip = peewee.CharField(max_length=24, default="")
    contractor_address = peewee.CharField(max_length=300, default="")
    net = MoneyField(default=0)
    vat = MoneyField(default=0)
    gross = MoneyField(default=0)
    currency = peewee.CharField(max_length=3, default="PLN")
    exchange_rate = PriceField(default=1)                      # PLN per unit, from the document (CHI-7)
    state = peewee.CharField(max_length=10, default="buffer")
    operator = peewee.CharField(max_length=20, default="")     # who issued it (CHI-3)
    warehouse = peewee.CharField(max_length=20, default="")    # symbol, as issued
    created_at = peewee.DateTimeField(default=utcnow)
    # --- issue 11 (trade core)
    series = peewee.CharField(max_length=20, default="")
    number_n = peewee.IntegerField(null=True)                  # the counter value taken at approval
    number_period = peewee.CharField(max_length=7, default="")
    stock_warehouse = peewee.IntegerField(null=True)           # Warehouse id the stock moves in
    target_warehouse = peewee.IntegerField(null=True)          # MM
    target_contractor = peewee.IntegerField(null=True)         # recipient (later kinds)
    from_gross = peewee.BooleanField(default=False)            # VAT algorithm (issue 11 §3)
    contractor_city = peewee.CharField(max_length=80, default="")
    contractor_postal_code = peewee.CharField(max_length=10, default="")
    contractor_country = peewee.CharField(max_length=2, default="")
    contractor_status = peewee.CharField(max_length=24, default="")   # payer status as issued (DOC-9)
    contractor_vat_payer = peewee.BooleanField(default=False)
    fiscalised = peewee.BooleanField(default=False)            # PA printed on the fiscal printer (DOC-18)
    trade_at_hq = peewee.BooleanField(default=False)           # *FA/FZ w centrali* (DOC-35)
    origin = peewee.CharField(max_length=8, default="")        # "" by hand | auto (WZ/PZ of approval) | PA (FS)
    fs_from_pa_days = peewee.IntegerField(default=7)           # on each PA (DOC-15)
    net_pln = MoneyField(default=0)                            # CUR-41
    vat_pln = MoneyField(default=0)
    gross_pln = MoneyField(default=0)
    description = peewee.TextField(default="")
    approved_at = peewee.DateTimeField(null=True)
    cancelled_at = peewee.DateTimeField(null=True)

    @property
    def buffer_number(self) -> str:
        return f"BUF/{self.id}"

    class Meta:
        indexes = ((("contractor", "issue_date", "id"), False),)


NEW_COLUMNS = ("series", "number_n", "number_period", "stock_warehouse", "target_warehouse", "target_contractor",
               "from_gross", "contractor_city", "contractor_postal_code", "contractor_country", "contractor_status",
               "contractor_vat_payer", "fiscalised", "trade_at_hq", "origin", "fs_from_pa_days", "net_pln",
               "vat_pln", "gross_pln", "description", "approved_at", "cancelled_at")


def add_document_columns(db) -> None:
    """Issue 11's header columns on a database made before them (a new one has them from create_tables)."""
    for name in NEW_COLUMNS:
        field = Document._meta.fields[name]
        add_column_if_missing("document", field.column_name, field)(db)


def snapshot(c: Contractor) -> dict:
    """The contractor's data as it goes onto a document."""
    from store.validation import nip_prefixed

    nip = nip_prefixed(c.nip_country, c.nip) if c.nip_country and c.nip_country != "PL" else c.nip
    return {"contractor_code": c.code, "contractor_name": c.full_name, "contractor_nip": nip,
            "contractor_address": c.address_text(), "contractor_city": c.city,
            "contractor_postal_code": c.postal_code, "contractor_country": c.country_iso or "",
            "contractor_status": c.transaction_type, "contractor_vat_payer": bool(c.vat_active)}


def create_document(kind: str, contractor_id: int | None, issue_date: date, *, number: str = "",
                    net: Decimal = Decimal(0), vat: Decimal = Decimal(0), gross: Decimal | None = None,
                    state: str = "buffer", currency: str = "PLN", exchange_rate: Decimal = Decimal(1),
                    operation_date: date | None = None, operator: str = "", warehouse: str = "") -> Document:
    """Issue a document header for a contractor, taking the contractor snapshot now."""
    errors = {}
    if kind not in KINDS:
        errors["kind"] = _("Pole „Rodzaj dokumentu”: nieznany rodzaj {k}.").format(k=kind)
    if state not in STATES:
        errors["state"] = _("Pole „Stan”: nieznany stan dokumentu.")
    if errors:
        raise ValidationError(errors)
    gross = net + vat if gross is None else gross
    with write():
        snap = {}
        if contractor_id is not None:
            c = Contractor.get_or_none(Contractor.id == contractor_id)
            if c is None:
                raise NotFound(_("Kontrahent nie istnieje (mógł zostać usunięty)."))
            if c.main_id is not None:  # MRG-13
                raise Refused(_("Kontrahent {code} jest duplikatem kontrahenta {main} – wystaw dokument na "
                                "kartę główną.").format(code=c.code, main=c.main.code))
            if c.block_outgoing and kind in OUTGOING:  # CTF-42
                raise Refused(_("Dla kontrahenta zablokowano wystawianie dokumentów rozchodowych."))
            snap = snapshot(c)
        return Document.create(kind=kind, number=number, issue_date=issue_date, operation_date=operation_date,
                               contractor=contractor_id, net=net, vat=vat, gross=gross, state=state,
                               currency=currency, exchange_rate=exchange_rate, operator=operator,
                               warehouse=warehouse, **snap)
