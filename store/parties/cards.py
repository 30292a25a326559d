"""Saving, copying and deleting contractor cards with their bank accounts, representatives and attributes."""
from __future__ import annotations

from peewee import ForeignKeyField, IntegrityError, fn

from store.base import lock_current
from store.config import get_setting, role
from store.db import database, run_write, write
from store.gridrows import apply_changes, is_changes
from store.errors import NotFound, Refused, ValidationError
from store.i18n import _
from store.parties import rules
from store.parties.fields import CARD_FIELDS
from store.parties.models import (UNSPECIFIED_CODE, BankAccount, Contractor, ContractorAttribute, ContractorGroup,
                                  ContractorJpkCode, ContractorLog, ContractorRecipient, Representative)
from store.parties.subrecords import (ATTRIBUTE_FIELDS, BANK_FIELDS, JPK_FIELDS, RECIPIENT_FIELDS, REP_FIELDS,
                                      check_attributes, check_bank_accounts, check_jpk_codes, check_recipients,
                                      check_representatives, replace_rows)

GRIDS = ("bank_accounts", "representatives", "attributes", "jpk_codes", "recipients")


def get_contractor(contractor_id: int) -> Contractor:
    c = Contractor.get_or_none(Contractor.id == contractor_id)
    if c is None:
        raise NotFound(_("Kontrahent nie istnieje (mógł zostać usunięty)."))
    return c


def _values(c: Contractor) -> dict:
    out = {}
    for f in CARD_FIELDS:
        out[f] = c.group_id if f == "group_id" else getattr(c, f)
    out["ean"] = c.ean or ""
    return out


SET_AUTONUMBER = "contractor_code_autonumber"  # "1" = CTF-4 auto-number codes of new cards


def next_numeric_code() -> str:
    """CTF-4 (OPEN decision): next free integer, zero-padded to the width of the largest numeric code."""
    q = (Contractor.select(Contractor.code).where((Contractor.code >= "0") & (Contractor.code < ":"))
         .order_by(fn.LENGTH(Contractor.code).desc(), Contractor.code.desc()))
    for (code,) in q.tuples().iterator():
        if code.isdigit():
            return str(int(code) + 1).zfill(len(code))
    return "1"


def new_card_defaults() -> dict:
    """What an empty card shows (CTF-9: a new card starts with an empty NIP prefix; CTF-4 auto code)."""
    c = Contractor(nip_country="")
    values = _values(c)
    code = next_numeric_code() if get_setting(SET_AUTONUMBER) == "1" else ""
    values.update(code=code, name="", bank_accounts=[], representatives=[], attributes=[], jpk_codes=[],
                  recipients=[])
    return values


def card_data(contractor_id: int) -> dict:
    """Everything the card shows: field values, the three grids, read-only reasons and stamps."""
    c = get_contractor(contractor_id)
    data = _values(c)
    data.update(grid_rows(c))
    data["meta"] = {"id": c.id, "guid": c.guid, "gid": c.gid, "main_code": c.main.code if c.main_id else "",
                    "created_at": c.created_at, "created_by": c.created_by, "modified_at": c.modified_at,
                    "modified_by": c.modified_by, "credit_used": c.credit_used, "version": c.version,
                    "duplicates": [d.code for d in c.duplicates]}
    return data


def _tracked(row) -> dict:
    return {"version": row.version, "modified_by": row.modified_by, "modified_at": row.modified_at}


def grid_rows(c: Contractor) -> dict[str, list[dict]]:
    """The card's grids as stored, one dict per row with its id (and version for versioned rows)."""
    return {
        "bank_accounts": [{f: getattr(b, f) for f in ("id", *BANK_FIELDS)} | _tracked(b)
                          for b in c.bank_accounts.order_by(BankAccount.id)],
        "representatives": [{f: getattr(r, f) for f in ("id", *REP_FIELDS)} | _tracked(r)
                            for r in c.representatives.order_by(Representative.id)],
        "attributes": [{f: getattr(a, f) for f in ("id", *ATTRIBUTE_FIELDS)}
                       for a in c.attributes.order_by(ContractorAttribute.name)],
        "jpk_codes": [{"id": j.id, "code": j.code} for j in c.jpk_codes.order_by(ContractorJpkCode.code)],
        "recipients": [{"id": r.id, "recipient": r.recipient_id, "code": r.recipient.code,
                        "name": r.recipient.full_name, "city": r.recipient.city, "is_default": r.is_default}
                       for r in c.recipients.order_by(ContractorRecipient.id)],
    }


def grid_name(grid: str) -> str:
    return {"bank_accounts": _("Rachunki bankowe"), "representatives": _("Przedstawiciele"),
            "attributes": _("Atrybuty"), "jpk_codes": _("Kody JPK_V7"), "recipients": _("Odbiorcy")}[grid]


def copy_data(contractor_id: int) -> dict:
    """CTR-16: a new card pre-filled with all data of another one (grids too, without their ids)."""
    data = card_data(contractor_id)
    data.pop("meta")
    for grid in GRIDS:  # CTF-60: the JPK codes are copied too
        data[grid] = [{k: v for k, v in row.items() if k not in ("id", "version", "modified_by", "modified_at")}
                      for row in data[grid]]
    data["ean"] = ""  # CTF-31: EAN is unique among contractors
    return data


def editable_state(contractor_id: int | None) -> dict:
    """For the card: {'fields': {field: reason}, 'bank_accounts': reason|None} of what is read-only."""
    c = get_contractor(contractor_id) if contractor_id else None
    return {"fields": rules.lock_reasons(c), "bank_accounts": rules.bank_accounts_lock_reason(c)}


def save_card(contractor_id: int | None, data: dict, **kwargs) -> Contractor:
    """_save_card under run_write: a deadlock or serialisation failure (PostgreSQL) runs the whole save
    again, a few times, before the clerk is told „Spróbuj ponownie” (issue 16 §2)."""
    return run_write(_save_card, contractor_id, data, **kwargs)


def _save_card(contractor_id: int | None, data: dict, *, bank_accounts: list[dict] | None = None,
               representatives: list[dict] | None = None, attributes: list[dict] | None = None,
               jpk_codes: list[dict] | None = None, recipients: list[dict] | None = None,
               confirm: bool = False, operator: str = "", version: int | None = None) -> Contractor:
    """Create (contractor_id None) or change a card with its grids, in one transaction.

    `version`: the record version the card loaded; when another session saved the card since, StaleRecord
    (who, when) is raised before anything is written (issue 16).

    `data`: the card fields to change (a card sends only those its user changed; the others stay as
    stored). A grid is given as CHANGES (store.gridrows: rows added, fields changed by row id and
    version, rows removed) — a row another session added stays, one it changed since is a StaleRecord —
    or as a full list (a new card, a copy, an import: rows with an `id` are kept, missing ones deleted);
    None leaves a grid untouched. Only the rows and fields that differ are written. Raises ValidationError (every bad field, in Polish), Refused, or
    ConfirmationNeeded (warnings the user must accept; call again with confirm=True)."""
    with write():
        if contractor_id:
            lock_current(Contractor, contractor_id, version)
        current_obj = get_contractor(contractor_id) if contractor_id else None
        given = {"bank_accounts": bank_accounts, "representatives": representatives, "attributes": attributes,
                 "jpk_codes": jpk_codes, "recipients": recipients}
        stored_grids = grid_rows(current_obj) if current_obj is not None else {g: [] for g in GRIDS}
        for grid, value in given.items():
            if is_changes(value):
                given[grid] = apply_changes(stored_grids[grid], value, what=grid_name(grid))
        bank_accounts, representatives, attributes, jpk_codes, recipients = (given[g] for g in GRIDS)
        is_new = current_obj is None
        current = _values(current_obj) if current_obj else new_card_defaults()
        errors: dict[str, str] = {}
        clean = rules.normalise(data, current, errors)
        # A field the user may not change (branch CONF rules, subordinate card) must stay as it is.
        locks = rules.lock_reasons(current_obj)
        if is_new:
            rules.derive(clean, current, True)
        for f, reason in locks.items():
            if f in clean and clean[f] != current.get(f) and not (
                    f == "transaction_type" and clean[f] == _derived_type(clean, current)):
                errors[f] = reason
        if not is_new:
            rules.derive(clean, current, False)
        merged = {**current, **clean}
        warnings: list[str] = []
        fixes = rules.check_values(merged, errors, warnings, contractor_id)
        grid_errors: dict[str, str] = {}
        bank_reason = rules.bank_accounts_lock_reason(current_obj)
        if bank_accounts is not None:
            if bank_reason and _grid_changed(current_obj, "bank_accounts", bank_accounts, BANK_FIELDS):
                grid_errors["bank_accounts"] = bank_reason
            else:
                bank_accounts = check_bank_accounts(bank_accounts, grid_errors, is_branch_locked=bool(bank_reason))
        if representatives is not None:
            representatives = check_representatives(representatives, grid_errors)
        if attributes is not None:
            attributes = check_attributes(attributes, grid_errors)
        if jpk_codes is not None:
            jpk_codes = check_jpk_codes(jpk_codes, grid_errors)
        if recipients is not None:
            recipients = check_recipients(recipients, grid_errors, contractor_id)
        if current_obj is not None and current_obj.main_id is not None and (
                _grid_changed(current_obj, "representatives", representatives, REP_FIELDS)
                or _grid_changed(current_obj, "attributes", attributes, ATTRIBUTE_FIELDS)
                or _grid_changed(current_obj, "jpk_codes", jpk_codes, JPK_FIELDS)
                or _grid_changed(current_obj, "recipients", recipients, RECIPIENT_FIELDS)):
            grid_errors["representatives"] = rules.subordinate_reason(current_obj.main.code)  # MRG-11
        errors.update(grid_errors)
        if errors:
            raise ValidationError(errors)
        merged.update(fixes)
        nip_changed = is_new or merged["nip_key"] != current_obj.nip_key
        more, blocks, same_nip_city = rules.similar_warnings(merged, contractor_id, is_new, nip_changed=nip_changed)
        if blocks:
            raise Refused("\n".join(blocks))
        warnings.extend(more)
        if warnings and not confirm:
            raise rules.ConfirmationNeeded(warnings)
        row = {f: merged[f] for f in CARD_FIELDS if f != "group_id"}
        row.update(group=merged.get("group_id"), nip_key=merged["nip_key"], ean=merged["ean"],
                   modified_by=operator)
        try:
            with database.atomic():  # a savepoint: a lost race on a unique code/EAN is reported, not raised raw
                if is_new:
                    # CONF-14 new card: GID null; CONF-18/19 same NIP + city as a local card: GID -1.
                    gid = -1 if (same_nip_city and role() == "branch") else None
                    c = Contractor.create(**row, gid=gid, created_by=operator)
                else:
                    c = current_obj
                    before = dict(c.__data__)
                    for k, v in row.items():
                        setattr(c, k, v)
                    c.exported = False  # changed since the last send (CONF-22)
                    # only the fields that change are written, with the stamps (version + 1, who, when)
                    changed = [Contractor._meta.fields[k] for k, v in c.__data__.items() if before.get(k) != v]
                    c.save(only=[*changed, Contractor.modified_at, Contractor.modified_by, Contractor.version])
        except IntegrityError:
            raise ValidationError({"code": _("Pole „Kod”: Kontrahent o takim kodzie już istnieje.") + " " + _(
                "Inny użytkownik właśnie zapisał kartę o tym kodzie lub kodzie EAN.")}) from None
        if bank_accounts is not None and not bank_reason:
            banks_changed = _grid_changed(current_obj, "bank_accounts", bank_accounts, BANK_FIELDS)
            replace_rows(c, BankAccount, "bank_accounts", bank_accounts, BANK_FIELDS)
            if banks_changed:  # BNK-10: account changes go to the card's change log
                log(c.id, _("Zmieniono rachunki bankowe: {n} na karcie.").format(n=len(bank_accounts)), operator)
        if representatives is not None:
            replace_rows(c, Representative, "representatives", representatives, REP_FIELDS)
        if attributes is not None:
            replace_rows(c, ContractorAttribute, "attributes", attributes, ATTRIBUTE_FIELDS)
        if jpk_codes is not None:
            replace_rows(c, ContractorJpkCode, "jpk_codes", jpk_codes, JPK_FIELDS)
        if recipients is not None:
            replace_rows(c, ContractorRecipient, "recipients", recipients, RECIPIENT_FIELDS)
        return c


def _derived_type(clean: dict, current: dict) -> str:
    from store.parties.countries import transaction_type_for

    return transaction_type_for(clean.get("nip_country", current.get("nip_country", "")))


def _grid_changed(c: Contractor | None, grid: str, rows: list[dict] | None, fields) -> bool:
    """Whether a grid given by the card differs from what is stored."""
    if rows is None:
        return False
    model = {"bank_accounts": BankAccount, "representatives": Representative, "attributes": ContractorAttribute,
             "jpk_codes": ContractorJpkCode, "recipients": ContractorRecipient}[grid]
    def stored_value(r, f):
        return getattr(r, f + "_id") if isinstance(model._meta.fields[f], ForeignKeyField) else getattr(r, f)
    stored = [] if c is None else [tuple(str(stored_value(r, f)) for f in fields)
                                   for r in model.select().where(model.contractor == c.id).order_by(model.id)]
    given = [tuple(str(row.get(f, model._meta.fields[f].default)) for f in fields) for row in rows]
    return sorted(stored) != sorted(given)


def create_contractor(data: dict, *, confirm: bool = False, operator: str = "") -> Contractor:
    """New card from a dict of card fields; `bank_accounts`/`representatives`/`attributes` keys may hold lists."""
    return save_card(None, data, bank_accounts=data.get("bank_accounts"),
                     representatives=data.get("representatives"), attributes=data.get("attributes"),
                     jpk_codes=data.get("jpk_codes"), recipients=data.get("recipients"), confirm=confirm,
                     operator=operator)


def update_contractor(contractor_id: int, data: dict, *, confirm: bool = False, operator: str = "") -> Contractor:
    return save_card(contractor_id, data, bank_accounts=data.get("bank_accounts"),
                     representatives=data.get("representatives"), attributes=data.get("attributes"),
                     jpk_codes=data.get("jpk_codes"), recipients=data.get("recipients"), confirm=confirm,
                     operator=operator)


def copy_contractor(contractor_id: int, new_code: str, *, confirm: bool = True, operator: str = "") -> Contractor:
    """Ctrl+Insert (CTR-16): a new card (new guid, no GID) with all data of another; the code must change."""
    data = copy_data(contractor_id)
    data["code"] = new_code
    return create_contractor(data, confirm=confirm, operator=operator)


def _delete_refusal(c: Contractor) -> str | None:
    from store.trade.documents import Document

    from store.cash import SETTLEMENT_CODE, contractor_usage

    if c.code == UNSPECIFIED_CODE:
        return _("Kontrahenta !NIEOKREŚLONY! nie można usunąć.")  # CTR-30
    if c.code == SETTLEMENT_CODE:
        return _("Kontrahenta !ROZLICZENIA! nie można usunąć – służy do rozliczeń z centralą.")  # SETT-9
    if role() == "branch" and c.gid is not None and c.gid != -1:
        return _("Nie można usunąć w oddziale kontrahenta otrzymanego z centrali.")  # CONF-2, CTR-18
    docs = list(Document.select(Document.kind, Document.number).where(Document.contractor == c.id)
                .order_by(Document.issue_date, Document.id).limit(6))
    if docs:
        count = Document.select().where(Document.contractor == c.id).count()
        names = ", ".join(f"{d.kind} {d.number}".strip() for d in docs[:5]) + (" …" if count > 5 else "")
        return _("Nie można usunąć kontrahenta, ponieważ występuje na dokumentach ({n}): {docs}.").format(
            n=count, docs=names)  # CTR-17, CONF-1
    entries, payments = contractor_usage(c.id)
    if entries or payments:  # CONF-1: a cash entry or a payment refers to it
        return _("Nie można usunąć kontrahenta, który występuje w zapisach kasowych ({n}) i płatnościach "
                 "({m}).").format(n=entries, m=payments)
    owner = (Contractor.select(Contractor.code)
             .join(ContractorRecipient, on=(ContractorRecipient.contractor == Contractor.id))
             .where(ContractorRecipient.recipient == c.id).first())
    if owner is not None:  # CTR-17: a record refers to it
        return _("Nie można usunąć kontrahenta, który jest odbiorcą kontrahenta {code}.").format(code=owner.code)
    if c.duplicates.exists():
        return _("Nie można usunąć kontrahenta, który jest kartą główną połączonych duplikatów.")
    return None


def delete_contractor(contractor_id: int) -> None:
    """Delete an unused card (CTR-17/18/30, CONF-1/2); refuses with the reason (naming the documents)."""
    with write():
        c = get_contractor(contractor_id)
        reason = _delete_refusal(c)
        if reason:
            raise Refused(reason)
        ContractorLog.delete().where(ContractorLog.contractor == c.id).execute()
        c.delete_instance(recursive=False)


def delete_contractors(ids: list[int]) -> dict:
    """CTR-19: delete every marked card that may go; the others are reported with the reason."""
    report = {"deleted": [], "refused": []}
    with write():
        for cid in ids:
            c = Contractor.get_or_none(Contractor.id == cid)
            if c is None:
                continue
            reason = _delete_refusal(c)
            if reason:
                report["refused"].append((c.id, c.code, reason))
            else:
                report["deleted"].append((c.id, c.code))
                c.delete_instance()
    return report


def find_unspecified() -> Contractor | None:
    """CTR-30: the walk-in contractor !NIEOKREŚLONY! (None only before the company is set up)."""
    return Contractor.get_or_none(Contractor.code == UNSPECIFIED_CODE)


def ensure_unspecified() -> Contractor:
    """CTR-30: the walk-in contractor !NIEOKREŚLONY! always exists (call when a company is created)."""
    with write():
        return find_unspecified() or Contractor.create(code=UNSPECIFIED_CODE, name="!NIEOKREŚLONY!", nip_country="")


# --- groups (CTF-5; local to the database, CONF-9) ------------------------------------------------

def create_group(code: str, description: str = "") -> ContractorGroup:
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": _("Pole „Grupa”: podaj kod grupy.")})
    if len(code) > 20:
        raise ValidationError({"code": _("Pole „Grupa”: najwyżej 20 znaków.")})
    with write():
        if ContractorGroup.select().where(ContractorGroup.code == code).exists():
            raise ValidationError({"code": _("Grupa kontrahentów o takim kodzie już istnieje.")})
        return ContractorGroup.create(code=code, description=(description or "").strip())


def list_groups() -> list[ContractorGroup]:
    return list(ContractorGroup.select().order_by(ContractorGroup.code))


def log(contractor_id: int, text: str, operator: str = "") -> None:
    ContractorLog.create(contractor=contractor_id, text=text[:250], operator=operator)


def rebuild_nip_keys() -> int:
    """Fill the NIP search key (CTF-8) of cards written in bulk without it (demo data, imports)."""
    n = 0
    with write():
        for cid, nip, prefix in (Contractor.select(Contractor.id, Contractor.nip, Contractor.nip_country)
                                 .where((Contractor.nip != "") & (Contractor.nip_key == "")).tuples()):
            Contractor.update(nip_key=rules.nip_key(nip, prefix)).where(Contractor.id == cid).execute()
            n += 1
    return n
