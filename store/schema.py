"""Versioned schema migrations, applied on open. An old database is upgraded, never recreated.

Each business area owns its own sequence of migrations (`MIGRATIONS` in the area module), so
areas evolve independently. The table `schema_migration(area, version)` records what ran.
A database that knows an area or a version this program does not is from a newer Filia: it is
refused untouched.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import peewee

from store.base import BaseModel, utcnow
from store.errors import DatabaseProblem
from store.i18n import _


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[peewee.Database], None]


class SchemaMigration(BaseModel):
    area = peewee.CharField(max_length=40)
    version = peewee.IntegerField()
    name = peewee.CharField(max_length=200)
    applied_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "schema_migration"
        primary_key = peewee.CompositeKey("area", "version")


def create_tables(*models) -> Callable[[peewee.Database], None]:
    def run(db: peewee.Database) -> None:
        db.create_tables(list(models), safe=True)
    return run


def add_column_if_missing(table: str, column: str, field: peewee.Field) -> Callable[[peewee.Database], None]:
    """For migrations after the first: a fresh database already has the column from create_tables.

    A plain ALTER TABLE ... ADD COLUMN with the field's constant default. peewee's migrator adds a
    NOT NULL column on SQLite by rebuilding the table, and with foreign keys on, dropping the old
    table deletes (CASCADE) or blocks (RESTRICT) every row that refers to it."""
    def run(db: peewee.Database) -> None:
        if column in {c.name for c in db.get_columns(table)}:
            return
        from store.bulk import sql_literal

        ctx = db.get_sql_context()
        type_sql, _params = ctx.sql(field.ddl_datatype(ctx)).query()
        sql = f'ALTER TABLE "{table}" ADD COLUMN "{column}" {type_sql}'
        if field.default is not None:
            if callable(field.default):
                raise ValueError(f"{table}.{column}: a new column needs a constant default")
            is_pg = not isinstance(db, peewee.SqliteDatabase)
            sql += f" {'NULL' if field.null else 'NOT NULL'} DEFAULT {sql_literal(field.db_value(field.default), is_pg)}"
        elif not field.null:
            raise ValueError(f"{table}.{column}: a NOT NULL column needs a default")
        db.execute_sql(sql)
    return run


def add_tracking_columns(*models) -> Callable[[peewee.Database], None]:
    """Migration step for tables created before record versions existed (issue 16): `version`
    (every existing row starts at 1) and `modified_by`. A table not created yet is skipped."""
    def run(db: peewee.Database) -> None:
        for model in models:
            table = model._meta.table_name
            if not db.table_exists(table):
                continue
            add_column_if_missing(table, "version", peewee.IntegerField(default=1))(db)
            add_column_if_missing(table, "modified_by", peewee.CharField(max_length=20, default=""))(db)
    return run


# The newest version of every area. A database already at exactly these versions opens without
# importing the area modules (a cold start saves ~150 ms); tests/store/test_db.py keeps this in step
# with registered_areas().
CURRENT_VERSIONS = {"config": 2, "catalog": 6, "parties": 5, "catalog_discounts": 2, "trade": 4, "numbering": 1,
                    "cash": 4, "warehouse": 1, "catalog_serial": 1, "exchange": 2, "lists": 2}


_AREAS: list[tuple[str, list[Migration]]] = []


def register_area(name: str, migrations: list[Migration]) -> None:
    """Called by store/areas.py for each business area, in dependency order (the core names none of them)."""
    if all(n != name for n, _m in _AREAS):
        _AREAS.append((name, migrations))


def registered_areas() -> list[tuple[str, list[Migration]]]:
    """Areas in dependency order (a later area may reference an earlier one's tables)."""
    if not _AREAS:
        import store

        store.load_areas()
    return list(_AREAS)


def applied_versions(db: peewee.Database) -> dict[str, int]:
    if not db.table_exists("schema_migration"):
        return {}
    rows = SchemaMigration.select(SchemaMigration.area, peewee.fn.MAX(SchemaMigration.version).alias("v")) \
        .group_by(SchemaMigration.area).tuples()
    return {area: v for area, v in rows}


def check_not_newer(db: peewee.Database, areas: list[tuple[str, list[Migration]]]) -> None:
    known = {area: max((m.version for m in migs), default=0) for area, migs in areas}
    for area, version in applied_versions(db).items():
        if area not in known or version > known[area]:
            raise DatabaseProblem(_(
                "Baza danych pochodzi z nowszej wersji Filii (obszar „{area}”, wersja {version}). "
                "Zaktualizuj program; baza nie została zmieniona.").format(area=area, version=version))


def migrate(db: peewee.Database, *, targets: dict[str, int] | None = None) -> list[tuple[str, int]]:
    """Apply every missing migration, each area step in its own transaction. Returns what ran.

    Two sessions opening an old database at once both migrate (issue 16 §7): each step is applied under
    the write lock only after checking, inside that transaction, that the other session has not applied
    it already; on PostgreSQL an advisory lock of the schema also queues the whole run, so the loser
    waits and then finds the database up to date."""
    if not targets and applied_versions(db) == CURRENT_VERSIONS:
        return []
    with _migration_lock(db):
        return _migrate(db, targets)


MIGRATION_LOCK_KEY = 16_007       # with the schema's name hashed: one migration run per schema at a time


class _migration_lock:
    def __init__(self, db: peewee.Database) -> None:
        self.db, self.pg = db, not isinstance(db, peewee.SqliteDatabase)

    def __enter__(self):
        if self.pg:
            self.db.execute_sql("SELECT pg_advisory_lock(%s, hashtext(current_schema()))", (MIGRATION_LOCK_KEY,))

    def __exit__(self, *exc):
        if self.pg:
            try:
                self.db.execute_sql("SELECT pg_advisory_unlock(%s, hashtext(current_schema()))", (MIGRATION_LOCK_KEY,))
            except peewee.DatabaseError:
                pass               # the connection is gone: so is its session lock
        return False


def _step_done(db: peewee.Database, area: str, version: int) -> bool:
    return SchemaMigration.select().where((SchemaMigration.area == area)
                                          & (SchemaMigration.version == version)).exists()


def _migrate(db: peewee.Database, targets: dict[str, int] | None) -> list[tuple[str, int]]:
    areas = registered_areas()
    check_not_newer(db, areas)
    done = applied_versions(db)
    if all(done.get(a, 0) >= max((m.version for m in ms), default=0) for a, ms in areas) and not targets:
        return []
    with db.atomic():
        db.create_tables([SchemaMigration], safe=True)
    ran: list[tuple[str, int]] = []
    for area, migrations in areas:
        limit = (targets or {}).get(area, 10**9)
        for m in sorted(migrations, key=lambda m: m.version):
            if m.version <= done.get(area, 0) or m.version > limit:
                continue
            with db.atomic():                     # BEGIN IMMEDIATE on SQLite: the write lock first,
                if _step_done(db, area, m.version):   # then the check (another session may have run it)
                    continue
                m.apply(db)
                SchemaMigration.create(area=area, version=m.version, name=m.name)
            ran.append((area, m.version))
    return ran
