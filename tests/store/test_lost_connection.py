"""The PostgreSQL server drops a session's connection (issue 16 §3, bad input). Between transactions the session
reconnects on its next statement: the clerk's next list page, card or save simply works. Inside a save's
transaction nothing is re-run: the save is refused with the Polish „Utracono połączenie…”, nothing of it is
stored, and the save after that reconnects and works."""
from __future__ import annotations

import pytest

from store.errors import DatabaseProblem


def _backend_pid(db) -> int:
    return db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


def _kill_backend(pid: int) -> None:
    import psycopg2

    from tests.conftest import PG_BASE

    other = psycopg2.connect(PG_BASE)
    other.autocommit = True
    other.cursor().execute("SELECT pg_terminate_backend(%s)", (pid,))
    other.close()


@pytest.fixture
def pg_session(pg_url):
    from store import parties
    from store.db import database, open_database

    db = open_database(pg_url, create=True)
    try:
        for code, name in (("K1", "Kowalski"), ("K2", "Łódź Śruba")):
            parties.create_contractor({"code": code, "name": name}, confirm=True)
        yield db
    finally:
        db.close()
        database.initialize(None)


@pytest.mark.pg
def test_a_connection_dropped_between_transactions_is_reconnected_by_the_next_read_and_save(pg_session):
    from store import lists, parties
    from store.paging import ListQuery
    from store.parties import Contractor

    db = pg_session
    c = Contractor.get(Contractor.code == "K1")
    first = _backend_pid(db)
    _kill_backend(first)
    rows = ListQuery(lists.contractor_list()).page_after(None, 10)   # what the list shows after the drop
    assert [("K1", "Kowalski"), ("K2", "Łódź Śruba")] == [r[1:3] for r in rows]
    assert _backend_pid(db) != first                                 # a new connection, not the dead one
    _kill_backend(_backend_pid(db))
    saved = parties.save_card(c.id, {"city": "Łódź"}, confirm=True, version=c.version)
    assert saved.city == "Łódź" and Contractor.get_by_id(c.id).version == c.version + 1


@pytest.mark.pg
def test_a_connection_dropped_inside_a_save_is_said_in_polish_and_nothing_of_it_is_stored(pg_session):
    from store import parties
    from store.db import write
    from store.parties import Contractor

    db = pg_session
    c = Contractor.get(Contractor.code == "K1")
    pid = _backend_pid(db)
    with pytest.raises(DatabaseProblem) as info:
        with write():
            Contractor.update(city="Utracone").where(Contractor.id == c.id).execute()
            _kill_backend(pid)
            Contractor.update(name="Utracony").where(Contractor.id == c.id).execute()
    assert "Utracono połączenie z serwerem bazy danych" in str(info.value)
    kept = Contractor.get_by_id(c.id)
    assert (kept.city, kept.name, kept.version) == (c.city, c.name, c.version)   # the half-done save left nothing
    saved = parties.save_card(c.id, {"city": "Po ponownym połączeniu"}, confirm=True, version=c.version)
    assert saved.city == "Po ponownym połączeniu"
