"""Catalogue dictionaries (models): units, price types, warehouses, goods groups, categories,
attributes, payment forms, producers and brands, CN codes, packaging schemes, tax offices,
localities, banks, currencies with rate types and rates.

Rules that change them live in store/catalog/dict_rules.py; sortable list columns have a
(column, id) index so the generic list engine can page them by keyset.
"""
from __future__ import annotations

import peewee

from store.base import TrackedModel
from store.config import VatRate
from store.fields import MoneyField, PercentField, PriceField, QuantityField

# Price-type kinds and warehouse kinds (WH-3) as stored.
PRICE_KINDS = ("purchase", "sale")
WAREHOUSE_KINDS = ("local", "remote", "service", "mobile")
CATEGORY_KINDS = ("income", "cost")          # Przychody / Koszty (CAT-3)
ATTRIBUTE_KINDS = ("goods", "contractor", "document")
ATTRIBUTE_FORMATS = ("text", "number", "list", "date", "binary")
OFFICE_KINDS = ("tax", "zus", "customs", "other")   # OFF-1
MAIN_GROUP_CODE = "GRUPA GŁÓWNA"                     # GRP-4


class Unit(TrackedModel):
    """Jednostka miary (dictionary of units; goods refer to it by code)."""

    code = peewee.CharField(max_length=10, unique=True)
    name = peewee.CharField(max_length=60, default="")

    class Meta:
        indexes = ((("name", "id"), False),)


class PriceType(TrackedModel):
    """Rodzaj ceny: purchase, wholesale, retail and user-defined; net or gross (ITM-20/21).

    `position` is the price number shown in the prices table; `gross` says which column of the
    price is declared (the other is computed).
    """

    name = peewee.CharField(max_length=40, unique=True)
    kind = peewee.CharField(max_length=10, default="sale")  # purchase | sale
    gross = peewee.BooleanField(default=False)
    position = peewee.IntegerField(default=0)
    active = peewee.BooleanField(default=True)
    is_default = peewee.BooleanField(default=False)     # default sales price of new cards
    is_retail = peewee.BooleanField(default=False)      # the one mirrored into goods.retail_price

    class Meta:
        indexes = ((("position", "id"), False),)


class Warehouse(TrackedModel):
    """Magazyn (WH-1..WH-14)."""

    symbol = peewee.CharField(max_length=20, unique=True)
    name = peewee.CharField(max_length=120, default="")
    kind = peewee.CharField(max_length=10, default="local")  # local | remote | service | mobile
    active = peewee.BooleanField(default=True)
    numbering_symbol = peewee.CharField(max_length=5, default="")
    description = peewee.TextField(default="")
    eu = peewee.BooleanField(default=False)               # only for remote (WH-7)
    country = peewee.CharField(max_length=2, default="")
    transaction_code = peewee.CharField(max_length=4, default="34")
    default_price_type = peewee.ForeignKeyField(PriceType, null=True, on_delete="RESTRICT")
    is_main = peewee.BooleanField(default=False)          # predefined, never deleted (WH-12)

    class Meta:
        indexes = ((("name", "id"), False),)


class GoodsGroup(TrackedModel):
    """Grupa towarowa: a tree node (GRP-1); codes unique across the tree (GRP OPEN)."""

    code = peewee.CharField(max_length=50, unique=True)
    name = peewee.CharField(max_length=120, default="")
    parent = peewee.ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    is_main = peewee.BooleanField(default=False)
    shop_order = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("name", "id"), False),)


class Category(TrackedModel):
    """Kategoria: general (parent null) or detailed under one general category (CAT-1)."""

    code = peewee.CharField(max_length=50)            # general code, or detailed code
    parent = peewee.ForeignKeyField("self", null=True, backref="details", on_delete="CASCADE")
    kind = peewee.CharField(max_length=10, default="income")  # income | cost
    description = peewee.CharField(max_length=250, default="")
    vat_rate = peewee.ForeignKeyField(VatRate, null=True, on_delete="RESTRICT")
    budget = MoneyField(default=0)
    active = peewee.BooleanField(default=True)

    class Meta:
        indexes = ((("parent", "code"), True), (("code", "id"), False), (("description", "id"), False))


class AttributeDef(TrackedModel):
    """Definicja atrybutu (§21): goods / contractor / document attributes."""

    code = peewee.CharField(max_length=40, unique=True)
    name = peewee.CharField(max_length=120, default="")
    kind = peewee.CharField(max_length=12, default="goods")
    format = peewee.CharField(max_length=10, default="text")
    active = peewee.BooleanField(default=True)
    per_contractor = peewee.BooleanField(default=False)
    to_description = peewee.BooleanField(default=False)
    code_before_value = peewee.BooleanField(default=False)
    to_transaction = peewee.BooleanField(default=False)
    print_on_document = peewee.BooleanField(default=False)

    class Meta:
        indexes = ((("name", "id"), False),)


class AttributeValue(TrackedModel):
    """An allowed value of a list-format attribute."""

    attribute = peewee.ForeignKeyField(AttributeDef, backref="values", on_delete="CASCADE")
    value = peewee.CharField(max_length=250)
    position = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("attribute", "value"), True),)


class PaymentForm(TrackedModel):
    """Forma płatności: name, kind (cash / transfer / card / credit / other / cheque), days of term."""

    name = peewee.CharField(max_length=40, unique=True)
    kind = peewee.CharField(max_length=10, default="cash")
    days = peewee.IntegerField(default=0)
    active = peewee.BooleanField(default=True)
    # The cash register (store.cash, id) its KP/KW go to; from HQ in a branch (CASH-2). No foreign key:
    # the catalogue's tables are made before the cash area's.
    register = peewee.IntegerField(null=True, column_name="register_id")


class Producer(TrackedModel):
    """Producent (PRD-1)."""

    code = peewee.CharField(max_length=50, unique=True)
    name = peewee.CharField(max_length=250, default="")
    url = peewee.CharField(max_length=250, default="")

    class Meta:
        indexes = ((("name", "id"), False),)


class Brand(TrackedModel):
    """Marka (PRD-2); name unique within a producer (OPEN: uniqueness not given)."""

    name = peewee.CharField(max_length=120)
    producer = peewee.ForeignKeyField(Producer, null=True, backref="brands", on_delete="RESTRICT")

    class Meta:
        indexes = ((("producer", "name"), True), (("name", "id"), False))


class CnCode(TrackedModel):
    """Kod CN: 8 digits (CN-1), optional VAT rate, supplementary unit, mass flag, SENT tab."""

    code = peewee.CharField(max_length=8, unique=True)
    vat_rate = peewee.ForeignKeyField(VatRate, null=True, on_delete="RESTRICT")
    vat_flag = peewee.IntegerField(default=2)     # 1 exempt, 2 taxed, 3 reduced, 4 not subject (PIE-5)
    description = peewee.TextField(default="")
    supplementary_unit = peewee.CharField(max_length=10, default="")
    mass = peewee.BooleanField(default=False)
    sent = peewee.BooleanField(default=False)
    sent_code = peewee.CharField(max_length=8, default="")
    sent_unit = peewee.CharField(max_length=10, default="")
    system = peewee.BooleanField(default=False)   # 9950 0000, never deleted (CN-6)


class PackagingScheme(TrackedModel):
    """Schemat opakowań (PKG): code unique, rows = package item + goods quantity per package."""

    code = peewee.CharField(max_length=50, unique=True)
    name = peewee.CharField(max_length=120, default="")

    class Meta:
        indexes = ((("name", "id"), False),)


class TaxOffice(TrackedModel):
    """Urząd (OFF-1..4): tax office, ZUS, customs, other."""

    code = peewee.CharField(max_length=20, unique=True)         # akronim
    name = peewee.CharField(max_length=100, default="")
    kind = peewee.CharField(max_length=10, default="tax")
    office_code = peewee.CharField(max_length=6, default="")    # 4 chars, up to 6 for "other"
    street = peewee.CharField(max_length=120, default="")
    building = peewee.CharField(max_length=20, default="")
    city = peewee.CharField(max_length=80, default="")
    postal_code = peewee.CharField(max_length=10, default="")
    iban = peewee.CharField(max_length=40, default="")
    active = peewee.BooleanField(default=True)

    class Meta:
        indexes = ((("name", "id"), False),)


class Locality(TrackedModel):
    """Miejscowość (LOC)."""

    name = peewee.CharField(max_length=80)
    postal_code = peewee.CharField(max_length=10, default="")
    commune = peewee.CharField(max_length=80, default="")
    county = peewee.CharField(max_length=80, default="")
    province = peewee.CharField(max_length=80, default="")

    class Meta:
        indexes = ((("name", "id"), False), (("name", "postal_code"), True))


class Bank(TrackedModel):
    """Bank (dictionary): code, name, sort code (numer rozliczeniowy), own account (IBAN)."""

    code = peewee.CharField(max_length=20, unique=True)
    name = peewee.CharField(max_length=120, default="")
    sort_code = peewee.CharField(max_length=8, default="", index=True)   # 8-digit NRB bank number
    swift = peewee.CharField(max_length=11, default="")
    account = peewee.CharField(max_length=40, default="")               # validated IBAN/NRB
    city = peewee.CharField(max_length=80, default="")
    active = peewee.BooleanField(default=True)

    class Meta:
        indexes = ((("name", "id"), False),)


class Currency(TrackedModel):
    """Waluta (CUR-2); PLN and EUR cannot be deleted."""

    code = peewee.CharField(max_length=3, unique=True)
    name = peewee.CharField(max_length=60, default="")
    active = peewee.BooleanField(default=True)


class RateType(TrackedModel):
    """Typ kursu (CUR-1): exactly one is the default; `nbp_table` A/B/C links it to NBP imports."""

    name = peewee.CharField(max_length=60, unique=True)
    is_default = peewee.BooleanField(default=False)
    nbp_table = peewee.CharField(max_length=1, default="")
    nbp_side = peewee.CharField(max_length=4, default="mid")    # mid | bid | ask (table C)


class CurrencyRate(TrackedModel):
    """Notowanie kursu (RATE): one rate per (currency, rate type, date); rate = PLN per `units`."""

    currency = peewee.ForeignKeyField(Currency, backref="rates", on_delete="RESTRICT")
    rate_type = peewee.ForeignKeyField(RateType, backref="rates", on_delete="RESTRICT")
    on = peewee.DateField()
    rate = PriceField()
    units = peewee.IntegerField(default=1)
    table_no = peewee.CharField(max_length=40, default="")
    source = peewee.CharField(max_length=10, default="manual")   # manual | nbp | hq

    class Meta:
        indexes = ((("currency", "rate_type", "on"), True), (("on", "id"), False))


DICTIONARY_MODELS = [Unit, PriceType, Warehouse, GoodsGroup, Category, AttributeDef, AttributeValue,
                     PaymentForm, Producer, Brand, CnCode, PackagingScheme, TaxOffice, Locality, Bank,
                     Currency, RateType, CurrencyRate]

__all__ = [m.__name__ for m in DICTIONARY_MODELS] + ["DICTIONARY_MODELS", "MoneyField", "PercentField",
                                                      "QuantityField"]
