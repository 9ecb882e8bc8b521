"""Reader for plain-text articles (``.txt``): an optional header block, an optional title line, a body.

    Title: Israel and Russia to meet        <- optional header: Title, Date (or Published), URL,
    Date: 2018-12-10                           Source; any case; only when every line of the first
    URL: https://example.org/story             block is one of these, ended by a blank line

    Headline on one line                    <- a first line followed by a blank line is the title

    Body paragraphs, separated by blank lines (or one paragraph per line when no line is blank).

Without a title line the title is the body's first sentence (``search.ingest`` does that for every format).
"""

from __future__ import annotations

import re

from search.ingest.base import MAX_TITLE_CHARS, Record, decode_bytes, paragraphs_by_blank_lines

HEADER_KEYS = {"title": "title", "date": "date", "published": "date", "url": "url", "source": "source"}
_HEADER_LINE = re.compile(r"^\s*([A-Za-z]+)\s*:\s*(.*?)\s*$")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def read_text(data: bytes) -> tuple[list[Record], list[str]]:
    """One record (or none, with the reason) from the bytes of a ``.txt`` file."""
    text, problem = decode_bytes(data)
    if text is None:
        return [], [problem]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    header, rest = split_header(text)
    title = header.get("title", "")
    if not title:
        title, rest = split_title_line(rest)
    record = Record(
        key="",
        title=title,
        body=paragraphs_by_blank_lines(rest),
        date=header.get("date", ""),
        url=header.get("url", ""),
        source=header.get("source", ""),
    )
    return [record], []


def split_header(text: str) -> tuple[dict[str, str], str]:
    """``({"title": ..., "date": ...}, rest)`` when the text opens with a header block, else ``({}, text)``."""
    parts = _BLANK_LINE.split(text.lstrip("\n"), maxsplit=1)
    if len(parts) < 2:
        return {}, text
    header: dict[str, str] = {}
    for line in parts[0].split("\n"):
        match = _HEADER_LINE.match(line)
        if not match or match.group(1).lower() not in HEADER_KEYS:
            return {}, text
        header[HEADER_KEYS[match.group(1).lower()]] = match.group(2)
    return header, parts[1]


def split_title_line(text: str) -> tuple[str, str]:
    """``(first line, rest)`` when a short first line is followed by a blank line, else ``("", text)``."""
    parts = text.lstrip("\n").split("\n", 1)
    if len(parts) == 2 and parts[1].split("\n", 1)[0].strip() == "":
        first = parts[0].strip()
        if first and len(first) <= MAX_TITLE_CHARS:
            return first, parts[1]
    return "", text
