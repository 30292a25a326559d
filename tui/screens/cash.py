"""Kasa/Bank lists on the list engine: registers, reports of a register, KP/KW entries, the Preliminarz.

Registers: Enter opens the register's reports; Insert adds a register (HQ, standalone; a branch is told
HQ defines them, CASH-1). Reports: Insert opens a new report, Enter its entries; the palette (F11/Ctrl+O)
has the report card (dates), *Zamknij raport* and *Otwórz raport*. Entries: Insert adds a KP/KW, Enter
changes it, Delete deletes it. The Preliminarz is view only (SETT-1).
"""
from __future__ import annotations

from store import cash
from store.cash import cards, listing
from store.errors import FiliaError
from store.i18n import _
from tui.screens.cash_cards import EntryCard, RegisterCard, ReportCard
from tui.screens.list_screen import ListBehaviour, ListScreen

MODULE = "KASA"


class _Register:
    """The register a list works on: given, or the default one looked up when the list opens."""

    def __init__(self, register_id: int | None) -> None:
        self._id = register_id

    @property
    def id(self) -> int | None:
        if self._id is None:
            self._id = cash.default_register_id()
        return self._id


def _row_describe(row: tuple) -> str:
    return " – ".join(str(v) for v in row[1:3] if v not in (None, ""))


def _push_list(screen, behaviour: ListBehaviour) -> None:
    screen.app.push_screen(ListScreen(behaviour), lambda _result: screen.action_refresh())


def _report_under_cursor(screen) -> int | None:
    rid = getattr(screen, "report_id", None) or screen.list.cursor_id
    if rid is None:
        screen.notify(_("Wskaż raport na liście."), severity="warning")
    return rid


def _set_closed(screen, closed: bool, report_id: int | None = None) -> None:
    rid = report_id or _report_under_cursor(screen)
    if rid is None:
        return
    try:
        report = cash.set_closed(rid, closed)
    except FiliaError as exc:
        screen.notify(str(exc), title=_("Raport kasowy"), severity="error", timeout=10)
        return
    text = _("Raport {nr} zamknięty.") if closed else _("Raport {nr} otwarty.")
    screen.notify(text.format(nr=report.number), title=_("Raport kasowy"))
    screen.action_refresh()


def _report_commands(register: _Register, report_id: int | None = None) -> list:
    def card(screen) -> None:
        rid = report_id or _report_under_cursor(screen)
        if rid is not None:
            screen.app.push_screen(ReportCard(register.id, rid), lambda _result: screen.action_refresh())

    return [("report_card", _("Formularz raportu (daty, zamknięcie)"), card),
            ("close_report", _("Zamknij raport"), lambda screen: _set_closed(screen, True, report_id)),
            ("reopen_report", _("Otwórz raport"), lambda screen: _set_closed(screen, False, report_id))]


def entries(report_id: int, register_id: int | None = None) -> ListBehaviour:
    register = _Register(register_id)
    return ListBehaviour(
        key="cash_entries", title=cards.entries_title(report_id),
        spec=lambda: listing.entry_list(report_id=report_id),
        card=lambda entry_id, copy_from=None: EntryCard(report_id, entry_id),
        delete=cash.delete_entry, describe=_row_describe, module=MODULE,
        serial=_report_commands(register, report_id))


def register_entries(register_id: int | None = None) -> ListBehaviour:
    register = _Register(register_id)

    def card(entry_id, copy_from=None):
        report_id = cards.report_of_entry(entry_id) if entry_id else cards.last_report_id(register.id)
        return EntryCard(report_id, entry_id)

    return ListBehaviour(
        key="cash_register_entries", title=_("Zapisy kasowe/bankowe"),
        spec=lambda: listing.entry_list(register_id=register.id), card=card, delete=cash.delete_entry,
        describe=_row_describe, module=MODULE)


def reports(register_id: int | None = None) -> ListBehaviour:
    register = _Register(register_id)

    def card(report_id, copy_from=None):
        if report_id is None:
            return ReportCard(register.id, None)
        screen = ListScreen(entries(report_id, register.id))
        screen.report_id = report_id          # the palette's report commands act on this report
        return screen

    def all_entries(screen) -> None:
        _push_list(screen, register_entries(register.id))

    return ListBehaviour(
        key="cash_reports", title=_("Raporty kasowe/bankowe"), spec=lambda: listing.report_list(register.id),
        card=card, delete=cash.delete_report, describe=_row_describe, module=MODULE,
        filters=[("open", _("tylko otwarte"))],
        serial=_report_commands(register) + [("register_entries", _("Zapisy kasowe rejestru"), all_entries)])


def registers() -> ListBehaviour:
    def card(register_id, copy_from=None):
        if register_id is None:
            return RegisterCard(None, copy_from=copy_from)
        return ListScreen(reports(register_id))

    def register_card(screen) -> None:
        if screen.list.cursor_id is not None:
            screen.app.push_screen(RegisterCard(screen.list.cursor_id), lambda _result: screen.action_refresh())

    return ListBehaviour(
        key="cash_registers", title=_("Rejestry kasowe/bankowe"), spec=listing.register_list, card=card,
        delete=cash.delete_register, describe=_row_describe, module=MODULE,
        serial=[("register_card", _("Formularz rejestru"), register_card),
                ("register_entries", _("Zapisy kasowe rejestru"),
                 lambda screen: _push_list(screen, register_entries(screen.list.cursor_id)))])


def payments() -> ListBehaviour:
    return ListBehaviour(
        key="cash_payments", title=_("Preliminarz płatności"), spec=listing.payment_list, module=MODULE,
        describe=_row_describe, filters=[("open", _("tylko nierozliczone"))])


LISTS = {"cash_registers": registers, "cash_reports": reports, "cash_entries": register_entries,
         "cash_payments": payments}
MENU = [("Kasa/Bank", "Rejestry kasowe/bankowe", "cash_registers"),
        ("Kasa/Bank", "Raporty kasowe/bankowe", "cash_reports"),
        ("Kasa/Bank", "Zapisy kasowe/bankowe", "cash_entries"),
        ("Kasa/Bank", "Preliminarz płatności", "cash_payments")]
