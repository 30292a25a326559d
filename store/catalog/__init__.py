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
from store.schema import Migration, add_column_if_missing, add_tracking_columns, create_tables



def _oss_tables(db) -> None:
    from store.catalog.oss import MODELS as OSS_MODELS
    create_tables(*OSS_MODELS)(db)


# Indexes version 1 created and the models no longer declare (see the Meta comments in models.py):
# duplicates of a composite index with the same first column, references to dictionaries, and
# gid/modified_at of card rows. A fresh database never has them; DROP ... IF EXISTS is a no-op there.
_DROPPED_INDEXES = (
    "goods_name", "goods_name_id", "goods_ean", "goods_code_id", "goods_vat_rate_id", "goods_purchase_vat_rate_id",
    "goods_sales_category_id", "goods_purchase_category_id", "goods_default_price_type_id",
    "goods_default_warehouse_id", "goods_packaging_scheme_id", "goods_producer_id", "goods_brand_id",
    *(f"{table}_{suffix}" for table in ("goods_unit", "goods_barcode", "goods_price", "goods_group_link",
                                         "goods_attribute", "packaging_scheme_item")
      for suffix in ("gid", "modified_at")),
    "goods_unit_goods_id", "goods_barcode_goods_id", "goods_price_goods_id", "goods_price_price_type_id",
    "goods_group_link_goods_id", "goods_attribute_goods_id", "packaging_scheme_item_scheme_id",
)


def _goods_operators(db) -> None:
    import peewee

    for column in ("created_by", "modified_by"):
        add_column_if_missing("goods", column, peewee.CharField(max_length=20, default=""))(db)


def _tracking_columns(db) -> None:
    from store.catalog.oss import MODELS as OSS_MODELS

    add_tracking_columns(*DICTIONARY_MODELS, *GOODS_MODELS, *OSS_MODELS)(db)


def _payment_form_register(db) -> None:
    add_column_if_missing("payment_form", "register_id", PaymentForm._meta.fields["register"])(db)


def _drop_redundant_indexes(db) -> None:
    for name in _DROPPED_INDEXES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')


MIGRATIONS = [
    Migration(1, "catalogue: dictionaries, goods, prices, units, EAN codes, groups, attributes",
              create_tables(*DICTIONARY_MODELS, *GOODS_MODELS)),
    Migration(2, "OSS VAT rates of EU countries and of goods", _oss_tables),
    Migration(3, "goods and card rows: only the indexes lists, sync and uniqueness use", _drop_redundant_indexes),
    Migration(4, "goods: operator who entered and who last changed the card (PIE-15)", _goods_operators),
    Migration(5, "record versions (issue 16)", _tracking_columns),
    Migration(6, "payment form: the cash register its KP/KW go to (issue 12, CASH-2)", _payment_form_register),
]



def discount_migrations() -> list[Migration]:
    """Area "catalog_discounts": discounts, fixed prices, thresholds, promotional sets. Registered
    after "parties" (discounts refer to contractors); imported lazily for that reason."""
    from store.catalog.discounts import Discount, FixedPrice, PriceThreshold
    from store.catalog.promotions import PromoElement, PromoSet

    models = (Discount, FixedPrice, PriceThreshold, PromoSet, PromoElement)
    return [Migration(1, "discounts, fixed prices, price thresholds, promotional sets", create_tables(*models)),
            Migration(2, "record versions (issue 16)", add_tracking_columns(*models))]


__all__ = ["MIGRATIONS", "discount_migrations", "AttributeDef", "AttributeValue", "Bank", "Brand", "Category", "CnCode", "Currency",
           "CurrencyRate", "GoodsGroup", "Locality", "PackagingScheme", "PaymentForm", "PriceType", "Producer",
           "RateType", "TaxOffice", "Unit", "Warehouse", "Goods", "GoodsAttribute", "GoodsEan", "GoodsGroupLink",
           "GoodsPrice", "GoodsUnit", "PackagingSchemeItem"]
