"""The registry lists (what each shows and how it sorts), and the indexes they sort by.

Each sortable text column gets an index on (lower(col), id) so the keyset pages of every
sort order are index range scans on both SQLite and PostgreSQL.
"""
from __future__ import annotations

from decimal import Decimal

import peewee

from store.catalog import Goods
from store.config import VatRate
from store.i18n import _
from store.paging import ListColumn, ListSpec, create_sort_indexes
from store.parties import Contractor
from store.schema import Migration

CONTRACTOR_SORT_COLUMNS = ("code", "name", "city")
GOODS_SORT_COLUMNS = ("code", "name")


def _steps(db: peewee.Database) -> None:
    create_sort_indexes("contractor", CONTRACTOR_SORT_COLUMNS)(db)
    create_sort_indexes("goods", GOODS_SORT_COLUMNS)(db)


MIGRATIONS = [Migration(1, "sort indexes of contractor and goods lists", _steps)]


def _money(value) -> str:
    if value is None:
        return ""
    return f"{Decimal(value):,.2f}".replace(",", " ").replace(".", ",")


def contractor_list() -> ListSpec:
    return ListSpec(
        model=Contractor,
        columns=[
            ListColumn("code", _("Kod"), 14, sortable=True),
            ListColumn("name", _("Nazwa"), 40, sortable=True),
            ListColumn("nip", _("NIP"), 14, sortable=True, text=False),
            ListColumn("city", _("Miejscowość"), 20, sortable=True),
        ],
        search=("code", "name", "nip", "city"),
        filters={
            "active": lambda: Contractor.active == True,  # noqa: E712
            "inactive": lambda: Contractor.active == False,  # noqa: E712
        },
    )


def goods_list() -> ListSpec:
    return ListSpec(
        model=Goods,
        columns=[
            ListColumn("code", _("Kod"), 14, sortable=True),
            ListColumn("name", _("Nazwa"), 40, sortable=True),
            ListColumn("ean", _("EAN"), 14, sortable=True, text=False),
            ListColumn("unit", _("J.m."), 5),
            ListColumn("vat", _("VAT"), 4, expr=VatRate.code),
            ListColumn("retail_price", _("Cena detal."), 12, align="right", format=_money),
        ],
        search=("code", "name", "ean"),
        filters={
            "goods": lambda: Goods.is_service == False,  # noqa: E712
            "services": lambda: Goods.is_service == True,  # noqa: E712
            "active": lambda: Goods.active == True,  # noqa: E712
        },
        joins=lambda q: q.join(VatRate, on=(Goods.vat_rate == VatRate.id)),
    )


LISTS = {"contractors": contractor_list, "goods": goods_list}
