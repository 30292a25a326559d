"""The business areas of the store, in dependency order (a later area may reference an earlier one's tables).

Imported only when migrations run (store.load_areas): each area registers its migrations with store.schema, so the
core names no business area."""
from __future__ import annotations

from store import cash, catalog, config, exchange, lists, numbering, parties, trade, warehouse
from store.catalog import serial_runs
from store.schema import register_area

register_area("config", config.MIGRATIONS)
register_area("catalog", catalog.MIGRATIONS)
register_area("parties", parties.MIGRATIONS)
register_area("catalog_discounts", catalog.discount_migrations())  # discounts, promotions (need contractors)
register_area("trade", trade.MIGRATIONS)
register_area("numbering", numbering.MIGRATIONS)  # schemes and counters of every class (issue 11, 12)
register_area("cash", cash.MIGRATIONS)            # registers, reports, KP/KW, Preliminarz (need contractors)
register_area("warehouse", warehouse.MIGRATIONS)  # stock levels, cost layers, issues (issue 11; need goods)
register_area("catalog_serial", serial_runs.MIGRATIONS)   # serial operations in batches (issue 16)
register_area("exchange", exchange.MIGRATIONS)    # HQ<->branch token, history, contractor bookkeeping (issue 13)
register_area("lists", lists.MIGRATIONS)          # keep last: indexes over the other areas' tables
