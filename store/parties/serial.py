"""Serial operations on marked contractors (CSO, the offline ones).

Each operation checks its parameters first (a bad parameter changes nothing, CSO scenario 3), then runs
in one transaction and returns a report: changed cards and refused/skipped ones with the Polish reason.
Subordinate cards and cards whose fields a branch may not change are skipped (CSO-19, CONF).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from store.config import role
from store.db import write
from store.errors import Refused, ValidationError
from store.i18n import _
from store.parties import countries, rules
from store.parties.cards import log
from store.parties.fields import label, subordinate_reason
from store.parties.models import (EU_PREFIX_REQUIRED, TRANSACTION_TYPES, Contractor, ContractorAttribute,
                                  ContractorGroup, ContractorJpkCode, Representative)
from store.parties.subrecords import known_jpk_codes

# CSO OPEN: what a branch is offered.
BRANCH_OPERATIONS = ("jpk", "attribute", "categories", "payment_terms", "trade_terms", "group")


@dataclass
class SerialReport:
    operation: str
    changed: list[tuple[int, str]] = field(default_factory=list)
    refused: list[tuple[int, str, str]] = field(default_factory=list)  # (id, code, reason)
    notes: list[tuple[int, str, str]] = field(default_factory=list)    # changed, but with a remark

    def lines(self) -> list[str]:
        """The log window (Filia: one window listing changed / skipped contractors with the reason)."""
        out = [_("{code}: zmieniono").format(code=code) for _id, code in self.changed]
        out += [_("{code}: {text}").format(code=code, text=text) for _id, code, text in self.notes]
        out += [_("{code}: pominięto – {reason}").format(code=code, reason=reason)
                for _id, code, reason in self.refused]
        return out


def _run(operation: str, ids: list[int], fields: tuple[str, ...],
         apply: Callable[[Contractor, SerialReport], str | None], operator: str, log_text: str) -> SerialReport:
    if role() == "branch" and operation not in BRANCH_OPERATIONS:
        raise Refused(_("Ta operacja seryjna nie jest dostępna w oddziale."))
    report = SerialReport(operation)
    with write():
        for cid in dict.fromkeys(ids):
            c = Contractor.get_or_none(Contractor.id == cid)
            if c is None:
                continue
            if c.main_id is not None:  # CSO-19
                report.refused.append((c.id, c.code, subordinate_reason(c.main.code)))
                continue
            locks = rules.lock_reasons(c)
            locked = [f for f in fields if f in locks]
            if locked:  # CSO-19, CONF-4..8
                report.refused.append((c.id, c.code, _("{field}: {reason}").format(
                    field=label(locked[0]), reason=locks[locked[0]])))
                continue
            skip = apply(c, report)
            if skip:
                report.refused.append((c.id, c.code, skip))
                continue
            c.exported = False
            c.save()
            log(c.id, log_text, operator)
            report.changed.append((c.id, c.code))
    return report


def _check(values: dict) -> dict:
    errors: dict = {}
    clean = rules.normalise(values, {}, errors)
    if errors:
        raise ValidationError(errors)
    return clean


def serial_set_group(ids: list[int], group_id: int | None, *, operator: str = "") -> SerialReport:
    """CSO-14: the chosen group on every card; None removes the group."""
    if group_id is not None and not ContractorGroup.select().where(ContractorGroup.id == group_id).exists():
        raise ValidationError({"group_id": _("Pole „Grupa”: wybrana grupa nie istnieje.")})

    def apply(c, _r):
        c.group = group_id
    return _run("group", ids, ("group_id",), apply, operator, _("Operacja seryjna: zmiana grupy."))


def serial_set_attribute(ids: list[int], name: str, value: str = "", *, mode: str = "add",
                         operator: str = "") -> SerialReport:
    """CSO-4: add (put on every card), change (only where present), remove (delete from every card)."""
    name = (name or "").strip().upper()
    if not name:
        raise ValidationError({"name": _("Pole „Atrybut”: podaj kod atrybutu.")})
    if mode not in ("add", "change", "remove"):
        raise ValueError(mode)
    value = (value or "").strip()

    def apply(c, _r):
        row = ContractorAttribute.get_or_none((ContractorAttribute.contractor == c.id)
                                              & (ContractorAttribute.name == name))
        if mode == "remove":
            if row is None:
                return _("brak atrybutu {a}.").format(a=name)
            row.delete_instance()
        elif mode == "change":
            if row is None:
                return _("brak atrybutu {a} – nie zmieniono.").format(a=name)
            row.value = value
            row.save()
        elif row is None:
            ContractorAttribute.create(contractor=c.id, name=name, value=value)
        else:
            row.value = value
            row.save()
        return None
    return _run("attribute", ids, (), apply, operator, _("Operacja seryjna: atrybut {a}.").format(a=name))


def serial_set_categories(ids: list[int], *, sales: str | None = None, purchase: str | None = None,
                          operator: str = "") -> SerialReport:
    """CSO-5: None leaves a category as it is; "" removes it; a code assigns or replaces it."""
    changes = {k: v.strip() for k, v in (("sales_category", sales), ("purchase_category", purchase)) if v is not None}

    def apply(c, _r):
        for k, v in changes.items():
            setattr(c, k, v)
    return _run("categories", ids, tuple(changes), apply, operator, _("Operacja seryjna: zmiana kategorii."))


PAYMENT_FIELDS = ("payment_form", "currency", "payment_term_on", "payment_term_days", "max_delay_days",
                  "no_settle", "split_payment")
TRADE_FIELDS = ("credit_limit_on", "credit_limit", "overdue_limit_on", "overdue_limit", "price_group",
                "computed_from", "discount")


def _set_fields(operation: str, ids, changes: dict, allowed, operator: str, text: str) -> SerialReport:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(sorted(unknown))
    clean = _check(changes)
    if "currency" in clean:
        clean["currency"] = clean["currency"].upper()
        if len(clean["currency"]) != 3 or not clean["currency"].isalpha():
            raise ValidationError({"currency": _("Pole „Domyślna waluta”: trzyliterowy kod waluty, np. PLN.")})
    if clean.get("computed_from", "net") not in ("net", "gross"):
        raise ValidationError({"computed_from": _("Pole „Dokument liczony od”: wybierz netto albo brutto.")})

    def apply(c, _r):
        for k, v in clean.items():
            setattr(c, k, v)
    return _run(operation, ids, tuple(clean), apply, operator, text)


def serial_set_payment_terms(ids: list[int], changes: dict, *, operator: str = "") -> SerialReport:
    """CSO-6: only the fields given in `changes` are written (the "change" check boxes)."""
    return _set_fields("payment_terms", ids, changes, PAYMENT_FIELDS, operator,
                       _("Operacja seryjna: zmiana warunków płatności."))


def serial_set_trade_terms(ids: list[int], changes: dict, *, operator: str = "") -> SerialReport:
    """CSO-13: credit limit, overdue limit, default price, computed-from, standard discount."""
    return _set_fields("trade_terms", ids, changes, TRADE_FIELDS, operator,
                       _("Operacja seryjna: zmiana warunków handlowych."))


def serial_set_carer(ids: list[int], carer: str, *, operator: str = "") -> SerialReport:
    """CSO-8: sets ("" removes) the carer."""
    carer = (carer or "").strip().upper()

    def apply(c, _r):
        c.carer = carer
    return _run("carer", ids, ("carer",), apply, operator, _("Operacja seryjna: zmiana opiekuna."))


def serial_set_status(ids: list[int], transaction_type: str | None = None, *, nip_country: str | None = None,
                      cash_method_sales: bool | None = None, cash_method_purchase: bool | None = None,
                      vat_active: bool | None = None, vat_by_issue_date: bool | None = None,
                      operator: str = "") -> SerialReport:
    """CSO-10: transaction type and NIP prefix (+ cash method, VAT flags). An EU type needs an EU prefix,
    checked before any card changes; *Metoda kasowa Zakup* only for Krajowy + VAT active (CTF-37)."""
    if transaction_type is not None and transaction_type not in TRANSACTION_TYPES:
        raise ValidationError({"transaction_type": _("Pole „Rodzaj transakcji”: wybierz rodzaj z listy.")})
    prefix = nip_country.strip().upper() if nip_country is not None else None
    if transaction_type in EU_PREFIX_REQUIRED and (prefix is None or not countries.is_eu(prefix)
                                                   or countries.is_domestic(prefix)):
        raise ValidationError({"nip_country": _("Dla wybranego rodzaju transakcji wymagany jest prefiks kraju UE.")})
    fields = (("transaction_type",) if transaction_type is not None else ()) + (
        ("nip_country",) if prefix is not None else ())
    others = [v for v in (transaction_type, prefix, cash_method_sales, vat_active, vat_by_issue_date) if v is not None]

    def apply(c, report):
        if transaction_type is not None:
            c.transaction_type = transaction_type
        if prefix is not None:
            c.nip_country = prefix
            c.nip_key = rules.nip_key(c.nip, prefix)
        if cash_method_sales is not None:
            c.cash_method_sales = cash_method_sales
        if vat_active is not None:
            c.vat_active = vat_active and c.status == "company"
        if vat_by_issue_date is not None:
            c.vat_by_issue_date = vat_by_issue_date
        if cash_method_purchase is not None:
            if cash_method_purchase and not (c.transaction_type == "domestic" and c.vat_active):
                why = _("metoda kasowa zakupu wymaga rodzaju transakcji Krajowy i statusu podatnika VAT czynnego.")
                if not others:
                    return why
                report.notes.append((c.id, c.code, _("bez metody kasowej zakupu – {why}").format(why=why)))
            else:
                c.cash_method_purchase = cash_method_purchase
        return None
    return _run("status", ids, fields, apply, operator, _("Operacja seryjna: zmiana statusu."))


def serial_set_rep_mailing(ids: list[int], on: bool, *, operator: str = "") -> SerialReport:
    """CSO-12: *Mailing seryjny* on every representative of the marked cards."""
    def apply(c, _r):
        Representative.update(mailing=bool(on)).where(Representative.contractor == c.id).execute()
    return _run("rep_mailing", ids, (), apply, operator, _("Operacja seryjna: mailing przedstawicieli."))


def serial_set_ksef(ids: list[int], no_ksef: bool, *, operator: str = "") -> SerialReport:
    """CSO-18: *Nie wysyłaj dokumentu do KSeF*."""
    def apply(c, _r):
        c.no_ksef = bool(no_ksef)
    return _run("ksef", ids, ("no_ksef",), apply, operator, _("Operacja seryjna: KSeF."))


def _jpk_param(codes: list[str]) -> list[str]:
    clean = list(dict.fromkeys((c or "").strip().upper() for c in codes))
    bad = [c for c in clean if c not in known_jpk_codes()]
    if bad or not clean:
        raise ValidationError({"jpk_codes": _("Nieznany kod JPK_V7: {k}.").format(k=", ".join(bad) or "—")})
    return clean


def serial_add_jpk_codes(ids: list[int], codes: list[str], *, operator: str = "") -> SerialReport:
    """CSO-1: the chosen JPK_V7 codes are added to every card (codes already there are kept)."""
    codes = _jpk_param(codes)

    def apply(c, _r):
        have = {j.code for j in c.jpk_codes}
        missing = [k for k in codes if k not in have]
        if not missing:
            return _("kody JPK_V7 już są na karcie.")
        for k in missing:
            ContractorJpkCode.create(contractor=c.id, code=k)
        return None
    return _run("jpk", ids, (), apply, operator, _("Operacja seryjna: dodano kody JPK_V7 {k}.").format(
        k=", ".join(codes)))


def serial_remove_jpk_codes(ids: list[int], codes: list[str], *, operator: str = "") -> SerialReport:
    """CSO-2: the chosen JPK_V7 codes are removed from every card."""
    codes = _jpk_param(codes)

    def apply(c, _r):
        n = ContractorJpkCode.delete().where((ContractorJpkCode.contractor == c.id)
                                             & (ContractorJpkCode.code.in_(codes))).execute()
        return None if n else _("brak tych kodów JPK_V7 na karcie.")
    return _run("jpk", ids, (), apply, operator, _("Operacja seryjna: usunięto kody JPK_V7 {k}.").format(
        k=", ".join(codes)))
