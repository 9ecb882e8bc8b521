"""RSS 2.0, Atom and RSS 1.0 files through feedparser: one article per entry, stable ids, text without markup."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from search.ingest import FileResult, read_file
from search.ingest.base import hashed_id
from search.ingest.feed import read_feed
from search.ingest.xml import Code

RSS_ITEMS = {
    "budget": """<item>
      <title>Merkel defends budget &amp; plan</title>
      <link>https://news.example.org/2019/03/merkel-budget</link>
      <guid isPermaLink="false">example-wire-2019-0314-0042</guid>
      <pubDate>Thu, 14 Mar 2019 09:30:00 +0100</pubDate>
      <author>desk@example.org (Hans Müller)</author>
      <category>Politics</category>
      <description>&lt;p&gt;Chancellor &lt;b&gt;Angela Merkel&lt;/b&gt; defended the budget plan.&lt;/p&gt;
        &lt;p&gt;Finance Minister Olaf Scholz said it was on track.&lt;/p&gt;
        &lt;script&gt;evil()&lt;/script&gt;</description>
    </item>""",
    "yen": """<item>
      <title>Japan steps up warnings on yen</title>
      <link>/2019/03/yen</link>
      <description>Japan's finance minister warned against rapid moves in the yen.</description>
      <pubDate>Fri, 15 Mar 2019 01:00:00 GMT</pubDate>
    </item>""",
    "new": """<item>
      <title>Oil prices steady</title>
      <link>https://news.example.org/2019/03/oil</link>
      <guid>https://news.example.org/2019/03/oil</guid>
      <description>Crude oil prices were steady.</description>
    </item>""",
}


def rss(*names: str, extra: str = "") -> str:
    items = "".join(RSS_ITEMS[name] for name in names)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Example Wire</title>'
        f"<link>https://news.example.org/</link><description>News</description>{extra}{items}</channel></rss>\n"
    )


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Desk</title><id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2020-01-21T10:00:00Z</updated><link href="https://atom.example.org/"/>
  <entry>
    <title type="html">Storm hits &lt;em&gt;Norway&lt;/em&gt; coast</title>
    <id>tag:atom.example.org,2020:storm</id>
    <link rel="alternate" href="https://atom.example.org/storm"/>
    <published>2020-02-10T07:00:00+01:00</published><updated>2020-02-10T12:00:00Z</updated>
    <author><name>Kari Nordmann</name></author>
    <category term="weather" scheme="https://atom.example.org/topics" label="Weather"/>
    <summary>A storm hit Norway.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>A powerful storm hit the coast of
      Norway on Monday.</p><p>Schools closed near Bergen.</p></div></content>
  </entry>
  <entry>
    <title>Council vote</title><id>tag:atom.example.org,2020:council</id>
    <updated>2020-03-04T18:00:00Z</updated><content type="text">The city council voted.</content>
  </entry>
</feed>
"""

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example.org/"><title>RDF Wire</title><link>https://rdf.example.org/</link>
    <description>d</description></channel>
  <item rdf:about="https://rdf.example.org/a"><title>Brazil central bank holds rates</title>
    <link>https://rdf.example.org/a</link><description>The Central Bank of Brazil held rates.</description>
    <dc:date>2020-03-18T21:00:00Z</dc:date></item>
</rdf:RDF>
"""


def read(tmp_path: Path, content: str | bytes, name: str = "wire.rss") -> FileResult:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return read_file(path, tmp_path)


def test_rss_items_become_articles(tmp_path: Path) -> None:
    result = read(tmp_path, rss("budget", "yen"))
    assert result.problems == []
    budget, yen = result.articles
    assert budget.id == "example-wire-2019-0314-0042"  # a URL-safe guid is the id
    assert budget.title == "Merkel defends budget & plan"
    assert budget.body == (
        "Chancellor Angela Merkel defended the budget plan.\n\nFinance Minister Olaf Scholz said it was on track."
    )  # markup and script gone
    assert (budget.published, budget.date_source) == (datetime(2019, 3, 14, 8, 30, tzinfo=timezone.utc), "metadata")
    assert (budget.source, budget.url) == ("Example Wire", "https://news.example.org/2019/03/merkel-budget")
    # no guid: the link is the id; a relative link is resolved against the channel's <link>
    assert yen.url == "https://news.example.org/2019/03/yen"
    assert yen.id == hashed_id("id", "https://news.example.org/2019/03/yen")


def test_ids_stay_when_the_feed_moves_on(tmp_path: Path) -> None:
    before = {a.title: a.id for a in read(tmp_path, rss("budget", "yen"), "a.rss").articles}
    after = {a.title: a.id for a in read(tmp_path, rss("new", "budget"), "b.xml").articles}
    assert after["Merkel defends budget & plan"] == before["Merkel defends budget & plan"]
    assert set(after) == {"Oil prices steady", "Merkel defends budget & plan"}


def test_author_and_categories_are_kept_in_the_record() -> None:
    records, _ = read_feed(ATOM.encode())
    assert records[0].byline == "Kari Nordmann"  # type: ignore[attr-defined]
    assert records[0].codes == (Code("category", "weather", "Weather"),)  # type: ignore[attr-defined]
    records, _ = read_feed(rss("budget").encode())
    assert records[0].codes == (Code("category", "", "Politics"),)  # type: ignore[attr-defined]


def test_author_and_categories_reach_the_article(tmp_path: Path) -> None:
    storm = read(tmp_path, ATOM, "desk.atom").articles[0]
    assert (storm.byline, storm.codes) == ("Kari Nordmann", (Code("category", "weather", "Weather"),))
    budget, yen = read(tmp_path, rss("budget", "yen")).articles
    assert budget.byline == "Hans Müller"  # not RSS's "desk@example.org (Hans Müller)"
    assert budget.codes == (Code("category", "", "Politics"),)
    assert (yen.byline, yen.codes) == ("", ())
    two = ATOM.replace(
        "<author><name>Kari Nordmann</name></author>",
        "<author><name>Kari Nordmann</name></author>"
        "<author><email>desk@atom.example.org</email></author><author><name>Ola</name></author>",
    )
    assert read(tmp_path, two, "two.atom").articles[0].byline == "Kari Nordmann, Ola"
    email_only = rss("budget").replace("desk@example.org (Hans Müller)", "desk@example.org")
    assert read(tmp_path, email_only, "email.rss").articles[0].byline == "desk@example.org"


def test_atom_entries(tmp_path: Path) -> None:
    result = read(tmp_path, ATOM, "desk.atom")
    assert result.problems == []
    storm, council = result.articles
    assert storm.title == "Storm hits Norway coast"
    assert storm.body == "A powerful storm hit the coast of Norway on Monday.\n\nSchools closed near Bergen."
    assert storm.published == datetime(2020, 2, 10, 6, tzinfo=timezone.utc)  # published before updated
    assert (storm.source, storm.url) == ("Atom Desk", "https://atom.example.org/storm")
    assert storm.id == hashed_id("id", "tag:atom.example.org,2020:storm")
    assert council.published == datetime(2020, 3, 4, 18, tzinfo=timezone.utc)  # updated, as it has no published
    assert council.body == "The city council voted."


def test_rss_1_rdf(tmp_path: Path) -> None:
    [article] = read(tmp_path, RDF, "rdf.xml").articles
    assert (article.title, article.source) == ("Brazil central bank holds rates", "RDF Wire")
    assert article.published == datetime(2020, 3, 18, 21, tzinfo=timezone.utc)


def test_not_well_formed_feed_is_read_leniently_and_reported(tmp_path: Path) -> None:
    sloppy = rss("budget", "yen").replace("Japan's finance minister", "Japan's&nbsp;finance minister")
    result = read(tmp_path, sloppy)
    assert len(result.articles) == 2
    [problem] = result.problems
    assert problem.startswith("malformed XML at line") and "undefined entity" in problem and "read leniently" in problem


def test_truncated_feed_keeps_its_complete_entries(tmp_path: Path) -> None:
    text = rss("budget", "yen")
    result = read(tmp_path, text[: text.index("rapid moves")])
    assert [a.title for a in result.articles] == ["Merkel defends budget & plan"]
    [problem] = result.problems
    assert problem.startswith("truncated feed (malformed XML") and problem.endswith("kept its 1 complete entries")


def test_broken_beyond_reading_is_skipped(tmp_path: Path) -> None:
    result = read(tmp_path, '<?xml version="1.0"?><rss version="2.0"><channel><title>x</ti')
    assert result.articles == [] and result.problems[-1] == "no entries could be read"


def test_billion_laughs_in_a_feed_is_refused(tmp_path: Path) -> None:
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{laughs}]>' + rss("budget").split("?>", 1)[1]
    bomb = bomb.replace("Merkel defends", "&l9; Merkel defends")
    result = read(tmp_path, bomb)
    assert result.articles == [] and result.problems[0].startswith("refused: the document declares the XML entity")
