"""One business change = one transaction: an import that fails after its first write leaves the database
exactly as it was (issue 10 §5: a build without apply_import's transaction passed every other test)."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from store.errors import FiliaError
from tests.dbdump import assert_same, dump
from tests.store.pricelist_files import write_xlsx


def _seed():
    from store.catalog.goods import create_goods
    from store.catalog.seed import ensure_catalogue_defaults
    from store.config import ensure_default_vat_rates, set_setting

    set_setting("role", "standalone")
    ensure_default_vat_rates()
    ensure_catalogue_defaults()
    for code in ("A1", "B2"):
        create_goods(code=code, name=f"Towar {code}")


def _fail_on_inserting(db, code: str) -> None:
    """A real database failure at a chosen row: a trigger refusing that goods code (no mock involved)."""
    from store.db import is_sqlite

    if is_sqlite(db):
        db.execute_sql(f"CREATE TRIGGER goods_fail BEFORE INSERT ON goods WHEN NEW.code = '{code}' "
                       "BEGIN SELECT RAISE(ABORT, 'odmowa zapisu'); END")
        return
    db.execute_sql("CREATE FUNCTION goods_fail() RETURNS trigger AS $$ BEGIN IF NEW.code = '" + code + "' THEN "
                   "RAISE EXCEPTION 'odmowa zapisu'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql")
    db.execute_sql("CREATE TRIGGER goods_fail BEFORE INSERT ON goods FOR EACH ROW EXECUTE FUNCTION goods_fail()")


def test_a_failure_after_the_first_write_leaves_nothing(db, tmp_path):
    """The import first creates a unit and a group, updates A1 and B2 (names, prices), inserts N1, then
    fails on the card ZZ9: every one of those writes must be gone."""
    from store.catalog.models import Goods
    from store.pricelist_io import apply_import, validate_import

    _seed()
    path = write_xlsx(tmp_path / "cennik.xlsx", [
        ["Kod", "Nazwa", "Jednostka", "Grupa", "Cena detaliczna brutto"],
        ["A1", "Zmieniony A", "szt", "", 10],
        ["B2", "Zmieniony B", "szt", "", 20],
        ["N1", "Nowy", "paleta", "NOWA GRUPA", 30],
        ["ZZ9", "Ten zapis się nie uda", "szt", "", 40]])
    plan = validate_import(path)
    assert plan.errors == [] and (plan.to_update, plan.to_insert) == (2, 2)
    assert plan.new_units == ["paleta"] and plan.new_groups == ["NOWA GRUPA"]
    _fail_on_inserting(db, "ZZ9")
    before = dump()
    with pytest.raises(FiliaError):
        apply_import(plan, operator="ANNA")
    assert_same(before, dump())
    assert Goods.get(Goods.code == "A1").name == "Towar A1"
    db.execute_sql("DROP TRIGGER goods_fail" + ("" if db.__class__.__name__.startswith("Sqlite") else " ON goods"))
    result = apply_import(validate_import(path), operator="ANNA")            # the same file, nothing in the way
    assert (result.inserted, result.updated) == (2, 2)
    assert Goods.get(Goods.code == "ZZ9").retail_price == D("40")
