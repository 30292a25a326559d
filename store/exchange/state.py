"""The token rules as pure decisions (SYNC-13 for the branch, issue 13 §7 for HQ) and the state rows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from store.exchange.models import BranchLink, HqBranch
from store.i18n import _

FULL, PARTIAL, SKIP, REFUSE = "full", "partial", "skipped", "refused"


@dataclass(frozen=True)
class Decision:
    mode: str                  # full | partial | skipped | refused
    reply_seq: int | None = None
    code: str = ""
    reason: str = ""


def _token_refusal(n: int, m: int, code: str) -> Decision:
    return Decision(REFUSE, code=code, reason=_(
        "Plik wymiany ma numer synchronizacji {n}, oczekiwano {m}. Plik nie został wczytany.").format(n=n, m=m))


def branch_decision(link: BranchLink | None, seq: int, created_at: datetime) -> Decision:
    """SYNC-13, row by row. `link` None = first sync (no stored seq)."""
    if link is None or link.last_seq_written is None:
        return Decision(FULL, reply_seq=seq + 1)
    expected = link.last_seq_written + 1
    later = link.last_sync_date is None or created_at > link.last_sync_date
    if later:
        if seq == expected:
            return Decision(FULL, reply_seq=seq + 1)
        return _token_refusal(seq, expected, "token_later")
    if seq <= expected - 1:
        return Decision(PARTIAL, reply_seq=link.last_seq_written)
    return _token_refusal(seq, expected, "token_not_later")


def hq_decision(card: HqBranch, seq: int, file_id: str) -> Decision:
    """HQ reading an OD (recorded in docs/decisions.md): seq = expected -> full; seq = last read with a new
    file_id (the branch rewrote a superset, SYNC-14) -> idempotent re-apply, token kept, the pending DLA
    rewritten; a file_id already read -> skipped; anything else refused."""
    if file_id and file_id == card.last_od_file_id:
        return Decision(SKIP, code="known_file", reason=_("Ten plik wymiany został już wczytany."))
    expected = (card.last_seq_written or 0) + 1
    if seq == expected:
        return Decision(FULL, reply_seq=seq + 1)
    if card.last_seq_read is not None and seq == card.last_seq_read:
        return Decision(PARTIAL, reply_seq=card.last_seq_written)
    return _token_refusal(seq, expected, "token_hq")


def branch_link() -> BranchLink | None:
    return BranchLink.select().order_by(BranchLink.id).first()


@dataclass(frozen=True)
class Summary:
    """What the exchange screen shows (SETUP-22: number and date read-only)."""

    role: str
    symbol: str
    folder: str
    branch_id: str
    last_seq: int | None
    last_date: datetime | None
    demo: bool


def summary() -> Summary:
    from store.config import Setting

    settings = dict(Setting.select(Setting.key, Setting.value).tuples())
    link = branch_link()
    return Summary(role=settings.get("role", ""), symbol=settings.get("branch_symbol", ""),
                   folder=settings.get("exchange_folder", ""), branch_id=link.branch_id if link else "",
                   last_seq=link.last_seq_written if link else None, last_date=link.last_sync_date if link else None,
                   demo=settings.get("demo") == "1")


def hq_branches() -> list[HqBranch]:
    return list(HqBranch.select().order_by(HqBranch.symbol))
