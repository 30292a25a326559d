"""Trade documents (invoices, receipts, purchases, warehouse and cash documents)."""
from __future__ import annotations

from store.trade.documents import Document, create_document  # noqa: F401
from store.trade.documents import MIGRATIONS  # noqa: F401
