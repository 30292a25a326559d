"""Stock (magazyn): on hand, held by buffered documents, cost layers and issues (issue 11 §4).

Modules:
  models   stock levels (goods x warehouse: on hand, held), cost layers, issues
  stock    hold/release, receive, issue by the costing method, reverse both; `available()`

Warehouse never imports the trade area: documents are referenced by id.
"""
from __future__ import annotations

from store.schema import Migration, create_tables
from store.warehouse.models import MODELS, StockIssue, StockLayer, StockLevel  # noqa: F401

MIGRATIONS = [Migration(1, "stock levels, cost layers, issues (issue 11)", create_tables(*MODELS))]

from store.warehouse.stock import Shortage, available, costing_method  # noqa: E402,F401
