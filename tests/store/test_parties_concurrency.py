"""Two real processes save a card with the same code at the same moment: one wins, the other is told
in Polish which field to fix (never a raw database error), on both engines."""
from __future__ import annotations

import multiprocessing as mp

import pytest

from store.parties import Contractor


def _worker(url: str, name: str, barrier, results) -> None:
    from store import parties
    from store.db import open_database
    from store.errors import FiliaError, ValidationError

    db = open_database(url)
    try:
        barrier.wait(timeout=60)
        parties.create_contractor({"code": "RACE", "name": name, "city": name}, confirm=True)
        results.put((name, "saved", ""))
    except ValidationError as exc:
        results.put((name, "validation", exc.errors.get("code", "")))
    except FiliaError as exc:
        results.put((name, "refused", str(exc)))
    except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
        results.put((name, "crash", repr(exc)))
    finally:
        db.close()


@pytest.mark.rule("CTF-3")
def test_same_code_saved_by_two_processes(db, db_url):
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(db_url, name, barrier, results)) for name in ("Pierwszy", "Drugi")]
    for p in procs:
        p.start()
    outcomes = sorted(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    kinds = sorted(o[1] for o in outcomes)
    assert kinds == ["saved", "validation"], outcomes
    loser = next(o for o in outcomes if o[1] == "validation")
    assert "Kontrahent o takim kodzie już istnieje." in loser[2]
    winner = next(o for o in outcomes if o[1] == "saved")
    assert [c.name for c in Contractor.select().where(Contractor.code == "RACE")] == [winner[0]]
