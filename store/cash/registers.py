"""Cash/bank registers and the payment forms linked to them (CASH-1, CASH-2, CASH-15, SETT-9).

In a branch both come only from HQ (`apply_hq_registers`, `apply_hq_payment_forms`, called by
synchronisation) and are read-only; in HQ and a standalone database they are edited here.
"""
from __future__ import annotations

from typing import Iterable

from store.base import lock_current
from store.cash.ledger import lock_register, transaction
from store.cash.models import REGISTER_KINDS, SETTLEMENT_CODE, CashRegister, CashReport
from store.catalog.dictionaries import PaymentForm
from store.config import get_setting
from store.db import write
from store.errors import NotFound, Refused, ValidationError
from store.i18n import _
from store.parties.models import Contractor

CASH_FORM_KINDS = ("cash", "cheque")   # CASH-3 OPEN: a cheque is taken like cash
CARD_FORM_KIND = "card"
HQ_FORM_KINDS = ("cash", "transfer", "card", "credit", "other", "cheque")


def is_branch() -> bool:
    return get_setting("role") == "branch"


def edit_refusal() -> str | None:
    """Why registers cannot be added, changed or deleted here (CASH-1), or None."""
    if is_branch():
        return _("Rejestry kasowe/bankowe definiuje centrala.")
    return None


def payment_form_refusal() -> str | None:
    if is_branch():
        return _("Formy płatności definiuje centrala – w oddziale można je tylko przeglądać.")
    return None


def visible_registers() -> list[CashRegister]:
    """The registers a user sees and works in (!ROZLICZENIA! is hidden, CASH-15)."""
    return list(CashRegister.select().where(CashRegister.hidden == False)  # noqa: E712
                .order_by(CashRegister.symbol))


def default_register_id() -> int | None:
    row = (CashRegister.select(CashRegister.id)
           .where((CashRegister.hidden == False) & (CashRegister.active == True))  # noqa: E712
           .order_by(CashRegister.kind, CashRegister.symbol).first())
    return row.id if row is not None else None


def _clean(symbol: str, name: str, kind: str, register_id: int | None) -> dict:
    errors = {}
    symbol = (symbol or "").strip().upper()
    if not symbol or len(symbol) > 20:
        errors["symbol"] = _("Pole „Symbol”: 1–20 znaków.")
    elif symbol == SETTLEMENT_CODE:
        errors["symbol"] = _("Symbol {s} jest zarezerwowany dla rejestru rozliczeń z centralą.").format(s=symbol)
    elif CashRegister.select().where((CashRegister.symbol == symbol) & (CashRegister.id != (register_id or 0))).exists():
        errors["symbol"] = _("Rejestr o symbolu {s} już istnieje.").format(s=symbol)
    if kind not in REGISTER_KINDS:
        errors["kind"] = _("Pole „Rodzaj”: kasa albo rachunek bankowy.")
    if errors:
        raise ValidationError(errors)
    return {"symbol": symbol, "name": (name or "").strip()[:120], "kind": kind}


@transaction
def save_register(register_id: int | None, version: int | None, *, symbol: str, name: str = "", kind: str = "cash",
                  active: bool = True) -> CashRegister:
    """Add or change a register (HQ, standalone). A branch is refused (CASH-1)."""
    refusal = edit_refusal()
    if refusal:
        raise Refused(refusal)
    values = _clean(symbol, name, kind, register_id)
    if register_id is None:
        return CashRegister.create(**values, active=bool(active))
    row = lock_current(CashRegister, register_id, version)
    if row.technical:
        raise Refused(_("Rejestr {s} jest rejestrem technicznym – nie można go zmieniać.").format(s=row.symbol))
    CashRegister.update({**{getattr(CashRegister, k): v for k, v in values.items()},
                         CashRegister.active: bool(active), **CashRegister.stamp()}) \
        .where(CashRegister.id == register_id).execute()
    return CashRegister.get_by_id(register_id)


@transaction
def delete_register(register_id: int) -> None:
    refusal = edit_refusal()
    if refusal:
        raise Refused(refusal)
    row = lock_register(register_id)
    if row.technical:
        raise Refused(_("Rejestru {s} nie można usunąć.").format(s=row.symbol))
    if CashReport.select().where(CashReport.register == row.id).exists():
        raise Refused(_("Rejestr {s} ma raporty kasowe – nie można go usunąć.").format(s=row.symbol))
    if PaymentForm.select().where(PaymentForm.register == row.id).exists():
        raise Refused(_("Rejestr {s} jest przypisany do form płatności – nie można go usunąć.").format(s=row.symbol))
    CashRegister.delete().where(CashRegister.id == row.id).execute()


def register_by_gid(gid: int) -> CashRegister:
    row = CashRegister.get_or_none(CashRegister.gid == gid)
    if row is None:
        raise NotFound(_("Brak rejestru kasowego o identyfikatorze centrali {gid}.").format(gid=gid))
    return row


def _upsert_from_hq(model, gid: int, key: str, values: dict) -> int:
    """A record from HQ, matched by its GID, then by its code (a record made here before the first sync)."""
    current = model.get_or_none(model.gid == gid) or model.get_or_none(getattr(model, key) == values[key])
    if current is None:
        return model.create(**values, gid=gid, from_remote=True).id
    model.update({**{getattr(model, k): v for k, v in values.items()}, model.gid: gid, model.from_remote: True,
                  **model.stamp()}).where(model.id == current.id).execute()
    return current.id


@transaction
def apply_hq_registers(rows: Iterable[dict]) -> list[int]:
    """Registers from HQ (CASH-1): {"gid", "symbol", "name", "kind", "active"} each, matched by GID, then by
    symbol. Joins the caller's transaction. Returns the local ids."""
    ids = []
    for row in rows:
        values = {"symbol": str(row["symbol"]).strip().upper(), "name": str(row.get("name") or "")[:120],
                  "kind": row.get("kind") or "cash", "active": bool(row.get("active", True))}
        if values["kind"] not in REGISTER_KINDS:
            raise ValidationError({"kind": _("Rejestr {s} z centrali ma nieznany rodzaj {k}.").format(
                s=values["symbol"], k=values["kind"])})
        ids.append(_upsert_from_hq(CashRegister, int(row["gid"]), "symbol", values))
    return ids


@transaction
def apply_hq_payment_forms(rows: Iterable[dict]) -> list[int]:
    """Payment forms from HQ with the register they post to (CASH-2): {"gid", "name", "kind", "days", "active",
    "register_gid"} each, matched by GID, then by name. Joins the caller's transaction."""
    ids = []
    for row in rows:
        kind = row.get("kind") or "cash"
        if kind not in HQ_FORM_KINDS:
            raise ValidationError({"kind": _("Forma płatności {f} z centrali ma nieznany rodzaj {k}.").format(
                f=row.get("name"), k=kind)})
        register_gid = row.get("register_gid")
        values = {"name": str(row["name"]).strip()[:40], "kind": kind, "days": int(row.get("days") or 0),
                  "active": bool(row.get("active", True)),
                  "register": register_by_gid(int(register_gid)).id if register_gid is not None else None}
        ids.append(_upsert_from_hq(PaymentForm, int(row["gid"]), "name", values))
    return ids


@transaction
def set_payment_form_register(form_id: int, register_id: int | None) -> None:
    """Which register a payment form posts its KP/KW to (HQ, standalone; a branch gets it from HQ)."""
    refusal = payment_form_refusal()
    if refusal:
        raise Refused(refusal)
    if register_id is not None:
        reg = lock_register(register_id)
        if reg.technical:
            raise Refused(_("Do rejestru {s} nie można przypisać formy płatności.").format(s=reg.symbol))
    PaymentForm.update({PaymentForm.register: register_id, **PaymentForm.stamp()}) \
        .where(PaymentForm.id == form_id).execute()


def register_for_form(form: PaymentForm) -> CashRegister:
    """The register a form's cash entries go to: the form's own, else the only visible active cash register."""
    if form.register is not None:
        reg = CashRegister.get_or_none(CashRegister.id == form.register)
        if reg is not None:
            return reg
    candidates = list(CashRegister.select().where((CashRegister.hidden == False) & (CashRegister.active == True)  # noqa: E712
                                                  & (CashRegister.kind == "cash")).limit(2))
    if len(candidates) == 1:
        return candidates[0]
    raise Refused(_("Forma płatności „{f}” nie ma przypisanego rejestru kasowego.").format(f=form.name))


def ensure_settlement_objects() -> None:
    """SETT-9: a branch has the inactive, hidden register !ROZLICZENIA! (entries made by synchronisation
    only, CASH-15) and the inactive contractor !ROZLICZENIA!, which cannot be deleted. Idempotent; does
    nothing in HQ or a standalone database."""
    if not is_branch():
        return
    with write():
        CashRegister.insert(symbol=SETTLEMENT_CODE, name=SETTLEMENT_CODE, kind="cash", active=False, hidden=True,
                            technical=True).on_conflict_ignore().execute()
        if not Contractor.select().where(Contractor.code == SETTLEMENT_CODE).exists():
            Contractor.create(code=SETTLEMENT_CODE, name=SETTLEMENT_CODE, nip_country="", active=False)
