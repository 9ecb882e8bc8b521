"""The entity extractor end to end (search/entities/extractor.py): the seed article, folding a person's
mentions, ALL-CAPS headlines, organisations, mentions, and the rules that live in the extractor itself
(sentence-initial common words, institution words, titled mononyms, the NLTK resources it needs).

The rules of names.py, persons.py, countries.py and salience.py have their own test files.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import nltk
import pytest

from search.entities import EntityExtractor
from search.indexing.registry import PersonRegistry, resolve_persons
from search.models import Article, Entities, Mention

from support import SHARED

D1987 = datetime(1987, 3, 3, tzinfo=timezone.utc)
D2018 = datetime(2018, 12, 10, tzinfo=timezone.utc)

Extract = Callable[..., Entities]


def test_seed_article_comes_out_exactly(extractor: EntityExtractor) -> None:
    text = (SHARED / "corpora" / "seed" / "000_f00f6371fd1e7e98.txt").read_text(encoding="utf-8")
    article = Article(id="seed", title=text.split("\n")[0], body=text, published=D2018)
    ents = extractor.extract(article)
    # the text's misspelt "Igor Konashenko" folds into Igor Konashenkov (same first name and story)
    assert len(ents.persons) == 5
    assert set(ents.persons) == {
        "Aharon Haliva",
        "Benjamin Netanyahu",
        "Vladimir Putin",
        "Israel Katz",
        "Igor Konashenkov",
    }
    assert {"Israel", "Russia", "Syria", "Lebanon", "Iran"} <= set(ents.countries)
    assert {"IDF", "Hezbollah"} <= set(ents.orgs)
    # "Israel" is found in its own right, not only inside the name Israel Katz
    assert Mention("Israel", "country", "Israel") in ents.mentions
    assert Mention("Israeli", "country", "Israel") in ents.mentions
    assert Mention("Putin", "person", "Vladimir Putin") in ents.mentions
    assert not any(m.kind == "country" and m.text == "Israel Katz" for m in ents.mentions)
    keys = [(m.text, m.kind) for m in ents.mentions]
    assert len(keys) == len(set(keys))


def test_extractor_needs_its_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    from search.entities import nlp
    from search.errors import MissingResource

    real_find = nltk.data.find

    def find(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("taggers/"):
            raise LookupError(name)
        return real_find(name, *args, **kwargs)

    monkeypatch.setattr(nltk.data, "find", find)
    with pytest.raises(MissingResource, match="averaged_perceptron_tagger_eng"):
        EntityExtractor()
    assert nlp.missing_resources() == ["averaged_perceptron_tagger_eng"]


# -- folding a person's mentions ---------------------------------------------------------------------


def test_later_surname_folds_into_full_name(extract: Extract) -> None:
    ents = extract("Russian President Vladimir Putin spoke. Later Putin said he agreed. President Putin left.")
    assert ents.persons == ("Vladimir Putin",)
    assert ents.surnames == ()
    assert Mention("Putin", "person", "Vladimir Putin") in ents.mentions


def test_family_name_first_folds_too(extract: Extract) -> None:
    ents = extract("Chinese leader Deng Xiaoping met the delegation. Deng said reforms would go on.")
    assert ents.persons == ("Deng Xiaoping",)


def test_unresolved_lone_surname_goes_to_surnames(extract: Extract) -> None:
    ents = extract("Volcker said the dollar had fallen enough.", when=D1987)
    assert ents.persons == ()
    assert ents.surnames == ("Volcker",)


def test_titled_mononym_is_a_person_until_the_registry_knows_better(extract: Extract) -> None:
    ents = extract("Indonesian Energy Minister Subroto said output would rise.", when=D1987)
    assert ents.persons == ("Subroto",)
    assert ents.surnames == ("Subroto",)
    assert resolve_persons(ents, PersonRegistry()).persons == ("Subroto",)
    registry = PersonRegistry()
    registry.add("a", ["Ali Subroto"])
    registry.add("b", ["Ali Subroto"])
    assert resolve_persons(ents, registry).persons == ("Ali Subroto",)


# -- sentence-initial common words and institution words ---------------------------------------------


def test_sentence_initial_common_words_are_not_entities(extract: Extract) -> None:
    ents = extract("Sales rose 10 pct. Following the meeting, Analysts said Demand was weak.")
    assert (ents.persons, ents.countries, ents.orgs, ents.surnames, ents.mentions) == ((), (), (), (), ())


def test_a_common_word_surname_is_his_mention_once_his_full_name_is_known(
    extract: Extract, miyazawa_story: list[str]
) -> None:
    """ "Baker told ..." at a sentence start is James Baker, not the trade, once the story has named him."""
    e = extract(
        " ".join([*miyazawa_story[:6], "Treasury Secretary James Baker met him.", "Baker told reporters nothing."]),
        when=D1987,
    )
    assert e.persons == ("Kiichi Miyazawa", "James Baker")
    assert Mention("Baker", "person", "James Baker") in e.mentions


def test_a_sentence_initial_common_word_is_no_mention_of_a_namesake(extract: Extract) -> None:
    e = extract(
        "Finance Minister James Young said taxes would rise. Young people will pay more, economists said.", when=D1987
    )
    assert e.persons == ("James Young",)
    assert Mention("Young", "person", "James Young") not in e.mentions


def test_institution_word_cuts_the_name(extract: Extract) -> None:
    ents = extract("Banque Paribas led the issue.", when=D1987)
    assert ents.persons == () and "Banque Paribas" not in ents.surnames


def test_institution_word_hides_the_rest_of_the_name_but_plural_titles_do_not(extract: Extract) -> None:
    ents = extract("Banca Commerciale Italiana and Deutsche Kommunalbank led the loan.", when=D1987)
    assert ents.persons == () and ents.surnames == ()
    ents = extract("Prime Ministers Zhao Ziyang of China and Anibal Cavaco Silva met.", when=D1987)
    assert ents.persons == ("Zhao Ziyang", "Anibal Cavaco Silva")


# -- ALL-CAPS headlines ------------------------------------------------------------------------------


def test_all_caps_headline_only_gives_known_entities(extract: Extract) -> None:
    ents = extract(
        "LONDON, March 3 - Oil ministers of OPEC met on Tuesday.",
        title="OPEC SAYS SAUDI OUTPUT WILL FALL, TURKEY TALKS SET",
        when=D1987,
    )
    assert ents.persons == ()
    assert ents.countries == ("United Kingdom", "Saudi Arabia")
    assert ents.orgs == ("OPEC",)


def test_caps_headline_surname_is_left_for_the_registry(extract: Extract) -> None:
    ents = extract("", title="TREASURY'S BAKER SAYS DOLLAR FALL IS ENOUGH", when=D1987)
    assert ents.surnames == ("Baker",)
    registry = PersonRegistry()
    registry.add("a", ["James Baker"])
    registry.add("b", ["James Baker"])
    assert resolve_persons(ents, registry).persons == ("James Baker",)


def test_caps_headline_full_name_and_firms_named_like_people(extract: Extract) -> None:
    ents = extract("", title="WHITE HOUSE'S HOWARD BAKER SAYS REAGAN TO SPEAK", when=D1987)
    assert ents.persons == ("Howard Baker",)
    ents = extract("Analysts at Merrill Lynch and Arthur Andersen agreed.", when=D1987)
    assert ents.persons == () and ents.orgs == ("Merrill Lynch", "Arthur Andersen")


def test_caps_headline_firm_is_no_full_name(extract: Extract) -> None:
    ents = extract("", title="ROYAL BANK SAYS PROFITS ROSE", when=D1987)
    assert ents.persons == () and ents.surnames == ()


def test_no_lone_surname_from_a_place_or_a_headline_word(extract: Extract) -> None:
    """ "Arabia" of "Saudi Arabia" and "PRICE" after "OIL" (a title word: "Oil Minister") in an ALL-CAPS
    headline are no surnames (the corpus registry would resolve them to some "X Arabia" or "Y Price")."""
    e = extract(
        "RIYADH, June 2 - Saudi Arabia's Oil Minister Hisham Nazer said Riyadh would not agree to a cut in oil prices.",
        title='SAUDI ARABIA WILL NOT AGREE "MAD" OIL PRICE RISE',
        when=D1987,
    )
    assert e.persons == ("Hisham Nazer",) and e.surnames == ()


def test_headline_surname_kept_when_no_common_word(extract: Extract) -> None:
    e = extract(
        "WASHINGTON, March 3 - The Federal Reserve will act, its chairman said.",
        title="VOLCKER SAYS FED WILL ACT",
        when=D1987,
    )
    assert e.surnames == ("Volcker",)
    e = extract(
        "WASHINGTON, March 3 - Treasury Secretary James Baker said the dollar had fallen enough. Baker told reporters.",
        title="TREASURY'S BAKER SAYS DOLLAR FALL ENOUGH",
        when=D1987,
    )
    assert e.persons == ("James Baker",) and e.surnames == ()


# -- organisations and mentions ----------------------------------------------------------------------


def test_orgs_by_acronym_and_full_name(extract: Extract) -> None:
    ents = extract("The International Monetary Fund, the World Bank and GATT met; the IMF said.")
    assert ents.orgs == ("IMF", "World Bank", "GATT")
    assert Mention("International Monetary Fund", "org", "IMF") in ents.mentions
    assert Mention("IMF", "org", "IMF") in ents.mentions


def test_mentions_name_what_the_story_names(extract: Extract) -> None:
    """A late demonym is named (a country of the story, and a mention) though the story is not about it; a lone
    surname named once, late, is left to the registry (``surnames``, not ``surnames_about``), and when the
    registry cannot resolve it, it is no value at all."""
    lead = "The company said sales rose. Profits were higher. Costs fell. "
    ents = extract(lead + "Japanese investors bought. Zyglowski said so.")
    assert ents.countries == ("Japan",) and ents.about_values("country") == ()
    assert ents.surnames == ("Zyglowski",) and ents.surnames_about == ()
    resolved = resolve_persons(ents, PersonRegistry())
    assert resolved.persons == () and [(m.text, m.value) for m in resolved.mentions] == [("Japanese", "Japan")]


def test_late_lone_surname_resolves_as_a_person_named_in_passing(extract: Extract) -> None:
    """The registry resolves a late lone surname to a person the story names, not one it is about."""
    lead = "The company said sales rose. Profits were higher. Costs fell. Demand was weak. "
    ents = extract(lead + "Zyglowski said so.")
    registry = PersonRegistry()
    registry.add("a", ["Anna Zyglowski"])
    registry.add("b", ["Anna Zyglowski"])
    resolved = resolve_persons(ents, registry)
    assert resolved.persons == ("Anna Zyglowski",) and resolved.about_values("person") == ()
