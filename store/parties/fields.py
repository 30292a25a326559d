"""What a contractor card holds: field types, Polish labels, and which fields HQ owns in a branch (CONF)."""
from __future__ import annotations

from store.i18n import _

# name -> kind: str | text | bool | int | money | percent | choice | fk
CARD_FIELDS: dict[str, str] = {
    "code": "str", "name": "str", "name2": "str", "name3": "str",
    "nip_country": "str", "nip": "str", "regon": "str", "pesel": "str", "eori": "str", "id_document": "str",
    "group_id": "fk",
    "kind_customer": "bool", "kind_supplier": "bool", "kind_competitor": "bool", "kind_partner": "bool",
    "kind_prospect": "bool",
    "country": "str", "country_iso": "str", "province": "str", "county": "str", "commune": "str",
    "city": "str", "post_office": "str", "street": "str", "building": "str", "flat": "str",
    "postal_code": "str", "address_extra": "str",
    "phone": "str", "phone2": "str", "phone_sms": "str", "fax": "str", "email": "str", "www": "str",
    "sales_category": "str", "purchase_category": "str", "gln": "str", "ean": "str", "permit_number": "str",
    "status": "choice", "transaction_type": "choice",
    "vat_active": "bool", "vat_by_issue_date": "bool", "cash_method_sales": "bool",
    "cash_method_purchase": "bool", "farmer": "bool", "related_party": "bool", "no_publish": "bool",
    "block_outgoing": "bool", "no_ksef": "bool", "active": "bool", "notes": "text",
    "credit_limit_on": "bool", "credit_limit": "money", "overdue_limit_on": "bool", "overdue_limit": "money",
    "price_group": "str", "computed_from": "choice", "discount": "percent",
    "payment_form": "str", "payment_term_on": "bool", "payment_term_days": "int", "currency": "str",
    "max_delay_days": "int", "no_settle": "bool", "split_payment": "bool",
    "email_domain": "str", "carer": "str",
    "corr_country": "str", "corr_city": "str", "corr_post_office": "str", "corr_postal_code": "str",
    "corr_street": "str", "corr_building": "str", "corr_flat": "str",
}

# Maximum lengths checked on save (CTF-3: code str(20); CTF-20: name lines 50/50/250).
MAX_LEN = {"code": 20, "name": 50, "name2": 50, "name3": 250}


def max_length(field: str) -> int:
    """Longest text a card field takes (what the input allows to be typed)."""
    from store.parties.models import Contractor

    if field in MAX_LEN:
        return MAX_LEN[field]
    f = Contractor._meta.fields.get(field)
    return getattr(f, "max_length", 0) or 0


def label(field: str) -> str:
    """The Polish label of a card field, as the card shows it."""
    base = field.split(".")[-1]
    return _(_LABELS.get(base, base))


_LABELS = {
    "code": "Kod", "name": "Nazwa", "name2": "Nazwa (linia 2)", "name3": "Nazwa (linia 3)",
    "nip_country": "Prefiks NIP", "nip": "NIP", "regon": "REGON", "pesel": "PESEL", "eori": "EORI",
    "id_document": "Dok. tożsamości", "group_id": "Grupa",
    "kind_customer": "Odbiorca", "kind_supplier": "Dostawca", "kind_competitor": "Konkurencja",
    "kind_partner": "Partner", "kind_prospect": "Klient potencjalny",
    "country": "Kraj", "country_iso": "Kraj ISO", "province": "Województwo", "county": "Powiat",
    "commune": "Gmina", "city": "Miasto", "post_office": "Poczta", "street": "Ulica", "building": "Nr domu",
    "flat": "Nr lokalu", "postal_code": "Kod pocztowy", "address_extra": "Dodatkowe",
    "phone": "Telefon", "phone2": "Telefon 2", "phone_sms": "Telefon SMS", "fax": "Fax", "email": "E-mail",
    "www": "URL", "sales_category": "Kategoria sprzedaży", "purchase_category": "Kategoria zakupu",
    "gln": "ILN/GLN", "ean": "EAN", "permit_number": "Nr zezwolenia",
    "status": "Status", "transaction_type": "Rodzaj transakcji", "vat_active": "Podatnik VAT czynny",
    "vat_by_issue_date": "VAT wg daty wystawienia", "cash_method_sales": "Metoda kasowa: sprzedaż",
    "cash_method_purchase": "Metoda kasowa: zakup", "farmer": "Rolnik", "related_party": "Kontrahent powiązany",
    "no_publish": "Nie publikuj danych kontrahenta", "block_outgoing": "Blokada dokumentów rozchodowych",
    "no_ksef": "Nie wysyłaj dokumentu do KSeF", "active": "Aktywny", "notes": "Opis",
    "credit_limit_on": "Limit kredytu", "credit_limit": "Kwota limitu kredytu",
    "overdue_limit_on": "Limit przeterminowanych płatności", "overdue_limit": "Kwota limitu przeterminowanych",
    "price_group": "Cena domyślna", "computed_from": "Dokument liczony od", "discount": "Rabat standardowy",
    "payment_form": "Forma płatności", "payment_term_on": "Termin płatności",
    "payment_term_days": "Termin płatności (dni)", "currency": "Domyślna waluta",
    "max_delay_days": "Maksymalna zwłoka (dni)", "no_settle": "Nie rozliczaj płatności",
    "split_payment": "MPP – podzielona płatność", "email_domain": "Domena e-mail", "carer": "Opiekun",
    "number": "Numer rachunku", "bank_name": "Nazwa banku", "description": "Opis", "title": "Tytuł",
    "mobile": "GSM", "value": "Wartość", "bank_accounts": "Rachunki bankowe",
    "representatives": "Przedstawiciele", "attributes": "Atrybuty",
    "corr_country": "Kraj (koresp.)", "corr_city": "Miasto (koresp.)", "corr_post_office": "Poczta (koresp.)",
    "corr_postal_code": "Kod pocztowy (koresp.)", "corr_street": "Ulica (koresp.)",
    "corr_building": "Nr domu (koresp.)", "corr_flat": "Nr lokalu (koresp.)",
}

STATUS_LABELS = {"company": "Podmiot gospodarczy", "person": "Osoba fizyczna"}
TRANSACTION_LABELS = {
    "domestic": "Krajowy", "reverse_charge": "Podatnikiem jest nabywca", "intra_eu": "Wewnątrzunijny",
    "intra_eu_triangular": "Wewnątrzunijny trójstronny", "oss": "Procedura OSS", "non_eu": "Pozaunijny",
    "non_eu_refund": "Pozaunijny (zwroty VAT)", "outside_country": "Poza terytorium kraju",
    "intra_eu_reverse": "Wewnątrzunijny – podatnikiem jest nabywca",
    "non_eu_reverse": "Pozaunijny – podatnikiem jest nabywca",
}
COMPUTED_LABELS = {"net": "netto", "gross": "brutto"}

# --- CONF: what a branch may change ------------------------------------------------------------
# CONF-6: never in a branch (credit limit, status; bank data is refused separately).
BRANCH_NEVER = ("credit_limit_on", "credit_limit", "overdue_limit_on", "overdue_limit", "status",
                "transaction_type")
# CONF-4, CONF-7, CONF-8: what a branch may change on a card HQ has confirmed (has a GID).
BRANCH_EDITABLE_ON_HQ_CARD = (
    "name", "name2", "name3", "nip_country", "nip", "group_id",
    "country", "country_iso", "province", "county", "commune", "city", "post_office", "street", "building",
    "flat", "postal_code", "address_extra", "phone", "phone2", "phone_sms", "fax", "email", "www",
    "corr_country", "corr_city", "corr_post_office", "corr_postal_code", "corr_street", "corr_building", "corr_flat",
    "price_group", "discount", "payment_form", "payment_term_on", "payment_term_days",
    "email_domain", "carer",
)


def branch_never_reason() -> str:
    return _("W oddziale limit kredytu oraz status i rodzaj transakcji kontrahenta ustala centrala.")


def hq_card_reason() -> str:
    return _("Karta potwierdzona przez centralę: w oddziale można zmienić tylko nazwę, NIP, adres, kontakt, "
             "grupę oraz warunki handlowe i płatności.")


def subordinate_reason(main_code: str) -> str:
    return _("To jest karta duplikująca kontrahenta {code}. Używaj karty głównej.").format(code=main_code)
