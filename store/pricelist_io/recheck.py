"""Inside the import's write transaction: what the check read from the database, read again.

The user reads the check's report before confirming; another session may meanwhile delete a group,
VAT rate, unit or price type, clear a supplier flag or give an EAN to another item. Each function
raises peewee.IntegrityError with a Polish reason; apply_import turns it into a refusal and the
transaction writes nothing.
"""
from __future__ import annotations

import peewee

from store.i18n import _
from store.pricelist_io import bulk_sql
from store.pricelist_io.plan import ImportPlan


def recheck_references(plan: ImportPlan, idx: dict, group_ids: dict) -> None:
    """Inside the write transaction: the groups, VAT rates, units and suppliers the rows name still
    exist (another session may have deleted one after the check); else nothing is written."""
    from store.catalog.dictionaries import PriceType, Unit
    from store.config import VatRate
    from store.parties import Contractor

    def named(key: str) -> set:
        i = idx.get(key)
        return set() if i is None else {row[2][i] for row in plan.rows} - {None}

    missing = sorted(named("group") - set(group_ids))
    if missing:
        raise peewee.IntegrityError(_("usunięto grupę {g}").format(g=missing[0]))
    vats = named("vat_rate") | named("purchase_vat_rate")
    if vats - {vid for (vid,) in VatRate.select(VatRate.id).tuples()}:
        raise peewee.IntegrityError(_("usunięto stawkę VAT używaną w pliku"))
    types = {pc.price_type_id for pc in plan.price_columns}
    if types - {pid for (pid,) in PriceType.select(PriceType.id).where(PriceType.active == True).tuples()}:  # noqa
        raise peewee.IntegrityError(_("usunięto lub wyłączono rodzaj ceny używany w pliku"))
    units = named("unit")
    if units - {u for (u,) in Unit.select(Unit.code).where(Unit.code.in_(sorted(units))).tuples()}:
        raise peewee.IntegrityError(_("usunięto jednostkę miary używaną w pliku"))
    suppliers = sorted(named("supplier_code"))
    for i in range(0, len(suppliers), 900):
        chunk = suppliers[i:i + 900]
        found = {c for (c,) in Contractor.select(Contractor.code).where(
            Contractor.code.in_(chunk) & (Contractor.kind_supplier == True)).tuples()}   # noqa: E712  PIE-16
        if set(chunk) - found:
            raise peewee.IntegrityError(_("kontrahent {c} nie jest już dostawcą").format(c=sorted(set(chunk) - found)[0]))


def recheck_eans(plan: ImportPlan, idx: dict, new_rows: list, upd_rows: list) -> None:
    """ITM-9 inside the write transaction: a default EAN lives on the card row, which has no unique
    index, so an EAN another session gave some item after the check is caught here."""
    if "ean" not in idx:
        return
    from store.catalog.goods_codes import lock_ean_writes

    lock_ean_writes()                 # PostgreSQL: wait for other EAN writers, then see their rows
    i = idx["ean"]
    wanted = {row[2][i]: row[1] for row in new_rows if row[2][i]}
    if "ean" in plan.update_fields:
        wanted.update((row[2][i], row[1]) for row in upd_rows if row[2][i])
    for ean, owner in bulk_sql.ean_owners(wanted).items():
        if owner != wanted[ean]:
            raise peewee.IntegrityError(_("kod EAN {ean} ma już towar {kod}").format(ean=ean, kod=owner))
