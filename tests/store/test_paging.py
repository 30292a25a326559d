"""Keyset paging against an independent model: Python's sorted() over the same rows."""
from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.bulk import bulk_insert
from store.db import write
from store.lists import contractor_list
from store.paging import ListQuery
from store.parties import Contractor

ascii_names = st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=6)


def _fill(names):
    Contractor.delete().execute()
    with write():
        bulk_insert(Contractor, ({"code": f"C{i:05d}", "name": n, "city": n[::-1]} for i, n in enumerate(names)))
    return {c.id: c for c in Contractor.select()}


def _model_order(rows, column, descending=False):
    key = (lambda c: (getattr(c, column).lower(), c.id))
    return [c.id for c in sorted(rows.values(), key=key, reverse=descending)]


def _walk_forward(query, page):
    out, key = [], None
    while True:
        rows = query.page_after(key, page)
        if not rows:
            return out
        out += [r[0] for r in rows]
        key = query.key(rows[-1])


def _walk_backward(query, page):
    out, key = [], None
    while True:
        rows = query.page_before(key, page)
        if not rows:
            return out
        out = [r[0] for r in rows] + out
        key = query.key(rows[0])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(ascii_names, min_size=0, max_size=40), page=st.integers(1, 7),
       column=st.sampled_from(["name", "city", "code"]), descending=st.booleans())
def test_pages_walk_the_same_order_as_sorted(sqlite_db, names, page, column, descending):
    rows = _fill(names)
    q = ListQuery(contractor_list(), sort=column, descending=descending)
    expected = _model_order(rows, column, descending)
    assert _walk_forward(q, page) == expected
    assert _walk_backward(q, page) == expected
    assert q.count() == len(expected)
    for pos, rid in enumerate(expected):
        assert q.index_of(q.key_of_id(rid)) == pos
    assert [r[0] for r in q.page_at(len(expected) // 2, page)] == expected[len(expected) // 2:][:page]


def test_locator_filter_and_named_filters_on_both_engines(db):
    _fill(["Kowalski", "kowalczyk", "Nowak", "Zając", "Adamczyk"])
    Contractor.update(active=False).where(Contractor.name == "Nowak").execute()
    q = ListQuery(contractor_list(), sort="name")
    key = q.locate("KOWALC")
    assert Contractor.get_by_id(key[1]).name == "kowalczyk"
    assert q.index_of(key) == 1  # after Adamczyk
    assert q.locate("zzz") is None
    q.filter_text = "ALC"
    assert [Contractor.get_by_id(r[0]).name for r in q.page_after(None, 10)] == ["kowalczyk"]
    q.filter_text = ""
    q.active_filters = {"inactive"}
    assert [Contractor.get_by_id(r[0]).name for r in q.page_after(None, 10)] == ["Nowak"]
    assert q.count() == 1


def test_list_queries_use_indexes_not_scans(sqlite_db):
    _fill(["a", "b", "c"])
    q = ListQuery(contractor_list(), sort="name")
    sql, params = q._select().where(q._after(("b", 2))).order_by(*q._order()).limit(10).sql()
    plan = " ".join(str(r) for r in sqlite_db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())
    assert "USING INDEX" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize("column", ["code", "name", "city"])
def test_every_sort_column_has_an_index(sqlite_db, column):
    _fill(["a"])
    q = ListQuery(contractor_list(), sort=column)
    sql, params = q._select().order_by(*q._order()).limit(10).sql()
    plan = " ".join(str(r) for r in sqlite_db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())
    assert "TEMP B-TREE" not in plan, plan
