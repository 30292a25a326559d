"""A yes/no question as a modal screen. Enter = the highlighted answer (No by default), Esc = No."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from store.i18n import _


class ConfirmDialog(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical { width: 64; height: auto; border: thick $warning; background: $surface; padding: 1 2; }
    ConfirmDialog Horizontal { height: auto; align-horizontal: center; margin-top: 1; }
    ConfirmDialog Button { margin: 0 2; }
    """
    BINDINGS = [Binding("escape", "answer(False)", _("Nie"), key_display="Esc"),
                Binding("t", "answer(True)", _("Tak"), show=False),
                Binding("n", "answer(False)", _("Nie"), show=False),
                Binding("left,right", "toggle_focus", show=False)]

    def __init__(self, message: str, *, yes: str | None = None, no: str | None = None, default: bool = False):
        super().__init__()
        self.message, self.default = message, default
        self.yes_label, self.no_label = yes or _("Tak"), no or _("Nie")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.message, id="confirm-message")
            with Horizontal():
                yield Button(self.yes_label, id="yes", variant="warning")
                yield Button(self.no_label, id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default else "#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    def action_toggle_focus(self) -> None:
        self.focus_next(Button)
