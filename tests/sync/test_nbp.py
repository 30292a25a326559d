"""NBP rate import against a local HTTP server serving recorded NBP answers (never the network)."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from store.catalog.dictionaries import CurrencyRate
from store.catalog.rates import rate_on, save_rate, to_pln
from store.errors import Refused, ValidationError
from sync import nbp
from tests.store.catalog_helpers import cat, catalog_db, set_role  # noqa: F401  (fixtures)

FIX = Path(__file__).parent / "fixtures"


def _serve(httpserver, path, name, status=200):
    body = (FIX / name).read_text(encoding="utf-8")
    httpserver.expect_request(path, query_string="format=json").respond_with_data(
        body, status=status, content_type="application/json" if status == 200 else "text/plain")


@pytest.fixture
def nbp_url(httpserver):
    from store.config import set_setting

    set_setting("nbp_base_url", httpserver.url_for("/api"))
    return httpserver


def _rates():
    return sorted((r.currency.code, r.rate_type.name, r.on, r.rate, r.table_no) for r in CurrencyRate.select())


@pytest.mark.rule("RATE-2", "RATE-3", "RATE-5")
def test_import_table_a_stores_mid_rates_and_logs_currencies_not_in_it(cat, nbp_url):
    from store.catalog.dict_rules import create_entry
    create_entry("currency", code="XAU")          # not in table A
    _serve(nbp_url, "/api/exchangerates/tables/A/2024-03-14/", "nbp_a_2024-03-14.json")
    result = nbp.import_rates(date(2024, 3, 14), rate_type="NBP")
    assert result.stored == [("EUR", D("4.3125")), ("USD", D("3.9455"))]
    assert result.missing == ["XAU"]
    assert "Waluty XAU nie ma w tabeli A NBP" in result.log[-1]
    assert _rates() == [("EUR", "NBP", date(2024, 3, 14), D("4.3125"), "052/A/NBP/2024"),
                        ("USD", "NBP", date(2024, 3, 14), D("3.9455"), "052/A/NBP/2024")]
    # importing the same table again replaces, never duplicates
    nbp.import_rates(date(2024, 3, 14), rate_type="NBP")
    assert len(_rates()) == 2
    with pytest.raises(ValidationError) as exc:   # RATE scenario 1: manual duplicate refused
        save_rate("EUR", "NBP", date(2024, 3, 14), D("4.3000"))
    assert str(exc.value) == "Kurs waluty dla tego typu i daty już istnieje."


def test_import_chosen_currencies_and_table_c_bid_ask(cat, nbp_url):
    _serve(nbp_url, "/api/exchangerates/tables/A/2024-03-14/", "nbp_a_2024-03-14.json")
    _serve(nbp_url, "/api/exchangerates/tables/C/2024-03-14/", "nbp_c_2024-03-14.json")
    r = nbp.import_rates(date(2024, 3, 14), rate_type="NBP", currencies=["HUF", "CHF"])
    assert r.stored == [("CHF", D("4.4611")), ("HUF", D("0.010850"))]
    huf = rate_on("HUF", date(2024, 3, 14), "NBP")
    assert (huf.rate, huf.units) == (D("1.0850"), 100)              # exact: 1.0850 PLN per 100 HUF
    assert to_pln(D("10000"), huf.rate, huf.units) == D("108.50")
    nbp.import_rates(date(2024, 3, 14), rate_type="NBPK", currencies=["EUR"])
    nbp.import_rates(date(2024, 3, 14), rate_type="NBPS", currencies=["EUR"])
    assert rate_on("EUR", date(2024, 3, 14), "NBPK").rate == D("4.2651")
    assert rate_on("EUR", date(2024, 3, 14), "NBPS").rate == D("4.3513")


def test_latest_table_and_table_b(cat, nbp_url):
    from store.catalog.dict_rules import create_entry
    _serve(nbp_url, "/api/exchangerates/tables/A/", "nbp_a_last.json")
    _serve(nbp_url, "/api/exchangerates/tables/B/2024-03-13/", "nbp_b_2024-03-13.json")
    r = nbp.import_rates(None, rate_type="NBP", currencies=["EUR"])
    assert (r.effective_date, r.stored) == (date(2024, 3, 15), [("EUR", D("4.2982"))])
    create_entry("rate_type", name="NBP B", nbp_table="B")
    r = nbp.import_rates(date(2024, 3, 13), rate_type="NBP B", currencies=["BGN"])
    assert r.stored == [("BGN", D("2.2067"))]


@pytest.mark.rule("CUR-3", "CUR-4")
def test_no_table_on_a_holiday_and_last_known_rate(cat, nbp_url):
    _serve(nbp_url, "/api/exchangerates/tables/A/2024-03-14/", "nbp_a_2024-03-14.json")
    _serve(nbp_url, "/api/exchangerates/tables/A/2024-03-16/", "nbp_404.txt", status=404)
    nbp.import_rates(date(2024, 3, 14))
    before = _rates()
    r = nbp.import_rates(date(2024, 3, 16))
    assert r.stored == [] and "nie opublikował tabeli A" in r.log[0]
    assert _rates() == before
    # Monday 2024-03-18, rate of the working day before = Friday 15th (none) -> last known: 14th
    assert rate_on("EUR", date(2024, 3, 18), day_before=True).on == date(2024, 3, 14)
    assert rate_on("EUR", date(2024, 3, 18), day_before=True, last_known=False) is None


def test_http_error_and_garbage_are_reported_without_change(cat, nbp_url):
    nbp_url.expect_request("/api/exchangerates/tables/A/2024-03-14/").respond_with_data("oops", status=500)
    nbp_url.expect_request("/api/exchangerates/tables/A/2024-03-15/").respond_with_data("<html>", status=200)
    with pytest.raises(nbp.NbpProblem) as exc:
        nbp.import_rates(date(2024, 3, 14))
    assert "HTTP 500" in str(exc.value)
    with pytest.raises(nbp.NbpProblem):
        nbp.import_rates(date(2024, 3, 15))
    assert _rates() == []


@pytest.mark.rule("DICT-25", "DICT-26", "DICT-29")
def test_branch_refuses_import_and_manual_rates_but_takes_hq_rates(cat, nbp_url):
    from store.catalog.rates import store_table
    from store.catalog.roles import hq_apply

    set_role("branch")
    with pytest.raises(Refused) as exc:
        nbp.import_rates(date(2024, 3, 14))
    assert str(exc.value) == "Kursy walut przychodzą z centrali – w oddziale nie można ich wprowadzać ani zmieniać."
    with pytest.raises(Refused):
        save_rate("EUR", "NBP", date(2024, 3, 14), D("4.3125"))
    assert len(nbp_url.log) == 0                              # nothing was even asked
    with hq_apply():
        store_table("NBP", date(2024, 3, 14), "052/A/NBP/2024", {"EUR": D("4.3125")}, currencies=["EUR"],
                    source="hq")
    assert rate_on("EUR", date(2024, 3, 14)).rate == D("4.3125")


@pytest.mark.rule("RATE-6", "RATE-7")
def test_manual_rates_and_conversion(cat):
    from store.catalog.dict_rules import create_entry
    create_entry("currency", code="HUF")
    r = save_rate("HUF", "RĘCZNY", date(2024, 3, 14), D("1.0850"), units=100)
    assert to_pln(D("10000"), r.rate, r.units) == D("108.50")
    assert to_pln(D("1234.56"), D("4.3125")) == D("5324.04")
    with pytest.raises(ValidationError):
        save_rate("HUF", "RĘCZNY", date(2024, 3, 15), D("0"))
    with pytest.raises(ValidationError):
        save_rate("HUF", "RĘCZNY", date(2024, 3, 15), D("1.08"), units=0)


def test_fixtures_are_in_nbp_format():
    for name in ("nbp_a_2024-03-14.json", "nbp_c_2024-03-14.json", "nbp_b_2024-03-13.json", "nbp_a_last.json"):
        data = json.loads((FIX / name).read_text(encoding="utf-8"))
        assert {"table", "no", "effectiveDate", "rates"} <= set(data[0])
