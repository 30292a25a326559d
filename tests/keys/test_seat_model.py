"""Property test: the seat pool against an independent in-memory model (groups, refcounts, lease, idle)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from keys.errors import SeatRefused
from keys.license_file import new_payload, sign_payload
from keys.manager import KeyManager
from keys.trust import trusted_from

from tests.conftest import examples

from .conftest import FakeClock, module

LEASE, IDLE = 300, 1800
GROUPS = ["g0", "g0", "g1", "g2"]  # sessions 0 and 1 share one connection group
VENDOR = Ed25519PrivateKey.generate()
TRUSTED = trusted_from(VENDOR)

ops = st.lists(st.one_of(
    st.tuples(st.just("acquire"), st.integers(0, 3)),
    st.tuples(st.just("release"), st.integers(0, 3)),
    st.tuples(st.just("beat"), st.integers(0, 3)),
    st.tuples(st.just("pulse"), st.integers(0, 3)),  # heartbeat without user activity
    st.tuples(st.just("wait"), st.sampled_from([30, 120, 299, 301, 900, 1801])),
), max_size=25)


class Model:
    """What the pool should do. A session that lost its row keeps counting its screens (refs) and takes the
    seat back at its next acquire; a heartbeat purges before it renews, so a lease that ran out is lost."""

    def __init__(self, seats):
        self.seats, self.now = seats, 0.0
        self.ref = [0] * 4
        self.lost = [False] * 4
        self.rows: dict[int, list[float]] = {}  # session -> [refreshed, active]
        self.activity = [0.0] * 4

    def purge(self):
        for s, (refreshed, active) in list(self.rows.items()):
            if refreshed < self.now - LEASE or active < self.now - IDLE:
                del self.rows[s]

    def acquire(self, s):
        self.activity[s] = self.now
        if self.ref[s] and not self.lost[s]:
            self.ref[s] += 1
            return True
        self.purge()
        groups = {GROUPS[o] for o in self.rows}
        if GROUPS[s] in groups or len(groups) < self.seats:
            self.rows[s] = [self.now, self.now]
            self.ref[s] += 1
            self.lost[s] = False
            return True
        return False

    def release(self, s):
        if self.ref[s]:
            self.ref[s] -= 1
            if not self.ref[s]:
                self.rows.pop(s, None)
                self.lost[s] = False

    def beat(self, s, active=True):
        if active:
            self.activity[s] = self.now
        if not self.ref[s]:
            return []
        if s in self.rows:
            self.rows[s][1] = max(self.rows[s][1], self.activity[s])
        self.purge()
        if s in self.rows:
            self.rows[s][0] = self.now
            return []
        if self.lost[s]:
            return []
        self.lost[s] = True
        return ["HANDEL"]

    def free(self):
        self.purge()
        return max(0, self.seats - len({GROUPS[o] for o in self.rows}))


_STORE: dict = {}


def _shared_store() -> Path:
    """One key store for every example: keys 5000000101/2/3 hold HANDEL with 1/2/3 seats."""
    if "path" not in _STORE:
        _STORE["dir"] = tempfile.TemporaryDirectory()
        path = Path(_STORE["dir"].name) / "ks.db"
        admin = KeyManager(path, TRUSTED, None, "ADMIN", clock=FakeClock(), connection="admin", is_admin=True)
        for seats in (1, 2, 3):
            number = f"500000010{seats}"
            text = sign_payload(new_payload(key_number=number, client_id="1", pin="1", activation_required=False,
                                            modules=[module(2, "HANDEL", seats, expiry="2099-12-31")]), VENDOR)
            admin.add_license(text, client_id="1", pin="1", key_number=number)
        admin.close()
        _STORE["path"] = path
    return _STORE["path"]


@pytest.mark.rule("KEY-53", "KEY-236", "KEY-237", "KEY-239")
@settings(max_examples=examples(60, 500), deadline=None, suppress_health_check=[HealthCheck.too_slow])  # long: 500
@given(seats=st.integers(1, 3), steps=ops)
@example(seats=1, steps=[("acquire", 0), ("acquire", 1), ("acquire", 2)])
@example(seats=1, steps=[("acquire", 0), ("wait", 301), ("acquire", 2)])
@example(seats=1, steps=[("acquire", 0), ("beat", 0), ("wait", 299), ("beat", 0), ("wait", 299), ("acquire", 2)])
@example(seats=1, steps=[("acquire", 0)] + [("wait", 299), ("pulse", 0)] * 7 + [("acquire", 2)])
@example(seats=2, steps=[("acquire", 0), ("acquire", 2), ("acquire", 3), ("release", 0), ("acquire", 3)])
@example(seats=1, steps=[("acquire", 0), ("wait", 301), ("beat", 0), ("acquire", 2), ("acquire", 0)])
@example(seats=1, steps=[("acquire", 0), ("wait", 1801), ("beat", 0), ("beat", 0), ("acquire", 0), ("release", 0)])
def test_seat_pool_matches_model(seats, steps):
    path = _shared_store()
    clock = FakeClock()
    start = clock()
    key = f"500000010{seats}"
    wipe = KeyManager(path, TRUSTED, None, "W", clock=clock, connection="wipe", monotonic=clock.source)
    wipe.store.conn.execute("DELETE FROM keys_seat")
    wipe.store.conn.execute("DELETE FROM keys_setting WHERE name LIKE 'clock_%'")
    kw = {"clock": clock, "key_number": key, "overrides": {"lease_s": LEASE, "idle_release_s": IDLE},
          "monotonic": clock.source}
    sessions = [KeyManager(path, TRUSTED, None, f"S{i}", connection=GROUPS[i], **kw) for i in range(4)]
    model = Model(seats)
    try:
        for op, arg in steps:
            if op == "wait":
                clock.advance(arg)
                model.now = clock() - start
            elif op == "acquire":
                try:
                    sessions[arg].acquire("HANDEL")
                    got = True
                except SeatRefused:
                    got = False
                assert got == model.acquire(arg), (op, arg)
            elif op == "release":
                sessions[arg].release("HANDEL")
                model.release(arg)
            else:
                if op == "beat":
                    sessions[arg].touch()
                assert sessions[arg].heartbeat() == model.beat(arg, op == "beat"), (op, arg)
            assert wipe.modules(key)[0].seats_current == model.free()
    finally:
        for km in sessions + [wipe]:
            km.close()
