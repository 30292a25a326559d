"""Catalogue (cennik): goods and services, prices, dictionaries, discounts, promotions.

Modules:
  dictionaries  models of the dictionaries (units, price types, warehouses, groups, ...)
  models        goods card and its tables (units, EAN codes, prices, groups, attributes)
  money         pure net/gross/margin/markup/rounding arithmetic
  roles         who may edit the catalogue (DICT rules)
  prices        the prices table of an item (net/gross/margin kept consistent)
  goods         goods card rules (create/update/delete, units, EAN codes, groups, attributes)
  dict_rules    create/update/delete of every dictionary
  discounts     percentage and fixed-price discounts (DSC), area "catalog_discounts"
  promotions    promotional sets (PROMO), area "catalog_discounts"
  quote         price_for(): the one pricing function every document calls
  serial        serial operations on marked goods (PSO)
  rates         currency rates (RATE, CUR)
"""
from __future__ import annotations

from store.catalog.dictionaries import (DICTIONARY_MODELS, AttributeDef, AttributeValue, Bank, Brand,
                                        Category, CnCode, Currency, CurrencyRate, GoodsGroup, Locality,
                                        PackagingScheme, PaymentForm, PriceType, Producer, RateType,
                                        TaxOffice, Unit, Warehouse)
from store.catalog.models import (GOODS_MODELS, Goods, GoodsAttribute, GoodsEan, GoodsGroupLink,
                                  GoodsPrice, GoodsUnit, PackagingSchemeItem)
from store.schema import Migration, create_tables

MIGRATIONS = [
    Migration(1, "catalogue: dictionaries, goods, prices, units, EAN codes, groups, attributes",
              create_tables(*DICTIONARY_MODELS, *GOODS_MODELS)),
]



def discount_migrations() -> list[Migration]:
    """Area "catalog_discounts": discounts, fixed prices, thresholds, promotional sets. Registered
    after "parties" (discounts refer to contractors); imported lazily for that reason."""
    from store.catalog.discounts import Discount, FixedPrice, PriceThreshold
    from store.catalog.promotions import PromoElement, PromoSet

    return [Migration(1, "discounts, fixed prices, price thresholds, promotional sets",
                      create_tables(Discount, FixedPrice, PriceThreshold, PromoSet, PromoElement))]


__all__ = ["MIGRATIONS", "discount_migrations", "AttributeDef", "AttributeValue", "Bank", "Brand", "Category", "CnCode", "Currency",
           "CurrencyRate", "GoodsGroup", "Locality", "PackagingScheme", "PaymentForm", "PriceType", "Producer",
           "RateType", "TaxOffice", "Unit", "Warehouse", "Goods", "GoodsAttribute", "GoodsEan", "GoodsGroupLink",
           "GoodsPrice", "GoodsUnit", "PackagingSchemeItem"]
