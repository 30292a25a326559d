"""F1: help for the focused widget and the keys of the current screen; the key diagnostic screen."""
from __future__ import annotations

import textual
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, RichLog, Static

from store.i18n import _


class HelpScreen(ModalScreen):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; height: 80%; border: thick $primary; background: $surface; padding: 1 2; }
    """
    BINDINGS = [Binding("escape,f1", "dismiss", _("Zamknij"), key_display="Esc")]

    def __init__(self, widget_help: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.widget_help, self.keys = widget_help, keys

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(f"[b]{_('Pomoc')}[/b]\n\n{self.widget_help}\n")
            lines = "\n".join(f"  {k:<22} {label}" for k, label in self.keys)
            yield Static(f"[b]{_('Klawisze tego okna')}[/b]\n{lines}")


class KeyDiagnostics(Screen):
    """Shows what the terminal delivers for each key: for support calls about eaten keys."""

    BINDINGS = [Binding("ctrl+f4", "dismiss", _("Zamknij"), key_display="^F4")]

    def compose(self) -> ComposeResult:
        yield Static(_("Diagnostyka klawiszy – naciskaj klawisze; Esc dwa razy zamyka. Textual {v}").format(
            v=textual.__version__))
        yield RichLog(id="keys-log")
        yield Footer()

    def on_mount(self) -> None:
        self._last_escape = False

    def on_key(self, event) -> None:
        log = self.query_one(RichLog)
        log.write(f"{_('klawisz')}: {event.key!r}  {_('znak')}: {event.character!r}  "
                  f"{_('aliasy')}: {', '.join(event.aliases)}")
        if event.key == "escape":
            if self._last_escape:
                self.dismiss()
            self._last_escape = True
        else:
            self._last_escape = False
        event.stop()
        event.prevent_default()
