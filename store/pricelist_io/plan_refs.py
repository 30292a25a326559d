"""The import check's look-ups in other areas' dictionaries: producers and brands (PIE-11), supplier
contractors (PIE-16). They fill the plan's lists and warnings; nothing is written here.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import peewee

from store.i18n import _

if TYPE_CHECKING:
    from store.pricelist_io.plan import ImportPlan


def plan_producers(plan: "ImportPlan", keys: list[str]) -> None:
    """PIE-11: producers (by code) and brands (by name within the row's producer) the written rows
    name but the database lacks; apply creates them."""
    from store.catalog.dictionaries import Brand, Producer

    i_prod = keys.index("producer") - 1 if "producer" in keys else -1
    i_brand = keys.index("brand") - 1 if "brand" in keys else -1
    producers = sorted({r[2][i_prod] for r in plan.rows if i_prod >= 0 and r[2][i_prod]})
    known: set[str] = set()
    for i in range(0, len(producers), 900):
        known.update(c for (c,) in Producer.select(Producer.code).where(Producer.code.in_(producers[i:i + 900])).tuples())
    plan.new_producers = [p for p in producers if p not in known]
    pairs = sorted({(r[2][i_prod] if i_prod >= 0 else None, r[2][i_brand]) for r in plan.rows
                    if i_brand >= 0 and r[2][i_brand]}, key=lambda p: (p[0] or "", p[1]))
    have = set(Brand.select(Producer.code, Brand.name).join(Producer, peewee.JOIN.LEFT_OUTER).tuples())
    plan.new_brands = [p for p in pairs if p not in have]
    if plan.new_producers:
        plan.warnings.append(_("Zostaną dopisani producenci: {p}.").format(p=", ".join(plan.new_producers)))
    if plan.new_brands:
        plan.warnings.append(_("Zostaną dopisane marki: {b}.").format(b=", ".join(b for _p, b in plan.new_brands)))


def keep_known_suppliers(plan: "ImportPlan", keys: list[str], columns: list[list]) -> None:
    """PIE-16: the supplier code and the code at the supplier are written only where the supplier
    code is a contractor of kind D (supplier) in this database; elsewhere both stay as they are
    (the row itself is imported) and a warning says which codes were passed over."""
    from store.parties import Contractor

    if "supplier_code" not in keys and "supplier_item_code" not in keys:
        return
    codes = columns[keys.index("supplier_code")] if "supplier_code" in keys else [None] * len(columns[0])
    item_codes = columns[keys.index("supplier_item_code")] if "supplier_item_code" in keys else None
    wanted = sorted({c for c in codes if c})
    known: set[str] = set()
    for i in range(0, len(wanted), 900):
        known.update(c for (c,) in Contractor.select(Contractor.code).where(
            Contractor.code.in_(wanted[i:i + 900]) & (Contractor.kind_supplier == True)).tuples())  # noqa: E712
    unknown: set[str] = set()
    passed_over = 0
    for i, code in enumerate(codes):
        if code and code in known:
            continue
        if code or (item_codes is not None and item_codes[i]):
            passed_over += 1
            if code:
                unknown.add(code)
                codes[i] = None
            if item_codes is not None:
                item_codes[i] = None
    if passed_over:
        shown = ", ".join(sorted(unknown)[:10]) + (" …" if len(unknown) > 10 else "")
        plan.warnings.append(_("Pominięto kody dostawcy (wierszy: {n}): w bazie nie ma dostawcy (kontrahenta "
                               "rodzaju D) o kodzie {codes}; pozostałe dane tych wierszy zostaną zaimportowane.").format(
            n=passed_over, codes=shown or "–"))
