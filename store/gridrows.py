"""Grids of a card (bank accounts, representatives, attributes …) saved as CHANGES, never by replacing the
whole set (issue 16 §1): the card sends the rows it added, the fields it changed in rows it loaded (by id,
with the row's version) and the ids it removed. The store applies them to the rows as stored NOW, so a row
another session added meanwhile stays, and a row another session changed or removed since the card loaded
it is a StaleRecord (nothing written).

    diff_rows(before, after)              what a card changed in a grid (computed by the card)
    apply_changes(stored, changes, what)  the grid as it will be (for validating the whole set)
    is_changes(value)                     a changes dict rather than a full list of rows
"""
from __future__ import annotations

from typing import Any

from store.errors import StaleRecord
from store.i18n import _

ROW_KEYS = ("id", "version")
CHANGE_KINDS = ("added", "changed", "removed")


def _same(a: Any, b: Any) -> bool:
    return a == b or str("" if a is None else a) == str("" if b is None else b)


def is_changes(value) -> bool:
    return isinstance(value, dict) and set(value) <= set(CHANGE_KINDS)


def diff_rows(before: list[dict], after: list[dict]) -> dict[str, list[dict]]:
    """{"added": [row], "changed": [{"id", "version", field: new value …}], "removed": [{"id", "version"}]}:
    rows matched by id (a row without one, or with an id the card did not load, is new); only the fields
    that differ from the loaded row are sent."""
    old = {r["id"]: r for r in before or [] if r.get("id")}
    out: dict[str, list[dict]] = {"added": [], "changed": [], "removed": []}
    seen = set()
    for row in after or []:
        rid = row.get("id")
        if rid in old and rid not in seen:
            seen.add(rid)
            loaded = old[rid]
            diff = {k: v for k, v in row.items() if k not in ROW_KEYS and not _same(v, loaded.get(k))}
            if diff:
                out["changed"].append({"id": rid, "version": loaded.get("version"), **diff})
        else:
            out["added"].append({k: v for k, v in row.items() if k not in ROW_KEYS})
    out["removed"] = [{"id": rid, "version": r.get("version")} for rid, r in old.items() if rid not in seen]
    return out


def _stale(what: str, row: dict | None) -> StaleRecord:
    from store.base import local_time_text

    if row is None:
        return StaleRecord(_("Wiersz tabeli „{what}” usunęła w międzyczasie inna sesja – nic nie zapisano. "
                             "Wczytaj kartę ponownie.").format(what=what))
    who = row.get("modified_by") or _("inna sesja")
    return StaleRecord(_("Wiersz tabeli „{what}” zmienił w międzyczasie {who} ({when}) – nic nie zapisano. "
                         "Wczytaj kartę ponownie.").format(what=what, who=who,
                                                           when=local_time_text(row.get("modified_at"))),
                       who=row.get("modified_by") or "", when=row.get("modified_at"), current=row)


def apply_changes(stored: list[dict], changes: dict, *, what: str) -> list[dict]:
    """The grid as it will be: the stored rows (dicts with "id", and "version" for versioned rows) with
    the card's changes applied, added rows last. A changed or removed row that is gone, or whose version
    moved since the card loaded it, raises StaleRecord (`what`: the grid's Polish name)."""
    by_id = {r["id"]: r for r in stored}
    edits = {c["id"]: c for c in changes.get("changed", [])}
    removed = {c["id"] for c in changes.get("removed", [])}
    for change in [*changes.get("changed", []), *changes.get("removed", [])]:
        current = by_id.get(change["id"])
        if current is None:
            raise _stale(what, None)
        if change.get("version") is not None and current.get("version") is not None \
                and change["version"] != current["version"]:
            raise _stale(what, current)
    out = []
    for row in stored:
        if row["id"] in removed:
            continue
        edit = edits.get(row["id"])
        out.append({**row, **{k: v for k, v in edit.items() if k != "version"}} if edit else dict(row))
    out += [{k: v for k, v in row.items() if k not in ROW_KEYS} for row in changes.get("added", [])]
    return out
