"""Person rules (search/entities/persons.py): canonical names, capitalised runs, firms named like people,
who is quoted, and folding partial names.

First each rule called directly on the example phrases of its docstring, tokenized as the extractor
tokenizes them; then the whole extractor on the firms these rules find.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import pytest

from search.entities.nlp import tokenize
from search.entities.persons import (
    _firm_context,
    _longer_match,
    canonical_name,
    capital_runs,
    firm_evidence,
    firm_names,
    fold_key,
    fold_persons,
    speaking,
    surname_of,
)
from search.models import Entities

D1987 = datetime(1987, 3, 3, tzinfo=timezone.utc)

Extract = Callable[..., Entities]


def span(tokens: list[str], phrase: str) -> tuple[int, int]:
    """(start, end) of the first occurrence of ``phrase``'s tokens in ``tokens``."""
    words = tokenize(phrase)
    for start in range(len(tokens) - len(words) + 1):
        if tokens[start : start + len(words)] == words:
            return start, start + len(words)
    raise ValueError(f"{phrase!r} is not in {tokens!r}")


def firms_of(sentence: str) -> set[str]:
    tokens = tokenize(sentence)
    return firm_names(tokens, capital_runs(tokens))


def firm_context_of(sentence: str, run: str) -> bool:
    """``_firm_context`` for the capitalised run ``run`` of ``sentence``, with the run that follows it."""
    tokens = tokenize(sentence)
    runs = capital_runs(tokens)
    n = runs.index(span(tokens, run))
    return _firm_context(tokens, *runs[n], runs[n + 1] if n + 1 < len(runs) else None)


# -- direct rule tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("James A. Baker", "James Baker"),  # a middle initial and its dot
        ("Javier Perez de Cuellar", "Javier Perez de Cuellar"),  # nothing to drop
        ("G. Thorpe", "G. Thorpe"),  # a leading initial keeps its dot
    ],
)
def test_canonical_name_drops_middle_initials(name: str, canonical: str) -> None:
    assert canonical_name(tokenize(name)) == canonical


@pytest.mark.parametrize(
    ("sentence", "runs"),
    [
        ("The unit is led by Maj. Gen. Aharon Haliva.", [["The"], ["Maj", ".", "Gen", ".", "Aharon", "Haliva"]]),
        ("He wrote to Javier Perez de Cuellar.", [["He"], ["Javier", "Perez", "de", "Cuellar"]]),
        ("He met Hassan al-Turabi.", [["He"], ["Hassan", "al-Turabi"]]),  # a particle hyphened to the name
    ],
)
def test_capital_runs_keep_particles_and_abbreviation_dots_inside(sentence: str, runs: list[list[str]]) -> None:
    tokens = tokenize(sentence)
    assert [tokens[start:end] for start, end in capital_runs(tokens)] == runs


def test_capital_runs_no_particle_outside_a_name() -> None:
    assert capital_runs(tokenize("the de facto ruler")) == []


@pytest.mark.parametrize(
    ("sentence", "firms"),
    [
        ("Taco Bell Corp said profits rose.", {"Taco Bell"}),  # a corporate suffix
        ("Cheung Kong (Holdings) Ltd bought a stake.", {"Cheung Kong"}),
        ("James Capel and Co said so.", {"James Capel"}),  # a partner with one
        ("On Thursday, Bear, Stearns and Co managed an issue.", {"Bear Stearns"}),
        ("Diamond Shamrock <DIA> raised prices.", {"Diamond Shamrock"}),  # a ticker
        ("Shares of <Bear Stearns> rose.", {"Bear Stearns"}),  # Reuters' company markers
        ("Richard Jeffrey of brokers Hoare Govett said so.", {"Hoare Govett"}),  # after a firm noun
        (
            "Harcourt Brace Jovanovich Inc made an offer.",
            {"Harcourt Brace", "Brace Jovanovich", "Harcourt Brace Jovanovich"},
        ),  # every part of two words or more
    ],
)
def test_firm_names_from_the_sentence_context(sentence: str, firms: set[str]) -> None:
    assert firms_of(sentence) == firms


@pytest.mark.parametrize(
    "sentence",
    [
        "Paul Volcker said the dollar had fallen.",
        "James Baker and Bank of Japan Governor Satoshi Sumita met.",  # "and" without a partner's suffix
    ],
)
def test_firm_names_none_without_context(sentence: str) -> None:
    assert firms_of(sentence) == set()


def test_firm_names_after_a_firm_noun_take_the_whole_run() -> None:
    """The code's example: in "bank President John Smith" the firm is the whole run, so the person stays."""
    assert firms_of("The bank President John Smith said so.") == {"President John Smith"}


@pytest.mark.parametrize(
    ("sentence", "run"),
    [
        ("Diamond Shamrock <DIA> raised prices.", "Diamond Shamrock"),  # a ticker follows
        ("Shares of <Bear Stearns> rose.", "Bear Stearns"),  # inside company markers
        ("Hoare Govett (Far East) Ltd said so.", "Hoare Govett"),  # a suffix after a parenthesis
        ("Eli Lilly and Co sued.", "Eli Lilly"),  # "and" a partner with a suffix
    ],
)
def test_firm_context_marks_a_firm(sentence: str, run: str) -> None:
    assert firm_context_of(sentence, run)


@pytest.mark.parametrize(
    ("sentence", "run"),
    [
        ("Paul Volcker said the dollar had fallen.", "Paul Volcker"),
        ("James Baker and Bank of Japan Governor Satoshi Sumita met.", "James Baker"),
    ],
)
def test_firm_context_not_around_a_person(sentence: str, run: str) -> None:
    assert not firm_context_of(sentence, run)


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Baker said the dollar had fallen.", "Baker"),
        ("Baker also said the dollar had fallen.", "Baker"),
        ("The dollar has fallen enough, said Treasury Secretary James Baker.", "Treasury Secretary James Baker"),
        ("The dollar has fallen enough, according to Baker.", "Baker"),
        ("Giles Keating, economist at Credit Suisse, said rates would fall.", "Giles Keating"),  # an apposition
        ("Volcker also said so", "Volcker"),
        ("according to Fed chairman Paul Volcker", "Fed chairman Paul Volcker"),
        ("Paul Volcker, who left the Fed, said", "Paul Volcker"),
    ],
)
def test_speaking_the_quoted_name(sentence: str, name: str) -> None:
    tokens = tokenize(sentence)
    assert speaking(tokens, *span(tokens, name))


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("He met Baker in Paris.", "Baker"),
        ("Baker, who met Karl Otto Poehl, left Paris.", "Baker"),  # an apposition without a speech verb
        ("he met Paul Volcker and left", "Paul Volcker"),
    ],
)
def test_speaking_not_a_name_that_is_not_quoted(sentence: str, name: str) -> None:
    tokens = tokenize(sentence)
    assert not speaking(tokens, *span(tokens, name))


@pytest.mark.parametrize(
    ("name", "surname"),
    [("Paul Volcker", "Volcker"), ("Javier Perez de Cuellar", "Cuellar"), ("Hassan al-Turabi", "Turabi")],
)
def test_surname_of_is_the_last_word(name: str, surname: str) -> None:
    assert surname_of(name) == surname


@pytest.mark.parametrize(("a", "b"), [("Poehl", "poehl"), ("Pérez", "Perez")])
def test_fold_key_ignores_case_and_accents(a: str, b: str) -> None:
    assert fold_key(a) == fold_key(b)


def test_fold_persons_a_lone_surname_folds_into_the_full_name() -> None:
    assert fold_persons(["Vladimir Putin"], ["Putin"], set()) == (
        ["Vladimir Putin"],
        {"Vladimir Putin": "Vladimir Putin", "Putin": "Vladimir Putin"},
    )


def test_fold_persons_family_name_first_folds_too() -> None:
    assert fold_persons(["Deng Xiaoping"], ["Deng"], {"Deng Xiaoping"})[1]["Deng"] == "Deng Xiaoping"


def test_fold_persons_a_given_name_does_not_fold_by_default() -> None:
    assert "Deng" not in fold_persons(["Deng Xiaoping"], ["Deng"], set())[1]


def test_fold_persons_a_shorter_full_name_folds_into_the_longer_one() -> None:
    persons, mapping = fold_persons(["Otto Poehl", "Karl Otto Poehl"], ["poehl"], set())
    assert persons == ["Karl Otto Poehl"]
    assert mapping == {
        "Karl Otto Poehl": "Karl Otto Poehl",
        "Otto Poehl": "Karl Otto Poehl",
        "poehl": "Karl Otto Poehl",
    }


def test_fold_persons_a_misspelt_full_name_folds_into_the_one_named_first() -> None:
    """Same first name, a surname one letter apart (two from eight letters), same story: one person."""
    persons, mapping = fold_persons(["Igor Konashenkov", "Vladimir Putin", "Igor Konashenko"], ["Konashenko"], set())
    assert persons == ["Igor Konashenkov", "Vladimir Putin"]
    assert mapping["Igor Konashenko"] == mapping["Konashenko"] == "Igor Konashenkov"
    assert fold_persons(["Anatoly Karpov", "Anatoly Kasparov"], [], set())[0] == ["Anatoly Karpov", "Anatoly Kasparov"]


@pytest.mark.parametrize(
    ("names", "kept"),
    [
        (["Ali Khan", "Ali Kazan"], 2),  # surnames under five letters never fold
        (["Mark Waugh", "Steve Waugh"], 2),  # another first name
        (["John Smith", "John Smyth"], 1),  # one letter apart
        (["Igor Ivanov", "Igor Ivanenko"], 2),  # three letters apart
    ],
)
def test_misspelling_of_needs_the_first_name_and_a_close_long_surname(names: list[str], kept: int) -> None:
    assert len(fold_persons(names, [], set())[0]) == kept


def test_fold_persons_a_lone_surname_folds_past_a_hyphened_particle() -> None:
    assert fold_persons(["Hassan al-Turabi"], ["Turabi"], set())[1]["Turabi"] == "Hassan al-Turabi"


def test_firm_evidence_firms_and_titled_persons() -> None:
    """Firm names of two to four words as True, names after a person's title as False (which wins)."""
    evidence = firm_evidence({"Bear Stearns", "Ivan Boesky", "A B C D E"}, {"Ivan Boesky"})
    assert evidence == {"Bear Stearns": True, "Ivan Boesky": False}


def test_fold_persons_an_unknown_lone_surname_is_not_mapped() -> None:
    assert "Smith" not in fold_persons(["Paul Volcker"], ["Smith"], set())[1]


def test_longer_match_same_surname_and_first() -> None:
    assert _longer_match("Otto Poehl", ["Paul Volcker", "Karl Otto Poehl"]) == "Karl Otto Poehl"


@pytest.mark.parametrize(
    ("name", "persons"),
    [
        ("Hans Poehl", ["Karl Otto Poehl"]),  # another first name
        ("Karl Otto Poehl", ["Otto Poehl"]),  # not longer
    ],
)
def test_longer_match_none(name: str, persons: list[str]) -> None:
    assert _longer_match(name, persons) is None


# -- through the extractor ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Samuel Montagu and Co Ltd is lead manager. Samuel Montagu said demand was strong.",
        "Eli Lilly and Co sued. A court said Eli Lilly may appeal.",
        "Diamond Shamrock <DIA> raised prices. Diamond Shamrock last changed them on March 4.",
        "Cheung Kong (Holdings) Ltd bought a stake. Cheung Kong said it was pleased.",
        "On Thursday, Bear, Stearns and Co managed an issue. Underwriters like Bear Stearns were busy.",
        "Harcourt Brace Jovanovich Inc made an offer. Harcourt Brace needs a back list.",
        "Frank B. Hall and Co Inc said profits rose.",
        "Salomon Bros said the bonds would be priced at par.",
        "Italy's Gruppo Ferruzzi bought a stake in the refiner.",
    ],
)
def test_firms_named_like_people_are_not_persons(extract: Extract, body: str) -> None:
    ents = extract(body, when=D1987)
    assert ents.persons == () and ents.surnames == ()


def test_firm_context_and_firm_nouns(extract: Extract) -> None:
    ents = extract("Richard Jeffrey of brokers Hoare Govett said the budget was prudent.", when=D1987)
    assert ents.persons == ("Richard Jeffrey",)
    ents = extract('"A credible offer," said Timothy Pettee, a Bear Stearns analyst.', when=D1987)
    assert ents.persons == ("Timothy Pettee",)
    # "and Bank of Japan ..." is no partner firm: both are people
    ents = extract("James Baker and Bank of Japan Governor Satoshi Sumita met.", when=D1987)
    assert ents.persons == ("James Baker", "Satoshi Sumita")


def test_a_title_keeps_a_person_whose_firm_bears_his_name(extract: Extract) -> None:
    body = "The SEC let firms of inside trader Ivan Boesky act. Ivan Boesky and Co L.P. will be repaid."
    assert extract(body, when=D1987).persons == ("Ivan Boesky",)
