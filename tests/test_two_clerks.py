"""Two clerks, two real processes, one record, on SQLite and PostgreSQL (issue 16 §1): load, load, save, save.
The second save is refused naming who saved first, writes nothing (whole database dumps compared), lists
the differing fields, and after a reload keeps the second clerk's own edits wherever the first changed
nothing; a grid is saved as changes, so a row the first clerk added is never deleted."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.clerk import Clerks
from tests.dbdump import assert_same, dump


@pytest.fixture
def clerks(db, db_url):
    made = []

    def make(kind, rid, key=None):
        c = Clerks(db_url, kind, rid, key)
        made.append(c)
        return c
    yield make
    for c in made:
        c.close()


def _contractor():
    from store import parties

    c = parties.create_contractor({"code": "K1", "name": "Kowalski", "city": "Łódź", "phone": "111",
                                   "bank_accounts": [{"number": "PL61109010140000071219812874", "currency": "PLN"}],
                                   "representatives": [{"name": "Jan Nowak", "phone": "1"},
                                                       {"name": "Ewa Lis", "phone": "2"}]}, confirm=True)
    return c.id


@pytest.mark.slow
def test_contractor_fields_and_grids(db, clerks):
    from store import parties

    cid = _contractor()
    run = clerks("contractor", cid)
    assert run("ANNA", "load")[0] == run("BOGDAN", "load")[0] == "loaded"
    # ANNA: a new city, a second bank account, Ewa's phone
    run("ANNA", "edit", {"city": "Kraków"})
    run("ANNA", "grid", "bank_accounts", "add", None, {"number": "PL27114020040000300201355387", "currency": "PLN"})
    run("ANNA", "grid", "representatives", "set", {"name": "Ewa Lis"}, {"phone": "222"})
    assert run("ANNA", "save")[0] == "saved"
    # BOGDAN, from the card he loaded before: phone, street, Jan's phone, the city too
    run("BOGDAN", "edit", {"phone": "999", "street": "Długa", "city": "Gdańsk"})
    run("BOGDAN", "grid", "representatives", "set", {"name": "Jan Nowak"}, {"phone": "333"})
    before = dump()
    answer = run("BOGDAN", "save")
    assert answer[0] == "stale" and answer[1] == "ANNA", answer
    assert "ANNA" in answer[2] and "nie zostały zapisane" in answer[2]
    assert_same(before, dump())                                      # nothing written
    kind, rows = run("BOGDAN", "reload")
    listed = {r[0]: r for r in rows}
    assert listed["city"][1:] == ("Kraków", "Gdańsk", "both")       # theirs / yours, both changed it
    assert set(listed) == {"city", "bank_accounts", "representatives"}
    assert run("BOGDAN", "save")[0] == "saved"
    data = parties.card_data(cid)
    assert (data["city"], data["phone"], data["street"]) == ("Kraków", "999", "Długa")   # nothing lost
    assert sorted(b["number"] for b in data["bank_accounts"]) == ["PL27114020040000300201355387",
                                                                   "PL61109010140000071219812874"]
    assert {r["name"]: r["phone"] for r in data["representatives"]} == {"Jan Nowak": "333", "Ewa Lis": "222"}


@pytest.mark.slow
def test_goods_fields_eans_and_prices(db, clerks):
    from store.catalog import card_save
    from store.catalog.prices import prices_table
    from tests.store.catalog_helpers import Cat, seed_catalogue

    seed_catalogue()
    cat = Cat()
    gid = cat.goods("T1", price="10.00", price_type=cat.retail).id
    run = clerks("goods", gid)
    run("ANNA", "load"), run("BOGDAN", "load")
    run("ANNA", "edit", {"name": "Młotek duży", "vat_rate": cat.vat["8"]})
    run("ANNA", "grid", "eans", "add", None, {"ean": "5901234123457", "unit": "szt", "is_default": False,
                                              "description": ""})
    assert run("ANNA", "save")[0] == "saved"
    assert run("ANNA", "price", cat.retail, "12.00")[0] == "saved"
    run("BOGDAN", "edit", {"catalogue_number": "KAT-7"})
    before = dump()
    answer = run("BOGDAN", "save")
    assert answer[0] == "stale" and answer[1] == "ANNA", answer
    price = run("BOGDAN", "price", cat.retail, "11.00")                # his price table is stale too
    assert price[0] == "stale" and price[1] == "ANNA" and "12" in price[2], price
    assert_same(before, dump())
    kind, rows = run("BOGDAN", "reload")
    assert {r[0] for r in rows} >= {"name", "vat_rate", "eans"}
    assert run("BOGDAN", "save")[0] == "saved"
    view = card_save.card_view(gid)
    assert (view["fields"]["name"], view["fields"]["vat_rate"], view["fields"]["catalogue_number"]) == (
        "Młotek duży", cat.vat["8"], "KAT-7")
    assert "5901234123457" in [e["ean"] for e in view["grids"]["eans"]]
    retail = next(p for p in prices_table(gid) if p.price_type_id == cat.retail)
    assert retail.gross == Decimal("12.00")                           # ANNA's price, not reverted


@pytest.mark.slow
def test_dictionary_entry(db, clerks):
    from store.catalog import dict_rules, list_specs
    from tests.store.catalog_helpers import seed_catalogue

    seed_catalogue()
    pid = dict_rules.create_entry("producer", code="ACME", name="Acme").id
    run = clerks("dictionary", pid, "producers")
    run("ANNA", "load"), run("BOGDAN", "load")
    run("ANNA", "edit", {"name": "Acme S.A."})
    assert run("ANNA", "save")[0] == "saved"
    run("BOGDAN", "edit", {"url": "https://acme.example"})
    before = dump()
    answer = run("BOGDAN", "save")
    assert answer[0] == "stale" and answer[1] == "ANNA", answer
    assert_same(before, dump())
    kind, rows = run("BOGDAN", "reload")
    assert [r[:2] for r in rows] == [("name", "Acme S.A.")]
    assert run("BOGDAN", "save")[0] == "saved"
    values = list_specs.form_values("producers", pid)
    assert (values["name"], values["url"]) == ("Acme S.A.", "https://acme.example")
