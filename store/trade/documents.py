"""Document header (nagłówek dokumentu). Minimal: enough for "used by documents" and contractor history.

The trade issue extends this model (lines, VAT summary, numbering, approval). A document keeps a
snapshot of the contractor's data as issued (DESIGN): a later change of the card never rewrites it.
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
from store.schema import Migration, add_tracking_columns, create_tables

KINDS = ("FA", "FS", "PA", "RO", "FPF", "FZ", "ZD", "WZ", "PZ", "RW", "PW", "MM", "KP", "KW")
OUTGOING = ("FA", "FS", "PA", "RO", "FPF", "WZ", "RW")  # CTF-41/42 "dokumenty rozchodowe"
STATES = ("buffer", "approved", "cancelled")


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
    warehouse = peewee.CharField(max_length=20, default="")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("contractor", "issue_date", "id"), False),)


MIGRATIONS = [
    Migration(1, "document headers", create_tables(Document)),
    Migration(2, "record versions (issue 16)", add_tracking_columns(Document)),
]


def snapshot(c: Contractor) -> dict:
    """The contractor's data as it goes onto a document."""
    from store.validation import nip_prefixed

    nip = nip_prefixed(c.nip_country, c.nip) if c.nip_country and c.nip_country != "PL" else c.nip
    return {"contractor_code": c.code, "contractor_name": c.full_name, "contractor_nip": nip,
            "contractor_address": c.address_text()}


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
