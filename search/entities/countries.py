"""Country rules: the dateline's place, gazetteer spans, country words that name something else, history.

Used by :class:`search.entities.EntityExtractor`; the tables come from :mod:`search.entities.gazetteer`.
"""

from __future__ import annotations

import itertools
import re
from datetime import date

from search.entities import gazetteer, nlp
from search.entities.lexicon import BIRD_NEIGHBOURS, CURRENCY_WORDS, FIRM_SUFFIXES, NAME_STOPWORDS, TITLES

_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"  # wire typos too: "Marchg 12", "Apri 13"
_PLACE = r"[A-Z][A-Za-z .'&-]{1,40}?(?:,\s*[A-Z][A-Za-z .'&-]{1,30}?){0,2}"
_DATE = r"(?i:" + _MONTHS + r")\s+\d{1,2}\b"
# "TOKYO, March 3", "SAN JOSE, Costa Rica, March 5"; an ALL-CAPS place needs no comma ("JOHANNESBURG March 13"),
# others do ("Jan Siemerink beat Jiri Novak 6-3" is no dateline); "LONDON 1996-08-30" (an ISO date, CoNLL-2003)
_DATELINE_RE = re.compile(
    "|".join(
        (
            r"\s*(" + _PLACE + r"),\s*" + _DATE,
            r"\s*([A-Z][A-Z .'&-]{1,40}?(?:,\s*[A-Z][A-Za-z .'&-]{1,30}?){0,2}),?\s+" + _DATE,
            r"\s*(" + _PLACE + r"),?\s+\d{4}-\d{2}-\d{2}\b",
        )
    )
)
# "LONDON - " (a dateline without a date)
_DATELINE_NODATE_RE = re.compile(r"\s*([A-Z][A-Z .'&-]{2,40}?(?:,\s*[A-Z][A-Za-z .'&-]{1,30}?){0,2}),?\s+-\s")
# A byline line before the dateline ("Colleen Siegel\nJERUSALEM 1996-08-22"): up to six words, no digit, no period.
_BYLINE_RE = re.compile(r"^\s*((?:[^\W\d_][\w'’-]*\.? ?){1,6})\n")


class CountryRules:
    """Tables and rules that type country and organisation words; built once per extractor."""

    def __init__(self) -> None:
        self.countries = gazetteer.country_keys()
        self.orgs = gazetteer.org_keys()
        self._titles = TITLES
        self._stop_lower = nlp.stop_words() | {t.lower() for t in NAME_STOPWORDS}
        self._words = nlp.english_words()
        self._cities = gazetteer.dateline_cities()
        self._regions = {_abbrev(row[0]): row[1] for row in gazetteer.read_table("dateline_regions.tsv")}

    def split_dateline(self, body: str) -> tuple[str | None, str]:
        """(the dateline's place text or None, the body without the dateline). The dateline opens the body or
        follows a one-line byline ("Colleen Siegel" on a line of its own), which stays in the body."""
        byline = _BYLINE_RE.match(body)
        skip = byline.end() if byline else 0
        for start in dict.fromkeys((0, skip)):
            match = _DATELINE_RE.match(body, start) or _DATELINE_NODATE_RE.match(body, start)
            if match is not None:
                return next(g for g in match.groups() if g), body[:start] + body[match.end() :]
        return None, body

    def dateline_country(self, text: str) -> tuple[str, str] | None:
        """(surface, country) of a dateline: "TOKYO" -> Japan; "RICHMOND, Va." and "SAN JOSE, Costa Rica" by
        their last part; any city of 15,000+ people counts here, since a dateline is always a place."""
        parts = [p.strip() for p in text.split(",") if p.strip()]
        for part in reversed(parts):
            words = " ".join(_title_case(w) for w in part.split())
            place = self.countries.get(gazetteer.key(words))
            country = place.country if place and place.country != gazetteer.NOT_A_COUNTRY else None
            country = country or self._regions.get(_abbrev(part))
            if country is None and part is parts[0]:
                country = self._cities.get(words)
            if country:
                return part, country
        return None

    def spans(self, tokens: list[str]) -> list[tuple[int, int, str, str]]:
        """Longest matches (start, end, kind, value) of orgs and countries among capitalised tokens."""
        spans = []
        i = 0
        while i < len(tokens):
            if not tokens[i][:1].isupper():
                i += 1
                continue
            for n in range(min(gazetteer.MAX_KEY_TOKENS, len(tokens) - i), 0, -1):
                k = tuple(tokens[i : i + n])
                if k in self.orgs:
                    spans.append((i, i + n, "org", self.orgs[k]))
                    break
                if k in self.countries:
                    spans.append((i, i + n, "country", self.countries[k].country))
                    break
            else:
                i += 1
                continue
            i = spans[-1][1]
        return spans

    def is_region(self, key: tuple[str, ...]) -> bool:
        """A multi-country region ("Latin America"): matched only so its words are not read as a country."""
        place = self.countries.get(key)
        return place is not None and place.country == gazetteer.NOT_A_COUNTRY

    def on_date(self, country: str, when: date | None) -> str:
        """The state meant on that date: Georgia before 1991 is the US state; then periods.tsv (Soviet Union)."""
        if country == "Georgia" and when is not None and when.year < 1991:
            return "United States"
        return gazetteer.in_period(country, when)

    def not_the_country(self, tokens: list[str], start: int, end: int) -> bool:
        """A country word that names something else: a currency ("U.S. dlrs", "Swiss francs"), a company
        ("Swiss Bank Corp", "Texaco Canada"), a product or region it is part of (:meth:`_inside_a_name`), a
        listing venue ("listed in Luxembourg"), the bird ("turkey prices"), or a multi-country region ("Latin
        America")."""
        if self.is_region(tuple(tokens[start:end])):
            return True
        if end < len(tokens) and tokens[end].lower() in CURRENCY_WORDS:
            return True
        after = tokens[end : end + 2]  # "Saitama Bank", "Swiss Bank Corp", "British Petroleum Co"
        if (
            tokens[start] != "U.S."
            and after
            and (
                after[0] in FIRM_SUFFIXES or (len(after) == 2 and after[0][:1].isupper() and after[1] in FIRM_SUFFIXES)
            )
        ):
            return True
        if start > 0 and self._company_word(tokens[start - 1]):
            return True  # "Texaco Canada", "Chrysler Canada Ltd": a subsidiary's name
        if self._inside_a_name(tokens, start, end):
            return True
        before = [t.lower() for t in tokens[max(0, start - 4) : start]]
        if ("listed" in before or "listing" in before) and before[-1:] in (["in"], ["on"], ["the"]):
            return True  # "will be listed in Luxembourg": the listing venue (an exchange) of a bond issue
        return self._is_bird(tokens, start)

    def _inside_a_name(self, tokens: list[str], start: int, end: int) -> bool:
        """A place word inside a longer name: a multi-country region's adjective ("Latin American" is no
        American, "Southeast Asian"), or a state or city naming a product, an index or a team by a common word
        after it ("West Texas Intermediate", "Texas Instruments", "Dallas Cowboys"); not an institution there
        ("Tokyo Stock Exchange")."""
        word = tokens[start]
        if start > 0 and end == start + 1 and any(self.is_region((tokens[start - 1], word[:-k])) for k in (1, 2)):
            return True
        place = self.countries.get(tuple(tokens[start:end]))
        after = tokens[end] if end < len(tokens) else ""
        if any(t.lower() in self._stop_lower for t in itertools.takewhile(lambda t: t[:1].isupper(), tokens[end:])):
            return False  # an institution there: "St Louis Merchants Exchange", "Tokyo Stock Exchange"
        return (
            place is not None
            and place.kind in ("region", "city")
            and after[:1].isupper()
            and (after.lower() in self._words or after.lower()[:-1] in self._words)  # "Intermediate", "Instruments"
            and self._company_word(after)
        )

    def _company_word(self, token: str) -> bool:
        """A capitalised word that is neither a place, a title nor a function word: part of a firm's name."""
        if not token[:1].isupper() or token.isupper() or token.lower() in self._stop_lower:
            return False
        return (token,) not in self.countries and (token,) not in self.orgs and token.lower() not in self._titles

    def _is_bird(self, tokens: list[str], i: int) -> bool:
        """ "Turkey" the bird: next to a poultry/market word ("Turkey production", "chicken and turkey")."""
        near = {t.lower() for t in tokens[max(0, i - 3) : i + 3]}
        return tokens[i] == "Turkey" and bool(near & BIRD_NEIGHBOURS)


def _title_case(word: str) -> str:
    """ "TOKYO" -> "Tokyo", "ST." -> "St."; abbreviations with inner dots ("N.Y.") stay as they are."""
    return word.capitalize() if word.isupper() and word.rstrip(".").isalpha() and len(word) > 2 else word


def _abbrev(text: str) -> str:
    """Key for state abbreviations with or without dots: "N.Y." / "NY" -> "ny", "W. Va." -> "wva"."""
    return text.replace(".", "").replace(" ", "").lower()
