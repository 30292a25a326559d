"""Column-wise checking gives exactly what checking every cell with its parser gives (PIE-10..13).

The model is the per-cell parser itself, applied cell by cell: the fast paths (one pass over a
text column, one check per distinct value) must not change a value or a reason.
"""
from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.pricelist_io import cells
from store.pricelist_io.column_check import check_distinct, check_text_column
from store.pricelist_io.columns import BY_KEY

CELL = st.one_of(
    st.just(""), st.text(max_size=12), st.sampled_from(["  ", " tak ", "Nie", "TP", "usługa", "1 234,50", "-3", "x"]),
    st.floats(allow_nan=True, allow_infinity=True, width=64), st.integers(-10**12, 10**12), st.booleans(),
    st.sampled_from([1.0, 1, True, 0, 0.0, False, 2.5, 12.3456789, 1e20]),
    st.just(datetime(2026, 11, 25, 12, 0)),
)


def per_cell(column: list, check) -> tuple[list, list]:
    values, problems = [], []
    for i, v in enumerate(column):
        if v == "" or v is None:
            values.append(None)
            continue
        try:
            values.append(check(v))
        except cells.CellError as exc:
            values.append(None)
            problems.append((i, v, exc.reason))
    return values, problems


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(CELL, max_size=40),                      # mixed types: keyed by type
                 st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), max_size=20),   # one type
                 st.lists(st.sampled_from(["", "tak", "Nie", "TP", "x", "usługa", " 12,5 "]), max_size=20)))
def test_distinct_values_path_equals_per_cell_parsing(column):
    for check in (cells.number, cells.yes_no, cells.item_type, cells.price_limit_kind, cells.cn_code,
                  BY_KEY["unit"].parse):
        got_values, got_problems = check_distinct(column, check)
        want_values, want_problems = per_cell(column, check)
        assert got_values == want_values
        assert sorted((i, r) for i, _v, r in got_problems) == sorted((i, r) for i, _v, r in want_problems)


@settings(max_examples=300, deadline=None)
@given(st.lists(CELL, max_size=40), st.sampled_from(["code", "name", "pkwiu", "description"]))
def test_text_column_path_equals_per_cell_parsing(column, key):
    spec = BY_KEY[key]
    got_values, got_problems = check_text_column(column, spec.text_len, spec.parse)
    want_values, want_problems = per_cell(column, spec.parse)
    assert got_values == want_values
    assert [(i, r) for i, _v, r in got_problems] == [(i, r) for i, _v, r in want_problems]


@given(st.lists(st.text(alphabet="x ", min_size=0, max_size=60), max_size=10))
def test_text_column_reports_over_long_text_like_the_parser(column):
    spec = BY_KEY["pkwiu"]                                     # 20 characters at most
    got = check_text_column(column, spec.text_len, spec.parse)
    want = per_cell(column, spec.parse)
    assert got[0] == want[0] and [(i, r) for i, _v, r in got[1]] == [(i, r) for i, _v, r in want[1]]


EAN_CELL = st.one_of(
    st.text(alphabet="0123456789", min_size=7, max_size=15),
    st.text(alphabet="0123456789 ", min_size=0, max_size=16),
    st.sampled_from(["12345²78", "١٢٣٤٥٦٧٨", "5901234123457", "5901234123458", "590 1234 12345 7", "ABC-1", " "]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(EAN_CELL, max_size=30), st.booleans())
@pytest.mark.rule("ITM-8", "PIE-13")
def test_ean_column_check_agrees_with_stdnum_validate(column, enabled):
    """The import's column-wise EAN check against python-stdnum's own validate(), cell by cell."""
    from stdnum import ean as std_ean

    from store.pricelist_io.plan import check_ean_column

    values = [v.strip() or None for v in column]
    problems = dict(check_ean_column(values, enabled))
    for i, cell in enumerate(column):
        code = cell.strip().replace(" ", "")
        must_check = enabled and len(code) in (8, 13, 14) and code.isdigit()
        if must_check and not std_ean.is_valid(code):
            assert values[i] is None and "EAN" in problems[i], (cell, values[i])
        else:
            assert i not in problems and values[i] == (code or None), (cell, values[i])


CODE = st.one_of(st.none(), st.sampled_from(["A", "B", "C", "A&B", "x<y", "k'", "q\"", "b\\s", "D\nE", "Ż"]),
                 st.text(max_size=4))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(CODE, st.one_of(st.none(), st.sampled_from(["5901234123457", "96385074", "X1"]))),
                max_size=12), st.booleans())
def test_row_rules_fast_path_sends_every_breaking_file_to_the_exact_checks(rows, with_eans):
    """The set-based pre-check may skip the per-row loop only when no row breaks a rule: every code
    present, none with & < > ' " \\, codes unique, EANs unique (brute force over pairs here)."""
    from store.pricelist_io.plan import _may_break_row_rules

    codes = [c for c, _e in rows]
    eans = [e for _c, e in rows] if with_eans else None
    broken = any(c is None or any(ch in c for ch in "&<>'\"\\") for c in codes)
    for i in range(len(rows)):
        for j in range(i):
            broken = broken or codes[i] == codes[j] or (eans is not None and eans[i] is not None and eans[i] == eans[j])
    assert _may_break_row_rules(codes, eans) == broken
