"""What the XML readers share: safe parsing, telling the formats apart by their root, and element text.

Parsing goes through defusedxml (stdlib expat underneath, no network access): a document that declares
entities (``<!ENTITY ...>``: the billion-laughs bomb, or ``SYSTEM "file:///etc/passwd"`` for XXE) or refers
to an external one is refused before anything is expanded or read. News XML never needs entity
declarations; a plain ``<!DOCTYPE nitf SYSTEM "nitf.dtd">`` line is allowed (the DTD is never loaded).

``sniff`` reads only up to the root element, so one ``.xml`` suffix serves NewsML-G2, NITF and feeds;
``parse_items`` collects the complete elements of a document, keeping those before the point where a
truncated or broken document stops, as the SGML reader keeps a truncated file's complete records.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from search.ingest.base import Record, clean_line, clean_text
from search.models import Code

REQUIRES: tuple[tuple[str, str], ...] = (("defusedxml", "defusedxml"),)

IPTC_G2 = "http://iptc.org/std/nar/2006-10-01/"
NEWSML_ROOTS = frozenset({"newsItem", "newsMessage", "packageItem"})
# (root, namespace) of RSS 2.0 (and 0.9x), Atom 1.0 and 0.3, and RSS 1.0 (RDF)
FEED_ROOTS = frozenset(
    {
        ("rss", ""),
        ("feed", "http://www.w3.org/2005/Atom"),
        ("feed", "http://purl.org/atom/ns#"),
        ("RDF", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    }
)
EXPECTED = "NewsML-G2 newsItem/newsMessage/packageItem, NITF nitf, RSS rss, Atom feed or RSS 1.0 rdf:RDF"

# Elements whose text is never news: scripts and styles in XHTML, the NITF head in an embedded document.
_INVISIBLE = frozenset({"script", "style", "head", "noscript", "template", "object"})
# Elements that end a paragraph (XHTML and NITF block elements; hl2 is a NITF sub-headline).
_BLOCKS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 br tr blockquote pre section article header td dd dt hl2 block bq nitf-table "
    "media-caption abstract".split()
)


@dataclass
class NewsRecord(Record):
    """A Record that also keeps what agency formats deliver beyond the story: the byline and the agency's
    subject, person, organisation and place codes (``search.models.Code``); ``read_file`` passes both on to
    the Article."""

    byline: str = ""
    codes: tuple[Code, ...] = ()


def _defused() -> tuple[type[Exception], ...]:
    from defusedxml import DefusedXmlException  # type: ignore[import-untyped]

    return (DefusedXmlException,)


def _iterparse(data: bytes, events: tuple[str, ...]) -> Iterable[tuple[str, Element]]:
    from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped]

    iterator: Iterable[tuple[str, Element]] = iterparse(
        io.BytesIO(data), events=events, forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    return iterator


def refusal(exc: Exception) -> str:
    """The problem line for a refused document."""
    name = getattr(exc, "name", None) or getattr(exc, "sysid", None) or ""
    what = "declares the XML entity" if type(exc).__name__ == "EntitiesForbidden" else "refers to the external entity"
    return (
        f"refused: the document {what} {name!r} (entity declarations can expand without bound, the "
        "'billion laughs' attack, or read local files, XXE); news XML never needs them"
    )


def malformed(exc: ParseError, data: bytes = b"") -> str:
    line, column = getattr(exc, "position", (0, 0))
    reason = re.sub(r":? ?line \d+, column \d+$", "", str(exc)).strip() or "not well-formed"
    if reason in ("no element found", "unclosed token") and line >= data.rstrip().count(b"\n") + 1:
        reason = "the document ends before its root element is closed (truncated?)"
    return f"malformed XML at line {line}, column {column + 1}: {reason}"


def local_name(tag: object) -> str:
    """``{namespace}name`` -> ``name``."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(tag: object) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def sniff(data: bytes) -> tuple[str, str]:
    """``(kind, "")`` with kind "newsml", "nitf" or "feed", from the root element alone; else ``("", problem)``."""
    try:
        for _, root in _iterparse(data, ("start",)):
            return kind_of(root.tag)
    except _defused() as exc:
        return "", refusal(exc)
    except ParseError as exc:
        return "", malformed(exc, data)
    return "", "no XML element found"


def kind_of(tag: str) -> tuple[str, str]:
    """The format a root element tag stands for, or a problem naming what was found and expected."""
    name, ns = local_name(tag), namespace(tag)
    if name in NEWSML_ROOTS and ns == IPTC_G2:
        return "newsml", ""
    if name == "nitf":
        return "nitf", ""
    if (name, ns) in FEED_ROOTS:
        return "feed", ""
    if ns == IPTC_G2:
        return "", f"an IPTC G2 <{name}> holds no news story (expected {EXPECTED}); skipped"
    where = f" in namespace {ns!r}" if ns else ""
    return "", f"not a news format: the root element is <{name}>{where} (expected {EXPECTED}); skipped"


def parse_items(data: bytes, wanted: Iterable[str]) -> tuple[list[Element], str]:
    """Every complete element whose local name is in ``wanted``, in the order they end, and a problem
    when the document is refused or breaks off (the elements completed before the break are kept)."""
    names = frozenset(wanted)
    found: list[Element] = []
    try:
        for _, element in _iterparse(data, ("end",)):
            if local_name(element.tag) in names:
                found.append(element)
    except _defused() as exc:
        return [], refusal(exc)
    except ParseError as exc:
        kept = f"; kept the {len(found)} complete item(s) before it" if found else ""
        return found, malformed(exc, data) + kept
    return found, ""


def check(data: bytes) -> tuple[bool, str]:
    """``(readable, problem)`` for a document a lenient parser will read: refused (entities) is not
    readable; a malformed one is, with the problem saying why it had to be read leniently."""
    try:
        for _ in _iterparse(data, ("end",)):
            pass
    except _defused() as exc:
        return False, refusal(exc)
    except ParseError as exc:
        return True, malformed(exc, data)
    return True, ""


def child(element: Element | None, *path: str) -> Element | None:
    """The first descendant along ``path`` of local names (any namespace), or None."""
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if local_name(c.tag) == name), None)
    return element


def children(element: Element | None, name: str) -> list[Element]:
    return [c for c in element if local_name(c.tag) == name] if element is not None else []


def descendants(element: Element | None, name: str) -> list[Element]:
    return [e for e in element.iter() if local_name(e.tag) == name] if element is not None else []


def text_of(element: Element | None) -> str:
    """All the text inside ``element`` on one line."""
    return clean_line("".join(element.itertext())) if element is not None else ""


def attr(element: Element | None, name: str) -> str:
    """An attribute by local name (``norm``, ``xml:lang`` ...), trimmed; "" when absent."""
    if element is None:
        return ""
    for key, value in element.attrib.items():
        if local_name(key) == name:
            return value.strip()
    return ""


def paragraphs(element: Element | None) -> str:
    """The text of an XHTML or NITF body, one paragraph per block element, without scripts or styles."""
    if element is None:
        return ""
    parts: list[str] = []
    _collect(element, parts)
    return clean_text("".join(parts))


def _collect(element: Element, parts: list[str]) -> None:
    name = local_name(element.tag)
    if name not in _INVISIBLE:
        block = name in _BLOCKS
        if block:
            parts.append("\n\n")
        parts.append(element.text or "")
        for sub in element:
            _collect(sub, parts)
            parts.append(sub.tail or "")
        if block:
            parts.append("\n\n")


def with_dateline(dateline: str, body: str) -> str:
    """The body opened by its dateline ("PARIS, Jan 31 (AFP) - ..."), unless its first paragraph already is."""
    dateline = clean_line(dateline)
    if not dateline or not body or clean_line(body[: len(dateline) + 5]).lower().startswith(dateline.lower()):
        return body or dateline
    joiner = " " if dateline[-1] in "-\u2013\u2014:" else " - "
    return f"{dateline}{joiner}{body}"


def without_title(body: str, title: str) -> str:
    """The body without a first paragraph that only repeats the title (an XHTML ``<h1>``)."""
    first, _, rest = body.partition("\n\n")
    return rest if title and clean_line(first) == clean_line(title) else body
