"""Two sessions open an old database at the same moment and both start migrating it (issue 16 §7): the
loser waits for the winner's steps, finds them applied and opens the database; every step ran once."""
from __future__ import annotations

import multiprocessing as mp

from store import schema


def _open(url: str, barrier, out) -> None:
    import traceback

    from store.db import open_database

    try:
        barrier.wait(timeout=60)
        db = open_database(url)
        from store.parties import Contractor

        out.put(("opened", Contractor.select().count()))
        db.close()
    except Exception:  # noqa: BLE001 - reported to the test, which fails on it
        out.put(("error", traceback.format_exc(limit=8)))


def test_two_sessions_migrating_an_old_database_at_once_both_open(db_url):
    from store.db import connect, database

    old = connect(db_url, create=True)
    database.initialize(old)
    schema.migrate(old, targets={"catalog": 5, "parties": 4, "numbering": 0, "cash": 0, "lists": 0})
    old.execute_sql("INSERT INTO contractor_group (code, description) VALUES ('G', '')")
    before = schema.applied_versions(old)
    assert before != schema.CURRENT_VERSIONS
    old.close()
    database.initialize(None)

    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(3), ctx.Queue()
    procs = [ctx.Process(target=_open, args=(db_url, barrier, out)) for _ in range(3)]
    for p in procs:
        p.start()
    results = [out.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert [r[0] for r in results] == ["opened"] * 3, results

    db = connect(db_url)
    database.initialize(db)
    assert schema.applied_versions(db) == schema.CURRENT_VERSIONS
    rows = schema.SchemaMigration.select(schema.SchemaMigration.area, schema.SchemaMigration.version).tuples()
    assert len(list(rows)) == len(set(rows))       # no step recorded twice
    db.close()
    database.initialize(None)
