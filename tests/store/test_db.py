"""Opening databases: engines, migrations, and every bad-input case refused without change."""
from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys

import pytest

from store import schema
from store.db import database, open_database, resolve_url
from store.errors import DatabaseProblem


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_open_creates_all_tables_on_both_engines(db):
    tables = set(db.get_tables())
    assert {"schema_migration", "company", "goods", "contractor", "operator"} <= tables
    assert schema.applied_versions(db)["config"] >= 1


def test_sqlite_pragmas_are_safe(sqlite_db):
    assert sqlite_db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert sqlite_db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert sqlite_db.execute_sql("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL, never OFF
    assert sqlite_db.execute_sql("PRAGMA busy_timeout").fetchone()[0] > 0


def test_write_transactions_begin_immediate(sqlite_db):
    statements = []
    sqlite_db.connection().set_trace_callback(statements.append)
    from store.config import set_setting

    set_setting("demo", "1")
    assert any(s.upper().startswith("BEGIN IMMEDIATE") for s in statements), statements


def test_old_database_is_upgraded_not_recreated(sqlite_url):
    """An older schema gets only the missing steps; its data survives."""
    from store.config import Setting

    db = open_database(sqlite_url, create=True)
    db.execute_sql("DELETE FROM schema_migration WHERE area = 'parties'")
    db.execute_sql("DROP TABLE contractor")
    Setting.create(key="keep", value="me")
    db.close()
    db = open_database(sqlite_url)
    assert "contractor" in db.get_tables()
    assert Setting.get(Setting.key == "keep").value == "me"
    db.close()
    database.initialize(None)


def test_newer_schema_refused_unchanged(sqlite_url, tmp_path):
    db = open_database(sqlite_url, create=True)
    db.execute_sql("INSERT INTO schema_migration(area, version, name, applied_at) VALUES ('parties', 999, 'x', '2030-01-01')")
    db.close()
    path = tmp_path / "filia.db"
    before = _digest(path)
    with pytest.raises(DatabaseProblem, match="nowszej wersji"):
        open_database(sqlite_url)
    assert _digest(path) == before
    database.initialize(None)


def test_corrupt_file_refused_unchanged(tmp_path):
    path = tmp_path / "bad.db"
    path.write_bytes(b"this is not a database" * 100)
    before = _digest(path)
    with pytest.raises(DatabaseProblem, match="uszkodzony"):
        open_database(f"sqlite:///{path}")
    assert _digest(path) == before


def test_missing_file_and_bad_paths(tmp_path):
    with pytest.raises(DatabaseProblem, match="nie istnieje"):
        open_database(f"sqlite:///{tmp_path / 'none.db'}")
    assert not (tmp_path / "none.db").exists()
    with pytest.raises(DatabaseProblem, match="Katalog"):
        open_database(f"sqlite:///{tmp_path / 'no/such/dir/x.db'}", create=True)
    with pytest.raises(DatabaseProblem, match="katalog"):
        open_database(f"sqlite:///{tmp_path}", create=True)
    with pytest.raises(DatabaseProblem):
        resolve_url("bad\x00path")


def test_locked_database_gives_polish_message(sqlite_url, tmp_path):
    db = open_database(sqlite_url, create=True)
    db.execute_sql("DELETE FROM schema_migration WHERE area = 'parties'")  # opening must write
    db.close()
    database.initialize(None)
    path = tmp_path / "filia.db"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3,sys,time;c=sqlite3.connect(sys.argv[1],isolation_level=None);"
        "c.execute('BEGIN EXCLUSIVE');print('locked',flush=True);time.sleep(30)"), str(path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(DatabaseProblem, match="zablokowana"):
            open_database(sqlite_url, busy_timeout_ms=200)
    finally:
        holder.kill()
        holder.wait()
        database.initialize(None)


def test_resolve_url_order(monkeypatch, tmp_path):
    monkeypatch.setenv("FILIA_DB", str(tmp_path / "env.db"))
    assert resolve_url(str(tmp_path / "cli.db")).endswith("cli.db")
    assert resolve_url(None).endswith("env.db")
    monkeypatch.delenv("FILIA_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert "filia" in resolve_url(None)


def test_current_versions_match_the_registered_migrations():
    """The fast path of opening trusts CURRENT_VERSIONS; it must name every area's newest step."""
    expected = {area: max(m.version for m in migs) for area, migs in schema.registered_areas()}
    assert schema.CURRENT_VERSIONS == expected


def test_bulk_write_commits_once_and_restores_the_checkpoint_setting(sqlite_url):
    """A bulk load commits like write() (all or nothing); the WAL copy is left to a background
    connection and the session's auto-checkpoint comes back afterwards."""
    from store.config import Setting
    from store.db import bulk_write

    db = open_database(sqlite_url, create=True)
    try:
        with pytest.raises(RuntimeError):
            with bulk_write():
                Setting.create(key="half", value="done")
                raise RuntimeError("stop")
        assert Setting.get_or_none(Setting.key == "half") is None              # rolled back
        with bulk_write():
            Setting.insert_many([{"key": f"k{i}", "value": "x" * 100} for i in range(5000)]).execute()
        assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
        other = sqlite3.connect(str(sqlite_url.removeprefix("sqlite:///")))
        assert other.execute("SELECT COUNT(*) FROM setting WHERE key LIKE 'k%'").fetchone()[0] == 5000
        other.close()
    finally:
        db.close()
        database.initialize(None)
