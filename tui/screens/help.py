"""F1: help for the focused widget and the keys of the current screen; the key diagnostic screen."""
from __future__ import annotations

import textual
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import RichLog, Static

from store.i18n import _
from tui import keymap
from tui.widgets.key_bar import KeyBar


# Textual's own bindings (fields, grids, lists) in Polish; one not named here is not listed by F1, so the
# help never shows an English word. The keys themselves are written as on the keyboard (keymap.key_names).
TEXTUAL_LABELS = {
    "Delete character left": "Usuń znak w lewo", "Delete character right": "Usuń znak w prawo",
    "Delete left to start of word": "Usuń słowo w lewo", "Delete right to start of word": "Usuń słowo w prawo",
    "Delete all to the left": "Usuń wszystko w lewo", "Delete all to the right": "Usuń wszystko w prawo",
    "Go to start": "Na początek pola", "Go to end": "Na koniec pola", "Move cursor left": "Kursor w lewo",
    "Move cursor right or accept the completion suggestion": "Kursor w prawo",
    "Move cursor left a word": "Słowo w lewo", "Move cursor right a word": "Słowo w prawo",
    "Select all": "Zaznacz cały tekst", "Copy selected text": "Kopiuj zaznaczony tekst",
    "Cut selected text": "Wytnij zaznaczony tekst", "Paste text from the clipboard": "Wklej",
    "Copy": "Kopiuj", "Cut": "Wytnij", "Paste": "Wklej", "Undo": "Cofnij", "Redo": "Ponów",
    "Submit": "Zatwierdź", "Toggle": "Przełącz", "Select": "Wybierz", "Press button": "Naciśnij przycisk",
    "Cursor up": "Wiersz w górę", "Cursor down": "Wiersz w dół", "Cursor Up": "Wiersz w górę",
    "Cursor Down": "Wiersz w dół", "Cursor left": "W lewo", "Cursor right": "W prawo",
    "Page up": "Strona w górę", "Page down": "Strona w dół", "Page Up": "Strona w górę",
    "Page Down": "Strona w dół", "Top": "Pierwszy wiersz", "Bottom": "Ostatni wiersz", "First": "Pierwsza pozycja",
    "Last": "Ostatnia pozycja", "Up": "W górę", "Down": "W dół", "Home": "Początek", "End": "Koniec",
    "Scroll Up": "Przewiń w górę", "Scroll Down": "Przewiń w dół", "Scroll Home": "Przewiń na początek",
    "Scroll End": "Przewiń na koniec", "Delete line": "Usuń wiersz", "Delete to line end": "Usuń do końca wiersza",
    "Delete to line start": "Usuń do początku wiersza", "Cursor line start": "Początek wiersza",
    "Cursor line end": "Koniec wiersza", "Cursor word left": "Słowo w lewo", "Cursor word right": "Słowo w prawo",
}


_TEXTUAL_DESCRIPTIONS: set[str] | None = None


def _textual_descriptions() -> set[str]:
    """Every description Textual's own widgets give their keys (English): never shown untranslated."""
    global _TEXTUAL_DESCRIPTIONS
    if _TEXTUAL_DESCRIPTIONS is None:
        import textual.widgets as widgets
        from textual.app import App
        from textual.containers import ScrollableContainer
        from textual.screen import Screen

        classes = [getattr(widgets, name) for name in widgets.__all__] + [App, Screen, ScrollableContainer]
        _TEXTUAL_DESCRIPTIONS = {getattr(b, "description", "") for cls in classes if isinstance(cls, type)
                                 for b in getattr(cls, "BINDINGS", [])}
    return _TEXTUAL_DESCRIPTIONS


def help_keys(screen) -> list[tuple[str, str]]:
    """(keys as written on the keyboard, Polish label) of every key working on this screen now: the key map's
    and Filia's own keys in the footer's order first, then those of the focused field or list that Textual
    provides, in Polish. A key Textual describes only in English is left out."""
    ours: dict[tuple[str, str], int] = {}
    theirs: set[tuple[str, str]] = set()
    for active in screen.active_bindings.values():
        b = active.binding
        if not b.description:
            continue
        if b.description in TEXTUAL_LABELS:
            theirs.add((keymap.key_names(b.key), _(TEXTUAL_LABELS[b.description])))
        elif b.description not in _textual_descriptions():
            item = (b.key_display or keymap.key_names(b.key), b.description)
            ours[item] = min(ours.get(item, 99), keymap.rank(b))
    return [item for item, _r in sorted(ours.items(), key=lambda kv: (kv[1], kv[0]))] + sorted(theirs - set(ours))


class HelpScreen(ModalScreen):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; max-width: 100%; height: 80%;
                                  min-height: 10; max-height: 100%; border: thick $primary; background: $surface;
                                  padding: 1 2; }
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
        yield KeyBar()

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
