"""The PostgreSQL server drops a session's connection (issue 16 §3, bad input): the next save is refused with the
Polish „Utracono połączenie…”, nothing of it is stored, and the save after that reconnects and works."""
from __future__ import annotations

import pytest

from store.errors import DatabaseProblem


def _kill_backend(db) -> None:
    import psycopg2

    from tests.conftest import PG_BASE

    pid = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    other = psycopg2.connect(PG_BASE)
    other.autocommit = True
    other.cursor().execute("SELECT pg_terminate_backend(%s)", (pid,))
    other.close()


@pytest.mark.pg
def test_a_dropped_connection_is_said_in_polish_and_the_next_save_reconnects(pg_url):
    from store import parties
    from store.db import database, open_database
    from store.parties import Contractor

    db = open_database(pg_url, create=True)
    try:
        c = parties.create_contractor({"code": "K1", "name": "Kowalski"}, confirm=True)
        version = Contractor.get_by_id(c.id).version
        _kill_backend(db)
        with pytest.raises(DatabaseProblem) as info:
            parties.save_card(c.id, {"city": "Utracone"}, confirm=True, version=version)
        assert "Utracono połączenie z serwerem bazy danych" in str(info.value)
        saved = parties.save_card(c.id, {"city": "Po ponownym połączeniu"}, confirm=True, version=version)
        assert saved.city == "Po ponownym połączeniu"
        assert Contractor.get_by_id(c.id).version == version + 1       # the lost save left nothing behind
    finally:
        db.close()
        database.initialize(None)
