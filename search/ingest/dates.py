"""Publication dates: parse a metadata date string, or find an explicit full date in an article's text.

Both return timezone-aware UTC datetimes (a naive value is taken as UTC). A date is only accepted
when it names a year, a month and a day, and the year is plausible for news (1800 .. next year), so a
resolution number ("Resolution 1701"), a lone year or a phone number never becomes a date. The
file's modification time is never used: it says when a file was copied, not when a story ran.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone

from dateutil import parser as date_parser
from dateutil import tz

logger = logging.getLogger(__name__)

MIN_YEAR = 1800
_TEXT_SCAN_CHARS = 5000  # a publication date appears near the top; later dates are mostly events cited
_DATELINE_WINDOW = 60  # a dateline's date starts within this many characters of the body's start

# Common zone abbreviations, so "Mon, 10 Dec 2018 14:00:00 EST" is exact instead of a dateutil warning.
_TZINFOS = {
    "UTC": tz.UTC,
    "GMT": tz.UTC,
    "Z": tz.UTC,
    "EST": tz.tzoffset("EST", -5 * 3600),
    "EDT": tz.tzoffset("EDT", -4 * 3600),
    "CST": tz.tzoffset("CST", -6 * 3600),
    "CDT": tz.tzoffset("CDT", -5 * 3600),
    "MST": tz.tzoffset("MST", -7 * 3600),
    "MDT": tz.tzoffset("MDT", -6 * 3600),
    "PST": tz.tzoffset("PST", -8 * 3600),
    "PDT": tz.tzoffset("PDT", -7 * 3600),
    "BST": tz.tzoffset("BST", 3600),
    "CET": tz.tzoffset("CET", 3600),
    "CEST": tz.tzoffset("CEST", 7200),
}

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|2\d\d\d)"
# Only spelled-out months and ISO dates: "10/12/2018" is ambiguous (October or December?) so it is skipped.
_FULL_DATE = re.compile(
    rf"\b{_MONTH}\.?\s+{_DAY},?\s+{_YEAR}\b"  # December 10, 2018 / Dec. 10th 2018
    rf"|\b{_DAY}\s+(?:of\s+)?{_MONTH}\.?,?\s+{_YEAR}\b"  # 10 December 2018 / 10th of Dec 2018
    rf"|(?<![\d-]){_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?![\d-])",  # 2018-12-10
    re.IGNORECASE,
)
# A dateline: "LONDON, December 10, 2018 (Reuters) - ..." -- an optional place and comma before the
# date, then an optional "(Agency)" or "/PRNewswire/" and a dash after it.
_DATELINE_PREFIX = re.compile(r"^\s*(?:[A-Z][A-Za-z .'/&-]{0,40}(?:\([^)]{1,30}\))?\s*,\s*)?$")
_DATELINE_SUFFIX = re.compile(r"^\s*(?:\([^)]{1,30}\)|/[^/]{1,30}/)?\s*[-\u2013\u2014]")
_REUTERS_DATE = re.compile(r"^\d{1,2}-[A-Za-z]{3}-\d{4}\s+\d{1,2}:\d{2}:\d{2}\.\d{1,6}$")
_EPOCH = re.compile(r"^-?\d{9,13}(?:\.\d+)?$")


def parse_metadata_date(value: str) -> datetime | None:
    """A date from a metadata field (ISO 8601, RFC 2822, Reuters' ``26-FEB-1987 15:01:01.79``,
    "December 10, 2018", epoch seconds or milliseconds) as aware UTC, or None when it is not a full date."""
    text = str(value).strip()
    if not text or len(text) > 100:
        return None
    if _EPOCH.match(text):
        return _from_epoch(float(text))
    return _parse_exact(text) or _parse_full(text)


def find_date_in_text(text: str, title: str = "") -> tuple[datetime | None, str]:
    """The publication date an article states: ``(date, "dateline")`` when the body opens with a
    dateline that has a full date, else ``(date, "text")`` for the first full date in the title or the
    top of the body, else ``(None, "")``."""
    body = (text or "")[:_TEXT_SCAN_CHARS]
    match = _FULL_DATE.search(body, 0, _DATELINE_WINDOW + 40)
    if (
        match
        and match.start() <= _DATELINE_WINDOW
        and _DATELINE_PREFIX.match(body[: match.start()])
        and _DATELINE_SUFFIX.match(body[match.end() :])
    ):
        moment = _parse_full(match.group(0))
        if moment is not None:
            return moment, "dateline"
    for source in (title or "", body):
        for match in _FULL_DATE.finditer(source):
            moment = _parse_full(match.group(0))
            if moment is not None:
                return moment, "text"
    return None, ""


def _parse_exact(text: str) -> datetime | None:
    """Fast paths for the commonest forms (ISO 8601, Reuters' DATE); dateutil is ~20x slower and the
    Reuters collection alone has 21,578 dates."""
    try:
        return _checked(_to_utc(datetime.fromisoformat(text.replace("Z", "+00:00"))))
    except ValueError:
        pass
    if _REUTERS_DATE.match(text):
        try:
            return _checked(_to_utc(datetime.strptime(" ".join(text.split()), "%d-%b-%Y %H:%M:%S.%f")))
        except ValueError:  # %b is locale-dependent: let dateutil try
            return None
    return None


def _parse_full(text: str) -> datetime | None:
    """dateutil's reading of ``text`` if it names year, month and day; None otherwise.

    dateutil fills missing parts from a default date, so parsing with two different defaults and
    comparing tells whether the string itself had all three.
    """
    try:
        first = date_parser.parse(text, default=datetime(2000, 1, 1), tzinfos=_TZINFOS)
        second = date_parser.parse(text, default=datetime(2004, 2, 2), tzinfos=_TZINFOS)
    except (ValueError, OverflowError, TypeError) as exc:  # ParserError is a ValueError
        logger.debug("not a date: %r (%s)", text, exc)
        return None
    if first.date() != second.date():
        return None
    return _checked(_to_utc(first))


def _from_epoch(seconds: float) -> datetime | None:
    if abs(seconds) >= 1e11:  # 13-digit values are milliseconds (JavaScript timestamps)
        seconds /= 1000
    try:
        return _checked(datetime.fromtimestamp(seconds, tz=timezone.utc))
    except (OverflowError, OSError, ValueError):
        return None


def _to_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _checked(moment: datetime) -> datetime | None:
    """``moment`` if its year is plausible for a news story (1800 .. next year), else None."""
    latest = datetime.now(timezone.utc) + timedelta(days=366)
    if moment.year < MIN_YEAR or moment > latest:
        return None
    return moment
