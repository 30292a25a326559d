"""Errors of keys/: every one carries a Polish (translated) message and the spec rule it enforces."""
from __future__ import annotations


class LicenseError(Exception):
    """Base of every refusal raised by keys/. str(exc) is the user-facing message."""

    rule = "KEY-213"

    def __init__(self, message: str, *, rule: str | None = None):
        super().__init__(message)
        self.message = message
        if rule:
            self.rule = rule


class LicenseFileError(LicenseError):
    """A license file is malformed, badly signed, untrusted or carries invalid data (KEY-206..213)."""


class AddKeyRefused(LicenseError):
    """Typed key number / customer id / PIN / e-mail do not fit the file (KEY-253), or older serial (KEY-212)."""

    rule = "KEY-253"


class NipMismatch(LicenseError):
    """The company NIP does not match a firm or multi-firm key (KEY-260)."""

    rule = "KEY-260"

    def __init__(self, message: str, *, key_number: str, expected: tuple[str, ...], company_nip: str):
        super().__init__(message)
        self.key_number = key_number
        self.expected = expected
        self.company_nip = company_nip


class ClockRollback(LicenseError):
    """The clock is earlier than the newest time the key store has seen."""

    rule = "KEY-223"


class SeatRefused(LicenseError):
    """A module could not be checked out (KEY-240); `holders` names who holds its seats."""

    rule = "KEY-240"

    def __init__(self, message: str, *, module: str, holders: tuple[str, ...] = ()):
        super().__init__(message)
        self.module = module
        self.holders = holders


class ActivationError(LicenseError):
    """An activation (response) code is refused (KEY-246)."""

    rule = "KEY-246"


class KeyStoreError(LicenseError):
    """The key store cannot be opened or a setting is refused (KEY-220, KEY-264)."""

    rule = "KEY-220"


class KeyRemovalRefused(LicenseError):
    rule = "KEY-255"


class AdminRequired(LicenseError):
    """A change of licenses, activations, settings or other groups' seats by someone who may not (KEY-251)."""

    rule = "KEY-251"
