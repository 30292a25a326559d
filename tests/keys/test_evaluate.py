"""KEY-230: the pure evaluation function, every row of the §4 table and the key-state table at boundaries."""
from __future__ import annotations

import datetime as dt

import pytest

from keys.evaluate import evaluate
from keys.license_file import verify

from .conftest import module

D = dt.date.fromisoformat
INSTALL = "11111111-2222-3333-4444-555555555555"


@pytest.fixture
def lic(make_license, trusted):
    def make(**kw):
        return verify(make_license(**kw), trusted)

    return make


@pytest.mark.rule("KEY-41", "KEY-42", "KEY-44", "KEY-45", "KEY-46", "KEY-48", "KEY-50", "KEY-232", "KEY-266")
@pytest.mark.parametrize("today, release, subscription, time_limit, state, colour, initial, usable", [
    # expiry = today: still in warranty (KEY-50); the colour is yellow only because of the 7-day warning
    ("2030-12-31", "2030-01-01", False, None, "in_warranty", "yellow", 3, True),
    ("2030-12-24", "2030-01-01", False, None, "in_warranty", "green", 3, True),
    ("2031-01-01", "2030-12-30", False, None, "out_of_warranty_usable", "yellow", 3, True),
    ("2031-01-01", "2030-12-31", False, None, "out_of_warranty_blocked", "yellow", 3, False),
    ("2030-12-31", "2030-01-01", True, None, "in_warranty", "yellow", 3, True),
    ("2031-01-01", "2030-01-01", True, None, "subscription_expired", "red", 0, False),
    ("2030-06-30", "2030-01-01", False, "2030-06-30", "in_warranty", "yellow", 3, True),
    ("2030-06-01", "2030-01-01", False, "2030-06-30", "in_warranty", "green", 3, True),
    ("2030-07-01", "2030-01-01", True, "2030-06-30", "key_expired", "red", 0, False),
])
def test_module_state_table(lic, today, release, subscription, time_limit, state, colour, initial, usable):
    license_ = lic(modules=[module(2, "HANDEL", 3, expiry="2030-12-31", subscription=subscription)],
                   time_limit=time_limit)
    view = evaluate(license_, None, INSTALL, D(today), 0, D(release), {})
    m = view.modules[0]
    assert (m.state, m.colour, m.seats_initial, m.usable) == (state, colour, initial, usable)


@pytest.mark.rule("KEY-102", "KEY-233", "KEY-106")
@pytest.mark.parametrize("required, activation, now, state", [
    (False, None, 100, "active"),
    (True, None, 100, "not_fetched"),
    (True, {"kind": "full", "valid_until": None, "installation_id": INSTALL}, 100, "active"),
    (True, {"kind": "temporary", "valid_until": 200, "installation_id": INSTALL}, 199, "temporary"),
    (True, {"kind": "temporary", "valid_until": 200, "installation_id": INSTALL}, 200, "inactive"),
    (True, {"kind": "full", "valid_until": None, "installation_id": "another"}, 100, "inactive"),
])
def test_key_state_table(lic, required, activation, now, state):
    view = evaluate(lic(activation_required=required), activation, INSTALL, D("2030-06-01"), now, D("2030-01-01"), {})
    assert view.state == state
    assert view.usable == (state in ("active", "temporary"))
    assert all(m.usable == view.usable for m in view.modules)


@pytest.mark.rule("KEY-38", "KEY-236")
def test_current_quantity_never_below_zero(lic):
    view = evaluate(lic(modules=[module(2, "HANDEL", 2)]), None, INSTALL, D("2030-06-01"), 0, D("2030-01-01"), {2: 5})
    assert (view.modules[0].seats_initial, view.modules[0].seats_current) == (2, 0)
