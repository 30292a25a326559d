"""Reference dictionaries: producers and brands (PRD), CN codes (CN), packaging schemes (PKG),
offices (OFF), localities (LOC), banks, currencies and rate types (CUR-1/2), VAT rates."""
from __future__ import annotations

from decimal import Decimal

from store import validation
from store.catalog.dict_rules import DictSpec, _required, _unique, register
from store.catalog.dictionaries import (OFFICE_KINDS, Bank, Brand, CnCode, Currency, CurrencyRate, Locality,
                                        PackagingScheme, Producer, RateType, TaxOffice, Unit)
from store.catalog.models import Goods, PackagingSchemeItem
from store.catalog.roles import ensure_may_edit
from store.catalog.usage import usage_reason
from store.config import VatRate
from store.db import write
from store.errors import NotFound, ValidationError
from store.i18n import _


def _fk(values: dict, name: str) -> None:
    v = values.get(name)
    values[name] = v.id if hasattr(v, "id") else (v or None)


# --- producers and brands (PRD-1, PRD-2) ------------------------------------------------------------

def _check_producer(values, current, errors):
    _required(values, "code", errors, _("Podaj kod producenta."), 50)
    _unique(Producer, "code", values.get("code"), current, errors, _("Producent o tym kodzie już istnieje."))


def _producer_delete(p: Producer) -> str | None:
    if Goods.select().where(Goods.producer == p.id).exists():
        return _("Nie można usunąć producenta przypisanego do towarów.")
    if Brand.select().where(Brand.producer == p.id).exists():
        return _("Nie można usunąć producenta, który ma marki.")
    return None


register("producer", DictSpec(Producer, "dictionary", ("code", "name", "url"), _check_producer, _producer_delete,
                              sortable=("code", "name")))


def _check_brand(values, current, errors):
    _required(values, "name", errors, _("Podaj nazwę marki."), 120)
    _fk(values, "producer")
    if values["producer"] and not Producer.select().where(Producer.id == values["producer"]).exists():
        errors["producer"] = _("Wybrany producent nie istnieje.")
    extra = Brand.producer.is_null() if not values["producer"] else Brand.producer == values["producer"]
    _unique(Brand, "name", values.get("name"), current, errors, _("Ta marka już istnieje u tego producenta."),
            extra=extra)


register("brand", DictSpec(Brand, "dictionary", ("name", "producer"), _check_brand,
                           lambda b: _("Nie można usunąć marki przypisanej do towarów.")
                           if Goods.select().where(Goods.brand == b.id).exists() else None, sortable=("name",)))


# --- CN codes (CN-1..CN-7) ---------------------------------------------------------------------------

SYSTEM_CN_CODE = "99500000"


def _check_cn(values, current, errors):
    code = (values.get("code") or "").replace(" ", "")
    values["code"] = code
    if not (len(code) == 8 and code.isdigit()):
        errors["code"] = _("Kod CN musi składać się z 8 cyfr.")                                    # CN-1
    _unique(CnCode, "code", code, current, errors, _("Kod CN {c} już istnieje.").format(c=code))
    if current is not None and current.system and code != current.code:
        errors["code"] = _("Kodu systemowego 9950 0000 nie można zmienić.")
    _fk(values, "vat_rate")
    if values["vat_rate"] and not VatRate.select().where(VatRate.id == values["vat_rate"]).exists():
        errors["vat_rate"] = _("Wybrana stawka VAT nie istnieje.")
    unit = values.get("supplementary_unit") or ""
    if unit and not Unit.select().where(Unit.code == unit).exists():                            # CN-2
        errors["supplementary_unit"] = _("Jednostka „{u}” nie istnieje w słowniku jednostek miary.").format(u=unit)
    if values.get("vat_flag") not in (1, 2, 3, 4):
        errors["vat_flag"] = _("Flaga VAT: 1 zwolniona, 2 opodatkowana, 3 zaniżona, 4 nie podlega.")
    if values.get("sent") and not values.get("sent_code") and len(code) == 8:
        values["sent_code"] = code[:4]                                                            # CN-4


def _cn_delete(cn: CnCode) -> str | None:
    if cn.system:
        return _("Kodu CN 9950 0000 nie można usunąć.")                                              # CN-6
    if Goods.select().where(Goods.cn_code == cn.code).exists():
        return _("Nie można usunąć kodu CN przypisanego do towarów w cenniku.")                        # CN-5
    return None


register("cn_code", DictSpec(CnCode, "dictionary", ("code", "vat_rate", "vat_flag", "description",
                                                    "supplementary_unit", "mass", "sent", "sent_code", "sent_unit"),
                             _check_cn, _cn_delete, sortable=("code",), defaults={"vat_flag": 2}))


def ensure_system_cn_codes() -> None:
    with write():
        CnCode.insert(code=SYSTEM_CN_CODE, description=_("Obroty do 200 euro (Intrastat)"),
                      system=True).on_conflict_ignore().execute()


# --- packaging schemes (PKG) ---------------------------------------------------------------------------

def _check_scheme(values, current, errors):
    _required(values, "code", errors, _("Podaj kod schematu opakowań."), 50)
    _unique(PackagingScheme, "code", values.get("code"), current, errors, _("Schemat o tym kodzie już istnieje."))


def _scheme_delete(s: PackagingScheme) -> str | None:
    if Goods.select().where(Goods.packaging_scheme == s.id).exists():
        return _("Nie można usunąć schematu opakowań przypisanego do towarów.")
    PackagingSchemeItem.delete().where(PackagingSchemeItem.scheme == s.id).execute()
    return None


register("packaging_scheme", DictSpec(PackagingScheme, "dictionary", ("code", "name"), _check_scheme, _scheme_delete,
                                      sortable=("code", "name")))


def set_scheme_items(scheme_id: int, items: list[tuple[int, Decimal]]) -> None:
    """Replace the packages of a scheme: (package goods id, goods quantity per one package) (PKG-1)."""
    ensure_may_edit("dictionary")
    with write():
        if not PackagingScheme.select().where(PackagingScheme.id == scheme_id).exists():
            raise NotFound(_("Nie znaleziono schematu opakowań."))
        errors = {}
        seen = set()
        for goods_id, per in items:
            goods = Goods.get_or_none(Goods.id == goods_id)
            if goods is None:
                errors["package"] = _("Opakowanie nie istnieje w cenniku.")
            elif not goods.is_packaging:
                errors["package"] = _("Towar {kod} nie jest opakowaniem kaucjonowanym.").format(kod=goods.code)
            elif goods_id in seen:
                errors["package"] = _("Opakowanie {kod} jest w schemacie dwa razy.").format(kod=goods.code)
            if Decimal(per) <= 0:
                errors["per_quantity"] = _("Ilość towaru na opakowanie musi być większa od zera.")
            seen.add(goods_id)
        if errors:
            raise ValidationError(errors)
        PackagingSchemeItem.delete().where(PackagingSchemeItem.scheme == scheme_id).execute()
        for goods_id, per in items:
            PackagingSchemeItem.create(scheme=scheme_id, package=goods_id, per_quantity=Decimal(per))


def packages_for(scheme_id: int, quantity: Decimal) -> list[tuple[int, Decimal]]:
    """PKG OPEN: packages issued for a goods quantity = floor(quantity / per_quantity)."""
    out = []
    for row in PackagingSchemeItem.select().where(PackagingSchemeItem.scheme == scheme_id).order_by(PackagingSchemeItem.id):
        out.append((row.package_id, (Decimal(quantity) // row.per_quantity)))
    return out


# --- offices (OFF-1..OFF-4) -----------------------------------------------------------------------------

def _check_office(values, current, errors):
    _required(values, "code", errors, _("Podaj akronim urzędu."), 20)                               # OFF-3
    _unique(TaxOffice, "code", values.get("code"), current, errors, _("Urząd o tym akronimie już istnieje."))
    if values.get("kind") not in OFFICE_KINDS:
        errors["kind"] = _("Rodzaj urzędu: skarbowy, ZUS, celno-skarbowy albo inny.")
    code = values.get("office_code") or ""
    if code and (len(code) > (6 if values.get("kind") == "other" else 4)):
        errors["office_code"] = _("Kod urzędu ma 4 znaki (dla urzędu innego do 6).")                  # OFF-4
    for name, check in (("postal_code", validation.postal_code), ("iban", validation.iban)):
        try:
            values[name] = check(values.get(name) or "", field=name)
        except ValidationError as exc:
            errors.update(exc.errors)


register("tax_office", DictSpec(TaxOffice, "tax_office", ("code", "name", "kind", "office_code", "street", "building",
                                                          "city", "postal_code", "iban", "active"),
                                _check_office, sortable=("code", "name"), defaults={"kind": "tax"}))


# --- localities (LOC) ------------------------------------------------------------------------------------

def _check_locality(values, current, errors):
    _required(values, "name", errors, _("Podaj nazwę miejscowości."), 80)
    try:
        values["postal_code"] = validation.postal_code(values.get("postal_code") or "")
    except ValidationError as exc:
        errors.update(exc.errors)
    _unique(Locality, "name", values.get("name"), current, errors,
            _("Ta miejscowość z tym kodem pocztowym już istnieje."),
            extra=Locality.postal_code == values.get("postal_code", ""))


register("locality", DictSpec(Locality, "locality", ("name", "postal_code", "commune", "county", "province"),
                              _check_locality, sortable=("name",)))


# --- banks ---------------------------------------------------------------------------------------------

def _check_bank(values, current, errors):
    _required(values, "code", errors, _("Podaj kod banku."), 20)
    _unique(Bank, "code", values.get("code"), current, errors, _("Bank o tym kodzie już istnieje."))
    sort_code = (values.get("sort_code") or "").replace(" ", "")
    values["sort_code"] = sort_code
    if sort_code and not (len(sort_code) == 8 and sort_code.isdigit()):
        errors["sort_code"] = _("Numer rozliczeniowy banku ma 8 cyfr.")
    try:
        values["account"] = validation.iban(values.get("account") or "", field="account")
    except ValidationError as exc:
        errors.update(exc.errors)
        return
    acc = values["account"]
    if acc.startswith("PL") and sort_code and acc[4:12] != sort_code:
        errors["account"] = _("Numer rachunku nie należy do banku o numerze rozliczeniowym {n}.").format(n=sort_code)
    swift = (values.get("swift") or "").upper()
    values["swift"] = swift
    if swift and len(swift) not in (8, 11):
        errors["swift"] = _("Kod SWIFT/BIC ma 8 albo 11 znaków.")


register("bank", DictSpec(Bank, "bank", ("code", "name", "sort_code", "swift", "account", "city", "active"),
                          _check_bank, sortable=("code", "name")))


# --- currencies and rate types (CUR-1, CUR-2, DICT-25) ----------------------------------------------------

def _check_currency(values, current, errors):
    code = (values.get("code") or "").upper()
    values["code"] = code
    if not (len(code) == 3 and code.isalpha()):
        errors["code"] = _("Symbol waluty to trzy litery kodu ISO 4217 (np. EUR).")
    _unique(Currency, "code", code, current, errors, _("Waluta {c} już istnieje.").format(c=code))
    if current is not None and code != current.code and current.code in ("PLN", "EUR"):
        errors["code"] = _("Nie można zmienić symbolu waluty {c}.").format(c=current.code)


def _currency_delete(c: Currency) -> str | None:
    if c.code in ("PLN", "EUR"):
        return _("Nie można usunąć waluty {c}.").format(c=c.code)                                      # CUR-2
    if CurrencyRate.select().where(CurrencyRate.currency == c.id).exists() or usage_reason("currency", c.id):
        return _("Nie można usunąć waluty używanej w kursach lub na dokumentach.")
    return None


register("currency", DictSpec(Currency, "currencies", ("code", "name", "active"), _check_currency, _currency_delete,
                              sortable=("code",)))


def _check_rate_type(values, current, errors):
    _required(values, "name", errors, _("Podaj nazwę typu kursu."), 60)
    _unique(RateType, "name", values.get("name"), current, errors, _("Typ kursu o tej nazwie już istnieje."))
    if (values.get("nbp_table") or "") not in ("", "A", "B", "C"):
        errors["nbp_table"] = _("Tabela NBP: A, B albo C.")
    if values.get("nbp_side", "mid") not in ("mid", "bid", "ask"):
        errors["nbp_side"] = _("Kurs z tabeli: średni, kupna albo sprzedaży.")
    if current is not None and current.is_default and not values.get("is_default"):
        errors["is_default"] = _("Jeden typ kursu musi być domyślny; wskaż inny typ jako domyślny.")   # CUR-1
    if not RateType.select().where(RateType.is_default == True).exists():                            # noqa: E712
        values["is_default"] = True


def _rate_type_saved(rt: RateType) -> None:
    if rt.is_default:
        RateType.update(is_default=False).where((RateType.id != rt.id) & (RateType.is_default == True)).execute()  # noqa


def _rate_type_delete(rt: RateType) -> str | None:
    if rt.is_default:
        return _("Nie można usunąć domyślnego typu kursu.")
    if CurrencyRate.select().where(CurrencyRate.rate_type == rt.id).exists():
        return _("Nie można usunąć typu kursu, dla którego są notowania.")
    return None


register("rate_type", DictSpec(RateType, "currencies", ("name", "is_default", "nbp_table", "nbp_side"),
                               _check_rate_type, _rate_type_delete, _rate_type_saved, sortable=("name",),
                               defaults={"nbp_side": "mid"}))


def ensure_default_currencies() -> None:
    """PLN, EUR, USD and the NBP rate types (RATE-2) in a new company."""
    with write():
        for code, name in (("PLN", "złoty polski"), ("EUR", "euro"), ("USD", "dolar amerykański")):
            Currency.insert(code=code, name=name).on_conflict_ignore().execute()
        for name, table, side, default in (("NBP", "A", "mid", True), ("NBPK", "C", "bid", False),
                                           ("NBPS", "C", "ask", False), ("RĘCZNY", "", "mid", False)):
            RateType.insert(name=name, nbp_table=table, nbp_side=side, is_default=default).on_conflict_ignore().execute()


# --- VAT rates (validity dates) ---------------------------------------------------------------------------

def _check_vat(values, current, errors):
    _required(values, "code", errors, _("Podaj symbol stawki VAT."), 10)
    _unique(VatRate, "code", values.get("code"), current, errors, _("Stawka VAT o tym symbolu już istnieje."))
    try:
        rate = Decimal(values.get("rate"))
        if not (0 <= rate < 100):
            raise ValueError
    except Exception:  # noqa: BLE001 - any bad input is the same message
        errors["rate"] = _("Stawka VAT to liczba procent od 0 do 99,99.")
    vf, vt = values.get("valid_from"), values.get("valid_to")
    if vf and vt and vt < vf:
        errors["valid_to"] = _("Data „obowiązuje do” nie może być wcześniejsza niż „obowiązuje od”.")
    if current is not None and "rate" not in errors and Decimal(values["rate"]) != current.rate and \
            Goods.select().where((Goods.vat_rate == current.id) | (Goods.purchase_vat_rate == current.id)).exists():
        errors["rate"] = _("Nie można zmienić wysokości stawki używanej na kartach towarów; dodaj nową stawkę.")


def _vat_delete(v: VatRate) -> str | None:
    from store.catalog.dictionaries import Category
    if Goods.select().where((Goods.vat_rate == v.id) | (Goods.purchase_vat_rate == v.id)).exists() or \
            CnCode.select().where(CnCode.vat_rate == v.id).exists() or \
            Category.select().where(Category.vat_rate == v.id).exists() or usage_reason("vat_rate", v.id):
        return _("Nie można usunąć stawki VAT używanej na kartach towarów, kodach CN, kategoriach lub dokumentach.")
    return None


register("vat_rate", DictSpec(VatRate, "vat", ("code", "rate", "name", "valid_from", "valid_to", "active"), _check_vat,
                              _vat_delete, sortable=("code",)))


def vat_rates_valid_on(on) -> list[VatRate]:
    """Active VAT rates valid on a date (validity dates inclusive, empty = open)."""
    q = VatRate.select().where((VatRate.active == True)  # noqa: E712
                               & (VatRate.valid_from.is_null() | (VatRate.valid_from <= on))
                               & (VatRate.valid_to.is_null() | (VatRate.valid_to >= on)))
    return list(q.order_by(VatRate.code))
