"""Checking a price-list sheet one column at a time.

A 100,000-row sheet has a million cells; checking them row by row costs a Python call and a
try/except per cell. Column by column, the common cases become list comprehensions: a text
column is stripped and length-checked in one pass, and a column whose values repeat (type,
unit, VAT rate, group, yes/no, most prices) is checked once per distinct value. The result is
the same as checking every cell with its parser: the value, or the parser's Polish reason.
"""
from __future__ import annotations

from typing import Callable

from store.pricelist_io.cells import CellError

CellProblem = tuple[int, object, str]          # (index in the column, cell as read, reason)


def check_text_column(cells: list, max_len: int, check: Callable) -> tuple[list, list[CellProblem]]:
    """A plain text column: every cell a string within `max_len` takes the fast path; otherwise
    (numbers typed in the column, over-long text) every cell goes through `check`."""
    try:
        stripped = [v.strip() for v in cells]
    except AttributeError:                     # a non-text cell somewhere: the careful way
        stripped = None
    if stripped is None or (stripped and max(map(len, stripped)) > max_len):
        return check_each(cells, check)
    return [s or None for s in stripped], []


def check_each(cells: list, check: Callable) -> tuple[list, list[CellProblem]]:
    """Every non-empty cell through `check`."""
    values: list = [None] * len(cells)
    problems: list[CellProblem] = []
    for i, v in enumerate(cells):
        if v == "" or v is None:
            continue
        try:
            values[i] = check(v)
        except CellError as exc:
            problems.append((i, v, exc.reason))
    return values, problems


def check_distinct(cells: list, check: Callable) -> tuple[list, list[CellProblem]]:
    """`check` once per distinct cell value (keyed by type too when types mix: 1, 1.0 and True
    differ in a sheet, yet are equal in Python)."""
    keyed = len(set(map(type, cells))) > 1
    distinct = {(v.__class__, v) for v in cells} if keyed else set(cells)
    results: dict = {}
    nan = False
    for key in distinct:
        v = key[1] if keyed else key
        if v == "" or v is None:
            continue
        if v != v:                                # NaN is never equal to itself: checked per cell below
            nan = True
            continue
        try:
            results[key] = check(v)
        except CellError as exc:
            results[key] = exc
    values: list = [results.get((v.__class__, v)) for v in cells] if keyed else list(map(results.get, cells))
    if not nan and not any(r.__class__ is CellError for r in results.values()):
        return values, []
    problems: list[CellProblem] = []
    for i, r in enumerate(values):
        if r.__class__ is CellError:
            problems.append((i, cells[i], r.reason))
            values[i] = None
        elif r is None and cells[i] != cells[i]:
            try:
                values[i] = check(cells[i])
            except CellError as exc:
                problems.append((i, cells[i], exc.reason))
    return values, problems
