"""Cash cards: register, cash report (dates, *Zamknięty*) and the KP/KW entry. Insert/Ctrl+S/Esc as every card;
each calls store.cash.cards only."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Static

from store.cash import cards
from store.errors import FiliaError
from store.i18n import _
from tui.widgets.form import FormField, FormScreen


class CashCard(FormScreen):
    """One column of fields under a title line; subclasses say what they load and save."""

    DEFAULT_CSS = """
    CashCard #card-title { text-style: bold; background: $primary 40%; padding: 0 1; }
    CashCard #cash-fields { height: 1fr; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.version: int | None = None

    def fields(self) -> list[FormField]:
        return []

    def title_text(self) -> str:
        return ""

    def load_values(self) -> dict:
        return {}

    def locks(self) -> dict[str, str]:
        return {}

    def compose(self) -> ComposeResult:
        with Vertical(id="form-body"):
            yield Static("", id="card-title")
            yield Static("", id="form-banner")
            yield Static("", id="form-errors")
            with VerticalScroll(id="cash-fields"):
                yield from self.fields()
        yield Footer()

    def on_mount(self) -> None:
        try:
            values = self.load_values()
        except FiliaError as exc:
            self.notify(str(exc), severity="error")
            self.dismiss(None)
            return
        self.version = values.pop("version", None)
        self.load(values)
        locks = self.locks()
        if locks:
            self.set_locks(locks)
        self.query_one("#card-title", Static).update(self.title_text())
        self.call_after_refresh(self._after_load)

    def _after_load(self) -> None:
        first = next((f for f in self.form_fields().values() if not f.control.disabled), None)
        if first is not None:
            self.set_focus(first.control)   # now, not deferred: the card says it is ready only once focused
        self.mark_clean()


class RegisterCard(CashCard):
    """Rejestr kasowy/bankowy. Read-only in a branch, where HQ defines registers (CASH-1)."""

    def __init__(self, register_id: int | None = None, *, copy_from: int | None = None) -> None:
        super().__init__()
        self.register_id, self.copy_from = register_id, copy_from

    def fields(self):
        return [FormField("symbol", _("Symbol"), required=True, max_length=20),
                FormField("name", _("Nazwa"), max_length=120),
                FormField("kind", _("Rodzaj"), "choice", choices=cards.register_kind_choices()),
                FormField("active", _("Aktywny"), "bool")]

    def title_text(self) -> str:
        return _("Rejestr kasowy/bankowy – {s}").format(s=_("nowy") if self.register_id is None else _("zmiana"))

    def load_values(self) -> dict:
        return cards.register_form(self.register_id, self.copy_from)

    def locks(self) -> dict[str, str]:
        reason = cards.register_lock_reason()
        if reason:
            self.show_banner(reason)
            return {name: reason for name in ("symbol", "name", "kind", "active")}
        return {}

    def unchanged_result(self):
        return self.register_id

    def save_values(self, values, grids, confirm):
        return cards.save_register_form(self.register_id, self.version, values)


class ReportCard(CashCard):
    """Raport kasowy: opening and closing date, *Zamknięty* (CASH-4, CASH-6, CASH-9, CASH-13)."""

    def __init__(self, register_id: int | None, report_id: int | None = None) -> None:
        super().__init__()
        self.register_id, self.report_id = register_id, report_id

    def fields(self):
        return [FormField("opening_date", _("Data otwarcia"), required=True, max_length=10),
                FormField("closing_date", _("Data zamknięcia"), max_length=10),
                FormField("closed", _("Zamknięty"), "bool")]

    def title_text(self) -> str:
        return cards.report_title(self.register_id, self.report_id)

    def load_values(self) -> dict:
        return cards.report_form(self.register_id, self.report_id)

    def unchanged_result(self):
        return self.report_id

    def save_values(self, values, grids, confirm):
        return cards.save_report_form(self.register_id, self.report_id, self.version, values)


class EntryCard(CashCard):
    """Zapis kasowy KP/KW of one report: date, contractor (code), amount, description (CASH-7)."""

    def __init__(self, report_id: int | None, entry_id: int | None = None) -> None:
        super().__init__()
        self.report_id, self.entry_id = report_id, entry_id

    def fields(self):
        return [FormField("kind", _("Rodzaj"), "choice", choices=cards.entry_kind_choices()),
                FormField("entry_date", _("Data"), required=True, max_length=10),
                FormField("contractor", _("Kontrahent (kod)"), required=True, max_length=50),
                FormField("amount", _("Kwota"), required=True, max_length=20),
                FormField("description", _("Opis"), max_length=250)]

    def title_text(self) -> str:
        return cards.entry_title(self.report_id, self.entry_id)

    def load_values(self) -> dict:
        return cards.entry_form(self.report_id, self.entry_id)

    def locks(self) -> dict[str, str]:
        return cards.entry_locks(self.entry_id)

    def unchanged_result(self):
        return self.entry_id

    def save_values(self, values, grids, confirm):
        return cards.save_entry_form(self.report_id, self.entry_id, self.version, values)
