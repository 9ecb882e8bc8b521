"""NITF: headline, dateline, date.issue, byline, body paragraphs and the agency's codes; broken documents."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from search.ingest import FileResult, read_file
from search.ingest.nitf import read_nitf
from search.ingest.xml import Code, NewsRecord
from search.models import Article

NITF = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE nitf SYSTEM "nitf-3-3.dtd">
<nitf version="-//IPTC//DTD NITF 3.3//EN">
  <head>
    <title>Merkel presents budget (web title)</title>
    <tobject tobject.type="news">
      <tobject.property tobject.property.type="current"/>
      <tobject.subject tobject.subject.ipr="IPTC" tobject.subject.refnum="04000000"
        tobject.subject.type="Economy, Business and Finance"/>
      <tobject.subject tobject.subject.refnum="11000000" tobject.subject.type="Politics"
        tobject.subject.matter="government budget"/>
    </tobject>
    <docdata>
      <doc-id regsrc="EXW" id-string="EXW-2019-03-14-0042"/>
      <urgency ed-urg="3"/>
      <date.issue norm="20190314T093000+0100"/>
      <doc.copyright year="2019" holder="Example Wire"/>
      <key-list><keyword key="budget"/></key-list>
      <identified-content>
        <person idsrc="EXW" value="merkel-angela">Angela Merkel</person>
        <org value="bundestag">Bundestag</org>
        <location>Berlin</location>
      </identified-content>
    </docdata>
    <pubdata type="web" date.publication="20190315T000000Z"/>
  </head>
  <body>
    <body.head>
      <hedline><hl1>Merkel defends German budget plan</hl1><hl2>Scholz says plan on track</hl2></hedline>
      <byline>By <person>Hans M\xfcller</person>, <byttl>Example Wire correspondent</byttl></byline>
      <dateline><location>BERLIN</location>, <story.date norm="20190314">March 14</story.date></dateline>
    </body.head>
    <body.content>
      <p>Chancellor <person idsrc="EXW" value="merkel-angela">Angela Merkel</person> on Thursday defended
      the budget plan before the Bundestag.</p>
      <block><p>Finance Minister Olaf Scholz said the plan was on track &amp; balanced.</p></block>
      <media media-type="image"><media-caption>The chancellor in Berlin.</media-caption></media>
    </body.content>
    <body.end><tagline>Reporting by Hans M\xfcller</tagline></body.end>
  </body>
</nitf>
"""


def read(tmp_path: Path, content: str | bytes, name: str = "budget.nitf") -> FileResult:
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1") if isinstance(content, str) else content)
    return read_file(path, tmp_path)


CODES = (  # the agency's codes of NITF above, in document order
    Code("subject", "IPTC:04000000", "Economy, Business and Finance"),
    Code("subject", "11000000", "government budget"),
    Code("person", "EXW:merkel-angela", "Angela Merkel"),
    Code("organisation", "bundestag", "Bundestag"),
    Code("place", "", "Berlin"),
    Code("keyword", "", "budget"),
)


def test_nitf_document_gives_one_article(tmp_path: Path) -> None:
    result = read(tmp_path, NITF)
    assert result.problems == []
    assert result.articles == [
        Article(
            id="EXW-2019-03-14-0042",  # the doc-id is URL-safe: kept as it is
            title="Merkel defends German budget plan",
            body="BERLIN, March 14 - Chancellor Angela Merkel on Thursday defended the budget plan before the "
            "Bundestag.\n\nFinance Minister Olaf Scholz said the plan was on track & balanced.\n\n"
            "The chancellor in Berlin.",
            published=datetime(2019, 3, 14, 8, 30, tzinfo=timezone.utc),  # date.issue, not the later pubdata
            date_source="metadata",
            source="Example Wire",
            url="",
            path=str((tmp_path / "budget.nitf").resolve()),
            byline="By Hans Müller, Example Wire correspondent",  # kept with the article, not in its text
            codes=CODES,
        )
    ]


def test_byline_and_codes_are_kept_in_the_record() -> None:
    [record], problems = read_nitf(NITF.encode("latin-1"))
    assert problems == [] and isinstance(record, NewsRecord)
    assert record.byline == "By Hans Müller, Example Wire correspondent"
    assert record.codes == CODES  # the name tagged in the text repeats the identified one: kept once


def test_nitf_is_sniffed_in_an_xml_file_too(tmp_path: Path) -> None:
    assert read(tmp_path, NITF, "budget.xml").articles[0].id == "EXW-2019-03-14-0042"


def test_fallbacks_head_title_and_abstract(tmp_path: Path) -> None:
    bare = (
        "<nitf><head><title>Storm closes schools</title><docdata><date.release norm='20200210'/></docdata></head>"
        "<body><body.head><abstract><p>Schools closed across Norway as a storm hit the coast.</p></abstract>"
        "</body.head></body></nitf>"
    )
    [article] = read(tmp_path, bare).articles
    assert (article.title, article.body) == (
        "Storm closes schools",
        "Schools closed across Norway as a storm hit the coast.",
    )
    assert article.published == datetime(2020, 2, 10, tzinfo=timezone.utc)
    assert len(article.id) == 16  # no doc-id: a hash of the file's path and position


def test_truncated_nitf_is_reported_and_skipped(tmp_path: Path) -> None:
    result = read(tmp_path, NITF[: NITF.index("<block>")])
    assert result.articles == []
    assert result.problems == [
        "malformed XML at line 36, column 7: the document ends before its root element is closed (truncated?)"
    ]


def test_entities_are_refused(tmp_path: Path) -> None:
    xxe = '<?xml version="1.0"?><!DOCTYPE nitf [<!ENTITY x SYSTEM "file:///etc/passwd">]><nitf><head/></nitf>'
    result = read(tmp_path, xxe)
    assert result.articles == [] and result.problems[0].startswith("refused: the document declares the XML entity 'x'")
