"""Branch↔HQ exchange on the store side (issue 13): token state, history, the batch upserts of HQ data by
HQ id (`gid`), the contractor exchange both ways. The file I/O and the run order live in sync/."""
from __future__ import annotations

from store.exchange.models import (MODELS, BranchLink, ContractorOrigin, ContractorSent, ExchangeHistory,  # noqa: F401
                                   HqBranch)
from store.schema import Migration, create_tables

MIGRATIONS = [
    Migration(1, "exchange state, history, contractor bookkeeping", create_tables(*MODELS)),
]
