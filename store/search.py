"""The filter line („zawiera”): rows one of whose search columns contains the typed text, case
folded like the sort key (store.textkey), on a keyset-paged list.

A term of at least three characters on a list with a trigram index is looked up in it: on
PostgreSQL a LIKE on the folded search columns that pg_trgm's GIN index answers (the planner
chooses between it and the sorted index); on SQLite the FTS5 trigram table is asked first how many
rows match (at most WALK_MAX are counted, a millisecond or two), and the page query is shaped by that:

    up to DRIVE_MAX   the matching rows are read by id and sorted: a few rows cost a few lookups
    up to WALK_MAX    the sorted index is walked testing ids against the matches (read once per
                      query), so even matches bunched at the far end of the order need no row reads
    more              the sorted index is walked testing each row's text: a dense set fills a page
                      within a few rows

A shorter term (or a list without a trigram index) is that per-row test: the walk stops as soon as
a page is full. Counting the matches may take longer on a big list; the list counts in a worker, and
reads the first page in one too when the walk may be long (`slow_to_page`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import peewee

from store import textkey
from store.db import database, is_sqlite

TRIGRAM = 3
DRIVE_MAX = 10_000
WALK_MAX = 200_000
_ready: dict[tuple[int, str], bool] = {}


def index_ready(name: str) -> bool:
    """SQLite: the FTS5 table exists (an SQLite without FTS5 has none; the per-row test answers).
    PostgreSQL: the LIKE is right with or without its index."""
    if not is_sqlite():
        return True
    db = database.obj
    ready = _ready.get((id(db), name))
    if ready is None:
        ready = _ready[(id(db), name)] = db.execute_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None
    return ready


def document(columns):
    """The folded text a PostgreSQL trigram index covers: the search columns joined by a separator no
    typed term contains, so a match never spans two columns."""
    joined = None
    for column in columns:
        part = peewee.fn.COALESCE(column, peewee.SQL("''"))
        joined = part if joined is None else joined.concat(peewee.SQL("'\x1f'")).concat(part)
    return textkey.fold_sql(joined, True)


def contains(columns, term: str):
    """The per-row test: fold(column) contains fold(term) for one of the columns. Only the capitals of
    the Polish letters the term has are folded (an ASCII-only term needs lower() alone)."""
    needle = textkey.fold(term)
    pairs = [(up, low) for up, low in textkey.FOLD_PAIRS if low in needle]
    pg = not is_sqlite()
    find = peewee.fn.STRPOS if pg else peewee.fn.INSTR
    tests = []
    for column in columns:
        text = textkey.lower_sql(peewee.fn.COALESCE(column, peewee.SQL("''")), pg)
        for up, low in pairs:
            text = peewee.fn.REPLACE(text, up, low)
        tests.append(find(text, needle) > 0)
    out = tests[0]
    for t in tests[1:]:
        out = out | t
    return out


def _like_pattern(term: str) -> str:
    folded = textkey.fold(term)
    return "%" + folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True)
class Search:
    """One filter text on one list: how its condition is written (`mode`) and the condition itself."""

    term: str
    columns: Sequence
    index: str | None
    mode: str          # "scan"; "drive", "walk", "dense" (SQLite FTS5 tiers); "pg", "pg-many" (pg_trgm)

    @classmethod
    def of(cls, term: str, columns: Sequence, index: str | None) -> "Search":
        if not (index and len(term) >= TRIGRAM and index_ready(index)):
            return cls(term, columns, index, "scan")
        if not is_sqlite():
            return cls(term, columns, index, cls._pg_mode(term, columns))
        matches = database.execute_sql(
            f'SELECT count(*) FROM (SELECT 1 FROM "{index}" WHERE "{index}" MATCH ? LIMIT ?)',
            (cls.phrase_of(term), WALK_MAX + 1)).fetchone()[0]
        mode = "drive" if matches <= DRIVE_MAX else "walk" if matches <= WALK_MAX else "dense"
        return cls(term, columns, index, mode)

    @staticmethod
    def _pg_mode(term: str, columns) -> str:
        """PostgreSQL plans the page itself (the GIN index for a few matches, the sorted index walked
        with the LIKE as a filter for many). Many matches bunched far along the order make that walk
        long (1.2 s for 12 % of 200,000 contractors): "pg-many" tells the list to read the first rows
        in a worker. Counted by the GIN index up to DRIVE_MAX + 1."""
        model = columns[0].model
        probe = model.select(peewee.SQL("1")).where(
            peewee.Expression(document(columns), "LIKE", _like_pattern(term))).limit(DRIVE_MAX + 1)
        matches = peewee.Select([probe.alias("m")], [peewee.fn.COUNT(peewee.SQL("*"))]).scalar(database)
        return "pg-many" if matches > DRIVE_MAX else "pg"

    @staticmethod
    def phrase_of(term: str) -> str:
        return '"' + term.replace('"', '""') + '"'

    def _matches(self):
        return peewee.SQL(f'(SELECT rowid FROM "{self.index}" WHERE "{self.index}" MATCH ?)', [self.phrase_of(self.term)])

    def condition(self, pk, *, one_row: bool = False, for_count: bool = False):
        """The where-expression. one_row: a lookup of one record by id; for_count: a count (or a
        position count) rather than a page."""
        if self.mode == "scan":
            return contains(self.columns, self.term)
        if self.mode in ("pg", "pg-many"):
            return peewee.Expression(document(self.columns), "LIKE", _like_pattern(self.term))
        if one_row:   # ask the index about that rowid only
            return peewee.NodeList((peewee.SQL(f'EXISTS (SELECT 1 FROM "{self.index}" WHERE "{self.index}" MATCH ? '
                                               f'AND "{self.index}".rowid =', [self.phrase_of(self.term)]),
                                    pk, peewee.SQL(")")))
        if self.mode == "drive":
            return pk.in_(self._matches())
        if self.mode == "walk" or for_count:
            # unary + keeps the planner from reading the matches by id: it walks the sort index instead
            return peewee.NodeList((peewee.SQL("+"), pk), glue="").in_(self._matches())
        return contains(self.columns, self.term)

    def count_alone(self) -> int | None:
        """SQLite: the number of matches when nothing else narrows the list (the index counts)."""
        if self.mode not in ("drive", "walk", "dense"):
            return None
        return database.execute_sql(f'SELECT count(*) FROM "{self.index}" WHERE "{self.index}" MATCH ?',
                                    (self.phrase_of(self.term),)).fetchone()[0]
