"""Reader for IPTC NewsML-G2 (sniffed ``.xml``): a ``newsItem``, or a ``newsMessage`` holding several.

One record per text ``newsItem``: the title from ``contentMeta/headline``, the body from the first rendition
in ``contentSet`` that has text (``inlineXML`` with XHTML, or an embedded NITF document, or
``inlineData``; else the ``description``), opened by the ``dateline`` ("PARIS, Jan 31 (AFP) - ..."), the
date from ``itemMeta/firstCreated`` (else ``contentMeta/contentCreated``, ``itemMeta/versionCreated``),
the item's ``guid`` as its id (a newer version of an item updates it) and the provider's name as its
source. The byline (``by``, else the creators' names) and the agency's codes (``subject`` qcodes with
their names, persons and organisations among them, ``genre``, ``keyword``, ``located``) are kept in the
record (``NewsRecord.byline``, ``.codes``). A ``packageItem`` only references other items and an item the
agency canceled (``pubStatus`` ``stat:canceled``) is withdrawn: both come out as records with nothing to
index, which ``read_file`` lists as empty.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from search.ingest.base import Record, paragraphs_by_blank_lines
from search.ingest.html import visible_text
from search.ingest.nitf import nitf_body, nitf_codes
from search.ingest.xml import (
    Code,
    NewsRecord,
    attr,
    child,
    children,
    local_name,
    paragraphs,
    parse_items,
    text_of,
    with_dateline,
    without_title,
)

REQUIRES: tuple[tuple[str, str], ...] = (("defusedxml", "defusedxml"),)

# subject/@type (IPTC concept nature) -> the kind of code kept
_NATURE = {
    "cpnat:person": "person",
    "cpnat:organisation": "organisation",
    "cpnat:geoArea": "place",
    "cpnat:poi": "place",
    "cpnat:event": "event",
    "cpnat:object": "object",
}


def read_newsml(data: bytes) -> tuple[list[Record], list[str]]:
    """One record per complete ``newsItem``/``packageItem``; a broken document keeps the items before the break."""
    items, problem = parse_items(data, {"newsItem", "packageItem"})
    records: list[Record] = [item_record(item, n) for n, item in enumerate(items, start=1)]
    return records, [problem] if problem else []


def item_record(item: Element, position: int) -> NewsRecord:
    """The record of one ``newsItem`` (or an empty one for a package or a canceled item)."""
    guid = attr(item, "guid")
    key = f"{local_name(item.tag)} {guid or position}"
    meta, content = child(item, "itemMeta"), child(item, "contentMeta")
    if local_name(item.tag) == "packageItem":
        return NewsRecord(key=f"{key} (a package: references to other items only)", id=guid)
    if attr(child(meta, "pubStatus"), "qcode").endswith(":canceled"):
        return NewsRecord(key=f"{key} (canceled by the agency)", id=guid)
    title = text_of(child(content, "headline"))
    body, extra_codes = _body(child(item, "contentSet"), title)
    if not body:
        body = paragraphs_by_blank_lines(text_of(child(content, "description")))
    return NewsRecord(
        key=key,
        title=title,
        body=with_dateline(text_of(child(content, "dateline")), body),
        date=_first_text(meta, content, ("firstCreated", "contentCreated", "versionCreated")),
        source=_name(child(meta, "provider")),
        id=guid,
        byline=text_of(child(content, "by")) or ", ".join(_name(c) for c in children(content, "creator") if _name(c)),
        codes=tuple(dict.fromkeys(_codes(content) + extra_codes)),
    )


def _body(content_set: Element | None, title: str) -> tuple[str, tuple[Code, ...]]:
    """The text of the first rendition that has some, and the codes of an embedded NITF document."""
    for rendition in children(content_set, "inlineXML"):
        for root in rendition:
            name = local_name(root.tag)
            if name == "nitf":
                text, codes = nitf_body(child(root, "body"), title), nitf_codes(root)
            else:
                text, codes = without_title(paragraphs(child(root, "body") if name == "html" else root), title), ()
            if text:
                return text, codes
    for rendition in children(content_set, "inlineData"):
        raw = "".join(rendition.itertext())
        kind = attr(rendition, "contenttype").lower()
        text = visible_text(raw) if "html" in kind else paragraphs_by_blank_lines(raw)
        if text:
            return without_title(text, title), ()
    return "", ()


def _first_text(meta: Element | None, content: Element | None, names: tuple[str, ...]) -> str:
    for name in names:
        value = text_of(child(meta, name)) or text_of(child(content, name))
        if value:
            return value
    return ""


def _name(element: Element | None) -> str:
    """A G2 concept's name: its ``<name>``, else its ``literal``, else the code after the scheme ("nprov:AFP")."""
    if element is None:
        return ""
    qcode = attr(element, "qcode")
    return text_of(child(element, "name")) or attr(element, "literal") or qcode.partition(":")[2] or qcode


def _codes(content: Element | None) -> tuple[Code, ...]:
    """The agency's labels in ``contentMeta``: subjects (persons, organisations ... by their type), genres,
    keywords and the place the story was filed from."""
    codes = []
    for subject in children(content, "subject"):
        kind = _NATURE.get(attr(subject, "type"), "subject")
        codes.append(Code(kind, attr(subject, "qcode") or attr(subject, "uri"), _name_only(subject)))
    for name, kind in (("genre", "genre"), ("located", "place")):
        codes += [Code(kind, attr(e, "qcode") or attr(e, "uri"), _name_only(e)) for e in children(content, name)]
    codes += [Code("keyword", "", text_of(e)) for e in children(content, "keyword")]
    return tuple(code for code in codes if code.code or code.name)


def _name_only(element: Element) -> str:
    """The concept's ``<name>`` (or ``literal``), not the names of its broader concepts."""
    return text_of(child(element, "name")) or attr(element, "literal")
