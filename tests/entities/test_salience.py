"""Salience (search/entities/salience.py): which persons, lone surnames and countries a story is about.

First each rule called directly with the hits of its docstring (a hit is a body sentence number, -1 for the
title or dateline, and whether the name is quoted or which evidence named the country); then the whole
extractor on stories these rules decide.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import pytest

from search.entities.salience import salient_country, salient_person, salient_surname
from search.models import Entities

D1987 = datetime(1987, 3, 3, tzinfo=timezone.utc)

Extract = Callable[..., Entities]

SENTENCES = 12  # a 12-sentence body: its last quarter starts at sentence 9


# -- direct rule tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hits",
    [
        [(-1, False)],  # in the title (a headline)
        [(1, False)],  # in the lead
        [(9, False), (10, False)],  # named twice
        [(9, True)],  # quoted
        [(8, False)],  # first named before the last quarter
    ],
)
def test_salient_person_prominent_quoted_or_early(hits: list[tuple[int, bool]]) -> None:
    assert salient_person(hits, SENTENCES)


def test_salient_person_not_one_unquoted_late_mention() -> None:
    """ "... will meet Chancellor Helmut Kohl." in the last quarter: a person named in passing."""
    assert not salient_person([(9, False)], SENTENCES)


@pytest.mark.parametrize(
    "hits",
    [
        [(-1, "surname")],  # in the title
        [(1, "surname")],  # in the lead
        [(5, "surname"), (7, "surname")],  # named twice
    ],
)
def test_salient_surname_in_the_title_or_lead_or_twice(hits: list[tuple[int, str]]) -> None:
    assert salient_surname(hits)


def test_salient_surname_not_once_after_the_lead() -> None:
    assert not salient_surname([(2, "surname")])


def test_salient_country_named_always_counts() -> None:
    assert salient_country([(9, "name")])  # "Iran", late and once


@pytest.mark.parametrize(
    "hits",
    [
        [(-1, "dateline")],
        [(0, "demonym")],  # in the lead
        [(5, "demonym"), (7, "city")],  # twice
    ],
)
def test_salient_country_weaker_evidence_when_prominent(hits: list[tuple[int, str]]) -> None:
    assert salient_country(hits)


@pytest.mark.parametrize("evidence", ["demonym", "city", "region"])  # "Japanese investors", "in Tokyo"
def test_salient_country_not_a_lone_late_demonym_city_or_region(evidence: str) -> None:
    assert not salient_country([(5, evidence)])


# -- through the extractor ---------------------------------------------------------------------------


def test_a_passing_demonym_is_named_but_not_what_the_story_is_about(extract: Extract) -> None:
    lead = "The company said sales rose. Profits were higher. Costs fell. "
    passing = extract(lead + "Japanese investors bought shares.")
    assert passing.countries == ("Japan",) and passing.about_values("country") == ()
    assert extract(lead + "It also sells in Japan.").about_values("country") == ("Japan",)
    assert extract("Japanese investors bought shares. " + lead).about_values("country") == ("Japan",)
    assert extract(lead + "Japanese investors bought. Japanese banks sold.").about_values("country") == ("Japan",)


def test_a_single_late_passing_mention_is_named_but_not_what_the_story_is_about(
    extract: Extract, miyazawa_story: list[str]
) -> None:
    """One unquoted mention in the last quarter of the story is background: the story names him (he is
    findable), but it is not about him."""
    e = extract(" ".join([*miyazawa_story, "Miyazawa will meet Chancellor Helmut Kohl next month."]), when=D1987)
    assert e.persons == ("Kiichi Miyazawa", "Helmut Kohl")
    assert e.about_values("person") == ("Kiichi Miyazawa",)
    assert any(m.value == "Helmut Kohl" for m in e.mentions)


@pytest.mark.parametrize(
    "last",
    [
        "Chancellor Helmut Kohl said Bonn would help.",  # quoted
        "Bonn would help, said Chancellor Helmut Kohl.",  # quoted, verb first
        "Helmut Kohl, the West German chancellor, said Bonn would help.",  # quoted after an apposition
        "Chancellor Helmut Kohl will visit. Kohl has said Bonn would help.",  # named twice
    ],
)
def test_a_late_person_who_speaks_or_recurs_is_kept(extract: Extract, miyazawa_story: list[str], last: str) -> None:
    e = extract(" ".join([*miyazawa_story, last]), when=D1987)
    assert e.persons == e.about_values("person") == ("Kiichi Miyazawa", "Helmut Kohl")


def test_a_person_in_the_lead_or_middle_is_kept_with_one_mention(extract: Extract, miyazawa_story: list[str]) -> None:
    early = [*miyazawa_story[:2], "He will meet Chancellor Helmut Kohl next month.", *miyazawa_story[2:]]
    assert extract(" ".join(early), when=D1987).persons == ("Kiichi Miyazawa", "Helmut Kohl")
