"""Contractor groups (CTF-5) as a small dictionary: its list, its form's values, save and delete. Groups are
local to the database (CONF-9); the card's group field picks from this list, where Insert adds a group on the
spot (CTF-5's <NOWA…>)."""
from __future__ import annotations

from store.db import write
from store.errors import NotFound, Refused, ValidationError
from store.i18n import _
from store.paging import ListColumn, ListSpec
from store.parties.cards import create_group
from store.parties.models import Contractor, ContractorGroup


def group_list() -> ListSpec:
    return ListSpec(model=ContractorGroup,
                    columns=[ListColumn("code", _("Kod"), 20, sortable=True),
                             ListColumn("description", _("Opis"), 50, sortable=True)],
                    search=("code", "description"))


def group_values(group_id: int | None) -> dict:
    if group_id is None:
        return {"code": "", "description": ""}
    g = _get(group_id)
    return {"code": g.code, "description": g.description}


def _get(group_id: int) -> ContractorGroup:
    g = ContractorGroup.get_or_none(ContractorGroup.id == group_id)
    if g is None:
        raise NotFound(_("Grupa kontrahentów nie istnieje (mogła zostać usunięta)."))
    return g


def save_group(group_id: int | None, values: dict) -> int:
    """Create or rename a group; the code stays unique (ValidationError names the field)."""
    code, description = (values.get("code") or "").strip(), (values.get("description") or "").strip()
    if group_id is None:
        return create_group(code, description).id
    if not code:
        raise ValidationError({"code": _("Pole „Kod”: podaj kod grupy.")})
    if len(code) > 20:
        raise ValidationError({"code": _("Pole „Kod”: najwyżej 20 znaków.")})
    with write():
        g = _get(group_id)
        if ContractorGroup.select().where((ContractorGroup.code == code) & (ContractorGroup.id != g.id)).exists():
            raise ValidationError({"code": _("Grupa kontrahentów o takim kodzie już istnieje.")})
        g.code, g.description = code, description
        g.save()
        return g.id


def delete_group(group_id: int) -> None:
    """Delete a group no contractor uses; refused with the reason otherwise."""
    with write():
        g = _get(group_id)
        used = Contractor.select().where(Contractor.group == g.id).count()
        if used:
            raise Refused(_("Nie można usunąć grupy {code}: należy do niej {n} kontrahentów.").format(
                code=g.code, n=used))
        g.delete_instance()
