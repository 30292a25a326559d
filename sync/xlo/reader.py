"""Streaming an exchange file's records (notes lesson 9): iterparse with entities, network and huge trees
off, validated against the XSD while streaming, each record cleared and its previous siblings deleted so
memory stays flat whatever the file's size.

    with read_xlo(path) as xlo:
        xlo.header            # dict of the header's attributes (direction, seq, created_at, ...)
        for rec in xlo.records():
            rec.block, rec.tag, rec.attrs, rec.children   # children: [(tag, attrs), ...]
"""
from __future__ import annotations

import functools
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lxml import etree

from store.i18n import _
from sync.xlo import NS, XloRefused
from sync.xlo.safe import Limits, open_xml_stream

XSD_PATH = Path(__file__).resolve().parent.parent / "xsd" / "xlo-1.xsd"
RECORD_TAGS = ("header", "stamp", "setting", "warehouse", "operator", "series", "register", "payment_form", "vat",
               "goods", "contractor", "confirm")
_PREFIX = len(NS) + 2


@functools.lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(XSD_PATH), parser))


@dataclass
class Record:
    block: str
    tag: str
    attrs: dict
    children: list = field(default_factory=list)
    line: int = 0


def parse_utc(text: str) -> datetime:
    """An xs:dateTime ending in Z as a naive UTC datetime (the storage convention)."""
    return datetime.fromisoformat(text.rstrip("Z"))


def flag(attrs: dict, name: str, default: bool = False) -> bool:
    value = attrs.get(name)
    return default if value is None else value in ("true", "1")


def _syntax_refusal(exc: etree.XMLSyntaxError) -> XloRefused:
    text = str(exc)
    line = getattr(exc, "lineno", 0) or 0
    low = text.lower()
    if "depth" in low or "nesting" in low:
        return XloRefused("nesting", _("Plik wymiany ma zbyt głęboko zagnieżdżone elementy – plik odrzucono."))
    if "amplification" in low or "entity" in low:
        return XloRefused("entities", _("Plik wymiany deklaruje encje XML (możliwa „bomba encji”) – plik "
                                        "odrzucono."))
    if "element" in low and ("not expected" in low or "missing" in low or "not a valid" in low
                             or "attribute" in low or "facet" in low or "is not allowed" in low
                             or "no matching global declaration" in low) or "schemas validity" in low:
        return XloRefused("schema", _("Plik wymiany nie jest zgodny ze schematem XLO: {reason}")
                          .format(reason=text[:300]))
    return XloRefused("xml", _("Plik wymiany nie jest poprawnym dokumentem XML (wiersz {line}): {reason}")
                      .format(line=line, reason=text[:300]))


class XloReader:
    def __init__(self, stream, *, validate: bool = True):
        self._validate = validate
        self._stream, self._seen = stream, -1
        self._parent, self._block = None, ""
        self._events = etree.iterparse(
            stream, events=("end",), tag=[f"{{{NS}}}{t}" for t in RECORD_TAGS],
            resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_comments=True,
            remove_pis=True, schema=schema() if validate else None)
        self.root = None
        first = self._next()
        if first is None or first.tag != "header":
            raise XloRefused("schema", _("Plik wymiany nie zaczyna się od nagłówka – plik odrzucono."))
        self.header = first.attrs

    def _next(self) -> Record | None:
        try:
            _event, el = next(self._events)
        except StopIteration:
            return None
        except etree.XMLSyntaxError as exc:
            raise _syntax_refusal(exc) from None
        if self._validate and getattr(self._stream, "count", None) != self._seen:
            # the parser runs ahead of the consumer and logs a schema error as soon as it parses the bad
            # record, but raises it only at the end of the document: refuse before the record is handed out.
            # New errors can only come with new input, so the log is looked at when the stream moved on.
            self._seen = getattr(self._stream, "count", None)
            log = self._events.error_log
            if len(log):
                first = log[0]
                raise XloRefused("schema", _("Plik wymiany nie jest zgodny ze schematem XLO: {reason}").format(
                    reason=first.message[:300]))
        parent = el.getparent()
        if self.root is None:
            self.root = parent
        if parent is not self._parent:
            self._parent, self._block = parent, parent.tag[_PREFIX:] if parent is not None else ""
        rec = Record(self._block, el.tag[_PREFIX:], dict(el.attrib),
                     [(child.tag[_PREFIX:], dict(child.attrib)) for child in el] if len(el) else [])
        el.clear(keep_tail=False)
        if parent is not None:
            while el.getprevious() is not None:
                del parent[0]
        return rec

    def records(self):
        while True:
            rec = self._next()
            if rec is None:
                return
            yield rec


@contextmanager
def read_xlo(path: Path, *, limits: Limits = Limits(), validate: bool = True):
    with open_xml_stream(path, limits) as stream:
        yield XloReader(stream, validate=validate)
