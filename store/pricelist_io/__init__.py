"""Price-list import and export as XLSX (PIE): read with python-calamine, write with openpyxl.

    plan = validate_import(path, mode="add_update")   # reads and checks everything, writes nothing
    plan.summary(), plan.errors, plan.warnings        # shown to the user (Polish)
    write_error_report(plan, "bledy.xlsx")            # the problems as a spreadsheet
    result = apply_import(plan)                       # one transaction, set-based writes
    export_price_list("cennik.xlsx", goods_ids=None)  # PIE export, same columns

Modules: reader (safe XLSX opening, row cap, formula detection), cells (cell parsers),
columns (sheet layout, update choices), column_check (column-wise checks), plan (validation),
plan_refs (producers, suppliers), apply (bulk write), recheck (in-transaction re-checks), bulk_sql,
report, export.
"""
from __future__ import annotations

from store.pricelist_io.apply import ImportResult, apply_import
from store.pricelist_io.columns import (DEFAULT_UPDATE_FIELDS, SHEET_NAME, UPDATE_FIELDS, describe_fields,
                                        update_choices)
from store.pricelist_io.export import export_price_list, price_list_headers
from store.pricelist_io.plan import MODES, ImportPlan, RowError, validate_import
from store.pricelist_io.reader import DEFAULT_MAX_ROWS, CheckCancelled, XlsxRefused
from store.pricelist_io.report import write_error_report

__all__ = ["CheckCancelled", "DEFAULT_MAX_ROWS", "DEFAULT_UPDATE_FIELDS", "MODES", "SHEET_NAME", "UPDATE_FIELDS", "ImportPlan",
           "ImportResult", "RowError", "XlsxRefused", "apply_import", "describe_fields", "export_price_list",
           "price_list_headers", "update_choices", "validate_import", "write_error_report"]
