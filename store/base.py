"""Base models: every record that can leave the database carries identity and export state."""
from __future__ import annotations

import os
import time
from datetime import datetime, timezone

import peewee

from store.db import database


def utcnow() -> datetime:
    """UTC wall time, naive (storage convention: every stored time is UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_guid() -> str:
    return new_guids(1)[0]


_V7 = (0x7 << 76) | (0b10 << 62)                  # version 7, RFC 9562 variant
_RANDOM = ~((0xF << 76) | (0b11 << 62)) & ((1 << 80) - 1)


def new_guids(n: int) -> list[str]:
    """n version-7 UUID strings (RFC 9562: the Unix time in ms, then 74 random bits), in the canonical text
    uuid.UUID gives. Time-ordered, so every guid index grows at one edge instead of dirtying a random page per
    row (an approval's commit wrote a fifth fewer pages; docs/decisions.md); unique like a version 4 one
    whatever the clock says (the random bits alone make a repeat unheard of). One urandom call for n."""
    if n <= 0:
        return []
    stamp = (time.time_ns() // 1_000_000 & 0xFFFF_FFFF_FFFF) << 80
    raw = os.urandom(10 * n)
    out = []
    for i in range(0, 10 * n, 10):
        h = f"{stamp | _V7 | (int.from_bytes(raw[i:i + 10], 'big') & _RANDOM):032x}"
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return out


# Who is at the keyboard in this process (one session = one operator): stamped on every change as
# `modified_by`, named when another session's save is refused as stale. Set at login.
_session_operator = ""


def set_session_operator(login: str) -> None:
    global _session_operator
    _session_operator = login or ""


def session_operator() -> str:
    return _session_operator


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False

    @classmethod
    def get(cls, *query, **filters):
        """`Model.get(Model.id == x)` (and get_or_none, get_by_id) through a prepared statement: building the
        SQL of a wide model's SELECT costs more than running it (store/prepared.py). Anything else: peewee's."""
        if len(query) == 1 and not filters:
            expr = query[0]
            pk = cls._meta.primary_key
            if isinstance(expr, peewee.Expression) and expr.op == peewee.OP.EQ and expr.lhs is pk \
                    and type(expr.rhs) in (int, str) and database.obj is not None:
                from store.prepared import as_model, prepared, run

                sql = prepared(f"pk:{cls.__module__}.{cls.__name__}",
                               lambda: cls.select().where(pk == expr.rhs).limit(1))
                row = run(sql, [pk.db_value(expr.rhs), 1]).fetchone()
                if row is None:
                    raise cls.DoesNotExist(f"{cls.__name__} instance matching {pk.name} = {expr.rhs!r} does not exist")
                return as_model(cls, row)
        return super().get(*query, **filters)


class TrackedModel(BaseModel):
    """id, guid, gid, modified_at and export flags (DESIGN.md "Identity and change tracking")."""

    guid = peewee.CharField(max_length=36, unique=True, default=new_guid)
    # The number HQ gave the record; null until confirmed; -1 = new although NIP+city match.
    gid = peewee.IntegerField(null=True, index=True)
    modified_at = peewee.DateTimeField(default=utcnow, index=True)
    exported = peewee.BooleanField(default=False)       # E: sent to HQ / partner
    confirmed = peewee.BooleanField(default=False)      # HQ confirmed it
    from_remote = peewee.BooleanField(default=False)    # OL: came from the other side
    realised_hq = peewee.BooleanField(default=False)    # XL: realised in HQ
    to_cancel = peewee.BooleanField(default=False)      # marked to be cancelled at HQ
    # Optimistic concurrency: +1 in every writing transaction (modified_at is too coarse: two saves
    # in one clock tick). A form saves only if the version it loaded is still the stored one.
    version = peewee.IntegerField(default=1)
    modified_by = peewee.CharField(max_length=20, default="")   # operator login of the last change

    def save(self, *args, **kwargs):
        cls = type(self)
        self.modified_at = utcnow()
        if _session_operator:
            self.modified_by = _session_operator
        if self._pk is None or kwargs.get("force_insert"):
            return super().save(*args, **kwargs)
        # version = version + 1 in SQL: never goes back even if this object was read long ago
        self.version = cls.version + 1
        rows = super().save(*args, **kwargs)
        self.version = cls.select(cls.version).where(cls._meta.primary_key == self._pk).scalar()
        return rows

    @classmethod
    def stamp(cls) -> dict:
        """What every UPDATE of these rows also sets: time, version + 1, operator. Use as
        `Model.update({Model.price: x, **Model.stamp()})` or `Model.update(price=x, **Model.stamp_names())`."""
        out = {cls.modified_at: utcnow(), cls.version: cls.version + 1}
        if _session_operator:
            out[cls.modified_by] = _session_operator
        return out

    @classmethod
    def stamp_names(cls) -> dict:
        return {field.name: value for field, value in cls.stamp().items()}



def local_time_text(when: datetime | None) -> str:
    """A stored (naive UTC) time as the user reads it: local time, Polish order."""
    if when is None:
        return ""
    return when.replace(tzinfo=timezone.utc).astimezone().strftime("%d.%m.%Y %H:%M:%S")


def lock_current(model: type[TrackedModel], record_id: int, loaded_version: int | None):
    """Inside a write transaction: the record as stored now, locked against other writers (FOR UPDATE on
    PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the only write lock). When a form loaded an
    older version, raise StaleRecord naming who changed it and when; nothing is written (issue 16)."""
    from store.db import for_update
    from store.errors import NotFound, StaleRecord
    from store.i18n import _

    pk = model._meta.primary_key
    row = for_update(model.select().where(pk == record_id)).first()
    if row is None:
        raise NotFound(_("Rekord został w międzyczasie usunięty przez inną sesję – nic nie zapisano."))
    if loaded_version is not None and row.version != loaded_version:
        who = row.modified_by or _("inna sesja")
        raise StaleRecord(
            _("Rekord zmienił w międzyczasie {who} ({when}). Twoje zmiany nie zostały zapisane: porównaj je "
              "z zapisanymi i zapisz ponownie.").format(who=who, when=local_time_text(row.modified_at)),
            who=row.modified_by, when=row.modified_at, current=dict(row.__data__))
    return row
