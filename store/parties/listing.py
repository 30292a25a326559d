"""Store-side rules of the contractor list (CTR): columns, filters and what may be picked.

The list widget and its paging belong to the list engine (store.paging / store.lists); this module says
*what* the contractor list shows and filters, as plain data and peewee where-expressions.
"""
from __future__ import annotations

from dataclasses import dataclass

from store.i18n import _
from store.parties.models import UNSPECIFIED_CODE, Contractor


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    visible: bool = False      # CTR-2 default layout
    mandatory: bool = False    # CTR-4: Kod cannot be removed


def columns() -> list[Column]:
    """CTR-2 (visible by default, in this order) and CTR-3 (may be added)."""
    return [
        Column("code", _("Kod"), True, True), Column("name", _("Nazwa"), True), Column("nip", _("NIP"), True),
        Column("ean", _("EAN"), True), Column("postal_code", _("Kod pocztowy"), True),
        Column("city", _("Miasto"), True), Column("street", _("Ulica"), True), Column("phone", _("Telefon"), True),
        Column("notes", _("Uwagi"), True),
        Column("email", _("E-mail")), Column("gln", _("ILN/GLN")), Column("credit_limit", _("Limit kredytu")),
        Column("pesel", _("PESEL")), Column("regon", _("REGON")), Column("www", _("URL")),
        Column("phone_sms", _("Telefon SMS")),
    ]


KIND_FIELDS = {"O": Contractor.kind_customer, "D": Contractor.kind_supplier, "K": Contractor.kind_competitor,
               "P": Contractor.kind_partner, "PT": Contractor.kind_prospect}


def list_condition(*, group_id: int | None = None, kind: str | None = None, show_inactive: bool = False,
                   show_duplicates: bool = False):
    """Where-expression of the list filters: Grupa (CTR-9, None = all groups), Rodzaj (CTR-10),
    Pokazuj nieaktywnych (CTR-11), Pokaż duplikaty (CTR-12: only together with show_inactive)."""
    cond = Contractor.id.is_null(False)
    if group_id is not None:
        cond &= Contractor.group == group_id
    if kind:
        cond &= KIND_FIELDS[kind] == True  # noqa: E712
    if not show_inactive:
        cond &= Contractor.active == True  # noqa: E712
    if not (show_inactive and show_duplicates):
        cond &= Contractor.main.is_null(True)
    return cond


def lookup_condition(direction: str | None = None):
    """A contractor lookup on a new document (CTR-20): no subordinates (MRG-13), no inactive cards;
    narrowed by default to suppliers for incoming documents and customers for outgoing ones (CTF-7)."""
    cond = list_condition()
    if direction == "incoming":
        cond &= Contractor.kind_supplier == True  # noqa: E712
    elif direction == "outgoing":
        cond &= Contractor.kind_customer == True  # noqa: E712
    return cond | (Contractor.code == UNSPECIFIED_CODE)


def is_greyed(c: Contractor) -> bool:
    """CTR-7: inactive contractors are shown with their code in grey."""
    return not c.active
