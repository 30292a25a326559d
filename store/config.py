"""Company configuration: role, stamp, settings fixed at creation, operators, VAT rates."""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
from decimal import Decimal

import peewee

from store.base import BaseModel, TrackedModel, utcnow
from store.db import write
from store.errors import DatabaseProblem, FiliaError, Refused, ValidationError
from store.fields import PercentField
from store.i18n import _
from store.schema import Migration, add_tracking_columns, create_tables

ROLES = ("branch", "hq", "standalone")
COSTING_METHODS = ("FIFO", "LIFO", "QUAN")  # SETUP-2: AVCO is not offered


def role_label(role: str) -> str:
    return {"branch": _("oddział"), "hq": _("centrala"), "standalone": _("samodzielna")}[role]


class Company(TrackedModel):
    """The company stamp (pieczątka firmy). Exactly one row."""

    name = peewee.CharField(max_length=250)
    nip = peewee.CharField(max_length=20, default="")
    regon = peewee.CharField(max_length=14, default="")
    street = peewee.CharField(max_length=120, default="")
    building = peewee.CharField(max_length=20, default="")
    postal_code = peewee.CharField(max_length=10, default="")
    city = peewee.CharField(max_length=80, default="")
    country = peewee.CharField(max_length=2, default="PL")


class Setting(BaseModel):
    """Key/value settings. `fixed` ones were chosen at creation and can never change."""

    key = peewee.CharField(max_length=60, primary_key=True)
    value = peewee.TextField(default="")
    fixed = peewee.BooleanField(default=False)


class Operator(TrackedModel):
    login = peewee.CharField(max_length=20, unique=True)
    name = peewee.CharField(max_length=120, default="")
    password_hash = peewee.CharField(max_length=300)  # scrypt; never the password itself
    is_admin = peewee.BooleanField(default=False)
    active = peewee.BooleanField(default=True)
    last_login_at = peewee.DateTimeField(null=True)
    # May sell past a contractor's credit or overdue limit (CTF-43; hq/standalone). The column comes from the
    # cash area's migration 2 in databases made before it.
    may_exceed_credit = peewee.BooleanField(default=False)


class VatRate(TrackedModel):
    """VAT rates (stawki VAT). `code` is what documents and JPK show (23, 8, 5, 0, zw, np...)."""

    code = peewee.CharField(max_length=10, unique=True)
    rate = PercentField()
    name = peewee.CharField(max_length=60, default="")
    valid_from = peewee.DateField(null=True)
    valid_to = peewee.DateField(null=True)
    active = peewee.BooleanField(default=True)


MIGRATIONS = [
    Migration(1, "company, settings, operators, VAT rates", create_tables(Company, Setting, Operator, VatRate)),
    Migration(2, "record versions (issue 16)", add_tracking_columns(Company, Operator, VatRate)),
]

# --- settings -----------------------------------------------------------------------------------

FIXED_SETTINGS = {"role", "costing_method"}
FIXED_REASONS = {
    "role": "Rola bazy (oddział/centrala/samodzielna) jest ustalana przy tworzeniu bazy i nie może zostać zmieniona.",
    "costing_method": "Metoda rozchodu magazynu jest ustalana przy tworzeniu bazy i nie może zostać zmieniona.",
}


def get_setting(key: str, default: str = "") -> str:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row else default


def fixed_reason(key: str) -> str | None:
    """Why a setting is read-only, or None when the user may change it."""
    if key in FIXED_REASONS:
        return _(FIXED_REASONS[key])
    if key in ("company_stamp",) and get_setting("role") == "branch":
        return _("W oddziale pieczątka firmy przychodzi z centrali podczas synchronizacji.")  # SETUP-9
    return None


def set_setting(key: str, value: str) -> None:
    with write():
        row = Setting.get_or_none(Setting.key == key)
        if row and row.fixed and row.value != value:
            raise Refused(fixed_reason(key) or _("To ustawienie nie może zostać zmienione."))
        Setting.insert(key=key, value=value, fixed=key in FIXED_SETTINGS) \
            .on_conflict(conflict_target=[Setting.key], update={Setting.value: value}).execute()


def role() -> str:
    return get_setting("role")


def is_initialised() -> bool:
    return bool(get_setting("role"))


def company() -> Company | None:
    return Company.select().order_by(Company.id).first()


# --- operators ----------------------------------------------------------------------------------

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    test = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), dklen=len(digest) // 2,
                          n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(test.hex(), digest)


def create_operator(login: str, password: str, *, name: str = "", is_admin: bool = False) -> Operator:
    errors = {}
    login = (login or "").strip().upper()
    if not login:
        errors["login"] = _("Podaj identyfikator operatora.")
    if len(password or "") < 4:
        errors["password"] = _("Hasło operatora musi mieć co najmniej 4 znaki.")
    if errors:
        raise ValidationError(errors)
    with write():
        if Operator.select().where(Operator.login == login).exists():
            raise ValidationError({"login": _("Operator {login} już istnieje.").format(login=login)})
        return Operator.create(login=login, name=name or login, password_hash=hash_password(password),
                               is_admin=is_admin)


def authenticate(login: str, password: str) -> Operator:
    op = Operator.get_or_none((Operator.login == (login or "").strip().upper()) & (Operator.active == True))  # noqa: E712
    if op is None or not verify_password(password or "", op.password_hash):
        raise FiliaError(_("Nieprawidłowy operator lub hasło."))
    try:
        with write():
            Operator.update(last_login_at=utcnow()).where(Operator.id == op.id).execute()
    except DatabaseProblem as exc:  # a read-only file or a full disk: the clerk may still look things up
        logging.getLogger("filia.store").warning("last login not stamped: %s", exc)
    return op


DEFAULT_VAT_RATES = [
    ("23", Decimal("23"), "Stawka podstawowa"),
    ("8", Decimal("8"), "Stawka obniżona 8%"),
    ("5", Decimal("5"), "Stawka obniżona 5%"),
    ("0", Decimal("0"), "Stawka 0%"),
    ("zw", Decimal("0"), "Zwolniona"),
    ("np", Decimal("0"), "Nie podlega"),
]


def ensure_default_vat_rates() -> None:
    with write():
        for code, rate, name in DEFAULT_VAT_RATES:
            VatRate.insert(code=code, rate=rate, name=name).on_conflict_ignore().execute()
