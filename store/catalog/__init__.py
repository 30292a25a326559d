"""Catalogue (cennik): goods and services, prices, dictionaries, discounts, promotions.

Modules:
  dictionaries   models of the dictionaries (units, price types, warehouses, groups, categories, ...)
  models         goods card and its tables (units, EAN codes, prices, groups, attributes)
  money          pure net/gross/margin/markup/rounding/discount arithmetic
  roles          who may edit the catalogue (DICT rules): catalog_edit_refusal(), hq_apply()
  usage          "used on documents" checks registered by later areas
  prices         the prices table of an item (net/gross/margin kept consistent), purchase price
  goods          goods card rules (create/update/delete, groups, attributes)
  goods_codes    units with conversion factors and EAN codes of an item, find_by_ean()
  goods_copy     card copy (Ctrl+Insert), EAN from the company range, JPK_V7 codes
  card           what the card screen needs: tabs, defaults, card data, editable fields
  listing        price-list predicates (types, group tree, inactive, EAN, price column)
  dict_rules     create_entry/update_entry/delete_entry of every dictionary (+ dict_tree, dict_reference)
  discounts      percentage and fixed-price discounts, quantity price thresholds (area catalog_discounts)
  promotions     promotional sets (area catalog_discounts)
  quote          price_for(): the one pricing function every document calls
  summary        contractor discount summary (CDS)
  serial         serial operations on marked goods (+ serial_codes, serial_more)
  rates          currency rates (manual entry, lookup, tables written by sync/nbp.py)
  seed           ensure_catalogue_defaults() for a new company database
  oss            VAT rates of the OSS procedure per EU country (ITM-38, PSO-11)
  hq_prices      prices received from HQ in a branch, the autonomous price (DICT-12..15)
"""
from __future__ import annotations

from store.catalog.dictionaries import (DICTIONARY_MODELS, AttributeDef, AttributeValue, Bank, Brand,
                                        Category, CnCode, Currency, CurrencyRate, GoodsGroup, Locality,
                                        PackagingScheme, PaymentForm, PriceType, Producer, RateType,
                                        TaxOffice, Unit, Warehouse)
from store.catalog.models import (GOODS_MODELS, Goods, GoodsAttribute, GoodsEan, GoodsGroupLink,
                                  GoodsPrice, GoodsUnit, PackagingSchemeItem)
from store.schema import Migration, create_tables



def _oss_tables(db) -> None:
    from store.catalog.oss import MODELS as OSS_MODELS
    create_tables(*OSS_MODELS)(db)


MIGRATIONS = [
    Migration(1, "catalogue: dictionaries, goods, prices, units, EAN codes, groups, attributes",
              create_tables(*DICTIONARY_MODELS, *GOODS_MODELS)),
    Migration(2, "OSS VAT rates of EU countries and of goods", _oss_tables),
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
