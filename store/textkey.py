"""Polish case folding and alphabetical order as one definition for Python, SQLite and PostgreSQL.

`sort_key(text)` orders like a Polish dictionary, case-insensitively: a < ą < b, c < ć, e < ę, l < ł,
n < ń, o < ó, s < ś, z < ź < ż. Each Polish letter becomes its base letter followed by MARK, a code
point above any real text, so „ą…” sorts after every „a…” and before „b”; ż takes two MARKs to follow ź.
`fold(text)` is the case folding alone (what the filter line compares).

The SQL forms are the same table written as nested replace() over lower(): lower() folds ASCII only on
both engines (SQLite has no ICU here; on PostgreSQL the argument is given COLLATE "C"), the Polish
capitals are replaced explicitly. So both engines compute byte-identical keys, and comparing them byte
by byte (SQLite BINARY, PostgreSQL "C") gives one order. Indexes are built on these expressions, so
every writer (the ORM, raw bulk SQL, another program) keeps them right without knowing about them.
Other letters with diacritics (é, ü, č …) keep their code point: after z, the same on both engines.
"""
from __future__ import annotations

import string

import peewee

MARK = "\U0010fffd"
POLISH_UPPER = "ĄĆĘŁŃÓŚŹŻ"
POLISH_LOWER = "ąćęłńóśźż"
_BASE = "acelnoszz"

# (from, to) pairs in the order the SQL applies them
FOLD_PAIRS = tuple(zip(POLISH_UPPER, POLISH_LOWER))
ORDER_PAIRS = tuple((letter, base + MARK * (2 if letter in "Żż" else 1))
                    for up, low, base in zip(POLISH_UPPER, POLISH_LOWER, _BASE) for letter in (up, low))

_ASCII_LOWER = {ord(c): ord(c.lower()) for c in string.ascii_uppercase}
_FOLD = {**_ASCII_LOWER, **{ord(u): ord(lo) for u, lo in FOLD_PAIRS}}
_ORDER = {**_ASCII_LOWER, **{ord(src): dst for src, dst in ORDER_PAIRS}}


def fold(text: str) -> str:
    """Lower case as the filter compares it: ASCII and the Polish letters."""
    return text.translate(_FOLD)


def sort_key(text: str) -> str:
    """The key lists sort and locate by (see the module doc)."""
    return text.translate(_ORDER)


def _literal(text: str) -> peewee.SQL:
    # inline, never a parameter: an expression index is matched on the statement's text
    return peewee.SQL("'" + text.replace("'", "''") + "'")


def lower_sql(expr, postgres: bool):
    """lower() folding ASCII only, on both engines."""
    if postgres:
        expr = peewee.NodeList((expr, peewee.SQL('COLLATE "C"')))
    return peewee.fn.LOWER(expr)


def _replaced(expr, pairs):
    for src, dst in pairs:
        expr = peewee.fn.REPLACE(expr, _literal(src), _literal(dst))
    return expr


def fold_sql(expr, postgres: bool):
    """SQL of fold(expr)."""
    return _replaced(lower_sql(expr, postgres), FOLD_PAIRS)


def sort_key_sql(expr, postgres: bool):
    """SQL of sort_key(expr)."""
    return _replaced(lower_sql(expr, postgres), ORDER_PAIRS)


def ddl(db: peewee.Database, node) -> str:
    """An expression as SQL text for CREATE INDEX (no parameters: every literal is inline)."""
    sql, params = db.get_sql_context().sql(node).query()
    assert not params, params
    return sql
