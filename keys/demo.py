"""DEMO mode (KEY-262): every module usable, no seat taken, "DEMO" on every status line, printouts and
exported files marked, exchange packages flagged as test data. No further limit (KEY-262 OPEN)."""
from __future__ import annotations

from dataclasses import dataclass

from keys.i18n import _


@dataclass(frozen=True)
class DemoLimits:
    """The single place where the product owner may add DEMO limits later (None = no limit)."""
    max_documents: int | None = None
    takes_seats: bool = False
    exchange_is_test_data: bool = True


LIMITS = DemoLimits()


def demo_mark() -> str:
    """Text every printout and exported file carries in DEMO."""
    return _("WERSJA DEMONSTRACYJNA")


def demo_status() -> str:
    return _("DEMO")


def demo_reason_no_store() -> str:
    return _("Brak magazynu kluczy lub nie można go odczytać — program działa w trybie DEMO.")


def demo_reason_no_license() -> str:
    return _("Brak licencji w magazynie kluczy — program działa w trybie DEMO.")
