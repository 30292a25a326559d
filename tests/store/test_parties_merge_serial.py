"""Merging contractors (MRG), serial operations (CSO) and what a branch may change (CONF)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from store import parties
from store.config import set_setting
from store.errors import Refused, ValidationError
from store.parties import BankAccount, Contractor, ContractorLog, Representative
from store.trade import Document, create_document

IBAN_A = "PL61109010140000071219812874"
IBAN_B = "PL27114020040000300201355387"


def mk(code, **kw):
    data = {"code": code, "name": f"Firma {code}", "city": "Kraków"}
    data.update(kw)
    return parties.create_contractor(data, confirm=True)


def fresh(c):
    return Contractor.get_by_id(c.id)


@pytest.mark.rule("MRG-4", "MRG-6", "MRG-10", "MRG-11", "MRG-14", "MRG-17", "MRG-18")
def test_merge_carries_missing_data_and_keeps_documents(db):
    m = mk("M", phone="12 111 11 11", bank_accounts=[{"number": IBAN_A}],
           attributes=[{"name": "KOLOR", "value": "zielony"}], representatives=[{"name": "Jan Kowalski"}])
    s = mk("S", phone="22 222 22 22", email="s@x.pl",
           bank_accounts=[{"number": IBAN_A.replace("PL", "")}, {"number": IBAN_B}],
           attributes=[{"name": "KOLOR", "value": "czerwony"}, {"name": "ROZMIAR", "value": "XL"}],
           representatives=[{"name": "jan kowalski"}, {"name": "Anna Nowak"}])
    Contractor.update(credit_used=Decimal("200.00")).where(Contractor.id == s.id).execute()
    Contractor.update(credit_used=Decimal("100.00")).where(Contractor.id == m.id).execute()
    d = create_document("FA", s.id, date(2026, 3, 1), number="FA/S", net=Decimal("10"), vat=Decimal("2.30"),
                        state="approved")
    report = parties.merge_contractors(m.id, [s.id])
    assert report["merged"] == ["S"] and report["copied"] == {"attributes": 1, "bank_accounts": 1,
                                                               "representatives": 1, "jpk_codes": 0,
                                                               "recipients": 0}
    m, s = fresh(m), fresh(s)
    assert (m.phone, m.email) == ("12 111 11 11", "s@x.pl")  # MRG-6
    assert parties.attributes_of(m.id) == {"KOLOR": "zielony", "ROZMIAR": "XL"}
    assert sorted(b.number for b in m.bank_accounts) == sorted([IBAN_A, IBAN_B])
    assert [b.is_default for b in m.bank_accounts.order_by(BankAccount.id)] == [True, False]
    assert sorted(r.name for r in m.representatives) == ["Anna Nowak", "Jan Kowalski"]
    assert (m.credit_used, s.credit_used) == (Decimal("300.00"), Decimal("0.00"))  # MRG-10
    assert s.main_id == m.id and Document.get_by_id(d.id).contractor_id == s.id  # MRG-14: not re-pointed
    assert [r["contractor_code"] for r in parties.contractor_history(m.id)["rows"]] == ["S"]  # MRG-17/18
    assert ContractorLog.select().where(ContractorLog.contractor == m.id).exists()
    with pytest.raises(ValidationError) as err:  # MRG-11: the subordinate is read-only
        parties.update_contractor(s.id, {"name": "Zmiana"})
    assert "duplikująca kontrahenta M" in err.value.errors["name"]
    with pytest.raises(Refused):  # MRG-13: no new document for a subordinate
        create_document("FA", s.id, date(2026, 3, 2))


@pytest.mark.rule("MRG-3")
def test_unspecified_cannot_become_subordinate(db):
    u = parties.ensure_unspecified()
    a = mk("ABC")
    before = list(Contractor.select().order_by(Contractor.id).tuples())
    with pytest.raises(Refused) as err:
        parties.merge_contractors(a.id, [u.id])
    assert "!NIEOKREŚLONY! nie może zostać kontrahentem podrzędnym" in str(err.value)
    assert list(Contractor.select().order_by(Contractor.id).tuples()) == before


@pytest.mark.rule("MRG-2", "MRG-4")
def test_merge_options_and_no_chains(db):
    m, s, t = mk("M"), mk("S", representatives=[{"name": "X"}]), mk("T")
    parties.merge_contractors(s.id, [t.id])
    parties.merge_contractors(m.id, [s.id], copy_representatives=False)
    assert fresh(t).main_id == m.id and fresh(s).main_id == m.id  # T follows S to the main card
    assert Representative.select().where(Representative.contractor == m.id).count() == 0
    assert sorted(c.code for c in parties.duplicates_of(m.id)) == ["S", "T"]
    z = mk("Z")
    parties.merge_contractors(s.id, [z.id])  # into a subordinate -> its main card
    assert fresh(z).main_id == m.id


@pytest.mark.rule("CTR-9", "CTR-10", "CTR-11", "CTR-12")
def test_list_filters(db):
    g = parties.create_group("HURT")
    a = mk("A", group_id=g.id, kind_supplier=True)
    b = mk("B", active=False)
    c = mk("C")
    parties.merge_contractors(c.id, [mk("DUP").id])

    def codes(**kw):
        return sorted(x.code for x in Contractor.select().where(parties.list_condition(**kw)))
    assert codes() == ["A", "C"]
    assert codes(group_id=g.id) == ["A"]
    assert codes(kind="D") == ["A"]
    assert codes(show_inactive=True) == ["A", "B", "C"]
    assert codes(show_duplicates=True) == ["A", "C"]  # CTR-12: needs show_inactive
    assert codes(show_inactive=True, show_duplicates=True) == ["A", "B", "C", "DUP"]
    assert b.id and a.id


@pytest.mark.rule("CSO-14")
def test_serial_group_and_empty_group_removes(db):
    g = parties.create_group("DETAL")
    a, b = mk("A"), mk("B")
    r = parties.serial_set_group([a.id, b.id], g.id)
    assert r.changed == [(a.id, "A"), (b.id, "B")] and r.refused == []
    assert {fresh(a).group_id, fresh(b).group_id} == {g.id}
    parties.serial_set_group([a.id, b.id], None)
    assert {fresh(a).group_id, fresh(b).group_id} == {None}


@pytest.mark.rule("CSO-10", "CTF-37")
def test_serial_status_cash_method_skips_with_log(db):
    a = mk("A", vat_active=True)
    b = mk("B", nip_country="DE")
    r = parties.serial_set_status([a.id, b.id], cash_method_purchase=True)
    assert r.changed == [(a.id, "A")] and [x[1] for x in r.refused] == ["B"]
    assert "metoda kasowa zakupu" in r.refused[0][2]
    assert fresh(a).cash_method_purchase and not fresh(b).cash_method_purchase
    assert any(line.startswith("B: pominięto") for line in r.lines())


@pytest.mark.rule("CSO-10")
def test_serial_status_eu_without_prefix_refused_before_changes(db):
    a, b = mk("A"), mk("B")
    before = list(Contractor.select().order_by(Contractor.id).tuples())
    with pytest.raises(ValidationError) as err:
        parties.serial_set_status([a.id, b.id], "intra_eu")
    assert "prefiks kraju UE" in err.value.errors["nip_country"]
    assert list(Contractor.select().order_by(Contractor.id).tuples()) == before
    r = parties.serial_set_status([a.id, b.id], "intra_eu", nip_country="DE")
    assert len(r.changed) == 2 and fresh(a).nip_country == "DE"


@pytest.mark.rule("CSO-4")
def test_serial_attribute_change_only_where_present(db):
    a = mk("A", attributes=[{"name": "KOLOR", "value": "czerwony"}])
    b = mk("B")
    r = parties.serial_set_attribute([a.id, b.id], "kolor", "zielony", mode="change")
    assert r.changed == [(a.id, "A")] and r.refused[0][1] == "B"
    assert parties.attributes_of(a.id) == {"KOLOR": "zielony"} and parties.attributes_of(b.id) == {}
    parties.serial_set_attribute([a.id, b.id], "RABAT", "tak", mode="add")
    parties.serial_set_attribute([a.id, b.id], "KOLOR", mode="remove")
    assert parties.attributes_of(a.id) == {"RABAT": "tak"} and parties.attributes_of(b.id) == {"RABAT": "tak"}


@pytest.mark.rule("CSO-6", "CSO-13", "CSO-19", "CONF-6", "CONF-7")
def test_serial_terms_and_branch_skips(db):
    a, b, s = mk("A"), mk("B"), mk("S")
    parties.merge_contractors(a.id, [s.id])
    r = parties.serial_set_payment_terms([a.id, b.id, s.id], {"payment_form": "gotówka", "payment_term_on": True,
                                                               "payment_term_days": "21"})
    assert [x[1] for x in r.changed] == ["A", "B"] and [x[1] for x in r.refused] == ["S"]  # CSO-19
    assert (fresh(b).payment_form, fresh(b).payment_term_days) == ("gotówka", 21)
    with pytest.raises(ValidationError):
        parties.serial_set_trade_terms([a.id], {"discount": "150"})
    set_setting("role", "branch")
    r = parties.serial_set_trade_terms([a.id, b.id], {"credit_limit_on": True, "credit_limit": "1000"})
    assert r.changed == [] and all("centrala" in x[2] for x in r.refused)  # CONF-6
    r = parties.serial_set_trade_terms([b.id], {"discount": "3"})  # CONF-7: branch may change it
    assert r.changed == [(b.id, "B")] and fresh(b).discount == Decimal("3.00")
    with pytest.raises(Refused):
        parties.serial_set_ksef([b.id], True)  # CSO OPEN: not offered in a branch


@pytest.mark.rule("CONF-4", "CONF-6", "CONF-7", "CONF-8")
def test_branch_edits_hq_card_in_limited_scope(db):
    set_setting("role", "branch")
    c = mk("HQ", bank_accounts=[])
    Contractor.update(gid=200).where(Contractor.id == c.id).execute()
    c = parties.update_contractor(c.id, {"name": "Nowa", "street": "Nowa 1", "payment_form": "przelew",
                                         "discount": "2", "representatives": [{"name": "Ola"}],
                                         "attributes": [{"name": "A", "value": "1"}]})
    assert (fresh(c).name, fresh(c).discount) == ("Nowa", Decimal("2.00"))
    before = list(Contractor.select().order_by(Contractor.id).tuples())
    with pytest.raises(ValidationError) as err:
        parties.update_contractor(c.id, {"code": "X", "credit_limit": "500", "regon": "123456785",
                                         "bank_accounts": [{"number": IBAN_A}]})
    assert set(err.value.errors) == {"code", "credit_limit", "regon", "bank_accounts"}
    assert "centrala" in err.value.errors["credit_limit"]
    assert "potwierdzona przez centralę" in err.value.errors["code"]
    assert list(Contractor.select().order_by(Contractor.id).tuples()) == before
    state = parties.editable_state(c.id)
    assert "code" in state["fields"] and "name" not in state["fields"] and state["bank_accounts"]


@pytest.mark.rule("CONF-14", "CONF-18", "CONF-19")
def test_branch_new_card_gid_null_or_minus_one(db):
    set_setting("role", "branch")
    first = mk("KOWAL", nip="1234563218")
    assert first.gid is None
    with pytest.raises(parties.ConfirmationNeeded):
        parties.create_contractor({"code": "KOWAL-2", "name": "Kowal 2", "nip": "123-456-32-18", "city": " kraków"})
    second = parties.create_contractor({"code": "KOWAL-2", "name": "Kowal 2", "nip": "123-456-32-18",
                                        "city": "kraków"}, confirm=True)
    assert second.gid == -1
    third = mk("KOWAL-3", nip="1234563218", city="Gdańsk")
    assert third.gid is None


def test_branch_cannot_merge(db):
    set_setting("role", "branch")
    a, b = mk("A"), mk("B")
    with pytest.raises(Refused):
        parties.merge_contractors(a.id, [b.id])
    assert fresh(b).main_id is None


@pytest.mark.rule("CTF-54", "CTF-60", "MRG-9", "CSO-1", "CSO-2")
def test_jpk_codes_on_card_copy_merge_and_serial(db):
    a = mk("A", jpk_codes=[{"code": "gtu_01"}, {"code": "TP"}])
    assert parties.jpk_codes_of(a.id) == ["GTU_01", "TP"]
    assert parties.jpk_kind("GTU_01") == "Kod towarowy" and parties.jpk_kind("TP") == "Procedura"
    with pytest.raises(ValidationError) as err:
        parties.update_contractor(a.id, {"jpk_codes": [{"code": "XYZ"}]})
    assert "Nieznany kod JPK_V7" in err.value.errors["jpk_codes.0.code"]
    b = parties.copy_contractor(a.id, "B")  # CTF-60
    assert parties.jpk_codes_of(b.id) == ["GTU_01", "TP"]
    s = mk("S", jpk_codes=[{"code": "TP"}, {"code": "SW"}])
    parties.merge_contractors(a.id, [s.id])  # MRG-9
    assert parties.jpk_codes_of(a.id) == ["GTU_01", "SW", "TP"]
    c = mk("C")
    r = parties.serial_add_jpk_codes([b.id, c.id], ["GTU_12"])
    assert len(r.changed) == 2 and parties.jpk_codes_of(c.id) == ["GTU_12"]
    r = parties.serial_remove_jpk_codes([b.id, c.id], ["GTU_01"])
    assert r.changed == [(b.id, "B")] and r.refused[0][1] == "C"
    assert parties.jpk_codes_of(b.id) == ["GTU_12", "TP"]
    with pytest.raises(ValidationError):
        parties.serial_add_jpk_codes([c.id], ["NOPE"])


@pytest.mark.rule("CTR-20", "CTF-7", "MRG-13")
def test_lookup_on_new_document_hides_duplicates_and_narrows_by_kind(db):
    u = parties.ensure_unspecified()
    cust = mk("CUST")
    sup = mk("SUP", kind_customer=False, kind_supplier=True)
    dup = mk("DUP")
    parties.merge_contractors(cust.id, [dup.id])
    mk("OFF", active=False)

    def codes(direction=None):
        return sorted(c.code for c in Contractor.select().where(parties.lookup_condition(direction)))
    assert codes() == sorted(["CUST", "SUP", u.code])
    assert codes("outgoing") == sorted(["CUST", u.code])
    assert codes("incoming") == sorted(["SUP", u.code])
    assert sup.id


@pytest.mark.rule("CSO-5", "CSO-8", "CSO-12", "CSO-18")
def test_serial_categories_carer_mailing_ksef(db):
    a = mk("A", sales_category="SPRZ", purchase_category="ZAK", representatives=[{"name": "X"}, {"name": "Y"}])
    b = mk("B")
    parties.serial_set_categories([a.id, b.id], sales="HANDEL")  # purchase left as it is
    assert (fresh(a).sales_category, fresh(a).purchase_category, fresh(b).sales_category) == ("HANDEL", "ZAK", "HANDEL")
    parties.serial_set_categories([a.id], purchase="")  # "" removes
    assert fresh(a).purchase_category == ""
    parties.serial_set_carer([a.id, b.id], "anna")
    assert {fresh(a).carer, fresh(b).carer} == {"ANNA"}
    r = parties.serial_set_rep_mailing([a.id], True)
    assert r.changed == [(a.id, "A")]
    assert [x.mailing for x in Representative.select().where(Representative.contractor == a.id)] == [True, True]
    parties.serial_set_ksef([a.id, b.id], True)
    assert fresh(a).no_ksef and fresh(b).no_ksef


@pytest.mark.rule("REP-6", "CTR-17")
def test_recipients_one_default_and_recipient_cannot_be_deleted(db):
    r1, r2 = mk("R1"), mk("R2")
    a = mk("A", recipients=[{"code": "R1", "is_default": True}, {"code": "R2", "is_default": True}])
    assert parties.recipients_of(a.id) == [("R1", True), ("R2", False)]
    with pytest.raises(ValidationError) as err:
        parties.update_contractor(a.id, {"recipients": [{"code": "NOPE"}, {"code": "A"}]})
    assert "nie ma kontrahenta o kodzie „NOPE”" in err.value.errors["recipients.0.code"]
    assert "własnym odbiorcą" in err.value.errors["recipients.1.code"]
    with pytest.raises(Refused) as refused:
        parties.delete_contractor(r2.id)
    assert "odbiorcą kontrahenta A" in str(refused.value)
    parties.update_contractor(a.id, {"recipients": [{"code": "R1", "is_default": True}]})
    parties.delete_contractor(r2.id)
    assert parties.recipients_of(a.id) == [("R1", True)] and r1.id
