"""Phase 1 of a price-list import: read and check every row, write nothing (PIE-7..PIE-19).

validate_import() returns an ImportPlan: the rows that can be written, every problem found
(spreadsheet row number, column, value, reason in Polish) and what the import would do (new
cards, updated cards, skipped codes, units and groups to be created). The user reads it and
confirms; apply_import(plan) then writes everything valid in one transaction.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable

from store.i18n import _
from store.pricelist_io import cells
from store.pricelist_io.column_check import check_distinct, check_text_column
from store.pricelist_io.columns import (DEFAULT_UPDATE_FIELDS, PRODUCER_KEYS, SHEET_NAME, Column, is_update_choice,
                                        PriceColumn, match_header, normalise_header)
from store.pricelist_io.bulk_sql import ean_owners, existing_goods
from store.pricelist_io.plan_refs import keep_known_suppliers, plan_producers
from store.pricelist_io.reader import DEFAULT_MAX_ROWS, XlsxRefused, column_letters, open_sheet
from store.pricelist_io.sheet_scan import check_cancel

MODES = ("add", "add_update", "update")         # PIE-8: only add new | add and update | only update
FORBIDDEN_CODE_CHARS = frozenset("&<>'\"\\")    # ITM-5
MAX_ERRORS_KEPT = 100_000


@dataclass(frozen=True)
class RowError:
    row: int          # spreadsheet row (1-based); 0 = the file as a whole
    column: str       # header as written in the file, "" = the whole row
    value: str
    reason: str
    sheet: str = ""   # "" = the price-list sheet; else e.g. „KodyCN”


@dataclass
class ImportPlan:
    """What an import would do. `rows` holds (row number, code, fixed values, prices) per good row;
    a value of None means "the cell was empty: keep what the card has" (or the default on a new card)."""

    path: Path
    sheet: str
    mode: str
    update_fields: frozenset[str]
    columns: list[Column]                 # fixed columns of the file, "Kod" first
    headers: list[str]                    # their headers as written in the file
    price_columns: list[PriceColumn]
    price_headers: list[str]
    rows: list[tuple] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    total_rows: int = 0                   # data rows read (empty rows not counted)
    invalid_rows: int = 0
    to_insert: int = 0
    to_update: int = 0
    skipped: int = 0
    new_units: list[str] = field(default_factory=list)
    new_groups: list[str] = field(default_factory=list)
    import_producers: bool = False                                    # PIE-11 option
    new_producers: list[str] = field(default_factory=list)
    new_brands: list[tuple[str | None, str]] = field(default_factory=list)   # (producer code, brand name)
    errors_truncated: int = 0             # errors beyond MAX_ERRORS_KEPT (counted, not kept)
    cn_rows: list[tuple] = field(default_factory=list)   # sheet KodyCN: (row, code, description, VAT id, flag)

    @property
    def valid_rows(self) -> int:
        return len(self.rows)

    @property
    def can_apply(self) -> bool:
        return bool(self.rows or self.cn_rows)

    def summary(self) -> str:
        return _("Wierszy w pliku: {total}; poprawnych: {ok}; z błędami: {bad}. Zostanie dopisanych {ins} "
                 "i zaktualizowanych {upd} towarów; pominiętych {skip}.").format(
            total=self.total_rows, ok=self.valid_rows, bad=self.invalid_rows, ins=self.to_insert,
            upd=self.to_update, skip=self.skipped)


@dataclass
class _Refs:
    vat: dict[str, int]                   # casefolded code -> id
    units: set[str]
    groups: dict[str, int]                # casefolded code -> id
    group_codes: dict[str, str]           # casefolded -> as stored
    price_types: dict[str, object]
    ean_check: bool
    retail_id: int | None = None          # the price type mirrored into goods.retail_price


def _load_refs() -> _Refs:
    from store.catalog.dictionaries import GoodsGroup, PriceType, Unit
    from store.config import VatRate, get_setting

    vat = {code.casefold(): vid for vid, code in VatRate.select(VatRate.id, VatRate.code).tuples()}
    units = {u for (u,) in Unit.select(Unit.code).tuples()}
    groups, group_codes = {}, {}
    for gid, code in GoodsGroup.select(GoodsGroup.id, GoodsGroup.code).tuples():
        groups[code.casefold()] = gid
        group_codes[code.casefold()] = code
    from store.catalog.prices import pick_retail

    types = list(PriceType.select().order_by(PriceType.position, PriceType.id))
    price_types = {normalise_header(pt.name): pt for pt in types}
    retail = pick_retail(types)
    ean_check = get_setting("ean_validation", "1") in ("1", "true", "tak")   # same key as the goods card
    return _Refs(vat, units, groups, group_codes, price_types, ean_check, retail.id if retail else None)


def vat_key(text: str) -> str:
    return text.strip().rstrip("%").strip().casefold()


EAN_LENGTHS = frozenset((8, 13, 14))


def check_ean_column(values: list, enabled: bool) -> list[tuple[int, str]]:
    """ITM-8/PIE-13 over a column of stripped texts (None = empty), in place: spaces are removed;
    with validation on, a code of 8, 13 or 14 digits needs a correct check digit, else it becomes
    None and is returned as (index, reason). Other codes are internal and unchecked, as on the card.

    The check digit comes from python-stdnum's calc_check_digit (validate() would first re-clean
    a string that is already digits only, which costs more than the check itself). Digits outside
    ASCII (²) count as wrong, as stdnum's validate() on the card says; int() would fail on them."""
    from stdnum import ean as std_ean

    for i in [i for i, v in enumerate(values) if v is not None and " " in v]:
        values[i] = values[i].replace(" ", "") or None
    if not enabled:
        return []
    calc = std_ean.calc_check_digit
    lengths = EAN_LENGTHS
    bad = [i for i, v in enumerate(values)
           if v is not None and len(v) in lengths and v.isdigit() and (not v.isascii() or calc(v[:-1]) != v[-1])]
    problems = []
    for i in bad:
        problems.append((i, _("Nieprawidłowy kod EAN „{v}” (błędna cyfra kontrolna).").format(v=values[i])))
        values[i] = None
    return problems


class _Errors:
    def __init__(self, plan: ImportPlan):
        self.plan = plan
        self.bad_rows: set[tuple[str, int]] = set()

    def add(self, row: int, column: str, value, reason: str, *, sheet: str = "") -> None:
        self.bad_rows.add((sheet, row))
        if len(self.plan.errors) < MAX_ERRORS_KEPT:
            self.plan.errors.append(RowError(row, column, cells.shown(value), reason, sheet))
        else:
            self.plan.errors_truncated += 1


def _read_header(sheet, header: list, refs: _Refs, warnings: list[str]):
    fixed: list[tuple[Column, int, str]] = []
    prices: list[tuple[PriceColumn, int, str]] = []
    seen: dict[str, str] = {}
    for pos, raw in enumerate(header):
        text = cells.shown(raw).strip()
        if not text:
            continue
        letter = column_letters(sheet.start_col + pos)
        norm = normalise_header(text)
        if norm in seen:
            raise XlsxRefused(_("Kolumna „{h}” występuje w nagłówku dwa razy (kolumny {a} i {b}). Usuń jedną z nich "
                                "i zaimportuj ponownie.").format(h=text, a=seen[norm], b=letter))
        seen[norm] = letter
        found = match_header(text, refs.price_types, refs.retail_id)
        if isinstance(found, Column):
            fixed.append((found, pos, text))
        elif isinstance(found, PriceColumn):
            if any(p.price_type_id == found.price_type_id for p, _i, _t in prices):
                raise XlsxRefused(_("Cena „{n}” występuje w nagłówku dwa razy (kolumna {b}). Zostaw jedną kolumnę tej "
                                    "ceny.").format(n=found.name, b=letter))
            prices.append((found, pos, text))
        elif isinstance(found, str):
            warnings.append(_("Rodzaj ceny „{n}” jest nieaktywny – kolumna {c} („{h}”) zostanie pominięta.").format(
                n=found, c=letter, h=text))                                      # PIE-18
        else:
            warnings.append(_("Nieznana kolumna {c} („{h}”) – zostanie pominięta.").format(c=letter, h=text))
    if not any(c.key == "code" for c, _p, _t in fixed):
        raise XlsxRefused(_("W pierwszym wierszu arkusza „{s}” brak kolumny „Kod”. Pierwszy wiersz musi zawierać "
                            "nagłówki kolumn (Kod, Nazwa, Stawka VAT, ceny…).").format(s=sheet.name))
    fixed.sort(key=lambda item: item[0].key != "code")                     # "Kod" first
    return fixed, prices


def validate_import(path, *, mode: str = "add_update", update_fields: Iterable[str] | None = None,
                    max_rows: int = DEFAULT_MAX_ROWS, progress: Callable[[int], None] | None = None,
                    import_producers: bool = False, cancel: Callable[[], bool] | None = None) -> ImportPlan:
    """Read and check the whole file; nothing is written. Raises XlsxRefused when the file as a whole
    cannot be imported (not XLSX, encrypted, too many rows, too big to read safely, no header, ...).
    With `import_producers` (PIE-11 „Importuj producentów i marki”) the columns Producent and Marka are
    written to the cards and missing producers and brands are created; without it they are passed over.
    `cancel()` is asked between steps; when it turns true the check stops with CheckCancelled (Esc)."""
    from store.catalog.roles import ensure_may_edit

    if mode not in MODES:
        raise ValueError(mode)
    ensure_may_edit("goods_new")
    chosen = frozenset(update_fields) if update_fields is not None else DEFAULT_UPDATE_FIELDS
    unknown = {key for key in chosen if not is_update_choice(key)}
    if unknown:
        raise ValueError(sorted(unknown))
    refs = _load_refs()
    with open_sheet(path, preferred=(SHEET_NAME,), max_rows=max_rows, cancel=cancel) as sheet:
        rows = sheet.rows()
        header = None
        for _number, values in rows:                      # the header is the first non-empty row
            if any(cells.shown(v).strip() for v in values):
                header = values
                break
        if header is None:
            raise XlsxRefused(_("Arkusz „{s}” jest pusty – brak nagłówka i danych.").format(s=sheet.name))
        warnings: list[str] = []
        fixed, prices = _read_header(sheet, header, refs, warnings)
        plan = ImportPlan(Path(path), sheet.name, mode, chosen, [c for c, _p, _t in fixed], [t for _c, _p, t in fixed],
                          [p for p, _i, _t in prices], [t for _p, _i, t in prices], warnings=warnings,
                          import_producers=import_producers)
        errs = _Errors(plan)
        _scan_rows(plan, sheet, rows, fixed, prices, refs, progress, errs, cancel)
    check_cancel(cancel)
    if plan.total_rows == 0:
        raise XlsxRefused(_("Arkusz „{s}” zawiera tylko nagłówek, bez wierszy z towarami.").format(s=plan.sheet))
    from store.pricelist_io.cn_sheet import read_cn_sheet

    read_cn_sheet(path, plan, errs, refs.vat, vat_key, max_rows, cancel)          # PIE-5, PIE-20
    plan.invalid_rows = len(errs.bad_rows)
    if plan.errors_truncated:
        plan.warnings.append(_("Pokazano pierwsze {n} błędów; pozostałych: {m}.").format(
            n=MAX_ERRORS_KEPT, m=plan.errors_truncated))
    plan.errors.sort(key=lambda e: (e.sheet, e.row))
    return plan


def _checker(key: str, parse: Callable, refs: _Refs) -> Callable:
    """Cell -> final value of one column (VAT code -> id, group -> stored code)."""
    if key in ("vat_rate", "purchase_vat_rate"):
        def check(v):
            text = parse(v)
            if text is None:
                return None
            vid = refs.vat.get(vat_key(text))
            if vid is None:
                raise cells.CellError(_("Nieznana stawka VAT „{v}”. Dostępne stawki: {all}.").format(
                    v=text, all=", ".join(sorted(refs.vat))))
            return vid
        return check
    if key == "group":
        def check(v):
            text = parse(v)
            return None if text is None else refs.group_codes.get(text.casefold(), text)
        return check
    return parse


def _check_column(column: Column, cells_of_column: list, refs: _Refs):
    """(values, problems) of one fixed column; see column_check for the fast paths."""
    if column.key == "ean":
        values, problems = check_text_column(cells_of_column, column.text_len, column.parse)
        problems += [(i, cells_of_column[i], reason) for i, reason in check_ean_column(values, refs.ean_check)]
        return values, problems
    if column.text_len and column.key not in ("unit", "vat_rate", "purchase_vat_rate", "group"):
        return check_text_column(cells_of_column, column.text_len, column.parse)
    return check_distinct(cells_of_column, _checker(column.key, column.parse, refs))


def _scan_rows(plan: ImportPlan, sheet, rows, fixed, prices, refs: _Refs, progress, errs: _Errors,
               cancel: Callable[[], bool] | None = None) -> None:
    """Check the sheet column by column, then the rules that span a row or the file (code present
    and allowed, codes and EANs unique in the file)."""
    start, raws = rows.rest()
    filled = list(map(any, raws))
    if all(filled):
        numbers = list(range(start, start + len(raws)))
    else:                                                    # any() alone would skip a row of zeros
        keep = [i for i, (f, raw) in enumerate(zip(filled, raws)) if f or not all(v == "" for v in raw)]
        numbers, raws = [start + i for i in keep], [raws[i] for i in keep]
    plan.total_rows = n = len(numbers)
    if progress is not None:
        progress(n)
    specs = [(c, pos, text) for c, pos, text in fixed] + [(p, pos, text) for p, pos, text in prices]
    width = max(pos for _c, pos, _t in specs) + 1
    if any(len(r) < width for r in raws):
        raws = [r if len(r) >= width else list(r) + [""] * (width - len(r)) for r in raws]
    problems: list[tuple[int, int, str, object, str]] = []       # (index, order, header, value, reason)
    columns: list[list] = []
    index_of = {row_no: i for i, row_no in enumerate(numbers)} if sheet.formula_cells else {}
    formula_reason = _("Komórka zawiera formułę bez obliczonej wartości. Otwórz plik w arkuszu kalkulacyjnym, "
                       "zapisz go i zaimportuj ponownie.")
    for order, (spec, pos, text) in enumerate(specs):
        check_cancel(cancel)
        cells_of_column = list(map(itemgetter(pos), raws))
        if isinstance(spec, Column):
            values, found = _check_column(spec, cells_of_column, refs)
        else:
            values, found = check_distinct(cells_of_column, cells.number)
        problems.extend((i, order, text, v, reason) for i, v, reason in found)
        columns.append(values)
        if sheet.formula_cells:                     # a formula without a cached value reads as empty
            abs_col = sheet.start_col + pos
            for row_no, col in sheet.formula_cells:
                i = index_of.get(row_no)
                if col == abs_col and i is not None and cells_of_column[i] == "":
                    problems.append((i, order, text, "", formula_reason))
    codes = columns[0] if n else []
    code_text = fixed[0][2]
    keys = [c.key for c, _p, _t in fixed]
    keep_known_suppliers(plan, keys, columns)
    if not plan.import_producers:
        _pass_over_producers(plan, keys, columns)
    i_ean = keys.index("ean") if "ean" in keys else -1
    row_rule = len(specs)
    seen_code: dict[str, int] = {}
    duplicates: dict[str, list[int]] = {}
    ean_first: dict[str, int] = {}
    eans = columns[i_ean] if i_ean >= 0 else None
    for i, code in enumerate(codes if _may_break_row_rules(codes, eans) else ()):
        if code is None:
            problems.append((i, row_rule, code_text, "", _("Brak kodu towaru – każdy wiersz musi mieć kod.")))
            continue
        if not FORBIDDEN_CODE_CHARS.isdisjoint(code):
            problems.append((i, row_rule, code_text, code, _("Kod towaru zawiera niedozwolone znaki (& < > ' \" \\).")))
        first = seen_code.setdefault(code, i)
        if first != i:
            duplicates.setdefault(code, [numbers[first]]).append(numbers[i])
        if eans is not None and eans[i] is not None:
            first = ean_first.setdefault(eans[i], i)
            if first != i and codes[first] != code:
                problems.append((i, row_rule + 1, fixed[i_ean][2], eans[i], _(
                    "Kod EAN {ean} występuje w pliku także w wierszu {r} (towar {kod}); kod EAN musi być "
                    "unikalny.").format(ean=eans[i], r=numbers[first], kod=codes[first])))
    problems.sort(key=lambda p: (p[0], p[1]))
    bad: set[int] = set()
    for i, _order, text, value, reason in problems:
        errs.add(numbers[i], text, value, reason)
        bad.add(i)
    n_fixed = len(fixed)
    fixed_rows = zip(*columns[1:n_fixed]) if n_fixed > 1 else repeat(())
    price_rows = zip(*columns[n_fixed:]) if prices else repeat(())
    if bad:
        good = [(numbers[i], codes[i], values, price_values)
                for i, values, price_values in zip(range(n), fixed_rows, price_rows) if i not in bad]
    else:
        good = list(zip(numbers, codes, fixed_rows, price_rows))
    for code, row_list in duplicates.items():
        listed = ", ".join(str(r) for r in row_list)
        for r in row_list:
            errs.add(r, code_text, code, _("Kod {kod} występuje w pliku więcej niż raz (wiersze {rows}); "
                                           "żaden z tych wierszy nie zostanie zaimportowany.").format(kod=code, rows=listed))
    check_cancel(cancel)
    _check_against_database(plan, good, errs, keys, fixed, duplicates)
    i_unit = keys.index("unit") if "unit" in keys else -1
    i_group = keys.index("group") if "group" in keys else -1
    # PIE-14: units and groups the written rows name but the database lacks are created on apply.
    if i_unit >= 0:
        plan.new_units = sorted({r[2][i_unit - 1] for r in plan.rows} - {None} - refs.units)
    if i_group >= 0:
        plan.new_groups = sorted({r[2][i_group - 1] for r in plan.rows} - {None}
                                 - set(refs.group_codes.values()))
    if plan.import_producers and ("producer" in keys or "brand" in keys):
        plan_producers(plan, keys)
    if plan.new_units:
        plan.warnings.append(_("Zostaną dopisane jednostki miary: {u}.").format(u=", ".join(plan.new_units)))
    if plan.new_groups:
        plan.warnings.append(_("Zostaną dopisane grupy towarowe: {g}.").format(g=", ".join(plan.new_groups)))


_FORBIDDEN_CODE_RE = re.compile("[" + re.escape("".join(sorted(FORBIDDEN_CODE_CHARS))) + "]")


def _may_break_row_rules(codes: list, eans: list | None) -> bool:
    """False when no code is missing, none has a forbidden character and codes and EANs are unique
    in the file (set-based, for 100,000 rows); True sends the rows through the exact checks."""
    if None in codes or len(set(codes)) != len(codes) or _FORBIDDEN_CODE_RE.search("\n".join(codes)):
        return True
    if eans is None:
        return False
    given = [e for e in eans if e is not None]
    return len(set(given)) != len(given)


def _pass_over_producers(plan: ImportPlan, keys: list[str], columns: list[list]) -> None:
    """PIE-11 option off: Producent and Marka are not written (an exported file always has the
    columns; only filled cells deserve the warning)."""
    filled = False
    for key in PRODUCER_KEYS:
        if key in keys:
            column = columns[keys.index(key)]
            filled = filled or any(v is not None for v in column)
            column[:] = [None] * len(column)
    if filled:
        plan.warnings.append(_("Kolumny „Producent” i „Marka” zostaną pominięte: włącz opcję „Importuj producentów "
                               "i marki”, aby zapisać je na kartach."))


def _check_against_database(plan: ImportPlan, good: list[tuple], errs: _Errors, keys: list[str], fixed,
                            duplicates: dict) -> None:
    """Classify rows (new / update / skipped by the mode), check EAN ownership and new-card needs."""
    good = [r for r in good if r[1] not in duplicates]
    existing = existing_goods(r[1] for r in good)
    i_ean = keys.index("ean") - 1 if "ean" in keys else -1
    i_name = keys.index("name") - 1 if "name" in keys else -1
    eans = [r[2][i_ean] for r in good if i_ean >= 0 and r[2][i_ean]]
    owners = ean_owners(eans) if eans else {}
    name_text = fixed[keys.index("name")][2] if "name" in keys else _("Nazwa")
    i_type = keys.index("item_type") - 1 if "item_type" in keys and "item_type" in plan.update_fields else -1
    for row in good:
        row_no, code, values, _prices = row
        is_new = code not in existing
        if (plan.mode == "add" and not is_new) or (plan.mode == "update" and is_new):
            plan.skipped += 1                                                  # PIE-8
            continue
        ok = True
        if is_new and (i_name < 0 or values[i_name] is None):
            errs.add(row_no, name_text, "", _("Nowy towar {kod} wymaga nazwy – uzupełnij kolumnę „Nazwa”.").format(
                kod=code))
            ok = False
        if i_ean >= 0 and values[i_ean]:
            owner = owners.get(values[i_ean])
            if owner is not None and owner != code and (is_new or "ean" in plan.update_fields):
                errs.add(row_no, fixed[i_ean + 1][2], values[i_ean], _("Kod EAN {ean} jest już przypisany do towaru "
                                                                      "{kod}.").format(ean=values[i_ean], kod=owner))
                ok = False                                                     # ITM-9
        if i_type >= 0 and not is_new and values[i_type] and values[i_type] != existing[code][4]:
            from store.catalog.usage import usage_reason

            if usage_reason("goods", existing[code][0]):                      # ITM-13
                errs.add(row_no, fixed[i_type + 1][2], values[i_type],
                         _("Nie można zmienić typu pozycji, która występuje na dokumentach."))
                ok = False
        if not ok:
            continue
        plan.rows.append(row)
        if is_new:
            plan.to_insert += 1
        else:
            plan.to_update += 1
