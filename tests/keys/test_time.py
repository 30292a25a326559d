"""Module and key states over time (§4 table, KEY-82), warnings, clock rollback."""
from __future__ import annotations

import datetime as dt

import pytest

from keys.errors import ClockRollback, SeatRefused

from .conftest import module


def row(km, code):
    return next(m for m in km.modules() if m.code == code)


@pytest.mark.rule("KEY-41", "KEY-50", "KEY-38")
def test_module_expiring_today_is_in_warranty_and_counts_held_seats(installed, manager, clock):
    clock.set("2030-12-31T23:55:00")
    admin = installed(modules=[module(2, "HANDEL", 3, expiry="2030-12-31")])
    manager("ANNA").acquire("HANDEL")
    clock.set("2030-12-31T23:59:00")  # still today, within the lease
    m = row(admin, "HANDEL")
    assert (m.state, m.seats_initial, m.seats_current, m.usable) == ("in_warranty", 3, 2, True)


@pytest.mark.rule("KEY-42", "KEY-46", "KEY-7", "KEY-232")
@pytest.mark.parametrize("release, usable, state", [
    (dt.date(2030, 11, 15), True, "out_of_warranty_usable"),
    (dt.date(2031, 1, 1), False, "out_of_warranty_blocked"),
])
def test_out_of_warranty_depends_on_release_date(installed, manager, clock, release, usable, state):
    clock.set("2030-06-01T10:00:00")
    installed(modules=[module(2, "HANDEL", 3, expiry="2030-12-31")])
    clock.set("2031-01-01T08:00:00")
    km = manager("ANNA", release_date=release)
    m = row(km, "HANDEL")
    assert (m.state, m.colour, m.usable) == (state, "yellow", usable)
    if usable:
        km.acquire("HANDEL")
        assert km.status() == ("Licencja: po gwarancji", "yellow")
    else:
        with pytest.raises(SeatRefused, match="ta wersja programu .z dnia 2031-01-01. jest nowsza"):
            km.acquire("HANDEL")


@pytest.mark.rule("KEY-43", "KEY-44", "KEY-45")
def test_expired_subscription_is_red_zero_and_refused(installed, manager, clock):
    clock.set("2030-06-01T10:00:00")
    installed(modules=[module(2, "HANDEL", 3, expiry="2030-12-31", subscription=True)])
    clock.set("2031-01-01T00:30:00")
    km = manager("ANNA")
    m = row(km, "HANDEL")
    assert (m.state, m.colour, m.seats_initial, m.seats_current) == ("subscription_expired", "red", 0, 0)
    with pytest.raises(SeatRefused, match="abonament wygasł 2030-12-31"):
        km.acquire("HANDEL")


@pytest.mark.rule("KEY-48", "KEY-82", "KEY-233")
def test_key_time_limit_zeroes_every_module(installed, manager, clock):
    clock.set("2031-03-31T10:00:00")
    admin = installed(key_type="firm", nips=["5260250274"], time_limit="2031-03-31")
    assert all(m.usable for m in admin.modules())
    clock.set("2031-04-01T10:00:00")
    km = manager("ANNA", nip="5260250274")
    view = km.keys()[0]
    assert view.colour == "red" and not view.usable
    assert all((m.seats_initial, m.state) == (0, "key_expired") for m in view.modules)
    with pytest.raises(SeatRefused, match="ograniczenie czasowe klucza minęło 2031-03-31"):
        km.acquire("START")
    assert km.status()[1] == "red"


@pytest.mark.rule("KEY-247")
def test_module_expiring_within_seven_days_is_yellow(installed, clock):
    clock.set("2030-12-25T10:00:00")
    admin = installed(modules=[module(1, "START", 3, expiry="2030-12-31"), module(2, "HANDEL", 3, expiry="2031-06-30")])
    start, handel = row(admin, "START"), row(admin, "HANDEL")
    assert (start.colour, start.usable) == ("yellow", True) and "2030-12-31" in start.warning
    assert (handel.colour, handel.warning) == ("green", "")


@pytest.mark.rule("KEY-223")
def test_clock_moved_back_is_refused_until_it_is_right(installed, manager, clock):
    admin = installed(modules=[module(2, "HANDEL", 2)])
    anna = manager("ANNA")
    anna.acquire("HANDEL")
    newest = clock()
    clock.advance(-200)  # small jitter between processes is tolerated
    manager("JAN").acquire("HANDEL")
    clock.t = newest - 86400  # someone sets the date one day back to stretch an expiry
    ewa = manager("EWA")
    with pytest.raises(ClockRollback, match="Zegar systemowy został cofnięty"):
        ewa.acquire("HANDEL")
    assert ewa.status() == ("Licencja: zegar cofnięty", "red")
    with pytest.raises(ClockRollback):
        admin.keys()
    anna.release("HANDEL")  # releasing still works with a wrong clock
    clock.t = newest + 60
    ewa.acquire("HANDEL")
    assert sorted(s.operator for s in admin.seats()) == ["EWA", "JAN"]


@pytest.mark.rule("KEY-223")
def test_clock_before_license_issue_time_is_refused(manager, make_license, clock):
    clock.set("2030-06-01T10:00:00")
    admin = manager("ADMIN")
    text = make_license(issued_at="2030-06-02T10:00:00Z")
    with pytest.raises(ClockRollback):
        admin.add_license(text, client_id="123456", pin="1234", key_number="5000000107")
    assert admin.keys() == []
