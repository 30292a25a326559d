"""Main menu by area (Handel, Magazyn, Kasa/Bank, Ogólne, Narzędzia). Arrows + Enter, as in Optima."""
from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from store.i18n import _
from tui.widgets.key_bar import KeyBar


@dataclass(frozen=True)
class MenuItem:
    area: str
    label: str
    action: str   # app action run on Enter


def menu_items() -> list[MenuItem]:
    items = [
        MenuItem(_("Handel"), _("Kontrahenci"), "open_list('contractors')"),
        MenuItem(_("Handel"), _("Cennik"), "open_list('goods')"),
        *_document_items(),
        MenuItem(_("Handel"), _("Parametry handlu"), "trade_options"),
        MenuItem(_("Magazyn"), _("Cennik (stany)"), "open_list('goods')"),
        *_cash_items(),
        MenuItem(_("Kasa/Bank"), _("Kontrahenci – rozrachunki"), "open_list('contractors')"),
        MenuItem(_("Ogólne"), _("Kontrahenci"), "open_list('contractors')"),
        MenuItem(_("Ogólne"), _("Konfiguracja firmy"), "show_company"),
        MenuItem(_("Ogólne"), _("Cennik"), "open_list('goods')"),
        *_dictionary_items(),
        MenuItem(_("Narzędzia"), _("Praca rozproszona centrala/oddział"), "exchange"),
        MenuItem(_("Narzędzia"), _("Menadżer kluczy"), "key_manager"),
        MenuItem(_("Narzędzia"), _("Diagnostyka klawiszy"), "key_diagnostics"),
    ]
    areas = list(dict.fromkeys(item.area for item in items))   # keep each area's items together
    return sorted(items, key=lambda item: areas.index(item.area))


def _document_items() -> list[MenuItem]:
    """Trade and warehouse documents (issue 14)."""
    from tui.screens.documents import MENU

    return [MenuItem(_(area), _(label), f"open_list('{key}')") for area, label, key in MENU]


def _cash_items() -> list[MenuItem]:
    """Registers, reports, KP/KW and the Preliminarz (issue 12)."""
    from tui.screens.cash import MENU

    return [MenuItem(_(area), _(label), f"open_list('{key}')") for area, label, key in MENU]


def _dictionary_items() -> list[MenuItem]:
    """The catalogue dictionaries (issue 4), grouped later by area with the other items."""
    from store.catalog.list_specs import DICTIONARIES
    from tui.screens.dictionaries import MENU

    return [MenuItem(_(area), _(DICTIONARIES[key].title), f"open_list('{key}')") for area, key in MENU]


class MainMenu(Screen):
    DEFAULT_CSS = """
    MainMenu #menu-title { background: $primary; text-style: bold; padding: 0 1; }
    MainMenu OptionList { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Static(_("Menu główne"), id="menu-title")
        self.items = menu_items()
        width = max(len(item.area) for item in self.items) + 2
        options = [Option(f"{item.area:<{width}}{item.label}", id=str(i)) for i, item in enumerate(self.items)]
        yield OptionList(*options, id="menu")
        yield KeyBar()

    def on_mount(self) -> None:
        menu = self.query_one(OptionList)
        menu.focus()
        menu.highlighted = 0

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        item = self.items[int(event.option.id)]
        await self.app.run_action(item.action)
