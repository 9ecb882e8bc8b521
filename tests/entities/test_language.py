"""Each story's language (search/entities/language.py) and what the extractor does with it: the English
entity rules run on English stories and on those of no known language, never on the others."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from search.entities import EntityExtractor
from search.entities.language import identify, language_name
from search.models import Article

WHEN = datetime(2024, 3, 5, tzinfo=timezone.utc)

STORIES = {
    "English": (
        "Cabinet approves climate package",
        "The cabinet approved a new climate package on Tuesday. The chancellor said the country would meet its "
        "targets, while the opposition called the plans inadequate and demanded tougher measures.",
    ),
    "German": (
        "Bundesregierung beschließt Klimapaket",
        "Die Bundesregierung hat am Dienstag ein neues Klimapaket beschlossen. Der Kanzler sagte, das Land "
        "werde seine Ziele erreichen. Die Opposition kritisierte die Pläne als unzureichend.",
    ),
    "French": (
        "Le gouvernement présente son budget",
        "Le gouvernement a présenté mercredi son projet de budget pour l'année prochaine. Le ministre a "
        "déclaré que le pays réduirait son déficit. Les syndicats ont appelé à manifester.",
    ),
    "Spanish": (
        "El Gobierno aprueba los presupuestos",
        "El Gobierno aprobó el martes los presupuestos para el próximo año. El ministro dijo que el país "
        "reducirá el déficit y los sindicatos convocaron una huelga general.",
    ),
    "Italian": (
        "Il governo approva la manovra",
        "Il governo ha approvato martedì la legge di bilancio per il prossimo anno. Il ministro ha detto che "
        "il paese ridurrà il deficit, mentre i sindacati hanno annunciato uno sciopero.",
    ),
    "Portuguese": (
        "Governo aprova orçamento",
        "O governo aprovou na terça-feira o orçamento para o próximo ano. O ministro disse que o país vai "
        "reduzir o défice e os sindicatos convocaram uma greve geral.",
    ),
    "Dutch": (
        "Kabinet keurt klimaatpakket goed",
        "Het kabinet heeft dinsdag een nieuw klimaatpakket goedgekeurd. De minister zei dat het land zijn "
        "doelen zal halen, terwijl de oppositie de plannen onvoldoende noemde.",
    ),
}


@pytest.mark.parametrize("language", STORIES)
def test_identifies_the_stemmed_languages(language: str) -> None:
    title, body = STORIES[language]
    assert identify(title, body) == language


def test_an_all_caps_headline_alone_is_read_in_sentence_case() -> None:
    assert identify("GERMAN CABINET APPROVES NEW CLIMATE PACKAGE AFTER LONG TALKS", "") == "English"


def test_too_little_or_unclear_text_is_no_language() -> None:
    assert identify("Oil", "") == ""
    # Reuters earnings tables read as Nigerian Pidgin, unsurely: below the threshold, unknown
    assert identify("ACME CORP <ACME> 4TH QTR NET", "Shr 73 cts vs 58 cts\nNet 1,234,000 vs 987,000") == ""


def test_language_names_come_from_iso_639() -> None:
    assert language_name("de") == "German"
    assert language_name("nl") == "Dutch"
    assert language_name("zz") == "zz"


def test_a_german_page_gets_its_language_and_no_invented_persons(extractor: EntityExtractor) -> None:
    # the capitalised nouns of German read as names to the English rules ("Der Bezugsstoff")
    body = (
        "Der Bezugsstoff ist entscheidend. Brauchen Abkürzungen wirklich so viel Platz? Schwierige Frage, "
        "sagt Anna Müller vom Verbraucherverband. Die Hersteller Europas sehen das anders."
    )
    ents = extractor.extract(Article(id="de", title="Schwierige Frage für Hersteller", body=body, published=WHEN))
    assert ents.languages == ("German",)
    assert ents.about == {"lang": ("German",)}
    assert ents.persons == ents.countries == ents.orgs == ents.mentions == ()


def test_a_french_page_gets_no_invented_persons(extractor: EntityExtractor) -> None:
    title, body = STORIES["French"]
    body = "Selon Le Monde, " + body + " Grande Nouvelle pour Les Échos."
    ents = extractor.extract(Article(id="fr", title=title, body=body, published=WHEN))
    assert ents.languages == ("French",) and ents.persons == ()


def test_an_english_story_gets_its_language_and_its_entities(extractor: EntityExtractor) -> None:
    body = "BERLIN (Reuters) - Chancellor Olaf Scholz said Germany would meet its climate targets on Tuesday."
    ents = extractor.extract(Article(id="en", title="Scholz defends climate package", body=body, published=WHEN))
    assert ents.languages == ("English",)
    assert ents.about["lang"] == ("English",)
    assert "Olaf Scholz" in ents.persons and "Germany" in ents.countries


def test_a_story_of_no_known_language_still_gets_the_english_rules(extractor: EntityExtractor) -> None:
    ents = extractor.extract(Article(id="x", title="Volcker", body="Paul Volcker.", published=WHEN))
    assert ents.languages == () and "lang" not in ents.about
    assert ents.persons == ("Paul Volcker",)
