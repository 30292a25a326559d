"""Fixtures of tests/store. The catalogue fixtures live in catalog_helpers.py; declaring them here
shares one seeded database per engine across all catalogue test modules."""
from tests.store.catalog_helpers import cat, catalog_db  # noqa: F401
from tests.store.cash_helpers import branch, branch_db, standalone, standalone_db  # noqa: F401,E402
