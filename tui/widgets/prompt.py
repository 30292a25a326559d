"""Ask for one line of text (a file path, a new code). Enter accepts, Esc cancels (None)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from store.i18n import _


class PromptDialog(ModalScreen[str | None]):
    DEFAULT_CSS = """
    PromptDialog { align: center middle; }
    PromptDialog > Vertical { width: 80; max-width: 100%; height: auto;
                              max-height: 100%; border: thick $primary; background: $surface; padding: 1 2; }
    """
    BINDINGS = [Binding("escape", "cancel", _("Anuluj"), key_display="Esc")]

    def __init__(self, question: str, value: str = "") -> None:
        super().__init__()
        self.question, self.value = question, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question)
            yield Input(self.value, id="prompt-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_save_path(app, question: str, default: str, chosen) -> None:
    """Ask where to write a file; an existing file is replaced only after „Tak” (export and print never
    overwrite without asking). „Nie” asks for the path again, so another name can be typed; Esc gives up.
    `chosen(path)` gets the path typed (a str, as PromptDialog gives it) or None."""
    from pathlib import Path

    from tui.widgets.confirm import ConfirmDialog

    def typed(path: str | None) -> None:
        if not path or not path.strip():
            chosen(None)
            return
        target = Path(path.strip()).expanduser()
        if not target.exists():
            chosen(path)
            return
        if target.is_dir():
            app.notify(_("{path} jest katalogiem – podaj nazwę pliku.").format(path=target), severity="warning")
            app.push_screen(PromptDialog(question, str(target / Path(default).name)), typed)
            return

        def answer(replace: bool | None) -> None:
            if replace:
                chosen(path)
            else:
                app.push_screen(PromptDialog(question, path), typed)
        app.push_screen(ConfirmDialog(_("Plik {path} już istnieje. Zastąpić go?").format(path=target)), answer)

    app.push_screen(PromptDialog(question, default), typed)
