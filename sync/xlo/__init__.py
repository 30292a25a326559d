"""XLO exchange files (SYNC-2): one UTF-8 XML document in namespace urn:filia:xlo:1, zipped as the only
member `data.xml`. `safe` opens a file of unknown origin, `reader` streams its records, `writer` makes one."""
from __future__ import annotations

from store.errors import FiliaError

NS = "urn:filia:xlo:1"
FORMAT = 1
MEMBER = "data.xml"


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


class XloRefused(FiliaError):
    """A file that is not read. `code` names the case (tests, history); the message is the user's."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
