"""Gapless numbering of every document class (issue 11 §2, SETUP-10, SETUP-13, OPER-11…14).

A class is what a number counts: a document kind (FA, PA, FZ, WZ …), cash reports (RK) or cash
entries (KP, KW). Each class has one scheme: a pattern with the tokens {kind} {n} {series} {mm}
{yyyy} and a period (month or year) after which n starts again at 1. A counter row per (class,
series, period) holds the last number given.

    with write():
        number = next_number("FA", issue_date)             # scheme's default series
        number = next_number("FA", issue_date, series="KRAK2")
        number.text, number.n, number.series, number.period

`next_number` must run inside the caller's write transaction: the counter row is locked there
(FOR UPDATE on PostgreSQL, SQLite's BEGIN IMMEDIATE holds the only write lock anyway) and the
number is taken in the same commit as the record that carries it. A rolled-back transaction gives
its number back with it, so numbers have no gaps; a committed number is never given again.

In a branch the schemes and series come from HQ (`apply_hq_series`, called by synchronisation):
they never lower a counter, and an extra series never becomes a class's default (OPER-14). Series validation for documents (extra series chosen only by hand) is
the caller's business rule; numbering counts whatever series it is given.
"""
from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable

import peewee

from store.base import BaseModel, TrackedModel
from store.config import get_setting
from store.db import for_update, in_transaction, run_write, write
from store.errors import DatabaseProblem, Refused, ValidationError
from store.i18n import _
from store.prepared import as_model, prepared, run, text
from store.schema import Migration, create_tables

PERIODS = ("year", "month")
TOKENS = ("kind", "n", "series", "mm", "yyyy")
DEFAULT_PATTERN = "{kind}/{n}/{series}/{yyyy}"
_TOKEN_RE = re.compile(r"\{([a-z]+)\}")


class NumberingScheme(TrackedModel):
    """Schemat numeracji of one class (FA, PA, …, RK, KP, KW)."""

    doc_class = peewee.CharField(max_length=10, unique=True)
    pattern = peewee.CharField(max_length=80, default=DEFAULT_PATTERN)
    period = peewee.CharField(max_length=5, default="year")
    default_series = peewee.CharField(max_length=20, default="")
    from_hq = peewee.BooleanField(default=False)

    class Meta:
        table_name = "numbering_scheme"


class NumberSeries(TrackedModel):
    """A series (seria): the branch symbol, or an extra series defined at HQ (OPER-12)."""

    symbol = peewee.CharField(max_length=20, unique=True)
    extra = peewee.BooleanField(default=False)   # chosen only by hand on a form (OPER-13/14)
    from_hq = peewee.BooleanField(default=False)

    class Meta:
        table_name = "number_series"


class NumberCounter(BaseModel):
    """The last number given in one (class, series, period)."""

    doc_class = peewee.CharField(max_length=10)
    series = peewee.CharField(max_length=20, default="")
    period = peewee.CharField(max_length=7)        # "2024" or "2024-05"
    last = peewee.IntegerField(default=0)

    class Meta:
        table_name = "number_counter"
        indexes = ((("doc_class", "series", "period"), True),)


MODELS = (NumberingScheme, NumberSeries, NumberCounter)
MIGRATIONS = [Migration(1, "numbering schemes, series and counters", create_tables(*MODELS))]


@dataclass(frozen=True)
class Number:
    text: str       # the full number as printed: "FA/12/KRAK/2024"
    n: int          # the counter value
    series: str
    period: str     # the counter's period key


def period_key(on: date, period: str) -> str:
    return f"{on.year:04d}-{on.month:02d}" if period == "month" else f"{on.year:04d}"


def render(pattern: str, *, kind: str, n: int, series: str, on: date) -> str:
    """The pattern with its tokens filled; an empty token takes one separator next to it away
    ("FA/{n}/{series}/{yyyy}" without a series gives "FA/1/2024", not "FA/1//2024")."""
    key = (pattern, kind, series, on.month, on.year)
    around = _RENDERED.get(key)
    if around is None:
        # {n} is never empty and holds no separator, so the number's text around it is the same for every n
        values = {"kind": kind, "n": "\x00", "series": series, "mm": f"{on.month:02d}", "yyyy": f"{on.year:04d}"}
        text = _TOKEN_RE.sub(lambda m: values.get(m.group(1), m.group(0)), pattern)
        around = tuple(re.sub(r"([/\- ])\1+", r"\1", text).strip("/- ").split("\x00"))
        if len(_RENDERED) > 1024:
            _RENDERED.clear()
        _RENDERED[key] = around
    return str(n).join(around)


_RENDERED: dict[tuple, tuple[str, ...]] = {}


def check_pattern(pattern: str) -> None:
    unknown = [t for t in _TOKEN_RE.findall(pattern) if t not in TOKENS]
    if "{n}" not in pattern or unknown:
        raise ValidationError({"pattern": _("Schemat numeracji „{p}” musi zawierać {{n}} i tylko znaczniki "
                                            "{{kind}} {{n}} {{series}} {{mm}} {{yyyy}}.").format(p=pattern)})


def _branch_series() -> str:
    return get_setting("branch_symbol") if get_setting("role") == "branch" else ""


def scheme(doc_class: str) -> NumberingScheme:
    """The class's scheme; a class without one gets the default (in a branch its series is the branch
    symbol, SETUP-10) the first time it is numbered."""
    sql = prepared("numbering.scheme", lambda: NumberingScheme.select().where(NumberingScheme.doc_class == "").limit(1))
    row = as_model(NumberingScheme, run(sql, [doc_class, 1]).fetchone())
    if row is not None:
        return row
    NumberingScheme.insert(doc_class=doc_class, default_series=_branch_series()).on_conflict_ignore().execute()
    return NumberingScheme.get(NumberingScheme.doc_class == doc_class)


def default_series(doc_class: str) -> str:
    row = NumberingScheme.get_or_none(NumberingScheme.doc_class == doc_class)
    return row.default_series if row is not None else _branch_series()


def _take(doc_class: str, series: str, period: str) -> int:
    """Move the counter row on by one and return the new number: one UPDATE … RETURNING, which locks the row
    until the commit (PostgreSQL: a concurrent taker waits, then counts on from the committed value). A missing
    row is made at 0 first (on PostgreSQL a concurrent insert of the same row waits for the other transaction
    and then does nothing, so both end up moving the one row)."""
    sql = text("numbering.take", 'UPDATE "number_counter" SET "last" = "last" + 1 WHERE "doc_class" = ? '
                                  'AND "series" = ? AND "period" = ? RETURNING "last"')
    row = run(sql, [doc_class, series, period]).fetchone()
    if row is None:
        NumberCounter.insert(doc_class=doc_class, series=series, period=period, last=0) \
            .on_conflict_ignore().execute()
        row = run(sql, [doc_class, series, period]).fetchone()
    return row[0]


def next_number(doc_class: str, on: date, *, series: str | None = None, kind: str | None = None,
                fallback_series: str = "") -> Number:
    """The next number of a class for a date, taken in the caller's write transaction. Without `series`: the
    scheme's default series, else `fallback_series` (a cash register counts its own entries)."""
    if not in_transaction():
        raise RuntimeError("next_number() must run inside the caller's write transaction")
    sql = prepared("numbering.scheme.use", lambda: NumberingScheme.select(
        NumberingScheme.pattern, NumberingScheme.period, NumberingScheme.default_series).where(
        NumberingScheme.doc_class == "").limit(1))
    row = run(sql, [doc_class, 1]).fetchone()
    if row is None:                     # the class's first number: its default scheme is made now
        sch = scheme(doc_class)
        row = (sch.pattern, sch.period, sch.default_series)
    pattern, per, default = row
    series = (default or fallback_series) if series is None else series
    period = period_key(on, per)
    n = _take(doc_class, series, period)
    return Number(render(pattern, kind=kind or doc_class, n=n, series=series, on=on), n, series, period)


@contextlib.contextmanager
def given_once(number: str):
    """Around the write that stores a number: the unique index of its table on (class, series, period, n) refuses a
    number given before, which only a counter lowered outside the program gets to (the caller's whole transaction
    is rolled back)."""
    try:
        yield
    except peewee.IntegrityError as exc:
        text = str(exc)
        if "number_n" not in text and "_number_taken" not in text:    # SQLite names the columns, PostgreSQL the index
            raise
        raise Refused(_("Numer {nr} ma już inny dokument – licznik numeracji zmieniono poza programem. Nie "
                        "zapisano; zgłoś to administratorowi.").format(nr=number)) from exc


def numbers_taken_once(db, table: str, columns: tuple[str, ...], name: str) -> None:
    """A migration step: the unique index that makes `given_once` refuse, over rows that carry their counter value
    (`number_n`). A file that already holds a number twice (only an edit outside the program makes one) is not
    opened: the number is named and nothing is changed."""
    cols = ", ".join(f'"{c}"' for c in columns)
    duplicate = db.execute_sql(
        f'SELECT MIN("number") FROM "{table}" WHERE "number_n" IS NOT NULL GROUP BY {cols} HAVING COUNT(*) > 1 '
        f'LIMIT 1').fetchone()
    if duplicate:
        raise DatabaseProblem(_("Numer dokumentu {nr} występuje w bazie więcej niż raz (dane zmieniono poza "
                                "programem) – baza nie została zmieniona. Skontaktuj się z centralą lub "
                                "serwisem.").format(nr=duplicate[0]))
    db.execute_sql(f'CREATE UNIQUE INDEX IF NOT EXISTS "{name}" ON "{table}" ({cols}) WHERE "number_n" IS NOT NULL')


def last_number(doc_class: str, series: str, period: str) -> int:
    row = NumberCounter.get_or_none((NumberCounter.doc_class == doc_class) & (NumberCounter.series == series)
                                    & (NumberCounter.period == period))
    return row.last if row is not None else 0


def _check_no_extra_default() -> None:
    """OPER-14: an extra series is only ever chosen by hand on a form, never a class's default (what new documents
    and conversions take). Checked after HQ's rows are applied, so a row that makes a default series extra is
    caught as well as one that makes an extra series the default."""
    bad = (NumberingScheme.select(NumberingScheme.doc_class, NumberSeries.symbol)
           .join(NumberSeries, on=(NumberingScheme.default_series == NumberSeries.symbol))
           .where(NumberSeries.extra == True).order_by(NumberingScheme.doc_class).tuples().first())  # noqa: E712
    if bad is not None:
        raise ValidationError({"series": _("Seria dodatkowa {s} nie może być domyślną serią dokumentów {k} – serię "
                                           "dodatkową wybiera się tylko ręcznie na formularzu.").format(
                                               s=bad[1], k=bad[0])})


def apply_hq_series(rows: Iterable[dict]) -> int:
    """Schemes, series and counters from HQ (SETUP-10, SETUP-13, OPER-12). One row per (class, series):

        {"doc_class": "FA", "series": "KRAK", "default": True,        # the class's series (branch symbol)
         "pattern": "{kind}/{n}/{series}/{yyyy}", "period": "year",    # optional: the class's scheme
         "extra": False,                                               # OPER-12: chosen only by hand
         "counters": {"2024": 17}}                                     # optional: numbers HQ has seen

    A counter is only ever raised (HQ's figure may be older than the branch's own). Joins the
    caller's transaction. Returns the number of rows applied."""
    rows = list(rows)
    for row in rows:                     # every row checked before anything is written
        if row.get("pattern"):
            check_pattern(row["pattern"])
        if row.get("period") and row["period"] not in PERIODS:
            raise ValidationError({"period": _("Okres numeracji: rok albo miesiąc.")})

    def apply() -> int:
        for row in rows:
            doc_class = str(row["doc_class"]).strip().upper()
            series = str(row.get("series") or "").strip()
            if series:
                NumberSeries.insert(symbol=series, extra=bool(row.get("extra")), from_hq=True) \
                    .on_conflict(conflict_target=[NumberSeries.symbol],
                                 update={NumberSeries.extra: bool(row.get("extra")), NumberSeries.from_hq: True}) \
                    .execute()
            sch = scheme(doc_class)
            changes = {}
            if row.get("pattern"):
                changes[NumberingScheme.pattern] = row["pattern"]
            if row.get("period"):
                changes[NumberingScheme.period] = row["period"]
            if row.get("default") and not row.get("extra"):     # OPER-14: an extra series is never a default
                changes[NumberingScheme.default_series] = series
            if changes:
                NumberingScheme.update({**changes, NumberingScheme.from_hq: True, **NumberingScheme.stamp()}) \
                    .where(NumberingScheme.id == sch.id).execute()
            for period, last in (row.get("counters") or {}).items():
                key = ((NumberCounter.doc_class == doc_class) & (NumberCounter.series == series)
                       & (NumberCounter.period == str(period)))
                NumberCounter.insert(doc_class=doc_class, series=series, period=str(period), last=0) \
                    .on_conflict_ignore().execute()
                current = for_update(NumberCounter.select().where(key)).get()
                if int(last) > current.last:
                    NumberCounter.update(last=int(last)).where(NumberCounter.id == current.id).execute()
        _check_no_extra_default()
        return len(rows)

    if in_transaction():                 # synchronisation's transaction: a savepoint, so a failure takes back
        with write():                    # only these rows
            return apply()
    return run_write(apply)
