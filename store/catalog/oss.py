"""VAT rates of the OSS procedure per EU country on goods cards (ITM-38) and serially (PSO-11).

`EuVatRate` is the configuration of EU countries' rates (seeded with the standard rates valid on
2024-01-01; editable). A sales document for a contractor with transaction type *Procedura OSS*
proposes `oss_rate_for(goods, buyer_country)` on each line.
"""
from __future__ import annotations

from decimal import Decimal

import peewee

from store.base import TrackedModel
from store.catalog.models import Goods
from store.catalog.roles import ensure_may_edit
from store.catalog.serial import SerialReport, _goods
from store.db import write
from store.errors import ValidationError
from store.fields import PercentField
from store.i18n import _

EU_STANDARD_RATES_2024 = {
    "AT": 20, "BE": 21, "BG": 20, "CY": 19, "CZ": 21, "DE": 19, "DK": 25, "EE": 22, "ES": 21, "FI": 24,
    "FR": 20, "GR": 24, "HR": 25, "HU": 27, "IE": 23, "IT": 22, "LT": 21, "LU": 17, "LV": 21, "MT": 18,
    "NL": 21, "PT": 23, "RO": 19, "SE": 25, "SI": 22, "SK": 20,
}


class EuVatRate(TrackedModel):
    country = peewee.CharField(max_length=2)
    rate = PercentField()
    standard = peewee.BooleanField(default=False)

    class Meta:
        indexes = ((("country", "rate"), True),)


class GoodsOssRate(TrackedModel):
    goods = peewee.ForeignKeyField(Goods, backref="oss_rates", on_delete="CASCADE")
    country = peewee.CharField(max_length=2)
    rate = PercentField()

    class Meta:
        indexes = ((("goods", "country"), True),)


MODELS = [EuVatRate, GoodsOssRate]


def ensure_eu_vat_rates() -> None:
    with write():
        for country, rate in EU_STANDARD_RATES_2024.items():
            EuVatRate.insert(country=country, rate=Decimal(rate), standard=True).on_conflict_ignore().execute()


def _check(country: str, rate) -> tuple[str, Decimal]:
    country = (country or "").strip().upper()
    if not EuVatRate.select().where(EuVatRate.country == country).exists():
        raise ValidationError({"country": _("Kraj {c} nie ma stawek VAT w konfiguracji (procedura OSS).").format(
            c=country or "—")})
    rate = Decimal(rate)
    if not EuVatRate.select().where((EuVatRate.country == country) & (EuVatRate.rate == rate)).exists():
        raise ValidationError({"rate": _("Stawka {r}% nie jest stawką VAT kraju {c}.").format(
            r=format(rate.normalize(), "f"), c=country)})
    return country, rate


def _put(goods_id: int, country: str, rate: Decimal) -> Decimal | None:
    row = GoodsOssRate.get_or_none((GoodsOssRate.goods == goods_id) & (GoodsOssRate.country == country))
    if row is None:
        GoodsOssRate.create(goods=goods_id, country=country, rate=rate)
        return None
    old, row.rate = row.rate, rate
    row.save()
    return old


def set_goods_oss_rate(goods_id: int, country: str, rate) -> None:
    """ITM-38: one rate per country on the card (a second one replaces the first)."""
    ensure_may_edit("goods")
    with write():
        country, rate = _check(country, rate)
        _put(goods_id, country, rate)


def remove_goods_oss_rate(goods_id: int, country: str) -> None:
    ensure_may_edit("goods")
    with write():
        GoodsOssRate.delete().where((GoodsOssRate.goods == goods_id)
                                    & (GoodsOssRate.country == country.upper())).execute()


def oss_rate_for(goods_id: int, country: str) -> Decimal | None:
    row = GoodsOssRate.get_or_none((GoodsOssRate.goods == goods_id) & (GoodsOssRate.country == country.upper()))
    return row.rate if row else None


def serial_oss_rates(goods_ids, *, action: str = "add", country: str | None = None, rate=None) -> SerialReport:
    """PSO-11: add the standard rate of every EU country, or one country's chosen rate (replacing an
    existing rate of that country); remove all OSS rates or one country's."""
    ensure_may_edit("goods")
    if action not in ("add", "remove"):
        raise ValidationError({"action": _("Akcja: dodaj albo usuń stawki OSS.")})
    report = SerialReport("serial_oss_rates")
    with write():
        if action == "add":
            if country:
                pairs = [_check(country, rate)]
            else:
                pairs = [(r.country, r.rate) for r in EuVatRate.select().where(EuVatRate.standard == True)  # noqa
                         .order_by(EuVatRate.country)]
        for g in _goods(goods_ids):
            if action == "add":
                for c, r in pairs:
                    old = _put(g.id, c, r)
                    if old != r:
                        report.change(g, f"OSS {c}", old if old is not None else "—", r)
            else:
                q = GoodsOssRate.select().where(GoodsOssRate.goods == g.id)
                if country:
                    q = q.where(GoodsOssRate.country == country.upper())
                for row in q:
                    report.change(g, f"OSS {row.country}", row.rate, "—")
                    row.delete_instance()
    return report
