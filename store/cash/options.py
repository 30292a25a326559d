"""Cash/bank parameters a branch may still set (SETUP-13), kept as company settings."""
from __future__ import annotations

from store.config import get_setting, set_setting
from store.errors import ValidationError
from store.i18n import _

# name -> (setting key, default, Polish label)
OPTIONS = {
    "open_report_amounts": ("cash_open_report_amounts", True,
                            "Wyświetlaj kwoty na raportach otwartych"),                        # CASH-16
    "delete_settlements_on_cancel": ("cash_delete_settlements_on_cancel", True,
                                     "Kasuj rozliczenia przy kasowaniu i anulowaniu dokumentów"),  # SETT-7
    "card_payment_documents": ("cash_card_payment_documents", False,
                               "Automatycznie generuj dokumenty zapłaty kartą kredytową"),     # CASH-8
}


def option(name: str) -> bool:
    key, default, _label = OPTIONS[name]
    raw = get_setting(key)
    return default if raw == "" else raw == "1"


def set_option(name: str, on: bool) -> None:
    if name not in OPTIONS:
        raise ValidationError({name: _("Nieznany parametr kasy/banku.")})
    set_setting(OPTIONS[name][0], "1" if on else "0")


def option_labels() -> list[tuple[str, str, bool]]:
    """(name, Polish label, current value) of every parameter, for a settings screen."""
    return [(name, _(label), option(name)) for name, (_key, _default, label) in OPTIONS.items()]
