"""First-run set-up (the wizard's business rule): one validated transaction or nothing.

SETUP-1: the role is chosen here and fixed for the life of the database. SETUP-2: the stock
costing method (FIFO, LIFO, by quantity; never AVCO) likewise. A branch also needs its symbol
and exchange folder.

create_company(url, data) is what `filia init` and the wizard call: the data is checked before the
database is created, and a refusal or failure leaves nothing (no file, no table).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from store import config, validation
from store.config import COSTING_METHODS, ROLES, Company
from store.db import write
from store.errors import Refused, ValidationError
from store.i18n import _

BRANCH_SYMBOL_RE = re.compile(r"^[A-Z0-9]{1,10}$")


@dataclass
class SetupData:
    role: str
    costing_method: str
    company_name: str
    nip: str = ""
    regon: str = ""
    street: str = ""
    building: str = ""
    postal_code: str = ""
    city: str = ""
    admin_password: str = ""
    branch_symbol: str = ""
    exchange_folder: str = ""


def validate(data: SetupData) -> dict:
    """Every bad field at once, each message naming the field; returns the normalised values."""
    errors: dict[str, str] = {}
    if data.role not in ROLES:
        errors["role"] = _("Pole „Rola bazy”: wybierz oddział, centralę albo bazę samodzielną.")
    if data.costing_method not in COSTING_METHODS:
        errors["costing_method"] = _("Pole „Metoda rozchodu”: dozwolone FIFO, LIFO albo wg ilości (AVCO nie jest "
                                     "obsługiwane przez centralę).")
    if not data.company_name.strip():
        errors["company_name"] = _("Pole „Nazwa firmy” jest wymagane.")
    if data.role == "branch":
        symbol = data.branch_symbol.strip().upper()
        if not BRANCH_SYMBOL_RE.match(symbol):
            errors["branch_symbol"] = _("Pole „Symbol oddziału”: 1–10 wielkich liter lub cyfr.")
        if not data.exchange_folder.strip():
            errors["exchange_folder"] = _("Pole „Katalog pliku wymiany” jest wymagane dla oddziału.")
    if len(data.admin_password) < 4:
        errors["admin_password"] = _("Pole „Hasło operatora ADMIN”: co najmniej 4 znaki.")
    values = {}
    for name, check in (("nip", lambda: validation.nip(data.nip)),
                        ("regon", lambda: validation.regon(data.regon)),
                        ("postal_code", lambda: validation.postal_code(data.postal_code))):
        try:
            values[name] = check()
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return values


def already_created(label: str, role_value: str) -> Refused:
    return Refused(_("Baza {url} jest już utworzona (rola: {role}). Rola i metoda rozchodu nie mogą być "
                     "zmienione.").format(url=label, role=config.role_label(role_value)))


def check_target(url: str):
    """The target of `filia init`, refused untouched when it is not Filia's or holds a company."""
    from store.create import probe, refuse_foreign

    target = probe(url)
    refuse_foreign(target)
    if target.initialised:
        raise already_created(target.label, target.settings["role"])
    return target


def create_company(url: str, data: SetupData) -> None:
    """Validate, then create the database at `url` with the company in it. Nothing is written when
    the data is refused, and a failure on the way leaves no database behind."""
    from store.create import new_database
    from store.db import database, open_database

    validate(data)
    target = check_target(url)
    if target.state == "filia":      # the empty schema an older Filia left: filled in one transaction
        db = open_database(url)
        try:
            with db.atomic():
                initialise(data)
        finally:
            db.close()
            database.initialize(None)
        return
    with new_database(url):
        initialise(data)


def initialise(data: SetupData) -> None:
    """Create the company in an empty database; refuse if it was set up already."""
    values = validate(data)
    if config.is_initialised():
        raise Refused(_("Baza danych została już utworzona; rola i metoda rozchodu nie mogą być zmienione."))
    with write():
        config.set_setting("role", data.role)
        config.set_setting("costing_method", data.costing_method)
        if data.role == "branch":
            config.set_setting("branch_symbol", data.branch_symbol.strip().upper())
            config.set_setting("exchange_folder", data.exchange_folder.strip())
        Company.create(name=data.company_name.strip(), nip=values["nip"], regon=values["regon"],
                       street=data.street.strip(), building=data.building.strip(),
                       postal_code=values["postal_code"], city=data.city.strip())
        config.create_operator("ADMIN", data.admin_password, name="Administrator", is_admin=True)
    config.ensure_default_vat_rates()
    from store.cash import ensure_settlement_objects
    from store.catalog.seed import ensure_catalogue_defaults
    from store.parties import ensure_unspecified

    ensure_catalogue_defaults()  # units, price types, main warehouse and group, currencies
    ensure_unspecified()         # CTR-30: the walk-in contractor !NIEOKREŚLONY!
    ensure_settlement_objects()  # SETT-9: a branch's register and contractor !ROZLICZENIA!
