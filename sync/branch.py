"""A branch's synchronisation run (SYNC-7): read the DLA, check addressee and token (SYNC-15, SYNC-13), apply
it (SYNC-10/11, in the SYNC-8 order), select the outgoing data (SYNC-19), write `OD_<SYM>.XLO.tmp` + fsync,
mark what was written (SYNC-20), store token and dates: ONE transaction. The OD is renamed into place after the
commit; a run killed in between leaves the database with the token moved and no OD, and the next run, reading
the same (now "not later") DLA, rewrites that OD with the same number (SYNC-14). The DLA stays in the folder.

    report = synchronise(folder=None, test=False)    # folder: this run only (SYNC-5)
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from store import gates
from store.base import session_operator, utcnow
from store.catalog.roles import hq_apply
from store.config import get_setting
from store.db import run_write
from store.errors import FiliaError, Refused
from store.exchange import contractors as ex_contractors
from store.exchange import dictionaries as ex_dict
from store.exchange import history
from store.exchange.catalogue import CatalogueApplier
from store.exchange.models import BranchLink
from store.exchange.state import PARTIAL, REFUSE, branch_decision, branch_link
from store.i18n import _
from sync import faults, files
from sync.xlo import XloRefused
from sync.xlo.reader import flag, parse_utc, read_xlo
from sync.xlo.safe import Limits
from sync.xlo.writer import XloWriter

PROGRAM = "filia 0.1.0"


@dataclass
class RunReport:
    mode: str                      # full | partial
    dla: Path
    od: Path
    seq_read: int
    seq_written: int
    counts: dict = field(default_factory=dict)


def _refuse(code: str, message: str) -> XloRefused:
    return XloRefused(code, message)


def _check_header(h: dict, symbol: str, link: BranchLink | None) -> None:
    if h.get("direction") != "DLA":
        raise _refuse("direction", _("Plik wymiany nie jest plikiem centrali dla oddziału (kierunek {d}).").format(
            d=h.get("direction", "")))
    if h.get("branch_symbol") != symbol:                                             # SYNC-4, SYNC-15
        raise _refuse("addressee", _("Plik wymiany jest przeznaczony dla innego oddziału ({symbol}).").format(
            symbol=h.get("branch_symbol", "")))
    if link is not None and h.get("branch_id") != link.branch_id:
        raise _refuse("branch_id", _("Plik wymiany jest przeznaczony dla innego oddziału ({symbol}): inny "
                                     "identyfikator oddziału.").format(symbol=h.get("branch_symbol", "")))


def _series_row(attrs: dict, children: list) -> dict:
    return {"doc_class": attrs["doc_class"], "series": attrs.get("series", ""), "default": flag(attrs, "default"),
            "extra": flag(attrs, "extra"), "pattern": attrs.get("pattern"), "period": attrs.get("period"),
            "counters": {c["period"]: int(c["last"]) for t, c in children if t == "counter"}}


def _apply(xlo, *, partial: bool, first: bool, counts: dict) -> None:
    """Every block of the DLA in file order (the XSD fixes SYNC-8's order). Partial: goods and contractors
    not present yet, nothing else (SYNC-11)."""
    goods = None        # made at the first goods record: the settings block before it may add a price type
    cards = ex_contractors.BranchContractors(partial=partial)
    rows: dict[str, list] = {}
    register_gids: list[int] = []

    def close(block: str) -> None:
        nonlocal register_gids
        got = rows.pop(block, [])
        if partial or not got:
            return
        if block == "settings":
            counts["settings"] = ex_dict.apply_settings([(r["key"], r["value"]) for _t, r in got])
        elif block == "warehouses":
            counts["warehouses"] = ex_dict.apply_warehouses([r for _t, r in got])
        elif block == "operators":
            counts["operators"] = ex_dict.apply_operators([r for _t, r in got])
        elif block == "numbering":
            counts["series"] = ex_dict.apply_series([r for _t, r in got])
        elif block == "registers":
            registers = [r for t, r in got if t == "register"]
            counts["registers"] = ex_dict.apply_registers(registers, [r for t, r in got if t == "payment_form"])
            register_gids = [int(r["gid"]) for r in registers]
        elif block == "vat_rates":
            counts["vat"] = ex_dict.apply_vat([r for _t, r in got])
        elif block == "confirmations":
            counts["confirmations"] = ex_contractors.apply_confirmations([r for _t, r in got])

    block = None
    for rec in xlo.records():
        if rec.block != block:
            if block is not None:
                close(block)
            block = rec.block
        if rec.tag == "stamp":
            if not partial:
                counts["stamp"] = ex_dict.apply_stamp(rec.attrs)
        elif rec.tag == "goods":
            if goods is None:
                goods = CatalogueApplier(partial=partial)
            goods.add(rec.attrs, rec.children)
        elif rec.tag == "contractor":
            cards.add(rec.attrs)
        elif rec.tag == "series":
            rows.setdefault(block, []).append((rec.tag, _series_row(rec.attrs, rec.children)))
        else:
            rows.setdefault(block, []).append((rec.tag, rec.attrs))
        faults.point("apply")
    if block is not None:
        close(block)
    if goods is not None:
        counts.update(goods.finish())
    counts.update(cards.finish())
    if first:
        if not register_gids:
            raise _refuse("first_incomplete", _("Pierwszy plik z centrali nie zawiera rejestru kasowego oddziału – "
                                                "plik nie został wczytany."))
        from store.cash import ensure_first_report
        ensure_first_report(register_gids[0])                                        # CASH-4, SYNC-17
        gates.mark_first_sync_done()                                                 # SETUP-5


def _write_od(path: Path, header: dict, counts: dict) -> list:
    sent = []
    with XloWriter(path, header) as w:
        w.block("contractors")
        for card in ex_contractors.outgoing():
            rec = ex_contractors.record_of(card, card.gid if card.gid is not None else 0)
            w.record("contractor", rec)
            sent.append((card.id, card.modified_at))
            faults.point("od")
    counts["sent_contractors"] = len(sent)
    return sent


def synchronise(folder: str | Path | None = None, *, test: bool = False, limits: Limits = Limits()) -> RunReport:
    """One branch run. Raises XloRefused (a file refused: recorded, moved to rejected/) or FiliaError."""
    if get_setting("role") != "branch":
        raise Refused(_("Synchronizację z centralą wykonuje baza oddziału."))
    folder = Path(folder or get_setting("exchange_folder"))
    if not folder.is_dir():
        raise Refused(_("Katalog pliku wymiany nie istnieje: {path}").format(path=folder))
    symbol = get_setting("branch_symbol")
    link = branch_link()
    first = link is None
    if first and session_operator() not in ("", "ADMIN"):
        raise Refused(_("Pierwszą synchronizację oddziału wykonuje operator ADMIN."))
    dla = folder / (files.MAGAZYN if first else files.dla_name(symbol))                  # SYNC-3, SYNC-4
    od = folder / files.od_name(symbol)
    if not dla.exists():
        reason = _("Brak pliku {name} w katalogu {folder}.").format(name=dla.name, folder=folder)
        history.record(side="branch", result="failed", symbol=symbol, file_name=dla.name, code="no_file",
                       reason=reason)
        raise Refused(reason)
    tmp = files.tmp_of(od)
    state: dict = {}

    def run() -> None:
        counts: dict = {}
        state.clear()
        with read_xlo(dla, limits=limits) as xlo, hq_apply():
            h = xlo.header
            current = branch_link()
            _check_header(h, symbol, current)
            seq, created = int(h["seq"]), parse_utc(h["created_at"])
            state.update(seq=seq, file_id=h["file_id"])
            decision = branch_decision(current, seq, created)
            if decision.mode == REFUSE:
                raise _refuse(decision.code, decision.reason)
            partial = decision.mode == PARTIAL
            _apply(xlo, partial=partial, first=current is None, counts=counts)
        if current is None:
            current = BranchLink.create(symbol=symbol, branch_id=h["branch_id"])
        if not partial:
            ex_contractors.acknowledge(h.get("ack_file_id", ""))
            current.last_sync_date, current.last_seq_read, current.last_dla_file_id = created, seq, h["file_id"]
        od_id = str(uuid.uuid4())
        header = {"direction": "OD", "branch_symbol": symbol, "branch_id": current.branch_id,
                  "seq": decision.reply_seq, "created_at": utcnow(), "file_id": od_id, "ack_file_id": h["file_id"],
                  "first": current.last_seq_written is None, "test": test, "program": PROGRAM}
        sent = _write_od(tmp, header, counts)
        ex_contractors.mark_sent(sent, od_id)                                          # SYNC-20
        current.last_seq_written, current.last_od_file_id = decision.reply_seq, od_id
        current.save()
        history.record(side="branch", result=decision.mode, symbol=symbol, file_name=dla.name, direction="DLA",
                       seq=seq, file_id=h["file_id"], counts=counts)
        faults.point("before_commit")
        state.update(mode=decision.mode, reply=decision.reply_seq, counts=counts)

    try:
        run_write(run)
    except XloRefused as exc:
        tmp.unlink(missing_ok=True)
        _reject(dla, symbol, state, exc.code, str(exc))
        raise
    except Refused as exc:                   # a record the store refused (named), a constraint
        tmp.unlink(missing_ok=True)
        code = getattr(exc, "code", "refused")
        _reject(dla, symbol, state, code, str(exc))
        raise XloRefused(code, str(exc)) from exc
    except FiliaError as exc:
        tmp.unlink(missing_ok=True)
        history.record(side="branch", result="failed", symbol=symbol, file_name=dla.name, direction="DLA",
                       seq=state.get("seq"), file_id=state.get("file_id", ""), code="failed", reason=str(exc))
        raise
    faults.point("after_commit")                                                       # before the rename
    files.publish(tmp, od)
    return RunReport(state["mode"], dla, od, state["seq"], state["reply"], state["counts"])


def _reject(dla: Path, symbol: str, state: dict, code: str, reason: str) -> None:
    history.record(side="branch", result="refused", symbol=symbol, file_name=dla.name, direction="DLA",
                   seq=state.get("seq"), file_id=state.get("file_id", ""), code=code, reason=reason)
    files.move_aside(dla, "rejected", f"{code}: {reason}")
