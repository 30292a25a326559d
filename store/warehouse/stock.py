"""Stock movements, inside the caller's write transaction (the trade core's buffer save, approval, cancellation).

    hold({goods_id: +3, other: -1}, warehouse_id, check=True)   # buffered issue documents (DOC-2, SETUP-15)
    values = issue(document_id, warehouse_id, {goods_id: qty}, released={goods_id: qty held by it})
    receive(document_id, warehouse_id, [(goods_id, qty, unit_cost)], on=date)
    reverse_issue(document_id, warehouse_id)     # cancellation: the exact layers come back
    reverse_receipt(document_id, warehouse_id)   # refused when a layer was issued since
    available(goods_id, warehouse_id)            # on hand - held

The costing method is fixed at set-up (SETUP-2, MM-21): FIFO (oldest layer first), LIFO (newest first) or QUAN
(the layer with most left first, ties oldest — the source leaves it undefined; docs/decisions.md). Every level row
an operation touches is locked first (FOR UPDATE on PostgreSQL, in goods-id order so two approvals never deadlock;
SQLite's BEGIN IMMEDIATE holds the only write lock): two sessions can never both take the last piece.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Iterable

from store.catalog.dictionaries import Warehouse
from store.catalog.models import Goods
from store.config import get_setting
from store.db import for_update
from store.errors import Refused
from store.i18n import _
from store.prepared import case_update_sql, insert_sql, prepared, run
from store.warehouse.models import StockIssue, StockLayer, StockLevel

ZERO = Decimal(0)


class Shortage(Refused):
    """DOC-65: not enough of some goods; `shortages` = [(goods code, warehouse symbol, missing quantity)]."""

    def __init__(self, shortages: list[tuple[str, str, Decimal]]):
        self.shortages = shortages
        super().__init__("\n".join(
            _("Brak wystarczającej ilości towaru {kod} w magazynie {magazyn} (brakuje {brak}).").format(
                kod=code, magazyn=wh, brak=_qty(missing)) for code, wh, missing in shortages))


def _qty(q: Decimal) -> str:
    q = q.normalize()
    return format(q, "f").replace(".", ",")


def costing_method() -> str:
    return get_setting("costing_method") or "FIFO"


def available(goods_id: int, warehouse_id: int) -> Decimal:
    """On hand minus what buffered documents hold (DOC-2)."""
    row = StockLevel.select(StockLevel.on_hand, StockLevel.held).where(
        (StockLevel.goods == goods_id) & (StockLevel.warehouse == warehouse_id)).first()
    return row.on_hand - row.held if row else ZERO


def on_hand(goods_id: int, warehouse_id: int) -> tuple[Decimal, Decimal]:
    row = StockLevel.select(StockLevel.on_hand, StockLevel.held).where(
        (StockLevel.goods == goods_id) & (StockLevel.warehouse == warehouse_id)).first()
    return (row.on_hand, row.held) if row else (ZERO, ZERO)


# Inside an operation quantities are kept as stored (integers of 1/10000): exact, and no Decimal per row
# (an approval of ten goods touches ten levels and ~thirty layers); Decimals come in and go out at the edges.
_stored = StockLevel.on_hand.db_value
_quantity = StockLevel.on_hand.python_value


class _Level:
    """A stock level row as issuing and receiving change it (on hand, held, as stored), then save it."""

    __slots__ = ("id", "goods_id", "on_hand", "held")

    def __init__(self, level_id: int, goods_id: int, on_hand: int, held: int):
        self.id, self.goods_id, self.on_hand, self.held = level_id, goods_id, on_hand, held


def _lock_levels(goods_ids: Iterable[int], warehouse_id: int) -> dict[int, _Level]:
    ids = sorted(set(goods_ids))
    if not ids:
        return {}
    sql = prepared(f"stock.levels4:{len(ids)}", lambda: for_update(StockLevel.select(
        StockLevel.id, StockLevel.goods, StockLevel.on_hand, StockLevel.held).where(
        (StockLevel.goods.in_(list(range(len(ids))))) & (StockLevel.warehouse == 0)).order_by(StockLevel.goods)))

    def read() -> dict[int, _Level]:
        return {g: _Level(i, g, int(o), int(h)) for i, g, o, h in run(sql, [*ids, warehouse_id])}

    levels = read()
    missing = [g for g in ids if g not in levels]
    if missing:
        StockLevel.insert_many([{"goods": g, "warehouse": warehouse_id} for g in missing]) \
            .on_conflict_ignore().execute()
        levels = read()
    return levels


def _shortage(missing: dict[int, int], warehouse_id: int) -> Shortage:
    """`missing`: goods -> the quantity short, as stored."""
    missing = {g: _quantity(q) for g, q in missing.items()}
    codes = dict(Goods.select(Goods.id, Goods.code).where(Goods.id.in_(list(missing))).tuples())
    wh = Warehouse.get_or_none(Warehouse.id == warehouse_id)
    symbol = wh.symbol if wh else str(warehouse_id)
    return Shortage([(codes.get(g, str(g)), symbol, q) for g, q in sorted(missing.items(), key=lambda i: codes.get(i[0], ""))])


def _save_all(levels: list[_Level]) -> None:
    """Every changed level in one UPDATE (a CASE per column): an approval of ten goods is one statement."""
    run(case_update_sql(StockLevel, ["on_hand", "held"], len(levels)),
        [v for lv in levels for v in (lv.id, lv.on_hand)] + [v for lv in levels for v in (lv.id, lv.held)]
        + [lv.id for lv in levels])


def _save_remaining(changes: dict[int, int]) -> None:
    """The layers' new remaining quantities (as stored) in one UPDATE."""
    if not changes:
        return
    run(case_update_sql(StockLayer, ["remaining"], len(changes)),
        [v for kv in changes.items() for v in kv] + list(changes))


def hold(changes: dict[int, Decimal], warehouse_id: int, *, check: bool) -> None:
    """Move what buffered documents hold by `changes` (goods -> +more / -less). With `check` (SETUP-15), a goods
    whose hold grows past what is on hand is refused (every shortage named)."""
    changes = {g: d for g, d in changes.items() if d}
    if not changes:
        return
    levels = _lock_levels(changes, warehouse_id)
    missing = {}
    for g, delta in changes.items():
        level = levels[g]
        delta = _stored(delta)
        level.held = max(level.held + delta, 0)     # a release past the hold (data edited by hand) stops at 0
        if check and delta > 0 and level.held > level.on_hand:
            missing[g] = level.held - level.on_hand
    if missing:
        raise _shortage(missing, warehouse_id)
    _save_all([levels[g] for g in sorted(changes)])


# The order layers are issued in, per costing method (SETUP-2, MM-21), in SQL: the rows come out ready
ISSUE_ORDER = {
    "FIFO": (StockLayer.goods, StockLayer.received_on, StockLayer.id),
    "LIFO": (StockLayer.goods, StockLayer.received_on.desc(), StockLayer.id.desc()),
    "QUAN": (StockLayer.goods, StockLayer.remaining.desc(), StockLayer.received_on, StockLayer.id),
}

# take (1/10000) x unit cost (1/10000 PLN) is in 1/10^8 PLN; a value is in grosze (1/100): divide by 10^6
_TO_GROSZE = 10 ** (StockIssue.quantity.places + StockLayer.unit_cost.places - StockIssue.value.places)


def _value(take: int, unit_cost: int) -> int:
    """take x unit cost in grosze, rounded half up (away from zero), as Decimal's ROUND_HALF_UP would: exact in
    integers, no Decimal per layer."""
    product = take * unit_cost
    grosze = (abs(product) + _TO_GROSZE // 2) // _TO_GROSZE
    return grosze if product >= 0 else -grosze


def _layers(goods_ids: list[int], warehouse_id: int, method: str):
    """(layer id, goods id, remaining, unit cost) of the goods' layers with something left, as stored, goods by
    goods in the order the method issues them."""
    if method not in ISSUE_ORDER:
        raise ValueError(f"unknown costing method {method!r}")
    sql = prepared(f"stock.layers:{method}:{len(goods_ids)}", lambda: for_update(StockLayer.select(
        StockLayer.id, StockLayer.goods, StockLayer.remaining, StockLayer.unit_cost).where(
        (StockLayer.goods.in_(list(range(len(goods_ids))))) & (StockLayer.warehouse == 0)
        & (StockLayer.remaining > 0)).order_by(*ISSUE_ORDER[method])))
    return run(sql, [*goods_ids, warehouse_id, 0])


def issue(document_id: int, warehouse_id: int, quantities: dict[int, Decimal], *,
          released: dict[int, Decimal] | None = None, method: str | None = None) -> dict[int, Decimal]:
    """Take `quantities` off stock for an approved issue document: what the document itself held is released
    first; a shortage (on hand minus what others hold) is refused naming every goods (DOC-65). Returns the
    issued value (PLN) per goods."""
    need = {g: _stored(q) for g, q in quantities.items() if q}
    free = {g: _stored(q) for g, q in (released or {}).items() if q}
    if any(q < 0 for q in need.values()):
        raise ValueError("an issue of a negative quantity")
    touched = set(need) | set(free)
    if not touched:
        return {}
    levels = _lock_levels(touched, warehouse_id)
    missing = {}
    for g in touched:
        level = levels[g]
        # never below 0: a hold edited by hand would otherwise make more available than is on hand
        level.held = max(level.held - free.get(g, 0), 0)
        wanted = need.get(g, 0)
        if wanted > level.on_hand - level.held:
            missing[g] = wanted - (level.on_hand - level.held)
    if missing:
        raise _shortage(missing, warehouse_id)
    values: dict[int, Decimal] = {}
    if need:
        left = dict(need)
        totals = dict.fromkeys(need, 0)
        issues, remaining = [], {}             # issues: the INSERT's values, five a row, as stored
        for layer_id, g, on_layer, unit_cost in _layers(sorted(need), warehouse_id, method or costing_method()):
            wanted = left[g]
            if wanted <= 0:
                continue
            take = wanted if wanted < on_layer else on_layer
            left[g] = wanted - take
            value = _value(take, unit_cost)
            totals[g] += value
            remaining[layer_id] = on_layer - take
            issues += [document_id, g, layer_id, take, value]
        short = next((g for g, q in left.items() if q > 0), None)
        if short is not None:   # on hand without layers: a broken store; never silently issue from nothing
            raise RuntimeError(f"goods {short}: on hand has no cost layers for {_quantity(left[short])}")
        money = StockIssue.value.python_value
        for g, q in need.items():
            values[g] = money(totals[g])
            levels[g].on_hand -= q
        _save_remaining(remaining)
        run(insert_sql(StockIssue, list(_ISSUE), len(issues) // len(_ISSUE)), issues)
    _save_all([levels[g] for g in sorted(touched)])
    return values


_ISSUE = ("document_id", "goods_id", "layer", "quantity", "value")


def receive(document_id: int, warehouse_id: int, rows: list[tuple[int, Decimal, Decimal]], *, on: date) -> None:
    """An approved receipt: one layer per (goods, quantity, unit cost PLN) row; on hand grows."""
    rows = [r for r in rows if r[1]]
    if not rows:
        return
    levels = _lock_levels([g for g, _q, _c in rows], warehouse_id)
    for g, q, _cost in rows:
        if q < 0:
            raise ValueError("a receipt line with a negative quantity")
        levels[g].on_hand += _stored(q)
    StockLayer.insert_many([{"goods": g, "warehouse": warehouse_id, "document_id": document_id, "received_on": on,
                             "quantity": q, "remaining": q, "unit_cost": c} for g, q, c in rows]).execute()
    _save_all([levels[g] for g in sorted(levels)])


def reverse_issue(document_id: int, warehouse_id: int) -> None:
    """Cancellation of an issue: every layer gets back exactly what this document took."""
    issues = list(StockIssue.select().where(StockIssue.document_id == document_id))
    if not issues:
        return
    levels = _lock_levels([i.goods_id for i in issues], warehouse_id)
    for i in issues:
        StockLayer.update(remaining=StockLayer.remaining + i.quantity).where(StockLayer.id == i.layer_id).execute()
        levels[i.goods_id].on_hand += _stored(i.quantity)
    StockIssue.delete().where(StockIssue.document_id == document_id).execute()
    _save_all([levels[g] for g in sorted(levels)])


def reverse_receipt(document_id: int, warehouse_id: int, *, number: str = "") -> None:
    """Cancellation of a receipt: refused when any of its layers has been issued since (the issue would lose its
    cost); else the layers go and on hand falls."""
    layers = list(for_update(StockLayer.select().where(StockLayer.document_id == document_id)))
    if not layers:
        return
    used = [layer for layer in layers if layer.remaining != layer.quantity]
    if used:
        code = Goods.get_by_id(used[0].goods_id).code
        raise Refused(_("Nie można anulować dokumentu {nr}: towar {kod} z tej dostawy został już wydany.").format(
            nr=number, kod=code))
    levels = _lock_levels([layer.goods_id for layer in layers], warehouse_id)
    for layer in layers:
        levels[layer.goods_id].on_hand -= _stored(layer.quantity)
    missing = {g: -lv.on_hand for g, lv in levels.items() if lv.on_hand < 0}
    if missing:
        raise _shortage(missing, warehouse_id)
    StockLayer.delete().where(StockLayer.document_id == document_id).execute()
    _save_all([levels[g] for g in sorted(levels)])
