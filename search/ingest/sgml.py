"""Reader for Reuters-21578 SGML files (``.sgm``): one record per ``<REUTERS>`` element.

A regex pass over the Latin-1 text, not an SGML/XML parser: the files are not well-formed XML (bare
``<`` in text, control-character entities) and the whole collection has to parse in a few seconds.
Each record gives the id ``reuters-<NEWID>``, the DATE as metadata (UTC), the TITLE, and a body that
starts with the DATELINE as the wire printed it ("SALVADOR, Feb 26 - Showers continued ...").
Records with no BODY (``TYPE="BRIEF"`` headlines, ``TYPE="UNPROC"`` tables) use their TEXT content;
a BRIEF's "Blah blah blah." placeholder is dropped. A record with no TITLE element (the UNPROC ones)
takes its first line as the title, with the lines that continue it when the wire wrapped the headline
(``_split_heading``: "VOLCKER REAFFIRMS G" / "-6 NEGOTIATING PROCESS" is one title). The editors'
PLACES / PEOPLE labels are not indexed; ``read_reuters_labels`` exposes them to tests and benchmarks.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from search.ingest.base import MAX_TITLE_CHARS, Record, clean_line, paragraphs_by_indent, strip_controls

SOURCE = "Reuters"
_RECORD_START = re.compile(r"<REUTERS\b([^>]*)>")
_RECORD_END = "</REUTERS>"
_NEWID = re.compile(r'\bNEWID="(\d+)"')
_DATE = re.compile(r"\d{1,2}-[A-Za-z]{3}-\d{4}(?:\s+[0-2]?\d:[0-5]\d:[0-5]\d(?:\.\d+)?\b)?")
_TAGS = {
    name: re.compile(rf"<{name}\b[^>]*>(.*?)</{name}>", re.DOTALL)
    for name in ("DATE", "TEXT", "TITLE", "DATELINE", "BODY", "AUTHOR", "PLACES", "PEOPLE")
}
_TEXT_TYPE = re.compile(r'<TEXT\b[^>]*\bTYPE="(\w+)"')
_D = re.compile(r"<D>(.*?)</D>", re.DOTALL)
_ANY_TAG = re.compile(r"</?[A-Z]+\b[^>]*>")
_PLACEHOLDER = re.compile(r"^\W*Blah blah blah\.?\W*$", re.IGNORECASE)
_MAX_HEADING_LINES = 3
# A line of a wrapped headline: capitals, digits and punctuation, single-spaced (a table row has lower
# case or columns, i.e. runs of spaces).
_HEADLINE_LINE = re.compile(r"^[^a-z\s](?:[^a-z\s]| (?! ))*$")
_WORD_END = re.compile(r"\w$")  # "G" + "-6 NEGOTIATING": the wire broke the line before a hyphen ...
_HYPHEN_START = re.compile(r"-\w")  # ... but "SALES" + "- OFFICIAL" is a dash between words


def read_sgml(data: bytes) -> tuple[list[Record], list[str]]:
    """Records from the bytes of a Reuters-21578 ``.sgm`` file; a truncated last record is a problem."""
    records: list[Record] = []
    problems: list[str] = []
    for position, (attrs, content) in enumerate(split_records(data.decode("latin-1"), problems), start=1):
        records.append(to_record(attrs, content, position))
    return records, problems


def split_records(text: str, problems: list[str]) -> list[tuple[str, str]]:
    """``(attributes, content)`` of every complete ``<REUTERS>`` element; incomplete ones go to problems."""
    starts = list(_RECORD_START.finditer(text))
    if not starts:
        problems.append("no <REUTERS> records found")
    records = []
    for i, start in enumerate(starts):
        stop = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        end = text.find(_RECORD_END, start.end(), stop)
        if end < 0:
            newid = _NEWID.search(start.group(1))
            problems.append(
                f"record {i + 1} (NEWID {newid.group(1) if newid else '?'}): truncated, no closing </REUTERS>; skipped"
            )
            continue
        records.append((start.group(1), text[start.end() : end]))
    return records


def to_record(attrs: str, content: str, position: int) -> Record:
    """One Record from a ``<REUTERS>`` element's attributes and content."""
    newid = _NEWID.search(attrs)
    title = clean_line(_drop_sign_off(_unescape(_field(content, "TITLE"))))  # 2 TITLEs run on to "Reuter"
    text = _raw_body(content)
    if not title:  # UNPROC records: their first line (or wrapped lines) is their heading
        title, text = _split_heading(text)
    dateline = clean_line(_unescape(_field(content, "DATELINE")))
    if dateline and text.strip():
        text = f"{dateline} {text.lstrip()}"
    return Record(
        key=f"NEWID {newid.group(1)}" if newid else f"record {position}",
        title=title,
        body=paragraphs_by_indent(text),
        date=_date(content),
        source=SOURCE,
        id=f"reuters-{newid.group(1)}" if newid else "",
    )


def _raw_body(content: str) -> str:
    """The BODY, or for BRIEF/UNPROC records the TEXT content without its tags; unescaped, no sign-off."""
    body = _field(content, "BODY")
    if not body:
        text = _field(content, "TEXT")
        for name in ("TITLE", "AUTHOR", "DATELINE"):
            text = _TAGS[name].sub("", text)
        body = _ANY_TAG.sub("", text)
    body = _drop_sign_off(strip_controls(_unescape(body)).replace("*" * 6, ""))
    return "" if _PLACEHOLDER.match(body) else body


def _split_heading(text: str) -> tuple[str, str]:
    """``(heading, the rest)``: the first non-blank line, joined with the lines that continue it.

    The wire wraps a long headline onto a second (rarely a third) line at the left margin, while a
    story's paragraphs start indented; so the following lines are the headline's when they are headline
    lines (capitals, single spaces) and the next line is indented, blank or the end. Tables and a first
    line that runs into the dateline ("... HARARE, March 3" / "- Zimbabwe's maize crop ...") do not
    qualify and keep their first line alone. A line that starts with a hyphen glued to a word ("-6") is
    joined without a space.
    """
    lines = text.strip("\n").split("\n")
    count = 1
    if _HEADLINE_LINE.match(lines[0].strip()):
        while count < min(len(lines), _MAX_HEADING_LINES) and _HEADLINE_LINE.match(lines[count].rstrip()):
            count += 1
        ends = count == len(lines) or not lines[count].strip() or lines[count][:1].isspace()
        if not ends:
            count = 1
    heading = clean_line(lines[0])
    for line in lines[1:count]:
        line = clean_line(line)
        heading += line if _HYPHEN_START.match(line) and _WORD_END.search(heading) else f" {line}"
    if len(heading) > MAX_TITLE_CHARS:
        heading, count = clean_line(lines[0]), 1
    return heading, "\n".join(lines[count:])


def _drop_sign_off(body: str) -> str:
    """The body without the wire's closing "Reuter" / "REUTER" (it ends every story, so it only adds noise)."""
    stripped = body.rstrip()
    if stripped[-6:].upper() == "REUTER" and not stripped[-7:-6].isalnum():
        return stripped[:-6]
    return body


def _date(content: str) -> str:
    """The DATE field's date and time. Some carry trailing junk ("27-MAR-1987 00:02:59.13&#5;&#5;RM"),
    one a broken time ("31-MAR-1987 605:12:19.12"): then only the day is kept."""
    match = _DATE.search(_field(content, "DATE"))
    return match.group(0) if match else ""


def _field(content: str, name: str) -> str:
    match = _TAGS[name].search(content)
    return match.group(1) if match else ""


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def read_reuters_labels(path: Path) -> dict[str, dict[str, list[str]]]:
    """The editors' labels of every record in one ``.sgm`` file: ``{"reuters-1": {"places": [...],
    "people": [...]}}`` (lower-case codes such as "usa", "james-baker"); for benchmarks, never indexed."""
    labels: dict[str, dict[str, list[str]]] = {}
    for attrs, content in split_records(Path(path).read_bytes().decode("latin-1"), []):
        newid = _NEWID.search(attrs)
        if newid:
            labels[f"reuters-{newid.group(1)}"] = {
                "places": _D.findall(_field(content, "PLACES")),
                "people": _D.findall(_field(content, "PEOPLE")),
            }
    return labels
