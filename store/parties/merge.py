"""Merging duplicate contractors (MRG): subordinates become read-only cards of one main card.

Nothing is deleted and documents are not re-pointed: a document issued to a subordinate stays on it
(MRG-14) and every calculation for the main card includes its subordinates (MRG-17). Re-pointing is
only done by sync when HQ re-keys a branch card (CONF-17): `repoint_documents()`.
"""
from __future__ import annotations

from store.base import utcnow
from store.config import role
from store.db import write
from store.errors import Refused, ValidationError
from store.i18n import _
from store.parties.cards import get_contractor, log
from store.parties.models import (UNSPECIFIED_CODE, BankAccount, Contractor, ContractorAttribute, ContractorJpkCode,
                                  ContractorLog, ContractorRecipient, Representative)
from store.parties.subrecords import REP_FIELDS


def merge_contractors(main_id: int, merged_ids: list[int], *, copy_attributes: bool = True,
                      copy_bank_accounts: bool = True, copy_representatives: bool = True,
                      copy_recipients: bool = True, operator: str = "") -> dict:
    """Make `merged_ids` subordinates of `main_id` (MRG-2..MRG-10), in one transaction.

    Returns {'main': id, 'merged': [codes], 'copied': {'attributes': n, 'bank_accounts': n,
    'representatives': n}, 'credit_used': Decimal}."""
    if role() == "branch":  # MRG OPEN: merging is an HQ operation; the branch receives the result
        raise Refused(_("Łączenie kontrahentów wykonuje centrala; w oddziale nie jest dostępne."))
    with write():
        main = get_contractor(main_id)
        if main.main_id is not None:  # MRG OPEN: merging into a subordinate goes to its main card
            main = main.main
        subs = []
        for sid in dict.fromkeys(merged_ids):
            s = get_contractor(sid)
            if s.id == main.id:
                continue
            if s.code == UNSPECIFIED_CODE:  # MRG-3
                raise Refused(_("Kontrahent !NIEOKREŚLONY! nie może zostać kontrahentem podrzędnym."))
            subs.append(s)
        if not subs:
            raise ValidationError({"merged_ids": _("Zaznacz co najmniej jednego kontrahenta do połączenia z kartą "
                                                   "główną {code}.").format(code=main.code)})
        copied = {"attributes": 0, "bank_accounts": 0, "representatives": 0, "jpk_codes": 0, "recipients": 0}
        have_recipients = {r.recipient_id for r in main.recipients} | {main.id}
        have_jpk = {j.code for j in main.jpk_codes}
        have_attrs = {a.name for a in main.attributes}
        have_accounts = {b.number_key for b in main.bank_accounts}
        have_default_cur = {b.currency for b in main.bank_accounts if b.is_default}
        have_reps = {r.name.strip().casefold() for r in main.representatives}
        main_has_default_rep = any(r.is_default for r in main.representatives)
        credit = main.credit_used
        for s in subs:
            if copy_attributes:  # MRG-4
                for a in s.attributes:
                    if a.name not in have_attrs:
                        ContractorAttribute.create(contractor=main.id, name=a.name, value=a.value,
                                                   append_to_document=a.append_to_document,
                                                   code_before_value=a.code_before_value)
                        have_attrs.add(a.name)
                        copied["attributes"] += 1
            if copy_bank_accounts:  # MRG-4, MRG-5 (the white-list state goes with the account)
                for b in s.bank_accounts.order_by(BankAccount.id):
                    if b.number_key not in have_accounts:
                        BankAccount.create(contractor=main.id, number=b.number, number_key=b.number_key,
                                           bank_name=b.bank_name, description=b.description, currency=b.currency,
                                           is_default=b.currency not in have_default_cur,
                                           in_white_list=b.in_white_list, last_checked=b.last_checked)
                        have_accounts.add(b.number_key)
                        have_default_cur.add(b.currency)
                        copied["bank_accounts"] += 1
            if copy_representatives:  # MRG-4, MRG-7
                for r in s.representatives.order_by(Representative.id):
                    key = r.name.strip().casefold()
                    if key not in have_reps:
                        values = {f: getattr(r, f) for f in REP_FIELDS}
                        values["is_default"] = not main_has_default_rep and r.is_default
                        main_has_default_rep = main_has_default_rep or values["is_default"]
                        Representative.create(contractor=main.id, **values)
                        have_reps.add(key)
                        copied["representatives"] += 1
            if copy_recipients:  # MRG-2, MRG-4
                for r in s.recipients:
                    if r.recipient_id not in have_recipients:
                        ContractorRecipient.create(contractor=main.id, recipient=r.recipient_id, is_default=False)
                        have_recipients.add(r.recipient_id)
                        copied["recipients"] += 1
            for j in s.jpk_codes:  # MRG-9, CTF-60: JPK_V7 codes are appended to the main card
                if j.code not in have_jpk:
                    ContractorJpkCode.create(contractor=main.id, code=j.code)
                    have_jpk.add(j.code)
                    copied["jpk_codes"] += 1
            for f in ("phone", "email"):  # MRG-6: only into an empty field of the main card
                if not getattr(main, f) and getattr(s, f):
                    setattr(main, f, getattr(s, f))
            credit += s.credit_used  # MRG-10
            # No chains: duplicates of a merged card become duplicates of the main card.
            (Contractor.update(main=main.id, modified_at=utcnow(), exported=False)
             .where(Contractor.main == s.id).execute())
            s.main = main.id
            s.credit_used = 0
            s.exported = False
            s.save()
            log(s.id, _("Karta połączona z kontrahentem głównym {code}.").format(code=main.code), operator)
        main.credit_used = credit
        main.exported = False
        main.save()
        codes = [s.code for s in subs]
        log(main.id, _("Połączono duplikaty: {codes}.").format(codes=", ".join(codes)), operator)
        return {"main": main.id, "merged": codes, "copied": copied, "credit_used": credit}


def duplicates_of(contractor_id: int) -> list[Contractor]:
    """MRG-12 "Lista duplikatów karty"."""
    return list(Contractor.select().where(Contractor.main == contractor_id).order_by(Contractor.code))


def repoint_documents(from_id: int, to_id: int) -> int:
    """CONF-17: documents of one card go to another (sync re-keying). Snapshots are not touched."""
    from store.trade.documents import Document

    with write():
        get_contractor(from_id), get_contractor(to_id)
        n = Document.update(contractor=to_id).where(Document.contractor == from_id).execute()
        ContractorLog.create(contractor=to_id, text=_("Przepięto dokumenty z innej karty ({n}).").format(n=n))
        return n
