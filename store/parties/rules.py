"""Checks of a contractor card before it is saved: field values (CTF), company parameters (SETUP-21),
and what a branch may change (CONF)."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from store import validation
from store.config import get_setting, role
from store.errors import FiliaError, ValidationError
from store.i18n import _
from store.parties import countries
from store.parties.fields import (BRANCH_EDITABLE_ON_HQ_CARD, BRANCH_NEVER, CARD_FIELDS, MAX_LEN,
                                  branch_never_reason, hq_card_reason, label, subordinate_reason)
from store.parties.models import (COMPUTED_FROM, EU_PREFIX_REQUIRED, STATUSES, TRANSACTION_TYPES, UNSPECIFIED_CODE,
                                  Contractor, ContractorGroup)

# Company parameters (store.config settings) read by these rules.
SET_NIP_CHECK = "contractor_nip_check"            # block (default) | warn | off   (CTF-12, SETUP-21)
SET_PESEL_CHECK = "contractor_pesel_check"        # block (default) | warn | off   (CTF-18, SETUP-21)
SET_NO_SPECIAL = "contractor_code_no_special"     # "1" = refuse space, dot, dash in codes (SETUP-21)
SET_SIMILAR = "contractor_similar_check"          # none | warn (default) | block  (SETUP-21, MRG-27)

NO_SPECIAL_RE = re.compile(r"[ .\-]")


class ConfirmationNeeded(FiliaError):
    """The card can be saved, but the user must confirm these warnings first (call again with confirm=True)."""

    def __init__(self, warnings: list[str]):
        self.warnings = list(warnings)
        super().__init__("\n".join(self.warnings))


def nip_key(nip: str, prefix: str = "") -> str:
    """CTF-8: separators removed, upper case, own country prefix dropped (526-025-02-74 == 5260250274)."""
    key = re.sub(r"[\s\-./]", "", nip or "").upper()
    if key[:2].isalpha() and (key[:2] == (prefix or "PL").upper() or (not prefix and key[:2] == "PL")):
        key = key[2:]
    return key


def _bad(field: str, what: str) -> str:
    return _("Pole „{label}”: {what}").format(label=label(field), what=what)


def _as_decimal(value, field: str, errors: dict, *, low=Decimal(0), high=None):
    if value in (None, ""):
        return Decimal(0)
    if isinstance(value, float):
        value = str(value)
    try:
        d = Decimal(str(value).replace(" ", "").replace(",", "."))
    except InvalidOperation:
        errors[field] = _bad(field, _("podaj liczbę, np. 1000,00."))
        return None
    if not d.is_finite() or d < low or (high is not None and d > high):
        errors[field] = _bad(field, _("wartość spoza zakresu {low}–{high}.").format(
            low=low, high=high if high is not None else "…"))
        return None
    return d


def _as_int(value, field: str, errors: dict):
    if value in (None, ""):
        return 0
    try:
        n = int(str(value).strip())
    except ValueError:
        errors[field] = _bad(field, _("podaj liczbę całkowitą dni."))
        return None
    if n < 0 or n > 9999:
        errors[field] = _bad(field, _("liczba dni musi być z zakresu 0–9999."))
        return None
    return n


def normalise(data: dict, current: dict, errors: dict) -> dict:
    """Coerce types of the known card fields in `data` (unknown keys ignored). `current` = values before."""
    clean = {}
    for f, kind in CARD_FIELDS.items():
        if f not in data:
            continue
        v = data[f]
        if kind in ("str", "text", "choice"):
            clean[f] = "" if v is None else str(v).strip()
        elif kind == "bool":
            clean[f] = bool(v)
        elif kind == "int":
            n = _as_int(v, f, errors)
            if n is not None:
                clean[f] = n
        elif kind in ("money", "percent"):
            d = _as_decimal(v, f, errors, high=Decimal(100) if kind == "percent" else Decimal("9999999999.99"))
            if d is not None:
                clean[f] = d
        elif kind == "fk":
            clean[f] = int(v) if v not in (None, "", 0) else None
    return clean


def derive(clean: dict, current: dict, is_new: bool) -> None:
    """Values the card fills by itself: country/type from the NIP prefix (CTF-10), postal code (CTF-23),
    payment form of a farmer (CTF-40), NIP search key (CTF-8)."""
    prefix_changed = "nip_country" in clean and (is_new or clean["nip_country"] != current.get("nip_country"))
    if prefix_changed:
        p = clean["nip_country"].upper()
        clean["nip_country"] = p
        if "transaction_type" not in clean or clean["transaction_type"] == current.get("transaction_type"):
            clean["transaction_type"] = countries.transaction_type_for(p)
        if not clean.get("country_iso") or clean.get("country_iso") == current.get("country_iso"):
            clean["country_iso"] = countries.iso_of(p)
        if not clean.get("country") or clean.get("country") == current.get("country"):
            clean["country"] = countries.country_name(p)
    if clean.get("farmer") and not current.get("farmer") and not clean.get("payment_form"):
        clean["payment_form"] = "przelew"
    if clean.get("nip") is not None and "nip" in clean:
        clean["nip"] = clean["nip"].upper()


def check_values(merged: dict, errors: dict, warnings: list[str], contractor_id: int | None) -> dict:
    """Field checks on the whole card (merged = current values overlaid with the change). Returns fixes to
    apply (normalised postal code, EAN None when empty, nip_key)."""
    fixes: dict = {}
    code = merged.get("code", "")
    if not code:
        errors["code"] = _bad("code", _("pole jest wymagane."))  # CTF-1
    if not merged.get("name"):
        errors["name"] = _bad("name", _("pole jest wymagane."))
    for f, n in MAX_LEN.items():
        if len(merged.get(f) or "") > n:
            errors.setdefault(f, _bad(f, _("najwyżej {n} znaków.").format(n=n)))
    for f, kind in CARD_FIELDS.items():
        v = merged.get(f)
        if kind == "str" and isinstance(v, str):
            max_len = Contractor._meta.fields[f].max_length if f in Contractor._meta.fields else None
            if max_len and len(v) > max_len:
                errors.setdefault(f, _bad(f, _("najwyżej {n} znaków.").format(n=max_len)))
    if code and get_setting(SET_NO_SPECIAL) == "1" and NO_SPECIAL_RE.search(code):
        errors.setdefault("code", _bad("code", _("kod nie może zawierać spacji, kropki ani myślnika.")))  # SETUP-21
    if code and "code" not in errors:
        q = Contractor.select(Contractor.id).where(Contractor.code == code)
        if contractor_id:
            q = q.where(Contractor.id != contractor_id)
        if q.exists():
            errors["code"] = _bad("code", _("Kontrahent o takim kodzie już istnieje."))  # CTF-3
    prefix = merged.get("nip_country", "")
    if prefix and not re.fullmatch(r"[A-Z]{2}", prefix):
        errors["nip_country"] = _bad("nip_country", _("dwuliterowy kod kraju, np. PL, DE."))
    nip = merged.get("nip", "")
    if nip and countries.is_domestic(prefix) and "nip_country" not in errors:
        mode = get_setting(SET_NIP_CHECK, "block") or "block"
        try:
            validation.nip(nip)
        except ValidationError:
            if mode == "block":  # CTF-12
                errors["nip"] = _("Nieprawidłowy numer NIP.") + " " + _bad("nip", _("sprawdź cyfry (suma kontrolna)."))
            elif mode == "warn":
                warnings.append(_("Nieprawidłowy numer NIP {nip}.").format(nip=nip))
    fixes["nip_key"] = nip_key(nip, prefix)
    for f, check in (("regon", validation.regon), ("pesel", validation.pesel)):
        if merged.get(f):
            try:
                fixes[f] = check(merged[f])
            except ValidationError as exc:
                if f == "pesel" and (get_setting(SET_PESEL_CHECK, "block") or "block") != "block":
                    if get_setting(SET_PESEL_CHECK) == "warn":
                        warnings.append(_("Nieprawidłowy numer PESEL."))
                    continue
                errors[f] = exc.errors[f]
    if merged.get("postal_code") and (merged.get("country_iso") or "PL") == "PL":
        try:  # CTF-23 reformat 00950 -> 00-950; CONF-5 domestic format ##-###
            fixes["postal_code"] = validation.postal_code(merged["postal_code"])
        except ValidationError as exc:
            errors["postal_code"] = exc.errors["postal_code"]
    if merged.get("corr_postal_code") and (merged.get("corr_country") or "Polska").strip().casefold() == "polska":
        try:  # CTF-23 applies to the correspondence address too
            fixes["corr_postal_code"] = validation.postal_code(merged["corr_postal_code"], field="corr_postal_code")
        except ValidationError:
            errors["corr_postal_code"] = _bad("corr_postal_code", _("oczekiwany format NN-NNN, podano „{v}”.").format(
                v=merged["corr_postal_code"]))
    ean = merged.get("ean") or ""
    fixes["ean"] = None
    if ean:
        try:
            fixes["ean"] = validation.ean(ean)
            q = Contractor.select(Contractor.id).where(Contractor.ean == fixes["ean"])
            if contractor_id:
                q = q.where(Contractor.id != contractor_id)
            if q.exists():
                errors["ean"] = _bad("ean", _("Kontrahent o takim kodzie EAN już istnieje."))  # CTF-31
        except ValidationError as exc:
            errors["ean"] = exc.errors["ean"]
    if merged.get("gln"):
        try:
            fixes["gln"] = validation.ean(merged["gln"], field="gln")
        except ValidationError:
            errors["gln"] = _bad("gln", _("nieprawidłowy numer GLN (13 cyfr z sumą kontrolną)."))
    email = merged.get("email") or ""
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        errors["email"] = _bad("email", _("nieprawidłowy adres e-mail „{v}”.").format(v=email))
    currency = merged.get("currency") or ""
    if not re.fullmatch(r"[A-Z]{3}", currency.upper()):
        errors["currency"] = _bad("currency", _("trzyliterowy kod waluty, np. PLN."))
    else:
        fixes["currency"] = currency.upper()
    if merged.get("status") not in STATUSES:
        errors["status"] = _bad("status", _("wybierz podmiot gospodarczy lub osobę fizyczną."))
    ttype = merged.get("transaction_type")
    if ttype not in TRANSACTION_TYPES:
        errors["transaction_type"] = _bad("transaction_type", _("wybierz rodzaj transakcji z listy."))
    elif ttype in EU_PREFIX_REQUIRED and (countries.is_domestic(prefix) or not countries.is_eu(prefix)):
        errors["transaction_type"] = _bad("transaction_type", _(
            "Dla wybranego rodzaju transakcji wymagany jest prefiks kraju UE."))  # CTF-35
    if merged.get("computed_from") not in COMPUTED_FROM:
        errors["computed_from"] = _bad("computed_from", _("wybierz netto albo brutto."))
    if merged.get("vat_active") and merged.get("status") == "person":  # CTF-38
        errors["vat_active"] = _bad("vat_active", _("można zaznaczyć tylko dla podmiotu gospodarczego."))
    if merged.get("cash_method_purchase") and not (
            ttype in ("domestic", "reverse_charge") and merged.get("vat_active")):  # CTF-37
        errors["cash_method_purchase"] = _bad("cash_method_purchase", _(
            "wymaga rodzaju transakcji Krajowy lub Podatnikiem jest nabywca i zaznaczonego pola Podatnik VAT czynny."))
    gid = merged.get("group_id")
    if gid and not ContractorGroup.select().where(ContractorGroup.id == gid).exists():
        errors["group_id"] = _bad("group_id", _("wybrana grupa nie istnieje."))
    return fixes


def lock_reasons(contractor: Contractor | None) -> dict[str, str]:
    """Fields the user may not change on this card, with the reason (CONF-4..8, MRG-11, CTF-43)."""
    locks: dict[str, str] = {}
    if contractor is not None and contractor.main_id is not None:
        reason = subordinate_reason(contractor.main.code)
        return {f: reason for f in CARD_FIELDS}
    if role() == "branch":
        for f in BRANCH_NEVER:
            locks[f] = branch_never_reason()
        if contractor is not None and contractor.gid is not None and contractor.gid != -1:
            for f in CARD_FIELDS:
                if f not in BRANCH_EDITABLE_ON_HQ_CARD:
                    locks.setdefault(f, hq_card_reason())
    if contractor is not None and contractor.code == UNSPECIFIED_CODE:
        locks["code"] = _("Kodu kontrahenta !NIEOKREŚLONY! nie można zmienić.")
    return locks


def bank_accounts_lock_reason(contractor: Contractor | None) -> str | None:
    """CONF-6: bank data is kept at HQ; a branch does not use the bank-account frame."""
    if contractor is not None and contractor.main_id is not None:
        return subordinate_reason(contractor.main.code)
    if role() == "branch":
        return _("W oddziale rachunki bankowe kontrahentów prowadzi centrala – nie można ich zmieniać.")
    return None


def similar_warnings(merged: dict, contractor_id: int | None, is_new: bool, *,
                     nip_changed: bool = True) -> tuple[list[str], list[str], bool]:
    """CTF-11 duplicate NIP (when the NIP is new or changed: an unchanged NIP is not asked about on every
    save); SETUP-21 similar contractors on a new card. Returns (warnings, blocking errors, same NIP+city)."""
    warnings, blocks = [], []
    key = (merged.get("nip_key") or "") if nip_changed else ""
    same_nip = []
    if key:
        q = Contractor.select(Contractor.code, Contractor.city).where(Contractor.nip_key == key)
        if contractor_id:
            q = q.where(Contractor.id != contractor_id)
        same_nip = list(q.limit(20))
    mode = get_setting(SET_SIMILAR, "warn") or "warn"
    city = (merged.get("city") or "").strip().casefold()
    same_nip_city = any((c.city or "").strip().casefold() == city for c in same_nip)
    if same_nip:
        codes = ", ".join(c.code for c in same_nip[:5])
        if is_new and mode == "block":  # MRG-27 "Blokuj": same NIP exists
            blocks.append(_("Kontrahent o numerze NIP {nip} już istnieje ({kod}).").format(nip=merged.get("nip"),
                                                                                            kod=codes))
        else:
            warnings.append(_("Kontrahent o numerze NIP {nip} już istnieje ({kod}). Czy zapisać?").format(
                nip=merged.get("nip"), kod=codes))
    elif is_new and mode != "none" and merged.get("name") and city:
        q = Contractor.select(Contractor.code).where(
            (Contractor.name == merged["name"]) & (Contractor.city == merged.get("city")))
        similar = [c.code for c in q.limit(5)]
        if similar:
            msg = _("Istnieją podobni kontrahenci (ta sama nazwa i miasto): {kody}.").format(kody=", ".join(similar))
            (blocks if mode == "block" else warnings).append(msg)
    return warnings, blocks, same_nip_city
