"""Prices received from HQ in a branch (DICT-7, DICT-10, DICT-12..DICT-15, DICT-22).

Synchronisation calls `apply_hq_prices()` for each goods item it receives; the autonomous price of
the branch (setting `autonomous_price_type`) is initialised from HQ's default price the first time
and never overwritten afterwards (DICT-13); its net/gross flag follows the HQ default price (DICT-14).
"""
from __future__ import annotations

from decimal import Decimal

from store.catalog import money
from store.catalog import prices as price_rules
from store.catalog.dictionaries import PriceType
from store.catalog.discounts import PriceThreshold
from store.catalog.models import Goods, GoodsPrice
from store.catalog.roles import autonomous_price_type_id, hq_apply
from store.config import set_setting
from store.db import write
from store.errors import NotFound, ValidationError
from store.i18n import _


def ensure_autonomous_price_type(name: str, *, gross: bool) -> PriceType:
    """DICT-12/14: the branch's autonomous price type, added as the last price group (HQ defines it)."""
    with write(), hq_apply():
        pt_id = autonomous_price_type_id()
        pt = PriceType.get_or_none(PriceType.id == pt_id) if pt_id else None
        if pt is None:
            last = PriceType.select().order_by(PriceType.position.desc()).first()
            pt = PriceType.get_or_none(PriceType.name == name) or PriceType.create(
                name=name, kind="sale", gross=gross, position=(last.position + 1) if last else 1)
            set_setting("autonomous_price_type", str(pt.id))
        return pt


def apply_hq_prices(goods_id: int, prices: dict[int, Decimal], *, hq_default_type: int | None = None,
                    thresholds: list[tuple[int | None, Decimal, Decimal]] | None = None) -> list[str]:
    """Write the prices HQ sent for one item (value in each type's declared column).

    The autonomous price: filled from `hq_default_type`'s price when the item has none yet, then left
    alone (DICT-13). Thresholds, when given, replace the item's thresholds as a whole (DICT-22).
    Returns the names of the price types written.
    """
    written = []
    with write(), hq_apply():
        goods = Goods.get_or_none(Goods.id == goods_id)
        if goods is None:
            raise NotFound(_("Nie znaleziono towaru."))
        auto_id = autonomous_price_type_id()
        for pt_id, value in prices.items():
            if pt_id == auto_id:
                continue                                                              # DICT-13
            pt = PriceType.get_or_none(PriceType.id == pt_id)
            if pt is None:
                raise ValidationError({"prices": _("Rodzaj ceny nie istnieje albo jest nieaktywny.")})
            price_rules.set_price_in_tx(goods, pt, value=Decimal(value))
            written.append(pt.name)
        if auto_id and hq_default_type in prices and not GoodsPrice.select().where(
                (GoodsPrice.goods == goods.id) & (GoodsPrice.price_type == auto_id)).exists():
            auto = PriceType.get_by_id(auto_id)
            src = PriceType.get_by_id(hq_default_type)
            value = Decimal(prices[hq_default_type])
            if src.gross != auto.gross:                                               # DICT-14
                vat = price_rules.vat_percent_of(goods, auto)
                value = money.gross_from_net(value, vat) if auto.gross else money.net_from_gross(value, vat)
            price_rules.set_price_in_tx(goods, auto, value=value)
            written.append(auto.name)
        if thresholds is not None:
            PriceThreshold.delete().where(PriceThreshold.goods == goods.id).execute()
            for pt_id, qty, price in thresholds:
                PriceThreshold.create(goods=goods.id, price_type=pt_id, min_quantity=Decimal(qty), price=Decimal(price))
    return written

