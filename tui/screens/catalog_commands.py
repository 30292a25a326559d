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


def filter_group(screen) -> None:
    """PRC-3: narrow the list to a goods group and its sub-groups (default group or [Grupy]), picked in the tree."""
    from store.catalog import card_save
    from store.catalog.listing import groups_filter
    from tui.screens.group_tree import GroupTree

    groups = {v: k for k, v in card_save.card_choices()["group"] if v}
    if not groups:
        screen.notify(_("Brak grup towarowych."), severity="warning")
        return

    def chosen(group_id: int | None) -> None:
        if group_id:
            screen.catalog_group_id = group_id                  # PRC-4: a new card gets this group
            _set_extra(screen, "group", groups_filter([group_id]), _("grupa {g}").format(g=groups.get(group_id, "")))
    screen.app.push_screen(GroupTree(_("Filtr: grupa towarowa (Enter wybiera, z podgrupami)")), chosen)


def filter_ean(screen) -> None:
    """PRC-6: the item having the typed or scanned code as its default or an additional EAN."""
    from store.catalog.listing import ean_filter
    from tui.widgets.prompt import PromptDialog

    def chosen(code: str | None) -> None:
        if code is not None:
            if code.strip():
                _set_extra(screen, "ean", ean_filter(code), _("EAN {c}").format(c=code.strip()))
            else:
                _set_extra(screen, "ean", None, "")
    screen.app.push_screen(PromptDialog(_("Kod EAN (podstawowy lub dodatkowy; puste = bez filtra):")), chosen)


def choose_price_column(screen) -> None:
    """PRC-7: show the price of a chosen price type for every item (or back to the retail price)."""
    from store import lists as store_lists
    from store.catalog import list_specs
    from store.paging import ListQuery
    from tui.screens.serial_ops import Param, ParamDialog

    choices = [(_("cena detaliczna (standardowo)"), 0)] + list_specs.price_type_choices()

    def chosen(values: dict | None) -> None:
        if values is None:
            return
        old = screen.query_
        query = ListQuery(list_specs.goods_spec_with_price(store_lists.goods_list(), int(values["price_type"]) or None))
        query.sort = old.sort if old.sort in [c.name for c in query.spec.columns if c.sortable] else query.sort
        query.descending, query.filter_text = old.descending, old.filter_text
        query.active_filters, query.extra_where = set(old.active_filters), list(old.extra_where)
        screen.query_ = screen.list.query = query
        screen.shown_price_type_id = int(values["price_type"]) or None   # a serial price change starts on it
        screen.list.reload(keep_id=screen.list.cursor_id)
        screen._update_header()
    shown = getattr(screen, "shown_price_type_id", None) or 0
    screen.app.push_screen(ParamDialog(_("Cena pokazywana na liście"),
                                       [Param("price_type", _("Rodzaj ceny"), "choice", choices, shown)]), chosen)


def clear_filters(screen) -> None:
    screen.catalog_group_id = None
    screen.query_.extra_where = []
    screen._catalog_filters = {}
    screen.list.reload()
    screen._update_status()


def _set_extra(screen, name: str, expression, label: str) -> None:
    """The list engine's extra_where: expressions built by store.catalog.listing, keyed by filter name."""
    filters = dict(getattr(screen, "_catalog_filters", {}))
    if expression is None:
        filters.pop(name, None)
    else:
        filters[name] = (expression, label)
    screen._catalog_filters = filters
    screen.query_.extra_where = [e for e, _l in filters.values()]
    screen.list.reload()
    screen._update_status(", ".join(lbl for _e, lbl in filters.values()))


def _serial(operation, screen) -> None:
    from tui.screens.serial_ops import run_operation

    run_operation(screen, operation)


def _resume(screen) -> None:
    from tui.screens.serial_ops import resume_unfinished

    resume_unfinished(screen)


def _import(screen) -> None:
    from tui.screens.pricelist_import import start_import

    start_import(screen)


def _export(screen) -> None:
    from tui.screens.pricelist_import import start_export

    start_export(screen)


def goods_commands() -> list:
    from tui.screens.serial_ops import OPERATIONS

    out = [("prices", _("Tabela cen towaru"), open_prices), ("filter_group", _("Filtr: grupa towarowa"), filter_group),
           ("filter_ean", _("Filtr: kod EAN"), filter_ean), ("price_column", _("Cena na liście"), choose_price_column), ("filter_clear", _("Usuń filtr grupy i EAN"), clear_filters)]
    out += [(op.id, _(op.label), partial(_serial, op)) for op in OPERATIONS]
    out += [("serial_resume", _("Dokończ przerwaną operację seryjną"), _resume)]
    out += [("import", _("Import cennika z XLSX"), _import), ("export", _("Eksport cennika do XLSX"), _export)]
    return out
