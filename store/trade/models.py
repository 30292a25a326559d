"""Document lines, VAT rows, planned payments, links and events (issue 11 §1), and the trade migrations.

Lines carry their own id and version: a form saves a document as changes (added, changed, removed
by id), and a line changed by another session since the form loaded it is refused naming who.
Values are kept in the document currency and in PLN at the document rate (CUR-41); a branch and
every PA are PLN only (DOC-1, DICT-33, CUR-13), where both columns are equal.
"""
from __future__ import annotations

import peewee

from store.base import BaseModel, TrackedModel, utcnow
from store.catalog.models import Goods
from store.fields import MoneyField, PercentField, PriceField, QuantityField
from store.numbering import numbers_taken_once
from store.schema import Migration, add_tracking_columns, create_tables
from store.trade.documents import Document, add_document_columns


class DocumentLine(TrackedModel):
    """Pozycja dokumentu. It travels with its document: no index of its own on gid/modified_at."""

    gid = peewee.IntegerField(null=True)
    modified_at = peewee.DateTimeField(default=utcnow)
    document = peewee.ForeignKeyField(Document, backref="lines", on_delete="CASCADE", index=False)
    position = peewee.IntegerField(default=0)
    goods = peewee.ForeignKeyField(Goods, on_delete="RESTRICT", index=False)
    goods_code = peewee.CharField(max_length=50, default="")     # snapshot as issued
    name = peewee.CharField(max_length=255, default="")
    description = peewee.TextField(default="")                  # DOC-13: per the goods card's flags
    unit = peewee.CharField(max_length=10, default="szt")
    quantity = QuantityField(default=0)
    price = PriceField(default=0)           # per unit after discount, net or gross per the document, currency
    rate_code = peewee.CharField(max_length=10, default="23")
    rate = PercentField(default=0)
    value = MoneyField(default=0)           # round(quantity * price): the VAT base (net or gross), currency
    net = MoneyField(default=0)             # currency
    vat = MoneyField(default=0)
    gross = MoneyField(default=0)
    net_pln = MoneyField(default=0)         # CUR-41
    vat_pln = MoneyField(default=0)
    gross_pln = MoneyField(default=0)
    cost = MoneyField(default=0)            # stock value issued or received, PLN
    counted_quantity = QuantityField(null=True)          # AI (later)
    corrected_line = peewee.IntegerField(null=True)      # corrections (later)
    before_quantity = QuantityField(null=True)
    before_value = MoneyField(null=True)

    class Meta:
        table_name = "document_line"
        indexes = ((("document", "position", "id"), False), (("goods", "document"), False))


class DocumentVat(BaseModel):
    """Tabela VAT: one row per rate of an approved (or buffered) document."""

    document = peewee.ForeignKeyField(Document, backref="vat_rows", on_delete="CASCADE")
    rate_code = peewee.CharField(max_length=10)
    rate = PercentField(default=0)
    net = MoneyField(default=0)
    vat = MoneyField(default=0)
    gross = MoneyField(default=0)
    net_pln = MoneyField(default=0)
    vat_pln = MoneyField(default=0)
    gross_pln = MoneyField(default=0)

    class Meta:
        table_name = "document_vat"


class DocumentPayment(BaseModel):
    """The payments tab (DOC-4): instalments planned on the document; posted to cash at approval."""

    document = peewee.ForeignKeyField(Document, backref="planned_payments", on_delete="CASCADE")
    position = peewee.IntegerField(default=0)
    form_id = peewee.IntegerField()                 # PaymentForm id
    amount = MoneyField()
    due_date = peewee.DateField(null=True)          # typed, or payment_terms() (CTF-45/46) at every buffer save
    due_typed = peewee.BooleanField(default=False)  # the user typed the due date: kept as typed

    class Meta:
        table_name = "document_payment"


LINK_RELATIONS = ("generated",    # document -> the WZ/PZ its approval generated (DOC-3/25/34)
                  "receipt",      # FS -> the PA it invoices (DOC-15…18)
                  "converted")    # warehouse document -> the trade document made from it (DOC-35/37b, later)


class DocumentLink(BaseModel):
    document = peewee.ForeignKeyField(Document, backref="links", on_delete="CASCADE")
    linked = peewee.ForeignKeyField(Document, backref="linked_from", on_delete="CASCADE")
    relation = peewee.CharField(max_length=10)

    class Meta:
        table_name = "document_link"


class DocumentEvent(BaseModel):
    """History of a document: every transition of its state, who and when."""

    document = peewee.ForeignKeyField(Document, backref="events", on_delete="CASCADE")
    at = peewee.DateTimeField(default=utcnow)
    operator = peewee.CharField(max_length=20, default="")
    event = peewee.CharField(max_length=16)
    state_from = peewee.CharField(max_length=10, default="")
    state_to = peewee.CharField(max_length=10, default="")
    note = peewee.CharField(max_length=250, default="")

    class Meta:
        table_name = "document_event"


MODELS = (DocumentLine, DocumentVat, DocumentPayment, DocumentLink, DocumentEvent)


def _document_indexes(db) -> None:
    for sql in ('CREATE INDEX IF NOT EXISTS "document_state_kind" ON "document" ("state", "kind", "id")',):
        db.execute_sql(sql)


def _numbers_taken_once(db) -> None:
    """A number is given once per class (= kind), series and period (store.numbering.given_once); buffered documents
    have no number_n and are not in the index."""
    numbers_taken_once(db, "document", ("kind", "series", "number_period", "number_n"), "document_number_taken")


MIGRATIONS = [
    Migration(1, "document headers", create_tables(Document)),
    Migration(2, "record versions (issue 16)", add_tracking_columns(Document)),
    Migration(3, "trade core: header columns, lines, VAT rows, payments, links, events (issue 11)",
              lambda db: (add_document_columns(db), create_tables(*MODELS)(db), _document_indexes(db))),
    Migration(4, "a document number is taken once (issue 11)", _numbers_taken_once),
]
