"""Reader for news feeds: RSS 2.0 (and 0.9x), RSS 1.0 (RDF) and Atom (``.rss``, ``.atom``, sniffed ``.xml``).

feedparser reads the feed, one record per entry: its title, its content (else its summary) as text, HTML
stripped with the HTML reader's ``visible_text``, its link (relative links resolved against the feed's
address or its ``<link>``), its date from ``published`` (else ``updated``; feedparser normalises the many
formats feeds use to UTC), the entry's ``id`` (RSS ``guid``, Atom ``id``; else its link; else its title
and date) as its id, so reading a feed again, or its next version, gives the same ids. The source is the
entry's ``<source>`` or the feed's title; the author and the categories are kept in the record
(``NewsRecord.byline``, ``.codes``).

The document is first checked with the safe XML parser: one that declares entities is refused. One that
is not well-formed (a stray ``&nbsp;``, a bare ``&``) is still read by feedparser's lenient parser and the
problem reported; a truncated one keeps its complete entries only.
"""

from __future__ import annotations

import io
import re
import time
from typing import Any
from urllib.parse import urljoin

from search.ingest.base import Record, clean_line, paragraphs_by_blank_lines
from search.ingest.html import visible_text
from search.ingest.xml import Code, NewsRecord, check

REQUIRES: tuple[tuple[str, str], ...] = (("defusedxml", "defusedxml"), ("feedparser", "feedparser"), ("lxml", "lxml"))

_ROOT_CLOSED = re.compile(rb"</(?:[\w.-]+:)?(?:rss|feed|RDF)\s*>\s*$")
_ENTRY_END = re.compile(rb"</(?:[\w.-]+:)?(?:item|entry)\s*>")


def read_feed(data: bytes, base_url: str = "") -> tuple[list[Record], list[str]]:
    """One record per entry of an RSS/Atom/RDF feed; ``base_url`` (where it was fetched) resolves relative links."""
    import feedparser  # type: ignore[import-untyped]

    readable, problem = check(data)
    if not readable:
        return [], [problem]
    headers = {"content-type": "application/xml", **({"content-location": base_url} if base_url else {})}
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=True)
    entries = list(parsed.entries)
    problems = []
    if problem:
        if _ROOT_CLOSED.search(data.rstrip()):
            problems.append(f"{problem}; read leniently")
        else:
            complete = len(_ENTRY_END.findall(data))
            problems.append(f"truncated feed ({problem}); kept its {min(complete, len(entries))} complete entries")
            entries = entries[:complete]
    feed = parsed.get("feed", {})
    base = base_url or feed.get("link", "")
    source = clean_line(feed.get("title", ""))
    records: list[Record] = [entry_record(entry, n, base, source) for n, entry in enumerate(entries, start=1)]
    if problem and not records:
        problems.append("no entries could be read")
    return records, problems


def entry_record(entry: Any, position: int, base: str, source: str) -> NewsRecord:
    """The record of one feedparser entry."""
    title = _text(entry.get("title", ""), entry.get("title_detail", {}).get("type", ""), one_line=True)
    link = entry.get("link", "")
    if link and link == entry.get("id") and not link.startswith(("http:", "https:")):
        link = ""  # feedparser's guess from an id such as tag:example.org,2020:x: not a link
    if link and base and "://" not in link:
        link = urljoin(base, link)
    date = _iso(entry.get("published_parsed")) or entry.get("published", "")
    date = date or _iso(entry.get("updated_parsed")) or entry.get("updated", "")
    own_id = entry.get("id") or link or (f"{title}|{date}" if title else "")
    entry_source = entry.get("source", {}).get("title", "") if isinstance(entry.get("source"), dict) else ""
    return NewsRecord(
        key=f"entry {position}",
        title=title,
        body=_body(entry),
        date=date,
        url=link,
        source=clean_line(entry_source) or source,
        id=own_id,
        byline=_byline(entry),
        codes=tuple(
            Code("category", (tag.get("term") or "") if tag.get("scheme") else "", tag.get("label") or tag.get("term"))
            for tag in entry.get("tags", ()) or ()
            if tag.get("label") or tag.get("term")
        ),
    )


def _byline(entry: Any) -> str:
    """The authors' names, once each (RSS ``<author>desk@example.org (Hans Müller)</author>`` is "Hans Müller";
    feedparser repeats a name for an Atom author that has only an e-mail), else the author as the feed wrote it."""
    names = (clean_line(author.get("name") or "") for author in entry.get("authors", ()) or ())
    return ", ".join(dict.fromkeys(name for name in names if name)) or clean_line(entry.get("author", ""))


def _body(entry: Any) -> str:
    """The longest ``content`` as text, else the summary."""
    contents = [c for c in entry.get("content", ()) or () if (c.get("value") or "").strip()]
    if contents:
        best = max(contents, key=lambda c: len(c.get("value", "")))
        return _text(best.get("value", ""), best.get("type", ""))
    return _text(entry.get("summary", ""), entry.get("summary_detail", {}).get("type", ""))


def _text(value: str, kind: str, one_line: bool = False) -> str:
    """Feed text as plain text: HTML (the usual case, whatever the feed declares) through ``visible_text``."""
    if not value or not value.strip():
        return ""
    text = visible_text(value) if "html" in kind or "<" in value else paragraphs_by_blank_lines(value)
    return clean_line(text) if one_line else text


def _iso(moment: Any) -> str:
    """feedparser's parsed date (a UTC ``time.struct_time``) as ISO 8601."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", moment) if moment else ""
