"""Stock models. Kept, never summed on read: `on_hand` and `held` move in the writing transaction under the
level row's lock; `held` is the quantity of buffered issue documents (DOC-2), `on_hand` only ever moves at
approval and cancellation. A layer is one approved receipt line's quantity at its unit cost; an issue is the part
of a layer an approved issue document took (cancelling puts it back exactly)."""
from __future__ import annotations

import peewee

from store.base import BaseModel
from store.catalog.dictionaries import Warehouse
from store.catalog.models import Goods
from store.fields import MoneyField, PriceField, QuantityField


class StockLevel(BaseModel):
    goods = peewee.ForeignKeyField(Goods, on_delete="RESTRICT", index=False)
    warehouse = peewee.ForeignKeyField(Warehouse, on_delete="RESTRICT", index=False)
    on_hand = QuantityField(default=0)       # never < 0
    held = QuantityField(default=0)          # by buffered FA/PA/WZ/RW

    class Meta:
        table_name = "stock_level"
        indexes = ((("goods", "warehouse"), True),)


class StockLayer(BaseModel):
    goods = peewee.ForeignKeyField(Goods, on_delete="RESTRICT", index=False)
    warehouse = peewee.ForeignKeyField(Warehouse, on_delete="RESTRICT", index=False)
    document_id = peewee.IntegerField(index=True)      # the receipt (PZ, PW, …) that made it
    received_on = peewee.DateField()
    quantity = QuantityField()
    remaining = QuantityField()
    unit_cost = PriceField(default=0)                  # PLN, net

    class Meta:
        table_name = "stock_layer"
        indexes = ((("goods", "warehouse", "remaining"), False),)


class StockIssue(BaseModel):
    document_id = peewee.IntegerField(index=True)      # the issue document (WZ, RW, …)
    goods_id = peewee.IntegerField()
    layer = peewee.ForeignKeyField(StockLayer, on_delete="RESTRICT", index=True)
    quantity = QuantityField()
    value = MoneyField()

    class Meta:
        table_name = "stock_issue"


MODELS = (StockLevel, StockLayer, StockIssue)
