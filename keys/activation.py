"""Offline activation by request and response code (KEY-245 … KEY-249).

Request:  version | kind | key_number(5) | installation_id(16) | nonce(4) | requested_at(4, Unix minutes)
          [| module_number(2) | sha256(identity)[:16] for kind 3] | check(2)
Response: version | kind | key_number(5) | valid_until(4, Unix minutes, 0 = no end) | nonce(4) | signature(64)
          signature = Ed25519(b"FILIA-ACT-1" + fields before the signature + installation_id)
Both are Crockford base32, groups of 5, prefixed "FILIA PL ".
"""
from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from keys.errors import ActivationError
from keys.i18n import _
from keys.trust import TrustedKeys

VERSION = 1
FULL, TEMPORARY, RESET, DEACTIVATION, CLOCK = 1, 2, 3, 4, 5  # CLOCK: the vendor's time resets the clock mark
TAG = b"FILIA-ACT-1"
PREFIX = "FILIA PL "
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REQUEST_MAX_AGE_MIN = 24 * 60  # the vendor answers requests made in the last 24 hours


def invalid_code() -> ActivationError:
    return ActivationError(_("Kod aktywacyjny jest nieprawidłowy. Sprawdź, czy został przepisany bez błędów."))


def b32encode(data: bytes) -> str:
    bits = int.from_bytes(data, "big")
    nbits = len(data) * 8
    pad = (5 - nbits % 5) % 5
    bits <<= pad
    chars = [ALPHABET[(bits >> (5 * i)) & 31] for i in reversed(range((nbits + pad) // 5))]
    return "".join(chars)


# Crockford digit -> the same value as a base-32 digit of int() (0-9, a-v); O, I, L read as 0, 1, 1.
_TO_INT32 = str.maketrans({**{ch: "0123456789abcdefghijklmnopqrstuv"[i] for i, ch in enumerate(ALPHABET)},
                           "O": "0", "I": "1", "L": "1"})


def b32decode(text: str, nbytes: int) -> bytes:
    norm = text.upper()
    digits = norm.translate(_TO_INT32)
    if not digits or any(ch not in "0123456789abcdefghijklmnopqrstuv" for ch in digits):
        raise ValueError(text)
    value = int(digits, 32)
    pad = len(norm) * 5 - nbytes * 8
    if pad < 0 or pad >= 5 or value & ((1 << pad) - 1):
        raise ValueError("length")
    return (value >> pad).to_bytes(nbytes, "big")


def format_code(data: bytes) -> str:
    enc = b32encode(data)
    return PREFIX + "-".join(enc[i:i + 5] for i in range(0, len(enc), 5))


def _clean(code: str) -> str:
    text = code.strip()
    if text.upper().startswith("FILIA PL"):
        text = text[8:]
    return "".join(ch for ch in text if ch not in "- \t\r\n")


def _chars(nbytes: int) -> int:
    return (nbytes * 8 + 4) // 5


@dataclass(frozen=True)
class Request:
    kind: int
    key_number: str
    installation_id: str
    nonce: bytes
    requested_at_min: int
    module_number: int | None = None
    identity_hash: bytes | None = None


def build_request(req: Request) -> str:
    body = bytes([VERSION, req.kind]) + int(req.key_number).to_bytes(5, "big") + uuid.UUID(req.installation_id).bytes \
        + req.nonce + req.requested_at_min.to_bytes(4, "big")
    if req.kind == RESET:
        body += req.module_number.to_bytes(2, "big") + req.identity_hash
    return format_code(body + hashlib.sha256(body).digest()[:2])


def new_request(kind: int, key_number: str, installation_id: str, now: float, *, module_number: int | None = None,
                identity: str | None = None) -> Request:
    ident = hashlib.sha256(identity.encode()).digest()[:16] if identity is not None else None
    return Request(kind, key_number, installation_id, os.urandom(4), int(now // 60), module_number, ident)


def parse_request(code: str) -> Request:
    text = _clean(code)
    for size in (33, 51):
        if len(text) == _chars(size):
            try:
                raw = b32decode(text, size)
            except ValueError:
                break
            body, check = raw[:-2], raw[-2:]
            if hashlib.sha256(body).digest()[:2] != check or body[0] != VERSION:
                break
            kind = body[1]
            if (kind == RESET) != (size == 51) or kind not in (FULL, TEMPORARY, RESET, CLOCK):
                break
            return Request(kind=kind, key_number=str(int.from_bytes(body[2:7], "big")).zfill(10),
                           installation_id=str(uuid.UUID(bytes=body[7:23])), nonce=body[23:27],
                           requested_at_min=int.from_bytes(body[27:31], "big"),
                           module_number=int.from_bytes(body[31:33], "big") if kind == RESET else None,
                           identity_hash=body[33:49] if kind == RESET else None)
    raise ActivationError(_("Kod żądania aktywacji jest nieprawidłowy."))


@dataclass(frozen=True)
class Response:
    kind: int
    key_number: str
    valid_until_min: int
    nonce: bytes
    signature: bytes

    def signed_bytes(self, installation_id: str) -> bytes:
        return TAG + self.fields() + uuid.UUID(installation_id).bytes

    def fields(self) -> bytes:
        return bytes([VERSION, self.kind]) + int(self.key_number).to_bytes(5, "big") \
            + self.valid_until_min.to_bytes(4, "big") + self.nonce


def answer(request: Request, private_key: Ed25519PrivateKey, *, now: float, valid_hours: int | None) -> str:
    """Vendor side: sign a response to a request. valid_hours None = no end (full activation)."""
    if now // 60 - request.requested_at_min > REQUEST_MAX_AGE_MIN:
        raise ActivationError(_("Żądanie aktywacji jest starsze niż 24 godziny. Poproś o nowe żądanie."))
    until = 0 if valid_hours is None else int(now // 60) + valid_hours * 60
    if request.kind == CLOCK:  # the field carries the vendor's own time: the installation's new clock mark
        until = int(now // 60)
    resp = Response(request.kind, request.key_number, until, request.nonce, b"")
    sig = private_key.sign(resp.signed_bytes(request.installation_id))
    return format_code(resp.fields() + sig)


def parse_response(code: str) -> Response:
    text = _clean(code)
    size = 15 + 64
    if len(text) != _chars(size):
        raise invalid_code()
    try:
        raw = b32decode(text, size)
    except ValueError:
        raise invalid_code() from None
    if raw[0] != VERSION or raw[1] not in (FULL, TEMPORARY, RESET, CLOCK):
        raise invalid_code()
    return Response(kind=raw[1], key_number=str(int.from_bytes(raw[2:7], "big")).zfill(10),
                    valid_until_min=int.from_bytes(raw[7:11], "big"), nonce=raw[11:15], signature=raw[15:])


def verify_response(resp: Response, installation_id: str, trusted_keys: TrustedKeys) -> None:
    try:
        data = resp.signed_bytes(installation_id)
    except ValueError:  # an installation id that is no UUID (edited by hand) verifies nothing
        raise invalid_code() from None
    for _kid, raw in trusted_keys:
        try:
            Ed25519PublicKey.from_public_bytes(raw).verify(resp.signature, data)
            return
        except InvalidSignature:
            continue
    raise invalid_code()


def code_hash(resp: Response) -> str:
    return hashlib.sha256(resp.fields() + resp.signature).hexdigest()


def deactivation_code(key_number: str, installation_id: str, now: float) -> str:
    """KEY-249: unsigned; tells the vendor which installation declares the key removed."""
    body = bytes([VERSION, DEACTIVATION]) + int(key_number).to_bytes(5, "big") + uuid.UUID(installation_id).bytes \
        + int(now // 60).to_bytes(4, "big")
    return format_code(body + hashlib.sha256(body).digest()[:2])
