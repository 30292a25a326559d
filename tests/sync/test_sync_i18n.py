"""The exchange's messages (sync/, store/exchange/, `filia sync`) have complete, placeholder-safe English."""
from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

from tests.test_i18n_core import PLACEHOLDER, collect

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [p for p in sorted((ROOT / "sync").rglob("*.py")) if p.name != "nbp.py"] \
    + sorted((ROOT / "store" / "exchange").rglob("*.py")) \
    + [ROOT / "tui" / "commands" / "sync.py", ROOT / "tui" / "screens" / "exchange.py"]
CATALOGUES = ["sync/locale/en/sync.po", "store/locale/en/exchange.po", "tui/locale/en/sync.po"]


def test_every_exchange_message_has_an_english_translation():
    table = {}
    for name in CATALOGUES:
        table.update({e.msgid: e.msgstr for e in polib.pofile(str(ROOT / name)) if e.msgstr})
    msgids = set().union(*(collect(p) for p in SOURCES))
    assert len(msgids) > 40
    assert sorted(m for m in msgids if not table.get(m, "").strip()) == []


@pytest.mark.parametrize("name", CATALOGUES)
def test_translations_keep_placeholders_and_are_english(name):
    for entry in polib.pofile(str(ROOT / name)):
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(entry.msgstr)), entry.msgid
        assert not re.search(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ„”–]", entry.msgstr), entry.msgid


def test_a_refusal_reads_in_english(monkeypatch, tmp_path):
    from store import i18n
    from sync.xlo import XloRefused
    from sync.xlo.reader import read_xlo

    import sync  # noqa: F401  (registers sync/locale)
    monkeypatch.setenv("FILIA_LANG", "en")
    i18n.reset()
    try:
        (tmp_path / "x.XLO").write_bytes(b"")
        with pytest.raises(XloRefused) as info:
            with read_xlo(tmp_path / "x.XLO"):
                pass
        assert str(info.value) == "The exchange file x.XLO is empty."
    finally:
        monkeypatch.setenv("FILIA_LANG", "pl")
        i18n.reset()
