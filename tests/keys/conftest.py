"""Fixtures for keys/: a test vendor key pair (never the real one) and a license factory."""
from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from keys.license_file import new_payload, sign_payload
from keys.trust import trusted_from
from tests.tui.conftest import demo_template, demo_url  # noqa: F401  (a real SQLite demo company, NIP 5260250274, ADMIN)

FIRM_NIP = "5260250274"
OTHER_NIP = "1234563218"


@pytest.fixture(autouse=True)
def keys_log(tmp_path, monkeypatch):
    """Key-manager log of this test only."""
    path = tmp_path / "log" / "keys.log"
    monkeypatch.setenv("FILIA_KEYS_LOG", str(path))
    return path


@pytest.fixture(scope="session")
def vendor_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="session")
def trusted(vendor_key):
    return trusted_from(vendor_key)


def module(number, code, seats, expiry="2030-12-31", **kw):
    return {"number": number, "code": code, "name": code.capitalize(), "seats": seats, "expiry": expiry, **kw}


@pytest.fixture
def make_license(vendor_key):
    """make_license(modules=..., **payload overrides) -> .lic text signed by the test vendor key."""

    def make(modules=None, *, key_number="5000000107", client_id="123456", pin="1234", key=None, **kw):
        kw.setdefault("activation_required", False)
        payload = new_payload(key_number=key_number, client_id=client_id, pin=pin,
                              modules=modules or [module(1, "START", 3), module(2, "HANDEL", 3, options=["EDI"])],
                              **kw)
        return sign_payload(payload, key or vendor_key)

    return make


@pytest.fixture
def lic_file(tmp_path, make_license):
    def write(text=None, name="key.lic", **kw):
        path = tmp_path / name
        path.write_text(text if text is not None else make_license(**kw), encoding="utf-8")
        return path

    return write


class FakeClock:
    """Injected clock: UTC epoch seconds that only move when the test says so. `advance` and `set` are time
    passing (the boot clock moves forward with them); assigning `t` is someone changing the wall clock."""

    def __init__(self, start: str = "2030-06-01T10:00:00"):
        import datetime as dt

        self.t = _parse(start)
        self.mono = 1000.0
        _ = dt

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds
        self.mono += max(0.0, seconds)

    def set(self, iso: str) -> None:
        self.advance(_parse(iso) - self.t)

    def boottime(self) -> float:
        return self.mono

    @property
    def source(self):
        from keys.clock import MonotonicSource

        return MonotonicSource(boottime=self.boottime, boot_id=lambda: "test-boot")


def _parse(iso: str) -> float:
    """Test times are Warsaw wall-clock times (the company's zone), whatever the machine's TZ."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    moment = dt.datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("Europe/Warsaw"))
    return moment.timestamp()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "keystore.db"


@pytest.fixture
def manager(store_path, trusted, clock):
    """manager(operator, connection=..., nip=..., **kw) -> KeyManager on the shared test key store."""
    from keys.manager import KeyManager

    made = []

    def make(operator="ANNA", *, connection=None, nip=None, **kw):
        kw.setdefault("is_admin", operator == "ADMIN")
        if isinstance(clock, FakeClock):
            kw.setdefault("monotonic", clock.source)
        km = KeyManager(store_path, trusted, nip, operator, clock=clock,
                        connection=connection or f"10.0.0.{len(made) + 1} 5000{len(made)} 10.0.0.100 22", **kw)
        made.append(km)
        return km

    yield make
    for km in made:
        km.close()


@pytest.fixture
def installed(manager, make_license):
    """Add a license to the store through an admin manager; returns that manager."""

    def add(text=None, **kw):
        admin = manager("ADMIN", connection="admin-console")
        admin.add_license(text or make_license(**kw), client_id=kw.get("client_id", "123456"),
                          pin=kw.get("pin", "1234"), key_number=kw.get("key_number", "5000000107"))
        return admin

    return add

