"""Exchange state and history (SYNC-12, SYNC-13, SYNC-22; issue 13 §9).

Branch side: one `branch_link` row (symbol, branch id, token and dates). HQ side: one `hq_branch` card per
branch. Both sides: a history row per file read or written. Contractor bookkeeping: what the branch sent
(`contractor_sent`, CONF-22) and, at HQ, which branch card (guid) became which HQ card (`contractor_origin`,
GID-5 idempotency, CONF-16 merges)."""
from __future__ import annotations

import peewee

from store.base import BaseModel, TrackedModel, utcnow


class BranchLink(BaseModel):
    """The branch's side of the token (SYNC-13 state table). Exactly one row once the first DLA is read."""

    symbol = peewee.CharField(max_length=10)
    branch_id = peewee.CharField(max_length=36)
    last_sync_date = peewee.DateTimeField(null=True)     # created_at of the last DLA read in full
    last_seq_read = peewee.IntegerField(null=True)       # seq of the last DLA read in full
    last_seq_written = peewee.IntegerField(null=True)    # seq of the last OD written
    last_dla_file_id = peewee.CharField(max_length=36, default="")
    last_od_file_id = peewee.CharField(max_length=36, default="")

    class Meta:
        table_name = "branch_link"


class HqBranch(TrackedModel):
    """HQ's card of one branch (SYNC-22; issue 13 §7)."""

    symbol = peewee.CharField(max_length=10, unique=True)
    branch_id = peewee.CharField(max_length=36, unique=True)
    name = peewee.CharField(max_length=120, default="")
    folder = peewee.CharField(max_length=500, default="")
    register_gid = peewee.IntegerField(null=True)        # the branch's cash register (HQ id)
    operators = peewee.TextField(default="")             # logins sent to the branch, comma separated
    extra_series = peewee.TextField(default="")          # OPER-12: more series, comma separated
    default_price_type = peewee.CharField(max_length=40, default="")
    autonomous_price_type = peewee.CharField(max_length=40, default="")
    fs_from_pa_days = peewee.IntegerField(default=7)
    blocked = peewee.BooleanField(default=False)         # RET-10
    last_seq_read = peewee.IntegerField(null=True)       # seq of the last OD read in full
    last_seq_written = peewee.IntegerField(null=True)    # seq of the last DLA written
    last_sync_date = peewee.DateTimeField(null=True)     # created_at of the last OD read
    last_od_file_id = peewee.CharField(max_length=36, default="")
    last_dla_file_id = peewee.CharField(max_length=36, default="")
    dla_name = peewee.CharField(max_length=40, default="")   # DLA_MAGAZYN.XLO until the first OD is read

    class Meta:
        table_name = "hq_branch"


class ExchangeHistory(BaseModel):
    """One row per exchange file read, refused or written (issue 13 §9)."""

    at = peewee.DateTimeField(default=utcnow, index=True)
    side = peewee.CharField(max_length=6)                # branch | hq
    branch_symbol = peewee.CharField(max_length=10, default="")
    file_name = peewee.CharField(max_length=255, default="")
    direction = peewee.CharField(max_length=3, default="")
    seq = peewee.IntegerField(null=True)
    file_id = peewee.CharField(max_length=36, default="")
    result = peewee.CharField(max_length=10)             # full | partial | skipped | refused | written | failed
    code = peewee.CharField(max_length=30, default="")   # refusal case (tests, support)
    reason = peewee.TextField(default="")
    counts = peewee.TextField(default="")                # "goods=3 prices=6 contractors=2"

    class Meta:
        table_name = "exchange_history"


class ContractorSent(BaseModel):
    """Branch: the contractor's modified_at when it last went into an OD file and that file's id (CONF-22).
    A card is sent again in every OD until a DLA acknowledges (`ack_file_id`) the OD that carried it, so an
    OD overwritten before HQ read it loses nothing (SYNC-14). A card as HQ sent it is `acked` at once."""

    contractor_id = peewee.IntegerField(primary_key=True)
    sent_modified_at = peewee.DateTimeField()
    sent_file_id = peewee.CharField(max_length=36, default="", index=True)
    acked = peewee.BooleanField(default=False)

    class Meta:
        table_name = "contractor_sent"


class ContractorOrigin(BaseModel):
    """HQ: a branch card (its guid) and the HQ card it was stored as or merged into; `acked` once the branch
    answered the DLA that carried the confirmation (GID-3, GID-5)."""

    guid = peewee.CharField(max_length=36, primary_key=True)
    contractor_id = peewee.IntegerField(index=True)
    branch_symbol = peewee.CharField(max_length=10, index=True)
    sent_in = peewee.CharField(max_length=36, default="")   # file_id of the DLA that carried the confirmation
    acked = peewee.BooleanField(default=False)

    class Meta:
        table_name = "contractor_origin"


MODELS = [BranchLink, HqBranch, ExchangeHistory, ContractorSent, ContractorOrigin]
