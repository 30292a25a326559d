"""Shared set-up for the catalogue tests: a company with VAT rates, units, price types, main group
and warehouse. Import the fixture into a test module: `from tests.store.catalog_helpers import cat`."""
from __future__ import annotations

from decimal import Decimal as D

import pytest


class Cat:
    """Handy ids of the seeded catalogue."""

    def __init__(self):
        from store.catalog import PriceType
        from store.config import VatRate

        self.vat = {v.code: v.id for v in VatRate.select()}
        self.pt = {p.name: p.id for p in PriceType.select()}
        self.retail = self.pt["detaliczna"]
        self.w1, self.w2, self.w3 = self.pt["hurtowa 1"], self.pt["hurtowa 2"], self.pt["hurtowa 3"]

    def goods(self, code, *, price=None, price_type=None, **kw):
        from store.catalog.goods import create_goods

        prices = {price_type or self.w1: D(price)} if price is not None else None
        if price is not None:
            kw.setdefault("default_price_type", price_type or self.w1)
        return create_goods(code=code, name=kw.pop("name", f"Towar {code}"), prices=prices, **kw)

    def contractor(self, code, *, group=None, discount=0, price_group=""):
        from store.parties import Contractor, ContractorGroup

        gid = None
        if group:
            g = ContractorGroup.get_or_none(ContractorGroup.code == group) or ContractorGroup.create(code=group)
            gid = g.id
        return Contractor.create(code=code, name=f"Kontrahent {code}", group=gid, discount=D(discount),
                                 price_group=price_group)


def seed_catalogue():
    from store.catalog.seed import ensure_catalogue_defaults
    from store.config import set_setting

    set_setting("role", "standalone")
    ensure_catalogue_defaults()
    ensure_catalogue_defaults()          # idempotent


@pytest.fixture(scope="session", params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def catalog_db(request, tmp_path_factory, pg_reason):
    """One migrated, seeded database per engine for all catalogue tests (opening one costs ~1-2 s);
    each test runs inside a transaction that is rolled back (fixture `cat`)."""
    from store.db import database, open_database
    from tests.conftest import _pg_drop, _pg_schema_url

    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('catalog') / 'filia.db'}"
    else:
        schema, url = _pg_schema_url(pg_reason)
    d = open_database(url, create=True)
    seed_catalogue()
    yield d
    d.close()
    database.initialize(None)
    if schema:
        _pg_drop(schema)


@pytest.fixture
def cat(catalog_db):
    """The seeded catalogue; everything the test writes is rolled back afterwards."""
    from store.db import database

    database.initialize(catalog_db)
    catalog_db.connect(reuse_if_open=True)
    with catalog_db.atomic() as tx:
        yield Cat()
        tx.rollback()


def set_role(role: str) -> None:
    """Tests only: the role is fixed once chosen, so rewrite the row directly."""
    from store.config import Setting

    Setting.insert(key="role", value=role, fixed=True).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: role}).execute()
