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
    norm = lambda rows: sorted(sorted((k, str(v)) for k, v in r.items() if k != "id") for r in rows or [])  # noqa
    return norm(a) == norm(b)


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
        merged_grids[name] = m if (i_changed and not they_changed) else (t if t is not None else m)
        if they_changed:
            rows.append((name, _("{n} wierszy").format(n=len(t or [])), _("{n} wierszy").format(n=len(m or [])),
                         "both" if i_changed and not _grid_same(t, m) else "theirs"))
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
