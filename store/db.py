"""Opening a company database: SQLite (default) or PostgreSQL, chosen by URL.

Every write transaction on SQLite is BEGIN IMMEDIATE (peewee's lock_type): a deferred
transaction that reads then writes fails with SQLITE_BUSY under several writers, and the busy
handler does not help it. WAL lets readers work while one session writes. synchronous=NORMAL
(never OFF: OFF can corrupt the file on power loss).
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee

from store.errors import DatabaseProblem
from store.i18n import _

# Every model binds to this proxy; open_database() points it at the real database.
database = peewee.DatabaseProxy()

DEFAULT_BUSY_TIMEOUT_MS = 30_000
SQLITE_MAGIC = b"SQLite format 3\x00"


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("filia", appauthor=False)) / "filia.db"


def resolve_url(cli_path: str | None = None) -> str:
    """--db PATH, else FILIA_DB, else the user data directory. A bare path means SQLite."""
    raw = cli_path or os.environ.get("FILIA_DB")
    if not raw:
        path = default_db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite://{path}"
    if "\x00" in raw:
        raise DatabaseProblem(_("Nieprawidłowa ścieżka bazy danych: zawiera niedozwolony znak."))
    if raw.startswith(("sqlite://", "postgresql://", "postgres://")):
        return raw
    return f"sqlite://{Path(raw).expanduser().absolute()}"


def sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite://"):
        return None
    # sqlite:///abs/path -> /abs/path ; sqlite://rel.db -> rel.db ; sqlite:///:memory: -> :memory:
    rest = unquote(url[len("sqlite://"):])
    while rest.startswith("//"):  # sqlite:////abs/path (four slashes) is accepted as well
        rest = rest[1:]
    return Path(":memory:") if rest.lstrip("/") == ":memory:" else Path(rest)


def _check_sqlite_file(path: Path, create: bool) -> None:
    if str(path) == ":memory:":
        return
    if path.is_dir():
        raise DatabaseProblem(_("Ścieżka bazy danych wskazuje katalog, a nie plik: {path}").format(path=path))
    if not path.parent.is_dir():
        raise DatabaseProblem(_("Katalog bazy danych nie istnieje: {path}").format(path=path.parent))
    if not path.exists() or path.stat().st_size == 0:
        if not create:
            raise DatabaseProblem(
                _("Baza danych {path} nie istnieje. Utwórz ją poleceniem „filia init” lub „filia demo”.").format(path=path))
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise DatabaseProblem(_("Nie można odczytać pliku bazy danych {path}: {reason}").format(
            path=path, reason=exc.strerror)) from exc
    if head != SQLITE_MAGIC:
        raise DatabaseProblem(_("Plik {path} nie jest bazą danych Filii albo jest uszkodzony.").format(path=path))


def connect(url: str, *, create: bool = False, busy_timeout_ms: int | None = None) -> peewee.Database:
    """Build (but do not bind) a peewee database for URL after checking the file is sane."""
    if busy_timeout_ms is None:
        busy_timeout_ms = int(os.environ.get("FILIA_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS))
    if url.startswith("sqlite://"):
        path = sqlite_path(url)
        _check_sqlite_file(path, create)
        db = peewee.SqliteDatabase(
            str(path),
            pragmas={
                "journal_mode": "wal",
                "synchronous": "normal",
                "foreign_keys": 1,
                "busy_timeout": busy_timeout_ms,
                "cache_size": -32000,
            },
            timeout=busy_timeout_ms / 1000,
            lock_type="IMMEDIATE",
        )
    elif url.startswith(("postgresql://", "postgres://")):
        parsed = urlparse(url)
        options = {}
        query = dict(p.split("=", 1) for p in parsed.query.split("&") if "=" in p)
        if "schema" in query:  # tests isolate themselves in a schema
            options["options"] = f"-c search_path={query['schema']}"
        db = peewee.PostgresqlDatabase(
            (parsed.path or "/").lstrip("/") or "postgres",
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
            **options,
        )
    else:
        raise DatabaseProblem(_("Nieobsługiwany adres bazy danych: {url}").format(url=url))
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT 1")
    except (sqlite3.DatabaseError, peewee.DatabaseError, peewee.OperationalError) as exc:
        db.close()
        raise translate_db_error(exc) from exc
    return db


def translate_db_error(exc: BaseException) -> DatabaseProblem:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return DatabaseProblem(_("Baza danych jest zablokowana przez inny proces. Spróbuj ponownie za chwilę."))
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseProblem(_("Plik bazy danych jest uszkodzony."))
    if "unable to open" in text:
        return DatabaseProblem(_("Nie można otworzyć pliku bazy danych (brak dostępu lub zła ścieżka)."))
    if "could not connect" in text or "connection refused" in text or "connection to server" in text:
        return DatabaseProblem(_("Brak połączenia z serwerem PostgreSQL: {reason}").format(reason=str(exc).strip()))
    return DatabaseProblem(_("Błąd bazy danych: {reason}").format(reason=str(exc).strip()))


def open_database(url: str, *, create: bool = False, busy_timeout_ms: int | None = None) -> peewee.Database:
    """Connect, bind every model to it, and bring the schema up to date (never recreate)."""
    from store import schema

    db = connect(url, create=create, busy_timeout_ms=busy_timeout_ms)
    database.initialize(db)
    try:
        schema.migrate(db)
    except DatabaseProblem:
        db.close()
        raise
    except (sqlite3.DatabaseError, peewee.DatabaseError) as exc:
        db.close()
        raise translate_db_error(exc) from exc
    return db


def is_sqlite(db: peewee.Database | None = None) -> bool:
    db = db or database.obj
    return isinstance(db, peewee.SqliteDatabase)


@contextmanager
def write():
    """One business change = one transaction (BEGIN IMMEDIATE on SQLite)."""
    try:
        with database.atomic():
            yield
    except (sqlite3.OperationalError, peewee.OperationalError) as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise translate_db_error(exc) from exc
        raise


@contextmanager
def bulk_write():
    """write() for a bulk load (price-list import, demo). On SQLite the commit does not copy the
    grown WAL back into the database file (for 100,000 imported cards that copy took ~0.5 s of a
    ~5 s import): a background connection checkpoints right after, and readers meanwhile read the
    WAL as usual. On PostgreSQL it is write()."""
    if not is_sqlite():
        with write():
            yield
        return
    db = database.obj
    conn = db.connection()
    previous = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    conn.execute("PRAGMA wal_autocheckpoint=0")
    try:
        with write():
            yield
    finally:
        conn.execute(f"PRAGMA wal_autocheckpoint={int(previous)}")
    checkpoint_in_background(db.database)


def checkpoint_in_background(path: str):
    """Copy the WAL into the database file from a thread with its own connection (PASSIVE: never
    waits for, nor blocks, readers and writers). Returns the thread (tests join it)."""
    import threading

    def run() -> None:
        try:
            from urllib.request import pathname2url

            conn = sqlite3.connect(f"file:{pathname2url(path)}?mode=rw", uri=True, timeout=5)   # never creates a file
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                conn.close()
        except sqlite3.Error:
            pass                      # the next commit's auto-checkpoint will do it

    thread = threading.Thread(target=run, name="filia-checkpoint", daemon=True)
    thread.start()
    return thread
