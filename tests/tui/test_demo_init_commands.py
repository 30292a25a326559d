"""`filia demo` and `filia init` through the real command line: no command deletes or rewrites a database
it did not create, a refused init leaves nothing, PostgreSQL addresses work and never show their
password (issue 10 §1)."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Sekret-7731"
DEMO = ("demo", "--goods", "40", "--contractors", "3", "--build-only")


def _filia(*args, cwd=None, env_extra=None):
    env = {**os.environ, "FILIA_LANG": "pl", "PYTHONPATH": str(ROOT)}     # this tree, whatever the cwd
    env.pop("FILIA_DB", None)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=180)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _init(path, *extra):
    out = _filia("--db", str(path), "init", "--role", "standalone", "--name", "Firma Prawdziwa",
                 "--nip", "5260250274", "--admin-password", "tajne1", *extra)
    assert out.returncode == 0, out.stderr
    return out


def _company(path):
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT name FROM company").fetchall()
    finally:
        con.close()


def test_demo_refuses_a_company_database_named_by_db_or_filia_db_and_leaves_it_byte_for_byte(tmp_path):
    """`FILIA_DB=firma.db make demo` used to delete the company (its settings did not match) and exit 0."""
    company = tmp_path / "firma.db"
    _init(company)
    before = _digest(company)
    by_option = _filia("--db", str(company), *DEMO)
    by_env = _filia(*DEMO, env_extra={"FILIA_DB": str(company)})
    for out in (by_option, by_env):
        assert out.returncode == 2, out.stderr
        assert "nie jest bazą demonstracyjną" in out.stderr and str(company) in out.stderr
        assert "Traceback" not in out.stderr
    assert _digest(company) == before and _company(company) == [("Firma Prawdziwa",)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["firma.db"]


def test_demo_refuses_files_that_are_not_filia_databases(tmp_path):
    text = tmp_path / "notatki.txt"
    text.write_text("zakupy: mąka, jajka\n", encoding="utf-8")
    other = _other_programs_database(tmp_path / "inny.sqlite")
    for path in (text, other):
        before = _digest(path)
        out = _filia("--db", str(path), *DEMO, "--rebuild")
        assert out.returncode == 2 and str(path) in out.stderr, out.stderr
        assert _digest(path) == before


def test_demo_reuses_its_own_database_and_rebuilds_only_that(tmp_path):
    demo = tmp_path / "demo.db"
    first = _filia("--db", str(demo), *DEMO)
    assert first.returncode == 0 and "Buduję" in first.stderr, first.stderr
    built = _digest(demo)
    again = _filia("--db", str(demo), *DEMO)
    assert again.returncode == 0 and "Buduję" not in again.stderr and _digest(demo) == built
    other = _filia("--db", str(demo), "demo", "--goods", "41", "--contractors", "3", "--build-only")
    assert other.returncode == 0 and "Buduję" in other.stderr
    con = sqlite3.connect(demo)
    assert con.execute("SELECT COUNT(*) FROM goods").fetchone() == (41,)
    assert con.execute("SELECT COUNT(*) FROM goods_price").fetchone() == (41,)      # retail prices in goods_price
    con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]               # no work file, no WAL left


def test_a_refused_init_leaves_no_file(tmp_path):
    """It used to print „Nic nie zapisano.” next to a fresh 46-table database."""
    for bad in (["--nip", "1234567890"], ["--nip", "5260250274", "--admin-password", "x"]):
        path = tmp_path / "firma.db"
        out = _filia("--db", str(path), "init", "--role", "standalone", "--name", "Firma", "--admin-password",
                     "tajne1", *bad)
        assert out.returncode == 2 and "Nic nie zapisano" in out.stderr, out.stderr
        assert list(tmp_path.iterdir()) == []


def _other_programs_database(path):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE faktury (nr TEXT)")
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize("command", [["init", "--role", "standalone", "--name", "Firma", "--admin-password", "tajne1"],
                                     []], ids=["init", "run"])
def test_init_and_run_refuse_a_file_of_another_program_untouched(tmp_path, command):
    path = _other_programs_database(tmp_path / "inny.db")
    before = _digest(path)
    out = _filia("--db", str(path), *command)
    assert out.returncode == 2 and "nie jest bazą danych Filii" in out.stderr, out.stderr
    assert _digest(path) == before and sorted(p.name for p in tmp_path.iterdir()) == ["inny.db"]


def test_an_unsupported_address_is_named_and_creates_nothing(tmp_path):
    for command in ([], ["demo", "--build-only"], ["init", "--role", "hq", "--name", "X", "--admin-password", "tajne1"]):
        out = _filia("--db", f"mysql://root:{SECRET}@localhost/firma", *command, cwd=tmp_path)
        assert out.returncode == 2 and "„mysql”" in out.stderr, out.stderr
        assert SECRET not in out.stderr + out.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.pg
def test_demo_and_init_on_postgresql_never_show_the_password(tmp_path, pg_reason):
    """`filia --db postgresql://… demo` used to build a SQLite file under ./postgresql:/…"""
    import psycopg2

    from tests.conftest import PG_BASE, _pg_drop, _pg_schema_url

    schema, url = _pg_schema_url(pg_reason)
    secret_url = url.replace("postgresql://postgres@", f"postgresql://postgres:{SECRET}@")
    log = tmp_path / "filia.log"
    env = {"FILIA_LOG": str(log)}
    work = tmp_path / "cwd"
    work.mkdir()
    try:
        outs = [_filia("--db", secret_url, *DEMO, cwd=work, env_extra=env)]
        assert outs[0].returncode == 0, outs[0].stderr
        assert list(work.iterdir()) == []                                    # nothing built as a local file
        conn = psycopg2.connect(PG_BASE)
        cur = conn.cursor()
        cur.execute(f"SELECT COUNT(*), SUM(retail_price) FROM {schema}.goods")
        count, total = cur.fetchone()
        conn.close()
        assert count == 40 and total > 0
        outs.append(_filia("--db", secret_url, *DEMO, cwd=work, env_extra=env))          # reused
        assert outs[-1].returncode == 0 and "Buduję" not in outs[-1].stderr
        outs.append(_filia("--db", secret_url, "init", "--role", "hq", "--name", "X", "--admin-password", "tajne1",
                           cwd=work, env_extra=env))                                       # already a company
        assert outs[-1].returncode == 2
        wrong_port = f"postgresql://postgres:{SECRET}@127.0.0.1:1/test"
        outs.append(_filia("--db", wrong_port, cwd=work, env_extra=env))
        assert outs[-1].returncode == 2 and "PostgreSQL" in outs[-1].stderr
        for out in outs:
            assert SECRET not in out.stderr + out.stdout, out.stderr
        assert not log.exists() or SECRET not in log.read_text()
    finally:
        _pg_drop(schema)


@pytest.mark.pg
def test_a_refused_init_on_postgresql_leaves_no_table(pg_reason):
    import psycopg2

    from tests.conftest import PG_BASE, _pg_drop, _pg_schema_url

    schema, url = _pg_schema_url(pg_reason)
    try:
        out = _filia("--db", url, "init", "--role", "standalone", "--name", "Firma", "--nip", "1234567890",
                     "--admin-password", "tajne1")
        assert out.returncode == 2 and "Nic nie zapisano" in out.stderr, out.stderr
        conn = psycopg2.connect(PG_BASE)
        cur = conn.cursor()
        cur.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = %s", (schema,))
        assert cur.fetchone() == (0,)
        conn.close()
    finally:
        _pg_drop(schema)


def test_a_fresh_demo_can_sell_at_once_stock_payment_forms_and_an_open_cash_report(tmp_path):
    """A clerk trying the demo issues a receipt paid in cash without setting anything up first: the first goods
    have opening stock (one approved PZ), „gotówka” posts into an open report, „przelew” has a term."""
    from datetime import date
    from decimal import Decimal

    from store import trade
    from store.trade import listing
    from store.db import database, open_database

    demo = tmp_path / "demo.db"
    assert _filia("--db", str(demo), *DEMO).returncode == 0
    db = open_database(f"sqlite:///{demo}")
    try:
        from store.cash.models import CashEntry
        from store.catalog.dictionaries import PaymentForm
        from store.catalog.models import Goods
        from store.warehouse import available

        forms = {f.name: f for f in PaymentForm.select()}
        assert forms["gotówka"].kind == "cash" and forms["przelew"].days == 14
        goods = Goods.select().where(Goods.is_service == False).order_by(Goods.id).first()  # noqa: E712
        assert available(goods.id, listing.default_warehouse()) == Decimal(50)
        view = trade.save_buffer(trade.DocumentDraft("PA", None, {"issue_date": date.today()}, [
            trade.LineDraft(goods_id=goods.id, quantity=Decimal(2), price=Decimal("10.00"))],
            [trade.PaymentDraft(forms["gotówka"].id)]))
        done = trade.approve(view.id, version=view.version, tendered=Decimal("50.00"))
        assert done.state == trade.APPROVED and done.number
        assert available(goods.id, listing.default_warehouse()) == Decimal(48)
        kp = CashEntry.get()
        assert kp.amount == done.gross and kp.report.register.symbol == "KASA"
    finally:
        db.close()
        database.initialize(None)
