"""What a new company database gets in its catalogue (call once after `filia init` / the wizard)."""
from __future__ import annotations


def ensure_catalogue_defaults() -> None:
    """Units, price types (detaliczna gross + hurtowa 1..3 net), main warehouse (WH-12), main goods
    group (GRP-4), PLN/EUR/USD with NBP rate types (CUR-1, RATE-2), CN code 9950 0000 (CN-6).
    Idempotent: existing rows are kept."""
    from store.catalog.dict_reference import ensure_default_currencies, ensure_system_cn_codes
    from store.catalog.dict_rules import ensure_default_units, ensure_main_warehouse
    from store.catalog.goods import main_group
    from store.catalog.prices import ensure_default_price_types
    from store.config import ensure_default_vat_rates
    from store.db import write

    ensure_default_vat_rates()
    ensure_default_units()
    ensure_default_price_types()
    ensure_main_warehouse()
    ensure_default_currencies()
    ensure_system_cn_codes()
    from store.catalog.oss import ensure_eu_vat_rates
    ensure_eu_vat_rates()
    with write():
        main_group()
