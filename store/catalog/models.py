"""Goods and prices (models). See docs in store/catalog/__init__.py.

Goods keeps the foundation's columns (code, name, ean, unit, vat_rate_id, retail_price,
is_service, active) as real columns: the list engine pages them by keyset and the demo
bulk-inserts them. `ean` mirrors the default row of goods_ean, `unit` is the base unit code,
`retail_price` mirrors the gross price of the retail price type (PriceType.is_retail) and is
kept equal to goods_price inside the same transaction by store.catalog.prices.
"""
from __future__ import annotations

import peewee

from store.base import TrackedModel, utcnow
from store.catalog.dictionaries import (AttributeDef, Brand, Category, GoodsGroup, PackagingScheme,
                                        PriceType, Producer, Warehouse)
from store.config import VatRate
from store.fields import MoneyField, PercentField, PriceField, QuantityField

ITEM_TYPES = ("TP", "UP", "TZ", "UZ")        # PRC-1: simple goods, simple service, complex goods/service
REVERSE_CHARGE = ("no", "yes", "above_limit")
PRICE_LIMIT_KINDS = ("", "min_margin", "max_discount")   # PIE-4: 0 none, 1 min margin, 2 max discount


class Goods(TrackedModel):
    """Pozycja cennika: a goods item (towar) or a service (usługa) — ITM-5..ITM-32."""

    code = peewee.CharField(max_length=50, unique=True)
    name = peewee.CharField(max_length=255)        # sorted/located by the lists' lower(name), id index
    ean = peewee.CharField(max_length=40, default="")   # default EAN (mirrors goods_ean); (ean, id) index
    unit = peewee.CharField(max_length=10, default="szt")           # base unit code
    vat_rate = peewee.ForeignKeyField(VatRate, backref="goods", on_delete="RESTRICT", index=False)   # sales
    retail_price = PriceField(default=0)  # gross retail price (mirror of goods_price)
    is_service = peewee.BooleanField(default=False)
    active = peewee.BooleanField(default=True)
    # --- [Ogólne]
    item_type = peewee.CharField(max_length=2, default="TP")        # TP | UP | TZ | UZ
    purchase_vat_rate = peewee.ForeignKeyField(VatRate, null=True, on_delete="RESTRICT",
                                               column_name="purchase_vat_rate_id", index=False)
    catalogue_number = peewee.CharField(max_length=50, default="")
    pkwiu = peewee.CharField(max_length=20, default="")
    cn_code = peewee.CharField(max_length=8, default="", index=True)
    group = peewee.ForeignKeyField(GoodsGroup, null=True, on_delete="RESTRICT")   # default group
    sales_category = peewee.ForeignKeyField(Category, null=True, on_delete="SET NULL",
                                            column_name="sales_category_id", index=False)
    purchase_category = peewee.ForeignKeyField(Category, null=True, on_delete="SET NULL",
                                               column_name="purchase_category_id", index=False)
    default_price_type = peewee.ForeignKeyField(PriceType, null=True, on_delete="SET NULL", index=False)
    default_warehouse = peewee.ForeignKeyField(Warehouse, null=True, on_delete="SET NULL", index=False)
    is_packaging = peewee.BooleanField(default=False)
    packaging_scheme = peewee.ForeignKeyField(PackagingScheme, null=True, on_delete="RESTRICT", index=False)
    mpp = peewee.BooleanField(default=False)
    reverse_charge = peewee.CharField(max_length=12, default="no")
    integer_quantity = peewee.BooleanField(default=False)           # Format całkowity (ITM-19)
    track_stock = peewee.BooleanField(default=True)                 # services: never
    last_purchase_price = PriceField(default=0)                     # net, PLN (ITM-20/23)
    price_limit_kind = peewee.CharField(max_length=12, default="")  # ITM-25
    price_limit_value = PercentField(default=0)
    # --- [Dodatkowe]
    description = peewee.TextField(default="")
    copy_description = peewee.BooleanField(default=False)
    allow_name_edit = peewee.BooleanField(default=True)
    allow_description_edit = peewee.BooleanField(default=True)
    external_price_list = peewee.BooleanField(default=False)
    mass_kg = QuantityField(default=0)
    producer = peewee.ForeignKeyField(Producer, null=True, on_delete="RESTRICT", index=False)
    brand = peewee.ForeignKeyField(Brand, null=True, on_delete="RESTRICT", index=False)
    kgo_value = MoneyField(default=0)
    min_quantity = QuantityField(default=0)
    max_quantity = QuantityField(default=0)
    order_multiple = QuantityField(default=0)
    supplier_code = peewee.CharField(max_length=50, default="")     # contractor code (kind D)
    supplier_item_code = peewee.CharField(max_length=50, default="")
    plu = peewee.CharField(max_length=18, default="")
    fiscal_name = peewee.CharField(max_length=40, default="")
    jpk_v7_code = peewee.CharField(max_length=10, default="")
    url = peewee.CharField(max_length=250, default="")
    service_cost_kind = peewee.CharField(max_length=10, default="")  # "" | percent | amount
    service_cost_value = PriceField(default=0)
    # PIE-15: who entered the card and who changed it last (operator login; "" = demo/system)
    created_by = peewee.CharField(max_length=20, default="")
    modified_by = peewee.CharField(max_length=20, default="")

    class Meta:
        # Only what a list sorts or filters by, what sync looks up, and uniqueness: every index is
        # rebuilt on a bulk load (~40 ms per index per 100,000 cards). References to dictionaries
        # carry none: a dictionary entry is deleted rarely and then a scan is fine (decisions.md).
        indexes = ((("ean", "id"), False), (("retail_price", "id"), False))


class CardRow(TrackedModel):
    """A row of a goods card's table (units, EAN codes, prices, groups, attributes). It travels with
    its card, so it needs no index of its own on gid/modified_at: sync finds it through the card."""

    gid = peewee.IntegerField(null=True)
    modified_at = peewee.DateTimeField(default=utcnow)


class GoodsUnit(CardRow):
    """Auxiliary unit of an item (ITM-33): 1 `unit` = numerator/denominator base units."""

    goods = peewee.ForeignKeyField(Goods, backref="units", on_delete="CASCADE", index=False)   # (goods, unit)
    unit = peewee.CharField(max_length=10)
    numerator = QuantityField(default=1)
    denominator = QuantityField(default=1)

    class Meta:
        indexes = ((("goods", "unit"), True), (("unit",), False))


class GoodsEan(CardRow):
    """EAN codes of an item (ITM-36): unique in the database, each bound to one of its units."""

    goods = peewee.ForeignKeyField(Goods, backref="eans", on_delete="CASCADE", index=False)   # (goods, is_default)
    ean = peewee.CharField(max_length=40, unique=True)
    unit = peewee.CharField(max_length=10, default="")   # "" = base unit
    is_default = peewee.BooleanField(default=False)
    description = peewee.CharField(max_length=100, default="")

    class Meta:
        table_name = "goods_barcode"     # "goods_ean" was the name of an index on goods.ean
        indexes = ((("goods", "is_default"), False),)


class GoodsPrice(CardRow):
    """One row of an item's prices table (ITM-20/21): per price type; net and gross kept consistent.

    The declared column (PriceType.gross) is authoritative; `margin` is the margin or markup
    (company setting `margin_method`) over the item's purchase price; `auto_update` recomputes the
    price from margin, rounding `step` and `offset` when a new purchase price arrives (ITM-22).
    """

    goods = peewee.ForeignKeyField(Goods, backref="prices", on_delete="CASCADE", index=False)   # (goods, price_type)
    price_type = peewee.ForeignKeyField(PriceType, backref="goods_prices", on_delete="RESTRICT",
                                        index=False)                    # (price_type, net, goods)
    net = PriceField(default=0)
    gross = PriceField(default=0)
    currency = peewee.CharField(max_length=3, default="PLN")
    margin = PercentField(default=0)
    auto_update = peewee.BooleanField(default=False)
    step = PriceField(default=0)        # rounding step (0 = none)
    offset = PriceField(default=0)

    class Meta:
        indexes = ((("goods", "price_type"), True), (("price_type", "net", "goods"), False))


class GoodsGroupLink(CardRow):
    """Membership of an item in a goods group ([Grupy], GRP-1); the default group is also here."""

    goods = peewee.ForeignKeyField(Goods, backref="group_links", on_delete="CASCADE", index=False)   # (goods, group)
    group = peewee.ForeignKeyField(GoodsGroup, backref="goods_links", on_delete="RESTRICT")

    class Meta:
        indexes = ((("goods", "group"), True),)


class GoodsAttribute(CardRow):
    """Attribute row on an item card (ITM-39); order kept in `position`."""

    goods = peewee.ForeignKeyField(Goods, backref="attributes", on_delete="CASCADE", index=False)   # (goods, attribute)
    attribute = peewee.ForeignKeyField(AttributeDef, backref="goods_rows", on_delete="RESTRICT")
    value = peewee.TextField(default="")
    position = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("goods", "attribute"), True),)


class PackagingSchemeItem(CardRow):
    """Row of a packaging scheme: the package (an item) issued per `per_quantity` goods (PKG-1)."""

    scheme = peewee.ForeignKeyField(PackagingScheme, backref="items", on_delete="CASCADE", index=False)   # (scheme, package)
    package = peewee.ForeignKeyField(Goods, on_delete="RESTRICT")
    per_quantity = QuantityField(default=1)

    class Meta:
        indexes = ((("scheme", "package"), True),)


GOODS_MODELS = [Goods, GoodsUnit, GoodsEan, GoodsPrice, GoodsGroupLink, GoodsAttribute, PackagingSchemeItem]
