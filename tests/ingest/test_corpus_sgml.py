"""Reuters-21578 SGML: record fields, datelines, BRIEF/UNPROC records, truncation, and the shared copy."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from search.ingest import read_file
from search.ingest.sgml import read_reuters_labels, read_sgml
from search.models import Article

from sgml_samples import REUTERS_UNPROC
from support import REUTERS

RECORD = """<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="1" NEWID="{newid}">
<DATE>{date}</DATE>
<PLACES><D>japan</D><D>usa</D></PLACES>
<PEOPLE><D>nakasone</D></PEOPLE>
<TEXT>&#2;
<TITLE>JAPAN &amp; U.S. &lt;TALKS></TITLE>
<AUTHOR>    by A Writer, Reuters</AUTHOR>
<DATELINE>    TOKYO, March 3 - </DATELINE><BODY>Prime Minister Yasuhiro Nakasone said
talks would go on.
    He said Japan would   cut
tariffs.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
"""


def test_record_fields_exactly(tmp_path: Path) -> None:
    path = tmp_path / "one.sgm"
    path.write_bytes(RECORD.format(newid=42, date=" 3-MAR-1987 09:15:05.40&#5;&#5;&#5;RM").encode("latin-1"))
    result = read_file(path, tmp_path)
    assert result.problems == []
    assert result.articles == [
        Article(
            id="reuters-42",
            title="JAPAN & U.S. <TALKS>",
            body="TOKYO, March 3 - Prime Minister Yasuhiro Nakasone said talks would go on.\n\n"
            "He said Japan would cut tariffs.",
            published=datetime(1987, 3, 3, 9, 15, 5, 400000, tzinfo=timezone.utc),
            date_source="metadata",
            source="Reuters",
            path=str(path.resolve()),
        )
    ]


def test_brief_and_unproc_records_and_latin1(sample_corpus: Path) -> None:
    result = read_file(sample_corpus / "reuters-sample.sgm", sample_corpus)
    assert result.problems == []
    first, brief, unproc = result.articles
    assert first.body.endswith("Soci\u00e9t\u00e9 G\u00e9n\u00e9rale & other banks had been consulted.")
    assert (brief.id, brief.title, brief.body) == (
        "reuters-900002",
        "JAPAN FEBRUARY TRADE SURPLUS WIDENS TO 7.1 BILLION DLRS",
        "",
    )  # "Blah blah blah." dropped
    assert brief.published == datetime(1987, 3, 2, 9, 20, 11, 20000, tzinfo=timezone.utc)
    assert (unproc.title, unproc.body) == (
        "FEDERAL RESERVE WEEKLY REPORT - MARCH 2",
        "One week ended Feb 25 daily avgs-mlns\n\nBank borrowings...............680 vs.......425\n\n"
        "Excess reserves.............1,025 vs.....1,497",
    )


def test_wrapped_unproc_headlines_are_joined_and_the_empty_record_is_listed(tmp_path: Path) -> None:
    path = tmp_path / "unproc.sgm"
    path.write_bytes(REUTERS_UNPROC.encode("latin-1"))
    result = read_file(path, tmp_path)
    assert result.problems == [] and result.empty == ["NEWID 900105"]
    assert [(a.id, a.title, a.body) for a in result.articles] == [
        (
            "reuters-900101",
            "BAKER REAFFIRMS G-7 EXCHANGE RATE ACCORD",  # wrapped before the hyphen: glued back, no space
            "WASHINGTON, March 26 - Treasury Secretary James Baker told Congress the accord reached in Paris "
            "was working.\n\nHe gave no details.",
        ),
        ("reuters-900102", "S/P DOWNGRADES SWEDEN'S 12.5 BILLION U.S. DLRS OF LONG-TERM EXTERNAL DEBT", ""),
        (  # the headline runs into the dateline: the next line is story text, not headline
            "reuters-900103",
            "COTTON CROP SEEN LOWER AFTER DROUGHT LUSAKA, March 26",
            "- Zambia's cotton crop is likely to be smaller this year, the ministry said.",
        ),
        ("reuters-900104", "CBT 10:50 EDT", "WHEAT MAY7 287 3/4 UP 1 1/2 JUL7 273 1/2 UP 3/4"),  # a table
        ("reuters-900106", "U.K. CAR SALES ROSE IN MARCH - OFFICIAL", "LONDON, April 3 - Car sales rose."),
    ]


def test_truncated_file_keeps_complete_records(sample_corpus: Path) -> None:
    result = read_file(sample_corpus / "reuters-truncated.sgm", sample_corpus)
    assert [a.id for a in result.articles] == ["reuters-900011", "reuters-900012"]
    assert result.problems == ["record 3 (NEWID 900004): truncated, no closing </REUTERS>; skipped"]


def test_missing_date_and_newid(tmp_path: Path) -> None:
    text = RECORD.format(newid=1, date="garbage").replace(' NEWID="1"', "")
    records, problems = read_sgml(text.encode("latin-1"))
    assert (records[0].key, records[0].id, records[0].date, problems) == ("record 1", "", "", [])
    path = tmp_path / "x.sgm"
    path.write_text(text, encoding="latin-1")
    [article] = read_file(path, tmp_path).articles
    assert len(article.id) == 16 and (article.published, article.date_source) == (None, "")


@pytest.mark.parametrize(
    "content, problem",
    [
        (b'<!DOCTYPE lewis SYSTEM "lewis.dtd">\n', "no <REUTERS> records found"),
        (b"\x00\x01binary", "no <REUTERS> records found"),
    ],
)
def test_files_without_records(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.sgm"
    path.write_bytes(content)
    assert read_file(path, tmp_path).problems == [problem]


def test_labels_of_the_sample(sample_corpus: Path) -> None:
    assert read_reuters_labels(sample_corpus / "reuters-sample.sgm") == {
        "reuters-900001": {"places": ["west-germany", "usa"], "people": ["stoltenberg", "james-baker"]},
        "reuters-900002": {"places": ["japan"], "people": []},
        "reuters-900003": {"places": ["usa"], "people": []},
    }


@pytest.mark.slow
def test_shared_reuters_collection() -> None:
    files = sorted(REUTERS.glob("reut2-*.sgm"))
    assert len(files) == 22, f"the shared Reuters-21578 copy is missing at {REUTERS}"
    started = time.perf_counter()
    results = [read_file(path, REUTERS) for path in files]
    seconds = time.perf_counter() - started
    records = sum(len(read_sgml(path.read_bytes())[0]) for path in files)
    assert records == 21578
    articles = {a.id: a for r in results for a in r.articles}
    # one record (NEWID 12793, an UNPROC with no text at all) is empty: listed as such, not a problem
    assert len(articles) == 21577
    assert [p for r in results for p in r.problems] == []
    assert [e for r in results for e in r.empty] == ["NEWID 12793"]
    assert seconds < 5, f"parsing took {seconds:.1f} s"

    first = articles["reuters-1"]
    assert first.title == "BAHIA COCOA REVIEW"
    assert first.published == datetime(1987, 2, 26, 15, 1, 1, 790000, tzinfo=timezone.utc)
    assert first.date_source == "metadata" and first.source == "Reuters"
    assert first.body.startswith("SALVADOR, Feb 26 - Showers continued throughout the week in the Bahia cocoa zone")
    assert "\n\nThe dry period means the temporao will be late this year.\n\n" in first.body
    assert first.body.endswith("after carnival which ends midday on February 27.")
    assert articles["reuters-30"].title == "ASSETS OF MONEY MARKET MUTUAL FUNDS ROSE 720.4 MLN DLRS IN LATEST WEEK"
    assert articles["reuters-30"].body == ""
    assert all(a.published is not None and a.published.year == 1987 for a in articles.values())
    assert {a.date_source for a in articles.values()} == {"metadata"}
    # an UNPROC headline the wire wrapped before a hyphen, and a TITLE that runs on to the sign-off
    volcker = articles["reuters-10136"]
    assert volcker.title == "VOLCKER REAFFIRMS G-6 NEGOTIATING PROCESS"
    assert volcker.body.startswith("WASHINGTON, March 26 - Federal Reserve Board Chairman Paul Volcker urged")
    assert articles["reuters-19010"].title == "CANADA BUDGET DEFICIT DECLINE TO SLOW IN LATE 1980S - OFFICIAL"
    # its DATE is "31-MAR-1987 605:12:19.12": the broken time is dropped, the day kept
    assert articles["reuters-17192"].published == datetime(1987, 3, 31, tzinfo=timezone.utc)
    assert not any(ch in a.body + a.title for a in articles.values() for ch in "\x02\x03\x05\x1f\x7f")
    assert not any("&lt;" in a.body or "&amp;" in a.body for a in articles.values())

    labels: dict[str, dict[str, list[str]]] = {}
    for path in files:
        labels.update(read_reuters_labels(path))
    assert len(labels) == 21578
    assert labels["reuters-1"] == {"places": ["el-salvador", "usa", "uruguay"], "people": []}
