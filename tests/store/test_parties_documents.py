"""Contractors and documents: delete refusal, history, snapshots (CTR-17, CHI, DESIGN snapshot rule)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from store import parties
from store.config import set_setting
from store.errors import Refused
from store.parties import Contractor
from store.trade import Document, create_document

D = Decimal


def mk(code, **kw):
    data = {"code": code, "name": f"Firma {code}", "city": "Kraków"}
    data.update(kw)
    return parties.create_contractor(data, confirm=True)


def doc(c, kind="FA", number="1/2026", day=1, state="approved", net="100.00", vat="23.00", **kw):
    return create_document(kind, c.id if c else None, date(2026, 3, day), number=number, net=D(net), vat=D(vat),
                           state=state, **kw)


@pytest.mark.rule("CTR-17", "CONF-1")
def test_delete_refused_naming_the_documents(db):
    a, b = mk("A"), mk("B")
    doc(b, number="FA/7/2026")
    doc(b, kind="PA", number="PA/3/2026", day=2)
    before = list(Contractor.select().order_by(Contractor.id).tuples())
    with pytest.raises(Refused) as err:
        parties.delete_contractor(b.id)
    msg = str(err.value)
    assert "występuje na dokumentach" in msg and "FA/7/2026" in msg and "PA/3/2026" in msg
    assert list(Contractor.select().order_by(Contractor.id).tuples()) == before
    parties.delete_contractor(a.id)
    assert not Contractor.select().where(Contractor.id == a.id).exists()


@pytest.mark.rule("CTR-19", "CTR-30")
def test_delete_marked_reports_refused(db):
    a, b = mk("A"), mk("B")
    u = parties.ensure_unspecified()
    doc(b)
    report = parties.delete_contractors([a.id, b.id, u.id])
    assert report["deleted"] == [(a.id, "A")]
    assert [(r[0], r[1]) for r in report["refused"]] == [(b.id, "B"), (u.id, parties.UNSPECIFIED_CODE)]
    assert {c.code for c in Contractor.select()} == {"B", parties.UNSPECIFIED_CODE}


@pytest.mark.rule("CONF-2", "CTR-18")
def test_branch_cannot_delete_hq_contractor(db):
    set_setting("role", "branch")
    hq = mk("HQ1")
    Contractor.update(gid=100).where(Contractor.id == hq.id).execute()
    with pytest.raises(Refused) as err:
        parties.delete_contractor(hq.id)
    assert "centrali" in str(err.value)
    own = mk("OWN")
    parties.delete_contractor(own.id)
    assert [c.code for c in Contractor.select()] == ["HQ1"]


def test_contractor_change_never_rewrites_issued_snapshot(db):
    c = mk("SNAP", nip="5260250274", street="Długa", building="5", postal_code="31-123", name2="Sp. z o.o.")
    d = doc(c, number="FA/1")
    before = Document.get_by_id(d.id)
    assert (before.contractor_code, before.contractor_name, before.contractor_nip) == (
        "SNAP", "Firma SNAP Sp. z o.o.", "5260250274")
    assert before.contractor_address == "Długa 5, 31-123 Kraków"
    parties.update_contractor(c.id, {"code": "SNAP2", "name": "Nowa nazwa", "street": "Krótka", "city": "Gdańsk",
                                     "nip": "1234563218"}, confirm=True)
    after = Document.get_by_id(d.id)
    snap = ("contractor_code", "contractor_name", "contractor_nip", "contractor_address")
    assert [getattr(after, f) for f in snap] == [getattr(before, f) for f in snap]
    assert doc(Contractor.get_by_id(c.id), number="FA/2").contractor_code == "SNAP2"


@pytest.mark.rule("CHI-1", "CHI-3", "CHI-6", "CHI-7")
def test_history_filters_and_totals_in_pln(db):
    c, other = mk("H"), mk("OTHER")
    doc(c, number="FA/1", day=1, operator="ANNA")
    doc(c, number="FA/2", day=5, state="buffer")
    doc(c, kind="PA", number="PA/1", day=10, net="10.00", vat="2.30", operator="BOGDAN")
    doc(c, number="FA/EUR", day=12, net="100.00", vat="0.00", currency="EUR", exchange_rate=D("4.30"))
    doc(other, number="FA/X")
    h = parties.contractor_history(c.id)
    assert [r["number"] for r in h["rows"]] == ["FA/1", "FA/2", "PA/1", "FA/EUR"]
    assert h["rows"][-1]["gross"] == D("430.00") and h["rows"][-1]["gross_currency"] == D("100.00")
    assert h["totals"] == {"net": D("640.00"), "vat": D("48.30"), "gross": D("688.30")}
    assert [r["number"] for r in parties.contractor_history(c.id, state="approved")["rows"]] == [
        "FA/1", "PA/1", "FA/EUR"]
    assert [r["number"] for r in parties.contractor_history(c.id, state="buffer")["rows"]] == ["FA/2"]
    assert [r["number"] for r in parties.contractor_history(c.id, kinds=["PA"])["rows"]] == ["PA/1"]
    assert [r["number"] for r in parties.contractor_history(
        c.id, date_from=date(2026, 3, 2), date_to=date(2026, 3, 10))["rows"]] == ["FA/2", "PA/1"]
    assert [r["number"] for r in parties.contractor_history(c.id, operator="ANNA")["rows"]] == ["FA/1"]


@pytest.mark.rule("CTF-42")
def test_outgoing_documents_blocked_for_contractor(db):
    c = mk("BLK", block_outgoing=True)
    with pytest.raises(Refused) as err:
        doc(c)
    assert "zablokowano wystawianie dokumentów rozchodowych" in str(err.value)
    assert doc(c, kind="FZ").kind == "FZ"  # purchases are not outgoing
    assert Document.select().count() == 1
