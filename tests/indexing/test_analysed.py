"""Where the indexer steps into Whoosh's writer, it writes exactly the index Whoosh's own code would: title and
body analysed by the workers (``analysed``) and the commit's field lengths read once (``writer``)."""

from __future__ import annotations

import pickle
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from whoosh import index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import TEXT
from whoosh.formats import Positions

from search.indexing import analysed, fast_analysis, schema
from search.indexing.analysis import NewsAnalyzer, marked
from search.indexing.document import to_document
from search.indexing.writer import RunWriter
from search.models import Article, Entities, Mention

ARTICLES = [
    (
        Article(
            id="a1",
            title="Brazil coffee exports rise",
            body="SAO PAULO - Brazil's coffee exports rose in March, the Coffee Institute said. Exports rose again.",
            published=datetime(1987, 4, 2, tzinfo=timezone.utc),
        ),
        Entities(
            persons=("Jose Sarney",),
            countries=("Brazil",),
            about={"country": ("Brazil",)},
            mentions=(Mention("Sarney", "person", "Jose Sarney"),),
        ),
    ),
    (
        Article(id="a2", title="", body="Untitled wire copy about oil prices and OPEC quotas, quotas, quotas."),
        Entities(orgs=("OPEC",)),
    ),
    (
        Article(id="a3", title="Die Häuser der Stadt", body="Die Bundesregierung baut Häuser in der Stadt."),
        Entities(languages=("German",), about={"lang": ("German",)}),
    ),
]


def documents() -> list[dict[str, Any]]:
    return [to_document(article, entities) for article, entities in ARTICLES]


def build(folder: Path, add) -> Any:
    ix = index.create_in(folder, schema.make_schema())
    writer = ix.writer()
    for doc in documents():
        add(writer, doc)
    writer.commit()
    return ix


def contents(ix) -> tuple[list, list, dict]:
    """Every term's statistics and postings (with weight and encoded positions), every stored document and every
    field length."""
    with ix.reader() as reader:
        postings = []
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)  # the lengths of the stories with the term: block statistics
            postings.append((info.weight(), info.doc_frequency(), info.min_length(), info.max_length()))
            matcher = reader.postings(fieldname, text)
            while matcher.is_active():
                postings.append((fieldname, text, matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
        stored = [reader.stored_fields(n) for n in range(reader.doc_count_all())]
        lengths = {
            (name, n): reader.doc_field_length(n, name)
            for name in schema.make_schema().scorable_names()
            for n in range(reader.doc_count_all())
        }
    return postings, stored, lengths


def test_the_writer_indexes_what_add_document_would(tmp_path: Path) -> None:
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "ours").mkdir()
    whoosh_ix = build(tmp_path / "whoosh", lambda writer, doc: writer.add_document(**doc))

    def from_a_worker(writer, doc: dict[str, Any]) -> None:  # pickled across a pipe, or in the held-back file
        analysed.add(writer, pickle.loads(pickle.dumps(analysed.analyse(doc))))

    ours = build(tmp_path / "ours", from_a_worker)
    expected, got = contents(whoosh_ix), contents(ours)
    assert got == expected
    assert any(fieldname == schema.BODY and text.startswith(b"de:") for fieldname, text, *_ in got[0])


def test_the_run_writers_commit_writes_what_whooshs_would(tmp_path: Path) -> None:
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "ours").mkdir()
    whoosh_ix = build(tmp_path / "whoosh", lambda writer, doc: writer.add_document(**doc))
    ours = index.create_in(tmp_path / "ours", schema.make_schema())
    out = RunWriter(ours, tmp_path / "ours", rebuild=True)
    for doc in documents():
        out.writer.add_document(**doc)
    out.commit()
    assert contents(ours) == contents(whoosh_ix)


def test_update_replaces_the_story_with_the_same_id(tmp_path: Path) -> None:
    ix = build(tmp_path, lambda writer, doc: analysed.add(writer, analysed.analyse(doc)))
    changed = to_document(Article(id="a2", title="Oil", body="Revised copy about gold."), Entities())
    writer = ix.writer()
    analysed.update(writer, analysed.analyse(changed))
    writer.commit()
    with ix.searcher() as searcher:
        assert [hit["title"] for hit in searcher.documents(id="a2")] == ["Oil"]
        assert searcher.doc_count() == 3
        assert list(searcher.lexicon(schema.BODY)).count(b"gold") == 1


@pytest.mark.parametrize("boost", [1.0, 2.0])
def test_an_index_that_analyses_differently_is_analysed_as_before(tmp_path: Path, boost: float) -> None:
    """A safeguard: an index whose body field differs from the workers' (another boost here) gets Whoosh's
    own analysis, and the postings the worker made are ignored."""
    fields = schema.make_schema()
    fields.remove(schema.BODY)
    fields.add(schema.BODY, TEXT(analyzer=schema.news_analyzer(), stored=True, field_boost=boost))
    assert analysed.same_analysis(fields) is (boost == 1.0)
    ix = index.create_in(tmp_path, fields)
    doc = analysed.analyse(documents()[1])
    doc[analysed.ANALYSED][schema.BODY] = [(b"planted", 1, 1.0, b"")]
    writer = ix.writer()
    analysed.add(writer, doc)
    writer.commit()
    with ix.reader() as reader:
        lexicon = set(reader.lexicon(schema.BODY))
    if boost == 1.0:  # the same analysis: the worker's postings are what is indexed
        assert lexicon == {b"planted"}
    else:
        assert b"planted" not in lexicon and b"quota" in lexicon


# The fast path for English text (``fast_analysis``): exactly Whoosh's postings, for the title (boost 3.0) and body.
TEXTS = [
    "",
    " \t\n",
    "the",
    "The a an AND of to in",
    "a b c d e f 1 2 3",
    "...!!! ??? --- ,,, ;;;",
    "* ** *** a*b **bold** and *emph*",
    "Brazil coffee exports rise",
    "SAO PAULO - Brazil's coffee exports rose in March, the Coffee Institute said. Exports rose again.",
    "The the THE tHe cat cats CATS catty",
    "U.S. U.S.A. u.s. U.S.. us US",
    "e-mail E-Mail re-elected co-operate",
    "don't won't it's O'Neill rock'n'roll it’s ‘quoted’",
    "a.b.c..d...e .leading trailing. 3.5 0.25% 1,000,000 $12.50",
    "12th 1st 2nd 1987 a1 b2 1a 2b",
    "foo_bar __init__ _ __ snake_case_words",
    "ÉCOLE Élève naïve café Ångström façade",
    "İstanbul ΣΟΦΙΑ ΟΔΟΣ ΑΣ.Α straße STRASSE ẞ",
    "Ǆemal ǅ ǆ ﬁle ﬂow ﬀ ﬃ",
    "١٢٣ ٤٥٦ ๑๒๓ ²³ ½ Ⅻ ⅻ ①",
    "東京 北京市 日本語のテキスト Москва РОССИИ",
    "tab\tseparated\twords\nnew\nlines\r\nwindows",
    "a\u00a0b\u2009c\u200bd e\u0301clair cafe\u0301",
    "Ⓐⓑ 🎉 emoji 🙂 text \ufeffBOM",
    "word\x1erecord \x1e ends with a marker",
    "Y yes YES yelling yyy ies sses ss s",
    "generalizations oscillators relational conditional hesitancy digitizer radically",
    "agreed feed bled sing singing hopping hoping",
    "http://example.com/a?b=c&d=e user@example.com #tag @handle",
    "tbd TBD yet Yet will WILL your we when",
    "x" * 3000,
    "antidisestablishmentarianism " * 40,
    " ".join(f"word{n % 37} the" for n in range(1500)),  # terms repeated, stop words between
    "cat dog the " * 1200,  # more than 1000 positions a term (pickled in batches)
]


def _news_analyzer_without_stop_words() -> NewsAnalyzer:
    analyzer = NewsAnalyzer()
    analyzer._english = StemmingAnalyzer(stoplist=None)
    return analyzer


def _news_analyzer_with_a_maximum_size() -> NewsAnalyzer:
    analyzer = NewsAnalyzer()
    analyzer._english = StemmingAnalyzer(maxsize=20)
    return analyzer


@pytest.mark.parametrize("name", list(analysed.FIELDS))
@pytest.mark.parametrize("text", TEXTS)
def test_the_fast_path_makes_whooshs_postings(name: str, text: str) -> None:
    field = analysed._fields()[name]
    fast = fast_analysis.english_postings(field)
    assert fast is not None and fast.field_boost == (schema.TITLE_BOOST if name == schema.TITLE else 1.0)
    expected = list(field.index(text))
    assert repr(fast(text)) == repr(expected)  # repr: the same values and types (a weight of 3.0, not 3)
    assert repr(analysed.postings(name, text)) == repr(expected)


def test_the_title_is_boosted() -> None:
    assert analysed.postings(schema.TITLE, "Coffee coffee exports") == [
        (b"coffe", 2, 6.0, fast_analysis.encode([0, 1])),
        (b"export", 1, 3.0, fast_analysis.encode([2])),
    ]
    assert analysed.postings(schema.BODY, "The coffee")[0][:3] == (b"coffe", 1, 1.0)


def test_marked_text_is_analysed_by_whoosh() -> None:
    text = marked("Die Häuser der Stadt", "de")
    assert not fast_analysis.is_english(text)
    for name in analysed.FIELDS:
        assert analysed.postings(name, text) == list(analysed._fields()[name].index(text))
    assert [term for term, *_ in analysed.postings(schema.BODY, text)] == [
        b"de:die",
        b"de:haus",
        b"de:der",
        b"de:stadt",
    ]


def test_a_small_stem_cache_and_few_encoded_positions_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    field = analysed._fields()[schema.BODY]
    fast = fast_analysis.english_postings(field)
    assert fast is not None
    monkeypatch.setattr(fast_analysis, "STEM_CACHE", 5)  # emptied again and again
    monkeypatch.setattr(fast_analysis, "SINGLES", 8)  # later positions encoded one by one
    monkeypatch.setattr(fast_analysis, "_SINGLES", [])
    fast.stems.clear()
    for text in TEXTS:
        assert repr(fast(text)) == repr(list(field.index(text)))
        assert len(fast.stems) <= 5
    assert len(fast_analysis._SINGLES) <= 8


@pytest.mark.parametrize(
    "poslist", [[0], [7], [255, 256], [0, 1, 2], [3, 300, 70_000, 70_001], list(range(0, 5000, 3)), [2**31 + 5]]
)
def test_positions_are_encoded_as_whoosh_encodes_them(poslist: list[int]) -> None:
    assert fast_analysis.encode(poslist) == Positions().encode(poslist)


@pytest.mark.parametrize(
    "field",
    [
        TEXT(analyzer=schema.news_analyzer(), phrase=False),  # frequencies only
        TEXT(analyzer=schema.news_analyzer(), chars=True),  # character offsets too
        TEXT(analyzer=schema.plain_analyzer()),
        TEXT(analyzer=StemmingAnalyzer()),  # not NewsAnalyzer: its dispatch is not the fast path's
        TEXT(analyzer=_news_analyzer_without_stop_words()),
        TEXT(analyzer=_news_analyzer_with_a_maximum_size()),
    ],
)
def test_a_field_analysed_otherwise_has_no_fast_path(field: TEXT) -> None:
    assert fast_analysis.english_postings(field) is None
