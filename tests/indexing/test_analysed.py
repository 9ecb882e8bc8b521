"""Where the indexer steps into Whoosh's writer, it writes exactly the index Whoosh's own code would: title and
body analysed by the workers (``analysed``) and the commit's field lengths read once (``writer``)."""

from __future__ import annotations

import pickle
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from whoosh import index
from whoosh.fields import TEXT

from search.indexing import analysed, schema
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
