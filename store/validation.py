"""Validation of Polish identifiers with python-stdnum (no hand-written checksums).

Each function returns the normalised value or raises ValidationError naming the field.
"""
from __future__ import annotations

import re

from stdnum import ean as std_ean
from stdnum import iban as std_iban
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import nip as pl_nip
from stdnum.pl import pesel as pl_pesel
from stdnum.pl import regon as pl_regon

from store.errors import ValidationError
from store.i18n import _

POSTAL_CODE_RE = re.compile(r"^\d{2}-\d{3}$")


def _fail(field: str, label: str, what: str) -> ValidationError:
    return ValidationError({field: _("Pole „{label}”: {what}").format(label=label, what=what)})


def nip(value: str, *, field: str = "nip", label: str | None = None) -> str:
    """Polish NIP, optionally with the PL prefix; a foreign EU VAT number with its country prefix."""
    label = label or _("NIP")
    raw = (value or "").strip().upper().replace(" ", "")
    if not raw:
        return ""
    if raw[:2].isalpha() and raw[:2] != "PL":
        try:
            return eu_vat.validate(raw)
        except StdnumError:
            raise _fail(field, label, _("nieprawidłowy numer VAT UE „{v}”.").format(v=value)) from None
    try:
        return pl_nip.compact(pl_nip.validate(raw))
    except StdnumError:
        raise _fail(field, label, _("nieprawidłowy numer NIP „{v}” (błędna suma kontrolna lub długość).").format(
            v=value)) from None


def nip_prefixed(country: str, value: str) -> str:
    """What the card shows: NIP with the country prefix (PL1234567890)."""
    return f"{country}{value}" if value and not value[:2].isalpha() else value


def regon(value: str, *, field: str = "regon") -> str:
    raw = (value or "").strip().replace(" ", "")
    if not raw:
        return ""
    try:
        return pl_regon.compact(pl_regon.validate(raw))
    except StdnumError:
        raise _fail(field, _("REGON"), _("nieprawidłowy numer REGON „{v}”.").format(v=value)) from None


def pesel(value: str, *, field: str = "pesel") -> str:
    raw = (value or "").strip().replace(" ", "")
    if not raw:
        return ""
    try:
        return pl_pesel.compact(pl_pesel.validate(raw))
    except StdnumError:
        raise _fail(field, _("PESEL"), _("nieprawidłowy numer PESEL „{v}”.").format(v=value)) from None


def iban(value: str, *, field: str = "iban", default_country: str = "PL") -> str:
    """IBAN; a bare 26-digit Polish NRB is taken as PL."""
    raw = (value or "").strip().upper().replace(" ", "").replace("-", "")
    if not raw:
        return ""
    if raw.isdigit() and len(raw) == 26:
        raw = default_country + raw
    try:
        return std_iban.compact(std_iban.validate(raw))
    except StdnumError:
        raise _fail(field, _("Numer rachunku"), _("nieprawidłowy numer rachunku „{v}”.").format(v=value)) from None


def ean(value: str, *, field: str = "ean") -> str:
    raw = (value or "").strip().replace(" ", "")
    if not raw:
        return ""
    try:
        return std_ean.compact(std_ean.validate(raw))
    except StdnumError:
        raise _fail(field, _("EAN"), _("nieprawidłowy kod EAN „{v}”.").format(v=value)) from None


def postal_code(value: str, *, field: str = "postal_code", country: str = "PL") -> str:
    raw = (value or "").strip()
    if not raw or country != "PL":
        return raw
    if len(raw) == 5 and raw.isdigit():
        raw = f"{raw[:2]}-{raw[2:]}"
    if not POSTAL_CODE_RE.match(raw):
        raise _fail(field, _("Kod pocztowy"), _("oczekiwany format NN-NNN, podano „{v}”.").format(v=value))
    return raw


def collect(*checks) -> dict:
    """Run several (field, callable) checks; raise one ValidationError listing every bad field."""
    values, errors = {}, {}
    for name, check in checks:
        try:
            values[name] = check()
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return values
