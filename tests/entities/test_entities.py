"""Entity typing and folding: persons, countries (aliases, demonyms, datelines, capitals, history), orgs."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import nltk
import pytest

from search.build.registry import PersonRegistry, resolve_persons
from search.entities import EntityExtractor
from search.entities.persons import speaking
from search.entities.salience import salient_person
from search.models import Article, Entities, Mention
from support import SHARED

if str(SHARED / "nltk_data") not in nltk.data.path:
    nltk.data.path.insert(0, str(SHARED / "nltk_data"))

D1987 = datetime(1987, 3, 3, tzinfo=timezone.utc)
D2018 = datetime(2018, 12, 10, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    return EntityExtractor()


def extract(extractor: EntityExtractor, body: str, title: str = "", when: datetime | None = D2018) -> Entities:
    return extractor.extract(Article(id="t", title=title, body=body, published=when))


def test_seed_article_comes_out_exactly(extractor):
    text = (SHARED / "corpora" / "seed" / "000_f00f6371fd1e7e98.txt").read_text(encoding="utf-8")
    article = Article(id="seed", title=text.split("\n")[0], body=text, published=D2018)
    ents = extractor.extract(article)
    persons = set(ents.persons)
    assert persons - {"Igor Konashenko"} == {
        "Aharon Haliva", "Benjamin Netanyahu", "Vladimir Putin", "Israel Katz", "Igor Konashenkov"
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


def test_titles_and_ranks_are_stripped(extractor):
    ents = extract(extractor, "The unit is led by Maj. Gen. Aharon Haliva, and Treasury Secretary James A. Baker agreed.")
    assert ents.persons == ("Aharon Haliva", "James Baker")


def test_later_surname_folds_into_full_name(extractor):
    ents = extract(extractor, "Russian President Vladimir Putin spoke. Later Putin said he agreed. President Putin left.")
    assert ents.persons == ("Vladimir Putin",)
    assert ents.surnames == ()
    assert Mention("Putin", "person", "Vladimir Putin") in ents.mentions


def test_family_name_first_folds_too(extractor):
    ents = extract(extractor, "Chinese leader Deng Xiaoping met the delegation. Deng said reforms would go on.")
    assert ents.persons == ("Deng Xiaoping",)


def test_unresolved_lone_surname_goes_to_surnames(extractor):
    ents = extract(extractor, "Volcker said the dollar had fallen enough.", when=D1987)
    assert ents.persons == ()
    assert ents.surnames == ("Volcker",)


@pytest.mark.parametrize(
    ("body", "countries"),
    [
        ("Israeli and Syrian officials met.", ("Israel", "Syria")),
        ("The U.S. and Britain agreed with the Soviet Union.", ("United States", "United Kingdom", "Soviet Union")),
        ("Talks were held in Tehran and Ankara.", ("Iran", "Turkey")),
        ("The dollar fell in Tokyo trading.", ("Japan",)),
        ("The plant in New Mexico and the one in Papua New Guinea.", ("United States", "Papua New Guinea")),
    ],
)
def test_names_aliases_demonyms_cities(extractor, body, countries):
    assert extract(extractor, body).countries == countries


@pytest.mark.parametrize(
    ("body", "countries"),
    [
        ("TOKYO, March 3 - The Finance Ministry said exports rose.", ("Japan",)),
        ("RICHMOND, Va., March 3 - Qtly div 15 cts vs 15 cts prior.", ("United States",)),
        ("SAN JOSE, Costa Rica, March 5 - Coffee exports rose.", ("Costa Rica",)),
        ("BONN, March 3 - The Bundesbank left rates unchanged.", ("West Germany",)),
    ],
)
def test_datelines(extractor, body, countries):
    assert extract(extractor, body, when=D1987).countries == countries


def test_historical_states_by_date(extractor):
    body = "Russian and German officials met in Moscow and Bonn. The Soviet delegation left."
    assert extract(extractor, body, when=D1987).countries == ("Soviet Union", "West Germany")
    assert extract(extractor, body, when=D2018).countries == ("Russia", "Germany", "Soviet Union")
    assert extract(extractor, "West German and East German trade.", when=D1987).countries == (
        "West Germany", "East Germany")


@pytest.mark.parametrize(
    ("body", "persons", "countries"),
    [
        ("Michael Jordan scored 40 points in Chicago.", ("Michael Jordan",), ("United States",)),
        ("Chad Smith played the drums.", ("Chad Smith",), ()),
        ("Troops from Chad and Jordan arrived.", (), ("Chad", "Jordan")),
        ("Transport Minister Israel Katz said so.", ("Israel Katz",), ()),
    ],
)
def test_country_words_as_first_names(extractor, body, persons, countries):
    ents = extract(extractor, body)
    assert ents.persons == persons
    assert ents.countries == countries


def test_georgia_is_the_us_state_in_1987_and_the_country_later(extractor):
    assert extract(extractor, "Farmers in Georgia planted less.", when=D1987).countries == ("United States",)
    assert extract(extractor, "Russia and Georgia signed a truce.", when=D2018).countries == ("Russia", "Georgia")


def test_turkey_the_bird_is_not_a_country(extractor):
    assert extract(extractor, "Turkey production rose 5 pct, the USDA said.").countries == ()
    assert extract(extractor, "Broiler and turkey prices fell.").countries == ()
    assert extract(extractor, "Turkey applied to join the European Community.").countries == ("Turkey",)


def test_sentence_initial_common_words_are_not_entities(extractor):
    ents = extract(extractor, "Sales rose 10 pct. Following the meeting, Analysts said Demand was weak.")
    assert ents == Entities()


def test_all_caps_headline_only_gives_known_entities(extractor):
    ents = extract(
        extractor,
        "LONDON, March 3 - Oil ministers of OPEC met on Tuesday.",
        title="OPEC SAYS SAUDI OUTPUT WILL FALL, TURKEY TALKS SET",
        when=D1987,
    )
    assert ents.persons == ()
    assert ents.countries == ("United Kingdom", "Saudi Arabia")
    assert ents.orgs == ("OPEC",)


def test_orgs_by_acronym_and_full_name(extractor):
    ents = extract(extractor, "The International Monetary Fund, the World Bank and GATT met; the IMF said.")
    assert ents.orgs == ("IMF", "World Bank", "GATT")
    assert Mention("International Monetary Fund", "org", "IMF") in ents.mentions
    assert Mention("IMF", "org", "IMF") in ents.mentions


def test_registry_resolves_lone_surnames_and_round_trips():
    registry = PersonRegistry()
    for n in range(3):
        registry.add(f"a{n}", ["Paul Volcker", "James Baker", "Paul Volcker"])
    registry.add("b", ["Howard Baker"])
    registry.add("c", ["Jane Smith"])
    registry.add("d", ["John Smith"])
    assert registry.resolve("Volcker") == "Paul Volcker"
    assert registry.resolve("Baker") == "James Baker"
    assert registry.resolve("Smith") is None  # no full name seen twice
    assert registry.resolve("Nobody") is None
    again = PersonRegistry.from_json(registry.to_json())
    assert again.resolve("Baker") == "James Baker"
    assert again.to_json() == registry.to_json()


def test_registry_forgets_what_changed_and_deleted_articles_said():
    registry = PersonRegistry()
    registry.add("a", ["Paul Volcker"])
    registry.add("b", ["Paul Volcker"])
    registry.add("c", ["Anne Volcker"])
    assert registry.resolve("Volcker") == "Paul Volcker"
    registry.add("b", ["James Baker"])  # b changed: it no longer names Paul Volcker
    assert registry.resolve("Volcker") is None  # 1 of 2: no clear winner
    registry.add("d", ["Paul Volcker"])
    assert registry.resolve("Volcker") == "Paul Volcker"
    registry.remove("d")
    registry.remove("a")
    registry.remove("nobody")
    assert registry.resolve("Volcker") is None
    assert PersonRegistry.from_json(registry.to_json()).to_json() == registry.to_json()
    registry.remove("c")
    assert len(registry) == 1  # only Baker is left


@pytest.mark.parametrize("text", [
    '{"min_count": 2, "min_share": 0.5, "names": {"volcker": {"Paul Volcker": 3}}}',  # last session's format
    '{"articles": {"a": ["Paul Volcker"]}}',
    '{"min_count": 2, "min_share": 0.5, "articles": {"a": 5}}',
    '{"min_count": 2, "min_share": 0.5, "articles": {"a": [5]}}',
    '{"min_count": "two", "min_share": 0.5, "articles": {}}',
    '[1, 2]',
    '{"min_count": 2',
])
def test_registry_rejects_an_old_broken_or_foreign_file(text):
    with pytest.raises(ValueError):
        PersonRegistry.from_json(text)


def test_resolve_persons_adds_resolved_and_drops_unresolved():
    registry = PersonRegistry()
    registry.add("a", ["Paul Volcker"])
    registry.add("b", ["Paul Volcker"])
    ents = Entities(
        persons=("James Baker",),
        surnames=("Volcker", "Zzyzx"),
        mentions=(Mention("Volcker", "person", "Volcker"), Mention("Zzyzx", "person", "Zzyzx"),
                  Mention("James Baker", "person", "James Baker")),
    )
    out = resolve_persons(ents, registry)
    assert out.persons == ("James Baker", "Paul Volcker")
    assert out.surnames == ()
    assert out.mentions == (Mention("Volcker", "person", "Paul Volcker"), Mention("James Baker", "person", "James Baker"))


def test_extractor_needs_its_resources(monkeypatch):
    from search.entities import nlp
    from search.errors import MissingResource

    real_find = nltk.data.find

    def find(name, *args, **kwargs):
        if name.startswith("taggers/"):
            raise LookupError(name)
        return real_find(name, *args, **kwargs)

    monkeypatch.setattr(nltk.data, "find", find)
    with pytest.raises(MissingResource, match="averaged_perceptron_tagger_eng"):
        EntityExtractor()
    assert nlp.missing_resources() == ["averaged_perceptron_tagger_eng"]


@pytest.mark.parametrize(
    ("body", "countries"),
    [
        ("The Canadian unit earned five mln U.S. dlrs last year in Canada.", ("Canada",)),  # a currency
        ("The bonds will be listed in Luxembourg.", ()),  # a listing venue
        ("Texaco Canada said its profit rose.", ()),  # a subsidiary's name
        ("Exports to Latin America rose.", ()),  # a region, not the United States
    ],
)
def test_country_words_that_name_something_else(extractor, body, countries):
    assert extract(extractor, body, when=D1987).countries == countries


def test_passing_demonym_is_not_a_facet_but_a_named_country_is(extractor):
    lead = "The company said sales rose. Profits were higher. Costs fell. "
    assert extract(extractor, lead + "Japanese investors bought shares.").countries == ()
    assert extract(extractor, lead + "It also sells in Japan.").countries == ("Japan",)
    assert extract(extractor, "Japanese investors bought shares. " + lead).countries == ("Japan",)
    assert extract(extractor, lead + "Japanese investors bought. Japanese banks sold.").countries == ("Japan",)


def test_titled_mononym_is_a_person_until_the_registry_knows_better(extractor):
    ents = extract(extractor, "Indonesian Energy Minister Subroto said output would rise.", when=D1987)
    assert ents.persons == ("Subroto",)
    assert ents.surnames == ("Subroto",)
    assert resolve_persons(ents, PersonRegistry()).persons == ("Subroto",)
    registry = PersonRegistry()
    registry.add("a", ["Ali Subroto"])
    registry.add("b", ["Ali Subroto"])
    assert resolve_persons(ents, registry).persons == ("Ali Subroto",)


def test_the_reagan_administration_is_not_the_person(extractor):
    ents = extract(extractor, "Officials of the Reagan administration met farmers in Iowa.", when=D1987)
    assert ents.persons == () and ents.surnames == ()


def test_caps_headline_surname_is_left_for_the_registry(extractor):
    ents = extract(extractor, "", title="TREASURY'S BAKER SAYS DOLLAR FALL IS ENOUGH", when=D1987)
    assert ents.surnames == ("Baker",)
    registry = PersonRegistry()
    registry.add("a", ["James Baker"])
    registry.add("b", ["James Baker"])
    assert resolve_persons(ents, registry).persons == ("James Baker",)


def test_caps_headline_full_name_and_firms_named_like_people(extractor):
    ents = extract(extractor, "", title="WHITE HOUSE'S HOWARD BAKER SAYS REAGAN TO SPEAK", when=D1987)
    assert ents.persons == ("Howard Baker",)
    ents = extract(extractor, "Analysts at Merrill Lynch and Arthur Andersen agreed.", when=D1987)
    assert ents.persons == () and ents.orgs == ("Merrill Lynch", "Arthur Andersen")


def test_mentions_only_name_kept_values(extractor):
    lead = "The company said sales rose. Profits were higher. Costs fell. "
    ents = extract(extractor, lead + "Japanese investors bought. Zyglowski said so.")
    assert ents.countries == () and ents.surnames == ()
    assert ents.mentions == ()


@pytest.mark.parametrize(
    "body",
    [
        "Officials in Los Angeles and Buenos Aires agreed.",
        "Costa Rica and Nova Scotia signed the accord.",
        "Prices rose in Des Moines, grain dealers said.",
        "Farmers in Mato Grosso and La Pampa planted more soybeans.",  # states and provinces (ISO 3166-2)
    ],
)
def test_place_names_are_not_persons(extractor, body):
    ents = extract(extractor, body, when=D1987)
    assert ents.persons == () and ents.surnames == ()


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
def test_firms_named_like_people_are_not_persons(extractor, body):
    ents = extract(extractor, body, when=D1987)
    assert ents.persons == () and ents.surnames == ()


def test_firm_context_and_firm_nouns(extractor):
    ents = extract(extractor, "Richard Jeffrey of brokers Hoare Govett said the budget was prudent.", when=D1987)
    assert ents.persons == ("Richard Jeffrey",)
    ents = extract(extractor, '"A credible offer," said Timothy Pettee, a Bear Stearns analyst.', when=D1987)
    assert ents.persons == ("Timothy Pettee",)
    # "and Bank of Japan ..." is no partner firm: both are people
    ents = extract(extractor, "James Baker and Bank of Japan Governor Satoshi Sumita met.", when=D1987)
    assert ents.persons == ("James Baker", "Satoshi Sumita")


def test_a_title_keeps_a_person_whose_firm_bears_his_name(extractor):
    body = "The SEC let firms of inside trader Ivan Boesky act. Ivan Boesky and Co L.P. will be repaid."
    assert extract(extractor, body, when=D1987).persons == ("Ivan Boesky",)


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
def test_institutions_and_affiliation_words_are_not_persons(extractor, body):
    ents = extract(extractor, body, when=D1987)
    assert ents.persons == () and ents.surnames == ()


def test_institution_word_cuts_the_name(extractor):
    ents = extract(extractor, "Banque Paribas led the issue.", when=D1987)
    assert ents.persons == () and "Banque Paribas" not in ents.surnames


def test_affiliation_word_after_a_title_and_misspelt_titles(extractor):
    ents = extract(extractor, "Indonesian Minister of Mines and Energy Subroto told Reuters.", when=D1987)
    assert ents.persons == ("Subroto",)
    ents = extract(extractor, "U.S. Trade Represenative Clayton Yeutter predicted a deal.", when=D1987)
    assert ents.persons == ("Clayton Yeutter",)
    ents = extract(extractor, "Dutch Finance Miniister H. Onno Ruding said so.", when=D1987)
    assert ents.persons == ("Onno Ruding",)


def test_institution_word_hides_the_rest_of_the_name_but_plural_titles_do_not(extractor):
    ents = extract(extractor, "Banca Commerciale Italiana and Deutsche Kommunalbank led the loan.", when=D1987)
    assert ents.persons == () and ents.surnames == ()
    ents = extract(extractor, "Prime Ministers Zhao Ziyang of China and Anibal Cavaco Silva met.", when=D1987)
    assert ents.persons == ("Zhao Ziyang", "Anibal Cavaco Silva")


def test_a_name_after_an_article_is_no_person(extractor):
    ents = extract(extractor, "Shares in the Cheung Kong group were suspended, the Hang Seng said.", when=D1987)
    assert ents.persons == () and ents.surnames == ()
    ents = extract(extractor, "The Rev. Jesse Jackson spoke.", when=D1987)
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
def test_affiliations_after_of_and_before_analyst_are_not_persons(extractor, body, persons):
    assert extract(extractor, body, when=D1987).persons == persons


def test_caps_headline_firm_is_no_full_name(extractor):
    ents = extract(extractor, "", title="ROYAL BANK SAYS PROFITS ROSE", when=D1987)
    assert ents.persons == () and ents.surnames == ()


def test_misspelt_title_is_skipped_but_an_unknown_first_name_is_not(extractor):
    assert "Wheeler Jr" not in extract(extractor, "Hinckley succeeds Wilmot Wheeler Jr, who retires.", when=D1987).persons
    assert extract(extractor, "Minister Rha Woong Bae said so.", when=D1987).persons == ("Rha Woong Bae",)


@pytest.mark.parametrize(
    ("body", "persons"),
    [
        ("Peter Beutel, oil analyst with Elders Futures, agreed.", ("Peter Beutel",)),
        ("In a speech to the San Francisco Chamber of Commerce, Tom Clausen spoke.", ("Tom Clausen",)),
    ],
)
def test_employer_after_a_role_and_places_cut_by_a_title_word(extractor, body, persons):
    assert extract(extractor, body, when=D1987).persons == persons


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
def test_hyphenated_titles_long_unknown_words_and_owners(extractor, body, persons):
    assert extract(extractor, body, when=D1987).persons == persons


@pytest.mark.parametrize(
    ("body", "persons"),
    [
        ("Chairman of the FCA Frank Naylor agreed.", ("Frank Naylor",)),
        ("It won best director for Oliver Stone.", ("Oliver Stone",)),
        ("It replaced him as president with Stephen Fischer.", ("Stephen Fischer",)),
        ("Peter Fellner, economist at James Capel, said so.", ("Peter Fellner",)),
    ],
)
def test_acronyms_before_names_and_employers_only_after_employee_roles(extractor, body, persons):
    assert extract(extractor, body, when=D1987).persons == persons


def test_no_lone_surname_from_a_place_or_a_headline_word(extractor):
    """"Arabia" of "Saudi Arabia" and "PRICE" after "OIL" (a title word: "Oil Minister") in an ALL-CAPS
    headline are no surnames (the corpus registry would resolve them to some "X Arabia" or "Y Price")."""
    e = extract(extractor, "RIYADH, June 2 - Saudi Arabia's Oil Minister Hisham Nazer said Riyadh would not "
                "agree to a cut in oil prices.", title='SAUDI ARABIA WILL NOT AGREE "MAD" OIL PRICE RISE', when=D1987)
    assert e.persons == ("Hisham Nazer",) and e.surnames == ()


def test_headline_surname_kept_when_no_common_word(extractor):
    e = extract(extractor, "WASHINGTON, March 3 - The Federal Reserve will act, its chairman said.",
                title="VOLCKER SAYS FED WILL ACT", when=D1987)
    assert e.surnames == ("Volcker",)
    e = extract(extractor, "WASHINGTON, March 3 - Treasury Secretary James Baker said the dollar had fallen "
                "enough. Baker told reporters.", title="TREASURY'S BAKER SAYS DOLLAR FALL ENOUGH", when=D1987)
    assert e.persons == ("James Baker",) and e.surnames == ()


STORY = [
    "Finance Minister Kiichi Miyazawa said Japan would act to stabilise the yen.",
    "He told parliament the dollar had fallen too far.",
    "Dealers said the Bank of Japan bought dollars in Tokyo.",
    "Analysts expect more intervention this week.",
    "Exporters have complained about the strong yen for months.",
    "The yen rose to 149 against the dollar on Friday.",
    "Traders expect it to stay near that level.",
]


def test_a_single_late_passing_mention_is_no_facet_value(extractor):
    """One unquoted mention in the last quarter of the story is background, not who the story is about."""
    e = extract(extractor, " ".join(STORY + ["Miyazawa will meet Chancellor Helmut Kohl next month."]), when=D1987)
    assert e.persons == ("Kiichi Miyazawa",)
    assert e.passing == ("Helmut Kohl",)
    assert not any(m.value == "Helmut Kohl" for m in e.mentions)


@pytest.mark.parametrize(
    "last",
    [
        "Chancellor Helmut Kohl said Bonn would help.",  # quoted
        "Bonn would help, said Chancellor Helmut Kohl.",  # quoted, verb first
        "Helmut Kohl, the West German chancellor, said Bonn would help.",  # quoted after an apposition
        "Chancellor Helmut Kohl will visit. Kohl has said Bonn would help.",  # named twice
    ],
)
def test_a_late_person_who_speaks_or_recurs_is_kept(extractor, last):
    e = extract(extractor, " ".join(STORY + [last]), when=D1987)
    assert e.persons == ("Kiichi Miyazawa", "Helmut Kohl")
    assert e.passing == ()


def test_a_person_in_the_lead_or_middle_is_kept_with_one_mention(extractor):
    early = STORY[:2] + ["He will meet Chancellor Helmut Kohl next month."] + STORY[2:]
    assert extract(extractor, " ".join(early), when=D1987).persons == ("Kiichi Miyazawa", "Helmut Kohl")


def test_a_common_word_surname_is_his_mention_once_his_full_name_is_known(extractor):
    """"Baker told ..." at a sentence start is James Baker, not the trade, once the story has named him."""
    e = extract(extractor, " ".join(STORY[:6] + ["Treasury Secretary James Baker met him.",
                                                 "Baker told reporters nothing."]), when=D1987)
    assert e.persons == ("Kiichi Miyazawa", "James Baker")
    assert Mention("Baker", "person", "James Baker") in e.mentions


def test_speaking_and_salience_rules():
    assert speaking("Volcker also said so".split(), 0, 1)
    assert speaking("according to Fed chairman Paul Volcker".split(), 2, 6)
    assert speaking("Paul Volcker , who left the Fed , said".split(), 0, 2)
    assert not speaking("he met Paul Volcker and left".split(), 2, 4)
    assert salient_person([(9, False), (10, False)], 12)  # twice
    assert salient_person([(1, False)], 12)  # lead
    assert salient_person([(8, False)], 12)  # before the last quarter
    assert not salient_person([(9, False)], 12)
    assert salient_person([(9, True)], 12)  # quoted
    assert salient_person([(-1, False)], 12)  # headline


def test_a_region_named_like_a_person_stays_a_person():
    """ "Diego Martin" is a region of Trinidad, but reads as a name: regions made of first names are no places."""
    from search.entities import gazetteer

    assert gazetteer.key("Diego Martin") not in gazetteer.place_names()
    assert gazetteer.key("Mato Grosso") in gazetteer.place_names()


def test_a_sentence_initial_common_word_is_no_mention_of_a_namesake(extractor):
    e = extract(extractor, "Finance Minister James Young said taxes would rise. Young people will pay more, "
                "economists said.", when=D1987)
    assert e.persons == ("James Young",)
    assert Mention("Young", "person", "James Young") not in e.mentions
