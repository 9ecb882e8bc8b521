"""IPTC NewsML-G2: a newsItem, a newsMessage of several, the agency's codes, broken and hostile documents.

The safety tests (billion laughs, XXE) live here and in test_feed.py / test_nitf.py: every XML format goes
through the same defusedxml parser, and each must refuse them before reading anything.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

from search.ingest import FileResult, discover, read_file
from search.ingest.base import hashed_id
from search.ingest.newsml import read_newsml
from search.ingest.xml import Code, NewsRecord, sniff
from search.models import Article

G2 = 'xmlns="http://iptc.org/std/nar/2006-10-01/"'
GUID = "urn:newsml:example.org:20200120:ecb-rates"

NEWS_ITEM = f"""<?xml version="1.0" encoding="UTF-8"?>
<newsItem {G2} guid="{GUID}" version="2" standard="NewsML-G2" standardversion="2.29" conformance="power"
  xml:lang="en">
  <catalogRef href="http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_36.xml"/>
  <rightsInfo><copyrightHolder literal="Example Wire"/></rightsInfo>
  <itemMeta>
    <itemClass qcode="ninat:text"/>
    <provider qcode="nprov:EXW"><name>Example Wire</name></provider>
    <versionCreated>2020-01-20T11:05:00Z</versionCreated>
    <firstCreated>2020-01-20T09:30:00+01:00</firstCreated>
    <pubStatus qcode="stat:usable"/>
  </itemMeta>
  <contentMeta>
    <contentCreated>2020-01-20T09:10:00+01:00</contentCreated>
    <located qcode="geo:2925533"><name>Frankfurt</name></located>
    <creator qcode="exwstaff:jdoe"><name>Jane Doe</name></creator>
    <subject type="cpnat:abstract" qcode="medtop:20000568"><name xml:lang="en">monetary policy</name></subject>
    <subject type="cpnat:person" qcode="exwp:lagarde-christine"><name>Christine Lagarde</name></subject>
    <subject type="cpnat:organisation" qcode="exwo:ecb"><name>European Central Bank</name>
      <broader qcode="exwo:eu"><name>European Union</name></broader></subject>
    <genre qcode="genre:Current"><name>Current</name></genre>
    <headline>ECB keeps rates on hold as Lagarde launches review</headline>
    <by>By Jane Doe</by>
    <dateline>FRANKFURT, Jan 20 (Example Wire)</dateline>
    <keyword>interest rates</keyword>
    <description role="drol:summary">The ECB held rates.</description>
  </contentMeta>
  <contentSet>
    <inlineXML contenttype="application/xhtml+xml">
      <html xmlns="http://www.w3.org/1999/xhtml"><head><title>ECB</title><style>p {{ color: red }}</style></head>
        <body><h1>ECB keeps rates on hold as Lagarde launches review</h1>
          <p>The European Central Bank left its interest rates unchanged on Monday, as
          President Christine Lagarde began a review of the bank's strategy.</p>
          <p>Economists had <b>widely</b> expected the decision.</p>
          <script>alert("no")</script>
        </body></html>
    </inlineXML>
  </contentSet>
</newsItem>
"""


def item(guid: str, headline: str, content: str, status: str = "stat:usable", created: str = "2020-01-21") -> str:
    return f"""<newsItem guid="{guid}" version="1" standard="NewsML-G2" standardversion="2.29">
  <itemMeta><itemClass qcode="ninat:text"/><provider literal="Example Wire"/>
    <versionCreated>{created}T08:00:00Z</versionCreated><pubStatus qcode="{status}"/></itemMeta>
  <contentMeta><headline>{headline}</headline></contentMeta>
  <contentSet>{content}</contentSet>
</newsItem>"""


def message(*items: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<newsMessage {G2}><header><sent>2020-01-21T08:00:00Z</sent>'
        f"</header><itemSet>{''.join(items)}</itemSet></newsMessage>"
    )


PLAIN = item(
    "urn:newsml:example.org:20200121:oil",
    "Oil prices steady",
    '<inlineData contenttype="text/plain">Crude oil prices were steady on Tuesday.\n\n'
    "Traders watched OPEC output figures.</inlineData>",
)
EMBEDDED_NITF = item(
    "urn:newsml:example.org:20200121:yen",
    "Japan steps up warnings on yen",
    '<inlineXML contenttype="application/nitf+xml"><nitf xmlns="http://iptc.org/std/NITF/2006-10-18/">'
    "<body><body.content><p>TOKYO - Japan's finance minister warned against rapid moves in the yen.</p>"
    '<p>He named <person idsrc="exw" value="aso-taro">Taro Aso</person> as his adviser.</p>'
    "</body.content></body></nitf></inlineXML>",
)
PACKAGE = (
    '<packageItem guid="urn:newsml:example.org:pkg:1" version="1" standard="NewsML-G2" standardversion="2.29">'
    '<itemMeta><itemClass qcode="ninat:composite"/><provider literal="Example Wire"/></itemMeta>'
    '<groupSet root="G1"><group id="G1" role="group:main"><itemRef residref="urn:newsml:example.org:20200121:oil"/>'
    "</group></groupSet></packageItem>"
)
CANCELED = item("urn:newsml:example.org:20200121:wrong", "Withdrawn story", "", status="stat:canceled")

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE newsItem [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x"><contentMeta><headline>&lol9;</headline>
</contentMeta></newsItem>
"""


def read(tmp_path: Path, content: str | bytes, name: str = "story.xml") -> FileResult:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return read_file(path, tmp_path)


def test_news_item_gives_headline_dateline_body_date_and_provider(tmp_path: Path) -> None:
    result = read(tmp_path, NEWS_ITEM)
    assert result.problems == [] and result.empty == []
    assert result.articles == [
        Article(
            id=hashed_id("id", GUID),  # the guid is not URL-safe: the policy hashes it, stably
            title="ECB keeps rates on hold as Lagarde launches review",
            body="FRANKFURT, Jan 20 (Example Wire) - The European Central Bank left its interest rates unchanged on "
            "Monday, as President Christine Lagarde began a review of the bank's strategy.\n\n"
            "Economists had widely expected the decision.",  # no <h1> repeat, no script, no style
            published=datetime(2020, 1, 20, 8, 30, tzinfo=timezone.utc),  # firstCreated, in UTC
            date_source="metadata",
            source="Example Wire",
            url="",
            path=str((tmp_path / "story.xml").resolve()),
            byline="By Jane Doe",  # kept with the article, not in its text
            codes=(
                Code("subject", "medtop:20000568", "monetary policy"),
                Code("person", "exwp:lagarde-christine", "Christine Lagarde"),
                Code("organisation", "exwo:ecb", "European Central Bank"),
                Code("genre", "genre:Current", "Current"),
                Code("place", "geo:2925533", "Frankfurt"),
                Code("keyword", "", "interest rates"),
            ),
        )
    ]


def test_byline_and_agency_codes_are_kept_in_the_record() -> None:
    [record], problems = read_newsml(NEWS_ITEM.encode())
    assert problems == [] and isinstance(record, NewsRecord)
    assert record.byline == "By Jane Doe"
    assert "Jane Doe" not in record.body  # the reporter is not a person the story names
    assert record.codes == (
        Code("subject", "medtop:20000568", "monetary policy"),
        Code("person", "exwp:lagarde-christine", "Christine Lagarde"),
        Code("organisation", "exwo:ecb", "European Central Bank"),  # not its broader concept's name
        Code("genre", "genre:Current", "Current"),
        Code("place", "geo:2925533", "Frankfurt"),
        Code("keyword", "", "interest rates"),
    )


def test_news_message_gives_one_article_per_item_and_lists_packages_and_cancellations_as_empty(
    tmp_path: Path,
) -> None:
    result = read(tmp_path, message(PLAIN, EMBEDDED_NITF, PACKAGE, CANCELED))
    assert result.problems == []
    assert [(a.title, a.body, a.source) for a in result.articles] == [
        ("Oil prices steady", "Crude oil prices were steady on Tuesday.\n\nTraders watched OPEC output figures.",
         "Example Wire"),
        ("Japan steps up warnings on yen", "TOKYO - Japan's finance minister warned against rapid moves in the yen.\n\n"
         "He named Taro Aso as his adviser.", "Example Wire"),
    ]  # fmt: skip
    assert result.articles[0].published == datetime(2020, 1, 21, 8, tzinfo=timezone.utc)  # versionCreated
    assert result.empty == [
        "packageItem urn:newsml:example.org:pkg:1 (a package: references to other items only)",
        "newsItem urn:newsml:example.org:20200121:wrong (canceled by the agency)",
    ]
    records, _ = read_newsml(message(EMBEDDED_NITF).encode())
    assert Code("person", "exw:aso-taro", "Taro Aso") in records[0].codes  # the embedded NITF's tagged name
    assert result.articles[1].codes == (Code("person", "exw:aso-taro", "Taro Aso"),)  # and in the article's
    assert (result.articles[0].byline, result.articles[0].codes) == ("", ())  # an item without either


def test_byline_falls_back_to_the_creators_and_is_one_line(tmp_path: Path) -> None:
    no_by = NEWS_ITEM.replace("<by>By Jane Doe</by>", "").replace(
        '<creator qcode="exwstaff:jdoe"><name>Jane Doe</name></creator>',
        '<creator qcode="exwstaff:jdoe"><name>Jane\n  Doe</name></creator><creator literal="Max Muster"/>',
    )
    [article] = read(tmp_path, no_by).articles
    assert article.byline == "Jane Doe, Max Muster"


def test_a_new_version_of_an_item_keeps_its_id(tmp_path: Path) -> None:
    first = read(tmp_path, message(PLAIN), "v1.xml").articles[0]
    second = read(tmp_path, message(PLAIN.replace("steady on Tuesday", "firm on Tuesday")), "v2.xml").articles[0]
    assert first.id == second.id == hashed_id("id", "urn:newsml:example.org:20200121:oil")
    assert first.body != second.body


def test_truncated_message_keeps_the_complete_items(tmp_path: Path) -> None:
    text = message(PLAIN, EMBEDDED_NITF)
    result = read(tmp_path, text[: text.index("Japan's finance")])
    assert [a.title for a in result.articles] == ["Oil prices steady"]
    [problem] = result.problems
    assert problem.startswith("malformed XML at line") and "kept the 1 complete item(s) before it" in problem


def test_truncated_item_is_reported_and_skipped(tmp_path: Path) -> None:
    result = read(tmp_path, NEWS_ITEM[:900])
    assert result.articles == []
    assert result.problems[0].startswith("malformed XML at line")


def test_wrong_roots_are_reported_and_skipped(tmp_path: Path) -> None:
    concept = f'<?xml version="1.0"?><conceptItem {G2} guid="c"/>'
    assert read(tmp_path, concept).problems == [
        "an IPTC G2 <conceptItem> holds no news story (expected NewsML-G2 newsItem/newsMessage/packageItem, NITF nitf, "
        "RSS rss, Atom feed or RSS 1.0 rdf:RDF); skipped"
    ]
    sitemap = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.b/</loc></url></urlset>'
    [problem] = read(tmp_path, sitemap, "sitemap-2020.xml").problems
    assert problem.startswith("not a news format: the root element is <urlset> in namespace")
    # a newsItem outside the IPTC namespace is not NewsML-G2
    assert sniff(b"<newsItem guid='x'/>")[0] == ""
    assert read(tmp_path, b"\x00\x01binary").problems  # not XML at all


def test_billion_laughs_is_refused_before_anything_expands(tmp_path: Path) -> None:
    started = time.perf_counter()
    result = read(tmp_path, BILLION_LAUGHS)
    assert time.perf_counter() - started < 1
    assert result.articles == []
    assert result.problems == [
        "refused: the document declares the XML entity 'lol' (entity declarations can expand without bound, the "
        "'billion laughs' attack, or read local files, XXE); news XML never needs them"
    ]


def test_external_entities_are_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE newsItem [<!ENTITY s SYSTEM "file://{secret}">]>'
        f'<newsItem {G2} guid="x"><contentMeta><headline>&s;</headline></contentMeta></newsItem>'
    )
    result = read(tmp_path, xxe)
    assert result.articles == [] and "refused" in result.problems[0]
    assert "TOP-SECRET" not in repr(result)


def test_xml_files_are_discovered_and_a_plain_doctype_is_fine(tmp_path: Path) -> None:
    (tmp_path / "wire").mkdir()
    (tmp_path / "wire" / "ecb.xml").write_text(NEWS_ITEM, encoding="utf-8")
    doctype = NEWS_ITEM.replace('<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE newsItem SYSTEM "g2.dtd">')
    (tmp_path / "wire" / "ecb2.xml").write_text(doctype, encoding="utf-8")
    found = [path.name for path, _ in discover([tmp_path])]
    assert found == ["ecb.xml", "ecb2.xml"]
    assert read_file(tmp_path / "wire" / "ecb2.xml", tmp_path).articles[0].title.startswith("ECB keeps rates")
