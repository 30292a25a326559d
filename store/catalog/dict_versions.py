"""Dictionary forms and other sessions (issue 16, the form's side): the version an entry's form loaded, and a
save that refuses, writing nothing, when another session saved the entry since (StaleRecord names who and
when). Wraps list_specs.save_form in the same transaction."""
from __future__ import annotations

from store.base import lock_current
from store.catalog import list_specs
from store.db import write


def entry_version(key: str, entry_id: int | None) -> int | None:
    """The stored version of a dictionary entry (None for a new one or a model without versions)."""
    model = list_specs.DICTIONARIES[key].model
    if entry_id is None or "version" not in model._meta.fields:
        return None
    return model.select(model.version).where(model.id == entry_id).scalar()


def save_form_checked(key: str, entry_id: int | None, values: dict, version: int | None) -> int:
    """list_specs.save_form, refused with StaleRecord when the entry changed since `version` was read."""
    model = list_specs.DICTIONARIES[key].model
    with write():
        if entry_id is not None and version is not None:
            lock_current(model, entry_id, version)
        return list_specs.save_form(key, entry_id, values)
