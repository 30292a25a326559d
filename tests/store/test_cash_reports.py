"""Cash reports on both engines: chronology, closing, reopening, deletion, export selection (§11)."""
from __future__ import annotations

from datetime import date

import pytest

from store import cash
from store.cash.models import CashReport
from store.errors import Refused, ValidationError
from tests.dbdump import assert_same, dump
from tests.store.cash_helpers import D, DAY, branch, first_report_id, kp, kw, report, standalone  # noqa: F401


def day(n: int) -> date:
    return date(2024, 5, n)


def refused(fn, *args, match: str, **kwargs):
    """The call is refused with a Polish message containing `match`, and nothing in the database changed."""
    before = dump()
    with pytest.raises((Refused, ValidationError)) as info:
        fn(*args, **kwargs)
    assert match in str(info.value)
    assert_same(before, dump())
    return info.value


def three_reports(company) -> list[int]:
    """RK/1 (8th), RK/2 (9th), RK/3 (10th) in the branch register."""
    first = first_report_id(company.register_id)
    r = report(first)
    cash.save_report(company.register_id, first, r.version, opening_date=day(8), closing_date=day(8))
    second = cash.create_report(company.register_id, day(9), day(9))
    third = cash.create_report(company.register_id, day(10), day(10))
    return [first, second.id, third.id]


@pytest.mark.rule("CASH-6", "CASH-5")
def test_scenario_1_no_report_before_the_last_one(branch):
    ids = three_reports(branch)
    assert report(ids[2]).number == "RK/3/KRAK/2024"
    refused(cash.create_report, branch.register_id, day(9), day(9),
            match="Data raportu nie może być wcześniejsza niż data ostatniego raportu (2024-05-10)")
    refused(cash.create_report, branch.register_id, day(11), day(9), match="nie może być wcześniejsza niż data otwarcia")
    created = cash.create_report(branch.register_id, day(11), day(11))
    assert created.number == "RK/4/KRAK/2024" and created.seq == 4


@pytest.mark.rule("CASH-6")
def test_periods_of_one_register_never_overlap(branch):
    ids = three_reports(branch)
    refused(cash.create_report, branch.register_id, day(10), day(12), match="nakłada się na raport RK/3/KRAK/2024")
    # a report in the middle cannot stretch into its neighbours either
    r2 = report(ids[1])
    refused(cash.save_report, branch.register_id, ids[1], r2.version, opening_date=day(8), closing_date=day(9),
            match="okres raportu RK/1/KRAK/2024 kończy się 2024-05-08")
    refused(cash.save_report, branch.register_id, ids[1], r2.version, opening_date=day(9), closing_date=day(10),
            match="wcześniejsza niż data otwarcia raportu RK/3/KRAK/2024")


@pytest.mark.rule("CASH-4")
def test_first_report_from_sync_has_no_closing_date_and_takes_no_entry(branch):
    first = report(first_report_id(branch.register_id))
    assert first.opening_date == DAY and first.closing_date is None and not first.closed
    refused(kp, first.id, branch.contractor_id, "10.00",
            match="Uzupełnij datę zamknięcia raportu kasowego przed wprowadzeniem zapisów (raport RK/1/KRAK/2024)")
    refused(cash.create_report, branch.register_id, day(11), day(11), match="nie ma daty zamknięcia")
    # the first report is made once: a second call (a later sync) leaves it as it is
    assert cash.ensure_first_report(501, on=day(20)).id == first.id
    assert CashReport.select().count() == 1


@pytest.mark.rule("CASH-9", "CASH-13")
def test_close_needs_the_closing_date_and_reopen_works_until_exported(branch):
    first = report(first_report_id(branch.register_id))
    refused(cash.set_closed, first.id, True, match="nie ma daty zamknięcia")
    r = cash.save_report(branch.register_id, first.id, first.version, opening_date=DAY, closing_date=DAY, closed=True)
    assert r.closed
    refused(kp, r.id, branch.contractor_id, "10.00", match="Raport RK/1/KRAK/2024 jest zamknięty")
    r = cash.set_closed(r.id, False)                       # a mistyped KW is fixed by reopening
    kp(r.id, branch.contractor_id, "10.00")
    r = cash.set_closed(r.id, True)
    assert cash.mark_reports_exported([r.id]) == 1
    refused(cash.set_closed, r.id, False, match="Raport RK/1/KRAK/2024 został wysłany do centrali – nie można go otworzyć")
    refused(kp, r.id, branch.contractor_id, "5.00", match="został wysłany do centrali")


@pytest.mark.rule("CASH-13", "CASH-11")
def test_scenario_3_sent_report_cannot_be_reopened_and_is_not_sent_after_its_gid(branch):
    ids = three_reports(branch)
    r4 = cash.create_report(branch.register_id, day(11), day(11))
    for rid in ids + [r4.id]:
        cash.set_closed(rid, True)
    selection = cash.reports_for_export()
    assert [r.number for r in selection.reports] == ["RK/1/KRAK/2024", "RK/2/KRAK/2024", "RK/3/KRAK/2024",
                                                     "RK/4/KRAK/2024"]
    cash.mark_reports_exported([r.id for r in selection.reports])
    refused(cash.set_closed, r4.id, False,
            match="Raport RK/4/KRAK/2024 został wysłany do centrali – nie można go otworzyć.")
    # sent but not confirmed yet: the next OD carries it again
    assert "RK/4/KRAK/2024" in [r.number for r in cash.reports_for_export().reports]
    confirmed = cash.confirm_report(report(r4.id).guid, 900)
    assert confirmed.gid == 900 and cash.reports.state(confirmed) == "confirmed"
    assert "RK/4/KRAK/2024" not in [r.number for r in cash.reports_for_export().reports]
    refused(cash.set_closed, r4.id, False, match="nie można go otworzyć")


@pytest.mark.rule("CASH-10", "CASH-11", "CASH-9")
def test_scenario_2_an_open_report_holds_back_the_closed_ones_after_it(branch):
    ids = three_reports(branch)                           # RK/1..RK/3
    r4 = cash.create_report(branch.register_id, day(11), day(11))
    kp(r4.id, branch.contractor_id, "25.00", day(11))
    cash.set_closed(ids[0], True)
    cash.set_closed(ids[1], True)
    cash.set_closed(r4.id, True)                          # RK/3 open, RK/4 closed
    selection = cash.reports_for_export()
    assert [r.number for r in selection.reports] == ["RK/1/KRAK/2024", "RK/2/KRAK/2024"]
    reasons = dict(selection.skipped)
    assert reasons["RK/3/KRAK/2024"] == "Raport RK/3/KRAK/2024 jest otwarty – zamknij go, aby został wysłany do centrali."
    assert reasons["RK/4/KRAK/2024"] == ("Raport RK/4/KRAK/2024 nie zostanie wysłany: wcześniejszy raport "
                                         "RK/3/KRAK/2024 jest otwarty.")
    cash.set_closed(ids[2], True)
    selection = cash.reports_for_export()
    assert [r.number for r in selection.reports][-1] == "RK/4/KRAK/2024"
    (r4x,) = [r for r in selection.reports if r.number == "RK/4/KRAK/2024"]
    assert r4x.closing_balance == D("25.00") and [e["amount"] for e in r4x.entries] == [D("25.00")]


@pytest.mark.rule("CASH-20")
def test_only_the_last_open_empty_unsent_report_can_be_deleted(standalone):
    r1 = cash.create_report(standalone.register_id, day(1), day(1))
    r2 = cash.create_report(standalone.register_id, day(2), day(2))
    refused(cash.delete_report, r1.id, match="Można usunąć tylko ostatni raport rejestru (RK/2/KASA/2024)")
    kp(r2.id, standalone.contractor_id, "10.00", day(2))
    refused(cash.delete_report, r2.id, match="Raport RK/2/KASA/2024 ma zapisy (1)")
    r3 = cash.create_report(standalone.register_id, day(3), day(3))
    cash.set_closed(r3.id, True)
    refused(cash.delete_report, r3.id, match="jest zamknięty")
    cash.set_closed(r3.id, False)
    cash.delete_report(r3.id)
    assert CashReport.get_or_none(CashReport.id == r3.id) is None
    # numbers are never given again: the next report is RK/4
    assert cash.create_report(standalone.register_id, day(3), day(3)).number == "RK/4/KASA/2024"


@pytest.mark.rule("CASH-20", "CASH-13")
def test_an_exported_report_cannot_be_deleted(standalone):
    r1 = cash.create_report(standalone.register_id, day(1), day(1))
    cash.set_closed(r1.id, True)
    cash.mark_reports_exported([r1.id])
    refused(cash.delete_report, r1.id, match="został wysłany do centrali – nie można go usunąć")


def test_dates_of_a_report_stay_around_its_entries(standalone):
    r = cash.create_report(standalone.register_id, day(1), day(5))
    kp(r.id, standalone.contractor_id, "10.00", day(3))
    r = report(r.id)
    refused(cash.save_report, standalone.register_id, r.id, r.version, opening_date=day(4), closing_date=day(5),
            match="Raport ma zapisy z dnia 2024-05-03")
    refused(cash.save_report, standalone.register_id, r.id, r.version, opening_date=day(1), closing_date=day(2),
            match="Raport ma zapisy z dnia 2024-05-03")
    changed = cash.save_report(standalone.register_id, r.id, r.version, opening_date=day(2), closing_date=day(4))
    assert (changed.opening_date, changed.closing_date) == (day(2), day(4))


def test_a_stale_report_card_is_refused(standalone):
    from store.errors import StaleRecord

    r = cash.create_report(standalone.register_id, day(1), day(5))
    loaded = r.version
    kp(r.id, standalone.contractor_id, "10.00", day(3))      # another session's entry moves the report's totals
    with pytest.raises(StaleRecord):
        cash.save_report(standalone.register_id, r.id, loaded, opening_date=day(1), closing_date=day(4))


@pytest.mark.rule("CASH-16")
def test_open_report_amounts_follow_the_setup_option(standalone):
    from store.cash.listing import report_rows

    r = cash.create_report(standalone.register_id, day(1), day(1))
    kp(r.id, standalone.contractor_id, "40.00", day(1))
    r2 = cash.create_report(standalone.register_id, day(2), day(2))
    cash.set_closed(r.id, True)
    rows = {row["number"]: row for row in report_rows(standalone.register_id)}
    assert rows[r2.number]["opening_balance"] == D("40.00")
    cash.set_option("open_report_amounts", False)
    rows = {row["number"]: row for row in report_rows(standalone.register_id)}
    assert rows[r2.number]["opening_balance"] is None and rows[r2.number]["closing_balance"] is None
    assert rows[r.number]["closing_balance"] == D("40.00")       # a closed report always shows them


@pytest.mark.rule("CASH-15")
def test_settlement_register_takes_no_report_from_a_user(branch):
    from store.cash.models import CashRegister

    technical = CashRegister.get(CashRegister.symbol == "!ROZLICZENIA!")
    refused(cash.create_report, technical.id, day(11), day(11), match="zapisy wprowadza tylko synchronizacja")


@pytest.mark.rule("SETUP-5")
def test_no_report_before_the_first_sync(db):
    from tests.store.cash_helpers import branch_company

    company = branch_company(synced=False)
    refused(cash.create_report, company.register_id, day(20), day(20),
            match="Oddział nie został jeszcze zsynchronizowany z centralą. Wykonaj pierwszą synchronizację.")


def test_report_number_follows_the_scheme_from_hq(branch):
    from store.numbering import apply_hq_series

    apply_hq_series([{"doc_class": "RK", "series": "KRAK", "default": True, "pattern": "RK {n}/{mm}/{yyyy}",
                      "period": "month", "counters": {"2024-05": 40}}])
    ids = three_reports(branch)
    assert report(ids[1]).number == "RK 41/05/2024"
    assert cash.create_report(branch.register_id, date(2024, 6, 1), date(2024, 6, 1)).number == "RK 1/06/2024"
    # HQ's older figure never lowers the counter
    apply_hq_series([{"doc_class": "RK", "series": "KRAK", "counters": {"2024-05": 10}}])
    assert cash.create_report(branch.register_id, date(2024, 6, 2), date(2024, 6, 2)).number == "RK 2/06/2024"
