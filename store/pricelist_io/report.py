"""The error report of an import: an XLSX the user opens in a spreadsheet, one line per problem."""
from __future__ import annotations

from store.i18n import _
from store.pricelist_io.plan import ImportPlan
from store.xlsx_export import export_rows


def report_headers() -> list[str]:
    return [_("Arkusz"), _("Wiersz"), _("Kolumna"), _("Wartość"), _("Przyczyna")]


def write_error_report(plan: ImportPlan, path) -> int:
    """Write every problem of `plan` (sheet, row number in the original file, column, value, reason);
    file-level warnings come first with an empty row number. Returns the number of lines."""
    def rows():
        for warning in plan.warnings:
            yield ("", None, "", "", warning)
        for e in plan.errors:
            yield (e.sheet or plan.sheet, e.row or None, e.column, e.value, e.reason)

    return export_rows(path, report_headers(), rows(), sheet_title=_("Błędy importu"))
