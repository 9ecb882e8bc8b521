"""The corpus-wide firm registry (search/indexing/registry.py ``FirmRegistry``): names other articles show to
be firms ("Bear Stearns and Co", "brokers Wells Fargo") are dropped from an article's persons at resolve time,
unless a person's title shows the name is a person's; what articles showed follows them as they change and
go, and ``firms.json`` beside the index is read and written like ``persons.json``."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from search.entities import EntityExtractor
from search.indexing.registry import (
    FIRMS_FILE,
    FirmRegistry,
    PersonRegistry,
    load_registry,
    resolve_persons,
    save_registry,
)
from search.models import Article, Entities, Mention

from support import NLTK_DATA  # noqa: F401  (sets NLTK_DATA before nltk loads)


def bear_stearns_person() -> Entities:
    """An article that can't tell: "Analysts at Bear Stearns said ..." made Bear Stearns a person."""
    return Entities(
        persons=("Bear Stearns", "John Smith"),
        about={"person": ("Bear Stearns", "John Smith")},
        mentions=(Mention("Bear Stearns", "person", "Bear Stearns"), Mention("John Smith", "person", "John Smith")),
    )


def test_a_name_other_articles_show_to_be_a_firm_is_dropped() -> None:
    registry = PersonRegistry()
    registry.add("a", ["Bear Stearns", "John Smith"])
    registry.add("b", [], {"Bear Stearns": True, "Wells Fargo": True})  # "Bear Stearns and Co", "<Wells Fargo>"
    out = resolve_persons(bear_stearns_person(), registry)
    assert out.persons == ("John Smith",)
    assert out.about_values("person") == ("John Smith",)
    assert out.mentions == (Mention("John Smith", "person", "John Smith"),)
    assert registry.firms.is_firm("bear stearns")  # accent- and case-insensitive
    assert not registry.firms.is_firm("John Smith")


def test_a_name_after_a_persons_title_is_never_dropped() -> None:
    """ "Ivan Boesky and Co" in one article, "arbitrager Ivan Boesky" in another: he stays a person everywhere."""
    registry = PersonRegistry()
    registry.add("a", [], {"Ivan Boesky": True})
    registry.add("b", ["Ivan Boesky"], {"Ivan Boesky": False})
    ents = Entities(persons=("Ivan Boesky",), mentions=(Mention("Boesky", "person", "Ivan Boesky"),))
    assert resolve_persons(ents, registry).persons == ("Ivan Boesky",)
    registry.remove("b")  # the titled article is gone: the firm evidence alone decides again
    assert resolve_persons(ents, registry).persons == ()


def test_the_registry_follows_changed_and_deleted_articles() -> None:
    registry = PersonRegistry()
    registry.add("b", [], {"Bear Stearns": True})
    registry.add("c", [], {"Bear Stearns": True})
    registry.add("b", ["John Smith"])  # b changed: it no longer shows the firm
    assert registry.firms.is_firm("Bear Stearns")
    registry.remove("c")
    assert not registry.firms.is_firm("Bear Stearns")
    assert len(registry.firms) == 0


def test_lone_surnames_resolve_past_firms() -> None:
    """Merrill Lynch, a firm, is no Lynch: the surname resolves to the person the corpus names."""
    registry = PersonRegistry()
    for n in range(3):
        registry.add(f"m{n}", ["Merrill Lynch"])
    registry.add("x", [], {"Merrill Lynch": True})
    registry.add("p1", ["Peter Lynch"])
    registry.add("p2", ["Peter Lynch"])
    assert registry.resolve("Lynch") == "Peter Lynch"


def test_extractor_gives_the_evidence_the_registry_learns(tmp_path: Path) -> None:
    """End to end: one article shows Wells Fargo is a firm, another names it like a person; the second loses it."""
    extractor = EntityExtractor()
    firm = extractor.extract(Article(id="a", title="", body="Wells Fargo and Co said profits rose."))
    vague = extractor.extract(Article(id="b", title="", body="Wells Fargo said it would cut jobs."))
    titled = extractor.extract(Article(id="c", title="", body="Former President Jimmy Carter spoke."))
    assert firm.firm_evidence.get("Wells Fargo") is True and "Wells Fargo" not in firm.persons
    assert titled.firm_evidence == {"Jimmy Carter": False}
    registry = PersonRegistry()
    for article_id, ents in (("a", firm), ("b", vague), ("c", titled)):
        registry.add(article_id, ents.persons, ents.firm_evidence)
    assert "Wells Fargo" not in resolve_persons(vague, registry).persons


def test_firms_round_trip_through_the_files(tmp_path: Path) -> None:
    registry = PersonRegistry()
    registry.add("a", ["Paul Volcker"], {"Bear Stearns": True, "Ivan Boesky": False})
    save_registry(tmp_path, registry)
    loaded = load_registry(tmp_path)
    assert loaded.firms.to_json() == registry.firms.to_json()
    assert loaded.firms.is_firm("Bear Stearns") and not loaded.firms.is_firm("Ivan Boesky")
    assert FirmRegistry.from_json(registry.firms.to_json()).to_json() == registry.firms.to_json()


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"articles": {}}',  # no min_count
        '{"min_count": 1, "articles": {"a": ["Bear Stearns"]}}',  # a list, not name -> bool
        '{"min_count": 1, "articles": {"a": {"Bear Stearns": "yes"}}}',
    ],
)
def test_firm_registry_rejects_a_broken_or_foreign_file(text: str) -> None:
    with pytest.raises(ValueError):
        FirmRegistry.from_json(text)


def test_a_broken_firms_file_is_started_over_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    registry = PersonRegistry()
    registry.add("a", ["Paul Volcker"])
    registry.add("b", ["Paul Volcker"])
    save_registry(tmp_path, registry)
    (tmp_path / FIRMS_FILE).write_text('{"min_count": 1, "articles": {"a": 5}}', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="search.indexing.registry"):
        loaded = load_registry(tmp_path)
    assert len(loaded.firms) == 0 and loaded.resolve("Volcker") == "Paul Volcker"  # the persons survive
    assert "firms.json is unreadable" in caplog.text


def test_the_indexer_learns_firms_and_drops_them_from_every_article(tmp_path: Path) -> None:
    """``news-search index``: "Wells Fargo and Co" in one story, and another that names "Wells Fargo" like a
    person gets no person value for it, whichever is extracted first (articles with persons are resolved once
    the whole run is extracted); the evidence is kept in firms.json beside the index for later runs."""
    from whoosh import index as whoosh_index

    from search.indexing import schema
    from search.indexing.indexer import build_index

    def persons() -> dict[str, str]:
        ix = whoosh_index.open_dir(str(tmp_path / "ix"))
        try:
            with ix.searcher() as searcher:
                fields = list(searcher.all_stored_fields())
        finally:
            ix.close()
        return {f[schema.PATH].split("/")[-1]: f[schema.FACET_FIELDS["person"]] for f in fields}

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a-vague.txt").write_text(
        "Bank cuts\n\nWells Fargo said it would cut jobs. Chairman Carl Reichardt said costs rose.\n", encoding="utf-8"
    )
    (corpus / "b-firm.txt").write_text("Bank results\n\nWells Fargo and Co said profits rose.\n", encoding="utf-8")
    build_index([corpus], tmp_path / "ix", workers=1)
    assert persons() == {"a-vague.txt": "Carl Reichardt", "b-firm.txt": ""}
    assert (tmp_path / "ix" / FIRMS_FILE).exists()
    (corpus / "c-later.txt").write_text("Bank deal\n\nWells Fargo said it bought a bank.\n", encoding="utf-8")
    build_index([corpus], tmp_path / "ix", workers=1)  # a later run learns from firms.json
    assert persons()["c-later.txt"] == ""
