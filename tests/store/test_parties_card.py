"""Contractor card rules (CTF, BNK, REP) on both engines: valid data saved, bad data refused field by field
with nothing written."""
from __future__ import annotations

from decimal import Decimal

import pytest

from store import parties
from store.config import set_setting
from store.errors import Refused, ValidationError
from store.parties import BankAccount, Contractor, ContractorAttribute, Representative

GOOD_NIP = "526-025-02-74"
GOOD_IBAN = "PL61 1090 1014 0000 0712 1981 2874"


def dump():
    """Every stored contractor-area row, to prove that a refused save wrote nothing."""
    return ([tuple(r) for r in Contractor.select().order_by(Contractor.id).tuples()],
            [tuple(r) for r in BankAccount.select().order_by(BankAccount.id).tuples()],
            [tuple(r) for r in Representative.select().order_by(Representative.id).tuples()],
            [tuple(r) for r in ContractorAttribute.select().order_by(ContractorAttribute.id).tuples()])


def base(**kw):
    data = {"code": "ABC", "city": "Kraków"}
    data.update(kw)
    data.setdefault("name", f"Firma {data['code']}")
    return data


@pytest.mark.rule("CTF-8", "CTF-23", "CTF-16", "CTF-18", "BNK-3", "BNK-4", "REP-3", "CTF-61")
def test_valid_card_is_saved_normalised(db):
    c = parties.create_contractor(base(
        nip=GOOD_NIP, regon="123456785", pesel="44051401359", postal_code="31123", ean="5901234123457",
        credit_limit="1500,50", discount="5", payment_form="przelew", payment_term_on=True, payment_term_days="14",
        bank_accounts=[{"number": GOOD_IBAN, "bank_name": "Santander"},
                       {"number": "DE89370400440532013000", "currency": "EUR"}],
        representatives=[{"name": "Jan Kowalski", "email": "jan@abc.pl"}, {"name": "Anna Nowak"}],
        attributes=[{"name": "kolor", "value": "czerwony"}]))
    c = Contractor.get_by_id(c.id)
    assert (c.nip, c.nip_key, c.postal_code, c.regon, c.pesel, c.ean) == (
        GOOD_NIP, "5260250274", "31-123", "123456785", "44051401359", "5901234123457")
    assert c.credit_limit == Decimal("1500.50") and c.discount == Decimal("5.00")
    assert c.payment_term_days == 14 and c.transaction_type == "domestic"
    accounts = {a.currency: a for a in c.bank_accounts}
    assert accounts["PLN"].number == "PL61109010140000071219812874"
    assert accounts["PLN"].is_default and accounts["EUR"].is_default  # BNK-4: first per currency
    reps = list(c.representatives.order_by(Representative.id))
    assert [r.is_default for r in reps] == [True, False]
    assert parties.attributes_of(c.id) == {"KOLOR": "czerwony"}


@pytest.mark.rule("CTF-1", "CTF-12", "CTF-18", "CTF-3")
@pytest.mark.parametrize("field,value,needle", [
    ("nip", "123-456-32-19", "NIP"),
    ("regon", "123456789", "REGON"),
    ("pesel", "44051401358", "PESEL"),
    ("postal_code", "31-12", "Kod pocztowy"),
    ("name", "", "Nazwa"),
    ("email", "jan(at)abc", "E-mail"),
])
def test_invalid_field_refused_with_polish_message_and_nothing_saved(db, field, value, needle):
    parties.create_contractor(base(code="FIRST"))
    before = dump()
    with pytest.raises(ValidationError) as err:
        parties.create_contractor(base(**{field: value}))
    assert set(err.value.errors) == {field}
    assert needle in err.value.errors[field] and "Pole „" in err.value.errors[field]
    assert dump() == before


@pytest.mark.rule("CTF-12", "CTF-18", "BNK-3")
def test_every_bad_field_is_named_at_once(db):
    with pytest.raises(ValidationError) as err:
        parties.create_contractor(base(code="", nip="1234563219", regon="1", pesel="1", postal_code="abc",
                                       bank_accounts=[{"number": "PL61109010140000071219812875"}]))
    assert {"code", "nip", "regon", "pesel", "postal_code", "bank_accounts.0.number"} <= set(err.value.errors)
    assert "Numer rachunku" in err.value.errors["bank_accounts.0.number"]
    assert Contractor.select().count() == 0


@pytest.mark.rule("CTF-12")
def test_foreign_prefix_skips_polish_nip_checksum(db):
    c = parties.create_contractor(base(nip_country="DE", nip="123-456-32-19"))
    assert c.nip_key == "1234563219"
    assert (c.country_iso, c.country, c.transaction_type) == ("DE", "Niemcy", "intra_eu")  # CTF-10
    us = parties.create_contractor(base(code="US1", nip_country="US", nip="12-3456789", postal_code="10115"))
    assert us.transaction_type == "non_eu" and us.postal_code == "10115"  # CTF-23: foreign code as typed


@pytest.mark.rule("CTF-35")
def test_intra_eu_type_needs_eu_prefix(db):
    with pytest.raises(ValidationError) as err:
        parties.create_contractor(base(nip_country="PL", transaction_type="intra_eu"))
    assert "prefiks kraju UE" in err.value.errors["transaction_type"]
    assert Contractor.select().count() == 0


@pytest.mark.rule("CTF-3", "CTF-31")
def test_duplicate_code_and_ean_refused(db):
    parties.create_contractor(base(ean="5901234123457"))
    before = dump()
    with pytest.raises(ValidationError) as err:
        parties.create_contractor(base(ean="5901234123457"))
    assert "Kontrahent o takim kodzie już istnieje." in err.value.errors["code"]
    assert "Kontrahent o takim kodzie EAN już istnieje." in err.value.errors["ean"]
    assert dump() == before


@pytest.mark.rule("CTF-11")
def test_duplicate_nip_warns_then_saves(db):
    parties.create_contractor(base(nip="5260250274"))
    with pytest.raises(parties.ConfirmationNeeded) as warn:
        parties.create_contractor(base(code="B", nip=GOOD_NIP))
    assert "5260250274" in str(warn.value) or GOOD_NIP in str(warn.value)
    assert "(ABC)" in str(warn.value)
    assert Contractor.select().count() == 1
    b = parties.create_contractor(base(code="B", nip=GOOD_NIP), confirm=True)
    assert b.nip_key == "5260250274"


@pytest.mark.rule("CTF-37", "CTF-38", "CTF-40")
def test_vat_flags_follow_status_and_type(db):
    with pytest.raises(ValidationError) as err:
        parties.create_contractor(base(status="person", vat_active=True))
    assert set(err.value.errors) == {"vat_active"}
    with pytest.raises(ValidationError) as err:
        parties.create_contractor(base(vat_active=False, cash_method_purchase=True))
    assert set(err.value.errors) == {"cash_method_purchase"}
    ok = parties.create_contractor(base(vat_active=True, cash_method_purchase=True))
    assert ok.cash_method_purchase
    farmer = parties.create_contractor(base(code="ROL", farmer=True))
    assert farmer.payment_form == "przelew"


@pytest.mark.rule("BNK-5", "BNK-11")
def test_one_default_account_per_currency_and_duplicates_refused(db):
    c = parties.create_contractor(base(bank_accounts=[
        {"number": GOOD_IBAN}, {"number": "PL27114020040000300201355387", "is_default": True}]))
    accts = list(c.bank_accounts.order_by(BankAccount.id))
    assert [a.is_default for a in accts] == [False, True]
    parties.set_default_bank_account(accts[0].id)
    assert [a.is_default for a in c.bank_accounts.order_by(BankAccount.id)] == [True, False]
    before = dump()
    with pytest.raises(ValidationError) as err:  # same account without the PL prefix and with dashes
        parties.update_contractor(c.id, {"bank_accounts": [
            {"number": GOOD_IBAN}, {"number": "61-1090-1014-0000-0712-1981-2874"}]})
    assert "już na liście" in err.value.errors["bank_accounts.1.number"]
    assert dump() == before


@pytest.mark.rule("REP-3")
def test_default_representative_moves(db):
    c = parties.create_contractor(base(representatives=[{"name": "A"}, {"name": "B"}]))
    reps = list(c.representatives.order_by(Representative.id))
    parties.set_default_representative(reps[1].id)
    assert [r.is_default for r in c.representatives.order_by(Representative.id)] == [False, True]


@pytest.mark.rule("CTR-16", "CTF-3", "CTF-60")
def test_copy_gives_new_guid_and_needs_a_new_code(db):
    a = parties.create_contractor(base(nip=GOOD_NIP, street="Długa", bank_accounts=[{"number": GOOD_IBAN}],
                                       attributes=[{"name": "KOLOR", "value": "zielony"}]))
    with pytest.raises(ValidationError) as err:
        parties.copy_contractor(a.id, "ABC")
    assert "już istnieje" in err.value.errors["code"]
    b = parties.copy_contractor(a.id, "ABC2")
    assert b.guid != a.guid and b.id != a.id and b.gid is None
    assert (b.name, b.nip, b.street) == (a.name, a.nip, a.street)
    assert [x.number for x in b.bank_accounts] == [x.number for x in a.bank_accounts]
    assert {x.guid for x in b.bank_accounts}.isdisjoint({x.guid for x in a.bank_accounts})
    assert parties.attributes_of(b.id) == {"KOLOR": "zielony"}


@pytest.mark.rule("SETUP-21")
def test_special_characters_in_code_refused_when_configured(db):
    parties.create_contractor(base(code="A-1"))
    set_setting("contractor_code_no_special", "1")
    for code in ("B 1", "B.1", "B-1"):
        with pytest.raises(ValidationError) as err:
            parties.create_contractor(base(code=code))
        assert "spacji, kropki ani myślnika" in err.value.errors["code"]
    assert Contractor.select().count() == 1


@pytest.mark.rule("SETUP-21")
def test_similar_contractors_warn_or_block(db):
    parties.create_contractor(base(code="K1", name="Kowalski"))
    with pytest.raises(parties.ConfirmationNeeded):
        parties.create_contractor(base(code="K2", name="Kowalski"))
    set_setting("contractor_similar_check", "block")
    parties.update_contractor(Contractor.get(code="K1").id, {"nip": GOOD_NIP})
    with pytest.raises(Refused):
        parties.create_contractor(base(code="K3", name="Inny", nip="5260250274"), confirm=True)
    assert Contractor.select().count() == 1


@pytest.mark.rule("SETUP-4")
@pytest.mark.parametrize("role", ["branch", "hq", "standalone"])
def test_any_unicode_text_is_kept_in_every_role(db, role):
    # SETUP-4's Windows-1250 limit is not imposed: exchange files are UTF-8 between two Filia databases
    # (docs/decisions.md), so a Cyrillic or Greek name is saved as typed, in a branch too.
    set_setting("role", role)
    c = parties.create_contractor(base(name="Firma \u0416uk", city="Αθήνα", street="Straße 1"))
    c = Contractor.get_by_id(c.id)
    assert (c.name, c.city, c.street) == ("Firma \u0416uk", "Αθήνα", "Straße 1")


@pytest.mark.rule("SETUP-21", "CTF-12", "CTF-18")
def test_nip_and_pesel_checks_may_only_warn(db):
    set_setting("contractor_nip_check", "warn")
    set_setting("contractor_pesel_check", "warn")
    with pytest.raises(parties.ConfirmationNeeded) as warn:
        parties.create_contractor(base(nip="1234563219", pesel="44051401358"))
    assert "NIP" in str(warn.value) and "PESEL" in str(warn.value)
    assert Contractor.select().count() == 0
    c = parties.create_contractor(base(nip="1234563219", pesel="44051401358"), confirm=True)
    assert (c.nip, c.pesel) == ("1234563219", "44051401358")
    set_setting("contractor_nip_check", "off")
    assert parties.create_contractor(base(code="OFF", nip="1234563219"), confirm=True).nip_key == "1234563219"


@pytest.mark.rule("CTR-17", "BNK-10")
def test_delete_unused_card_removes_its_grids_and_bank_changes_are_logged(db):
    c = parties.create_contractor(base(bank_accounts=[{"number": GOOD_IBAN}], representatives=[{"name": "A"}],
                                       attributes=[{"name": "X", "value": "1"}]))
    assert [row.text for row in parties.ContractorLog.select().where(parties.ContractorLog.contractor == c.id)] == [
        "Zmieniono rachunki bankowe: 1 na karcie."]
    parties.delete_contractor(c.id)
    assert dump() == ([], [], [], [])


def test_messages_have_english_translation(db, monkeypatch):
    from store import i18n

    parties.create_contractor(base())
    monkeypatch.setenv("FILIA_LANG", "en")
    i18n.reset()
    try:
        with pytest.raises(ValidationError) as err:
            parties.create_contractor(base(nip="1234563219"))
        assert err.value.errors["code"] == 'Field "Code": A contractor with this code already exists.'
        assert err.value.errors["nip"].startswith("Invalid NIP number.")
    finally:
        monkeypatch.setenv("FILIA_LANG", "pl")
        i18n.reset()


@pytest.mark.rule("CTF-4")
def test_auto_numbered_code_of_a_new_card(db):
    assert parties.new_card_defaults()["code"] == ""
    set_setting("contractor_code_autonumber", "1")
    assert parties.new_card_defaults()["code"] == "1"
    for code in ("0099", "ABC", "12A", "0100"):
        parties.create_contractor(base(code=code))
    assert parties.new_card_defaults()["code"] == "0101"


@pytest.mark.rule("CTF-11")
def test_duplicate_nip_asked_only_when_the_nip_changes(db):
    parties.create_contractor(base(code="A", nip="5260250274"))
    b = parties.create_contractor(base(code="B", nip=GOOD_NIP), confirm=True)
    parties.update_contractor(b.id, {"street": "Nowa"})  # NIP unchanged: no question
    assert Contractor.get_by_id(b.id).street == "Nowa"
    c = parties.create_contractor(base(code="C", nip="1234563218"))
    with pytest.raises(parties.ConfirmationNeeded):  # NIP changed to one that exists: asked
        parties.update_contractor(c.id, {"nip": "5260250274"})
    assert Contractor.get_by_id(c.id).nip == "1234563218"


@pytest.mark.rule("CTF-8")
def test_nip_keys_of_bulk_written_cards_are_rebuilt(db):
    Contractor.insert_many([{"code": "B1", "name": "B1", "nip": "526-025-02-74"},
                            {"code": "B2", "name": "B2", "nip": ""}]).execute()
    assert parties.rebuild_nip_keys() == 1
    assert Contractor.get(Contractor.code == "B1").nip_key == "5260250274"
    with pytest.raises(parties.ConfirmationNeeded):
        parties.create_contractor(base(code="B3", nip="5260250274"))


@pytest.mark.rule("CTF-9", "CTF-20")
def test_new_card_empty_prefix_and_three_name_lines(db):
    d = parties.new_card_defaults()
    assert d["nip_country"] == "" and d["transaction_type"] == "domestic"
    c = parties.create_contractor(base(name="Przedsiębiorstwo", name2="Handlowo-Usługowe", name3="Jan Kowal"))
    assert c.full_name == "Przedsiębiorstwo Handlowo-Usługowe Jan Kowal"
    with pytest.raises(ValidationError) as err:
        parties.create_contractor(base(code="LONG", name="x" * 51))
    assert "najwyżej 50 znaków" in err.value.errors["name"]


@pytest.mark.rule("CTF-27", "CTF-23")
def test_correspondence_address(db):
    c = parties.create_contractor(base(corr_country="Polska", corr_city="Gdańsk", corr_postal_code="80180",
                                       corr_street="Długa"))
    assert (c.corr_city, c.corr_postal_code) == ("Gdańsk", "80-180")
    with pytest.raises(ValidationError) as err:
        parties.update_contractor(c.id, {"corr_postal_code": "80 1"})
    assert "Kod pocztowy (koresp.)" in err.value.errors["corr_postal_code"]
    d = parties.update_contractor(c.id, {"corr_country": "Niemcy", "corr_postal_code": "10115"})
    assert d.corr_postal_code == "10115"
