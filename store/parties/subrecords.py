"""Grids of the card: bank accounts (BNK), representatives (REP), attributes (CTF-61)."""
from __future__ import annotations

import re

from store import validation
from store.db import write
from store.errors import NotFound, ValidationError
from store.i18n import _
from store.parties.models import (BankAccount, Contractor, ContractorAttribute, ContractorJpkCode, ContractorRecipient,
                                  Representative)

BANK_FIELDS = ("number", "bank_name", "description", "currency", "is_default")
REP_FIELDS = ("name", "title", "phone", "mobile", "phone_sms", "email", "city", "postal_code", "address",
              "notes", "gender", "info", "is_default", "mailing", "active")
ATTRIBUTE_FIELDS = ("name", "value", "append_to_document", "code_before_value")
JPK_FIELDS = ("code",)
RECIPIENT_FIELDS = ("recipient", "is_default")


def jpk_kind(code: str) -> str:
    """CTF-54 column Rodzaj."""
    return _("Kod towarowy") if code.startswith("GTU_") else _("Procedura")


def known_jpk_codes() -> frozenset[str]:
    from store.catalog.goods_copy import JPK_V7_CODES

    return JPK_V7_CODES


def check_jpk_codes(rows: list[dict], errors: dict) -> list[dict]:
    out, seen = [], set()
    known = known_jpk_codes()
    for i, row in enumerate(rows):
        code = (row.get("code") or "").strip().upper().replace(" ", "_")
        if code not in known:
            errors[f"jpk_codes.{i}.code"] = _row_label(i) + _("Nieznany kod JPK_V7: {k}.").format(k=code or "—")
        elif code in seen:
            errors[f"jpk_codes.{i}.code"] = _row_label(i) + _("kod {k} występuje dwa razy.").format(k=code)
        seen.add(code)
        out.append({**row, "code": code})
    return out


def account_key(number: str) -> str:
    """BNK-11: PL prefix and no prefix are the same account; spaces and dashes ignored."""
    key = re.sub(r"[\s\-]", "", number or "").upper()
    return key[2:] if key.startswith("PL") and key[2:].isdigit() else key


def normalise_account(number: str, field: str) -> str:
    """IBAN (two-letter prefix) or a 26-digit Polish NRB is checked (stdnum); other foreign numbers are
    taken as typed (BNK OPEN: foreign accounts are not checked)."""
    raw = re.sub(r"[\s\-]", "", number or "").upper()
    if not raw:
        raise ValidationError({field: _("Pole „Numer rachunku”: pole jest wymagane.")})
    if raw[:2].isalpha() or (raw.isdigit() and len(raw) == 26):
        return validation.iban(raw, field=field)
    if raw.isdigit() and 20 <= len(raw) <= 28:  # looks like a mistyped NRB: say so rather than accept it
        raise ValidationError({field: _("Pole „Numer rachunku”: polski numer rachunku ma 26 cyfr, podano {n}.").format(
            n=len(raw))})
    return raw


def _row_label(i: int) -> str:
    return _("Wiersz {n}: ").format(n=i + 1)


def _spread_default(rows: list[dict], group_key) -> None:
    """One default per group: the first marked stays, the others are cleared; none marked -> the first."""
    seen: dict = {}
    for row in rows:
        g = group_key(row)
        if row.get("is_default") and g not in seen:
            seen[g] = row
        else:
            row["is_default"] = False
    for row in rows:
        g = group_key(row)
        if g not in seen:
            row["is_default"] = True
            seen[g] = row


def check_bank_accounts(rows: list[dict], errors: dict, *, is_branch_locked: bool = False) -> list[dict]:
    out, keys = [], {}
    for i, row in enumerate(rows):
        row = dict(row)
        fid = f"bank_accounts.{i}.number"
        try:
            row["number"] = normalise_account(row.get("number", ""), fid)
        except ValidationError as exc:
            errors[fid] = _row_label(i) + exc.errors[fid]
            continue
        key = account_key(row["number"])
        if key in keys:
            errors[fid] = _row_label(i) + _("ten rachunek jest już na liście (wiersz {n}).").format(n=keys[key] + 1)
        keys[key] = i
        row["number_key"] = key
        cur = (row.get("currency") or "PLN").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", cur):
            errors[f"bank_accounts.{i}.currency"] = _row_label(i) + _("Pole „Waluta”: trzyliterowy kod waluty.")
        row["currency"] = cur
        for f in ("bank_name", "description"):
            row[f] = (row.get(f) or "").strip()[:120]
        out.append(row)
    _spread_default(out, lambda r: r["currency"])  # BNK-4, BNK-5: one default per currency
    return out


def check_representatives(rows: list[dict], errors: dict) -> list[dict]:
    out = []
    for i, row in enumerate(rows):
        row = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
        if not row.get("name"):
            errors[f"representatives.{i}.name"] = _row_label(i) + _("Pole „Imię i nazwisko”: pole jest wymagane.")
        email = row.get("email") or ""
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            errors[f"representatives.{i}.email"] = _row_label(i) + _("Pole „E-mail”: nieprawidłowy adres.")
        if row.get("postal_code"):
            try:
                row["postal_code"] = validation.postal_code(row["postal_code"], field="x")
            except ValidationError as exc:
                errors[f"representatives.{i}.postal_code"] = _row_label(i) + exc.errors["x"]
        if row.get("gender", "") not in ("", "female", "male", "other"):
            row["gender"] = ""
        out.append(row)
    _spread_default(out, lambda r: 0)  # REP-3: exactly one default when any
    return out


def check_attributes(rows: list[dict], errors: dict) -> list[dict]:
    out, names = [], set()
    for i, row in enumerate(rows):
        row = dict(row)
        row["name"] = (row.get("name") or "").strip().upper()
        row["value"] = (row.get("value") or "").strip()
        if not row["name"]:
            errors[f"attributes.{i}.name"] = _row_label(i) + _("Pole „Atrybut”: podaj kod atrybutu.")
        elif row["name"] in names:
            errors[f"attributes.{i}.name"] = _row_label(i) + _("atrybut {a} występuje dwa razy.").format(a=row["name"])
        elif len(row["name"]) > 40 or len(row["value"]) > 250:
            errors[f"attributes.{i}.name"] = _row_label(i) + _("kod atrybutu do 40 znaków, wartość do 250.")
        names.add(row["name"])
        out.append(row)
    return out


def check_recipients(rows: list[dict], errors: dict, contractor_id: int | None) -> list[dict]:
    """REP-6: rows name another contractor by code ({'code', 'is_default'}); resolved to its id."""
    out, seen = [], set()
    for i, row in enumerate(rows):
        code = (row.get("code") or "").strip()
        other = Contractor.get_or_none(Contractor.code == code) if code else None
        fid = f"recipients.{i}.code"
        if other is None:
            errors[fid] = _row_label(i) + _("Pole „Odbiorca”: nie ma kontrahenta o kodzie „{k}”.").format(k=code)
            continue
        if contractor_id is not None and other.id == contractor_id:
            errors[fid] = _row_label(i) + _("Pole „Odbiorca”: kontrahent nie może być własnym odbiorcą.")
            continue
        if other.id in seen:
            errors[fid] = _row_label(i) + _("odbiorca {k} występuje dwa razy.").format(k=code)
        seen.add(other.id)
        out.append({**row, "code": other.code, "recipient": other.id, "is_default": bool(row.get("is_default"))})
    if any(r["is_default"] for r in out):  # REP-6: at most one default (none is fine)
        first = next(r for r in out if r["is_default"])
        for r in out:
            r["is_default"] = r is first
    return out


def replace_rows(c: Contractor, model, grid: str, rows: list[dict], fields) -> None:
    """Store a grid given as the whole set it should be: stored rows missing from `rows` are deleted (first,
    so a row typed again without its id does not collide with a unique key), rows without a stored id are
    created, and of the others only the fields that differ are written (versioned rows get their stamp).
    save_card builds `rows` from the stored rows and the card's changes, so nothing another session
    wrote is sent back."""
    stored = {r.id: r for r in model.select().where(model.contractor == c.id)}
    keep = {row["id"] for row in rows if row.get("id") in stored}
    gone = [rid for rid in stored if rid not in keep]
    if gone:
        model.delete().where(model.id.in_(gone)).execute()
    tracked = "version" in model._meta.fields
    for row in rows:
        values = {f: row[f] for f in fields if f in row}
        if model is BankAccount:
            values["number_key"] = row.get("number_key") or account_key(row["number"])
        existing = stored.get(row.get("id"))
        if existing is None:
            model.create(contractor=c.id, **values)
            continue
        diff = {}
        for k, v in values.items():
            field = model._meta.fields[k]
            old = existing.__data__.get(field.name)
            if field.db_value(v) != field.db_value(old):
                diff[field] = v
        if diff:
            model.update({**diff, **(model.stamp() if tracked else {})}).where(model.id == existing.id).execute()


# --- list-level functions (used outside the card: serial operations, sync) ----------------------------

def set_default_bank_account(account_id: int) -> None:
    """BNK-5: marking an account default unmarks the previous default in the same currency."""
    with write():
        acc = BankAccount.get_or_none(BankAccount.id == account_id)
        if acc is None:
            raise NotFound(_("Rachunek bankowy nie istnieje."))
        BankAccount.update(is_default=False).where(
            (BankAccount.contractor == acc.contractor_id) & (BankAccount.currency == acc.currency)).execute()
        BankAccount.update(is_default=True).where(BankAccount.id == acc.id).execute()


def set_default_representative(rep_id: int) -> None:
    """REP-3: the default flag moves from the previous default."""
    with write():
        rep = Representative.get_or_none(Representative.id == rep_id)
        if rep is None:
            raise NotFound(_("Przedstawiciel nie istnieje."))
        Representative.update(is_default=False).where(Representative.contractor == rep.contractor_id).execute()
        Representative.update(is_default=True).where(Representative.id == rep.id).execute()


def recipients_of(contractor_id: int) -> list[tuple[str, bool]]:
    """(code, default) of the contractor's recipients."""
    q = (ContractorRecipient.select(Contractor.code, ContractorRecipient.is_default)
         .join(Contractor, on=(ContractorRecipient.recipient == Contractor.id))
         .where(ContractorRecipient.contractor == contractor_id).order_by(Contractor.code))
    return [(code, bool(d)) for code, d in q.tuples()]


def jpk_codes_of(contractor_id: int) -> list[str]:
    return [r.code for r in ContractorJpkCode.select().where(ContractorJpkCode.contractor == contractor_id)
            .order_by(ContractorJpkCode.code)]


def attributes_of(contractor_id: int) -> dict[str, str]:
    rows = ContractorAttribute.select().where(ContractorAttribute.contractor == contractor_id)
    return {a.name: a.value for a in rows}
