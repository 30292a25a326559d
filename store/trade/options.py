"""Trade parameters a database may set (SETUP-12, SETUP-15, DOC-15), kept as settings.

    read()                   every trade option in one query
    save(values)             SETUP-12/15 options a branch may set, in one transaction (each value checked)
    choices(key)             the values a choice option takes, with their Polish labels
"""
from __future__ import annotations

from store.config import Setting
from store.gates import FLAGS
from store.prepared import prepared, run

STOCK_CHECK = "trade_stock_check"                   # none | before_save (default) | on_line   (SETUP-15)
WARN_UNSPECIFIED = "trade_warn_unspecified"         # "1": ask before approving for !NIEOKREŚLONY! (SETUP-12)
DEFERRED_UNSPECIFIED = "trade_deferred_unspecified"  # "1": deferred payment allowed for it (SETUP-12, OPER-10)
FS_FROM_PA_DAYS = "trade_fs_from_pa_days"           # HQ's *Ilość dni na wystawienie FS z PA* (DOC-15), default 7
EAN_ONLY = "trade_ean_only"                         # "1": sales documents take goods by EAN only (SETUP-12)
COPY_PAYMENTS = "trade_copy_payments"               # "1": Ctrl+Insert copies the payment table too (SETUP-12)
MARGIN_CHECK = "trade_margin_check"                 # none | line | save | approve | both (SETUP-12)
ALLOW_NET_GROSS = "trade_allow_net_gross"           # "1": net/gross may change on a document with lines (SETUP-12)
KEYS = ("role", "costing_method", STOCK_CHECK, WARN_UNSPECIFIED, DEFERRED_UNSPECIFIED, FS_FROM_PA_DAYS, EAN_ONLY,
        COPY_PAYMENTS, MARGIN_CHECK, ALLOW_NET_GROSS, *FLAGS)
DEFAULTS = {STOCK_CHECK: "before_save", WARN_UNSPECIFIED: "0", DEFERRED_UNSPECIFIED: "0", FS_FROM_PA_DAYS: "7",
            EAN_ONLY: "0", COPY_PAYMENTS: "0", MARGIN_CHECK: "none", ALLOW_NET_GROSS: "0",
            "costing_method": "FIFO", "role": "standalone"}

# What a branch may set (SETUP-12, SETUP-15): key -> (Polish label, [(value, Polish label)]); flags are "0"/"1".
FLAG = [("0", "nie"), ("1", "tak")]
SETTABLE = {
    STOCK_CHECK: ("Kontrola dostępności towaru (FA, PA)", [("none", "tylko przy zatwierdzaniu"),
                                                           ("before_save", "w edycji przed zapisem"),
                                                           ("on_line", "przy akceptacji pozycji")]),
    EAN_ONLY: ("Sprzedaż tylko wg kodów EAN", FLAG),
    WARN_UNSPECIFIED: ("Ostrzegaj przed trwałym zapisem dla !NIEOKREŚLONY!", FLAG),
    COPY_PAYMENTS: ("Kopiuj tabelę płatności przy kopiowaniu (Ctrl+Insert)", FLAG),
    MARGIN_CHECK: ("Kontrola marży (cena zakupu powyżej ceny sprzedaży)", [("none", "nie kontroluj"),
                                                                          ("line", "przy akceptacji pozycji"),
                                                                          ("save", "przy zapisie do bufora"),
                                                                          ("approve", "przy zatwierdzaniu"),
                                                                          ("both", "przy zapisie i zatwierdzaniu")]),
    ALLOW_NET_GROSS: ("Pozwalaj na zmianę netto/brutto dokumentu z pozycjami", FLAG),
}


def read() -> dict[str, str]:
    """Every trade option (and role, costing method, the gates' flags) in one query."""
    sql = prepared("trade.options", lambda: Setting.select(Setting.key, Setting.value).where(Setting.key.in_(KEYS)))
    values = dict(run(sql, KEYS).fetchall())
    return {k: values.get(k) or DEFAULTS.get(k, "") for k in KEYS}


def choices(key: str) -> list[tuple[str, str]]:
    from store.i18n import _

    return [(value, _(label)) for value, label in SETTABLE[key][1]]


def save(values: dict[str, str]) -> None:
    """Set SETUP-12/15 options; an unknown option or value is refused and nothing is written."""
    from store.config import set_setting
    from store.db import write
    from store.errors import ValidationError
    from store.i18n import _

    errors = {}
    for key, value in values.items():
        if key not in SETTABLE:
            errors[key] = _("Tego parametru handlu nie można ustawić.")
        elif value not in [v for v, _label in SETTABLE[key][1]]:
            errors[key] = _("Parametr „{p}”: niedozwolona wartość „{w}”.").format(p=_(SETTABLE[key][0]), w=value)
    if errors:
        raise ValidationError(errors)
    with write():
        for key, value in values.items():
            set_setting(key, value)
