"""A database made before the later contractor migrations is upgraded in place, data kept."""
from __future__ import annotations

from store.db import database, open_database
from store.parties import BankAccount, Contractor


def test_old_parties_schema_gets_new_tables_and_columns(sqlite_url):
    db = open_database(sqlite_url, create=True)
    old = Contractor.create(code="OLD", name="Stary")
    BankAccount.create(contractor=old.id, number="PL61109010140000071219812874")   # a row that refers to it
    db.execute_sql("DROP TABLE contractor_recipient")
    db.execute_sql("DROP TABLE contractor_jpk_code")
    for col in ("corr_city", "corr_flat"):
        db.execute_sql(f"ALTER TABLE contractor DROP COLUMN {col}")
    db.execute_sql("DELETE FROM schema_migration WHERE area = 'parties' AND version > 1")
    db.close()
    database.initialize(None)
    db = open_database(sqlite_url)
    try:
        assert {"contractor_recipient", "contractor_jpk_code"} <= set(db.get_tables())
        assert {"corr_city", "corr_flat"} <= {c.name for c in db.get_columns("contractor")}
        assert Contractor.get(Contractor.code == "OLD").corr_city == ""
        # adding the columns must not rebuild the table: with foreign keys on that deleted the accounts
        assert BankAccount.select().where(BankAccount.contractor == old.id).count() == 1
    finally:
        db.close()
        database.initialize(None)
