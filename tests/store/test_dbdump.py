"""tests/dbdump.py: the canonical dump every "nothing changed" test relies on must see every change."""
from __future__ import annotations

from decimal import Decimal

from tests.dbdump import assert_same, diff, dump


def _contractor():
    from store.parties import Contractor

    return Contractor.create(code="ŁÓDŹ1", name="Śruba i syn", city="Łódź")


def test_dump_sees_an_update_an_insert_and_a_delete(db):
    c = _contractor()
    before = dump()
    assert "contractor" in before
    assert_same(before, dump())

    from store.parties import Contractor

    Contractor.update(city="Kraków").where(Contractor.id == c.id).execute()
    changed = diff(before, dump())
    assert any("contractor" in line for line in changed)
    assert any("Kraków" in line for line in changed) and any("Łódź" in line for line in changed)

    Contractor.create(code="K2", name="Dąbrowski")
    assert any("contractor: 1 -> 2 rows" in line for line in diff(before, dump()))


def test_exclude_leaves_a_table_out(db):
    before = dump(exclude={"contractor"})
    _contractor()
    assert_same(before, dump(exclude={"contractor"}))


def test_both_engines_dump_the_same_values_the_same_way(db):
    """Booleans, Decimals (scaled integers), dates: the normalised rows do not depend on the engine."""
    from store.parties import Contractor

    c = Contractor.create(code="K1", name="Nowak", active=False, credit_limit=Decimal("12.50"))
    cols, rows = dump()["contractor"]
    row = dict(zip(cols, rows[0]))
    assert row["active"] == 0
    assert row["code"] == "K1"
    assert row["id"] == c.id
    assert isinstance(row["modified_at"], str)
