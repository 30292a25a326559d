"""Currency rates from the NBP web API (tables A, B, C in JSON), written to store.catalog.rates.

Only HQ / standalone databases import rates; a branch takes them from HQ (DICT-25, DICT-29) and
the import is refused there with the reason. The base URL is configurable (setting `nbp_base_url`,
default https://api.nbp.pl/api) so tests serve recorded NBP answers from a local HTTP server.

    GET {base}/exchangerates/tables/{A|B|C}/{YYYY-MM-DD}/?format=json   -> one table or 404 (no table)
    GET {base}/exchangerates/tables/{A|B|C}/?format=json                -> the latest table
JSON numbers are read as Decimal (never float).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import requests

from store.catalog.dictionaries import RateType
from store.catalog.rates import RateImport, store_table
from store.catalog.roles import catalog_edit_refusal
from store.config import get_setting
from store.errors import FiliaError, NotFound, Refused
from store.i18n import _

DEFAULT_BASE_URL = "https://api.nbp.pl/api"
TIMEOUT_S = 15


class NbpProblem(FiliaError):
    """The NBP service did not answer usefully (network, HTTP error, unexpected content)."""


@dataclass(frozen=True)
class NbpTable:
    table: str
    number: str
    effective_date: date
    rates: dict[str, dict[str, Decimal]]     # code -> {"mid": …} or {"bid": …, "ask": …}


def base_url() -> str:
    return (get_setting("nbp_base_url") or DEFAULT_BASE_URL).rstrip("/")


def fetch_table(table: str, on: date | None = None, *, url: str | None = None,
                session: requests.Session | None = None) -> NbpTable | None:
    """One NBP table of a day (None when NBP published none that day: 404), or the latest one."""
    table = table.upper()
    if table not in ("A", "B", "C"):
        raise ValueError(table)
    path = f"/exchangerates/tables/{table}/" + (f"{on.isoformat()}/" if on else "")
    target = (url or base_url()).rstrip("/") + path
    http = session or requests
    try:
        resp = http.get(target, params={"format": "json"}, headers={"Accept": "application/json"},
                        timeout=TIMEOUT_S)
    except requests.RequestException as exc:
        raise NbpProblem(_("Nie udało się połączyć z serwisem kursów NBP: {r}").format(r=type(exc).__name__)) from exc
    if resp.status_code == 404:
        return None
    if resp.status_code != 200:
        raise NbpProblem(_("Serwis kursów NBP odpowiedział błędem HTTP {s}.").format(s=resp.status_code))
    try:
        data = json.loads(resp.text, parse_float=Decimal)
        item = data[0]
        rates = {}
        for r in item["rates"]:
            rates[r["code"].upper()] = {k: Decimal(str(r[k])) for k in ("mid", "bid", "ask") if k in r}
        return NbpTable(item["table"], item["no"], date.fromisoformat(item["effectiveDate"]), rates)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise NbpProblem(_("Odpowiedź serwisu kursów NBP ma nieoczekiwany format.")) from exc


def import_rates(on: date | None = None, *, rate_type: str = "NBP", currencies: list[str] | None = None,
                 url: str | None = None, session: requests.Session | None = None) -> RateImport:
    """Fetch the table of the rate type (A mid, B mid, C bid/ask) for a day and store its rates.

    A day without a table (weekend, holiday) stores nothing and says so in the log; the documents
    then use the last earlier rate (CUR-3).
    """
    reason = catalog_edit_refusal("rates")
    if reason:
        raise Refused(reason)
    rt = RateType.get_or_none(RateType.name == rate_type)
    if rt is None:
        raise NotFound(_("Nie znaleziono typu kursu {t}.").format(t=rate_type))
    if not rt.nbp_table:
        raise Refused(_("Typ kursu {t} nie jest pobierany z NBP (kursy wprowadza się ręcznie).").format(t=rt.name))
    table = fetch_table(rt.nbp_table, on, url=url, session=session)
    if table is None:
        result = RateImport(rate_type=rt.name)
        result.log.append(_("NBP nie opublikował tabeli {t} z dnia {d} – nie pobrano kursów.").format(
            t=rt.nbp_table, d=on.isoformat() if on else "?"))
        return result
    side = rt.nbp_side if rt.nbp_table == "C" else "mid"
    values = {code: r[side] for code, r in table.rates.items() if side in r}
    result = store_table(rt, table.effective_date, table.number, values, currencies=currencies)
    result.log.insert(0, _("Tabela {n} z dnia {d}: zapisano {k} kursów.").format(
        n=table.number, d=table.effective_date.isoformat(), k=len(result.stored)))
    return result
