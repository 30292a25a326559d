"""Sheet „KodyCN” of the price list (PIE-5, PIE-20): CN codes with their VAT rate and VAT flag.

Export: the CN codes of the exported cards. Import: a missing or empty VATFlaga means 2 (taxed);
new codes are added with the file's VAT rate, existing ones get the file's rate (per update mode).
"""
from __future__ import annotations

from decimal import Decimal

from store.i18n import _
from store.pricelist_io import cells
from store.pricelist_io.columns import normalise_header
from store.pricelist_io.reader import XlsxRefused, open_sheet

CN_SHEET = "KodyCN"
CN_HEADERS = ["Kod CN", "Opis", "VAT", "VATFlaga"]
VAT_FLAGS = (1, 2, 3, 4)          # 1 exempt, 2 taxed, 3 reduced, 4 not subject
_KEYS = {"kod cn": "code", "kod": "code", "opis": "description", "vat": "vat", "vatflaga": "flag"}


def cn_export_rows(codes):
    """(code, description, VAT code, VATFlaga) of the given CN codes that exist in the dictionary."""
    from store.catalog.dictionaries import CnCode
    from store.config import VatRate

    vat = dict(VatRate.select(VatRate.id, VatRate.code).tuples())
    codes = sorted(codes)
    for i in range(0, len(codes), 900):
        for code, desc, vat_id, flag in (CnCode.select(CnCode.code, CnCode.description, CnCode.vat_rate, CnCode.vat_flag)
                                         .where(CnCode.code.in_(codes[i:i + 900])).order_by(CnCode.code).tuples()):
            yield code, desc, vat.get(vat_id, ""), flag


def _flag(value) -> int:
    if value in ("", None):
        return 2                                                              # PIE-5
    try:
        n = cells.number(value, Decimal(1))
    except cells.CellError:
        n = None
    if n is None or n != int(n) or int(n) not in VAT_FLAGS:
        raise cells.CellError(_("VATFlaga musi być liczbą 1 (zwolniona), 2 (opodatkowana), 3 (zaniżona) albo "
                                "4 (nie podlega), a jest „{v}”.").format(v=cells.shown(value)))
    return int(n)


def read_cn_sheet(path, plan, errs, vat_ids: dict, vat_key, max_rows: int, cancel=None) -> None:
    """Check sheet KodyCN, if the file has one: rows go to plan.cn_rows as
    (row, code, description or None, VAT id or None, flag)."""
    sheet = open_sheet(path, preferred=(CN_SHEET,), max_rows=max_rows, only_preferred=True, cancel=cancel)
    if sheet is None:
        return
    with sheet:
        rows = sheet.rows()
        header = next((values for _n, values in rows if any(cells.shown(v).strip() for v in values)), None)
        if header is None:
            return
        cols = {_KEYS[normalise_header(cells.shown(h))]: (i, cells.shown(h)) for i, h in enumerate(header)
                if normalise_header(cells.shown(h)) in _KEYS}
        if "code" not in cols:
            raise XlsxRefused(_("W arkuszu „{s}” brak kolumny „Kod CN”.").format(s=sheet.name))
        first: dict[str, int] = {}
        for row_no, raw in rows:
            if not any(raw) and all(v == "" for v in raw):
                continue

            def cell(key):
                i = cols.get(key, (None,))[0]
                return raw[i] if i is not None and i < len(raw) else ""

            ok = True
            parsed = {}
            for key, check in (("code", cells.cn_code), ("description", lambda v: cells.text(v, 2000)),
                               ("vat", lambda v: cells.text(v, 10)), ("flag", _flag)):
                try:
                    parsed[key] = check(cell(key))
                except cells.CellError as exc:
                    errs.add(row_no, cols[key][1], cell(key), exc.reason, sheet=sheet.name)
                    ok = False
            code = parsed.get("code")
            if ok and code is None:
                errs.add(row_no, cols["code"][1], "", _("Brak kodu CN w wierszu."), sheet=sheet.name)
                continue
            vat_id = None
            if parsed.get("vat") is not None:
                vat_id = vat_ids.get(vat_key(parsed["vat"]))
                if vat_id is None:
                    errs.add(row_no, cols["vat"][1], parsed["vat"], _("Nieznana stawka VAT „{v}”. Dostępne stawki: "
                                                                      "{all}.").format(v=parsed["vat"],
                                                                                       all=", ".join(sorted(vat_ids))),
                             sheet=sheet.name)
                    ok = False
            if code is not None and code in first:
                errs.add(row_no, cols["code"][1], code, _("Kod CN {kod} występuje w arkuszu więcej niż raz (pierwszy "
                                                          "raz w wierszu {r}).").format(kod=code, r=first[code]),
                         sheet=sheet.name)
                ok = False
            elif code is not None:
                first[code] = row_no
            if ok:
                plan.cn_rows.append((row_no, code, parsed.get("description"), vat_id, parsed["flag"]))


def apply_cn_rows(plan) -> tuple[int, int]:
    """PIE-20 inside the import transaction: (CN codes added, CN codes updated)."""
    from store.catalog.dictionaries import CnCode

    if not plan.cn_rows:
        return 0, 0
    existing = dict(CnCode.select(CnCode.code, CnCode.id)
                    .where(CnCode.code.in_([r[1] for r in plan.cn_rows])).tuples())
    added = updated = 0
    for _row, code, desc, vat_id, flag in plan.cn_rows:
        if code not in existing:
            if plan.mode != "update":
                CnCode.create(code=code, description=desc or "", vat_rate=vat_id, vat_flag=flag)
                added += 1
        elif plan.mode != "add":
            changes = {CnCode.vat_rate: vat_id, CnCode.vat_flag: flag, CnCode.modified_at: _now()}
            if desc is not None:
                changes[CnCode.description] = desc
            CnCode.update(changes).where(CnCode.id == existing[code]).execute()
            updated += 1
    return added, updated


def _now():
    from store.base import utcnow

    return utcnow()
