"""Publication dates: parse a metadata date string, or find the date an article states in its opening.

Both return timezone-aware UTC datetimes (a naive value is taken as UTC). A date is only accepted
when it names a year, a month and a day, and the year is 1800 or later, so a resolution number
("Resolution 1701"), a lone year or a phone number never becomes a date. Nothing is dated after the
day of indexing: a text date after today (UTC) is refused, and so is a metadata date more than one
day ahead (one day of slack for time zones east of UTC and clocks a little off). The file's
modification time is never used: it says when a file was copied, not when a story ran.

Where a text date may stand (unknown is better than wrong): the title, the dateline, and the lead.
A story states when it ran in its headline or dateline ("LONDON, December 10, 2018 (Reuters) -") and
tells the news in its lead, the first paragraph of one or two sentences; further down it cites other
days: deadlines ("by July 15, 2006"), history ("founded on March 3, 1920"), maturities, fiscal years.
The lead is the body's first paragraph, or its first two when the first is a short line (a byline, a
date line, a dateline on its own), and at most ``LEAD_CHARS`` (300) characters: Reuters-21578 first
paragraphs, dateline included, are 181 characters at the median and 245 or less for 90% of stories.
Even there a date is skipped when

* a word marking a limit, a period or an origin stands right before it ("due", "by", "until",
  "ended", "since", "effective", "as of", "founded", "born" ...), or
* the body opens with a dateline without a year ("BONN, March 2 -", as Reuters writes them) on
  another month and day: the story ran on the dateline's day, so the full date is another event.

A title or lead that names its day without a year ("... the army announced on December 10th") takes the year from
a full date of that same month and day further down (an embedded post signed "December 10, 2018"): the
lead says which day, the rest of the story only which year. A deadline or a date in history deep in the
body shares the lead's month and day only by chance.

Measured on Reuters-21578 with its DATE ignored: taking the first full date of the top 5,000
characters dated 1,231 stories, 8 of them right; these rules date 2, both wrong
(a headline's date half a year ahead, a retirement a year to the day after the dateline).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone

from dateutil import parser as date_parser
from dateutil import tz

logger = logging.getLogger(__name__)

MIN_YEAR = 1800
LEAD_CHARS = 300  # a text date must start within the body's first 300 characters ...
_SHORT_PARAGRAPH = 80  # ... and its first paragraph, or the first two when the first is shorter than this
_DATELINE_WINDOW = 60  # a dateline's date starts within this many characters of the body's start
_METADATA_SLACK = timedelta(days=1)  # a metadata date may be this far past now (time zones, clock skew)

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
_PLACE = r"[A-Z][A-Za-z .,'/&-]{0,40}"  # "LONDON", "PRINCETON, N.J.", "EDMONTON, ALBERTA"
_DATELINE_PREFIX = re.compile(rf"^\s*(?:{_PLACE}(?:\([^)]{{1,30}}\))?\s*,\s*)?$")
_DATELINE_SUFFIX = re.compile(r"^\s*(?:\([^)]{1,30}\)|/[^/]{1,30}/)?\s*[-\u2013\u2014]")
# Words that make the date after them a limit, a period or an origin, not the day the story ran:
# "due (on) May 1, 1994", "by July 15, 2006", "the year ended December 31, 1986", "founded on March 3,
# 1920", "shareholders of record as of April 1, 1987", "from March 1, 1987", "between ... and".
_CUE = (
    r"by|until|till|before|after|since|from|to|through|thru|between|and|due|deadline|expir\w*|effective"
    r"|ended|ending|ends?|starting|commencing|matur\w*|payable|paid|pay|record|redeem\w*|redemption"
    r"|callable|as\s+of|founded|established|formed|incorporated|born|died"
)
_WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+"
_NOT_PUBLICATION = re.compile(rf"\b(?:{_CUE})\W{{0,3}}(?:(?:on|of|in)\s+)?(?:{_WEEKDAY})?$", re.IGNORECASE)
# A dateline without a year ("BONN, March 2 - ..." in Reuters): the story ran that day, so a full date
# in the title or lead on another month and day is some other event.
_PARTIAL_DATELINE = re.compile(
    rf"^\s*{_PLACE},\s*({_MONTH})\.?\s+({_DAY})\s*(?:\([^)]{{1,30}}\))?\s*[-\u2013\u2014]",
    re.IGNORECASE,
)
# A day without a year in the lead: "December 10th", "10 December" (not followed by a year).
_PARTIAL_DATE = re.compile(
    rf"\b(?:({_MONTH})\.?\s+({_DAY})|({_DAY})\s+(?:of\s+)?({_MONTH}))\b(?!\.?,?\s+{_YEAR})", re.IGNORECASE
)
_YEAR_SCAN_CHARS = 5000  # where a full date may give a lead's day its year
_MONTHS = {name: number for number, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_REUTERS_DATE = re.compile(r"^\d{1,2}-[A-Za-z]{3}-\d{4}\s+\d{1,2}:\d{2}:\d{2}\.\d{1,6}$")
_EPOCH = re.compile(r"^-?\d{9,13}(?:\.\d+)?$")


def parse_metadata_date(value: str, now: datetime | None = None) -> datetime | None:
    """A date from a metadata field (ISO 8601, RFC 2822, Reuters' ``26-FEB-1987 15:01:01.79``,
    "December 10, 2018", epoch seconds or milliseconds) as aware UTC, or None when it is not a full
    date or is more than a day after ``now`` (default: the current time)."""
    return read_metadata_date(value, now)[0]


def read_metadata_date(value: str, now: datetime | None = None) -> tuple[datetime | None, str]:
    """``(date, "")`` as ``parse_metadata_date`` reads it, or ``(None, why not)``: "unrecognised" or "in
    the future" (more than a day after ``now``), for the problem report."""
    text = str(value).strip()
    moment = None
    if text and len(text) <= 100:
        moment = _from_epoch(float(text)) if _EPOCH.match(text) else _parse_exact(text) or _parse_full(text)
    if moment is None:
        return None, "unrecognised"
    if moment > (now or datetime.now(timezone.utc)) + _METADATA_SLACK:
        return None, "in the future"
    return moment, ""


def find_date_in_text(text: str, title: str = "", now: datetime | None = None) -> tuple[datetime | None, str]:
    """The publication date an article states: ``(date, "dateline")`` when the body opens with a
    dateline that has a full date, else ``(date, "text")`` for the first full date in the title or
    the lead that no cue word marks as another day, else ``(None, "")``. Dates after the day of
    ``now`` (default: today, UTC) are refused."""
    today = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).date()
    body = text or ""
    match = _FULL_DATE.search(body, 0, _DATELINE_WINDOW + 40)
    if (
        match
        and match.start() <= _DATELINE_WINDOW
        and _DATELINE_PREFIX.match(body[: match.start()])
        and _DATELINE_SUFFIX.match(body[match.end() :])
    ):
        moment = _parse_full(match.group(0))
        if moment is not None and moment.date() <= today:
            return moment, "dateline"
    day = _dateline_day(body)
    for source in (title or "", lead(body)):
        for match in _FULL_DATE.finditer(source):
            if _NOT_PUBLICATION.search(source, max(0, match.start() - 40), match.start()):
                continue
            moment = _parse_full(match.group(0))
            if moment is not None and moment.date() <= today and day in (None, (moment.month, moment.day)):
                return moment, "text"
    for opening in (title or "", lead(body)):
        moment = _lead_day_with_year(opening, body[:_YEAR_SCAN_CHARS], day)
        if moment is not None and moment.date() <= today:
            return moment, "text"
    return None, ""


def _lead_day_with_year(opening: str, body: str, dateline_day: tuple[int, int] | None) -> datetime | None:
    """A day the lead names without a year, dated by a full date of the same month and day in ``body``."""
    for match in _PARTIAL_DATE.finditer(opening):
        if _NOT_PUBLICATION.search(opening, max(0, match.start() - 40), match.start()):
            continue
        month_name, day_text = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        wanted = (_MONTHS[month_name[:3].lower()], int(re.sub(r"\D", "", day_text)))
        if dateline_day not in (None, wanted):
            continue
        for full in _FULL_DATE.finditer(body):
            if _NOT_PUBLICATION.search(body, max(0, full.start() - 40), full.start()):
                continue  # "founded on March 3, 1920": another day that happens to share month and day
            moment = _parse_full(full.group(0))
            if moment is not None and (moment.month, moment.day) == wanted:
                return moment
    return None


def _dateline_day(body: str) -> tuple[int, int] | None:
    """``(month, day)`` of a dateline without a year ("BONN, March 2 -"), or None when there is none."""
    match = _PARTIAL_DATELINE.match(body)
    if not match:
        return None
    return _MONTHS[match.group(1)[:3].lower()], int(re.sub(r"\D", "", match.group(2)))


def lead(body: str) -> str:
    """The part of a body where a publication date may stand: its first paragraph, or its first two when
    the first is shorter than 80 characters, cut at ``LEAD_CHARS``."""
    paragraphs = body.split("\n\n", 2)
    opening = paragraphs[0]
    if len(opening) < _SHORT_PARAGRAPH and len(paragraphs) > 1:
        opening = f"{opening}\n\n{paragraphs[1]}"
    return opening[:LEAD_CHARS]


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
    """``moment`` if its year is plausible for a news story (1800 or later; the callers refuse the future)."""
    return moment if moment.year >= MIN_YEAR else None
