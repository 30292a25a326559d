"""The vendor-signed license file (KEY-206 … KEY-215).

Container (KEY-207): base64 of canonical-JSON payload bytes and base64 of the 64-byte Ed25519
signature over exactly those bytes, in two armoured blocks. `openssl pkeyutl -verify -rawin`
verifies it with the vendor's public key.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import uuid
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from stdnum.pl import nip as stdnip

from keys.errors import LicenseFileError
from keys.i18n import _
from keys.trust import TrustedKeys, key_id, raw_public

FORMAT = 1
BEGIN_L, END_L = "-----BEGIN FILIA LICENSE-----", "-----END FILIA LICENSE-----"
BEGIN_S, END_S = "-----BEGIN FILIA SIGNATURE-----", "-----END FILIA SIGNATURE-----"
KEY_TYPES = ("standard", "partner", "firm", "multi_firm")
TOP_FIELDS = {"format", "signing_key_id", "license_id", "serial", "issued_at", "client_id", "client_name",
              "acronym", "pin_hash", "key_number", "key_type", "nips", "time_limit", "activation", "modules"}
MODULE_FIELDS = {"number", "code", "name", "seats", "options", "expiry", "subscription", "named", "named_by"}


def msg_malformed() -> str:
    return _("Wskazany plik nie jest prawidłowym plikiem licencji programu Filia.")


def msg_signature() -> str:
    return _("Podpis pliku licencji jest nieprawidłowy albo pochodzi od nieznanego wystawcy. Plik nie został wczytany.")


def msg_invalid(details: str) -> str:
    return _("Plik licencji zawiera nieprawidłowe dane: {szczegóły}.").format(szczegóły=details)


@dataclass(frozen=True)
class Module:
    number: int
    code: str
    name: str
    seats: int
    options: tuple[str, ...]
    expiry: dt.date
    subscription: bool
    named: bool
    named_by: str | None


@dataclass(frozen=True)
class License:
    key_number: str
    serial: int
    license_id: str
    client_id: str
    client_name: str
    acronym: str
    pin_hash: str
    key_type: str
    nips: tuple[str, ...]
    time_limit: dt.date | None
    activation_required: bool
    temporary_hours: int
    issued_at: str
    signing_key_id: str
    modules: tuple[Module, ...]
    text: str = field(repr=False, compare=False, default="")

    def module(self, code: str) -> Module | None:
        return next((m for m in self.modules if m.code == code), None)

    @property
    def identification(self) -> str:
        """"Dane identyfikacyjne firmy": the NIP when the license has one, else the acronym (KEY-73)."""
        return ", ".join(self.nips) if self.nips else self.acronym


# --- canonical form, PIN hash -------------------------------------------------------------------

def canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def hash_pin(pin: str, *, n: int = 16384, r: int = 8, p: int = 1) -> str:
    """KEY-211: scrypt$N$r$p$salt$hash (base64)."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt${n}${r}${p}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_pin(pin: str, pin_hash: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = pin_hash.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(pin.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(expected))
    except (ValueError, binascii.Error):
        return False
    return hmac.compare_digest(got, expected)


# --- issuing (vendor tool and tests) -------------------------------------------------------------

def _armour(begin: str, end: str, data: bytes) -> str:
    b64 = base64.b64encode(data).decode("ascii")
    return "\n".join([begin, *(b64[i:i + 64] for i in range(0, len(b64), 64)), end])


def sign_payload(payload: dict, private_key: Ed25519PrivateKey) -> str:
    """Sign a payload dict (signing_key_id is set from the key) and return the .lic text."""
    payload = dict(payload, signing_key_id=key_id(raw_public(private_key)))
    data = canonical(payload)
    return _armour(BEGIN_L, END_L, data) + "\n" + _armour(BEGIN_S, END_S, private_key.sign(data)) + "\n"


def new_payload(*, key_number: str, client_id: str, pin: str, modules: list[dict], key_type: str = "standard",
                nips: list[str] | None = None, client_name: str = "", acronym: str = "", serial: int = 1,
                time_limit: str | None = None, activation_required: bool = True, temporary_hours: int = 24,
                issued_at: str | None = None) -> dict:
    """A payload with defaults filled in (module dicts may omit options/subscription/named)."""
    mods = []
    for m in modules:
        mods.append({"options": [], "subscription": False, "named": False, "named_by": None, **m})
    return {
        "format": FORMAT, "signing_key_id": "", "license_id": str(uuid.uuid4()), "serial": serial,
        "issued_at": issued_at or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "client_id": client_id, "client_name": client_name, "acronym": acronym or client_name[:20],
        "pin_hash": hash_pin(pin), "key_number": key_number, "key_type": key_type, "nips": list(nips or []),
        "time_limit": time_limit, "activation": {"required": activation_required, "temporary_hours": temporary_hours},
        "modules": mods,
    }


# --- reading ------------------------------------------------------------------------------------

def _block(lines: list[str], begin: str, end: str) -> bytes:
    try:
        start, stop = lines.index(begin), lines.index(end)
    except ValueError:
        raise LicenseFileError(msg_malformed()) from None
    if stop <= start:
        raise LicenseFileError(msg_malformed())
    body = "".join(lines[start + 1:stop])
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise LicenseFileError(msg_malformed()) from None


def split_container(text: str) -> tuple[bytes, bytes]:
    lines = [ln.strip() for ln in text.strip().splitlines()]
    return _block(lines, BEGIN_L, END_L), _block(lines, BEGIN_S, END_S)


def verify(text: str, trusted_keys: TrustedKeys) -> License:
    """Verify signature, canonical form, format and every field; return the License (KEY-206..210)."""
    payload_bytes, signature = split_container(text)
    try:
        payload = json.loads(payload_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise LicenseFileError(msg_malformed()) from None
    if not isinstance(payload, dict):
        raise LicenseFileError(msg_malformed())
    kid = payload.get("signing_key_id")
    raw = dict(trusted_keys).get(kid) if isinstance(kid, str) else None
    if raw is None or len(signature) != 64:
        raise LicenseFileError(msg_signature(), rule="KEY-213")
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, payload_bytes)
    except InvalidSignature:
        raise LicenseFileError(msg_signature(), rule="KEY-213") from None
    if canonical(payload) != payload_bytes:
        raise LicenseFileError(msg_malformed(), rule="KEY-207")
    fmt = payload.get("format")
    if fmt != FORMAT:
        if isinstance(fmt, int) and fmt > FORMAT:
            raise LicenseFileError(_("Plik licencji ma nowszy format ({format}) niż obsługuje ta wersja programu "
                                     "Filia. Zaktualizuj program.").format(format=fmt), rule="KEY-206")
        raise LicenseFileError(msg_invalid("format"), rule="KEY-206")
    return _validate(payload, text)


def _fail(detail: str):
    raise LicenseFileError(msg_invalid(detail), rule="KEY-210")


def _date(value, name: str) -> dt.date:
    if not isinstance(value, str):
        _fail(name)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(name)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _validate(p: dict, text: str) -> License:
    unknown = set(p) - TOP_FIELDS
    if unknown:
        _fail(_("nieznane pole {pole}").format(pole=sorted(unknown)[0]))
    missing = TOP_FIELDS - set(p)
    if missing:
        _fail(_("brak pola {pole}").format(pole=sorted(missing)[0]))
    try:
        uuid.UUID(str(p["license_id"]))
    except ValueError:
        _fail("license_id")
    if not _is_int(p["serial"]) or p["serial"] < 1:
        _fail("serial")
    if not isinstance(p["issued_at"], str):
        _fail("issued_at")
    for name in ("client_id",):
        if not isinstance(p[name], str) or not p[name].isdigit():
            _fail(name)
    for name in ("client_name", "acronym", "pin_hash"):
        if not isinstance(p[name], str):
            _fail(name)
    if not p["pin_hash"].startswith("scrypt$"):
        _fail("pin_hash")
    if not isinstance(p["key_number"], str) or not re.fullmatch(r"\d{10}", p["key_number"]):
        _fail("key_number")
    key_type = p["key_type"]
    if key_type not in KEY_TYPES:
        _fail("key_type")
    nips = p["nips"]
    if not isinstance(nips, list) or not all(isinstance(n, str) and re.fullmatch(r"\d{10}", n) for n in nips):
        _fail("nips")
    if any(not stdnip.is_valid(n) for n in nips):
        _fail(_("nieprawidłowy NIP {nip}").format(nip=next(n for n in nips if not stdnip.is_valid(n))))
    if len(set(nips)) != len(nips):
        _fail(_("powtórzony NIP"))
    if (key_type == "firm" and len(nips) != 1) or (key_type == "multi_firm" and len(nips) < 2) \
            or (key_type in ("standard", "partner") and len(nips) > 1):
        _fail("nips")
    time_limit = None if p["time_limit"] is None else _date(p["time_limit"], "time_limit")
    if key_type == "partner" and time_limit is not None:
        _fail("time_limit")
    act = p["activation"]
    if not isinstance(act, dict) or set(act) != {"required", "temporary_hours"} \
            or not isinstance(act["required"], bool) or not _is_int(act["temporary_hours"]) \
            or act["temporary_hours"] < 1:
        _fail("activation")
    mods = p["modules"]
    if not isinstance(mods, list) or not mods:
        _fail("modules")
    modules = tuple(_module(m) for m in mods)
    if len({m.number for m in modules}) != len(modules) or len({m.code for m in modules}) != len(modules):
        _fail(_("powtórzony numer lub kod modułu"))
    return License(
        key_number=p["key_number"], serial=p["serial"], license_id=p["license_id"], client_id=p["client_id"],
        client_name=p["client_name"], acronym=p["acronym"], pin_hash=p["pin_hash"], key_type=key_type,
        nips=tuple(nips), time_limit=time_limit, activation_required=act["required"],
        temporary_hours=act["temporary_hours"], issued_at=p["issued_at"], signing_key_id=p["signing_key_id"],
        modules=tuple(sorted(modules, key=lambda m: m.number)), text=text)


def _module(m) -> Module:
    if not isinstance(m, dict):
        _fail("modules")
    if set(m) != MODULE_FIELDS:
        extra = set(m) - MODULE_FIELDS
        _fail(_("nieznane pole {pole}").format(pole=sorted(extra)[0]) if extra else "modules")
    if not _is_int(m["number"]) or not 1 <= m["number"] <= 999:
        _fail("modules.number")
    if not isinstance(m["code"], str) or not re.fullmatch(r"[A-Z0-9_]+", m["code"]):
        _fail("modules.code")
    if not isinstance(m["name"], str) or not m["name"]:
        _fail("modules.name")
    if not _is_int(m["seats"]) or m["seats"] < 0:
        _fail("modules.seats")
    if not isinstance(m["options"], list) or not all(isinstance(o, str) for o in m["options"]):
        _fail("modules.options")
    expiry = _date(m["expiry"], "modules.expiry")
    if not isinstance(m["subscription"], bool) or not isinstance(m["named"], bool):
        _fail("modules.subscription")
    if m["named"] and m["named_by"] not in ("operator", "device"):
        _fail("modules.named_by")
    if not m["named"] and m["named_by"] is not None:
        _fail("modules.named_by")
    return Module(number=m["number"], code=m["code"], name=m["name"], seats=m["seats"], options=tuple(m["options"]),
                  expiry=expiry, subscription=m["subscription"], named=m["named"], named_by=m["named_by"])
