"""A cash report's and a KP/KW's number is given once (issue 11 §2, numbering shared with the cash core): a counter
lowered outside the program makes the save refuse with a Polish reason and change nothing (both engines)."""
from __future__ import annotations

from datetime import date

import pytest

from store import cash
from store.cash.models import CashEntry, CashReport
from store.errors import Refused
from store.numbering import NumberCounter
from tests.dbdump import assert_same, dump
from tests.store.cash_helpers import kp, standalone, standalone_db  # noqa: F401

LOWERED = "ma już inny dokument – licznik numeracji zmieniono poza programem"


def lower(doc_class: str) -> None:
    NumberCounter.update(last=NumberCounter.last - 1).where(NumberCounter.doc_class == doc_class).execute()


def refused_and_unchanged(fn, number: str) -> None:
    before = dump()
    with pytest.raises(Refused, match=f"Numer {number} {LOWERED}"):
        fn()
    assert_same(before, dump())


@pytest.mark.parametrize("kind", ["KP", "KW"])
def test_a_lowered_entry_counter_never_numbers_a_second_kp_or_kw_alike(standalone, kind):
    on = date(2024, 6, 5)
    report_id = cash.create_report(standalone.register_id, date(2024, 6, 1), date(2024, 6, 30)).id
    kp(report_id, standalone.contractor_id, 100, on)                     # the cash a KW may take
    first = kp(report_id, standalone.contractor_id, 10, on, kind)
    lower(kind)
    refused_and_unchanged(lambda: kp(report_id, standalone.contractor_id, 5, on, kind), first.number)
    assert CashEntry.select().where(CashEntry.number == first.number).count() == 1


def test_a_lowered_report_counter_never_numbers_a_second_report_alike(standalone):
    first = cash.create_report(standalone.register_id, date(2024, 6, 1), date(2024, 6, 30))
    lower("RK")
    refused_and_unchanged(lambda: cash.create_report(standalone.register_id, date(2024, 7, 1), date(2024, 7, 31)),
                          first.number)
    assert CashReport.select().where(CashReport.number == first.number).count() == 1


def test_only_the_number_index_is_said_as_a_number_given_twice():
    """Another constraint failing in the same write keeps its own error (write() says it in Polish), not this one."""
    import peewee

    from store.numbering import given_once

    with pytest.raises(peewee.IntegrityError, match="FOREIGN KEY"):
        with given_once("KP/1/2024"):
            raise peewee.IntegrityError("FOREIGN KEY constraint failed")
    for engine_text in ("UNIQUE constraint failed: cash_entry.kind, cash_entry.number_series, "
                        "cash_entry.number_period, cash_entry.number_n",
                        'duplicate key value violates unique constraint "cash_entry_number_taken"'):
        with pytest.raises(Refused, match=f"Numer KP/1/2024 {LOWERED}"):
            with given_once("KP/1/2024"):
                raise peewee.IntegrityError(engine_text)
