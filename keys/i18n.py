"""Tiny message catalogue for keys/ (same contract as store.i18n; keys may not import store).

msgid = the Polish text. With FILIA_LANG (or LANGUAGE/LC_ALL/LC_MESSAGES/LANG) starting with
"en", translations come from keys/locale/en/*.po (read with polib).
"""
from __future__ import annotations

import os
from pathlib import Path

_LOCALE_DIR = Path(__file__).with_name("locale")
_catalogue: dict[str, str] | None = None
_language: str | None = None


def language() -> str:
    raw = os.environ.get("FILIA_LANG") or os.environ.get("LANGUAGE") or os.environ.get("LC_ALL") \
        or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or "pl"
    return "en" if raw.lower().startswith("en") else "pl"


def _load(lang: str) -> dict[str, str]:
    import polib

    table: dict[str, str] = {}
    for po_path in sorted((_LOCALE_DIR / lang).glob("*.po")):
        for entry in polib.pofile(str(po_path)):
            if entry.msgstr and not entry.obsolete:
                table[entry.msgid] = entry.msgstr
    return table


def _(message: str) -> str:
    """Translate a Polish message to the active language."""
    global _catalogue, _language
    lang = language()
    if lang == "pl":
        return message
    if _catalogue is None or _language != lang:
        _catalogue, _language = _load(lang), lang
    return _catalogue.get(message, message)


def reset() -> None:
    global _catalogue, _language
    _catalogue = _language = None
