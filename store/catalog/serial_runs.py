"""Serial operations over many goods in bounded batches (issue 16 §5).

A run freezes its goods in `serial_run_goods` (the table of ids: marks are never a Python list of a
million ids in an IN clause), then works through them in ascending id order, one batch per
transaction. Each batch applies the operation set-based to its ids, deletes them from the pending
table, appends its report lines to `serial_run_log` and adds its counts to `serial_run` — all in the
batch's transaction. So a batch is committed whole or not at all, a killed or cancelled run has
exactly its committed batches done, and running the same run again (`execute(run_id)`) continues with
the goods still pending: no item is changed twice (no double +10 %). The report of a run is read from
its log: every change and refusal of every committed batch, whichever attempt committed it.

One run = many transactions: the recorded exception to "one business change = one transaction"
(docs/decisions.md). A batch is sized to take about BATCH_TARGET_S, so another session's save waits
at most about that long; between batches the run lets waiting writers in (store.write_gate).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable

import peewee

from store.base import BaseModel, new_guid, session_operator, utcnow
from store.db import database, is_sqlite, run_write, write
from store.errors import NotFound, ValidationError
from store.i18n import _
from store.schema import Migration, create_tables

BATCH_FIRST = 500
BATCH_MIN, BATCH_MAX = 50, 20_000
BATCH_TARGET_S = 0.25
FREEZE_CHUNK = 20_000


class SerialRun(BaseModel):
    """One serial operation over frozen goods: its parameters, progress and counts."""

    guid = peewee.CharField(max_length=36, unique=True, default=new_guid)   # the operation's id
    kind = peewee.CharField(max_length=40)
    params = peewee.TextField(default="{}")
    operator = peewee.CharField(max_length=20, default="")
    status = peewee.CharField(max_length=12, default="preparing")   # preparing | ready | done | cancelled
    total = peewee.IntegerField(default=0)
    done = peewee.IntegerField(default=0)
    changed = peewee.IntegerField(default=0)
    refused = peewee.IntegerField(default=0)
    batches = peewee.IntegerField(default=0)
    started_at = peewee.DateTimeField(default=utcnow)
    finished_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "serial_run"


class SerialRunGoods(BaseModel):
    """The goods of a run still to do (a row leaves in the transaction of the batch that did it)."""

    run = peewee.IntegerField()
    goods = peewee.IntegerField()

    class Meta:
        table_name = "serial_run_goods"
        primary_key = peewee.CompositeKey("run", "goods")


class SerialRunLog(BaseModel):
    """The report lines of one committed batch (JSON list of [c|r, goods id, code, field/reason, old, new])."""

    run = peewee.IntegerField()
    batch = peewee.IntegerField()
    entries = peewee.TextField()

    class Meta:
        table_name = "serial_run_log"
        indexes = ((("run", "batch"), True),)


MIGRATIONS = [Migration(1, "serial operations in batches: runs, pending goods, report (issue 16)",
                        create_tables(SerialRun, SerialRunGoods, SerialRunLog))]


# --- report ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    goods_id: int
    code: str
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class Refusal:
    goods_id: int
    code: str
    reason: str


def _enc(value):
    if isinstance(value, Decimal):
        return {"d": str(value)}
    return value


def _dec(value):
    if isinstance(value, dict) and "d" in value:
        return Decimal(value["d"])
    return value


class Entries:
    """What one batch did, in goods order: changes and refusals (encoded for the log)."""

    def __init__(self) -> None:
        self.rows: list[list] = []
        self.changed = self.refused = 0

    def change(self, goods_id: int, code: str, name: str, old, new) -> None:
        self.rows.append(["c", goods_id, code, name, _enc(old), _enc(new)])
        self.changed += 1

    def refuse(self, goods_id: int, code: str, reason: str) -> None:
        self.rows.append(["r", goods_id, code, reason])
        self.refused += 1


def decode(rows: list[list]) -> tuple[list[Change], list[Refusal]]:
    changed, refused = [], []
    for row in rows:
        if row[0] == "c":
            changed.append(Change(row[1], row[2], row[3], _dec(row[4]), _dec(row[5])))
        else:
            refused.append(Refusal(row[1], row[2], row[3]))
    return changed, refused


# --- operations ---------------------------------------------------------------------------------------

# kind -> (check(params) run before anything is frozen, apply(run, ids, params, entries) inside a batch)
Apply = Callable[[int, list[int], dict, Entries], None]
_KINDS: dict[str, tuple[Callable[[dict], None], Apply]] = {}


def register(kind: str, check: Callable[[dict], None], apply: Apply) -> None:
    _KINDS[kind] = (check, apply)


def _kind(kind: str):
    if kind not in _KINDS:
        import store.catalog.serial_sets  # noqa: F401 - registers the set-based operations
    return _KINDS[kind]


@dataclass
class RunState:
    run_id: int
    guid: str
    kind: str
    status: str
    total: int
    done: int
    changed: int
    refused: int

    @property
    def finished(self) -> bool:
        return self.status == "done"


def state(run_id: int) -> RunState:
    r = SerialRun.get_or_none(SerialRun.id == run_id)
    if r is None:
        raise NotFound(_("Nie znaleziono operacji seryjnej."))
    return RunState(r.id, r.guid, r.kind, r.status, r.total, r.done, r.changed, r.refused)


# --- freezing the goods -------------------------------------------------------------------------------

def start(kind: str, params: dict, *, ids: Iterable[int] | None = None, selection=None,
          exclude: Iterable[int] = ()) -> int:
    """Check the parameters, create the run and freeze its goods: `ids` (a list given by the caller), or
    every id of `selection` (a peewee query returning goods ids, e.g. ListQuery.id_query() of a list
    with "mark all") except `exclude`. Freezing goes in chunks of FREEZE_CHUNK ids, each its own short
    transaction; nothing of the goods changes before execute(). Returns the run id."""
    check, _apply = _kind(kind)
    check(params)
    prune()
    if ids is None and selection is None:
        raise ValidationError({"goods": _("Zaznacz towary albo ustaw kursor na towarze.")})
    with write():
        run = SerialRun.create(kind=kind, params=json.dumps(params, default=str), operator=session_operator())
    total = 0
    from store.write_gate import let_waiters_in

    if ids is not None:
        unique = sorted(set(int(i) for i in ids))
        for lo in range(0, len(unique), FREEZE_CHUNK):
            chunk = unique[lo:lo + FREEZE_CHUNK]
            with write():
                _pend(run.id, chunk)
            total += len(chunk)
            let_waiters_in()
    else:
        total = _freeze_selection(run.id, selection, set(int(i) for i in exclude))
    if total == 0:
        with write():
            SerialRun.delete().where(SerialRun.id == run.id).execute()
        raise ValidationError({"goods": _("Zaznacz towary albo ustaw kursor na towarze.")})
    with write():
        SerialRun.update(status="ready", total=total).where(SerialRun.id == run.id).execute()
    return run.id


LOG_KEPT_DAYS = 30
PREPARING_ABANDONED_H = 6


def prune() -> None:
    """Forget what no one will read: the report log of runs finished more than LOG_KEPT_DAYS ago, and runs
    whose freezing was killed (status "preparing" for PREPARING_ABANDONED_H hours) with their pending ids —
    deleted in chunks, each its own short transaction."""
    from datetime import timedelta

    now = utcnow()
    old = [r for (r,) in SerialRun.select(SerialRun.id).where(
        (SerialRun.status == "done") & (SerialRun.finished_at < now - timedelta(days=LOG_KEPT_DAYS))).tuples()]
    for run_id in old:
        with write():
            SerialRunLog.delete().where(SerialRunLog.run == run_id).execute()
            SerialRun.delete().where(SerialRun.id == run_id).execute()
    abandoned = [r for (r,) in SerialRun.select(SerialRun.id).where(
        (SerialRun.status == "preparing") & (SerialRun.started_at < now - timedelta(hours=PREPARING_ABANDONED_H)))
        .tuples()]
    p = _p()
    for run_id in abandoned:
        while True:
            with write():
                gone = database.execute_sql(
                    f'DELETE FROM "serial_run_goods" WHERE "run" = {p} AND "goods" IN (SELECT "goods" FROM '
                    f'"serial_run_goods" WHERE "run" = {p} ORDER BY "goods" LIMIT {FREEZE_CHUNK})',
                    (run_id, run_id)).rowcount
            if not gone:
                break
        with write():
            SerialRun.delete().where(SerialRun.id == run_id).execute()


def _pend(run_id: int, goods_ids: list[int]) -> None:
    if goods_ids:
        from store.catalog.serial_sets import _many

        p = _p()
        _many(f'INSERT INTO "serial_run_goods" ("run", "goods") VALUES ({p}, {p})', [(run_id, g) for g in goods_ids])


def _p() -> str:
    return "?" if is_sqlite() else "%s"


def _freeze_selection(run_id: int, selection, exclude: set[int]) -> int:
    """The selection's ids copied by keyset chunks (id > last ORDER BY id LIMIT n), each chunk its own short
    transaction, waiting writers let in between chunks."""
    from store.catalog.models import Goods
    from store.write_gate import let_waiters_in

    last, total = 0, 0
    base = selection.order_by(Goods.id)
    while True:
        with write():
            chunk = [g for (g,) in base.where(Goods.id > last).limit(FREEZE_CHUNK).tuples()]
            if not chunk:
                break
            keep = [g for g in chunk if g not in exclude]
            _pend(run_id, keep)
        total += len(keep)
        last = chunk[-1]
        let_waiters_in()
        if len(chunk) < FREEZE_CHUNK:
            break
    return total


# --- running ------------------------------------------------------------------------------------------

class Cancelled(Exception):
    pass


def execute(run_id: int, *, progress: Callable[[RunState], None] | None = None,
            cancel: Callable[[], bool] | None = None, pause: Callable[[], None] | None = None) -> RunState:
    """Work through the pending goods of a run, batch by batch, until none is left or `cancel()` says
    stop (checked between batches: a batch in progress is finished or rolled back, never half done).
    `progress(state)` after each committed batch. Running a run again continues where it stopped."""
    from store.write_gate import let_waiters_in, notice_after

    r = SerialRun.get_or_none(SerialRun.id == run_id)
    if r is None:
        raise NotFound(_("Nie znaleziono operacji seryjnej."))
    if r.status == "preparing":
        raise ValidationError({"goods": _("Przygotowanie tej operacji zostało przerwane – uruchom ją od nowa.")})
    _check, apply = _kind(r.kind)
    params = json.loads(r.params)
    params["_ctx"] = {}                 # what an operation computes once per execution (price type, rates…)
    size = BATCH_FIRST
    st = RunState(r.id, r.guid, r.kind, "ready", r.total, r.done, r.changed, r.refused)
    if r.status == "cancelled":
        with write():
            SerialRun.update(status="ready").where(SerialRun.id == run_id).execute()
    while True:
        if cancel is not None and cancel():
            with write():
                SerialRun.update(status="cancelled").where(SerialRun.id == run_id).execute()
            st.status = "cancelled"
            break
        started = time.perf_counter()
        if is_sqlite():
            n, changed, refused = run_write(_batch, run_id, apply, params, size)
        else:                       # a batch longer than 1 s on PostgreSQL waits for other sessions' row locks
            with notice_after():
                n, changed, refused = run_write(_batch, run_id, apply, params, size)
        if n == 0:
            with write():
                SerialRun.update(status="done", finished_at=utcnow()).where(SerialRun.id == run_id).execute()
            st.status = "done"
            break
        st.done, st.changed, st.refused = st.done + n, st.changed + changed, st.refused + refused
        took = max(time.perf_counter() - started, 1e-4)
        if n == size:
            size = int(min(BATCH_MAX, max(BATCH_MIN, size * min(4.0, BATCH_TARGET_S / took))))
        if progress is not None:
            progress(st)
        if pause is not None:
            pause()
        let_waiters_in()            # another session waiting for the write lock goes first
    return st


def _batch(run_id: int, apply: Apply, params: dict, size: int) -> tuple[int, int, int]:
    """One transaction: the next `size` pending goods, applied, removed from pending, logged."""
    p = _p()
    # two sessions finishing the same run take its batches one after the other (FOR UPDATE on PostgreSQL,
    # BEGIN IMMEDIATE on SQLite); the batch number is the stored one + 1
    lock = "" if is_sqlite() else " FOR UPDATE"
    batch_no = database.execute_sql(f'SELECT "batches" FROM "serial_run" WHERE "id" = {p}{lock}',
                                    (run_id,)).fetchone()[0] + 1
    ids = [g for (g,) in database.execute_sql(
        f'SELECT "goods" FROM "serial_run_goods" WHERE "run" = {p} ORDER BY "goods" LIMIT {p}', (run_id, size))]
    if not ids:
        return 0, 0, 0
    entries = Entries()
    apply(run_id, ids, params, entries)
    database.execute_sql(f'DELETE FROM "serial_run_goods" WHERE "run" = {p} AND "goods" <= {p}', (run_id, ids[-1]))
    database.execute_sql(f'INSERT INTO "serial_run_log" ("run", "batch", "entries") VALUES ({p}, {p}, {p})',
                         (run_id, batch_no, json.dumps(entries.rows, ensure_ascii=False)))
    database.execute_sql(f'UPDATE "serial_run" SET "done" = "done" + {p}, "changed" = "changed" + {p}, '
                         f'"refused" = "refused" + {p}, "batches" = {p} WHERE "id" = {p}',
                         (len(ids), entries.changed, entries.refused, batch_no, run_id))
    return len(ids), entries.changed, entries.refused


def batch_ids_sql(run_id: int, ids: list[int]) -> tuple[str, list]:
    """The goods of the batch as a subquery on the table of ids (bounded: ids[0]..ids[-1] of the run)."""
    p = "?" if is_sqlite() else "%s"
    return (f'(SELECT "goods" FROM "serial_run_goods" WHERE "run" = {p} AND "goods" BETWEEN {p} AND {p})',
            [run_id, ids[0], ids[-1]])


def report_rows(run_id: int, *, limit: int | None = None) -> Iterable[list]:
    """The log of a run in batch order (every committed change and refusal), read batch by batch."""
    n = 0
    for (entries,) in SerialRunLog.select(SerialRunLog.entries).where(SerialRunLog.run == run_id) \
            .order_by(SerialRunLog.batch).tuples().iterator():
        for row in json.loads(entries):
            if limit is not None and n >= limit:
                return
            n += 1
            yield row


def report(run_id: int, *, limit: int | None = None) -> tuple[list[Change], list[Refusal]]:
    return decode(list(report_rows(run_id, limit=limit)))


def unfinished_runs(kind: str | None = None) -> list[RunState]:
    """Runs stopped before their end (killed, cancelled): the screen offers to finish them."""
    q = SerialRun.select().where(SerialRun.status.in_(("ready", "cancelled")))
    if kind:
        q = q.where(SerialRun.kind == kind)
    return [RunState(r.id, r.guid, r.kind, r.status, r.total, r.done, r.changed, r.refused)
            for r in q.order_by(SerialRun.id)]


