"""Cash and bank (Kasa/Bank): registers, cash reports, KP/KW, the Preliminarz, payments of documents.

Modules:
  models      registers, reports, kept day balances, entries, payments, settlements, credit overrides
  ledger      the kept balances moved in every writing transaction; the >= 0 rule; `transaction`
  registers   registers and payment forms (from HQ in a branch, CASH-1/2), !ROZLICZENIA! (SETT-9)
  reports     open, dates, close, reopen, delete, first report from sync, export selection (CASH-4…13, 20)
  entries     user KP/KW (CASH-4, 7, 15)
  payments    DocumentPayments: posting at approval, cancellation, payment terms (the trade core's API)
  credit      credit and overdue limits (CTF-43, OPER-7, SETT-16)
  options     SETUP-13 parameters
  listing     the list specs of the screens; cards: what the cards load and save

Cash never imports the trade area: documents are referenced by id and guid columns.
"""
from __future__ import annotations

import peewee

from store.cash.models import (MODELS, SETTLEMENT_CODE, CashDay, CashEntry, CashRegister, CashReport,  # noqa: F401
                               CreditOverride, Payment, Settlement)
from store.schema import Migration, add_column_if_missing, create_tables


def _operator_credit_flag(db) -> None:
    add_column_if_missing("operator", "may_exceed_credit", peewee.BooleanField(default=False))(db)


def _branch_settlement_objects(db) -> None:
    """SETT-9 for branch databases created before the cash area (a new one gets them at set-up)."""
    from store.cash.registers import ensure_settlement_objects

    ensure_settlement_objects()


def _numbers_taken_once(db) -> None:
    """Reports and KP/KW keep the counter value, series and period their number took; a number is then given once
    (store.numbering.given_once). Rows numbered before this migration carry no counter value and stay out of it."""
    from store.numbering import numbers_taken_once

    for table in ("cash_report", "cash_entry"):
        add_column_if_missing(table, "number_n", peewee.IntegerField(null=True))(db)
        add_column_if_missing(table, "number_series", peewee.CharField(max_length=20, default=""))(db)
        add_column_if_missing(table, "number_period", peewee.CharField(max_length=7, default=""))(db)
    numbers_taken_once(db, "cash_report", ("number_series", "number_period", "number_n"), "cash_report_number_taken")
    numbers_taken_once(db, "cash_entry", ("kind", "number_series", "number_period", "number_n"),
                       "cash_entry_number_taken")


MIGRATIONS = [
    Migration(1, "cash: registers, reports, day balances, KP/KW, Preliminarz, settlements, credit overrides",
              create_tables(*MODELS)),
    Migration(2, "operator may sell past the credit limit (CTF-43)", _operator_credit_flag),
    Migration(3, "branch: register and contractor !ROZLICZENIA! (SETT-9)", _branch_settlement_objects),
    Migration(4, "a report's and a KP/KW's number is taken once (issue 11 §2)", _numbers_taken_once),
]

from store.cash.credit import CreditCheck, credit_check, may_exceed_credit, record_credit_override  # noqa: E402,F401
from store.cash.entries import EntryDraft, delete_entry, save_entry  # noqa: E402,F401
from store.cash.options import option, set_option  # noqa: E402,F401
from store.cash.payments import (DocumentPayments, Instalment, PaymentTerms, PostedPayments,  # noqa: E402,F401
                                 cancel_document_payments, confirm_document_payments, payment_terms,
                                 post_document_payments, post_document_payments_joined)
from store.cash.registers import (apply_hq_payment_forms, apply_hq_registers, default_register_id,  # noqa: E402,F401
                                  delete_register, ensure_settlement_objects, save_register,
                                  set_payment_form_register, visible_registers)
from store.cash.reports import (ExportSelection, ReportForExport, confirm_report, create_report,  # noqa: E402,F401
                                delete_report, ensure_first_report, mark_reports_exported, reports_for_export,
                                save_report, set_closed)


def contractor_usage(contractor_id: int) -> tuple[int, int]:
    """(cash entries, Preliminarz payments) of a contractor: a used contractor cannot be deleted (CONF-1)."""
    return (CashEntry.select().where(CashEntry.contractor == contractor_id).count(),
            Payment.select().where(Payment.contractor == contractor_id).count())
