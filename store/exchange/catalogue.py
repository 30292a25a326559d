"""HQ's catalogue applied in a branch by batch upserts keyed by HQ id (`gid`) (issue 13 §5; DICT-2, DICT-5,
DICT-7, DICT-10, DICT-13; GID-6, GID-10). Rows end up as the per-item path (`hq_prices.apply_hq_prices`)
would leave them: the declared price column as sent, the other computed with the item's VAT rate, the margin
over the item's purchase price, the autonomous price filled once from HQ's default price and never
overwritten, the retail mirror refreshed; a row that does not change is not written (its version stays).

Raw `executemany` in batches (as store/bulk.py), inside the caller's transaction (SYNC-7)."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

import peewee

from store import bulk
from store.base import session_operator, utcnow
from store.catalog import money
from store.catalog.dictionaries import PriceType
from store.catalog.models import Goods, GoodsPrice
from store.catalog.prices import margin_method, mirror_retail, price_places, retail_price_type
from store.catalog.roles import autonomous_price_type_id
from store.config import VatRate, get_setting
from store.db import database, is_sqlite
from store.errors import Refused
from store.i18n import _

BATCH = 1000


def _integrity_errors() -> tuple:
    errors = [peewee.IntegrityError, sqlite3.IntegrityError]
    try:
        import psycopg2
        if psycopg2 is not None:
            errors.append(psycopg2.IntegrityError)
    except ImportError:
        pass
    return tuple(errors)


_INTEGRITY = _integrity_errors()
GOODS_FIELDS = ("code", "name", "unit", "vat_rate", "is_service", "active")


class PT(NamedTuple):
    id: int
    name: str
    gross: bool
    kind: str


@dataclass
class Item:
    ordinal: int
    gid: int
    values: dict                      # GOODS_FIELDS -> python value
    prices: list                      # [(price type name, net, gross)]


@dataclass
class CatalogueApplier:
    """`add()` each goods record of the file, then `finish()`. partial=True: SYNC-11 (new goods only)."""

    partial: bool = False
    counts: dict = field(default_factory=lambda: {"goods_new": 0, "goods_changed": 0, "prices": 0})

    def __post_init__(self):
        self.pending: list[Item] = []
        self.vat = {code: (rid, rate) for rid, code, rate in
                    VatRate.select(VatRate.id, VatRate.code, VatRate.rate).tuples()}
        self.rate_by_id = {rid: rate for rid, rate in self.vat.values()}
        # plain tuples: a model's field descriptors cost more than the rest of the loop that reads them
        self.types = {pt.name: PT(pt.id, pt.name, pt.gross, pt.kind) for pt in PriceType.select()}
        self.auto_id = autonomous_price_type_id()
        default_name = get_setting("branch_default_price_type")
        self.hq_default = self.types.get(default_name) if default_name else None
        self.places, self.method = price_places(), margin_method()
        retail = retail_price_type()
        self.retail_id = retail.id if retail else None
        self.mirror: set[int] = set()
        self.ordinal = 0
        self.p = "?" if is_sqlite() else "%s"

    # --- records ----------------------------------------------------------------------------------------
    def add(self, attrs: dict, children: list) -> None:
        self.ordinal += 1
        vat = self.vat.get(attrs["vat"])
        if vat is None:
            raise self._refuse("unknown_reference", _("Nieznana stawka VAT „{vat}”").format(vat=attrs["vat"]), attrs)
        prices = []
        for tag, pa in children:
            if tag != "price":
                continue
            if pa["type"] not in self.types:
                raise self._refuse("unknown_reference", _("Nieznany rodzaj ceny „{type}”").format(type=pa["type"]),
                                   attrs)
            pt = self.types[pa["type"]]
            prices.append((pt, Decimal(pa["gross"] if pt.gross else pa["net"])))     # the declared column
        self.pending.append(Item(self.ordinal, int(attrs["gid"]), {
            "code": attrs["code"], "name": attrs["name"], "unit": attrs.get("unit", "szt"), "vat_rate": vat[0],
            "is_service": attrs.get("service") in ("true", "1"), "active": attrs.get("active", "true") in ("true", "1"),
        }, prices))
        if len(self.pending) >= BATCH:
            self.flush()

    def _refuse(self, code: str, what: str, attrs: dict, ordinal: int | None = None) -> Refused:
        err = Refused(_("Towar nr {n} w pliku (kod „{code}”, identyfikator centrali {gid}): {what}. Plik nie "
                        "został wczytany.").format(n=ordinal or self.ordinal, code=attrs.get("code", ""),
                                                   gid=attrs.get("gid", ""), what=what))
        err.code = code
        return err

    def finish(self) -> dict:
        self.flush()
        if self.mirror:
            mirror_retail(sorted(self.mirror))
        return self.counts

    # --- batch ------------------------------------------------------------------------------------------
    def flush(self) -> None:
        items, self.pending = self.pending, []
        if not items:
            return
        try:
            with database.atomic():
                self._apply(items)
        except _INTEGRITY:
            self._find_culprit(items)
            raise

    def _find_culprit(self, items: list[Item]) -> None:
        """A constraint failed somewhere in the batch: apply the items one by one to name the record."""
        for item in items:
            try:
                with database.atomic():
                    self._apply([item])
            except _INTEGRITY as exc:
                raise self._refuse("constraint", _("zapis narusza spójność danych ({reason})").format(
                    reason=str(exc).splitlines()[0][:200]), {"code": item.values["code"], "gid": item.gid},
                    item.ordinal) from exc

    def _existing(self, gids: list[int]) -> dict[int, tuple]:
        cols = ", ".join(f'"{Goods._meta.fields[f].column_name}"' for f in GOODS_FIELDS)
        sql = (f'SELECT "gid", "id", "last_purchase_price", {cols} FROM "goods" '
               f'WHERE "gid" IN ({", ".join([self.p] * len(gids))})')
        return {row[0]: row[1:] for row in database.execute_sql(sql, gids).fetchall()}

    def _apply(self, items: list[Item]) -> None:
        fields = [Goods._meta.fields[f] for f in GOODS_FIELDS]
        existing = self._existing([i.gid for i in items])
        new, changed, priced = [], [], []
        for item in items:
            v = item.values          # every exchanged goods column is text, an id or a flag: stored as given
            db_values = (v["code"], v["name"], v["unit"], v["vat_rate"], v["is_service"], v["active"])
            row = existing.get(item.gid)
            if row is None:
                new.append(item)
            elif not self.partial:
                goods_changed = tuple(row[2:]) != db_values and _differs(row[2:], db_values)
                if goods_changed:
                    changed.append((item, db_values, row[0]))
                priced.append((item, row[0], row[1], goods_changed))
        stamp_by = session_operator()
        if changed:
            sets = ", ".join(f'"{f.column_name}" = {self.p}' for f in fields)
            sql = (f'UPDATE "goods" SET {sets}, "modified_at" = {self.p}, "modified_by" = {self.p}, '
                   f'"version" = "version" + 1 WHERE "id" = {self.p}')
            now = Goods.modified_at.db_value(utcnow())
            database.cursor().executemany(sql, [(*vals, now, stamp_by, gid_id) for _i, vals, gid_id in changed])
            self.counts["goods_changed"] += len(changed)
        if new:
            bulk.bulk_insert(Goods, ({**i.values, "gid": i.gid, "from_remote": True, "modified_by": stamp_by,
                                      "item_type": "UP" if i.values["is_service"] else "TP",
                                      "track_stock": not i.values["is_service"]} for i in new))
            ids = self._existing([i.gid for i in new])
            priced.extend((i, ids[i.gid][0], Decimal(0), True) for i in new)
            self.counts["goods_new"] += len(new)
        self._prices(priced)

    def _prices(self, priced: list[tuple[Item, int, object, bool]]) -> None:
        if not priced:
            return
        ids = [goods_id for _i, goods_id, _lpp, _changed in priced]
        sql = (f'SELECT "goods_id", "price_type_id", "id", "net", "gross", "margin" FROM "goods_price" '
               f'WHERE "goods_id" IN ({", ".join([self.p] * len(ids))})')
        current = {(g, t): rest for g, t, *rest in database.execute_sql(sql, ids).fetchall()}
        inserts, updates = [], []
        s_net, s_gross, s_margin = GoodsPrice.net._scale, GoodsPrice.gross._scale, GoodsPrice.margin._scale
        for item, goods_id, purchase, goods_changed in priced:
            purchase = purchase if isinstance(purchase, Decimal) else Goods.last_purchase_price.python_value(purchase)
            vat = self._vat_percent(item.values["vat_rate"])
            sent = {}
            for pt, value in item.prices:
                if pt.id == self.auto_id:
                    continue                                                        # DICT-13
                have = current.get((goods_id, pt.id))
                if have is not None and not goods_changed \
                        and have[2 if pt.gross else 1] == int(value * (s_gross if pt.gross else s_net)):
                    continue        # the declared column as stored and the card (VAT) unchanged: nothing to do
                sent[pt.id] = (pt, value)
            default = next(((pt, v) for pt, v in item.prices if self.hq_default is not None
                            and pt.id == self.hq_default.id), None)
            if self.auto_id and default is not None and (goods_id, self.auto_id) not in current:
                auto = self.types_by_id(self.auto_id)                              # DICT-13/14: filled once
                src_pt, value = default
                if src_pt.gross != auto.gross:
                    value = money.gross_from_net(value, vat) if auto.gross else money.net_from_gross(value, vat)
                sent[auto.id] = (auto, value)
            for pt_id, (pt, value) in sent.items():
                net, gross = money.complete(value, gross=pt.gross, vat_percent=vat, places=self.places)
                margin = money.margin_of(net, purchase, self.method) if pt.kind == "sale" else Decimal(0)
                row = (int(net * s_net), int(gross * s_gross), int(margin * s_margin))   # the fields' scaled ints
                have = current.get((goods_id, pt_id))
                if have is None:
                    inserts.append({"goods": goods_id, "price_type": pt_id, "net": net, "gross": gross,
                                    "margin": margin, "gid": None})
                elif tuple(have[1:]) != row:
                    updates.append((*row, have[0]))
                else:
                    continue
                if pt_id == self.retail_id:
                    self.mirror.add(goods_id)
        if inserts:
            bulk.bulk_insert(GoodsPrice, inserts)
        if updates:
            sql = (f'UPDATE "goods_price" SET "net" = {self.p}, "gross" = {self.p}, "margin" = {self.p}, '
                   f'"modified_at" = {self.p}, "version" = "version" + 1 WHERE "id" = {self.p}')
            now = GoodsPrice.modified_at.db_value(utcnow())
            database.cursor().executemany(sql, [(n, g, m, now, pid) for n, g, m, pid in updates])
        self.counts["prices"] += len(inserts) + len(updates)

    def types_by_id(self, pt_id: int) -> PriceType:
        return next(pt for pt in self.types.values() if pt.id == pt_id)

    def _vat_percent(self, rate_id: int) -> Decimal:
        return self.rate_by_id[rate_id]


def _differs(stored: tuple, sent: tuple) -> bool:
    """Stored values as the driver returns them vs db values (SQLite gives 0/1 for booleans)."""
    return any((bool(a) if isinstance(b, bool) else a) != b for a, b in zip(stored, sent))
