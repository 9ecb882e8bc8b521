"""Reader for NITF, the News Industry Text Format (IPTC's XML for one story; ``.nitf``, or sniffed ``.xml``).

One record per ``<nitf>`` document: the title from ``body.head/hedline/hl1`` (else ``head/title``), the
body from ``body.content`` (one paragraph per ``<p>``, ``<block>``, table row ...; the abstract when there
is no content) opened by the ``dateline`` ("BERLIN, Jan. 20 - ..."), the date from
``docdata/date.issue@norm`` (else ``pubdata@date.publication``, ``date.release@norm``), the id from
``docdata/doc-id@id-string`` and the source from ``doc.copyright@holder`` (else the doc-id's ``regsrc``).
The byline and the agency's codes (``tobject.subject`` refnums, ``identified-content`` persons,
organisations and places, ``key-list`` keywords, ``<person>``/``<org>`` tagged in the text with an id)
are kept in the record (``NewsRecord.byline``, ``.codes``); the byline is not indexed, so the reporter
never becomes a person the story names.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from search.ingest.base import Record
from search.ingest.xml import (
    Code,
    NewsRecord,
    attr,
    child,
    descendants,
    local_name,
    paragraphs,
    parse_items,
    text_of,
    with_dateline,
    without_title,
)

REQUIRES: tuple[tuple[str, str], ...] = (("defusedxml", "defusedxml"),)

_IDENTIFIED = {
    "person": "person",
    "org": "organisation",
    "location": "place",
    "event": "event",
    "classifier": "subject",
    "function": "function",
}


def read_nitf(data: bytes) -> tuple[list[Record], list[str]]:
    """The record of the ``<nitf>`` document in the bytes; a broken document is one problem."""
    items, problem = parse_items(data, {"nitf"})
    records: list[Record] = [nitf_record(item, "document") for item in items]
    return records, [problem] if problem else []


def nitf_record(nitf: Element, key: str) -> NewsRecord:
    """The record of one ``<nitf>`` element."""
    head, body = child(nitf, "head"), child(nitf, "body")
    docdata = child(head, "docdata")
    body_head = child(body, "body.head")
    title = text_of(child(body_head, "hedline", "hl1")) or text_of(child(head, "title"))
    doc_id = attr(child(docdata, "doc-id"), "id-string")
    return NewsRecord(
        key=f"doc-id {doc_id}" if doc_id else key,
        title=title,
        body=with_dateline(text_of(child(body_head, "dateline")), nitf_body(body, title)),
        date=_date(head, docdata),
        source=attr(child(docdata, "doc.copyright"), "holder") or attr(child(docdata, "doc-id"), "regsrc"),
        id=doc_id,
        byline=text_of(child(body_head, "byline")),
        codes=nitf_codes(nitf),
    )


def nitf_body(body: Element | None, title: str = "") -> str:
    """The story's paragraphs: ``body.content``, else the abstract; a first paragraph repeating the title dropped."""
    text = paragraphs(child(body, "body.content")) or paragraphs(child(body, "body.head", "abstract"))
    return without_title(text, title)


def _date(head: Element | None, docdata: Element | None) -> str:
    return (
        attr(child(docdata, "date.issue"), "norm")
        or attr(child(head, "pubdata"), "date.publication")
        or attr(child(docdata, "date.release"), "norm")
    )


def nitf_codes(nitf: Element) -> tuple[Code, ...]:
    """The agency's labels: subject refnums, identified persons/organisations/places, keywords, tagged names."""
    codes: list[Code] = []
    for subject in descendants(nitf, "tobject.subject"):
        refnum, ipr = attr(subject, "tobject.subject.refnum"), attr(subject, "tobject.subject.ipr")
        name = next(
            (value for field in ("detail", "matter", "type") if (value := attr(subject, f"tobject.subject.{field}"))),
            "",
        )
        codes.append(Code("subject", f"{ipr}:{refnum}" if ipr and refnum else refnum, name))
    for content in descendants(nitf, "identified-content"):
        for element in content:
            kind = _IDENTIFIED.get(local_name(element.tag))
            if kind:
                codes.append(_code(kind, element))
    for keyword in descendants(child(nitf, "head"), "keyword"):
        codes.append(Code("keyword", "", attr(keyword, "key") or text_of(keyword)))
    for name, kind in (("person", "person"), ("org", "organisation")):
        for element in descendants(child(child(nitf, "body"), "body.content"), name):
            if attr(element, "value") or attr(element, "idsrc"):
                codes.append(_code(kind, element))
    return tuple(dict.fromkeys(code for code in codes if code.code or code.name))


def _code(kind: str, element: Element) -> Code:
    """A NITF named element: ``<person idsrc="AP" value="merkel-angela">Angela Merkel</person>``."""
    source, value = attr(element, "idsrc"), attr(element, "value")
    code = f"{source}:{value}" if source and value else value
    return Code(kind, code, text_of(element) or value)
