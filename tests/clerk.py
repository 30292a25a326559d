"""A clerk in his own process, driven step by step by the test (issue 16): he loads a record, edits his copy,
saves what he changed (fields, grids as changes, prices with the version he saw) from the version he
loaded, and after a stale save reloads keeping his own edits where nobody else changed anything — what
the card screens do (tui/widgets/form.py, form_stale.merge_stale), without the screen.

Commands on `inbox`, one answer each on `outbox`:
    ("load",)                               -> ("loaded", version)
    ("edit", {field: value})                -> ("ok",)
    ("grid", grid, op, match, row)          op add / set / remove; match: {key: value} of the row
    ("save",)                               -> ("saved", version) | ("stale", who, message, rows) |
                                               ("refused", message) | ("raw", traceback)
    ("price", price_type_id, value)         -> as save (the price row's version from the load)
    ("reload",)                             -> ("reloaded", rows)   rows: (field, theirs, mine, kind)
    ("quit",)
"""
from __future__ import annotations

import copy
import traceback
from decimal import Decimal


def _load(kind: str, rid, key: str | None):
    if kind == "contractor":
        from store import parties

        data = parties.card_data(rid)
        meta = data.pop("meta")
        grids = {g: data.pop(g) for g in ("bank_accounts", "representatives", "attributes", "jpk_codes",
                                           "recipients")}
        return data, grids, meta["version"], {}
    if kind == "goods":
        from store.catalog import card_save

        view = card_save.card_view(rid)
        prices = {p.price_type_id: p.version for p in view["prices"] if p.price_type_id}
        return view["fields"], view["grids"], view["meta"]["version"], prices
    from store.catalog import dict_versions, list_specs

    return list_specs.form_values(key, rid), {}, dict_versions.entry_version(key, rid), {}


def _changed(base: dict, mine: dict) -> dict:
    from store.gridrows import _same

    return {k: v for k, v in mine.items() if not _same(v, base.get(k))}


def _save(kind: str, rid, key, base, mine, version, operator):
    from store.gridrows import diff_rows

    fields = _changed(base[0], mine[0])
    if kind == "contractor":
        from store import parties

        grids = {g: diff_rows(base[1][g], rows) for g, rows in mine[1].items()}
        return parties.save_card(rid, fields, confirm=True, operator=operator, version=version, **grids).version
    if kind == "goods":
        from store.catalog import card_save
        from store.catalog.models import Goods

        card_save.save_goods_card(rid, fields, grids=mine[1], original_grids=base[1], confirm=True,
                                  operator=operator, version=version)
        return Goods.get_by_id(rid).version
    from store.catalog import dict_versions

    dict_versions.save_form_checked(key, rid, fields, version)
    return dict_versions.entry_version(key, rid)


def clerk(url: str, operator: str, kind: str, rid, key, inbox, outbox) -> None:
    from store.base import set_session_operator
    from store.db import open_database
    from store.errors import FiliaError, StaleRecord

    db = open_database(url)
    set_session_operator(operator)
    base = mine = None
    version, price_versions = None, {}
    try:
        while True:
            cmd = inbox.get(timeout=120)
            try:
                if cmd[0] == "quit":
                    return
                if cmd[0] == "load":
                    values, grids, version, price_versions = _load(kind, rid, key)
                    base = (values, grids)
                    mine = copy.deepcopy(base)
                    outbox.put(("loaded", version))
                elif cmd[0] == "edit":
                    mine[0].update(cmd[1])
                    outbox.put(("ok",))
                elif cmd[0] == "grid":
                    _grid(mine[1], *cmd[1:])
                    outbox.put(("ok",))
                elif cmd[0] == "save":
                    version = _save(kind, rid, key, base, mine, version, operator)
                    base = copy.deepcopy(mine)
                    price_versions = _load(kind, rid, key)[3]     # the prices table shows the card as saved
                    outbox.put(("saved", version))
                elif cmd[0] == "price":
                    from store.catalog.prices import set_price

                    row = set_price(rid, cmd[1], value=Decimal(cmd[2]), version=price_versions.get(cmd[1], 0))
                    price_versions[cmd[1]] = row.version
                    outbox.put(("saved", row.version))
                elif cmd[0] == "reload":
                    from tui.widgets.form_stale import merge_stale

                    values, grids, their_version, price_versions = _load(kind, rid, key)
                    merged, merged_grids, rows = merge_stale(base, (values, grids), mine)
                    base, mine, version = (values, grids), (merged, merged_grids), their_version
                    outbox.put(("reloaded", [(r[0], str(r[1]), str(r[2]), r[3]) for r in rows]))
            except StaleRecord as exc:
                outbox.put(("stale", exc.who, str(exc), sorted(exc.current)))
            except FiliaError as exc:
                outbox.put(("refused", str(exc)))
            except Exception:  # noqa: BLE001 - the test forbids it
                outbox.put(("raw", traceback.format_exc(limit=8)))
    finally:
        db.close()


def _grid(grids: dict, grid: str, op: str, match: dict | None, row: dict | None) -> None:
    rows = grids[grid]
    if op == "add":
        rows.append(dict(row))
        return
    i = next(i for i, r in enumerate(rows) if all(str(r.get(k)) == str(v) for k, v in match.items()))
    if op == "set":
        rows[i].update(row)
    else:
        del rows[i]


class Clerks:
    """Two (or more) clerk processes the test sends commands to, one step at a time."""

    def __init__(self, url: str, kind: str, rid, key: str | None = None, names=("ANNA", "BOGDAN")) -> None:
        import multiprocessing as mp

        ctx = mp.get_context("spawn")
        self.queues = {n: (ctx.Queue(), ctx.Queue()) for n in names}
        self.procs = [ctx.Process(target=clerk, args=(url, n, kind, rid, key, *self.queues[n])) for n in names]
        for p in self.procs:
            p.start()

    def __call__(self, name: str, *cmd):
        inbox, outbox = self.queues[name]
        inbox.put(cmd)
        answer = outbox.get(timeout=120)
        assert answer[0] != "raw", answer[1]
        return answer

    def close(self) -> None:
        for inbox, _out in self.queues.values():
            inbox.put(("quit",))
        for p in self.procs:
            p.join(timeout=30)
