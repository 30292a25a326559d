"""Message catalogue: Polish source strings, translated through gettext .po catalogues.

The msgid is the Polish text itself (Polish is the default UI language). Setting LANG (or
FILIA_LANG) to an English locale loads every `locale/en/*.po` file found next to the packages
that registered a locale directory; one .po file per area keeps parallel work from colliding.
"""
from __future__ import annotations

import os
from pathlib import Path

_LOCALE_DIRS: list[Path] = [Path(__file__).with_name("locale")]
_catalogue: dict[str, str] | None = None
_language: str | None = None


def register_locale_dir(path: Path) -> None:
    """Let another package (tui, sync) add its own .po files."""
    global _catalogue
    if path not in _LOCALE_DIRS:
        _LOCALE_DIRS.append(path)
        _catalogue = None


def language() -> str:
    """'pl' unless the environment asks for English."""
    raw = os.environ.get("FILIA_LANG") or os.environ.get("LANGUAGE") or os.environ.get("LC_ALL") \
        or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or "pl"
    return "en" if raw.lower().startswith("en") else "pl"


def _load(lang: str) -> dict[str, str]:
    import polib  # only needed when a translation is switched on

    table: dict[str, str] = {}
    for base in _LOCALE_DIRS:
        for po_path in sorted((base / lang).glob("*.po")):
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
    """Forget the loaded catalogue (tests switch languages)."""
    global _catalogue, _language
    _catalogue = _language = None
