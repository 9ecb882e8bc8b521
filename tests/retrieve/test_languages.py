"""Full text in each story's language (search/indexing/analysis.py, search/retrieve/stemming.py): a query
finds stories in English, German, French, Spanish, Italian, Portuguese and Dutch as a speaker of each would
expect (another inflection of the same word), and one language's stems never match another's stories."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import TEXT

from search.indexing.analysis import NewsAnalyzer, marked, query_terms, stemmed_language
from search.indexing.schema import BODY, is_current, make_schema
from search.retrieve.index import NewsIndex

from support import article, search_request, write_articles

STORIES = {
    # id: (language, title, body)
    "en": ("English", "Exporters raise prices", "Oil exporters raised their prices again, dealers said."),
    "en-haus": ("English", "Haus of Fashion opens", "The Haus of Fashion store opened in London on Monday."),
    "de": ("German", "Neue Häuser in Berlin", "Die neuen Häuser in Berlin sind teuer. Die Mieten steigen weiter."),
    "de-2": ("German", "Mieten in München", "In München steigt die Miete für ein Haus am schnellsten."),
    "fr": ("French", "Les gouvernements européens", "Les gouvernements ont présenté leurs budgets mercredi."),
    "es": ("Spanish", "Huelgas y elecciones", "Los ministros convocaron elecciones tras las huelgas."),
    "it": ("Italian", "I governi e le riforme", "I governi hanno approvato le riforme del lavoro."),
    "pt": ("Portuguese", "Governos aprovam reformas", "Os governos aprovaram as reformas da previdência."),
    "nl": ("Dutch", "Regeringen en begrotingen", "De regeringen keurden de begrotingen dinsdag goed."),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> NewsIndex:
    records = []
    for story_id, (language, title, body) in STORIES.items():
        art, ents = article(story_id, title, body)
        records.append((art, replace(ents, languages=(language,), about={**ents.about, "lang": (language,)})))
    return write_articles(tmp_path_factory.mktemp("languages"), records)


def found(index: NewsIndex, q: str, **filters) -> list[str]:
    with index.searcher() as searcher:
        page = searcher.search(search_request(q=q, per_page=50, **filters))
    return sorted(hit.id for hit in page.hits)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("exporting price", ["en"]),  # English: Porter, as before
        ("Häuser", ["de", "de-2"]),  # German: Häuser, Haus
        ("Miete", ["de", "de-2"]),  # Mieten, Miete
        ("gouvernement budget", ["fr"]),  # French plurals
        ("ministro elección", ["es"]),  # Spanish: ministros, elecciones
        ("governo riforma", ["it"]),  # Italian: governi, riforme
        ("governo reforma", ["pt"]),  # Portuguese: governos, reformas
        ("regering begroting", ["nl"]),  # Dutch: regeringen, begrotingen
    ],
)
def test_a_query_finds_other_inflections_in_each_language(index: NewsIndex, query: str, expected: list[str]) -> None:
    assert found(index, query) == expected


def test_one_languages_stems_do_not_match_another_languages_stories(index: NewsIndex) -> None:
    # "Häuser" is "de:haus" in German: the English story's "Haus" (English stem "hau") is another word...
    assert "en-haus" not in found(index, "Häuser")
    # ... which an English reader's "Haus" finds, as the German stories' "Haus" and "Häuser"
    assert found(index, "Haus") == ["de", "de-2", "en-haus"]


def test_phrases_prefixes_and_stop_words_in_other_languages(index: NewsIndex) -> None:
    assert found(index, '"neue Häuser"') == ["de"]  # "neuen Häuser": stemmed phrase
    assert found(index, "die Mieten") == ["de", "de-2"]  # "die" is a German word, kept in German stories
    assert found(index, "begrot*") == ["nl"]
    assert found(index, "gouvernement*") == ["fr"]


def test_snippets_mark_the_words_of_the_hits_language(index: NewsIndex) -> None:
    with index.searcher() as searcher:
        hits = {hit.id: hit for hit in searcher.search(search_request(q="Häuser", per_page=10)).hits}
        assert "<mark>Häuser</mark>" in hits["de"].snippet
        assert "<mark>Haus</mark>" in hits["de-2"].snippet
        marks = searcher.marks("Häuser", ["Die neuen Häuser. The Haus of Fashion."], "German")
        assert marks == [[(10, 16), (22, 26)]]  # both are German words here
        assert searcher.marks("Häuser", ["The Haus of Fashion."], "English") == [[]]


def test_related_articles_of_a_german_story_are_german(index: NewsIndex) -> None:
    with index.searcher() as searcher:
        related = searcher.related("de", limit=3)
    assert [hit.id for hit in related][:1] == ["de-2"]


def test_the_analyzer_marks_stems_and_leaves_english_as_it_was() -> None:
    analyzer = NewsAnalyzer()
    assert [t.text for t in analyzer(marked("Die Häuser", "de"))] == ["de:die", "de:haus"]
    assert [t.text for t in analyzer("The houses")] == [t.text for t in StemmingAnalyzer()("The houses")]
    assert [t.text for t in analyzer("Die Häuser", mode="query")] == ["die", "häuser"]  # stemmed per language later
    assert query_terms("häuser", ("de", "fr")) == ["häuser", "de:haus", "fr:häus"]
    assert stemmed_language("German") == "de" and stemmed_language("English") == ""
    assert stemmed_language("Klingon") == stemmed_language("") == ""


def test_an_index_stemmed_all_in_english_is_outdated(tmp_path: Path) -> None:
    schema = make_schema()
    assert is_current(schema)
    schema.remove(BODY)
    schema.add(BODY, TEXT(analyzer=StemmingAnalyzer(), stored=True))
    assert not is_current(schema)
