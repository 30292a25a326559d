"""KEY-230: one pure function computes the states shown and enforced (no I/O)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from keys.i18n import _
from keys.license_file import License

WARNING_DAYS = 7  # KEY-247 OPEN: notice 7 days before a module expiry / key time limit / dated activation

KEY_STATES = {
    "not_fetched": "Moduły nie były jeszcze pobierane",
    "active": "Aktywny",
    "temporary": "Aktywny tymczasowo",
    "inactive": "Nieaktywny",
}
KEY_TYPE_LABELS = {"standard": "standardowy", "partner": "partnerski", "firm": "firmowy",
                   "multi_firm": "wielofirmowy"}


@dataclass(frozen=True)
class ModuleView:
    number: int
    code: str
    name: str
    seats_initial: int      # "Ilość początkowa" as shown (0 when the key/subscription ended, KEY-45/48)
    seats_current: int      # "Ilość aktualna"
    held: int
    options: tuple[str, ...]
    expiry: dt.date
    subscription: bool
    named: bool
    state: str              # key_expired | subscription_expired | in_warranty | out_of_warranty_usable | _blocked
    colour: str             # green | yellow | red
    usable: bool
    reason: str             # why not usable ("" when usable)
    warning: str            # why yellow although usable ("" when none)


@dataclass(frozen=True)
class KeyView:
    key_number: str
    key_type: str
    client_id: str
    client_name: str
    identification: str
    nips: tuple[str, ...]
    time_limit: dt.date | None
    state: str
    state_label: str
    colour: str
    active_until: float | None
    usable: bool
    modules: tuple[ModuleView, ...]
    error: str = ""

    def module(self, code: str) -> ModuleView | None:
        return next((m for m in self.modules if m.code == code), None)


def _d(value: dt.date) -> str:
    return value.isoformat()


def key_state(lic: License, activation: dict | None, installation_id: str, now: float) -> tuple[str, float | None]:
    """KEY-233: (state code, end of activation or None)."""
    if not lic.activation_required and activation is None:
        return "active", None
    if activation is None:
        return "not_fetched", None
    until = activation.get("valid_until")
    if activation.get("installation_id") != installation_id or (until is not None and now >= until):
        return "inactive", until
    return ("temporary" if activation.get("kind") == "temporary" else "active"), until


def evaluate(lic: License, activation: dict | None, installation_id: str, today: dt.date, now: float,
             release_date: dt.date, held: dict[int, int]) -> KeyView:
    """`held[module_number]` = distinct groups holding it plus assigned named seats."""
    state, until = key_state(lic, activation, installation_id, now)
    key_ok = state in ("active", "temporary")
    key_expired = lic.time_limit is not None and today > lic.time_limit
    modules = []
    for m in lic.modules:
        used = held.get(m.number, 0)
        if key_expired:
            mstate, colour = "key_expired", "red"
            reason = _("ograniczenie czasowe klucza minęło {data}").format(data=_d(lic.time_limit))
        elif m.subscription and today > m.expiry:
            mstate, colour = "subscription_expired", "red"
            reason = _("abonament wygasł {data}").format(data=_d(m.expiry))
        elif today <= m.expiry:
            mstate, colour, reason = "in_warranty", "green", ""
        elif release_date < m.expiry:
            mstate, colour, reason = "out_of_warranty_usable", "yellow", ""
        else:
            mstate, colour = "out_of_warranty_blocked", "yellow"
            reason = _("ta wersja programu (z dnia {data_wydania}) jest nowsza niż data ważności modułu ({data})"
                       ).format(data_wydania=_d(release_date), data=_d(m.expiry))
        if not reason and not key_ok:
            reason, colour = _("klucz nie jest aktywny"), "red"
        initial = 0 if mstate in ("key_expired", "subscription_expired") else m.seats
        current = max(0, initial - used)
        if not reason and initial == 0:
            colour = "red"
        warning = ""
        if not reason and colour == "green":
            if (m.expiry - today).days < WARNING_DAYS:
                warning = _("ważność kończy się {data}").format(data=_d(m.expiry))
            elif lic.time_limit is not None and (lic.time_limit - today).days < WARNING_DAYS:
                warning = _("ograniczenie czasowe klucza kończy się {data}").format(data=_d(lic.time_limit))
            elif initial and current * 5 < initial:
                warning = _("wolnych licencji: {n} z {ilość}").format(n=current, ilość=initial)
            if warning:
                colour = "yellow"
        modules.append(ModuleView(
            number=m.number, code=m.code, name=m.name, seats_initial=initial, seats_current=current, held=used,
            options=m.options, expiry=m.expiry, subscription=m.subscription, named=m.named, state=mstate,
            colour=colour, usable=not reason, reason=reason, warning=warning))
    colour = "red" if key_expired or not key_ok else "green"
    return KeyView(key_number=lic.key_number, key_type=lic.key_type, client_id=lic.client_id,
                   client_name=lic.client_name, identification=lic.identification, nips=lic.nips,
                   time_limit=lic.time_limit, state=state, state_label=_(KEY_STATES[state]), colour=colour,
                   active_until=until, usable=key_ok and not key_expired, modules=tuple(modules))
