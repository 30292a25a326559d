"""Only `filia init` and `filia demo` create a schema; opening never writes into a database that is not
Filia's, and a creation that fails leaves nothing (issue 10 §1)."""
from __future__ import annotations

import hashlib
import sqlite3

import pytest

from store.db import database, open_database
from store.errors import DatabaseProblem


def _files(folder):
    return sorted(p.name for p in folder.iterdir())


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pg_tables(url):
    import psycopg2

    from tests.conftest import PG_BASE

    schema = url.rsplit("schema=", 1)[1]
    conn = psycopg2.connect(PG_BASE)
    try:
        cur = conn.cursor()
        cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,))
        return sorted(r[0] for r in cur.fetchall())
    finally:
        conn.close()


def _foreign_sqlite(path):
    """Another program's database in rollback-journal mode (opening it with WAL would rewrite the header)."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE klienci (id INTEGER PRIMARY KEY, nazwa TEXT)")
    con.execute("INSERT INTO klienci (nazwa) VALUES ('Łódź sp. z o.o.')")
    con.commit()
    con.close()


def test_opening_another_programs_sqlite_file_refuses_with_every_byte_as_it_was(tmp_path):
    path = tmp_path / "obca.db"
    _foreign_sqlite(path)
    before = _digest(path)
    for create in (False, True):
        with pytest.raises(DatabaseProblem, match="nie jest bazą danych Filii"):
            open_database(f"sqlite:///{path}", create=create)
    assert _digest(path) == before and _files(tmp_path) == ["obca.db"]      # no -wal/-shm left either
    database.initialize(None)


def test_opening_an_empty_sqlite_database_refuses_and_writes_nothing(tmp_path):
    path = tmp_path / "pusta.db"
    sqlite3.connect(path).execute("VACUUM").connection.close()             # a valid file without tables
    before = _digest(path)
    with pytest.raises(DatabaseProblem, match="jest pusta"):
        open_database(f"sqlite:///{path}")
    assert _digest(path) == before


@pytest.mark.pg
def test_opening_an_empty_postgresql_schema_creates_no_table(pg_url):
    with pytest.raises(DatabaseProblem, match="jest pusta"):
        open_database(pg_url)
    assert _pg_tables(pg_url) == []


@pytest.mark.pg
def test_opening_a_postgresql_schema_of_another_program_writes_nothing(pg_url):
    import psycopg2

    from tests.conftest import PG_BASE

    schema = pg_url.rsplit("schema=", 1)[1]
    conn = psycopg2.connect(PG_BASE)
    conn.autocommit = True
    conn.cursor().execute(f"CREATE TABLE {schema}.klienci (id serial primary key)")
    conn.close()
    with pytest.raises(DatabaseProblem, match="nie jest bazą danych Filii"):
        open_database(pg_url, create=True)
    assert _pg_tables(pg_url) == ["klienci"]


def test_a_failed_creation_leaves_nothing_on_both_engines(db_url, tmp_path):
    """Whatever fails after the schema was built, the target holds no file / no table afterwards."""
    from store.create import new_database, probe

    with pytest.raises(RuntimeError):
        with new_database(db_url):
            from store.config import set_setting

            set_setting("role", "standalone")
            raise RuntimeError("boom")
    assert probe(db_url).state == "absent"
    if db_url.startswith("sqlite"):
        assert _files(tmp_path) == []
    else:
        assert _pg_tables(db_url) == []
    with new_database(db_url):
        from store.config import set_setting

        set_setting("role", "hq")
    target = probe(db_url)
    assert (target.state, target.settings["role"]) == ("filia", "hq")
    if db_url.startswith("sqlite"):
        assert _files(tmp_path) == ["filia.db"]           # the work file was renamed into place, no -wal left
    with pytest.raises(Exception, match="już istnieje"):
        with new_database(db_url):
            pass
    assert probe(db_url).settings["role"] == "hq"


@pytest.mark.pg
def test_postgresql_creation_makes_the_schema_named_in_the_address(pg_reason):
    from store.create import new_database, probe
    from tests.conftest import _pg_drop, _pg_schema_url

    schema, url = _pg_schema_url(pg_reason)
    _pg_drop(schema)
    missing = url                                          # ?schema=… of a schema that does not exist yet
    try:
        assert probe(missing).state == "absent"
        with new_database(missing):
            pass
        assert probe(missing).state == "filia"
    finally:
        _pg_drop(schema)


@pytest.mark.pg
def test_index_rebuild_of_a_bulk_load_ignores_a_second_schema_with_the_same_tables(pg_url, pg_reason):
    """store.bulk listed PostgreSQL indexes by name only: a second Filia schema in the database made
    every index appear twice and the demo build failed on DROP INDEX."""
    from store.bulk import _index_definitions, deferred_indexes
    from store.catalog.models import Goods
    from store.db import write
    from tests.conftest import _pg_drop, _pg_schema_url

    other_schema, other_url = _pg_schema_url(pg_reason)
    try:
        open_database(pg_url, create=True).close()
        open_database(other_url, create=True).close()
        open_database(pg_url)
        mine = _index_definitions("goods")
        assert mine and len({name for name, _sql in mine}) == len(mine)
        with write(), deferred_indexes(Goods):
            assert _index_definitions("goods") == []
        assert sorted(_index_definitions("goods")) == sorted(mine)
        open_database(other_url)
        assert len(_index_definitions("goods")) == len(mine)       # the other schema's indexes are all there
    finally:
        database.obj.close()
        _pg_drop(other_schema)


def test_display_url_hides_every_password():
    from store.db import display_url, mask_secrets

    assert display_url("postgresql://ala:Tajne123@db.example:5432/firma?schema=x") == \
        "postgresql://ala:***@db.example:5432/firma?schema=x"
    assert "Tajne" not in display_url("postgres://ala:Tajne@h/db?password=Tajne")
    assert display_url("sqlite:////srv/filia/firma.db") == "/srv/filia/firma.db"
    assert "Tajne" not in mask_secrets("host=h password=Tajne dbname=x")


def test_an_address_of_an_unsupported_kind_is_named_never_taken_for_a_path(tmp_path, monkeypatch):
    from store.db import resolve_url

    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatabaseProblem, match="„mysql”") as exc:
        resolve_url("mysql://root:Tajne@localhost/firma")
    assert "Tajne" not in str(exc.value)
    assert _files(tmp_path) == []
