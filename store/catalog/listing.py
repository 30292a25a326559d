"""Predicates and columns the price list (PRC) needs on top of the generic list engine:
item types (PRC-2), group tree narrowing (PRC-3), inactive items (PRC-5), EAN search over default
and additional codes (PRC-6), the price column of a chosen price type (PRC-7)."""
from __future__ import annotations

from decimal import Decimal

import peewee

from store.catalog.dict_tree import group_subtree
from store.catalog.models import ITEM_TYPES, Goods, GoodsEan, GoodsGroupLink, GoodsPrice


def types_filter(types) -> peewee.Expression:
    """PRC-2: any combination of TP, UP, TZ, UZ."""
    wanted = [t for t in types if t in ITEM_TYPES]
    return Goods.item_type.in_(wanted)


def groups_filter(group_ids, *, with_subgroups: bool = True) -> peewee.Expression:
    """PRC-3: items belonging (default group or [Grupy]) to the chosen groups and their sub-groups."""
    ids: list[int] = []
    for gid in group_ids:
        ids.extend(group_subtree(gid) if with_subgroups else [gid])
    linked = GoodsGroupLink.select(GoodsGroupLink.goods).where(GoodsGroupLink.group.in_(ids))
    condition = Goods.group.in_(ids) | Goods.id.in_(linked)
    from store.catalog.goods import main_group_id

    if main_group_id() in ids:                  # a bulk-loaded card without a group belongs to the main one
        condition = condition | Goods.group.is_null(True)
    return condition


def active_filter(show_inactive: bool) -> peewee.Expression | None:
    """PRC-5: off -> only active items; on -> no filter (the screen greys inactive rows)."""
    return None if show_inactive else (Goods.active == True)  # noqa: E712


def ean_filter(code: str) -> peewee.Expression:
    """PRC-6: the item having `code` as its default or an additional EAN."""
    code = (code or "").strip()
    return (Goods.ean == code) | Goods.id.in_(GoodsEan.select(GoodsEan.goods).where(GoodsEan.ean == code))


def price_column(price_type_id: int, *, gross: bool = False):
    """PRC-7: the price of one price type for every row (a correlated sub-select; 0 when missing).
    The value is the stored integer (1/10000 of a złoty): show it with `price_value()`."""
    column = GoodsPrice.gross if gross else GoodsPrice.net
    sub = (GoodsPrice.select(column).where((GoodsPrice.goods == Goods.id) & (GoodsPrice.price_type == price_type_id)))
    return peewee.fn.COALESCE(sub, 0)


def price_value(raw) -> Decimal:
    """The Decimal price of a `price_column` value."""
    return GoodsPrice.net.python_value(int(raw or 0))
