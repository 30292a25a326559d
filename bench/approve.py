"""approve: approving buffered sales invoices, through store.trade.approve(), against raw sqlite3 doing the same.

Data (built once through the public API, cached under bench/.data/, copied fresh for every side): a standalone
company, 1,000 goods (VAT 23/8/5 in turn), each with 3 cost layers (three approved PZ), an open cash report;
10,000 buffered FAs of 10 lines of distinct goods drawn from the 1,000 (quantities 1-3, so FIFO crosses layers),
every other one paid in cash (a KP in the report), the others by transfer (a Preliminarz row). One FA was approved
during the build, so the schemes and counters exist on both sides.
Timed: only approve(), one transaction per document. Baseline, same run: raw sqlite3 on a copy of the same file
with the same pragmas, issuing the same statements for the same reads and writes (document, options, links,
payments with their forms, the contractor, both counters, the WZ and its lines, stock levels, layers, issues, the
payment, the KP with its register, report and counter, day, report and register balances, the settlement, the
state, the event, the VAT rows for the view approve() returns); each side counts its statements. PostgreSQL: our side only, on a fresh schema with BENCH_PG_DOCS buffered FAs (default
2,000; building them through the API is the slow part).
Checked on each side (else ok=0): numbers gapless, stock (on hand = layers' remaining = before - issued, held 0),
VAT lines = summaries, one KP per cash document.
Last line: approve docs_per_s=<ours> baseline_docs_per_s=<raw> ratio=<ours/baseline> pg_docs_per_s=<ours on PG>
stmts_per_doc=<n> baseline_stmts_per_doc=<n> cache_mb=<n> ok=<1|0>
"""
from __future__ import annotations

import os
import random
import shutil
import sqlite3
import sys
import time
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from _common import DATA

from store.base import new_guids   # raw writes the same time-ordered guids as ours (the same index pages)

GOODS, LAYERS, DOCS, LINES = 1_000, 3, int(os.environ.get("BENCH_DOCS", "10000")), 10
PG_DOCS = int(os.environ.get("BENCH_PG_DOCS", "2000"))
DAY = date(2024, 5, 10)
CACHE = DATA / f"approve_{GOODS}x{LAYERS}_{DOCS}_v2.db"
WORK, RAW = DATA / "approve_ours.db", DATA / "approve_raw.db"
CACHE_KB = 32_000                          # store/db.py: cache_size = -32000


def _company():
    from store import cash, setup
    from store.catalog.dict_rules import create_entry
    from store.parties import create_contractor

    setup.initialise(setup.SetupData(role="standalone", costing_method="FIFO", company_name="Bench",
                                     admin_password="tajne1"))
    reg = cash.save_register(None, None, symbol="KASA", name="Kasa")
    forms = {}
    for name, kind, days in (("gotówka", "cash", 0), ("przelew", "transfer", 14)):
        pf = create_entry("payment_form", name=name, kind=kind, days=days)
        if kind == "cash":
            cash.set_payment_form_register(pf.id, reg.id)
        forms[kind] = pf.id
    cash.create_report(reg.id, DAY, DAY + timedelta(days=60))
    k = create_contractor({"code": "ALFA", "name": "Alfa", "city": "Kraków", "postal_code": "30-001",
                           "nip": "5260250274"})
    return k.id, forms


def _goods() -> list[int]:
    from store.catalog.goods import main_group
    from store.catalog.models import Goods
    from store.config import VatRate
    from store.db import write

    rates = [VatRate.get(VatRate.code == c).id for c in ("23", "8", "5")]
    group = main_group().id
    with write():
        Goods.insert_many([{"code": f"T{i:04d}", "name": f"Towar {i}", "vat_rate": rates[i % 3],
                            "purchase_vat_rate": rates[i % 3], "group": group} for i in range(GOODS)]).execute()
    return [g for (g,) in Goods.select(Goods.id).order_by(Goods.id).tuples()]


def build(url: str, docs: int, *, verbose: bool = True) -> None:
    """The company, goods, layers and buffered FAs, through the public API (batches of buffer saves share one
    outer transaction: savepoints, one commit per batch)."""
    from store.db import write
    from store.trade import DocumentDraft, LineDraft, PaymentDraft, approve, save_buffer

    contractor, forms = _company()
    goods = _goods()
    for layer in range(LAYERS):                    # 3 layers of 100 each: 300 per goods, ~200 sold on average
        for chunk in range(0, GOODS, 250):
            view = save_buffer(DocumentDraft("PZ", None, {"issue_date": DAY + timedelta(days=layer)}, [
                LineDraft(goods_id=g, quantity=Decimal(100), price=Decimal(f"{2 + layer}.{chunk % 100:02d}"))
                for g in goods[chunk:chunk + 250]]))
            approve(view.id, version=view.version)
    rng = random.Random(7)

    def fa(i: int):
        picked = rng.sample(goods, LINES)
        return DocumentDraft("FA", None, {"issue_date": DAY + timedelta(days=5), "contractor_id": contractor}, [
            LineDraft(goods_id=g, quantity=Decimal(rng.randint(1, 3)), price=Decimal(rng.randint(300, 2000)) / 100)
            for g in picked], [PaymentDraft(forms["cash" if i % 2 == 0 else "transfer"])])

    first = save_buffer(fa(0))
    approve(first.id, version=first.version)       # schemes and counters exist on both sides from here on
    t0 = time.perf_counter()
    for start in range(0, docs, 500):
        with write():
            for i in range(start, min(docs, start + 500)):
                save_buffer(fa(i))
        if verbose:
            print(f"  buffered {min(docs, start + 500)}/{docs} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)


def buffered_ids() -> list[int]:
    from store.trade import Document

    return [i for (i,) in Document.select(Document.id).where((Document.kind == "FA") & (Document.state == "buffer"))
            .order_by(Document.id).tuples()]


class Counter:
    """Counts the statements a peewee database executes."""

    def __init__(self, db):
        self.n, self.db, self.orig = 0, db, db.execute_sql

        def counted(sql, params=None, *a, **k):
            self.n += 1
            return self.orig(sql, params, *a, **k)
        db.execute_sql = counted


def run_ours(url: str) -> tuple[float, float, int]:
    from store.db import database, open_database
    from store.trade import approve, load_document

    db = open_database(url)
    ids = buffered_ids()
    versions = {i: load_document(i).version for i in ids}
    counter = Counter(db)
    t0 = time.perf_counter()
    for i in ids:
        approve(i, version=versions[i])
    elapsed = time.perf_counter() - t0
    stmts = counter.n / len(ids)
    db.execute_sql = counter.orig
    db.close()
    database.initialize(None)
    return len(ids) / elapsed, stmts, len(ids)


# --- baseline: raw sqlite3 --------------------------------------------------------------------------------------

def _q(value: Decimal, places: int) -> int:
    return int((value * (10 ** places)).to_integral_value(ROUND_HALF_UP))


class Raw:
    def __init__(self, path):
        self.conn = sqlite3.connect(str(path), isolation_level=None)
        for pragma in ("journal_mode=wal", "synchronous=normal", "foreign_keys=1", "busy_timeout=30000",
                       f"cache_size=-{CACHE_KB}"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.n = 0

    def x(self, sql, params=()):
        self.n += 1
        return self.conn.execute(sql, params)

    def number(self, doc_class: str, on: date, fallback_series: str = "") -> tuple[int, str]:
        scheme = self.x("SELECT pattern, period, default_series FROM numbering_scheme WHERE doc_class = ? LIMIT 1",
                        (doc_class,)).fetchone()
        period = f"{on.year:04d}" if scheme[1] == "year" else f"{on.year:04d}-{on.month:02d}"
        n, = self.x("UPDATE number_counter SET last = last + 1 WHERE doc_class = ? AND series = ? AND period = ? "
                    "RETURNING last", (doc_class, scheme[2] or fallback_series, period)).fetchone()
        return n, period

    def approve(self, doc_id: int, operator: str = "") -> None:
        x = self.x
        x("BEGIN IMMEDIATE")
        self.n -= 1                                # peewee's BEGIN is not counted on our side either
        doc = x("SELECT id, guid, kind, state, issue_date, contractor_id, stock_warehouse, version, gross_pln, "
                "series, contractor_code FROM document WHERE id = ? LIMIT 1", (doc_id,)).fetchone()
        assert doc[3] == "buffer"
        x("SELECT key, value FROM setting WHERE key IN (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          ("role", "costing_method", "trade_stock_check", "trade_warn_unspecified", "trade_deferred_unspecified",
           "trade_fs_from_pa_days", "gate_first_sync_done", "gate_inventory_unconfirmed", "gate_full_return_done"))
        lines = x("SELECT l.id, l.position, l.goods_id, l.goods_code, l.name, l.unit, l.quantity, l.price, "
                  "l.rate_code, l.rate, l.value, l.net, l.vat, l.gross, l.net_pln, l.vat_pln, l.gross_pln, "
                  "g.track_stock, g.is_service FROM document_line l JOIN goods g ON g.id = l.goods_id "
                  "WHERE l.document_id = ? ORDER BY l.position, l.id", (doc_id,)).fetchall()
        guid = iter(new_guids(len(lines) + 4)).__next__   # the WZ, its lines, payment, KP, settlement (as ours)
        x("SELECT * FROM document_link WHERE document_id = ? OR linked_id = ? ORDER BY id", (doc_id, doc_id)).fetchall()
        pays = x("SELECT p.form_id, p.amount, p.due_date, f.id, f.kind, f.days, f.register_id, f.name, p.* FROM "
                 "document_payment p LEFT JOIN payment_form f ON f.id = p.form_id WHERE p.document_id = ? "
                 "ORDER BY p.position", (doc_id,)).fetchall()
        forms = {r[3]: r[3:8] for r in pays}
        contractor = x("SELECT id, code, credit_limit_on, payment_term_on, max_delay_days, no_settle, name "
                       "FROM contractor WHERE id = ? LIMIT 1", (doc[5],)).fetchone()
        on = date.fromisoformat(doc[4])
        n, period = self.number("FA", on)
        number = f"FA/{n}/{on.year}"
        wn, _p = self.number("WZ", on)
        cur = x("INSERT INTO document (guid, modified_at, exported, confirmed, from_remote, realised_hq, to_cancel, "
                "version, modified_by, kind, number, issue_date, contractor_id, contractor_code, net, vat, gross, "
                "currency, exchange_rate, state, operator, warehouse, created_at, series, number_n, number_period, "
                "stock_warehouse, from_gross, contractor_city, contractor_postal_code, contractor_country, "
                "contractor_status, contractor_vat_payer, fiscalised, trade_at_hq, origin, fs_from_pa_days, net_pln, "
                "vat_pln, gross_pln, description, approved_at, contractor_name, contractor_nip, contractor_address) "
                "VALUES (?, datetime('now'), 0, 0, 0, 0, 0, 1, '', 'WZ', ?, ?, ?, ?, 0, 0, "
                "0, 'PLN', 10000, 'approved', '', '', datetime('now'), '', ?, ?, ?, 0, '', '', '', '', 0, 0, 0, "
                "'auto', 7, 0, 0, 0, '', datetime('now'), '', '', '')",
                (guid(), f"WZ/{wn}/{on.year}", doc[4], doc[5], doc[10], wn, period, doc[6]))
        wz = cur.lastrowid
        x("INSERT INTO document_link (document_id, linked_id, relation) VALUES (?, ?, 'generated')", (doc_id, wz))
        goods_ids = sorted(ln[2] for ln in lines)
        marks = ",".join("?" * len(goods_ids))
        levels = {r[1]: [r[0], r[2], r[3]] for r in x(
            f"SELECT id, goods_id, on_hand, held FROM stock_level WHERE goods_id IN ({marks}) AND warehouse_id = ? "
            f"ORDER BY goods_id", [*goods_ids, doc[6]])}
        layers: dict[int, list] = {}
        for r in x(f"SELECT id, goods_id, received_on, remaining, unit_cost FROM stock_layer WHERE goods_id IN "
                   f"({marks}) AND warehouse_id = ? AND remaining > 0", [*goods_ids, doc[6]]):
            layers.setdefault(r[1], []).append(list(r))
        qty = {ln[2]: ln[6] for ln in lines}
        remaining, issues, cost = {}, [], {}
        for g in goods_ids:
            need, total = qty[g], 0
            level = levels[g]
            assert need <= level[1] - (level[2] - need), "shortage"
            for layer in sorted(layers.get(g, []), key=lambda r: (r[2], r[0])):
                if need <= 0:
                    break
                take = min(need, layer[3])
                need -= take
                value = _q(Decimal(take) * Decimal(layer[4]) / Decimal(10 ** 8), 2)
                total += value
                remaining[layer[0]] = layer[3] - take
                issues += [wz, g, layer[0], take, value]
            cost[g] = total
            level[1] -= qty[g]
            level[2] -= qty[g]
        x(f"UPDATE stock_layer SET remaining = CASE id {' '.join('WHEN ? THEN ?' for _ in remaining)} END "
          f"WHERE id IN ({','.join('?' * len(remaining))})",
          [v for kv in remaining.items() for v in kv] + list(remaining))
        x(f"INSERT INTO stock_issue (document_id, goods_id, layer_id, quantity, value) VALUES "
          f"{','.join(['(?, ?, ?, ?, ?)'] * (len(issues) // 5))}", issues)
        lv = [(levels[g][0], levels[g][1], levels[g][2]) for g in goods_ids]
        x(f"UPDATE stock_level SET on_hand = CASE id {' '.join('WHEN ? THEN ?' for _ in lv)} END, "
          f"held = CASE id {' '.join('WHEN ? THEN ?' for _ in lv)} END WHERE id IN ({','.join('?' * len(lv))})",
          [v for i, o, _h in lv for v in (i, o)] + [v for i, _o, h in lv for v in (i, h)] + [i for i, _o, _h in lv])
        x(f"INSERT INTO document_line (guid, exported, confirmed, from_remote, realised_hq, to_cancel, version, "
          f"modified_by, modified_at, document_id, position, goods_id, goods_code, name, description, unit, quantity, "
          f"price, rate_code, rate, value, net, vat, gross, net_pln, vat_pln, gross_pln, cost) VALUES "
          f"{','.join(['(?, 0, 0, 0, 0, 0, 1, ?, datetime(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'] * len(lines))}",
          [v for ln in lines for v in (guid(), operator, wz, ln[1], ln[2], ln[3], ln[4], "", ln[5], ln[6], ln[7], ln[8], ln[9],
                                       ln[10], ln[11], ln[12], ln[13], ln[14], ln[15], ln[16], cost[ln[2]])])
        form_id, amount, due = pays[0][:3]             # due date: from the terms at buffer save
        form = forms[form_id]
        cash = form[1] == "cash"
        cur = x("INSERT INTO cash_payment (guid, modified_at, exported, confirmed, from_remote, realised_hq, to_cancel, "
                "version, modified_by, document_id, document_guid, document_kind, document_number, contractor_id, "
                "sign, instalment, amount, open_amount, issue_date, due_date, expected_date, payment_form, form_name, "
                "status, origin) VALUES (?, datetime('now'), 0, 0, 0, 0, 0, 1, '', ?, ?, "
                "'FA', ?, ?, 1, 1, ?, ?, ?, ?, ?, ?, ?, ?, 'document')",
                (guid(), doc_id, doc[1], number, doc[5], amount, 0 if cash else amount, doc[4], due, due, form_id, form[4],
                 "settled" if cash else "open"))
        payment = cur.lastrowid
        if cash:
            reg = x("SELECT id, symbol, balance, technical FROM cash_register WHERE id = ? LIMIT 1",
                    (form[3],)).fetchone()
            rep = x("SELECT id, seq, closing_date, closed, exported, gid FROM cash_report WHERE register_id = ? AND "
                    "opening_date <= ? ORDER BY seq DESC LIMIT 1", (reg[0], doc[4])).fetchone()
            kn, kp_period = self.number("KP", on, reg[1])
            day = [r for r in x("UPDATE cash_day SET net = net + CASE WHEN day = ? THEN ? ELSE 0 END, balance = "
                                "balance + ? WHERE register_id = ? AND day >= ? RETURNING day, net",
                                (doc[4], amount, amount, reg[0], doc[4])).fetchall() if r[0] == doc[4]][0]
            x("UPDATE cash_report SET receipts = receipts + CASE WHEN id = ? THEN ? ELSE 0 END, entry_count = "
              "entry_count + CASE WHEN id = ? THEN 1 ELSE 0 END, opening_balance = opening_balance + CASE WHEN id = ? "
              "THEN 0 ELSE ? END, closing_balance = closing_balance + ?, modified_at = datetime('now'), version = "
              "version + 1 WHERE register_id = ? AND seq >= ?", (rep[0], amount, rep[0], rep[0], amount, amount,
                                                                 reg[0], rep[1]))
            x("UPDATE cash_register SET balance = balance + ?, modified_at = datetime('now'), version = version + 1 "
              "WHERE id = ?", (amount, reg[0]))
            cur = x("INSERT INTO cash_entry (guid, modified_at, exported, confirmed, from_remote, realised_hq, "
                    "to_cancel, version, modified_by, register_id, report_id, kind, number, number_n, number_series, "
                    "number_period, entry_date, contractor_id, contractor_code, contractor_name, amount, signed, "
                    "day_running, payment_form, description, document_id, document_guid, document_number, origin, "
                    "status, open_amount) VALUES (?, datetime('now'), 0, 0, 0, 0, 0, 1, '', ?, ?, 'KP', ?, ?, ?, ?, "
                    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'document', 'settled', 0)",
                    (guid(), reg[0], rep[0], f"KP/{kn}/{reg[1]}/{on.year}", kn, reg[1], kp_period, doc[4], doc[5],
                     contractor[1], contractor[6], amount, amount, day[1], form_id, f"FA {number}", doc_id, doc[1],
                     number))
            x("INSERT INTO cash_settlement (guid, modified_at, exported, confirmed, from_remote, realised_hq, to_cancel, "
              "version, modified_by, payment_id, entry_id, amount, settled_on) VALUES (?, "
              "datetime('now'), 0, 0, 0, 0, 0, 1, '', ?, ?, ?, ?)", (guid(), payment, cur.lastrowid, amount, doc[4]))
        x("UPDATE document SET modified_at = datetime('now'), version = version + 1, number = ?, state = 'approved', "
          "series = ?, number_n = ?, number_period = ?, approved_at = datetime('now') WHERE id = ?",
          (number, doc[9], n, period, doc_id))
        x("INSERT INTO document_event (document_id, at, operator, event, state_from, state_to, note) VALUES "
          "(?, datetime('now'), ?, 'approved', 'buffer', 'approved', '')", (doc_id, operator))
        x("SELECT * FROM document_vat WHERE document_id = ? ORDER BY id", (doc_id,)).fetchall()   # for the view
        x("COMMIT")
        self.n -= 1


def run_raw(path) -> tuple[float, float, int]:
    raw = Raw(path)
    ids = [i for (i,) in raw.conn.execute("SELECT id FROM document WHERE kind = 'FA' AND state = 'buffer' ORDER BY id")]
    t0 = time.perf_counter()
    for i in ids:
        raw.approve(i)
    elapsed = time.perf_counter() - t0
    cache = raw.conn.execute("PRAGMA cache_size").fetchone()[0]
    raw.conn.close()
    return len(ids) / elapsed, raw.n / len(ids), cache


def check(path, docs: int) -> bool:
    """Gapless FA and WZ numbers, stock consistent, VAT lines = summaries, one KP per cash FA."""
    conn = sqlite3.connect(str(path))
    q = lambda sql: conn.execute(sql).fetchall()  # noqa: E731
    ok = True
    for kind in ("FA", "WZ"):
        ns = [n for (n,) in q(f"SELECT number_n FROM document WHERE kind = '{kind}' AND number_n IS NOT NULL "
                              f"ORDER BY number_n")]
        ok &= ns == list(range(1, docs + 2))
    ok &= q("SELECT COUNT(*) FROM document WHERE state = 'buffer'")[0][0] == 0
    ok &= q("SELECT COUNT(*) FROM stock_level l WHERE on_hand != (SELECT COALESCE(SUM(remaining), 0) FROM "
            "stock_layer y WHERE y.goods_id = l.goods_id) OR held != 0 OR on_hand < 0")[0][0] == 0
    received = q("SELECT SUM(quantity) FROM stock_layer")[0][0]
    issued = q("SELECT SUM(quantity) FROM stock_issue")[0][0]
    ok &= q("SELECT SUM(on_hand) FROM stock_level")[0][0] == received - issued
    ok &= issued == q("SELECT SUM(quantity) FROM document_line l JOIN document d ON d.id = l.document_id "
                      "WHERE d.kind = 'FA'")[0][0]
    ok &= q("SELECT COUNT(*) FROM document_vat v WHERE v.vat != (SELECT SUM(l.vat) FROM document_line l WHERE "
            "l.document_id = v.document_id AND l.rate_code = v.rate_code)")[0][0] == 0
    ok &= q("SELECT COUNT(*) FROM cash_entry")[0][0] == q(
        "SELECT COUNT(*) FROM cash_payment p JOIN payment_form f ON f.id = p.payment_form WHERE f.kind = 'cash'")[0][0]
    ok &= q("SELECT COUNT(*) FROM cash_payment")[0][0] == docs + 1
    conn.close()
    return bool(ok)


def run_pg() -> float:
    """Our side on PostgreSQL: a fresh schema, PG_DOCS buffered FAs, the same approvals."""
    import uuid

    import psycopg2

    from store.db import database, open_database

    base = os.environ.get("FILIA_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
    schema = f"bench_approve_{uuid.uuid4().hex[:8]}"
    conn = psycopg2.connect(base)
    conn.autocommit = True
    conn.cursor().execute(f"CREATE SCHEMA {schema}")
    try:
        url = f"{base}?schema={schema}"
        db = open_database(url, create=True)
        build(url, PG_DOCS, verbose=False)
        db.close()
        database.initialize(None)
        rate, _stmts, _n = run_ours(url)
        return rate
    finally:
        conn.cursor().execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.close()


def main() -> None:
    from store.db import database, open_database

    if not CACHE.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        print(f"building {CACHE.name} (takes a while, once) ...", file=sys.stderr)
        tmp = CACHE.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        db = open_database(f"sqlite:///{tmp}", create=True)
        build(f"sqlite:///{tmp}", DOCS)
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        database.initialize(None)
        tmp.rename(CACHE)
    db = open_database(f"sqlite:///{CACHE}")      # a cache built by an older Filia gets this one's schema: both
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")   # copies below (ours and raw) then share every index
    db.close()
    database.initialize(None)
    for target in (WORK, RAW):
        for suffix in ("-wal", "-shm"):
            os.unlink(f"{target}{suffix}") if os.path.exists(f"{target}{suffix}") else None
        shutil.copyfile(CACHE, target)
    raw_rate, raw_stmts, cache = run_raw(RAW)
    ours_rate, stmts, n = run_ours(f"sqlite:///{WORK}")
    ok = check(WORK, n) and check(RAW, n) and round(stmts) == round(raw_stmts)
    try:
        pg_rate = run_pg() if os.environ.get("BENCH_NO_PG") != "1" else 0.0
    except Exception as exc:  # noqa: BLE001 - reported, the line still printed
        print(f"PostgreSQL run failed: {exc}", file=sys.stderr)
        pg_rate = 0.0
    cache_mb = abs(cache) / 1024 if cache < 0 else cache * 4096 / 1024 / 1024
    print(f"documents {n}, load {os.getloadavg()[0]:.1f}; ours {ours_rate:.1f}/s, raw {raw_rate:.1f}/s")
    print(f"approve docs_per_s={ours_rate:.1f} baseline_docs_per_s={raw_rate:.1f} ratio={ours_rate / raw_rate:.3f} "
          f"pg_docs_per_s={pg_rate:.1f} stmts_per_doc={stmts:.1f} baseline_stmts_per_doc={raw_stmts:.1f} "
          f"cache_mb={cache_mb:.0f} ok={1 if ok else 0}")


if __name__ == "__main__":
    main()
