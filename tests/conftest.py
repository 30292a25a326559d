"""Shared fixtures: real databases on both engines, and the rule -> test report."""
from __future__ import annotations

import json
import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
os.environ.setdefault("FILIA_LANG", "pl")

PG_BASE = os.environ.get("FILIA_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")

# Property tests: the suite (and CI) runs the "suite" profile; FILIA_HYPOTHESIS_PROFILE=long runs every
# property and state machine with several times the examples (a nightly or a change to the code they cover).
HYPOTHESIS_PROFILE = os.environ.get("FILIA_HYPOTHESIS_PROFILE", "suite")


def _register_hypothesis_profiles() -> None:
    from hypothesis import settings

    settings.register_profile("suite", settings(max_examples=100))
    settings.register_profile("long", settings(max_examples=1000))
    settings.load_profile(HYPOTHESIS_PROFILE)


_register_hypothesis_profiles()

if os.environ.get("FILIA_PILOT_TYPING", "fast") == "fast":   # FILIA_PILOT_TYPING=pilot: Pilot's key-by-key waits
    from tests.fast_typing import install

    install()


def examples(suite: int, long: int) -> int:
    """max_examples of a property test whose examples are costly (a database behind each step): `suite` in
    the suite and CI, `long` with FILIA_HYPOTHESIS_PROFILE=long."""
    return long if HYPOTHESIS_PROFILE == "long" else suite


def _pg_available() -> str | None:
    try:
        import psycopg2

        conn = psycopg2.connect(PG_BASE.replace("postgresql://", "postgresql://", 1), connect_timeout=3)
        conn.close()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


@pytest.fixture(autouse=True)
def no_operator_left_over():
    """Every test starts with nobody logged in: the session operator is process-wide, and a TUI test's login
    (ADMIN, who may exceed credit limits) must not decide a later store test's credit check in the same worker."""
    from store.base import set_session_operator

    set_session_operator("")
    yield
    set_session_operator("")


@pytest.fixture(scope="session")
def pg_reason():
    return _pg_available()


def _pg_schema_url(pg_reason):
    if pg_reason:
        msg = f"PostgreSQL is not reachable at {PG_BASE}: {pg_reason}"
        if os.environ.get("FILIA_REQUIRE_PG") == "1":
            pytest.fail(msg + " (FILIA_REQUIRE_PG=1: CI must run the PostgreSQL tests)")
        pytest.skip(msg)
    import psycopg2

    schema = f"t_{uuid.uuid4().hex[:12]}"
    conn = psycopg2.connect(PG_BASE)
    conn.autocommit = True
    conn.cursor().execute(f"CREATE SCHEMA {schema}")
    conn.close()
    return schema, f"{PG_BASE}?schema={schema}"


def _pg_drop(schema):
    import psycopg2

    conn = psycopg2.connect(PG_BASE)
    conn.autocommit = True
    conn.cursor().execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    conn.close()


@contextmanager
def _pg_schema(pg_reason):
    """A fresh, empty PostgreSQL schema (its URL), dropped afterwards."""
    schema, url = _pg_schema_url(pg_reason)
    try:
        yield url
    finally:
        from store.db import database

        if database.obj is not None:
            database.obj.close()
        _pg_drop(schema)


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def db_url(request, tmp_path, pg_reason):
    """A fresh, empty database URL on each engine the store supports."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'filia.db'}"
        return
    with _pg_schema(pg_reason) as url:
        yield url


@pytest.fixture
def pg_url(pg_reason):
    """A fresh, empty PostgreSQL schema: the PostgreSQL half of db_url, for PostgreSQL-only tests."""
    with _pg_schema(pg_reason) as url:
        yield url


def database_template(tmp_path_factory, name: str, fill=None) -> Path:
    """A SQLite database built once per test session and worker (each xdist worker has its own tmp base),
    complete and closed (no WAL beside it), so a test copies one file instead of building it: the schema
    alone takes ~0.25 s, the TUI tests' demo company ~0.6 s. `fill()` runs inside the build."""
    path = tmp_path_factory.getbasetemp() / f"template-{name}.db"
    if not path.exists():
        from store.create import new_database

        with new_database(f"sqlite:///{path}"):
            if fill is not None:
                fill()
    return path


def open_copy(template: Path, path: Path):
    """Open a fresh copy of a template database at `path`."""
    import shutil

    from store.db import open_database

    shutil.copyfile(template, path)
    return open_database(f"sqlite:///{path}")


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory) -> Path:
    """An empty, migrated SQLite database (what open_database(create=True) makes)."""
    return database_template(tmp_path_factory, "schema")


def record_pg_migration(url: str) -> list[str]:
    """Migrate the empty PostgreSQL schema at `url` as open_database(create=True) does, and return every
    statement that changed it, as sent to the server (parameters bound). Reads (catalogue look-ups, the
    advisory lock) are left out: replayed on an empty schema the rest gives the same tables, indexes,
    constraints and rows (tests/store/test_pg_template.py compares them)."""
    import psycopg2.extensions

    from store import schema
    from store.db import connect, database

    statements: list[str] = []

    class Recording(psycopg2.extensions.cursor):
        def execute(self, sql, params=None):
            statements.append(self.mogrify(sql, params).decode())
            return super().execute(sql, params)

        def executemany(self, sql, seq):
            seq = list(seq)
            statements.extend(self.mogrify(sql, p).decode() for p in seq)
            return super().executemany(sql, seq)

    d = connect(url, create=True)
    d.connection().cursor_factory = Recording
    database.initialize(d)
    try:
        schema.migrate(d)
    finally:
        d.close()
        database.initialize(None)
    return [s for s in statements
            if not (s.lstrip().upper().startswith("SELECT") and "setval(" not in s and "nextval(" not in s)]


@pytest.fixture(scope="session")
def pg_migration_script(pg_reason) -> str:
    """The statements a migration sends to an empty PostgreSQL schema, recorded once per session and worker.
    Replayed in one round trip they build a schema ~5 times faster than migrating it (a fresh migration
    is ~800 statements, half of them catalogue look-ups: seconds per test on the 2-core CI machine)."""
    with _pg_schema(pg_reason) as url:
        return ";\n".join(record_pg_migration(url))


def replay_pg_migration(url: str, script: str) -> None:
    """Bring the empty schema of `url` (…?schema=NAME) to what a migration makes, by the recorded script."""
    import psycopg2

    schema = url.rsplit("schema=", 1)[1]
    conn = psycopg2.connect(PG_BASE)
    conn.autocommit = True                  # the script is one implicit transaction
    try:
        conn.cursor().execute(f"SET search_path = {schema};\n{script}")
    finally:
        conn.close()


@pytest.fixture
def db(db_url, request):
    """An opened, migrated database (both engines); on SQLite a copy of the session's template, on PostgreSQL
    a fresh schema built by the session's recorded migration."""
    from store.db import database, open_database, sqlite_path

    path = sqlite_path(db_url)
    if path is not None:
        d = open_copy(request.getfixturevalue("schema_template"), path)
    else:
        replay_pg_migration(db_url, request.getfixturevalue("pg_migration_script"))
        d = open_database(db_url)
    yield d
    d.close()
    database.initialize(None)


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'filia.db'}"


@pytest.fixture
def sqlite_db(tmp_path, schema_template):
    from store.db import database

    d = open_copy(schema_template, tmp_path / "filia.db")
    yield d
    d.close()
    database.initialize(None)


# --- rule -> tests -> outcome (make rules) ---------------------------------------------------------

def pytest_runtest_setup(item):
    ids = [rid for m in item.iter_markers("rule") for rid in m.args]
    if ids:
        item.user_properties.append(("rules", ids))


_results: dict[str, dict] = {}


def pytest_runtest_logreport(report):
    rules = next((v for k, v in report.user_properties if k == "rules"), None)
    if not rules:
        return
    entry = _results.setdefault(report.nodeid, {"rules": rules, "outcome": "passed"})
    if report.failed:
        entry["outcome"] = "failed"
    elif report.skipped and entry["outcome"] == "passed":
        entry["outcome"] = "skipped"


def pytest_sessionfinish(session, exitstatus):
    if hasattr(session.config, "workerinput") or not _results:
        return
    out = Path(session.config.rootpath) / "rules-report.json"
    results = dict(_results)
    if session.config.args_source != pytest.Config.ArgsSource.TESTPATHS and out.exists():
        # a run of some tests only: it updates their outcomes in the whole suite's report, not replaces it
        try:
            results = {**json.loads(out.read_text()), **_results}
        except ValueError:
            pass
    out.write_text(json.dumps(results, indent=1, sort_keys=True))


def pytest_collection_modifyitems(config, items):
    """Slow and end-to-end tests first: xdist hands tests out in collection order, and a 30-50 s test started
    last keeps one worker busy while the other idles (the suite's tail)."""
    items.sort(key=lambda it: 0 if it.get_closest_marker("slow") or it.get_closest_marker("e2e") else 1)
