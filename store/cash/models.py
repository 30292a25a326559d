"""Cash and bank models (§11, §12): registers, reports, KP/KW entries, the Preliminarz, settlements.

Balances are kept, never summed on read: every writing transaction moves the report totals, the
opening/closing balances of the later reports, the end-of-day balances of the register and the
register balance together, under the register's row lock (store/cash/ledger.py).

Documents are referenced by id and guid columns only: cash never imports the trade area.
"""
from __future__ import annotations

import peewee

from store.base import BaseModel, TrackedModel, utcnow
from store.fields import MoneyField
from store.parties.models import Contractor

REGISTER_KINDS = ("cash", "bank")
ENTRY_KINDS = ("KP", "KW")
STATUSES = ("open", "settled", "not_subject")   # CTF-50 "Nie podlega"
SETTLEMENT_CODE = "!ROZLICZENIA!"                # SETT-9: technical register and contractor


class CashRegister(TrackedModel):
    """Rejestr kasowy/bankowy (CASH-1). `technical` = !ROZLICZENIA! (hidden, inactive, sync only)."""

    symbol = peewee.CharField(max_length=20, unique=True)
    name = peewee.CharField(max_length=120, default="")
    kind = peewee.CharField(max_length=5, default="cash")
    active = peewee.BooleanField(default=True)
    hidden = peewee.BooleanField(default=False)        # not on the register list (CASH-15)
    technical = peewee.BooleanField(default=False)     # no user entries; not held to the >= 0 rule
    currency = peewee.CharField(max_length=3, default="PLN")
    balance = MoneyField(default=0)                    # kept: after every entry of the register

    class Meta:
        table_name = "cash_register"


class CashReport(TrackedModel):
    """Raport kasowy/bankowy: a period of one register. `seq` orders the register's reports and is never
    renumbered (CASH-6); periods of one register never overlap. State: open, closed (CASH-9), exported
    (E, TrackedModel.exported), confirmed (GID from HQ)."""

    register = peewee.ForeignKeyField(CashRegister, backref="reports", on_delete="RESTRICT")
    seq = peewee.IntegerField()
    number = peewee.CharField(max_length=40)
    number_n = peewee.IntegerField(null=True)          # the counter value, series and period the number took:
    number_series = peewee.CharField(max_length=20, default="")   # unique together (store.numbering.given_once)
    number_period = peewee.CharField(max_length=7, default="")
    opening_date = peewee.DateField()
    closing_date = peewee.DateField(null=True)         # none until the user sets it (CASH-4)
    closed = peewee.BooleanField(default=False)
    opening_balance = MoneyField(default=0)            # kept
    receipts = MoneyField(default=0)                   # kept: sum of KP
    payments = MoneyField(default=0)                   # kept: sum of KW
    closing_balance = MoneyField(default=0)            # kept: opening + receipts - payments
    entry_count = peewee.IntegerField(default=0)       # kept
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "cash_report"
        indexes = ((("register", "seq"), True), (("register", "opening_date", "id"), False))


class CashDay(BaseModel):
    """Kept end-of-day balance of a register on each day that has entries: the >= 0 rule reads the later
    days' balances instead of summing entries, and the entry list shows running balances from it."""

    register = peewee.ForeignKeyField(CashRegister, on_delete="RESTRICT")
    day = peewee.DateField()
    net = MoneyField(default=0)        # KP - KW of the day
    balance = MoneyField(default=0)    # at the end of the day

    class Meta:
        table_name = "cash_day"
        indexes = ((("register", "day"), True),)


class CashEntry(TrackedModel):
    """Zapis kasowy KP (receipt) or KW (payment). Subject: a contractor only (CASH-7)."""

    register = peewee.ForeignKeyField(CashRegister, on_delete="RESTRICT")   # = report.register
    report = peewee.ForeignKeyField(CashReport, backref="entries", on_delete="RESTRICT")
    kind = peewee.CharField(max_length=2)
    number = peewee.CharField(max_length=40)
    number_n = peewee.IntegerField(null=True)          # as on a report; none on entries that came from HQ
    number_series = peewee.CharField(max_length=20, default="")
    number_period = peewee.CharField(max_length=7, default="")
    entry_date = peewee.DateField()
    contractor = peewee.ForeignKeyField(Contractor, on_delete="RESTRICT")
    contractor_code = peewee.CharField(max_length=50, default="")          # snapshot as issued
    contractor_name = peewee.CharField(max_length=250, default="")
    amount = MoneyField()                                                   # > 0
    signed = MoneyField()                                                   # +amount KP, -amount KW
    # Sum of `signed` of the register's entries of the same day up to this one in (date, id) order. A new
    # entry is always last of its day, so saving never rewrites other entries' running figures.
    day_running = MoneyField(default=0)
    payment_form = peewee.IntegerField(null=True)                           # PaymentForm id
    description = peewee.CharField(max_length=250, default="")
    document_id = peewee.IntegerField(null=True, index=True)                # trade document (no FK)
    document_guid = peewee.CharField(max_length=36, default="")
    document_number = peewee.CharField(max_length=40, default="")
    tendered = MoneyField(null=True)                                        # amount tendered (DOC-5)
    origin = peewee.CharField(max_length=8, default="user")                 # user | document | sync
    status = peewee.CharField(max_length=12, default="open")
    open_amount = MoneyField(default=0)                                     # not yet settled

    class Meta:
        table_name = "cash_entry"
        indexes = ((("register", "entry_date", "id"), False), (("report", "entry_date", "id"), False),
                   (("contractor", "entry_date"), False))


class Payment(TrackedModel):
    """Preliminarz płatności: one instalment of a document (DOC-4), to collect (+1) or to pay (-1)."""

    document_id = peewee.IntegerField(null=True, index=True)
    document_guid = peewee.CharField(max_length=36, default="")
    document_kind = peewee.CharField(max_length=5, default="")
    document_number = peewee.CharField(max_length=40, default="")
    contractor = peewee.ForeignKeyField(Contractor, on_delete="RESTRICT")
    sign = peewee.IntegerField()
    instalment = peewee.IntegerField(default=1)
    amount = MoneyField()
    open_amount = MoneyField()
    issue_date = peewee.DateField()
    due_date = peewee.DateField()
    expected_date = peewee.DateField()          # due date + the contractor's maximum delay (CTF-49)
    payment_form = peewee.IntegerField(null=True)
    form_name = peewee.CharField(max_length=40, default="")
    status = peewee.CharField(max_length=12, default="open")
    origin = peewee.CharField(max_length=8, default="document")

    class Meta:
        table_name = "cash_payment"
        indexes = ((("contractor", "status", "due_date"), False), (("due_date", "id"), False))


class Settlement(TrackedModel):
    """Rozliczenie: part of a payment settled by a cash entry."""

    payment = peewee.ForeignKeyField(Payment, backref="settlements", on_delete="RESTRICT")
    entry = peewee.ForeignKeyField(CashEntry, backref="settlements", on_delete="RESTRICT")
    amount = MoneyField()
    settled_on = peewee.DateField()

    class Meta:
        table_name = "cash_settlement"


class CreditOverride(BaseModel):
    """A credit or overdue limit warning the operator went past (CTF-43, OPER-7): who, when, the figures."""

    at = peewee.DateTimeField(default=utcnow)
    operator = peewee.CharField(max_length=20)
    contractor = peewee.ForeignKeyField(Contractor, on_delete="RESTRICT")
    kind = peewee.CharField(max_length=8)               # credit | overdue
    limit = MoneyField()
    debt = MoneyField()                                 # counted against the limit, after the document
    amount = MoneyField()                               # the document's value
    document_guid = peewee.CharField(max_length=36, default="")

    class Meta:
        table_name = "cash_credit_override"


MODELS = (CashRegister, CashReport, CashDay, CashEntry, Payment, Settlement, CreditOverride)
