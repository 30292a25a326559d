"""Online checks of contractor data (VER, CTF-14, CTF-15, BNK-6/8, CSO-3/9/15): the interface only.

Filia works offline; the GUS/REGON, VAT white-list and VIES services are plugged in later by an
implementation of `VerificationService` registered with `register_service()`. Until then every check
says it needs the Internet (the spec's recommended branch behaviour) and the card keeps the buttons
disabled with that hint.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from store.errors import Refused
from store.i18n import _


@dataclass
class RegonEntity:
    """What the REGON window shows (VER-3)."""
    nip: str
    regon: str = ""
    name: str = ""
    province: str = ""
    county: str = ""
    commune: str = ""
    city: str = ""
    street: str = ""
    building: str = ""
    flat: str = ""
    postal_code: str = ""
    post_office: str = ""
    phone: str = ""
    email: str = ""
    www: str = ""
    removed: bool = False


@dataclass
class VatStatus:
    """VER-1 history row: one per NIP per day."""
    nip: str
    checked_on: date
    status: str  # czynny | zwolniony | zarejestrowany | aktywny | nieaktywny | niezarejestrowany
    accounts: list[str] = field(default_factory=list)
    request_id: str = ""


class VerificationService(Protocol):
    def regon_lookup(self, nip: str) -> RegonEntity | None: ...

    def vat_status(self, nip: str, on: date) -> VatStatus: ...

    def vies_status(self, prefix: str, number: str, on: date) -> VatStatus: ...

    def white_list_accounts(self, nip: str, on: date) -> VatStatus: ...


_service: VerificationService | None = None


def register_service(service: VerificationService | None) -> None:
    global _service
    _service = service


def available() -> bool:
    return _service is not None


def service() -> VerificationService:
    if _service is None:
        raise Refused(_("Ta funkcja wymaga połączenia z Internetem (usługa weryfikacji nie jest dostępna)."))
    return _service
