"""HQ's side of the cycle (SYNC-16, SYNC-18, SYNC-22; issue 13 §7).

    create_branch("KRAK", folder=..., register_gid=..., operators=("ADMIN", "JAN"))   # the branch card
    write_first_dla("KRAK")        # DLA_MAGAZYN.XLO (refused without a register or an operator)
    process_branch("KRAK")         # read OD_KRAK.XLO if there is one, write the next DLA_KRAK.XLO

Reading an OD, storing what it brings (contractors with GIDs, CONF-14..20), writing the next DLA `.tmp` +
fsync and moving the token are one transaction; the DLA is renamed and the OD moved to `processed/` after the
commit. A run that finds its DLA missing (killed before the rename) writes it again with the same number."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from store.base import utcnow
from store.catalog.dictionaries import Warehouse
from store.config import Operator, get_setting
from store.db import run_write
from store.errors import FiliaError, NotFound, Refused
from store.exchange import contractors as ex_contractors
from store.exchange import history
from store.exchange.models import HqBranch
from store.exchange.state import FULL, REFUSE, SKIP, hq_decision
from store.i18n import _
from sync import faults, files
from sync.branch import PROGRAM
from sync.dla import write_dla
from sync.xlo import XloRefused
from sync.xlo.reader import flag, parse_utc, read_xlo
from sync.xlo.safe import Limits


@dataclass
class HqReport:
    mode: str                       # full | partial | skipped | rewritten | none
    dla: Path | None = None
    seq_read: int | None = None
    seq_written: int | None = None
    counts: dict = field(default_factory=dict)


def _ensure_hq() -> None:
    if get_setting("role") != "hq":
        raise Refused(_("Pliki dla oddziałów przygotowuje baza centrali."))


def card(symbol: str) -> HqBranch:
    row = HqBranch.get_or_none(HqBranch.symbol == symbol)
    if row is None:
        raise NotFound(_("Centrala nie zna oddziału {symbol}.").format(symbol=symbol))
    return row


def create_branch(symbol: str, *, folder: str, register_gid: int | None = None, operators=("ADMIN",), name: str = "",
                  extra_series=(), default_price_type: str = "detaliczna", autonomous_price_type: str = "",
                  fs_from_pa_days: int = 7) -> HqBranch:
    """The branch card at HQ and the HQ warehouse that mirrors the branch (SYNC-1, SYNC-22, MM-1)."""
    _ensure_hq()

    def make() -> HqBranch:
        Warehouse.get_or_none(Warehouse.symbol == symbol) or Warehouse.create(symbol=symbol, name=name or symbol)
        return HqBranch.create(symbol=symbol, branch_id=str(uuid.uuid4()), name=name, folder=str(folder),
                               register_gid=register_gid, operators=",".join(operators),
                               extra_series=",".join(extra_series), default_price_type=default_price_type,
                               autonomous_price_type=autonomous_price_type, fs_from_pa_days=fs_from_pa_days,
                               dla_name=files.MAGAZYN)
    return run_write(make)


def _header(c: HqBranch, seq: int, file_id: str, *, first: bool, test: bool) -> dict:
    return {"direction": "DLA", "branch_symbol": c.symbol, "branch_id": c.branch_id, "seq": seq,
            "created_at": utcnow(), "file_id": file_id, "ack_file_id": c.last_od_file_id or None, "first": first,
            "test": test, "program": PROGRAM}


def _write_pending(c: HqBranch, seq: int, *, first: bool, test: bool) -> Path:
    """Inside the caller's transaction: the DLA `.tmp` with number `seq`; the card remembers it."""
    folder = Path(c.folder)
    final = folder / (files.MAGAZYN if first else files.dla_name(c.symbol))
    tmp = files.tmp_of(final)
    file_id = str(uuid.uuid4())
    confirmations = ex_contractors.hq_confirmations(c.symbol)
    n = write_dla(tmp, _header(c, seq, file_id, first=first, test=test), c, confirmations)
    ex_contractors.hq_mark_confirmations_sent(c.symbol, file_id)
    HqBranch.update(last_seq_written=seq, last_dla_file_id=file_id, dla_name=final.name,
                    **HqBranch.stamp_names()).where(HqBranch.id == c.id).execute()
    history.record(side="hq", result="written", symbol=c.symbol, file_name=final.name, direction="DLA", seq=seq,
                   file_id=file_id, counts={"records": n, "confirmations": len(confirmations)})
    return final


def write_first_dla(symbol: str, *, test: bool = False) -> Path:
    """SYNC-4, SYNC-16: DLA_MAGAZYN.XLO, refused while the branch has no register or no operator."""
    _ensure_hq()
    c = card(symbol)
    from store.cash.models import CashRegister
    if not c.register_gid or CashRegister.get_or_none(CashRegister.id == c.register_gid) is None:
        raise Refused(_("Oddział {symbol} nie ma rejestru kasowego – pierwszy plik nie może zostać utworzony.")
                      .format(symbol=symbol))
    logins = [x for x in c.operators.split(",") if x]
    if not logins or not Operator.select().where(Operator.login.in_(logins)).exists():
        raise Refused(_("Oddział {symbol} nie ma operatorów – pierwszy plik nie może zostać utworzony.")
                      .format(symbol=symbol))
    out: list[Path] = []
    run_write(lambda: out.append(_write_pending(card(symbol), 1, first=True, test=test)))
    faults.point("hq_after_commit")
    files.publish(files.tmp_of(out[-1]), out[-1])
    return out[-1]


def _dla_in_place(c: HqBranch) -> bool:
    path = Path(c.folder) / (c.dla_name or files.dla_name(c.symbol))
    if not path.exists():
        return False
    try:
        with read_xlo(path) as xlo:
            return xlo.header.get("file_id") == c.last_dla_file_id
    except XloRefused:
        return False


def process_branch(symbol: str, *, licensed: bool = False, test: bool = False,
                   limits: Limits = Limits()) -> HqReport:
    _ensure_hq()
    c = card(symbol)
    folder = Path(c.folder)
    od = folder / files.od_name(symbol)
    if not od.exists():
        if c.last_seq_written is not None and not _dla_in_place(c):
            return _rewrite_pending(symbol, test=test)
        return HqReport("none")
    state: dict = {}

    def run() -> None:
        counts: dict = {}
        state.clear()
        current = card(symbol)
        with read_xlo(od, limits=limits) as xlo:
            h = xlo.header
            _check_od_header(h, current, licensed)
            seq = int(h["seq"])
            state.update(seq=seq, file_id=h["file_id"])
            decision = hq_decision(current, seq, h["file_id"])
            if decision.mode == REFUSE:
                raise XloRefused(decision.code, decision.reason)
            if decision.mode == SKIP:
                state.update(mode=SKIP)
                return
            ex_contractors.hq_acknowledge(symbol, h.get("ack_file_id", ""))
            received = 0
            for rec in xlo.records():
                if rec.tag == "contractor":
                    ex_contractors.hq_receive(rec.attrs, symbol)
                    received += 1
                faults.point("hq_apply")
            counts["contractors"] = received
        changes = {HqBranch.last_od_file_id: h["file_id"]}
        if decision.mode == FULL:
            changes.update({HqBranch.last_seq_read: seq, HqBranch.last_sync_date: parse_utc(h["created_at"])})
        HqBranch.update({**changes, **HqBranch.stamp()}).where(HqBranch.id == current.id).execute()
        history.record(side="hq", result=decision.mode, symbol=symbol, file_name=od.name, direction="OD", seq=seq,
                       file_id=h["file_id"], counts=counts)
        final = _write_pending(card(symbol), decision.reply_seq, first=False, test=test)
        state.update(mode=decision.mode, dla=final, reply=decision.reply_seq, counts=counts)

    try:
        run_write(run)
    except XloRefused as exc:
        files.tmp_of(folder / files.dla_name(symbol)).unlink(missing_ok=True)
        history.record(side="hq", result="refused", symbol=symbol, file_name=od.name, direction="OD",
                       seq=state.get("seq"), file_id=state.get("file_id", ""), code=exc.code, reason=str(exc))
        files.move_aside(od, "rejected", f"{exc.code}: {exc}")
        raise
    except FiliaError as exc:
        history.record(side="hq", result="failed", symbol=symbol, file_name=od.name, direction="OD",
                       seq=state.get("seq"), file_id=state.get("file_id", ""), code="failed", reason=str(exc))
        raise
    if state.get("mode") == SKIP:
        history.record(side="hq", result=SKIP, symbol=symbol, file_name=od.name, direction="OD",
                       seq=state.get("seq"), file_id=state.get("file_id", ""), code="known_file")
        files.move_aside(od, "processed")
        c = card(symbol)
        if not _dla_in_place(c):
            return _rewrite_pending(symbol, test=test)
        return HqReport(SKIP, seq_read=state.get("seq"))
    faults.point("hq_after_commit")
    dla = state["dla"]
    files.publish(files.tmp_of(dla), dla)
    magazyn = folder / files.MAGAZYN
    if dla.name != files.MAGAZYN and magazyn.exists():
        magazyn.unlink()
    faults.point("hq_before_move")
    files.move_aside(od, "processed")
    return HqReport(state["mode"], dla, state["seq"], state["reply"], state["counts"])


def _rewrite_pending(symbol: str, *, test: bool) -> HqReport:
    """The DLA written last is not in the folder (a kill between commit and rename): the same number again."""
    out: list[Path] = []

    def run() -> None:
        c = card(symbol)
        out.append(_write_pending(c, c.last_seq_written, first=c.dla_name == files.MAGAZYN, test=test))
    run_write(run)
    files.publish(files.tmp_of(out[-1]), out[-1])
    return HqReport("rewritten", out[-1], seq_written=card(symbol).last_seq_written)


def _check_od_header(h: dict, c: HqBranch, licensed: bool) -> None:
    if h.get("direction") != "OD":
        raise XloRefused("direction", _("Plik wymiany nie jest plikiem oddziału dla centrali (kierunek {d}).")
                         .format(d=h.get("direction", "")))
    if h.get("branch_symbol") != c.symbol or h.get("branch_id") != c.branch_id:                # SYNC-15
        raise XloRefused("addressee", _("Plik wymiany pochodzi od innego oddziału ({symbol}).").format(
            symbol=h.get("branch_symbol", "")))
    if c.blocked:                                                                             # RET-10
        raise XloRefused("blocked", _("Magazyn oddziału {symbol} jest zablokowany – plik nie został wczytany.")
                         .format(symbol=c.symbol))
    if licensed and flag(h, "test"):                                                          # KEY-262
        raise XloRefused("test_file", _("Plik wymiany pochodzi z instalacji demonstracyjnej – licencjonowana "
                                        "centrala go nie wczytuje."))
