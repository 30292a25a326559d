"""Where a catalogue record is used, so that deleting it (or changing what documents depend on) is
refused with a reason. Later areas (documents, stock) register their checks here — store.catalog
cannot import them (they import the catalogue):

    from store.catalog.usage import register_usage
    register_usage("goods", lambda goods_id: _("...") if used else None)

Kinds used by the catalogue: goods, warehouse, category, currency, payment_form, price_type, unit,
vat_rate, bank, tax_office, goods_group, attribute, producer, brand, cn_code, packaging_scheme.
"""
from __future__ import annotations

from typing import Callable

_CHECKS: dict[str, list[Callable[[int], str | None]]] = {}


def register_usage(kind: str, check: Callable[[int], str | None]) -> None:
    """`check(record_id)` returns a Polish reason when the record is used, else None."""
    checks = _CHECKS.setdefault(kind, [])
    if check not in checks:
        checks.append(check)


def unregister_usage(kind: str, check: Callable[[int], str | None]) -> None:
    if check in _CHECKS.get(kind, []):
        _CHECKS[kind].remove(check)


def usage_reason(kind: str, record_id: int) -> str | None:
    for check in _CHECKS.get(kind, []):
        reason = check(record_id)
        if reason:
            return reason
    return None
