"""The exchange history: a row per file read, refused or written (issue 13 §9), listed newest first."""
from __future__ import annotations

from store.db import run_write
from store.exchange.models import ExchangeHistory


def counts_text(counts: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in counts.items() if v)


def record(*, side: str, result: str, symbol: str = "", file_name: str = "", direction: str = "",
           seq: int | None = None, file_id: str = "", code: str = "", reason: str = "",
           counts: dict | None = None) -> int:
    """Joins the caller's transaction, or writes on its own (a refusal is recorded after the rollback)."""
    def add() -> int:
        return ExchangeHistory.create(side=side, branch_symbol=symbol, file_name=file_name, direction=direction,
                                      seq=seq, file_id=file_id or "", result=result, code=code, reason=reason,
                                      counts=counts_text(counts or {})).id
    return run_write(add)


def listing(limit: int = 200, *, symbol: str | None = None) -> list[ExchangeHistory]:
    query = ExchangeHistory.select()
    if symbol:
        query = query.where(ExchangeHistory.branch_symbol == symbol)
    return list(query.order_by(ExchangeHistory.at.desc(), ExchangeHistory.id.desc()).limit(limit))
