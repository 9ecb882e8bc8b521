"""What the tests share that is not a fixture: paths, NLTK data, inline articles and index writing.

Indexes are built the way the indexer builds them: ``search.indexing.document.to_document(article, entities)``
then ``writer.update_document(**doc)``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REUTERS = SHARED / "corpora" / "reuters21578"
DATA = ROOT / "tests" / "data"
NLTK_DATA = SHARED / "nltk_data"
# Set before any test module imports nltk: nltk reads NLTK_DATA once, when it is first imported.
os.environ["NLTK_DATA"] = str(NLTK_DATA)

from search.indexing.document import to_document  # noqa: E402
from search.indexing.schema import ID_FIELD, make_schema  # noqa: E402
from search.models import Article, Entities, Mention, SearchRequest  # noqa: E402
from search.retrieve.index import NewsIndex, open_index  # noqa: E402


def article(
    id: str,
    title: str,
    body: str,
    published: str | None = "1987-03-02",
    persons: tuple[str, ...] = (),
    countries: tuple[str, ...] = (),
    orgs: tuple[str, ...] = (),
) -> tuple[Article, Entities]:
    """One inline test article and its entities (``published`` is an ISO date, UTC, or None).

    The story is about the first person and the first country it names, and every organisation.
    """
    moment = datetime.fromisoformat(published).replace(tzinfo=timezone.utc) if published else None
    return (
        Article(
            id=id,
            title=title,
            body=body,
            published=moment,
            date_source="metadata" if moment else "",
            source="Test Wire",
            url=f"https://example.com/{id}",
            path=f"{id}.txt",
        ),
        Entities(
            persons=persons,
            countries=countries,
            orgs=orgs,
            about={"person": persons[:1], "country": countries[:1], "org": orgs},
        ),
    )


def write_articles(directory: Path, records: Iterable[tuple[Article, Entities]]) -> NewsIndex:
    """Create (or add to) the index in ``directory`` with ``records``; returns it opened."""
    directory.mkdir(parents=True, exist_ok=True)
    if whoosh_index.exists_in(str(directory)):
        ix = whoosh_index.open_dir(str(directory))
    else:
        ix = whoosh_index.create_in(str(directory), make_schema())
    with ix.writer() as writer:
        for art, ents in records:
            writer.update_document(**to_document(art, ents))
    ix.close()
    return open_index(directory)


WIRE_STORY = (
    "The Bundesbank left its credit policies unchanged after its regular council meeting, a "
    "spokesman said. The central bank kept the discount rate at three pct and the Lombard rate at "
    "five pct. Dealers said the decision had been widely expected in the money market, which had "
    "priced in steady rates for the coming weeks, and the mark firmed slightly against the dollar "
    "after the announcement in Frankfurt."
)


def small_articles() -> list[tuple[Article, Entities]]:
    """A dozen articles covering the cases the searcher cares about (see each one's comment)."""
    return [
        # a title match on "volcker" and plenty of mentions
        article(
            "a1",
            "Volcker warns on dollar",
            "Federal Reserve chairman Paul Volcker said the dollar has "
            "fallen far enough. Volcker told Congress that a further decline could hurt the economy.",
            "1987-02-20",
            persons=("Paul Volcker",),
            countries=("United States",),
            orgs=("Federal Reserve",),
        ),
        # a passing body mention of volcker
        article(
            "a2",
            "Oil prices steady in quiet trade",
            "Crude oil prices were steady. Traders mostly ignored "
            "remarks by Volcker and watched OPEC output figures instead. Oil rose ten cents.",
            "1987-03-03",
            persons=("Paul Volcker",),
            countries=("United States", "Saudi Arabia"),
            orgs=("OPEC",),
        ),
        article(
            "a3",
            "OPEC ministers meet in Vienna",
            "OPEC oil ministers met in Vienna to discuss output "
            "quotas. Saudi Arabia's Hisham Nazer said prices must hold at 18 dlrs.",
            "1987-03-10",
            persons=("Hisham Nazer",),
            countries=("Saudi Arabia", "Austria"),
            orgs=("OPEC",),
        ),
        article(
            "a4",
            "Japan trade surplus widens",
            "Japan's trade surplus widened in February, the finance "
            "ministry said. Exports to the United States rose sharply.",
            "1987-03-15",
            countries=("Japan", "United States"),
        ),
        article(
            "a5",
            "Putin meets Netanyahu",
            "Vladimir Putin met Benjamin Netanyahu in Moscow. Netanyahu said "
            "the talks were useful. Putin did not comment.",
            "2015-09-21",
            persons=("Vladimir Putin", "Benjamin Netanyahu"),
            countries=("Russia", "Israel"),
        ),
        article(
            "a6",
            "Netanyahu visits Washington",
            "Israeli Prime Minister Benjamin Netanyahu arrived in Washington for talks on trade and security.",
            "2015-11-09",
            persons=("Benjamin Netanyahu",),
            countries=("Israel", "United States"),
        ),
        # the same wire story twice (near-duplicates), different ids
        article(
            "d1",
            "Bundesbank leaves credit policies unchanged",
            WIRE_STORY,
            "1987-03-05",
            countries=("West Germany",),
            orgs=("Bundesbank",),
        ),
        article(
            "d2",
            "Bundesbank leaves credit policies unchanged",
            WIRE_STORY.replace("Frankfurt", "Frankfurt."),
            "1987-03-05",
            countries=("West Germany",),
            orgs=("Bundesbank",),
        ),
        # hostile text: markup and entities must come out escaped
        article(
            "x1",
            "Markup <b>test</b>",
            'Analysts said <script>alert("x")</script> the market & oil '
            '<img src=x onerror=alert(1)> rose; O\'Brien said &amp; "quoted" oil is fine.',
            "1987-04-01",
            countries=("United Kingdom",),
        ),
        # no date
        article(
            "u1",
            "Undated coffee report",
            "Coffee prices rose in Brazil on frost fears, traders said.",
            None,
            countries=("Brazil",),
        ),
        # a long body whose only match lies far beyond 32,768 characters
        article(
            "l1",
            "Long report on grain",
            "Filler sentence about the weather. " * 1200 + "Finally the zanzibar clove harvest was mentioned here.",
            "1987-05-01",
            countries=("Tanzania",),
        ),
        article(
            "t1",
            "Sugar quota talks",
            "Delegates discussed the international agreement at length.",
            "1987-03-20",
            orgs=("ISO",),
        ),
    ]


WEB_XSS_ID = "xss-1"
WEB_XSS_TITLE = "<script>alert('title')</script> Tom & Jerry &amp; \"quotes\""
WEB_XSS_PERSON = "<img src=x onerror=alert(2)> Evil"
WEB_XSS_ORG = '"><script>alert(3)</script>'


def _web_article(
    doc_id: str,
    title: str,
    body: str,
    day: tuple[int, int, int],
    persons: Iterable[str] = (),
    countries: Iterable[str] = (),
    orgs: Iterable[str] = (),
    mentions: Iterable[tuple[str, str, str]] = (),
    url: str = "",
    source: str = "Reuters",
    passing: Iterable[str] = (),
) -> tuple[Article, Entities]:
    """A web test article whose entities carry mentions (the article page links them). The story is about
    every entity it names but the ``passing`` ones."""
    article = Article(
        id=doc_id,
        title=title,
        body=body,
        published=datetime(*day, 12, 0, tzinfo=timezone.utc),
        date_source="metadata",
        source=source,
        url=url,
        path=f"web/{doc_id}.txt",
    )
    named = {"person": tuple(persons), "country": tuple(countries), "org": tuple(orgs)}
    entities = Entities(
        persons=named["person"],
        countries=named["country"],
        orgs=named["org"],
        about={name: tuple(v for v in values if v not in passing) for name, values in named.items()},
        mentions=tuple(Mention(*m) for m in mentions),
    )
    return article, entities


def web_articles() -> list[tuple[Article, Entities]]:
    """Eight small stories with known entities, one full of markup that must come out escaped."""
    return [
        _web_article(
            "fed-1",
            "Volcker says Fed will hold interest rates",
            "Federal Reserve chairman Paul Volcker said the U.S. central bank would hold interest "
            "rates steady.\n    Volcker told Congress inflation was under control.",
            (1987, 2, 3),
            ["Paul Volcker"],
            ["United States"],
            ["Federal Reserve"],
            [
                ("Paul Volcker", "person", "Paul Volcker"),
                ("Volcker", "person", "Paul Volcker"),
                ("Federal Reserve", "org", "Federal Reserve"),
                ("U.S.", "country", "United States"),
            ],
            url="https://example.com/news/fed-1",
        ),
        _web_article(
            "baker-1",
            "Baker meets Japanese finance minister on the dollar",
            "Treasury Secretary James Baker met Japan's finance minister Kiichi Miyazawa to discuss "
            "the dollar and interest rates.",
            (1987, 3, 10),
            ["James Baker", "Kiichi Miyazawa"],
            ["United States", "Japan"],
            ["Treasury"],
            [
                ("James Baker", "person", "James Baker"),
                ("Kiichi Miyazawa", "person", "Kiichi Miyazawa"),
                ("Japan", "country", "Japan"),
                ("Treasury", "org", "Treasury"),
            ],
            passing=["Kiichi Miyazawa", "United States"],
        ),
        _web_article(
            "japan-1",
            "Japan trade surplus widens again",
            "Japan's trade surplus with the United States widened in March, the finance ministry said.",
            (1987, 4, 14),
            [],
            ["Japan", "United States"],
            ["Ministry of Finance"],
            [("Japan", "country", "Japan"), ("United States", "country", "United States")],
        ),
        _web_article(
            "opec-1",
            "OPEC agrees to cut oil output",
            "OPEC ministers agreed to cut oil output to support prices, Saudi Arabia's oil minister Hisham Nazer said.",
            (1987, 5, 20),
            ["Hisham Nazer"],
            ["Saudi Arabia"],
            ["OPEC"],
            [
                ("OPEC", "org", "OPEC"),
                ("Saudi Arabia", "country", "Saudi Arabia"),
                ("Hisham Nazer", "person", "Hisham Nazer"),
            ],
        ),
        _web_article(
            "dollar-1",
            "Volcker and Baker discuss the dollar and interest rates",
            "Paul Volcker and James Baker discussed the falling dollar and interest rates in Washington.",
            (1987, 6, 2),
            ["Paul Volcker", "James Baker"],
            ["United States"],
            ["Federal Reserve"],
            [("Paul Volcker", "person", "Paul Volcker"), ("James Baker", "person", "James Baker")],
        ),
        _web_article(
            "buba-1",
            "Bundesbank leaves interest rates unchanged",
            "The Bundesbank left interest rates unchanged, president Karl Otto Poehl said in Frankfurt, West Germany.",
            (1987, 6, 25),
            ["Karl Otto Poehl"],
            ["West Germany"],
            ["Bundesbank"],
            [
                ("Bundesbank", "org", "Bundesbank"),
                ("Karl Otto Poehl", "person", "Karl Otto Poehl"),
                ("West Germany", "country", "West Germany"),
            ],
        ),
        _web_article(
            WEB_XSS_ID,
            WEB_XSS_TITLE,
            "Markup test <img src=x onerror=alert(1)> and <script>alert('body')</script> with "
            "&lt;b&gt; entities, Tom &amp; Jerry. Evil met the officials about interest rates.",
            (1987, 7, 1),
            [WEB_XSS_PERSON],
            ["Utopia"],
            [WEB_XSS_ORG],
            [("Evil", "person", WEB_XSS_PERSON), ("officials", "org", WEB_XSS_ORG), ("amp", "country", "Utopia")],
            url="javascript:alert(document.cookie)",
            source="<i>wire</i>",
        ),
        _web_article(
            "formula-1",
            '=HYPERLINK("http://evil.example") interest rates memo',
            "A memo on interest rates whose title looks like a spreadsheet formula.",
            (1987, 8, 5),
            ["@Mallory"],
            ["United States"],
            ["-Minus Corp"],
            [("Mallory", "person", "@Mallory")],
        ),
    ]


def write_web_index(path: Path, records: Iterable[tuple[Article, Entities]]) -> None:
    """Create or add to the index at ``path`` (closed again: the app under test opens its own)."""
    write_articles(path, records).close()


def search_request(
    q: str = "",
    person: Iterable[str] = (),
    country: Iterable[str] = (),
    org: Iterable[str] = (),
    not_person: Iterable[str] = (),
    not_country: Iterable[str] = (),
    not_org: Iterable[str] = (),
    **rest: Any,
) -> SearchRequest:
    """A SearchRequest with facet filters given as keywords (``person=("Paul Volcker",)``, ``not_org=...``)."""
    filters = {"person": tuple(person), "country": tuple(country), "org": tuple(org)}
    excludes = {"person": tuple(not_person), "country": tuple(not_country), "org": tuple(not_org)}
    return SearchRequest(q=q, filters=filters, excludes=excludes, **rest)


def stored_documents(index_dir: Path) -> dict[str, dict]:
    """Every stored document of the index in ``index_dir``, by article id."""
    ix = whoosh_index.open_dir(str(index_dir))
    try:
        with ix.searcher() as searcher:
            return {fields[ID_FIELD]: fields for fields in searcher.all_stored_fields()}
    finally:
        ix.close()
