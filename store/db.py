"""Opening a company database: SQLite (default) or PostgreSQL, chosen by URL.

Every write transaction on SQLite is BEGIN IMMEDIATE (peewee's lock_type): a deferred
transaction that reads then writes fails with SQLITE_BUSY under several writers, and the busy
handler does not help it. WAL lets readers work while one session writes. synchronous=NORMAL
(never OFF: OFF can corrupt the file on power loss).
"""
from __future__ import annotations

import logging
import os
import random
import re
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee
from playhouse.shortcuts import ReconnectMixin

from store.errors import ConstraintViolation, DatabaseProblem, TransientWriteError
from store.i18n import _

log = logging.getLogger("filia.store")

# Every model binds to this proxy; open_database() points it at the real database.
database = peewee.DatabaseProxy()

DEFAULT_BUSY_TIMEOUT_MS = 30_000
SQLITE_MAGIC = b"SQLite format 3\x00"


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("filia", appauthor=False)) / "filia.db"


SUPPORTED_SCHEMES = ("sqlite://", "postgresql://", "postgres://")
_URL_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def resolve_url(cli_path: str | None = None) -> str:
    """--db PATH, else FILIA_DB, else the user data directory. A bare path means SQLite; an address
    of another kind (mysql://…) is refused by name, never taken for a file path."""
    raw = cli_path or os.environ.get("FILIA_DB")
    if not raw:
        path = default_db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite://{path}"
    if "\x00" in raw:
        raise DatabaseProblem(_("Nieprawidłowa ścieżka bazy danych: zawiera niedozwolony znak."))
    if raw.startswith(SUPPORTED_SCHEMES):
        return raw
    scheme = _URL_SCHEME_RE.match(raw)
    if scheme:
        raise unsupported_url(raw, scheme.group(1))
    return f"sqlite://{Path(raw).expanduser().absolute()}"


def unsupported_url(url: str, scheme: str) -> DatabaseProblem:
    return DatabaseProblem(_("Nieobsługiwany rodzaj bazy danych „{scheme}” w adresie {url}. Filia działa na SQLite "
                             "(ścieżka pliku lub sqlite:///…) i PostgreSQL (postgresql://…).").format(
        scheme=scheme, url=display_url(url)))


_URL_PASSWORD_RE = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")
_QUERY_PASSWORD_RE = re.compile(r"(\bpassword\s*=\s*)('[^']*'|[^&\s]+)", re.IGNORECASE)


def mask_secrets(text: str) -> str:
    """Text with every password of a database address replaced by ***: `postgresql://user:pw@host`,
    `?password=pw`, `password=pw` of a libpq connection string."""
    text = _URL_PASSWORD_RE.sub(lambda m: m.group(1) + "***@", text)
    return _QUERY_PASSWORD_RE.sub(lambda m: m.group(1) + "***", text)


def display_url(url: str) -> str:
    """A database address as messages and logs may show it: a file path for SQLite, the URL without
    its password for PostgreSQL."""
    path = sqlite_path(url)
    return str(path) if path is not None else mask_secrets(url)


def sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite://"):
        return None
    # sqlite:///abs/path -> /abs/path ; sqlite://rel.db -> rel.db ; sqlite:///:memory: -> :memory:
    rest = unquote(url[len("sqlite://"):])
    while rest.startswith("//"):  # sqlite:////abs/path (four slashes) is accepted as well
        rest = rest[1:]
    return Path(":memory:") if rest.lstrip("/") == ":memory:" else Path(rest)


def inspect_sqlite_file(path: Path) -> tuple[str, set[str]]:
    """What is at `path`, read without writing a byte: ("absent", ∅) for no file or an empty one,
    ("not-sqlite", ∅), or ("sqlite", its tables). A directory, a missing folder or an unreadable file is
    a DatabaseProblem."""
    if path.is_dir():
        raise DatabaseProblem(_("Ścieżka bazy danych wskazuje katalog, a nie plik: {path}").format(path=path))
    if not path.parent.is_dir():
        raise DatabaseProblem(_("Katalog bazy danych nie istnieje: {path}").format(path=path.parent))
    if not path.exists() or path.stat().st_size == 0:
        return "absent", set()
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise DatabaseProblem(_("Nie można odczytać pliku bazy danych {path}: {reason}").format(
            path=path, reason=exc.strerror)) from exc
    if head != SQLITE_MAGIC:
        return "not-sqlite", set()
    return "sqlite", sqlite_tables(path)


def _check_sqlite_file(path: Path, create: bool) -> None:
    if str(path) == ":memory:":
        return
    # A read-only look before the connection's pragmas (journal_mode=wal rewrites the file header) and
    # before migrations: a file that is not Filia's is refused with every byte as it was.
    kind, tables = inspect_sqlite_file(path)
    if kind == "absent":
        if not create:
            raise DatabaseProblem(
                _("Baza danych {path} nie istnieje. Utwórz ją poleceniem „filia init” lub „filia demo”.").format(path=path))
        return
    if kind == "not-sqlite":
        raise DatabaseProblem(_("Plik {path} nie jest bazą danych Filii albo jest uszkodzony.").format(path=path))
    if "schema_migration" not in tables:
        if tables:
            raise not_filia(str(path))
        if not create:
            raise DatabaseProblem(_("Baza danych {path} jest pusta. Utwórz ją poleceniem „filia init” lub "
                                    "„filia demo”.").format(path=path))


def not_filia(label: str) -> DatabaseProblem:
    return DatabaseProblem(_("{label} nie jest bazą danych Filii (zawiera inne tabele). Nic w niej nie zmieniono; "
                             "wskaż bazę Filii albo nowy plik.").format(label=label))


@contextmanager
def readonly_sqlite(path: Path):
    """A connection that cannot change the file nor leave -wal/-shm files beside it (immutable unless a
    WAL file exists, i.e. a session may be writing: then a plain read-only connection)."""
    from urllib.request import pathname2url

    uri = f"file:{pathname2url(str(path))}?mode=ro"
    if not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise translate_db_error(exc) from exc
    try:
        yield conn
    except sqlite3.Error as exc:
        raise translate_db_error(exc) from exc
    finally:
        conn.close()


def sqlite_tables(path: Path) -> set[str]:
    with readonly_sqlite(path) as conn:
        return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


class ReconnectingPostgresqlDatabase(ReconnectMixin, peewee.PostgresqlDatabase):
    """A statement or BEGIN outside a transaction that finds the connection dropped by the server (restart,
    idle kill, network) reconnects and runs once more: a clerk's list, card or the next save simply works. Inside a
    transaction nothing is re-run (its earlier statements are gone with the connection): write() says „Utracono
    połączenie…” and forgets the connection."""

    reconnect_errors = (
        (peewee.OperationalError, "server closed the connection"),
        (peewee.OperationalError, "terminating connection"),
        (peewee.OperationalError, "connection already closed"),
        (peewee.InterfaceError, "connection already closed"),
    )


def connect(url: str, *, create: bool = False, busy_timeout_ms: int | None = None) -> peewee.Database:
    """Build (but do not bind) a peewee database for URL after checking the file is sane."""
    if busy_timeout_ms is None:
        busy_timeout_ms = int(os.environ.get("FILIA_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS))
    if url.startswith("sqlite://"):
        path = sqlite_path(url)
        _check_sqlite_file(path, create)
        from store.write_gate import SqliteGatedDatabase

        db = SqliteGatedDatabase(        # BEGIN IMMEDIATE through the write gate (issue 16 §6)
            str(path),
            busy_timeout_ms=busy_timeout_ms,
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
        db = ReconnectingPostgresqlDatabase(
            (parsed.path or "/").lstrip("/") or "postgres",
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
            **options,
        )
    else:
        scheme = _URL_SCHEME_RE.match(url)
        raise unsupported_url(url, scheme.group(1) if scheme else url.split(":", 1)[0])
    try:
        try:
            db.connect(reuse_if_open=True)
        except (sqlite3.OperationalError, peewee.OperationalError) as exc:
            if not isinstance(db, peewee.SqliteDatabase) or "readonly" not in str(exc).lower():
                raise
            db = _read_only_sqlite(db)
        db.execute_sql("SELECT 1")
    except (sqlite3.DatabaseError, peewee.DatabaseError, peewee.OperationalError) as exc:
        db.close()
        raise translate_db_error(exc) from exc
    return db


def _read_only_sqlite(db: peewee.SqliteDatabase) -> peewee.SqliteDatabase:
    """A database file this process may read but not write (permissions, a read-only mount): the session
    opens it without switching it to WAL, so the clerk can look things up, and every save is refused
    with the Polish read-only message (issue 16 §3). A database that needs a migration is refused at open."""
    log.warning("database file is read-only: %s", db.database)
    pragmas = {k: v for k, v in db._pragmas if k != "journal_mode"}
    ro = peewee.SqliteDatabase(db.database, pragmas=pragmas, timeout=db._timeout, lock_type="IMMEDIATE")
    ro.connect(reuse_if_open=True)
    return ro


# PostgreSQL SQLSTATEs a re-run of the whole transaction may cure.
_PG_RETRYABLE = {"40P01": "deadlock", "40001": "serialization", "55P03": "lock"}


def _root_cause(exc: BaseException) -> BaseException:
    """The driver's exception behind peewee's wrapper; a failed rollback is not the cause of anything:
    the error that made the transaction roll back is (peewee reports "cannot rollback - no transaction
    is active" when SQLite had already rolled back, e.g. on a full disk)."""
    seen = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        text = str(exc).lower()
        if ("cannot rollback" in text or "no transaction is active" in text or "connection already closed" in text) \
                and exc.__context__ is not None:
            exc = exc.__context__
            continue
        if exc.args and isinstance(exc.args[0], BaseException):
            exc = exc.args[0]
            continue
        break
    return exc


def _safe_reason(exc: BaseException) -> str:
    """The driver's first line, without anything that could carry a connection password."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    import re

    return re.sub(r"(password[= ]+)\S+|(://[^:/@\s]+:)[^@\s]+@", lambda m: (m.group(1) or m.group(2)) + "***"
                  + ("" if m.group(1) else "@"), first)


def translate_db_error(exc: BaseException) -> DatabaseProblem:
    """Every database error as a Polish DatabaseProblem naming the cause (issue 16)."""
    root = _root_cause(exc)
    text = str(root).lower()
    pgcode = getattr(root, "pgcode", None)
    if pgcode in _PG_RETRYABLE:
        kind = _PG_RETRYABLE[pgcode]
        if kind == "deadlock":
            return TransientWriteError(_("Zapis zderzył się z zapisem innej sesji (zakleszczenie). Spróbuj ponownie."))
        if kind == "serialization":
            return TransientWriteError(_("Dane zmieniła w tej chwili inna sesja. Spróbuj ponownie."))
        return TransientWriteError(_("Rekord jest zablokowany przez zapis innej sesji. Spróbuj ponownie za chwilę."))
    if "locked" in text or "busy" in text:
        return TransientWriteError(_("Baza danych jest zablokowana przez inny proces. Spróbuj ponownie za chwilę."))
    if "disk is full" in text or "no space left" in text or pgcode == "53100":
        return DatabaseProblem(_("Brak miejsca na dysku – zapis się nie udał, nic nie zapisano. Zwolnij miejsce "
                                 "i spróbuj ponownie."))
    if "readonly" in text or "read-only" in text or "read only" in text or pgcode == "25006":
        return DatabaseProblem(_("Baza danych jest tylko do odczytu (plik, katalog lub serwer) – nic nie zapisano. "
                                 "Sprawdź uprawnienia do pliku bazy i jego katalogu."))
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseProblem(_("Plik bazy danych jest uszkodzony."))
    if "disk i/o error" in text:
        return DatabaseProblem(_("Błąd zapisu na dysku (wejście/wyjście) – nic nie zapisano."))
    if "unable to open" in text:
        return DatabaseProblem(_("Nie można otworzyć pliku bazy danych (brak dostępu lub zła ścieżka)."))
    if "could not connect" in text or "connection refused" in text:
        return DatabaseProblem(_("Brak połączenia z serwerem PostgreSQL: {reason}").format(reason=_safe_reason(root)))
    if ("connection" in text and ("closed" in text or "lost" in text or "terminat" in text)) \
            or "server closed" in text or type(root).__name__ in ("InterfaceError",):
        lost = DatabaseProblem(_("Utracono połączenie z serwerem bazy danych – nic nie zapisano. Spróbuj ponownie."))
        lost.connection_lost = True          # write() forgets the dead connection: the next call reconnects
        return lost
    if isinstance(root, (sqlite3.IntegrityError,)) or (pgcode or "").startswith("23") \
            or isinstance(exc, peewee.IntegrityError):
        return ConstraintViolation(_("Zapis naruszyłby spójność danych (rekord powiązany lub powtórzony) – nic nie "
                                     "zapisano: {reason}").format(reason=_safe_reason(root)),
                                   reason=_safe_reason(root))
    return DatabaseProblem(_("Błąd bazy danych: {reason}").format(reason=_safe_reason(root)))


def open_database(url: str, *, create: bool = False, busy_timeout_ms: int | None = None) -> peewee.Database:
    """Connect, bind every model to it, and bring the schema up to date (never recreate).

    Only a Filia database is opened; an empty one (no file, no table) only with `create`, which is
    for store.create.new_database (filia init, filia demo) and tests: anything else is refused
    before a byte is written."""
    from store import schema

    db = connect(url, create=create, busy_timeout_ms=busy_timeout_ms)
    try:
        if not is_sqlite(db):
            _check_postgresql_schema(db, url, create)
    except BaseException:
        db.close()
        raise
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


def _check_postgresql_schema(db: peewee.Database, url: str, create: bool) -> None:
    try:
        tables = set(db.get_tables())
    except (peewee.DatabaseError, peewee.InterfaceError) as exc:
        raise translate_db_error(exc) from exc
    if "schema_migration" in tables:
        return
    if tables:
        raise not_filia(_("Baza {url}").format(url=display_url(url)))
    if not create:
        raise DatabaseProblem(_("Baza {url} jest pusta. Utwórz ją poleceniem „filia init” lub „filia demo”.").format(
            url=display_url(url)))


def is_sqlite(db: peewee.Database | None = None) -> bool:
    db = db or database.obj
    return isinstance(db, peewee.SqliteDatabase)


_DB_ERRORS = (sqlite3.Error, peewee.DatabaseError, peewee.InterfaceError)


def _reset_after_lost_connection(db: peewee.Database) -> None:
    """A connection the server dropped cannot roll back: forget it so the next statement reconnects."""
    try:
        db.close()
    except Exception:  # noqa: BLE001 - peewee refuses to close inside a transaction: drop its state
        db._state.reset()


@contextmanager
def write():
    """One business change = one transaction (BEGIN IMMEDIATE on SQLite). Every database error leaves
    as a DatabaseProblem with a Polish message (TransientWriteError when a re-run may succeed)."""
    try:
        with database.atomic():
            yield
    except _DB_ERRORS as exc:
        problem = translate_db_error(exc)
        if not is_sqlite() and getattr(problem, "connection_lost", False):
            _reset_after_lost_connection(database.obj)
        log.warning("write failed: %s", _safe_reason(_root_cause(exc)))
        raise problem from exc


def in_transaction() -> bool:
    return database.obj is not None and database.obj.in_transaction()


RETRY_ATTEMPTS = 5


def run_write(fn, *args, attempts: int = RETRY_ATTEMPTS, **kwargs):
    """Run a whole business function in one write transaction, again (bounded, with jitter) when it
    lost a race: a deadlock, a serialisation failure, a lock held too long. The body of a
    `with write():` cannot be re-run; a function can. Inside a caller's transaction it simply runs
    (the outermost run_write retries the whole)."""
    if in_transaction():
        return fn(*args, **kwargs)
    delay = 0.02
    for attempt in range(1, attempts + 1):
        try:
            with write():
                return fn(*args, **kwargs)
        except TransientWriteError:
            if is_sqlite():
                # BEGIN IMMEDIATE: SQLite writers queue for the one write lock and never deadlock; "busy"
                # comes after the busy timeout already waited in full, and a re-run would only multiply
                # the clerk's wait before he is told (issue 16 §2)
                raise
            if attempt == attempts:
                raise TransientWriteError(_("Nie udało się zapisać: inne sesje zapisują te same dane. "
                                            "Spróbuj ponownie.")) from None
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 1.0)


def for_update(query):
    """SELECT ... FOR UPDATE on PostgreSQL (rows a read-then-write will change); SQLite's BEGIN
    IMMEDIATE already holds the only write lock, and its SQL has no FOR UPDATE."""
    return query if is_sqlite() else query.for_update()


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
