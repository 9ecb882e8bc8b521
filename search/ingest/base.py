"""What every corpus reader shares: the raw ``Record`` it yields, byte decoding and text cleaning.

Readers only know their format; they turn bytes into ``Record`` objects (title, paragraphs, metadata
strings as found) and a list of problems. ``search.ingest.read_file`` then applies one policy to all of
them: ids, dates, URL checks, dropping empty records. Keeping that policy in one place is what makes
a JSON article and a text file with the same content come out alike.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

TITLE_CHARS = 200  # a title taken from the first sentence is cut at a word boundary near this length
MAX_TITLE_CHARS = 300  # an explicit title longer than this is cut too
ELLIPSIS = "\u2026"

_SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
# Control characters (Reuters has &#2; &#3; &#5; ...), lone surrogates (from JSON "\ud800" escapes) and
# zero-width / byte-order marks; \t and \n are whitespace and handled separately.
_JUNK = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\u200b\u2060\ufeff]")
_BLANK_LINE = re.compile(r"\n\s*\n")
_INDENTED_LINE = re.compile(r"\n(?=[^\S\n])")  # a line break before a line that starts with a space
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen maj col lt sgt capt sen rep gov st jr sr inc corp co ltd no vs etc "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e".split()
)
_SENTENCE_END = re.compile(r"[.!?]['\"\u2019\u201d)]*(?=\s+[\"'\u2018\u201c(]?[A-Z0-9])")


@dataclass
class Record:
    """One article as a reader found it, before ids, dates and cleaning policy are applied.

    :param key: where the record sits in its file ("line 3", "item 2", "NEWID 17"); stable ids are a hash
        of the file's path and this key, and problem messages name it.
    :param id: an id the data itself gives (JSON ``id``, Reuters NEWID), or "".
    :param body: paragraphs separated by blank lines, as ``paragraphs_by_blank_lines`` /
        ``paragraphs_by_indent`` / ``clean_text`` return them (``read_file`` does not clean it again).
    :param date: a metadata date string, "" when the format has none.
    """

    key: str
    title: str = ""
    body: str = ""
    date: str = ""
    url: str = ""
    source: str = ""
    id: str = ""


def decode_bytes(data: bytes) -> tuple[str | None, str]:
    """Text from file bytes: ``(text, "")``, or ``(None, reason)`` when the bytes are not text.

    UTF-8 (BOM or not) first, UTF-16 when it has a BOM; cp1252 then Latin-1 only when the result
    really looks like text, since every byte string "decodes" as Latin-1.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ""
        except UnicodeDecodeError:
            return None, "invalid UTF-16 text"
    if b"\x00" in data[:65536]:
        return None, "binary file (contains NUL bytes)"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        return (text, "") if _looks_like_text(text) else (None, "binary file (mostly control characters)")
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, ""
    return None, "not text: not UTF-8 and mostly unprintable in cp1252/Latin-1"


def _looks_like_text(text: str) -> bool:
    """True when under 10% of the characters are controls or unassigned: text has few, binary data many."""
    if not text:
        return True
    sample = text[:65536]
    bad = sum(1 for ch in sample if ch not in "\t\n\r\f" and unicodedata.category(ch) in ("Cc", "Cn", "Co"))
    return bad / len(sample) < 0.1


def strip_controls(text: str) -> str:
    """``text`` without control characters (except tab and newline), lone surrogates and zero-width marks."""
    return _JUNK.sub("", text)


def clean_line(text: str) -> str:
    """One line of text: controls dropped, every run of whitespace (newlines too) one space, trimmed."""
    return " ".join(_JUNK.sub("", text).split())


def clean_text(text: str) -> str:
    """A body: controls dropped, whitespace collapsed within lines, paragraphs separated by one blank line."""
    text = _JUNK.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n"))
    paragraphs = (" ".join(block.split()) for block in _BLANK_LINE.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def paragraphs_by_blank_lines(text: str) -> str:
    """Hard-wrapped text whose paragraphs are separated by blank lines; a text with no blank line at all
    has one paragraph per line (as the seed articles have)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if _BLANK_LINE.search(text):
        return clean_text(text)
    return clean_text(text.replace("\n", "\n\n"))


def paragraphs_by_indent(text: str) -> str:
    """Wire-service text: a line that starts with whitespace starts a new paragraph."""
    return clean_text(_INDENTED_LINE.sub("\n\n", _JUNK.sub("", text).replace("\r\n", "\n")))


def first_sentence(text: str) -> str:
    """The first sentence of the first paragraph, skipping abbreviations ("Maj. Gen.") and initials."""
    paragraph = clean_line(text.split("\n\n", 1)[0])
    for match in _SENTENCE_END.finditer(paragraph):
        words = paragraph[: match.start()].split()
        last = words[-1].lower().strip("\"'(\u2018\u201c") if words else ""
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue
        return paragraph[: match.end()]
    return paragraph


def shorten(text: str, limit: int = TITLE_CHARS) -> str:
    """``text`` on one line, cut at the last word boundary before ``limit`` with an ellipsis."""
    text = clean_line(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:-\u2013\u2014") + ELLIPSIS


def title_from_body(body: str) -> str:
    """A title for an article that has none: its first sentence, shortened."""
    return shorten(first_sentence(body), TITLE_CHARS)


def is_safe_id(value: str) -> bool:
    """Ids go into URLs (/article/<id>): only [A-Za-z0-9_.-], at most 64 characters, not "." or ".."."""
    return bool(_SAFE_ID.match(value)) and value.strip(".") != ""


def hashed_id(*parts: str) -> str:
    """A short, stable, URL-safe id: the first 16 hex digits of the SHA-1 of the parts."""
    digest = hashlib.sha1("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:16]


def safe_url(value: str) -> str:
    """``value`` if it is an absolute http(s) URL without spaces, else "" (no javascript: links)."""
    url = value.strip()
    if re.match(r"^https?://[^\s/?#]+[^\s]*$", url, re.IGNORECASE) and not _JUNK.search(url):
        return url
    return ""
