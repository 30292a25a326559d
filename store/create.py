"""Creating a company database. Only `filia init` and `filia demo` do it, and a creation that is
refused or fails leaves nothing behind: no file, no table.

    target = probe(url)           # what is there now, read without writing a byte
    with new_database(url) as db: # the schema is built; fill it; it appears only if the block succeeds
        ...

SQLite: the database is built in a new file beside the target and renamed onto it when complete, so
the target's name never shows a half-built company (not even after a kill). PostgreSQL: the whole
build is one transaction (DDL is transactional there), so a failure leaves no table.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import peewee

from store.db import (database, display_url, inspect_sqlite_file, not_filia, open_database, readonly_sqlite,
                      sqlite_path, translate_db_error)
from store.errors import Refused
from store.i18n import _


@dataclass(frozen=True)
class Target:
    url: str
    label: str                   # what messages name: the file path, or the URL without its password
    state: str                   # "absent" (no file, an empty one, no table at all) | "filia" | "foreign"
    settings: dict[str, str] = field(default_factory=dict)     # a Filia database's settings

    @property
    def initialised(self) -> bool:
        return bool(self.settings.get("role"))


def probe(url: str) -> Target:
    """What is at `url`, read without changing it (for SQLite not even the file header)."""
    path = sqlite_path(url)
    if path is None:
        return _probe_postgresql(url)
    label = str(path)
    kind, tables = inspect_sqlite_file(path)
    if kind == "not-sqlite":
        return Target(url, label, "foreign")
    if not tables:
        return Target(url, label, "absent")
    if "schema_migration" not in tables:
        return Target(url, label, "foreign")
    settings = {}
    if "setting" in tables:
        with readonly_sqlite(path) as conn:
            settings = dict(conn.execute('SELECT "key", "value" FROM "setting"'))
    return Target(url, label, "filia", settings)


def _probe_postgresql(url: str) -> Target:
    from store.db import connect

    label = display_url(url)
    db = connect(url)
    try:
        tables = set(db.get_tables())
        if not tables:
            return Target(url, label, "absent")
        if "schema_migration" not in tables:
            return Target(url, label, "foreign")
        settings = dict(db.execute_sql('SELECT "key", "value" FROM "setting"').fetchall()) \
            if "setting" in tables else {}
    except (peewee.DatabaseError, peewee.InterfaceError) as exc:
        raise translate_db_error(exc) from exc
    finally:
        db.close()
    return Target(url, label, "filia", settings)


def refuse_foreign(target: Target) -> None:
    if target.state == "foreign":
        raise not_filia(target.label)


@contextmanager
def new_database(url: str, *, replace: bool = False):
    """Build the schema of a new database at `url` and yield it opened (models bound). When the block
    ends without an exception the database is there, complete; otherwise nothing is left.

    The target must be absent (see probe); with `replace` it may be a Filia database, which the new one
    replaces as a whole (the demo rebuilding its own database: the caller checked its marker)."""
    target = probe(url)
    refuse_foreign(target)
    if target.state == "filia" and not replace:
        raise Refused(_("Baza {label} już istnieje; nic nie zmieniono.").format(label=target.label))
    if sqlite_path(url) is None:
        with _new_postgresql(url, replace=target.state == "filia"):
            yield database.obj
    else:
        with _new_sqlite(sqlite_path(url), replace=target.state == "filia"):
            yield database.obj


def _sqlite_files(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")]


@contextmanager
def _new_sqlite(target: Path, *, replace: bool):
    work = target.with_name(f".{target.name}.nowa-{os.getpid()}")
    for leftover in _sqlite_files(work):        # only this process would have made a file of that name
        leftover.unlink(missing_ok=True)
    db = open_database(f"sqlite:///{work}", create=True)
    try:
        yield db
        _wait_for_checkpoints()
        db.close()           # the last connection: SQLite copies the WAL into the file and removes it
        _put_in_place(work, target, replace=replace)
    finally:
        db.close()
        database.initialize(None)            # nothing may reconnect to the work file's name
        for leftover in _sqlite_files(work):
            leftover.unlink(missing_ok=True)


def _wait_for_checkpoints() -> None:
    """store.db.bulk_write checkpoints from a thread; it must finish before the file moves."""
    for thread in threading.enumerate():
        if thread.name == "filia-checkpoint":
            thread.join(timeout=60)


def _put_in_place(work: Path, target: Path, *, replace: bool) -> None:
    if replace:
        for stale in _sqlite_files(target)[1:]:   # the replaced database's WAL must not meet the new file
            stale.unlink(missing_ok=True)
        os.replace(work, target)
        return
    try:
        os.link(work, target)                     # never overwrites a file that appeared meanwhile
    except FileExistsError:
        if target.stat().st_size:
            raise Refused(_("Plik {path} pojawił się w czasie tworzenia bazy; nie nadpisano go, nowa baza nie "
                            "została zapisana.").format(path=target)) from None
        os.replace(work, target)                  # an empty file (touch) holds nothing to lose
    except OSError:                               # a file system without hard links
        if target.exists() and target.stat().st_size:
            raise Refused(_("Plik {path} pojawił się w czasie tworzenia bazy; nie nadpisano go, nowa baza nie "
                            "została zapisana.").format(path=target)) from None
        os.replace(work, target)


@contextmanager
def _new_postgresql(url: str, *, replace: bool):
    from store import schema
    from store.db import connect

    db = connect(url)
    database.initialize(db)
    try:
        with db.atomic():
            if db.execute_sql("SELECT current_schema()").fetchone()[0] is None:
                name = (parse_qs(urlparse(url).query).get("schema") or ["public"])[0]
                db.execute_sql('CREATE SCHEMA "{}"'.format(name.replace('"', '""')))
            if replace:
                _drop_filia_tables(db)
            schema.migrate(db)
            yield db
    except (peewee.DatabaseError, peewee.InterfaceError) as exc:
        raise translate_db_error(exc) from exc
    finally:
        db.close()
        database.initialize(None)


def _drop_filia_tables(db: peewee.Database) -> None:
    """The tables Filia's models (and its migration log) name, in the current schema; any other table
    of the schema is not ours and stays."""
    from store import schema
    from store.base import BaseModel

    schema.registered_areas()                     # imports every area, so every model class exists
    ours, stack = {"schema_migration"}, [BaseModel]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            ours.add(sub._meta.table_name)
    present = sorted(ours & set(db.get_tables()))
    if present:
        db.execute_sql("DROP TABLE {} CASCADE".format(", ".join(f'"{t}"' for t in present)))
