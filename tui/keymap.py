"""The whole key map as data: action id, Optima key, terminal-safe alternates, contexts, label.

Optima's key stays bound wherever a terminal can deliver it; an alternate that every terminal
delivers is bound as well and the footer shows both (spec optima_keys.md, "Terminal reality").
Users remap by action id in `keys.toml` in the config directory:

    [keys]
    list.edit = "f2,ctrl+j"
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from textual.binding import Binding

from store.i18n import _


@dataclass(frozen=True)
class KeyAction:
    id: str                 # binding id, also the key in keys.toml
    action: str             # Textual action name on the widget/screen that owns the context
    optima: str             # Optima's key ("" when Optima has none)
    alternates: tuple[str, ...]
    context: str            # app | list | lookup | form | lookup_field | menu
    label: str              # Polish footer label (msgid)
    display: str = ""       # footer text of the keys, e.g. "Ins/^N"
    show: bool = True
    priority: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for k in (self.optima, *self.alternates) if k)


# Keys every terminal delivers (tui_anchors.md d.4). Each action needs at least one of them.
SAFE_KEYS = {f"f{i}" for i in range(2, 10)} | {
    "insert", "delete", "enter", "escape", "space", "tab", "up", "down", "left", "right", "pageup", "pagedown",
    "home", "end", "backspace"} | {f"ctrl+{c}" for c in "defgjklnoprstuvwxy"}

ACTIONS: tuple[KeyAction, ...] = (
    # app-wide
    KeyAction("app.help", "help", "f1", (), "app", "Pomoc", "F1", priority=True),
    KeyAction("app.palette", "command_palette", "f11", ("ctrl+o",), "app", "Operacje", "F11/^O", priority=True),
    KeyAction("app.keys", "key_diagnostics", "", ("f12",), "app", "Klawisze", "F12", show=False),
    KeyAction("app.quit", "request_quit", "", ("ctrl+q",), "app", "Zakończ", "^Q", priority=True),
    KeyAction("app.config", "refresh_config", "f9", (), "app", "Odśwież konfigurację", "F9", show=False),
    # lists (Optima: the same on every list, 003:1216)
    # Keys that open a card are priority bindings: handled before the next typed key is routed,
    # so type-ahead lands in the new card and not in the list's locator.
    KeyAction("list.add", "add", "insert", ("ctrl+n",), "list", "Dodaj", "Ins/^N", priority=True),
    KeyAction("list.edit", "edit", "ctrl+enter", ("f2", "ctrl+j"), "list", "Zmień", "F2/^J", priority=True),
    KeyAction("list.open", "open", "enter", (), "list", "Otwórz", "Enter", show=False),
    KeyAction("list.copy", "copy", "ctrl+insert", ("ctrl+k",), "list", "Kopiuj", "^Ins/^K", priority=True),
    KeyAction("list.delete", "delete", "delete", (), "list", "Usuń", "Del"),
    KeyAction("list.refresh", "refresh", "f5", (), "list", "Odśwież", "F5"),
    KeyAction("list.mark", "toggle_mark", "space", (), "list", "Zaznacz", "Spacja"),
    KeyAction("list.mark_all", "mark_all", "ctrl+a", ("ctrl+l",), "list", "Zaznacz wszystkie", "^A/^L", show=False),
    KeyAction("list.unmark_all", "unmark_all", "", ("ctrl+u",), "list", "Odznacz wszystkie", "^U", show=False),
    KeyAction("list.invert_marks", "invert_marks", "", ("ctrl+y",), "list", "Odwróć zaznaczenie", "^Y",
              show=False),
    KeyAction("list.filter", "focus_filter", "f7", ("ctrl+f",), "list", "Filtr", "F7/^F"),
    KeyAction("list.sort", "next_sort", "", ("f3",), "list", "Sortuj", "F3"),
    KeyAction("list.sort_reverse", "reverse_sort", "", ("shift+f3", "ctrl+r"), "list", "Odwróć sortowanie",
              "^R", show=False),
    KeyAction("list.export", "export_xlsx", "", ("ctrl+e",), "list", "Eksport XLSX", "^E"),
    KeyAction("list.print", "print_list", "", ("ctrl+p",), "list", "Drukuj", "^P"),
    KeyAction("list.close", "close", "escape", ("ctrl+f4",), "list", "Zamknij", "Esc"),
    KeyAction("list.first", "first", "ctrl+home", ("home",), "list", "Pierwszy", "Home", show=False),
    KeyAction("list.last", "last", "ctrl+end", ("end",), "list", "Ostatni", "End", show=False),
    # lookups: Enter picks, edit stays on Ctrl+Enter/F2
    KeyAction("lookup.pick", "pick", "enter", (), "lookup", "Wybierz", "Enter"),
    # forms
    # Not a priority binding: a priority key runs before characters typed just ahead of it reach
    # their field, so a fast "type the name, Ctrl+S" would save without the name.
    KeyAction("form.save", "save", "", ("ctrl+s",), "form", "Zapisz", "^S"),
    KeyAction("form.close", "close", "escape", ("ctrl+f4",), "form", "Zamknij", "Esc"),
    KeyAction("form.next_tab", "next_tab", "ctrl+pagedown", ("f6",), "form", "Następna zakładka", "F6"),
    KeyAction("form.prev_tab", "prev_tab", "ctrl+pageup", ("shift+f6",), "form", "Poprzednia zakładka", "⇧F6",
              show=False),
    # Tab as a priority binding moves focus the moment it arrives, so characters typed right after it
    # land in the next field and not, out of order, in the one being left.
    KeyAction("form.next_field", "next_field", "tab", (), "form", "Następne pole", "Tab", show=False,
              priority=True),
    KeyAction("form.prev_field", "app.focus_previous", "shift+tab", (), "form", "Poprzednie pole", "⇧Tab",
              show=False, priority=True),
    KeyAction("form.gus", "gus_lookup", "ctrl+shift+g", ("ctrl+g",), "form", "GUS", "^G", show=False),
    # a document form (issue 14): the line grid and approval; Ctrl+S saves keeping *Bufor*
    KeyAction("doc.add_line", "add_line", "insert", ("ctrl+n",), "document", "Dodaj pozycję", "Ins/^N",
              priority=True),
    KeyAction("doc.delete_line", "delete_line", "delete", (), "document", "Usuń pozycję", "Del"),
    KeyAction("doc.approve", "approve", "", ("f8",), "document", "Zatwierdź", "F8"),
    KeyAction("doc.print", "print_document", "", ("ctrl+p",), "document", "Drukuj", "^P"),
    # DICT-20: the price thresholds of the highlighted line (Shift+Insert never reaches us through PuTTY)
    KeyAction("doc.thresholds", "show_thresholds", "shift+insert", ("ctrl+t",), "document", "Progi cen", "^T"),
    # a reference field (lookup): F4 (or Tab/Enter in the empty field) opens the dictionary's list
    KeyAction("form.lookup", "open_lookup", "f4", (), "lookup_field", "Lista", "F4"),
    # ... and F2/Ctrl+J (Ctrl+Enter where it arrives) the card of the chosen record (issue 14 §1)
    KeyAction("form.lookup_card", "open_card", "ctrl+enter", ("f2", "ctrl+j"), "lookup_field", "Karta", "F2/^J"),
    # price list and goods card (PRC, ITM-20): Shift+Insert never reaches us through PuTTY -> Ctrl+T / palette
    KeyAction("list.prices", "app.list_command('prices')", "shift+insert", ("ctrl+t",), "list", "Ceny", "⇧Ins/^T",
              show=False),
    KeyAction("goods_card.prices", "price_table", "shift+insert", ("ctrl+t",), "goods_card", "Ceny", "⇧Ins/^T"),
)


# The footer shows keys in this order, as many as fit (80 columns holds about six); F1 lists them all.
FOOTER_ORDER = (
    "lookup.pick", "list.add", "list.edit", "list.delete", "list.filter", "list.sort", "list.mark",
    "list.refresh", "list.export", "list.print", "doc.add_line", "doc.delete_line", "form.save", "doc.approve",
    "doc.print", "doc.thresholds", "goods_card.prices", "form.lookup", "form.lookup_card",
    "form.next_tab", "list.close", "form.close", "app.palette", "app.quit",
)
_RANK = {ident: i for i, ident in enumerate(FOOTER_ORDER)}


def rank(binding: Binding) -> int:
    """Where the footer shows a binding: key-map order first, other shown keys after them."""
    return _RANK.get(binding.id or "", len(_RANK))


KEY_NAMES = {
    "escape": "Esc", "enter": "Enter", "space": "Spacja", "tab": "Tab", "backspace": "Backspace",
    "insert": "Ins", "delete": "Del", "home": "Home", "end": "End", "pageup": "PgUp", "pagedown": "PgDn",
    "up": "↑", "down": "↓", "left": "←", "right": "→", "ctrl": "Ctrl", "shift": "Shift", "alt": "Alt",
    "minus": "-", "plus": "+", "comma": ",", "full_stop": ".", "slash": "/", "asterisk": "*",
}


def key_name(key: str) -> str:
    """A Textual key name as a Polish user reads it on the keyboard: ctrl+pagedown -> Ctrl+PgDn."""
    parts = key.split("+")
    return "+".join(KEY_NAMES.get(p, p.upper() if (len(p) == 1 or p[:1] == "f" and p[1:].isdigit()) else p)
                    for p in parts)


def key_names(keys: str) -> str:
    """Several comma-separated keys: ctrl+enter,f2 -> Ctrl+Enter/F2."""
    return "/".join(key_name(k.strip()) for k in keys.split(",") if k.strip())


def by_id() -> dict[str, KeyAction]:
    return {a.id: a for a in ACTIONS}


def bindings(context: str) -> list[Binding]:
    """Textual bindings of one context, ids set so the user's keymap can rebind them."""
    out = []
    for a in ACTIONS:
        if a.context != context:
            continue
        out.append(Binding(",".join(a.keys), a.action, _(a.label), show=a.show, key_display=a.display or None,
                           priority=a.priority, id=a.id))
    return out


def config_path() -> Path:
    import platformdirs

    return Path(os.environ.get("FILIA_KEYS") or Path(platformdirs.user_config_dir("filia", appauthor=False)) / "keys.toml")


def user_keymap(path: Path | None = None) -> dict[str, str]:
    """Binding id -> comma-separated keys, from the user's keys.toml (missing file: no changes)."""
    path = path or config_path()
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
        return {}
    known = by_id()
    return {k: str(v) for k, v in (data.get("keys") or {}).items() if k in known and str(v).strip()}
