"""The PostgreSQL `db` fixture builds its schema by replaying a recorded migration (tests/conftest.py): the
result must be what open_database(create=True) makes — same columns, defaults, indexes, constraints and rows —
or every PostgreSQL test would run on a schema the program never makes."""
from __future__ import annotations

import pytest

from tests.conftest import _pg_schema, replay_pg_migration
from tests.dbdump import dump

pytestmark = pytest.mark.pg


def _catalogue(url: str) -> list[list[tuple]]:
    import psycopg2

    from tests.conftest import PG_BASE

    schema = url.rsplit("schema=", 1)[1]
    conn = psycopg2.connect(PG_BASE)
    try:
        cur = conn.cursor()
        out = []
        for sql in ("SELECT table_name, column_name, data_type, is_nullable, column_default, character_maximum_length,"
                    " numeric_precision, numeric_scale FROM information_schema.columns WHERE table_schema = %s",
                    "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s",
                    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
                    " WHERE connamespace = %s::regnamespace",
                    "SELECT sequence_name, data_type, start_value, increment FROM information_schema.sequences"
                    " WHERE sequence_schema = %s",
                    "SELECT event_object_table, trigger_name, action_statement FROM information_schema.triggers"
                    " WHERE trigger_schema = %s"):
            cur.execute(sql, (schema,))
            out.append(sorted(tuple(str(v).replace(schema, "S") for v in row) for row in cur.fetchall()))
        return out
    finally:
        conn.close()


def _opened_dump(url: str):
    from store.db import database, open_database

    d = open_database(url)
    try:
        return dump(d)
    finally:
        d.close()
        database.initialize(None)


def test_a_replayed_migration_equals_a_real_one(pg_url, pg_reason, pg_migration_script):
    from store.db import database, open_database

    open_database(pg_url, create=True).close()
    database.initialize(None)
    with _pg_schema(pg_reason) as replayed:
        replay_pg_migration(replayed, pg_migration_script)
        assert _catalogue(replayed) == _catalogue(pg_url)
        assert len(_catalogue(pg_url)[0]) > 100                  # really a Filia schema, not two empty ones
        migrated, copied = _opened_dump(pg_url), _opened_dump(replayed)
        assert _steps(copied.pop("schema_migration")) == _steps(migrated.pop("schema_migration"))
        assert copied == migrated


def _steps(table) -> list[tuple]:
    """schema_migration without applied_at: the same steps, applied at another time."""
    columns, rows = table
    keep = [i for i, c in enumerate(columns) if c != "applied_at"]
    assert len(keep) == len(columns) - 1
    return [tuple(r[i] for i in keep) for r in rows]
