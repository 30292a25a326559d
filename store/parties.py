"""Contractors (kontrahenci). Foundation model; the card rules live here too."""
from __future__ import annotations

import peewee

from store.base import TrackedModel
from store.schema import Migration, create_tables


class Contractor(TrackedModel):
    code = peewee.CharField(max_length=50, unique=True)        # akronim
    name = peewee.CharField(max_length=250, index=True)
    nip = peewee.CharField(max_length=20, default="", index=True)
    nip_country = peewee.CharField(max_length=2, default="PL")
    city = peewee.CharField(max_length=80, default="", index=True)
    active = peewee.BooleanField(default=True)

    class Meta:
        indexes = ((("name", "id"), False), (("city", "id"), False), (("nip", "id"), False))


MIGRATIONS = [
    Migration(1, "contractors", create_tables(Contractor)),
]
