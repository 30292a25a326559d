"""Record versions and the write helpers every area builds on (issue 16)."""
from __future__ import annotations

import threading
import time

import pytest

from store.base import lock_current, set_session_operator
from store.db import database, run_write, write
from store.errors import StaleRecord, TransientWriteError
from tests.dbdump import assert_same, dump


@pytest.fixture(autouse=True)
def _operator():
    set_session_operator("ANNA")
    yield
    set_session_operator("")


def _contractor(code="K1"):
    from store.parties import Contractor

    with write():
        return Contractor.create(code=code, name="Łódzka Hurtownia", city="Łódź")


def test_every_save_and_stamped_update_raises_the_version(db):
    from store.parties import Contractor

    c = _contractor()
    assert c.version == 1
    stale_copy = Contractor.get_by_id(c.id)
    with write():
        c.name = "Łódzka Hurtownia Sp. z o.o."
        c.save()
    assert c.version == 2 and Contractor.get_by_id(c.id).modified_by == "ANNA"
    with write():
        Contractor.update({Contractor.city: "Kraków", **Contractor.stamp()}).where(Contractor.id == c.id).execute()
    assert Contractor.get_by_id(c.id).version == 3
    # an object read long ago still moves the version forward, never back to 2
    with write():
        stale_copy.save()
    assert Contractor.get_by_id(c.id).version == 4


def test_a_stale_version_is_refused_naming_who_and_nothing_is_written(db):
    from store.parties import Contractor

    c = _contractor()
    loaded = c.version
    set_session_operator("BOGDAN")
    with write():
        c.city = "Gdańsk"
        c.save()
    before = dump()
    set_session_operator("ANNA")

    def save_stale():
        row = lock_current(Contractor, c.id, loaded)
        row.city = "Poznań"
        row.save()

    with pytest.raises(StaleRecord) as err:
        run_write(save_stale)
    assert "BOGDAN" in str(err.value) and err.value.who == "BOGDAN"
    assert err.value.current["city"] == "Gdańsk"
    assert_same(before, dump())


@pytest.mark.pg
def test_run_write_reruns_the_loser_of_a_postgresql_deadlock(db_url, db):
    """Two sessions lock two rows in opposite order: PostgreSQL kills one; run_write runs it again and
    both changes are in, the user never sees the deadlock."""
    if not db_url.startswith("postgresql"):
        pytest.skip("deadlocks need row locks (PostgreSQL)")
    from store.db import connect
    from store.parties import Contractor

    a, b = _contractor("A"), _contractor("B")
    other = connect(db_url)
    inside, proceed = threading.Event(), threading.Event()
    calls = []

    def other_session():
        with other.atomic():
            other.execute_sql('UPDATE contractor SET city = %s WHERE id = %s', ("X", b.id))
            inside.set()
            proceed.wait(5)
            time.sleep(0.3)   # we are already waiting for row B: we wait longer, so we are the victim
            other.execute_sql('UPDATE contractor SET city = %s WHERE id = %s', ("X", a.id))

    t = threading.Thread(target=other_session)
    t.start()
    inside.wait(5)

    def ours():
        calls.append(1)
        Contractor.update(city="Y").where(Contractor.id == a.id).execute()
        proceed.set()
        Contractor.update(city="Y").where(Contractor.id == b.id).execute()

    try:
        run_write(ours)
    except TransientWriteError:
        pytest.fail("run_write gave up on a single deadlock")
    t.join(10)
    other.close()
    assert len(calls) == 2          # the deadlock victim was ours, and it ran again
    cities = {r.code: r.city for r in Contractor.select()}
    assert cities == {"A": "Y", "B": "Y"}   # ours ran last, after the other session committed
    assert database.obj.in_transaction() is False


def test_a_database_from_before_versions_gets_them_and_keeps_its_rows(sqlite_url):
    import sqlite3

    from store.db import open_database

    d = open_database(sqlite_url, create=True)
    _contractor()
    d.close()
    database.initialize(None)
    raw = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    raw.execute('ALTER TABLE contractor DROP COLUMN "version"')
    raw.execute("DELETE FROM schema_migration WHERE area = 'parties' AND version = 5")
    raw.commit()
    raw.close()
    d = open_database(sqlite_url)
    from store.parties import Contractor

    c = Contractor.get(Contractor.code == "K1")
    assert c.version == 1 and c.city == "Łódź"
    d.close()
    database.initialize(None)
