"""Name-shape rules (search/entities/names.py): titles, affiliations, places and common words around a name.

First each rule called directly on the example phrases of its docstring, tokenized as the extractor
tokenizes them; then the whole extractor on sentences these rules decide.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import pytest

from search.entities.names import NameRules
from search.entities.nlp import tokenize
from search.models import Entities

D1987 = datetime(1987, 3, 3, tzinfo=timezone.utc)

Extract = Callable[..., Entities]


def locate(sentence: str, run: str, name: str | None = None) -> tuple[list[str], int, int, int]:
    """(tokens, start, cut, end): the capitalised ``run`` in ``sentence`` and where its ``name`` starts
    (``cut``: after the run's title/affiliation words; the run's start when ``name`` is None)."""
    tokens = tokenize(sentence)
    words = tokenize(run)
    for start in range(len(tokens) - len(words) + 1):
        if tokens[start : start + len(words)] == words:
            end = start + len(words)
            cut = start if name is None else end - len(tokenize(name))
            assert tokens[cut:end] == tokenize(name or run), f"{name!r} does not end {run!r}"
            return tokens, start, cut, end
    raise ValueError(f"{run!r} is not in {sentence!r}")


# -- direct rule tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "run", "name"),
    [
        ("President Vladimir Putin spoke.", "President Vladimir Putin", "Vladimir Putin"),
        ("Maj. Gen. Aharon Haliva leads the unit.", "Maj. Gen. Aharon Haliva", "Aharon Haliva"),
    ],
)
def test_titled_by_a_title_right_before_the_name(name_rules: NameRules, sentence: str, run: str, name: str) -> None:
    tokens, _, cut, _ = locate(sentence, run, name)
    assert name_rules.titled(tokens, cut)


@pytest.mark.parametrize(
    ("sentence", "run", "name"),
    [
        ("The Foreign Agricultural Service said exports rose.", "Foreign Agricultural Service", "Agricultural Service"),
        ("Prices were rolled back, the official Tanjug agency said.", "Tanjug", "Tanjug"),
    ],
)
def test_titled_not_by_an_affiliation_word_alone(name_rules: NameRules, sentence: str, run: str, name: str) -> None:
    """ "Foreign" and "official" are affiliation words: alone they make no title."""
    tokens, _, cut, _ = locate(sentence, run, name)
    assert not name_rules.titled(tokens, cut)


def test_titled_by_an_affiliation_word_after_a_real_title(name_rules: NameRules) -> None:
    """The code's own example: "Energy" counts as part of "Minister of Mines and Energy"."""
    sentence = "Indonesian Minister of Mines and Energy Subroto told Reuters."
    tokens, _, cut, _ = locate(sentence, "Energy Subroto", "Subroto")
    assert name_rules.titled(tokens, cut)


def test_titled_not_at_the_start_of_a_sentence(name_rules: NameRules) -> None:
    assert not name_rules.titled(tokenize("Vladimir Putin spoke."), 0)


@pytest.mark.parametrize(
    ("sentence", "run"),
    [
        ('"A credible offer," said Timothy Pettee, a Bear Stearns analyst.', "Bear Stearns"),  # after an article
        ("Shares in the Cheung Kong group were suspended.", "Cheung Kong"),
        ("Bonds held up, said Smith Barney Harris Upham analyst Craig Sloane.", "Smith Barney Harris Upham"),
        ("Steven Eisenberg of Bear Stearns said so.", "Bear Stearns"),  # after a name and "of"
        ('"Chasing yields," William Byers, of Bear Stearns, said.', "Bear Stearns"),
        ("Joe Riccardo, associate director of Bear Stearns, agreed.", "Bear Stearns"),  # lower-case title and of
        ("Peter Beutel, oil analyst with Elders Futures, agreed.", "Elders Futures"),  # ... and with
    ],
)
def test_affiliation_of_an_untitled_name(name_rules: NameRules, sentence: str, run: str) -> None:
    tokens, start, cut, end = locate(sentence, run)
    assert name_rules.affiliation(tokens, start, cut, end)


@pytest.mark.parametrize(
    ("sentence", "run", "name"),
    [
        # a title inside the run keeps its own name ("Bank" and "of" are runs of their own)
        ("Bank of Japan Governor Satoshi Sumita spoke.", "Japan Governor Satoshi Sumita", "Satoshi Sumita"),
        # the code's counter-examples: "director" is no employee role, "Ivan Boesky's" owns the firm
        ("It won best director for Oliver Stone.", "Oliver Stone", "Oliver Stone"),
        ("Michael Davidoff, head trader for Ivan Boesky's Seemala Corp, agreed.", "Ivan Boesky", "Ivan Boesky"),
    ],
)
def test_affiliation_not_for_a_titled_or_owning_name(name_rules: NameRules, sentence: str, run: str, name: str) -> None:
    tokens, start, cut, end = locate(sentence, run, name)
    assert not name_rules.affiliation(tokens, start, cut, end)


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Officials of the Reagan administration met farmers.", "Reagan"),
        ("The Reagan Administration rejected the bill.", "Reagan Administration"),  # the noun inside the run
    ],
)
def test_attributive_the_reagan_administration(sentence: str, name: str) -> None:
    tokens, _, cut, end = locate(sentence, name)
    assert NameRules.attributive(tokens, [t for t in tokens[cut:end] if t != "."], end)


def test_attributive_not_the_person_himself() -> None:
    tokens, _, cut, end = locate("President Reagan said so.", "Reagan")
    assert not NameRules.attributive(tokens, tokens[cut:end], end)


@pytest.mark.parametrize(
    ("sentence", "run", "name"),
    [
        ("Officials in Buenos Aires agreed.", "Buenos Aires", "Buenos Aires"),  # is a place
        ("The Los Angeles Dodgers won.", "Los Angeles Dodgers", "Los Angeles Dodgers"),  # starts with one
        (
            "A speech to the San Francisco Chamber of Commerce.",
            "San Francisco Chamber",
            "Francisco Chamber",
        ),  # ends one ("San" cut)
    ],
)
def test_place_a_multi_word_place(name_rules: NameRules, sentence: str, run: str, name: str) -> None:
    tokens, start, cut, end = locate(sentence, run, name)
    assert name_rules.place(tokens, start, cut, end)


def test_place_not_a_person(name_rules: NameRules) -> None:
    tokens, start, cut, end = locate("Tom Clausen spoke.", "Tom Clausen")
    assert not name_rules.place(tokens, start, cut, end)


def test_skip_common_words_before_a_first_name(name_rules: NameRules) -> None:
    tokens, _, cut, end = locate("Exchequer Nigel Lawson said so.", "Exchequer Nigel Lawson")
    assert tokens[name_rules.skip_common_words(tokens, cut, end) : end] == ["Nigel", "Lawson"]


def test_skip_common_words_keeps_a_name_that_starts_with_a_first_name(name_rules: NameRules) -> None:
    tokens, _, cut, end = locate("Nigel Lawson said so.", "Nigel Lawson")
    assert name_rules.skip_common_words(tokens, cut, end) == cut


@pytest.mark.parametrize(
    ("sentence", "run", "kept"),
    [
        ("J. Hugh Liedtke spoke.", "J. Hugh Liedtke", "Hugh Liedtke"),  # initials
        ("Chairman of the FCA Frank Naylor agreed.", "FCA Frank Naylor", "Frank Naylor"),  # an acronym
        (
            "U.S. Trade Represenative Clayton Yeutter predicted a deal.",
            "Represenative Clayton Yeutter",
            "Clayton Yeutter",
        ),  # a misspelt title
        (
            "It followed the resignation of Minister of Planning Joao Sayad.",
            "Planning Joao Sayad",
            "Joao Sayad",
        ),  # an unknown long word
    ],
)
def test_skip_unknown_word_before_a_first_name_and_a_surname(
    name_rules: NameRules, sentence: str, run: str, kept: str
) -> None:
    tokens, _, cut, end = locate(sentence, run)
    assert " ".join(tokens[name_rules.skip_unknown_word(tokens, cut, end) : end]) == kept


@pytest.mark.parametrize(
    ("sentence", "run"),
    [
        ("Minister Rha Woong Bae said so.", "Rha Woong Bae"),  # a short word may be a family name
        ("Hinckley succeeds Wilmot Wheeler Jr, who retires.", "Wilmot Wheeler Jr"),  # an unknown first name
    ],
)
def test_skip_unknown_word_keeps_a_family_name_and_an_unknown_first_name(
    name_rules: NameRules, sentence: str, run: str
) -> None:
    tokens, _, cut, end = locate(sentence, run)
    assert name_rules.skip_unknown_word(tokens, cut, end) == cut


@pytest.mark.parametrize("word", ["President", "Maj.", "Vice-President", "Secretary-General", "Minister-designate"])
def test_is_title_plain_and_hyphenated(name_rules: NameRules, word: str) -> None:
    assert name_rules.is_title(word)


@pytest.mark.parametrize("word", ["Stearns", "Coca-Cola"])
def test_is_title_not_a_name_or_a_hyphenated_name(name_rules: NameRules, word: str) -> None:
    assert not name_rules.is_title(word)


@pytest.mark.parametrize(
    ("sentence", "run", "name"),
    [
        (
            "Israeli Prime Minister Benjamin Netanyahu said so.",
            "Israeli Prime Minister Benjamin Netanyahu",
            "Benjamin Netanyahu",
        ),
        ("The unit is led by Maj. Gen. Aharon Haliva.", "Maj. Gen. Aharon Haliva", "Aharon Haliva"),
        ("Treasury Secretary James A. Baker agreed.", "Treasury Secretary James A. Baker", "James A. Baker"),
        ("Vladimir Putin spoke.", "Vladimir Putin", "Vladimir Putin"),  # none: the run's start
    ],
)
def test_name_start_after_the_last_title_or_affiliation(
    name_rules: NameRules, sentence: str, run: str, name: str
) -> None:
    tokens, start, cut, end = locate(sentence, run, name)
    assert name_rules.name_start(tokens, start, end) == cut


@pytest.mark.parametrize(
    ("sentence", "run", "word"),
    [
        ("Israeli Prime Minister Benjamin Netanyahu said so.", "Israeli Prime Minister Benjamin Netanyahu", "Israeli"),
        ("Maj. Gen. Aharon Haliva spoke.", "Maj. Gen. Aharon Haliva", "Maj"),
        ("Maj. Gen. Aharon Haliva spoke.", "Maj. Gen. Aharon Haliva", "."),  # the dot of "Maj."
        ("Treasury Secretary James Baker agreed.", "Treasury Secretary James Baker", "Treasury"),
        ("Troops from Chad and Jordan arrived.", "Chad", "Chad"),  # a country
    ],
)
def test_not_name_title_and_affiliation_tokens(name_rules: NameRules, sentence: str, run: str, word: str) -> None:
    tokens, start, _, end = locate(sentence, run)
    assert name_rules.not_name(tokens, tokens.index(word, start), end)


@pytest.mark.parametrize(
    ("sentence", "run", "word"),
    [
        ("Transport Minister Israel Katz said so.", "Transport Minister Israel Katz", "Israel"),  # first name
        ("Chad Smith played the drums.", "Chad Smith", "Chad"),  # first name
        ("Michael Jordan scored 40 points.", "Michael Jordan", "Jordan"),  # surname
        ("Treasury Secretary James Baker agreed.", "Treasury Secretary James Baker", "James"),
    ],
)
def test_not_name_keeps_country_words_used_as_names(name_rules: NameRules, sentence: str, run: str, word: str) -> None:
    tokens, start, _, end = locate(sentence, run)
    assert not name_rules.not_name(tokens, tokens.index(word, start), end)


def test_surname_like_a_capitalised_unknown_word(name_rules: NameRules) -> None:
    assert name_rules.surname_like("Katz")


@pytest.mark.parametrize("token", ["katz", "Treasury", "Israel", "IMF"])  # lower case, stop word, country, org
def test_surname_like_not_a_lower_case_stop_country_or_org_word(name_rules: NameRules, token: str) -> None:
    assert not name_rules.surname_like(token)


@pytest.mark.parametrize("name", ["Benjamin Netanyahu", "Javier Perez de Cuellar", "Michael Jordan"])
def test_name_words_plausible(name_rules: NameRules, name: str) -> None:
    assert name_rules.name_words(tokenize(name))


@pytest.mark.parametrize(
    "name",
    [
        "OPEC",  # all caps
        "Frank B.",  # "Frank B. Hall and Co" cut at the initial
        "Deutsche Kommunalbank",  # a bank
        "Jordan",  # a country alone
        "de Cuellar",  # not capitalised
        "Juan Carlos de la Vega",  # more than four words
    ],
)
def test_name_words_not_plausible(name_rules: NameRules, name: str) -> None:
    assert not name_rules.name_words([t for t in tokenize(name) if t != "."])


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("Volcker said the dollar had fallen enough.", "Volcker"),  # not a common word
        ("Young said taxes would rise.", "Young"),  # a common word, but a speech verb follows
    ],
)
def test_lone_candidate_a_possible_surname(name_rules: NameRules, sentence: str, word: str) -> None:
    tokens, start, _, end = locate(sentence, word)
    assert name_rules.lone_candidate(tokens, start, end)


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("Analysts said demand was weak.", "Analysts"),
        ("Officials said so.", "Officials"),
        ("Prices were rolled back, the official Tanjug news agency said.", "Tanjug"),
        ("The story ran in the Xinhua newspaper.", "Xinhua"),
        ("Young people will pay more.", "Young"),  # a common word, no speech verb
    ],
)
def test_lone_candidate_not_a_plural_common_word_or_a_news_agency(
    name_rules: NameRules, sentence: str, word: str
) -> None:
    tokens, start, _, end = locate(sentence, word)
    assert not name_rules.lone_candidate(tokens, start, end)


# -- through the extractor ---------------------------------------------------------------------------


def test_titles_and_ranks_are_stripped(extract: Extract) -> None:
    ents = extract("The unit is led by Maj. Gen. Aharon Haliva, and Treasury Secretary James A. Baker agreed.")
    assert ents.persons == ("Aharon Haliva", "James Baker")


@pytest.mark.parametrize(
    ("body", "persons", "countries"),
    [
        ("Michael Jordan scored 40 points in Chicago.", ("Michael Jordan",), ("United States",)),
        ("Chad Smith played the drums.", ("Chad Smith",), ()),
        ("Troops from Chad and Jordan arrived.", (), ("Chad", "Jordan")),
        ("Transport Minister Israel Katz said so.", ("Israel Katz",), ()),
    ],
)
def test_country_words_as_first_names(
    extract: Extract, body: str, persons: tuple[str, ...], countries: tuple[str, ...]
) -> None:
    ents = extract(body)
    assert ents.persons == persons
    assert ents.countries == countries


def test_the_reagan_administration_is_not_the_person(extract: Extract) -> None:
    ents = extract("Officials of the Reagan administration met farmers in Iowa.", when=D1987)
    assert ents.persons == () and ents.surnames == ()


@pytest.mark.parametrize(
    "body",
    [
        "Officials in Los Angeles and Buenos Aires agreed.",
        "Costa Rica and Nova Scotia signed the accord.",
        "Prices rose in Des Moines, grain dealers said.",
        "Farmers in Mato Grosso and La Pampa planted more soybeans.",  # states and provinces (ISO 3166-2)
    ],
)
def test_place_names_are_not_persons(extract: Extract, body: str) -> None:
    ents = extract(body, when=D1987)
    assert ents.persons == () and ents.surnames == ()


@pytest.mark.parametrize(
    "body",
    [
        "The Foreign Agricultural Service said exports rose.",
        "The Energy Information Administration said stocks fell.",
        "Prices were rolled back, the official Tanjug news agency said.",
        "The Reagan Administration rejected the bill.",
        "Finance Ministers met in Paris.",
    ],
)
def test_institutions_and_affiliation_words_are_not_persons(extract: Extract, body: str) -> None:
    ents = extract(body, when=D1987)
    assert ents.persons == () and ents.surnames == ()


def test_affiliation_word_after_a_title_and_misspelt_titles(extract: Extract) -> None:
    ents = extract("Indonesian Minister of Mines and Energy Subroto told Reuters.", when=D1987)
    assert ents.persons == ("Subroto",)
    ents = extract("U.S. Trade Represenative Clayton Yeutter predicted a deal.", when=D1987)
    assert ents.persons == ("Clayton Yeutter",)
    ents = extract("Dutch Finance Miniister H. Onno Ruding said so.", when=D1987)
    assert ents.persons == ("Onno Ruding",)


def test_a_name_after_an_article_is_no_person(extract: Extract) -> None:
    ents = extract("Shares in the Cheung Kong group were suspended, the Hang Seng said.", when=D1987)
    assert ents.persons == () and ents.surnames == ()
    ents = extract("The Rev. Jesse Jackson spoke.", when=D1987)
    assert ents.persons == ("Jesse Jackson",)


@pytest.mark.parametrize(
    ("body", "persons"),
    [
        ('"Chasing yields," William Byers, of Bear Stearns, said.', ("William Byers",)),
        ("Steven Eisenberg of Bear Stearns said so.", ("Steven Eisenberg",)),
        ("Joe Riccardo, associate director of Bear Stearns, agreed.", ("Joe Riccardo",)),
        ("Bonds held up, said Smith Barney Harris Upham analyst Craig Sloane.", ("Craig Sloane",)),
        ("Bank of Japan Governor Satoshi Sumita spoke.", ("Satoshi Sumita",)),
    ],
)
def test_affiliations_after_of_and_before_analyst_are_not_persons(
    extract: Extract, body: str, persons: tuple[str, ...]
) -> None:
    assert extract(body, when=D1987).persons == persons


def test_misspelt_title_is_skipped_but_an_unknown_first_name_is_not(extract: Extract) -> None:
    assert "Wheeler Jr" not in extract("Hinckley succeeds Wilmot Wheeler Jr, who retires.", when=D1987).persons
    assert extract("Minister Rha Woong Bae said so.", when=D1987).persons == ("Rha Woong Bae",)


@pytest.mark.parametrize(
    ("body", "persons"),
    [
        ("Peter Beutel, oil analyst with Elders Futures, agreed.", ("Peter Beutel",)),
        ("In a speech to the San Francisco Chamber of Commerce, Tom Clausen spoke.", ("Tom Clausen",)),
    ],
)
def test_employer_after_a_role_and_places_cut_by_a_title_word(
    extract: Extract, body: str, persons: tuple[str, ...]
) -> None:
    assert extract(body, when=D1987).persons == persons


@pytest.mark.parametrize(
    ("body", "persons"),
    [
        ("Allies include Vice-President George Bush.", ("George Bush",)),
        ("He wrote to U.N. Secretary-General Javier Perez de Cuellar.", ("Javier Perez de Cuellar",)),
        ("It followed the resignation of Minister of Planning Joao Sayad.", ("Joao Sayad",)),
        ("Michael Davidoff, head trader for Ivan Boesky's Seemala Corp, agreed.", ("Michael Davidoff", "Ivan Boesky")),
        ("J. Hugh Liedtke spoke.", ("Hugh Liedtke",)),
    ],
)
def test_hyphenated_titles_long_unknown_words_and_owners(extract: Extract, body: str, persons: tuple[str, ...]) -> None:
    assert extract(body, when=D1987).persons == persons


@pytest.mark.parametrize(
    ("body", "persons"),
    [
        ("Chairman of the FCA Frank Naylor agreed.", ("Frank Naylor",)),
        ("It won best director for Oliver Stone.", ("Oliver Stone",)),
        ("It replaced him as president with Stephen Fischer.", ("Stephen Fischer",)),
        ("Peter Fellner, economist at James Capel, said so.", ("Peter Fellner",)),
    ],
)
def test_acronyms_before_names_and_employers_only_after_employee_roles(
    extract: Extract, body: str, persons: tuple[str, ...]
) -> None:
    assert extract(body, when=D1987).persons == persons


# -- people in results copy and general copy without a known first name (bench/entity_mentions.py) ------------


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Somerset 83 and 174 (P. Simmons 4-38).", "P. Simmons"),  # an initial
        ("Mats Lanner (Sweden) 64 71, Jeff Hawksworth 67 68.", "Mats Lanner"),  # a country in brackets
        ("Jiri Novak (Czech Republic) beat him.", "Jiri Novak"),
        ("Tarak Das, 70, was picked up.", "Tarak Das"),  # an age
        ("Xinhua quoted Tang Shubei, executive vice chairman of the body.", "Tang Shubei"),  # a title in apposition
        ("Abyss DeJesus, the girl, is two.", "Abyss DeJesus"),
        ("Saeed Anwar c Inzamam-ul-Haq b Wasim Akram 176", "Wasim Akram"),  # results copy
    ],
)
def test_person_context_shows_a_person(name_rules: NameRules, sentence: str, name: str) -> None:
    tokens, _, cut, end = locate(sentence, name)
    assert name_rules.person_context(tokens, cut, end)


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Sheep could contract Bovine Spongiform Encephalopathy (BSE) too.", "Bovine Spongiform Encephalopathy"),
        ("In Tirana: Flamurtari Vlore (Albania) 0.", "Albania"),  # a country is no person
        ("Profits at Acme Widgets, the unit, rose.", "Acme Widgets"),  # no title in the apposition
        ("Sales at Acme Widgets, 1996, rose.", "Acme Widgets"),
        ("O Globo daily said so.", "O Globo"),  # a one-letter word without a dot is no initial
    ],
)
def test_person_context_not_for_acronyms_firms_and_dates(name_rules: NameRules, sentence: str, name: str) -> None:
    tokens, _, cut, end = locate(sentence, name)
    assert not name_rules.person_context(tokens, cut, end)


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Guus Hiddink recalled midfielder Wim Jonk.", "Wim Jonk"),
        ("The kidnappers seized his wife Jetty Kors.", "Jetty Kors"),
        ("The shopping center developer Edward DeBartolo made a bid.", "Edward DeBartolo"),
    ],
)
def test_titled_by_a_lower_case_noun_for_a_person(name_rules: NameRules, sentence: str, name: str) -> None:
    tokens, _, cut, _ = locate(sentence, name)
    assert name_rules.titled(tokens, cut)


def test_titled_not_by_a_capitalised_noun_for_a_person(name_rules: NameRules) -> None:
    """Only the lower-case word counts: a capitalised "Centre" may be a place or the start of a sentence."""
    tokens, _, cut, _ = locate("Centre Point Mulder opened.", "Point Mulder")
    assert not name_rules.titled(tokens, cut)


@pytest.mark.parametrize(
    ("sentence", "word", "evidence"),
    [
        ("Bayern Munich 4 (Klinsmann 15th, Zieger 24th)", "Klinsmann", "context"),  # a scorer's minute
        ("Lens 3 (Vairelles 8th, Smicer 90th) Montpellier 2", "Smicer", "context"),
        ("Aamir Sohail c Cork b Croft 46", "Cork", "context"),  # a cricket catcher and bowler
        ("Aamir Sohail c Cork b Croft 46", "Croft", "context"),
        ("Volcker said the dollar fell.", "Volcker", "surname"),
        ("Prices rose on Friday 13th March.", "March", "surname"),
    ],
)
def test_lone_evidence_of_results_copy(name_rules: NameRules, sentence: str, word: str, evidence: str) -> None:
    tokens, _, cut, end = locate(sentence, word)
    assert name_rules.lone_evidence(tokens, cut, end) == evidence


@pytest.mark.parametrize(
    ("word", "plural"),
    [("MPs", True), ("CEOs", True), ("Members", True), ("Senators", True), ("Ministers", True), ("Jones", False)],
)
def test_group_plural(name_rules: NameRules, word: str, plural: bool) -> None:
    assert name_rules.group_plural(word) is plural


def test_initial_common_word_keeps_initials_and_names_in_results(name_rules: NameRules) -> None:
    assert name_rules.initial_common_word(tokenize("Following the talks, prices rose."), 1)
    assert not name_rules.initial_common_word(tokenize("G. Thorpe lbw b Mushtaq Ahmed 54"), 3)
    tokens = tokenize("Sun Jian (China) beat Gong Zhichao (China) 11-2 11-5")
    assert not name_rules.initial_common_word(tokens, 2)  # "Sun" opens a name its context shows
    assert name_rules.initial_common_word(tokenize("But Weizman, a former defence minister, agreed."), 2)
    assert name_rules.initial_common_word(tokenize("Left-back Hinchcliffe, 27, replaces him."), 2)


@pytest.mark.parametrize(
    ("body", "persons"),
    [
        ("England 326 (J. Crawley 106, G. Thorpe 54; Waqar Younis 4-95).", ("J. Crawley", "G. Thorpe", "Waqar Younis")),
        ("A. Stewart b Mushtaq Ahmed 44", ("A. Stewart", "Mushtaq Ahmed")),  # "A." is an initial, not the article
        ("Dally Randriantefy (Madagascar) beat Jane Chi (U.S.) 6-3 6-1", ("Dally Randriantefy", "Jane Chi")),
        ("Guus Hiddink on Monday recalled midfielder Wim Jonk.", ("Guus Hiddink", "Wim Jonk")),
        ("Jan Siemerink (Netherlands) beat Jiri Novak (Czech Republic)", ("Jan Siemerink", "Jiri Novak")),  # "Jan"
        ("He beat Cedric Pioline of France and Christian Ziege.", ("Cedric Pioline", "Christian Ziege")),
        ("Prime Minister Abdul-Karim al-Kabariti spoke. Kabariti said so.", ("Abdul-Karim al-Kabariti",)),
    ],
)
def test_people_in_results_and_general_copy(extract: Extract, body: str, persons: tuple[str, ...]) -> None:
    assert extract(body).persons == persons


def test_scorers_and_scorecards_name_people_by_surname(extract: Extract) -> None:
    """A single name where results copy writes only people is a person even though no full name resolves it."""
    ents = extract("St Pauli 4 (Driller 15th, Trulsen 54th) Schalke 4 (Max 11th).")
    assert set(ents.persons) == {"Driller", "Trulsen", "Max"}
    assert set(extract("Saeed Anwar c Croft b Cork 176").persons) == {"Saeed Anwar", "Croft", "Cork"}


@pytest.mark.parametrize(
    "body",
    [
        "Several Lib Dem MPs voted against the bill.",  # a party or group plus a plural noun
        "Labour Members met Tory Senators on Monday.",
        "The Federated States and Palau signed the accord.",  # gazetteer-like names
        "Officials in Yaren District said the plant would open.",
        "Ross County beat Sheffield United 2-1 and Queens Park Rangers drew.",  # teams
        "Major League Baseball owners met on Thursday.",
        "He won the Hong Kong Open on Sunday.",  # a multi-word place opens no name
    ],
)
def test_groups_divisions_and_teams_are_not_persons(extract: Extract, body: str) -> None:
    ents = extract(body)
    assert ents.persons == () and ents.surnames == ()
