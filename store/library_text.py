"""What a library or the operating system said, in Polish: the reason shown to the user is never libxml2's,
zlib's, calamine's or the C library's English text (issue 10 §3, "every word on screen is Polish").

    os_reason(exc)        an OSError (errno) as a short Polish phrase
    damage_reason(exc)    why a file could not be read: XML, ZIP/zlib, OSError, anything else
"""
from __future__ import annotations

import errno
import zipfile
import zlib

from store.i18n import _

_OS_REASONS = {
    errno.ENOENT: "nie ma takiego pliku lub katalogu",
    errno.EACCES: "brak uprawnień",
    errno.EPERM: "operacja niedozwolona (brak uprawnień)",
    errno.ENOSPC: "brak miejsca na dysku",
    errno.EROFS: "dysk lub katalog jest tylko do odczytu",
    errno.EISDIR: "to jest katalog, nie plik",
    errno.ENOTDIR: "część ścieżki nie jest katalogiem",
    errno.EEXIST: "plik już istnieje",
    errno.ENAMETOOLONG: "zbyt długa nazwa pliku",
    errno.EDQUOT: "przekroczony przydział miejsca na dysku",
    errno.EIO: "błąd wejścia/wyjścia dysku",
    errno.EBUSY: "plik jest zajęty przez inny program",
    errno.EMFILE: "zbyt wiele otwartych plików",
    errno.EFBIG: "plik jest zbyt duży",
}


def os_reason(exc: OSError) -> str:
    """ENOENT -> „nie ma takiego pliku lub katalogu”; an unknown error names its number."""
    reason = _OS_REASONS.get(getattr(exc, "errno", None) or -1)
    if reason:
        return _(reason)
    return _("błąd systemu plików (kod {code})").format(code=getattr(exc, "errno", None) or "?")


def _xml_reason(exc: Exception) -> str:
    text = str(exc).lower()
    line = getattr(exc, "lineno", None) or getattr(getattr(exc, "position", None), "__getitem__", lambda _i: None)(0)
    if "amplification" in text or "entity" in text:
        return _("plik zawiera encje XML rozwijające się w ogromną ilość danych – odrzucony dla bezpieczeństwa")
    if "huge" in text or "too large" in text or "xmlsax2characters" in text:
        return _("plik zawiera element XML większy niż dopuszczalny – odrzucony dla bezpieczeństwa")
    if line:
        return _("błędna struktura XML (wiersz {line})").format(line=line)
    return _("błędna struktura XML")


def damage_reason(exc: BaseException) -> str:
    """Why a file (XLSX, XML, ZIP) could not be read, in Polish, whatever library raised it."""
    try:
        from lxml import etree
        xml_errors: tuple = (etree.XMLSyntaxError, etree.ParseError)
    except ImportError:  # pragma: no cover - lxml is a dependency
        xml_errors = ()
    text = str(exc).lower()
    if xml_errors and isinstance(exc, xml_errors) or any(w in text for w in ("entity", "xml", "tag")):
        return _xml_reason(exc)     # lxml, or calamine reading the same XML
    if isinstance(exc, (zlib.error, zipfile.BadZipFile)) or "crc" in text or "decompress" in text:
        return _("uszkodzone dane skompresowane (błędna suma kontrolna)")
    if isinstance(exc, OSError) and getattr(exc, "errno", None):
        return os_reason(exc)
    if isinstance(exc, (EOFError, zipfile.LargeZipFile)):
        return _("plik jest ucięty lub niekompletny")
    return _("nieczytelna zawartość pliku")
