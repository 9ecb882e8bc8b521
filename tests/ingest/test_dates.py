"""Publication dates: metadata strings, datelines and dates in the title or lead, and what is not a date:
full dates deep in the body (deadlines, history), after a cue word ("due", "founded"), or after today."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from search.ingest.dates import LEAD_CHARS, find_date_in_text, parse_metadata_date, read_metadata_date

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


def test_seed_article_takes_its_lead_day_and_the_year_of_the_same_day_further_down() -> None:
    text = SEED.read_text(encoding="utf-8")
    # Its lead: "On December 11th, a delegation ... will visit Moscow ..., the Israeli Defense Forces announced
    # over Twitter on December 10th." The year comes from the quoted tweet below, "December 10, 2018"
    # (637 characters in); December 11th, the visit, has no full date of its own.
    assert find_date_in_text(text) == (utc(2018, 12, 10), "text")


@pytest.mark.parametrize(
    "text",
    [
        "The minister said on Tuesday, March 3, that talks were over. Founded on March 3, 1920, the firm grew.",
        "Talks resumed on March 3. Later paragraphs.\n\nThe accord must be signed by March 3, 2006.",
        "Talks between the two governments on a new trade accord resumed in Geneva on June 9.\n\n"
        "The last deal was struck on March 3, 1987.",
    ],
)
def test_a_lead_day_takes_no_year_from_a_deadline_history_or_another_day(text: str) -> None:
    assert find_date_in_text(text) == (None, "")


# -- where a text date may stand: the title, the dateline, the lead; never after today ---------------

NOW = utc(2004, 6, 1, 12)  # indexing "today" for the tests below: an undated story from 2004

# An undated 2004 story: its only full dates are a deadline and a founding date, far below the lead.
STORY_2004 = (
    "European leaders agree on new treaty text\n\n"
    "BRUSSELS - European Union leaders agreed on the text of a new constitutional treaty on Friday after "
    "two days of talks that ran late into the night, diplomats said.\n\n"
    "The text, which needs the approval of all 25 member states, was welcomed by the Irish presidency "
    "as a historic step for a union that grew by ten countries in May.\n\n"
    "Several governments have promised referendums, and diplomats warned that a single rejection could "
    "sink the whole project.\n\n"
    "Member states must ratify the treaty by July 15, 2006, officials said.\n\n"
    "The European Movement, founded on March 3, 1920 in The Hague, called the deal a victory."
)


def test_deadline_and_historical_date_deep_in_an_undated_story_are_not_its_date() -> None:
    title, _, body = STORY_2004.partition("\n\n")
    assert find_date_in_text(body, title, now=NOW) == (None, "")
    assert find_date_in_text(body, title) == (None, "")  # today's real date changes nothing


@pytest.mark.parametrize(
    "lead",
    [
        "Member states must ratify the treaty by July 15, 2006, the presidency said on Friday.",  # a deadline
        "The European Movement, founded on March 3, 1920 in The Hague, welcomed the treaty.",  # history
        "The 10-year bonds, due June 30, 2014, were priced at par, the lead manager said.",  # a maturity
        "Profit for the year ended December 31, 2003 rose 12 pct, the company said.",  # a fiscal period
        "Shareholders of record as of May 3, 2004 will receive the dividend.",
        "The offer runs until Monday, May 31, 2004, the bank said.",  # a weekday between cue and date
    ],
)
def test_a_date_in_the_lead_after_a_cue_word_is_another_day(lead: str) -> None:
    assert find_date_in_text(lead, now=NOW) == (None, "")


def test_a_date_in_the_lead_is_the_publication_date() -> None:
    body = "European Union leaders agreed on Friday, May 28, 2004, on the text of a new treaty.\n\nMore."
    assert find_date_in_text(body, now=NOW) == (utc(2004, 5, 28), "text")
    byline = "By Jane Doe\n\nLeaders met in Brussels on 28 May 2004 to agree the treaty text."
    assert find_date_in_text(byline, now=NOW) == (utc(2004, 5, 28), "text")  # a short first paragraph
    late = "Leaders met in Brussels to agree the treaty text after two days of talks, diplomats said."
    late += "\n\nOn 28 May 2004 ..."
    assert find_date_in_text(late, now=NOW) == (None, "")  # second paragraph after a full lead: too deep


def test_a_dateline_date_is_the_publication_date() -> None:
    body = "BRUSSELS, May 28, 2004 (Reuters) - European Union leaders agreed on the treaty text."
    assert find_date_in_text(body, now=NOW) == (utc(2004, 5, 28), "dateline")
    body = "PRINCETON, N.J., May 28, 2004 - Acme Corp said profit rose."  # a place with a comma
    assert find_date_in_text(body, now=NOW) == (utc(2004, 5, 28), "dateline")


def test_the_lead_ends_at_300_characters() -> None:
    words = "Leaders met in Brussels and talked for a long time about the text of the treaty " * 4
    body = f"{words.strip()} on May 28, 2004."
    assert len(words) > LEAD_CHARS and find_date_in_text(body, now=NOW) == (None, "")


def test_a_future_date_in_the_lead_or_dateline_is_refused() -> None:
    assert find_date_in_text("The summit opens on June 2, 2004 in Dublin.", now=NOW) == (None, "")
    assert find_date_in_text("DUBLIN, June 2, 2004 - Leaders met.", now=NOW) == (None, "")
    assert find_date_in_text("The summit opened on June 1, 2004 in Dublin.", now=NOW) == (utc(2004, 6, 1), "text")
    assert find_date_in_text("Lottery draw", title="Draw of 2 June 2004", now=NOW) == (None, "")


def test_a_reuters_dateline_day_rules_out_a_lead_date_on_another_day() -> None:
    other = "LONDON, March 23 - Midland Bank said it will repay the loan on April 27, 1987."
    same = "LONDON, March 23 - Midland Bank said on March 23, 1987 it will repay the loan."
    assert find_date_in_text(other) == (None, "")
    assert find_date_in_text(same) == (utc(1987, 3, 23), "text")


def test_metadata_dates_in_the_future_are_refused() -> None:
    assert parse_metadata_date("2004-06-02T08:00:00Z", now=NOW) == utc(2004, 6, 2, 8)  # within a day: time zones
    assert parse_metadata_date("2004-06-03", now=NOW) is None
    assert read_metadata_date("2004-06-03", now=NOW) == (None, "in the future")
    assert read_metadata_date("someday", now=NOW) == (None, "unrecognised")
    assert read_metadata_date("26-FEB-1987 15:01:01.79", now=NOW) == (utc(1987, 2, 26, 15, 1, 1, 790000), "")
