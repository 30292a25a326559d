"""Catalogue (cennik): goods and services, units, price types, warehouses.

Foundation scope: the minimal goods model the list engine and the demo need (code, name, EAN,
unit, VAT rate, retail price). The catalogue issue extends it here; there is no second model.
"""
from __future__ import annotations

import peewee

from store.base import TrackedModel
from store.config import VatRate
from store.fields import PriceField
from store.schema import Migration, create_tables


class Unit(TrackedModel):
    code = peewee.CharField(max_length=10, unique=True)
    name = peewee.CharField(max_length=60, default="")


class PriceType(TrackedModel):
    """Rodzaj ceny: purchase, wholesale, retail and user-defined; net or gross."""

    name = peewee.CharField(max_length=40, unique=True)
    kind = peewee.CharField(max_length=10, default="sale")  # purchase | sale
    gross = peewee.BooleanField(default=False)
    position = peewee.IntegerField(default=0)


class Warehouse(TrackedModel):
    symbol = peewee.CharField(max_length=20, unique=True)
    name = peewee.CharField(max_length=120, default="")
    kind = peewee.CharField(max_length=10, default="local")  # local | remote | service | mobile
    active = peewee.BooleanField(default=True)


class Goods(TrackedModel):
    """Pozycja cennika: a goods item (towar) or a service (usługa)."""

    code = peewee.CharField(max_length=50, unique=True)
    name = peewee.CharField(max_length=255, index=True)
    ean = peewee.CharField(max_length=14, default="", index=True)
    unit = peewee.CharField(max_length=10, default="szt")
    vat_rate = peewee.ForeignKeyField(VatRate, backref="goods", on_delete="RESTRICT")
    retail_price = PriceField(default=0)  # gross retail price
    is_service = peewee.BooleanField(default=False)
    active = peewee.BooleanField(default=True)

    class Meta:
        indexes = ((("name", "id"), False), (("ean", "id"), False))


MIGRATIONS = [
    Migration(1, "units, price types, warehouses, goods", create_tables(Unit, PriceType, Warehouse, Goods)),
]
