"""The price list's own commands (ListBehaviour.serial of "goods"): prices table, serial operations,
XLSX import and export of the price list. They appear in the palette (F11/Ctrl+O); the prices table
also has its key (Shift+Insert / Ctrl+T, PRC / ITM-20)."""
from __future__ import annotations

from functools import partial

from store.i18n import _


def open_prices(screen) -> None:
    """Shift+Insert on the list: the prices table of the highlighted item."""
    from tui.screens.price_table import PriceTable

    goods_id = screen.list.cursor_id
    if goods_id is None:
        screen.app.bell()
        return
    row = screen.list.row_at(screen.list.cursor)
    title = _("Tabela cen: {what}").format(what=screen.behaviour.describe(row)) if row else ""
    screen.app.push_screen(PriceTable(goods_id, title=title), lambda _r: screen.action_refresh())


def _serial(operation, screen) -> None:
    from tui.screens.serial_ops import run_operation

    run_operation(screen, operation)


def _import(screen) -> None:
    from tui.screens.pricelist_import import start_import

    start_import(screen)


def _export(screen) -> None:
    from tui.screens.pricelist_import import start_export

    start_export(screen)


def goods_commands() -> list:
    from tui.screens.serial_ops import OPERATIONS

    out = [("prices", _("Tabela cen towaru"), open_prices)]
    out += [(op.id, _(op.label), partial(_serial, op)) for op in OPERATIONS]
    out += [("import", _("Import cennika z XLSX"), _import), ("export", _("Eksport cennika do XLSX"), _export)]
    return out
