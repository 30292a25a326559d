"""Trusted vendor public keys compiled into Filia (KEY-202, KEY-203).

Only this tuple is trusted by the application; tests pass their own tuple. No environment
variable, configuration file or license can add a key: every entry point takes `trusted_keys`
as a parameter. The vendor's private key is kept outside the repository.
"""
from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

TrustedKeys = tuple[tuple[str, bytes], ...]


def key_id(raw_public_key: bytes) -> str:
    """First 8 bytes of SHA-256 of the raw 32-byte public key, lower-case hex (KEY-202)."""
    return hashlib.sha256(raw_public_key).hexdigest()[:16]


def raw_public(key: Ed25519PublicKey | Ed25519PrivateKey) -> bytes:
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def trusted_from(*keys: Ed25519PublicKey | Ed25519PrivateKey | bytes) -> TrustedKeys:
    """Build a trusted-keys tuple (tests: from a key pair made in the test)."""
    out = []
    for key in keys:
        raw = key if isinstance(key, bytes) else raw_public(key)
        out.append((key_id(raw), raw))
    return tuple(out)


def load_private_key(path: str) -> Ed25519PrivateKey:
    """Read the vendor's PKCS#8 PEM private key (vendor tool only)."""
    with open(path, "rb") as fh:
        key = serialization.load_pem_private_key(fh.read(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def public_pem(raw_public_key: bytes) -> bytes:
    """PEM (SubjectPublicKeyInfo) of a raw key, for `openssl pkeyutl -verify` (KEY-207)."""
    return Ed25519PublicKey.from_public_bytes(raw_public_key).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


# The Filia vendor key (generated 2026-11-25; private half held by the vendor, not in the repository).
TRUSTED_KEYS: TrustedKeys = (
    ("2a97ce67ea6a6159", bytes.fromhex("5bf886d4d0d2f8c6cf7d297e039fa15d88f647417d9735c02341f3c61770a87b")),
)

assert all(key_id(raw) == kid for kid, raw in TRUSTED_KEYS)
