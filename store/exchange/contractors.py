"""Contractors both ways (CONF-12..CONF-22, GID-2..GID-6).

Branch: HQ's cards are applied in batches by GID (then guid), the later `modified_at` winning (equal: HQ),
a card changed here and not yet acknowledged by HQ being kept when it is later (CONF-20); confirmations give
a new card its GID and the code HQ stored it under (CONF-15..17). Outgoing: every card without a GID (NULL or
-1) or changed since its last acknowledged send (CONF-22).
HQ: an incoming card is found by its guid (sent again until acknowledged: stored once, GID-5), by GID, or
merged into exactly one HQ card with the same NIP and city unless it is -1 (CONF-16/18/19); otherwise it is
stored as a new card whose code is made unique as CODE(n) (CONF-15)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import peewee

from store import bulk
from store.base import session_operator
from store.db import database, is_sqlite
from store.exchange.models import ContractorOrigin, ContractorSent
from store.parties.models import Contractor
from store.parties.rules import nip_key

# Exchanged fields (CONF-21, the part of it Filia's card and file carry today)
FIELDS = ("code", "name", "nip", "city", "street", "postal_code", "phone", "email", "active")
BATCH = 1000
CODE_LEN = 50


def is_system(code: str) -> bool:
    """!NIEOKREŚLONY!, !ROZLICZENIA!: every database has its own, never exchanged."""
    return code.startswith("!")


def card_values(attrs: dict) -> dict:
    values = {f: attrs.get(f, "") for f in FIELDS}
    values["active"] = attrs.get("active", "true") in ("true", "1")
    return values


def record_of(c: Contractor | dict, gid: int | None) -> dict:
    get = (lambda k: c[k]) if isinstance(c, dict) else (lambda k: getattr(c, k))
    out = {"gid": gid, "guid": get("guid")}
    out.update({f: get(f) for f in FIELDS})
    out["modified_at"] = get("modified_at")
    return out


def unique_code(code: str, taken) -> str:
    """CONF-15: CODE(n), n the smallest integer >= 1 that is free; CODE cut so that the result fits."""
    n = 1
    while True:
        suffix = f"({n})"
        candidate = code[:CODE_LEN - len(suffix)] + suffix
        if not taken(candidate):
            return candidate
        n += 1


def _code_taken(code: str, but: int | None = None) -> bool:
    query = Contractor.select().where(Contractor.code == code)
    if but is not None:
        query = query.where(Contractor.id != but)
    return query.exists()


def _p() -> str:
    return "?" if is_sqlite() else "%s"


# --- branch: HQ's cards ------------------------------------------------------------------------------------

@dataclass
class BranchContractors:
    partial: bool = False
    counts: dict = field(default_factory=lambda: {"contractors_new": 0, "contractors_changed": 0,
                                                  "contractors_kept": 0})

    def __post_init__(self):
        self.pending: list[dict] = []

    def add(self, attrs: dict) -> None:
        if is_system(attrs["code"]):
            return
        self.pending.append(attrs)
        if len(self.pending) >= BATCH:
            self.flush()

    def finish(self) -> dict:
        self.flush()
        return self.counts

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        p = _p()
        gids = [int(a["gid"]) for a in batch]
        guids = [a["guid"] for a in batch]
        cols = ", ".join(f'"{f}"' for f in FIELDS)
        base = f'SELECT c."id", c."gid", c."guid", c."modified_at", s."sent_modified_at", s."acked", {cols} ' \
               f'FROM "contractor" c LEFT JOIN "contractor_sent" s ON s."contractor_id" = c."id" '
        rows = database.execute_sql(base + f'WHERE c."gid" IN ({", ".join([p] * len(gids))}) OR c."guid" IN '
                                    f'({", ".join([p] * len(guids))})', gids + guids).fetchall()
        by_gid = {r[1]: r for r in rows if r[1] is not None}
        by_guid = {r[2]: r for r in rows}
        dt = Contractor.modified_at
        updates, sent, inserts = [], [], []
        for attrs in batch:
            values = card_values(attrs)
            hq_time = datetime.fromisoformat(attrs["modified_at"].rstrip("Z"))
            row = by_gid.get(int(attrs["gid"])) or by_guid.get(attrs["guid"])
            if row is None:
                self._free_code(values["code"], int(attrs["gid"]))
                inserts.append({**values, "nip_key": nip_key(values["nip"]), "gid": int(attrs["gid"]),
                                "guid": attrs["guid"], "modified_at": hq_time, "from_remote": True,
                                "confirmed": True, "modified_by": session_operator()})
                continue
            if self.partial:
                continue                                                           # SYNC-11
            local_time = dt.python_value(row[3])
            sent_time = dt.python_value(row[4]) if row[4] is not None else None
            dirty = sent_time is None or local_time > sent_time or not row[5]
            if dirty and local_time > hq_time:                                     # CONF-20: ours is later
                self.counts["contractors_kept"] += 1
                continue
            stored = tuple(bool(v) if f == "active" else v for f, v in zip(FIELDS, row[6:]))
            wanted = tuple(values[f] for f in FIELDS)
            changed = stored != wanted or local_time != hq_time or row[1] != int(attrs["gid"])
            if changed:
                if values["code"] != row[6]:
                    self._free_code(values["code"], int(attrs["gid"]), but=row[0])
                updates.append((*[Contractor._meta.fields[f].db_value(values[f]) for f in FIELDS],
                                nip_key(values["nip"]), int(attrs["gid"]), dt.db_value(hq_time), row[0]))
            if changed or sent_time != hq_time or not row[5]:
                sent.append((row[0], hq_time))
        if updates:
            sets = ", ".join(f'"{f}" = {p}' for f in FIELDS)
            database.cursor().executemany(
                f'UPDATE "contractor" SET {sets}, "nip_key" = {p}, "gid" = {p}, "modified_at" = {p}, '
                f'"from_remote" = {_true()}, "version" = "version" + 1 WHERE "id" = {p}', updates)
            self.counts["contractors_changed"] += len(updates)
        if inserts:
            bulk.bulk_insert(Contractor, inserts)
            ids = dict(Contractor.select(Contractor.guid, Contractor.id)
                       .where(Contractor.guid.in_([i["guid"] for i in inserts])).tuples())
            sent.extend((ids[i["guid"]], i["modified_at"]) for i in inserts)
            self.counts["contractors_new"] += len(inserts)
        mark_clean(sent)

    def _free_code(self, code: str, gid: int, *, but: int | None = None) -> None:
        """HQ's card takes `code`: a local card holding it yields. An unconfirmed local card takes CODE(n) (it
        is sent with it and HQ keeps its codes unique, CONF-15); a card with another GID gets a temporary code
        until its own record, later in the same file, brings its HQ code."""
        holder = Contractor.get_or_none(Contractor.code == code)
        if holder is None or holder.id == but or holder.gid == gid:
            return
        if holder.gid is None or holder.gid <= 0:
            new = unique_code(code, _code_taken)
            Contractor.update({Contractor.code: new, **Contractor.stamp()}).where(Contractor.id == holder.id).execute()
        else:
            temp = f"{code[:CODE_LEN - 12]}#{holder.gid}"
            Contractor.update(code=temp).where(Contractor.id == holder.id).execute()


def _true() -> str:
    return "1" if is_sqlite() else "TRUE"


def mark_clean(rows: list[tuple[int, datetime]]) -> None:
    """These cards are as HQ has them: nothing to send until they change here."""
    if not rows:
        return
    ContractorSent.delete().where(ContractorSent.contractor_id.in_([cid for cid, _t in rows])).execute()
    bulk.bulk_insert(ContractorSent, ({"contractor_id": cid, "sent_modified_at": t, "sent_file_id": "", "acked": True}
                                      for cid, t in rows))


def apply_confirmations(confirmations: list[dict]) -> int:
    """CONF-14..17 at the branch: each card HQ stored gets its GID and the code HQ gave it. When another local
    card already holds that GID (HQ's card arrived earlier), the documents move to it and this card is
    deactivated (CONF-17)."""
    done = 0
    for conf in confirmations:
        card = Contractor.get_or_none(Contractor.guid == conf["guid"])
        if card is None:
            continue
        gid = int(conf["gid"])
        if card.gid == gid and (not conf.get("code") or card.code == conf["code"]):
            continue
        other = Contractor.get_or_none((Contractor.gid == gid) & (Contractor.id != card.id))
        if other is not None:
            from store.parties.merge import repoint_documents
            try:
                repoint_documents(card.id, other.id)
            except ImportError:      # no documents area in this build
                pass
            Contractor.update({Contractor.active: False, Contractor.gid: None, Contractor.main: other.id,
                               **Contractor.stamp()}).where(Contractor.id == card.id).execute()
            mark_clean([(card.id, Contractor.get_by_id(card.id).modified_at)])
            done += 1
            continue
        sent = ContractorSent.get_or_none(ContractorSent.contractor_id == card.id)
        clean = sent is not None and card.modified_at <= sent.sent_modified_at
        changes = {Contractor.gid: gid, Contractor.confirmed: True}
        code = conf.get("code")
        if code and code != card.code:
            holder = Contractor.get_or_none((Contractor.code == code) & (Contractor.id != card.id))
            if holder is not None:
                Contractor.update(code=f"{code[:CODE_LEN - 12]}#{holder.id}").where(Contractor.id == holder.id).execute()
            changes[Contractor.code] = code
        Contractor.update({**changes, Contractor.version: Contractor.version + 1}).where(Contractor.id == card.id).execute()
        if clean:
            mark_clean([(card.id, card.modified_at)])
        done += 1
    return done


def outgoing(limit: int | None = None):
    """CONF-22: cards without a GID (NULL, -1) or not acknowledged as sent since their last change."""
    query = (Contractor.select(Contractor, ContractorSent.sent_modified_at, ContractorSent.acked)
             .join(ContractorSent, peewee.JOIN.LEFT_OUTER, on=(ContractorSent.contractor_id == Contractor.id))
             .where(~Contractor.code.startswith("!") & Contractor.main.is_null()     # a merged duplicate stays
                    & (Contractor.gid.is_null() | (Contractor.gid <= 0) | ContractorSent.contractor_id.is_null()
                       | (Contractor.modified_at > ContractorSent.sent_modified_at)
                       | (ContractorSent.acked == False)))  # noqa: E712
             .order_by(Contractor.id))
    return query.limit(limit) if limit else query


def mark_sent(cards: list[tuple[int, datetime]], file_id: str) -> None:
    if not cards:
        return
    ids = [cid for cid, _t in cards]
    for start in range(0, len(ids), 500):
        ContractorSent.delete().where(ContractorSent.contractor_id.in_(ids[start:start + 500])).execute()
    bulk.bulk_insert(ContractorSent, ({"contractor_id": cid, "sent_modified_at": t, "sent_file_id": file_id,
                                       "acked": False} for cid, t in cards))


def acknowledge(od_file_id: str) -> int:
    """A DLA read in full acknowledges the OD HQ read (its header's ack_file_id)."""
    if not od_file_id:
        return 0
    return ContractorSent.update(acked=True).where(ContractorSent.sent_file_id == od_file_id).execute()


# --- HQ: a branch's cards ----------------------------------------------------------------------------------

def _norm_city(city: str) -> str:
    return re.sub(r"\s+", " ", (city or "").strip()).casefold()


def hq_receive(attrs: dict, branch: str, *, replay: bool = False) -> dict | None:
    """One card from a branch's OD at HQ. Returns the confirmation {kind, guid, gid, code} or None."""
    if is_system(attrs["code"]):
        return None
    values = card_values(attrs)
    their_time = datetime.fromisoformat(attrs["modified_at"].rstrip("Z"))
    gid = int(attrs["gid"]) if attrs.get("gid") not in (None, "") else 0
    origin = ContractorOrigin.get_or_none(ContractorOrigin.guid == attrs["guid"])
    card = None
    if origin is not None:
        card = Contractor.get_or_none(Contractor.id == origin.contractor_id)
    if card is None and gid > 0:
        card = Contractor.get_or_none(Contractor.id == gid)
    if card is not None:                                              # known card: later change wins
        if their_time > card.modified_at:                             # CONF-20 (equal: HQ)
            changes = {getattr(Contractor, f): values[f] for f in FIELDS if f != "code"}
            Contractor.update({**changes, Contractor.nip_key: nip_key(values["nip"]),
                               Contractor.modified_at: their_time, Contractor.version: Contractor.version + 1,
                               Contractor.modified_by: session_operator()}).where(Contractor.id == card.id).execute()
        if origin is None and gid <= 0:
            origin = ContractorOrigin.create(guid=attrs["guid"], contractor_id=card.id, branch_symbol=branch)
        if gid == card.id and (origin is None or origin.acked):
            return None
        return {"kind": "contractor", "guid": attrs["guid"], "gid": card.id, "code": Contractor.get_by_id(card.id).code}
    if gid != -1 and values["nip"]:                                   # CONF-16: merge on one NIP + city match
        key, city = nip_key(values["nip"]), _norm_city(values["city"])
        matches = [c for c in Contractor.select().where((Contractor.nip_key == key) & ~Contractor.code.startswith("!"))
                   if _norm_city(c.city) == city]
        if len(matches) == 1:
            ContractorOrigin.create(guid=attrs["guid"], contractor_id=matches[0].id, branch_symbol=branch)
            return {"kind": "contractor", "guid": attrs["guid"], "gid": matches[0].id, "code": matches[0].code}
    code = values["code"]
    if _code_taken(code):
        code = unique_code(code, _code_taken)                         # CONF-15
    new = Contractor.create(**{**values, "code": code}, nip_key=nip_key(values["nip"]), guid=attrs["guid"],
                            from_remote=True, created_by=branch[:20])
    Contractor.update(modified_at=their_time).where(Contractor.id == new.id).execute()
    ContractorOrigin.create(guid=attrs["guid"], contractor_id=new.id, branch_symbol=branch)
    return {"kind": "contractor", "guid": attrs["guid"], "gid": new.id, "code": code}


def hq_cards():
    """Every HQ card for a DLA (GID = HQ id)."""
    query = Contractor.select(Contractor.id, Contractor.guid, Contractor.modified_at,
                              *[getattr(Contractor, f) for f in FIELDS]) \
        .where(~Contractor.code.startswith("!")).order_by(Contractor.id)
    for row in query.dicts().iterator():
        yield record_of(row, row["id"])


def hq_confirmations(branch: str) -> list[dict]:
    rows = (ContractorOrigin.select(ContractorOrigin, Contractor.code)
            .join(Contractor, on=(Contractor.id == ContractorOrigin.contractor_id))
            .where((ContractorOrigin.branch_symbol == branch) & (ContractorOrigin.acked == False))  # noqa: E712
            .order_by(ContractorOrigin.contractor_id).dicts())
    return [{"kind": "contractor", "guid": r["guid"], "gid": r["contractor_id"], "code": r["code"]} for r in rows]


def hq_mark_confirmations_sent(branch: str, dla_file_id: str) -> None:
    ContractorOrigin.update(sent_in=dla_file_id).where(
        (ContractorOrigin.branch_symbol == branch) & (ContractorOrigin.acked == False)).execute()  # noqa: E712


def hq_acknowledge(branch: str, dla_file_id: str) -> int:
    if not dla_file_id:
        return 0
    return ContractorOrigin.update(acked=True).where(
        (ContractorOrigin.branch_symbol == branch) & (ContractorOrigin.sent_in == dla_file_id)).execute()
