"""Publication dates: metadata strings, datelines and explicit dates in the text, and what is not a date."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from search.ingest.dates import find_date_in_text, parse_metadata_date

from support import SHARED

SEED = SHARED / "corpora" / "seed" / "000_f00f6371fd1e7e98.txt"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2018-12-10", utc(2018, 12, 10)),
        ("2018-12-10T10:30:00Z", utc(2018, 12, 10, 10, 30)),
        ("2018-12-10T10:30:00+02:00", utc(2018, 12, 10, 8, 30)),
        ("2018-12-10 10:30", utc(2018, 12, 10, 10, 30)),  # naive = UTC
        ("20181210", utc(2018, 12, 10)),
        ("Mon, 10 Dec 2018 14:00:00 +0000", utc(2018, 12, 10, 14)),
        ("Mon, 10 Dec 2018 14:00:00 EST", utc(2018, 12, 10, 19)),
        ("Wed, 18 Mar 2020 21:00:00 -0300", utc(2020, 3, 19)),
        ("26-FEB-1987 15:01:01.79", utc(1987, 2, 26, 15, 1, 1, 790000)),
        ("3-MAR-1987  09:15:05.40", utc(1987, 3, 3, 9, 15, 5, 400000)),
        ("December 10, 2018", utc(2018, 12, 10)),
        ("Dec. 10th 2018", utc(2018, 12, 10)),
        ("10 December 2018", utc(2018, 12, 10)),
        ("  2018-12-10  ", utc(2018, 12, 10)),
        ("1544400000", utc(2018, 12, 10)),  # epoch seconds
        ("1544400000.5", utc(2018, 12, 10, 0, 0, 0, 500000)),
        ("1544400000000", utc(2018, 12, 10)),  # epoch milliseconds
    ],
)
def test_parse_metadata_date(value: str, expected: datetime) -> None:
    assert parse_metadata_date(value) == expected
    assert parse_metadata_date(value).tzinfo == timezone.utc


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "2018",
        "2018-12",
        "March 2018",
        "December 10",
        "yesterday",
        "someday soon",
        "n/a",
        "2018-02-30",
        "2018-13-01",
        "1700-01-01",
        "3000-01-01",
        "31-MAR-1987 605:12:19.12",
        "x" * 500,
    ],
)
def test_parse_metadata_date_rejects_partial_or_implausible_dates(value: str) -> None:
    assert parse_metadata_date(value) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("LONDON, December 10, 2018 (Reuters) - The Bank of England", (utc(2018, 12, 10), "dateline")),
        ("NEW YORK, Dec. 3, 2019 /PRNewswire/ -- Acme Corp said", (utc(2019, 12, 3), "dateline")),
        ("TOKYO, October 2, 2018 - Japan's finance minister", (utc(2018, 10, 2), "dateline")),
        ("10 December 2018 \u2014 Ministers met", (utc(2018, 12, 10), "dateline")),
        ("On December 10, 2018 the ministers met.", (utc(2018, 12, 10), "text")),
        ("The accord was signed on 5 June 2021 in Nairobi.", (utc(2021, 6, 5), "text")),
        ("The report (dated 2019-04-01) was published.", (utc(2019, 4, 1), "text")),
        ("The 10th of March, 2015 was a Tuesday.", (utc(2015, 3, 10), "text")),
    ],
)
def test_find_date_in_text(text: str, expected: tuple[datetime, str]) -> None:
    assert find_date_in_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "TOKYO, March 3 - The yen rose.",  # Reuters dateline: no year
        "In 2018 prices rose; in March 2019 they fell.",  # years and months alone
        "Resolution 1701 of the UN Security Council.",  # a resolution number is not a year
        "Call 555-1234 or 1-800-555-0199 for details.",  # phone numbers
        "Order no. 2018-12345 shipped.",
        "It happened on December 10th and again on December 11th.",  # no year
        "Scheduled for June 4, 2999 by the committee.",  # far future
        "Built on May 1, 1701 by settlers.",  # before 1800
        "Meet 12/10/2018 at noon.",  # ambiguous day/month order: not guessed
    ],
)
def test_find_date_in_text_finds_no_false_dates(text: str) -> None:
    assert find_date_in_text(text) == (None, "")


def test_dateline_needs_a_dash_after_the_date() -> None:
    # "On" + date at the start is a sentence, not a dateline
    assert find_date_in_text("On December 10, 2018, officials said") == (utc(2018, 12, 10), "text")


def test_title_date_is_used_when_the_body_has_none() -> None:
    assert find_date_in_text("Ministers met.", title="Minutes of 4 March 2020") == (utc(2020, 3, 4), "text")


def test_first_full_date_wins() -> None:
    text = "Talks began on 1 May 2019. A first round had been held on 3 April 2018."
    assert find_date_in_text(text) == (utc(2019, 5, 1), "text")


def test_seed_article_date_comes_from_its_text() -> None:
    text = SEED.read_text(encoding="utf-8")
    # "December 11th" and "December 10th" have no year and "Resolution 1701" is no date:
    # the first full date is the embedded tweet's "December 10, 2018".
    assert find_date_in_text(text) == (utc(2018, 12, 10), "text")
