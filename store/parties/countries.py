"""NIP prefixes and countries (CTF-8, CTF-10): EU membership decides the transaction type."""
from __future__ import annotations

# EU member states by VAT prefix; EL (VAT) and GR (ISO) both mean Greece (§8 SOURCE-ERR).
EU = {
    "AT": "Austria", "BE": "Belgia", "BG": "Bułgaria", "HR": "Chorwacja", "CY": "Cypr", "CZ": "Czechy",
    "DK": "Dania", "EE": "Estonia", "FI": "Finlandia", "FR": "Francja", "DE": "Niemcy", "EL": "Grecja",
    "GR": "Grecja", "HU": "Węgry", "IE": "Irlandia", "IT": "Włochy", "LV": "Łotwa", "LT": "Litwa",
    "LU": "Luksemburg", "MT": "Malta", "NL": "Holandia", "PL": "Polska", "PT": "Portugalia",
    "RO": "Rumunia", "SK": "Słowacja", "SI": "Słowenia", "ES": "Hiszpania", "SE": "Szwecja",
}
OTHER = {
    "GB": "Wielka Brytania", "US": "Stany Zjednoczone", "UA": "Ukraina", "CH": "Szwajcaria",
    "NO": "Norwegia", "CN": "Chiny", "BY": "Białoruś", "RU": "Rosja", "TR": "Turcja", "CA": "Kanada",
    "JP": "Japonia", "IS": "Islandia", "LI": "Liechtenstein", "SX": "Sint Maarten", "BQ": "Bonaire",
    "SS": "Sudan Południowy", "CW": "Curaçao", "MD": "Mołdawia", "GE": "Gruzja", "IN": "Indie",
}


def is_eu(prefix: str) -> bool:
    return (prefix or "").upper() in EU


def is_domestic(prefix: str) -> bool:
    return (prefix or "").upper() in ("", "PL")


def iso_of(prefix: str) -> str:
    """Kraj ISO for a NIP prefix (EL -> GR)."""
    prefix = (prefix or "").upper()
    if prefix == "":
        return "PL"
    return "GR" if prefix == "EL" else prefix


def country_name(prefix: str) -> str:
    prefix = (prefix or "").upper() or "PL"
    return EU.get(prefix) or OTHER.get(prefix) or prefix


def transaction_type_for(prefix: str) -> str:
    """CTF-10: empty/PL -> domestic, EU -> intra-EU, other -> non-EU."""
    if is_domestic(prefix):
        return "domestic"
    return "intra_eu" if is_eu(prefix) else "non_eu"
