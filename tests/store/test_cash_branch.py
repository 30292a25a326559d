"""What a branch gets from HQ and may not change (CASH-1, CASH-2, SETT-9), and upgrades of older databases."""
from __future__ import annotations

from datetime import date

import pytest

from store import cash, schema
from store.cash.models import CashRegister, CashReport
from store.catalog.dict_rules import create_entry, update_entry
from store.catalog.dictionaries import PaymentForm
from store.errors import Refused
from store.parties import Contractor
from tests.dbdump import assert_same, dump
from tests.store.cash_helpers import branch, initialise, standalone  # noqa: F401
from tests.store.test_cash_reports import refused


@pytest.mark.rule("CASH-1")
def test_scenario_4_a_branch_creates_no_register(branch):
    refused(cash.save_register, None, None, symbol="KASA2", name="Druga kasa",
            match="Rejestry kasowe/bankowe definiuje centrala.")
    reg = CashRegister.get_by_id(branch.register_id)
    refused(cash.save_register, reg.id, reg.version, symbol="KASA", name="Zmieniona", active=False,
            match="Rejestry kasowe/bankowe definiuje centrala.")
    refused(cash.delete_register, reg.id, match="Rejestry kasowe/bankowe definiuje centrala.")


@pytest.mark.rule("CASH-2")
def test_payment_forms_come_from_hq_and_are_read_only(branch):
    cash_form = PaymentForm.get(PaymentForm.kind == "cash")
    assert cash_form.register == branch.register_id and cash_form.gid == 600
    refused(update_entry, "payment_form", cash_form.id, days=3,
            match="Formy płatności definiuje centrala – w oddziale można je tylko przeglądać.")
    refused(create_entry, "payment_form", name="bon", kind="other", match="Formy płatności definiuje centrala")
    refused(cash.set_payment_form_register, cash_form.id, None, match="Formy płatności definiuje centrala")
    # the next sync changes them: matched by GID, never duplicated
    cash.apply_hq_payment_forms([{"gid": 600, "name": "gotówka PLN", "kind": "cash", "days": 0, "register_gid": 501}])
    assert PaymentForm.get_by_id(cash_form.id).name == "gotówka PLN"
    assert PaymentForm.select().where(PaymentForm.gid == 600).count() == 1


@pytest.mark.rule("CASH-1")
def test_registers_from_hq_are_matched_by_gid(branch):
    cash.apply_hq_registers([{"gid": 501, "symbol": "KASA", "name": "Kasa sklepu", "kind": "cash", "active": True}])
    assert CashRegister.get_by_id(branch.register_id).name == "Kasa sklepu"
    assert CashRegister.select().where(CashRegister.hidden == False).count() == 1  # noqa: E712


@pytest.mark.rule("SETT-9", "CASH-15")
def test_a_new_branch_has_the_settlement_register_and_contractor(branch):
    reg = CashRegister.get(CashRegister.symbol == "!ROZLICZENIA!")
    assert (reg.active, reg.hidden, reg.technical) == (False, True, True)
    assert reg.id not in [r.id for r in cash.visible_registers()]
    contractor = Contractor.get(Contractor.code == "!ROZLICZENIA!")
    assert not contractor.active
    from store.parties import delete_contractor

    refused(delete_contractor, contractor.id, match="Kontrahenta !ROZLICZENIA! nie można usunąć")


def test_hq_and_standalone_have_no_settlement_register(standalone):
    assert not CashRegister.select().where(CashRegister.symbol == "!ROZLICZENIA!").exists()
    assert not Contractor.select().where(Contractor.code == "!ROZLICZENIA!").exists()


@pytest.mark.rule("SETT-9")
def test_an_existing_branch_database_gets_them_by_migration(db_url):
    """A branch created before the cash area: opening it with this build adds !ROZLICZENIA! and keeps the data
    (the new columns of operator and payment_form come by ALTER TABLE, never by rebuilding the table)."""
    from store.config import Company, Operator, set_setting
    from store.db import connect, database

    old = connect(db_url, create=True)
    database.initialize(old)
    schema.migrate(old, targets={"catalog": 5, "numbering": 0, "cash": 0})
    old.execute_sql('ALTER TABLE "operator" DROP COLUMN "may_exceed_credit"')
    old.execute_sql('ALTER TABLE "payment_form" DROP COLUMN "register_id"')
    set_setting("role", "branch")
    Company.create(name="Stary oddział")
    old.execute_sql("INSERT INTO operator (guid, login, name, password_hash, is_admin, active, modified_at, exported, "
                    "confirmed, from_remote, realised_hq, to_cancel, version, modified_by) VALUES ('g1', 'ADMIN', 'A', "
                    "'x', %s, %s, '2024-01-01 00:00:00', %s, %s, %s, %s, %s, 1, '')" % (
                        ("1", "1", "0", "0", "0", "0", "0") if "sqlite" in db_url else
                        ("TRUE", "TRUE", "FALSE", "FALSE", "FALSE", "FALSE", "FALSE")))
    old.execute_sql("INSERT INTO payment_form (guid, name, kind, days, active, modified_at, exported, confirmed, "
                    "from_remote, realised_hq, to_cancel, version, modified_by) VALUES ('g2', 'gotówka', 'cash', 0, "
                    "%s, '2024-01-01 00:00:00', %s, %s, %s, %s, %s, 1, '')" % (
                        ("1", "0", "0", "0", "0", "0") if "sqlite" in db_url else
                        ("TRUE", "FALSE", "FALSE", "FALSE", "FALSE", "FALSE")))
    ran = schema.migrate(old)
    assert ("cash", 3) in ran and ("catalog", 6) in ran
    assert Operator.get(Operator.login == "ADMIN").may_exceed_credit is False
    assert PaymentForm.get(PaymentForm.name == "gotówka").register is None
    assert CashRegister.get(CashRegister.symbol == "!ROZLICZENIA!").technical
    assert Contractor.get(Contractor.code == "!ROZLICZENIA!").active is False
    before = dump()
    assert schema.migrate(old) == []          # and only once
    assert_same(before, dump())
    old.close()
    database.initialize(None)


def test_first_report_needs_a_register_from_hq(db):
    from store.errors import NotFound

    initialise("branch")
    with pytest.raises(NotFound, match="Brak rejestru kasowego o identyfikatorze centrali 777"):
        cash.ensure_first_report(777, on=date(2024, 5, 1))
    assert CashReport.select().count() == 0


def test_standalone_edits_registers(standalone):
    reg = cash.save_register(None, None, symbol="bank1", name="Rachunek", kind="bank")
    assert reg.symbol == "BANK1"
    refused(cash.save_register, None, None, symbol="BANK1", name="x", match="Rejestr o symbolu BANK1 już istnieje.")
    refused(cash.save_register, None, None, symbol="!ROZLICZENIA!", name="x", match="jest zarezerwowany")
    cash.delete_register(reg.id)
    refused(cash.delete_register, standalone.register_id, match="jest przypisany do form płatności")
    with pytest.raises(Refused):
        cash.create_report(cash.save_register(None, None, symbol="STARA", active=False).id, date(2024, 1, 1))
