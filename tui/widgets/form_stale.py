"""When another session saved the record after this card loaded it (StaleRecord): which fields differ
(theirs / yours), and the values a reload keeps — theirs wherever they changed something, the clerk's own
edits in every field nobody else changed (issue 16)."""
from __future__ import annotations

from typing import Any

from store.base import local_time_text
from store.errors import StaleRecord
from store.i18n import _
from tui.widgets.confirm import ChoiceDialog


def _same(a, b) -> bool:
    return str("" if a is None else a) == str("" if b is None else b)


def _grid_same(a: list[dict] | None, b: list[dict] | None) -> bool:
    norm = lambda rows: sorted(sorted((k, str(v)) for k, v in r.items() if k not in _ROW_META)  # noqa: E731
                               for r in rows or [])
    return norm(a) == norm(b)


_ROW_META = ("id", "version", "modified_by", "modified_at")


def _row_key(row: dict):
    """A grid row's identity: its id, else its first column (the unit, EAN code, group code … of a goods card)."""
    return ("id", row["id"]) if row.get("id") else ("key", str(next(iter(row.values()), "")))


def rebase_grid(base: list[dict], theirs: list[dict], mine: list[dict]) -> tuple[list[dict], bool]:
    """The clerk's grid edits replayed onto the rows as the other session left them: his added rows, his
    changed fields of rows whose field they left alone, his removed rows they did not change. Returns
    (rows, conflict): conflict when both changed the same field or row (theirs is kept there)."""
    old = {_row_key(r): r for r in base or []}
    out = [dict(r) for r in theirs or []]
    at = {_row_key(r): r for r in out}
    conflict = False
    mine_keys = set()
    for row in mine or []:
        k = _row_key(row)
        mine_keys.add(k)
        if k not in old:
            if k in at:
                conflict |= not _grid_same([at[k]], [row])
            else:
                out.append({f: v for f, v in row.items() if f not in _ROW_META})
            continue
        edits = {f: v for f, v in row.items() if f not in _ROW_META and not _same(v, old[k].get(f))}
        if not edits:
            continue
        if k not in at:
            conflict = True                       # they removed a row the clerk changed
            continue
        for f, v in edits.items():
            if _same(at[k].get(f), old[k].get(f)):
                at[k][f] = v
            elif not _same(at[k].get(f), v):
                conflict = True
    for k, row in old.items():
        if k not in mine_keys and k in at:        # the clerk removed it
            if _grid_same([at[k]], [row]):
                out.remove(at[k])
            else:
                conflict = True
    return out, conflict


def merge_stale(base: tuple[dict, dict], theirs: tuple[dict, dict], mine: tuple[dict, dict]):
    """(merged values, merged grids, rows) where rows = [(name, their value, my value, kind)] for every field
    or grid the other session changed; kind is "both" when the clerk changed it too (theirs is taken:
    the dialog shows his value so he can type it again) or "theirs"."""
    (b_vals, b_grids), (t_vals, t_grids), (m_vals, m_grids) = base, theirs, mine
    merged, rows = {}, []
    for name in {*t_vals, *m_vals}:
        o, t, m = b_vals.get(name), t_vals.get(name), m_vals.get(name)
        they_changed, i_changed = not _same(t, o), not _same(m, o)
        merged[name] = m if (i_changed and not they_changed) else t if name in t_vals else m
        if they_changed:
            rows.append((name, t, m, "both" if i_changed and not _same(t, m) else "theirs"))
    merged_grids = {}
    for name in {*t_grids, *m_grids}:
        o, t, m = b_grids.get(name), t_grids.get(name), m_grids.get(name)
        they_changed, i_changed = not _grid_same(t, o), not _grid_same(m, o)
        conflict = False
        if i_changed and they_changed and t is not None:
            merged_grids[name], conflict = rebase_grid(o, t, m)     # both: his row edits onto theirs
        else:
            merged_grids[name] = m if (i_changed and not they_changed) else (t if t is not None else m)
        if they_changed:
            rows.append((name, _("{n} wierszy").format(n=len(t or [])), _("{n} wierszy").format(n=len(m or [])),
                         "both" if conflict else "theirs"))
    rows.sort(key=lambda r: (r[3] != "both", r[0]))
    return merged, merged_grids, rows


def _shown(value: Any) -> str:
    if value is True:
        return _("Tak")
    if value is False:
        return _("Nie")
    text = "" if value is None else str(value)
    return text if len(text) <= 24 else text[:23] + "…"


def stale_dialog(exc: StaleRecord, rows: list[tuple], labels: dict[str, str]) -> ChoiceDialog:
    """Who changed the record and when, the fields that differ (theirs / yours); W reloads keeping the
    clerk's edits elsewhere, A (or Esc) goes back to the card as it is."""
    who = exc.who or _("inna sesja")
    when = local_time_text(exc.when) if exc.when else ""
    lines = [_("Kartę zmienił w międzyczasie {who} ({when}). Twoje zmiany nie zostały zapisane.").format(
        who=who, when=when), "",
        f" {_('Pole'):<25} {_('Zapisane ({who})').format(who=who)[:30]:<30} {_('Twoje')}"]
    for name, theirs, mine, kind in rows:
        mark = "!" if kind == "both" else " "
        lines.append(f"{mark}{labels.get(name, name)[:25]:<25} {_shown(theirs):<30} {_shown(mine)}")
    if not rows:
        lines.append(_("(zmieniono tylko dane, których ta karta nie pokazuje)"))
    if any(kind == "both" for *_r, kind in rows):
        lines += ["", _("„!” – pole zmienione i przez Ciebie, i przez {who}: po wczytaniu ma zapisaną wartość, "
                        "Twoją widzisz powyżej.").format(who=who)]
    return ChoiceDialog("\n".join(lines), [(_("&Wczytaj ich zmiany, zachowaj moje"), True), (_("&Anuluj"), False)],
                        default=0, cancel=False, width=90)
