"""Questions as modal screens. Every button answers to its underlined letter (T/N for Tak/Nie, Z/P/A for
Zapisz/Porzuć/Anuluj), Enter takes the highlighted button, Left/Right move between them, Esc cancels.
A long question scrolls; the dialog never needs more than the 80×24 screen."""
from __future__ import annotations

from typing import Any, Sequence

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from store.i18n import _


def accelerated(label: str) -> tuple[str, Content]:
    """A button label with its accelerator: „&Zapisz” or „Za&pisz” mark it, else the first letter.
    Returns (the letter, lower case; the label with that letter underlined)."""
    i = label.find("&")
    if i >= 0 and i + 1 < len(label):
        plain = label[:i] + label[i + 1:]
    else:
        plain, i = label.replace("&", ""), 0
    return plain[i].lower(), Content.assemble(plain[:i], (plain[i], "underline"), plain[i + 1:])


class ChoiceDialog(ModalScreen[Any]):
    """A question with several answers: `choices` = [(label, value)]; Esc answers `cancel`."""

    DEFAULT_CSS = """
    ChoiceDialog { align: center middle; }
    ChoiceDialog > Vertical { width: 70; max-width: 100%; height: auto; max-height: 100%;
                              border: thick $warning; background: $surface; padding: 0 1; }
    ChoiceDialog #choice-message { height: auto; max-height: 16; }
    ChoiceDialog Horizontal { height: auto; align-horizontal: center; margin-top: 1; }
    ChoiceDialog Button { margin: 0 1; min-width: 10; }
    """
    BINDINGS = [Binding("escape", "cancel", _("Anuluj"), key_display="Esc"),
                Binding("left", "move(-1)", show=False), Binding("right", "move(1)", show=False)]

    def __init__(self, message: str, choices: Sequence[tuple[str, Any]], *, default: int = 0,
                 cancel: Any = None, width: int = 70) -> None:
        super().__init__()
        self.width = width
        self.message, self.cancel_value = message, cancel
        self.choices = [(accelerated(label), value) for label, value in choices]
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical():
            with VerticalScroll(id="choice-message"):
                yield Static(self.message, id="confirm-message")
            with Horizontal():
                for i, ((_letter, label), _value) in enumerate(self.choices):
                    yield Button(label, id=f"choice-{i}", variant="primary" if i == self.default else "default")

    def on_mount(self) -> None:
        self.query_one(Vertical).styles.width = self.width
        self.query_one(f"#choice-{self.default}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(self.choices[int(event.button.id.removeprefix("choice-"))][1])

    def on_key(self, event: events.Key) -> None:
        letter = (event.character or "").lower()
        for (accel, _label), value in self.choices:
            if letter and letter == accel:
                event.stop()
                event.prevent_default()
                self.dismiss(value)
                return

    def action_cancel(self) -> None:
        self.dismiss(self.cancel_value)

    def action_move(self, step: int) -> None:
        (self.focus_next if step > 0 else self.focus_previous)(Button)


class ConfirmDialog(ChoiceDialog):
    """Yes/no: T answers Tak, N answers Nie; Enter = the highlighted answer (Nie unless default=True)."""

    def __init__(self, message: str, *, yes: str | None = None, no: str | None = None, default: bool = False):
        super().__init__(message, [(yes or _("&Tak"), True), (no or _("&Nie"), False)], default=0 if default else 1,
                         cancel=False)


def ask_save_or_discard(screen, question: str, *, save, discard) -> None:
    """Esc on a changed form or card: Zapisz (default) / Porzuć / Anuluj; Anuluj leaves the form as it is."""
    def answer(choice: str | None) -> None:
        if choice == "save":
            save()
        elif choice == "discard":
            discard()
    screen.app.push_screen(ChoiceDialog(question, [(_("&Zapisz"), "save"), (_("&Porzuć"), "discard"),
                                                   (_("&Anuluj"), None)], default=0), answer)
