"""Reader for saved web pages (``.html``, ``.htm``): trafilatura finds the article in the page.

trafilatura (offline) gives the title, the main text without navigation, ads or footers, the date from
the page's metadata (``article:published_time``, JSON-LD, ``<time>``; its text-guessing search is
off, so a date it returns really is metadata) and the URL (canonical link / ``og:url``). When it finds
no main text, the page's visible text is used instead. Scripts, styles and markup never reach the body:
readers produce plain text, and the web layer escapes it.
"""

from __future__ import annotations

import logging
from typing import Any

from search.ingest.base import Record, clean_line, clean_text, decode_bytes, paragraphs_by_blank_lines

logger = logging.getLogger(__name__)

# (module to import, pip package that provides it), in dependency order: the readers' libraries are
# imported lazily, so ``search.ingest.check_readers`` imports these once before a run reads any page,
# and a missing one stops the run naming the package instead of failing every page.
# lxml.html.clean: jusText (trafilatura's fallback extractor) imports it; lxml >= 5.2 moved it out.
REQUIRES: tuple[tuple[str, str], ...] = (
    ("lxml.html", "lxml"),
    ("lxml.html.clean", "lxml_html_clean"),
    ("trafilatura", "trafilatura"),
)

_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "iframe", "object", "head", "nav", "footer")
_BLOCKS = frozenset("p div li h1 h2 h3 h4 h5 h6 br tr blockquote pre section article header td dd dt".split())


def read_html(data: bytes) -> tuple[list[Record], list[str]]:
    """One record (or none, with the reason) from the bytes of an HTML page."""
    text, problem = decode_bytes(data)
    if text is None:
        return [], [problem]
    if not text.strip():
        return [], []
    doc = _extract(text)
    title = clean_line(_attr(doc, "title"))
    body = paragraphs_by_blank_lines(_attr(doc, "text"))
    problems: list[str] = []
    if not body:
        body = visible_text(text)
        if body:
            problems.append("no main text found by trafilatura; indexed the page's visible text")
    first, _, rest = body.partition("\n\n")
    if title and clean_line(first) == title:  # the page's <h1> repeats the title
        body = rest
    record = Record(
        key="",
        title=title or _page_title(text),
        body=body,
        date=_attr(doc, "date"),
        url=_attr(doc, "url"),
        source=_attr(doc, "sitename"),
    )
    return [record], problems


def _extract(text: str) -> Any:
    """trafilatura's Document for the page, or None when it can't make sense of it."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        return trafilatura.bare_extraction(
            text, with_metadata=True, include_comments=False, date_extraction_params=_DATE_PARAMS
        )
    except (ValueError, TypeError, AttributeError) as exc:  # lxml/trafilatura on odd markup
        logger.warning("trafilatura failed on a page: %s", exc)
        return None


def _attr(doc: Any, name: str) -> str:
    value = getattr(doc, name, None) if doc is not None else None
    return value if isinstance(value, str) else ""


def visible_text(text: str) -> str:
    """The text a browser would show, one paragraph per block element, without scripts or styles."""
    root = _parse(text)
    if root is None:
        return ""
    for element in list(root.iter(*_INVISIBLE)):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n\n" + (element.tail or "")
    return clean_text(root.text_content())


def _page_title(text: str) -> str:
    """The ``<title>`` element's text, for pages trafilatura found no title in."""
    root = _parse(text)
    found = root.find(".//title") if root is not None else None
    return clean_line(found.text_content()) if found is not None else ""


def _parse(text: str) -> Any:
    from lxml import etree
    from lxml import html as lxml_html

    try:
        parser = lxml_html.HTMLParser(encoding="utf-8")
        return lxml_html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        logger.debug("unparseable HTML: %s", exc)
        return None
