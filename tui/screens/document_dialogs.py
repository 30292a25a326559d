"""Small dialogs of the document form: the PA cash dialog (DOC-5), the list of refusal reasons, and the
batch-approval report (a line's quantity and price: tui.screens.document_line_entry)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from store.i18n import _


def parse_decimal(text: str) -> Decimal | None:
    """A number as a clerk types it: „1,5”, „1.5”, „1 234,50”; None when it is not a number."""
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def money(value) -> str:
    return f"{Decimal(value or 0):,.2f}".replace(",", " ").replace(".", ",")


class _Dialog(ModalScreen):
    DEFAULT_CSS = """
    _Dialog { align: center middle; }
    _Dialog > Vertical { width: 64; max-width: 100%; height: auto; max-height: 100%;
                         border: thick $primary; background: $surface; padding: 0 1; }
    _Dialog .dialog-error { color: $error; height: auto; }
    _Dialog Input { width: 100%; }
    """
    BINDINGS = [Binding("escape", "cancel", _("Anuluj"), key_display="Esc")]

    def action_cancel(self) -> None:
        self.dismiss(None)


class CashDialog(_Dialog):
    """DOC-5: the amount tendered for a cash receipt; the change is shown; less than the gross is refused."""

    def __init__(self, gross: Decimal) -> None:
        super().__init__()
        self.gross = Decimal(gross)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Płatność gotówką – do zapłaty: {brutto}").format(brutto=money(self.gross)),
                         classes="dialog-title")
            yield Static(_("Wpłata:"))
            yield Input(money(self.gross).replace(" ", ""), id="cash-tendered", select_on_focus=True)
            yield Static(_("Reszta: {reszta}").format(reszta=money(0)), id="cash-change")
            yield Static("", classes="dialog-error", id="cash-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        value = parse_decimal(event.value)
        change = value - self.gross if value is not None and value >= self.gross else Decimal(0)
        self.query_one("#cash-change", Static).update(_("Reszta: {reszta}").format(reszta=money(change)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = parse_decimal(event.value)
        if value is None or value < self.gross:
            shown = money(value) if value is not None else event.value
            self.query_one("#cash-error", Static).update(
                _("Kwota wpłacona ({wplata}) jest mniejsza od wartości brutto paragonu ({brutto}).")
                .format(wplata=shown, brutto=money(self.gross)))
            return
        self.dismiss(value)


class MessageDialog(_Dialog):
    """A report or a list of reasons; Enter or Esc closes it."""

    DEFAULT_CSS = """
    MessageDialog > Vertical { width: 90; }
    MessageDialog VerticalScroll { height: auto; max-height: 18; }
    """
    BINDINGS = [Binding("escape,enter", "cancel", _("Zamknij"), key_display="Enter")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="dialog-title")
            with VerticalScroll():
                yield Static(self.text, id="message-text")
