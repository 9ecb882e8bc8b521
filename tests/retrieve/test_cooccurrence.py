"""Entity pages (search/retrieve/cooccurrence.py, NewsSearcher.entity): co-occurring values with counts and lift,
name variants, the stories most about an entity and the latest."""

from __future__ import annotations

import numpy as np
import pytest

from search.errors import BadParameter
from search.models import Article, Entities, Mention
from search.retrieve.cooccurrence import cooccurring, name_variants
from search.retrieve.facet_counts import FacetTable

from support import article, write_articles


def table(name: str, rows: list[tuple[str, ...]]) -> FacetTable:
    return FacetTable.from_documents(name, [(i, values, ()) for i, values in enumerate(rows)], len(rows))


def test_lift_puts_telling_companions_before_ubiquitous_ones() -> None:
    # ten stories; "Everywhere" is in all of them, "Partner" in the entity's two and one more
    people = table(
        "person",
        [("Entity", "Partner", "Everywhere"), ("Entity", "Partner", "Everywhere"), ("Partner", "Everywhere")]
        + [("Everywhere",)] * 7,
    )
    stories = np.ones(10, dtype=bool)
    entity_docs = people.docs_with(("Entity",))
    found = cooccurring({"person": people}, entity_docs, stories, ("person", people.value_id("Entity")), 5)
    (partner,) = found["person"]  # "Everywhere" is no likelier with the entity (lift 1), the entity never listed
    assert (partner.value, partner.count, partner.lift) == ("Partner", 2, pytest.approx(10 / 3, abs=0.01))


def test_rare_values_need_two_shared_stories_unless_the_entity_has_few() -> None:
    rows = [("Entity", f"Once {i}") for i in range(12)] + [("Entity", "Twice"), ("Entity", "Twice")] + [("Other",)] * 6
    people = table("person", rows)
    stories = np.ones(len(rows), dtype=bool)
    own = ("person", people.value_id("Entity"))
    found = cooccurring({"person": people}, people.docs_with(("Entity",)), stories, own, 20)
    assert [c.value for c in found["person"]] == ["Twice"]
    few = people.docs_with(("Once 1",))
    assert [
        c.value
        for c in cooccurring({"person": people}, few, stories, ("person", people.value_id("Once 1")), 5)["person"]
    ] == ["Entity"]


def test_name_variants_fold_case_and_count_stories() -> None:
    stories = [
        [Mention("Paul Volcker", "person", "Paul Volcker"), Mention("Volcker", "person", "Paul Volcker")],
        [Mention("VOLCKER", "person", "Paul Volcker"), Mention("Volcker", "person", "Paul Volcker")],
        [Mention("Fed", "org", "Federal Reserve"), Mention("volcker", "person", "paul volcker")],
        [Mention("Baker", "person", "James Baker")],
    ]
    variants = name_variants(stories, "person", "Paul Volcker")
    assert [(v.text, v.count) for v in variants] == [("Volcker", 3), ("Paul Volcker", 1)]
    acronym = name_variants([[Mention("Opec", "org", "OPEC")], [Mention("OPEC", "org", "OPEC")]] * 2, "org", "OPEC")
    assert [(v.text, v.count) for v in acronym] == [("OPEC", 4)]  # the indexed spelling wins


def entity_stories() -> list[tuple[Article, Entities]]:
    records = [
        article(
            "v1",
            "Volcker warns on dollar",
            "Paul Volcker warned. Volcker spoke.",
            "1987-02-20",
            persons=("Paul Volcker", "James Baker"),
            countries=("United States",),
            orgs=("Federal Reserve",),
        ),
        article(
            "v2",
            "Fed chairman speaks",
            "The Federal Reserve chairman Paul Volcker said rates hold.",
            "1987-03-03",
            persons=("Paul Volcker",),
            countries=("United States", "Japan"),
            orgs=("Federal Reserve",),
        ),
        article(
            "v3",
            "Baker and Volcker meet",
            "James Baker met Paul Volcker.",
            "1987-04-10",
            persons=("James Baker", "Paul Volcker"),
            countries=("United States",),
        ),
        article("o1", "Oil prices firm", "Crude oil rose in quiet trade.", "1987-03-05", countries=("United States",)),
        article("o2", "Japan exports rise", "Japanese exports rose.", "1987-03-06", countries=("Japan",)),
    ]
    art, ents = records[0]
    mentions = (Mention("Paul Volcker", "person", "Paul Volcker"), Mention("Volcker", "person", "Paul Volcker"))
    records[0] = (
        art,
        Entities(persons=ents.persons, countries=ents.countries, orgs=ents.orgs, about=ents.about, mentions=mentions),
    )
    return records


def test_entity_profile_end_to_end(tmp_path) -> None:
    index = write_articles(tmp_path, entity_stories())
    try:
        with index.searcher() as searcher:
            profile = searcher.entity("person", "paul volcker", "month")
            assert searcher.entity("person", "Nobody Atall") is None
            with pytest.raises(BadParameter, match="facet"):
                searcher.entity("colour", "red")
    finally:
        index.close()
    assert profile is not None
    assert (profile.name, profile.stories, profile.about) == ("Paul Volcker", 3, 2)  # v3 is about James Baker
    assert [b.count for b in profile.timeline.buckets] == [1, 1, 1] and profile.timeline.interval == "month"
    assert [c.value for c in profile.cooccurring["org"]] == ["Federal Reserve"]
    assert [c.value for c in profile.cooccurring["person"]] == ["James Baker"]
    lifts = {c.value: c.lift for c in profile.cooccurring["country"]}
    assert lifts == {"United States": 1.25}  # in four stories of five: hardly more likely with him
    assert [(v.text, v.count) for v in profile.variants] == [("Paul Volcker", 1), ("Volcker", 1)]
    assert profile.variants_read == 3
    assert [hit.id for hit in profile.latest] == ["v3", "v2", "v1"]
    assert profile.most_about[0].id == "v1"  # about him, his name in the headline
    assert {hit.id for hit in profile.most_about} == {"v1", "v2"}  # only the stories about him
    data = profile.to_dict()
    assert list(data) == [
        "facet",
        "name",
        "stories",
        "about",
        "timeline",
        "cooccurring",
        "variants",
        "variants_read",
        "most_about",
        "latest",
    ]
    assert data["cooccurring"]["org"] == [{"value": "Federal Reserve", "count": 2, "lift": 1.67}]
    assert data["latest"][0]["id"] == "v3"
