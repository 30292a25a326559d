"""The lists of the application: which store list spec, card and delete rule each one uses."""
from __future__ import annotations

from store import lists as store_lists
from store.i18n import _
from tui.screens.list_screen import ListBehaviour


def _contractor_card(record_id, copy_from=None):
    from tui.screens.contractor_card import ContractorCard

    return ContractorCard(record_id, copy_from=copy_from)


def _delete_contractor(record_id: int):
    from store.parties import delete_contractor

    return delete_contractor(record_id)


def contractors() -> ListBehaviour:
    return ListBehaviour(
        key="contractors", title=_("Kontrahenci"), spec=store_lists.contractor_list,
        card=_contractor_card, delete=_delete_contractor,
        describe=lambda row: f"{row[1]} – {row[2]}",
        filters=[("active", _("tylko aktywni")), ("inactive", _("tylko nieaktywni"))],
        module="HANDEL",
    )


def _goods_card(record_id, copy_from=None):
    from tui.screens.goods_card import GoodsCard

    return GoodsCard(record_id, copy_from=copy_from)


def _delete_goods(record_id: int):
    from store.catalog.goods import delete_goods

    return delete_goods(record_id)


def _goods_commands() -> list:
    from tui.screens.catalog_commands import goods_commands

    return goods_commands()


def goods() -> ListBehaviour:
    return ListBehaviour(
        key="goods", title=_("Cennik – towary i usługi"), spec=store_lists.goods_list,
        card=_goods_card, delete=_delete_goods,
        describe=lambda row: f"{row[1]} – {row[2]}",
        filters=[("goods", _("tylko towary")), ("services", _("tylko usługi")), ("active", _("tylko aktywne"))],
        module="HANDEL", serial=_goods_commands(),
    )


def _dictionaries() -> dict:
    from tui.screens.dictionaries import dictionary_lists

    return dictionary_lists()


def contractor_groups() -> ListBehaviour:
    from tui.screens.contractor_groups import behaviour

    return behaviour()


def _cash() -> dict:
    from tui.screens.cash import LISTS as CASH_LISTS

    return dict(CASH_LISTS)


def _documents() -> dict:
    from tui.screens.documents import LISTS as DOCUMENT_LISTS

    return dict(DOCUMENT_LISTS)


LISTS = {"contractors": contractors, "goods": goods, "contractor_groups": contractor_groups, **_dictionaries(),
         **_cash(), **_documents()}
