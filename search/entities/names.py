"""Name-shape rules: which capitalised words around a name are a title, an affiliation, a place or a
common word, and whether what is left can be a person's name. Pure token tests over word lists, no NLTK
models: :class:`search.entities.EntityExtractor` runs them on every capitalised run of a sentence and asks
the NE chunker only about the names these rules leave in doubt.
"""

from __future__ import annotations

import difflib

from search.entities import gazetteer, nlp
from search.entities.lexicon import (
    AMBIGUOUS_COUNTRY_WORDS,
    ATTRIBUTIVE_NOUNS,
    EMPLOYEE_ROLES,
    GROUP_PLURALS,
    NAME_STOPWORDS,
    NAME_SUFFIXES,
    ORG_NOUNS_AFTER,
    PARTICLES,
    PERSON_NOUNS,
    ROLES_AFTER_FIRM,
    SPEECH_VERBS,
    TITLES,
    WEAK_TITLES,
)
from search.entities.persons import particle_name


class NameRules:
    """The tables behind the rules, loaded once (each gazetteer table is cached per process)."""

    def __init__(self, countries: dict, orgs: dict) -> None:
        self.countries = countries  # gazetteer keys (token tuples) of countries and their aliases, demonyms, cities
        self.orgs = orgs
        self.first = gazetteer.first_names()
        self.titles = TITLES
        self.weak_titles = WEAK_TITLES
        self.places = gazetteer.place_names()
        self.stop = NAME_STOPWORDS
        self.words = nlp.english_words()
        self.function_words = nlp.stop_words()
        self.common = nlp.common_words()

    def titled(self, tokens: list[str], cut: int) -> bool:
        """A person's title right before the name ("President", "Maj. Gen.") or a lower-case noun for a person
        ("midfielder Wim Jonk"); an affiliation word alone ("Finance", "official") is not one: "Foreign
        Agricultural Service", "the official Tanjug agency"."""
        if cut == 0:
            return False
        word = tokens[cut - 1]
        if word in PERSON_NOUNS:  # "midfielder Wim Jonk", "his wife Jetty Kors"
            return True
        if word == "." and cut > 1:
            word = tokens[cut - 2]
        if not self.is_title(word):
            return False
        if word.lower().rstrip(".") in self.weak_titles:  # "Minister of Mines and Energy Subroto"
            return any(
                t.lower().rstrip(".") in self.titles - self.weak_titles for t in tokens[max(0, cut - 5) : cut - 1]
            )
        return True

    def person_context(self, tokens: list[str], cut: int, end: int) -> bool:
        """What around a name whose first word is no known first name shows a person: a leading initial ("G.
        Thorpe", "(P. Simmons 4-38)"), results copy (:meth:`lone_evidence`: "b Wasim Akram", "(Dos Santos
        38th)"), a country in brackets after it, as results tables write people ("Mats
        Lanner (Sweden) 64 71"), an age ("Tarak Das, 70, was picked up") or a lower-case title or noun for a
        person in apposition ("Tang Shubei, executive vice chairman of ...", "Abyss DeJesus, the girl")."""
        if initial(tokens, cut) or self.lone_evidence(tokens, cut, end) == "context":
            return True
        after = tokens[end : end + 5]
        if after[:1] == ["("] and ")" in after:
            place = self.countries.get(tuple(after[1 : after.index(")")]))
            return place is not None and place.kind == "name"
        if after[:1] != [","] or len(after) < 3:
            return False
        if after[1].isdigit() and after[2] in (",", ".") and 0 < int(after[1]) < 120:
            return True
        words = after[2:] if after[1] in ("the", "a", "an", "his", "her") else after[1:]
        return any(w.islower() and (w in PERSON_NOUNS or self.strong_title(w)) for w in words[:3])

    @staticmethod
    def lone_evidence(tokens: list[str], cut: int, end: int) -> str:
        """ "context" when a single name stands where results copy writes only people, else "surname": a goal
        scorer's minute ("Klinsmann 15th", "(Nilis 42nd, Cocu 54th)") or a cricket scorecard's catcher and
        bowler ("c Cork b Croft", "lbw b Mullally")."""
        after = tokens[end : end + 2]
        if len(after) == 2 and after[0].isdigit() and after[1] in ("st", "nd", "rd", "th"):
            return "context"
        return "context" if cut > 0 and tokens[cut - 1] in ("c", "b") else "surname"

    def strong_title(self, word: str) -> bool:
        """A title that names a person's office by itself ("chairman", "vice-president"), not an affiliation."""
        return self.is_title(word) and word.lower().rstrip(".") not in self.weak_titles

    def affiliation(self, tokens: list[str], start: int, cut: int, end: int) -> bool:
        """An untitled name used as someone's affiliation, not as a person: after an article ("a Bear
        Stearns analyst", "the Cheung Kong group"), before "analyst"/"economist" ("Smith Barney Harris
        Upham analyst Craig Sloane"), after a name and "of" ("Steven Eisenberg of Bear Stearns", "William
        Byers, of Bear Stearns"), or after a lower-case title and of/with/at/for ("director of Bear Stearns",
        "analyst with Elders Futures"). A title inside the run keeps its own name: "Bank of Japan Governor
        Satoshi Sumita"."""
        if cut > 0 and tokens[cut - 1].lower() in ("a", "an", "the"):
            return True
        if end < len(tokens) and tokens[end] in ROLES_AFTER_FIRM:
            return True
        if cut != start or start < 2 or tokens[start - 1] not in ("of", "with", "at", "for"):
            return False
        before = tokens[start - 3] if tokens[start - 2] == "," and start >= 3 else tokens[start - 2]
        if before.islower():  # "associate director of Bear Stearns", "analyst with Elders Futures"
            roles = self.titles if tokens[start - 1] == "of" else EMPLOYEE_ROLES  # not "director for Oliver Stone"
            return before in roles and not (
                end < len(tokens) and tokens[end] == "'s"
            )  # "trader for Ivan Boesky's firm"
        return tokens[start - 1] == "of" and before[:1].isupper() and before.lower().rstrip(".") not in self.titles

    @staticmethod
    def attributive(tokens: list[str], name: list[str], end: int) -> bool:
        """ "the Reagan administration", "the Reagan Administration": the government, not the person."""
        return (end < len(tokens) and tokens[end].lower() in ATTRIBUTIVE_NOUNS) or any(
            t.lower() in ATTRIBUTIVE_NOUNS for t in name
        )

    def place(self, tokens: list[str], start: int, cut: int, end: int) -> bool:
        """Whether the name is, starts with or ends a multi-word place ("Buenos Aires", "Los Angeles Dodgers",
        "San |Francisco Chamber" when "San" was cut as a title word)."""
        return any(
            tuple(tokens[i:j]) in self.places
            for i in range(start, cut + 1)
            for j in range(max(i + 2, cut + 1), end + 1)
        )

    def initial_common_word(self, tokens: list[str], end: int) -> bool:
        """The sentence opens with a common word that is no first name ("Sales", "Following"), unless it is an
        initial or starts a name its context shows to be a person's ("Sun Jian (China) beat ..."; but a function
        word, a demonym or a hyphened word opens no name: "But Weizman, a former minister", "Left-back Hinchcliffe,
        27,")."""
        first = tokens[0]
        if first in self.first or initial(tokens, 0):
            return False
        if "-" in first:  # "Left-back", not "Jean-Marie"
            return all(part in self.common for part in first.lower().split("-"))
        if first.lower() not in self.words:
            return False
        if end < 2 or first.lower() in self.function_words or (first,) in self.countries:
            return True
        return not self.person_context(tokens, 0, end)

    def skip_common_words(self, tokens: list[str], cut: int, end: int) -> int:
        """Skip common words before a first name: "Exchequer Nigel Lawson" -> "Nigel Lawson"."""
        for k in range(cut, end - 1):
            if tokens[k] in self.first:
                return k
            if tokens[k].lower() not in self.words:
                return self.skip_unknown_word(tokens, cut, end)
        return cut

    def skip_unknown_word(self, tokens: list[str], cut: int, end: int) -> int:
        """Skip leading initials, an acronym, a misspelt title or an unknown long word before a first name and a
        surname: "J. Hugh Liedtke", "the FCA Frank Naylor", "Represenative Clayton Yeutter", "Minister of
        Planning Joao Sayad". Short words may be family names ("Rha Woong Bae"), and "Wilmot Wheeler Jr"
        keeps its unknown first name."""
        j = cut
        word = tokens[cut]
        if word not in self.first and (
            len(word) >= 5 or word.isupper() or difflib.get_close_matches(word.lower(), self.titles, 1, 0.85)
        ):
            j += 1
        while j < end and (tokens[j] == "." or len(tokens[j]) == 1):
            j += 1
        rest = [t for t in tokens[j:end] if t not in NAME_SUFFIXES]
        return j if j > cut and len(rest) >= 2 and tokens[j] in self.first else cut

    def is_title(self, word: str) -> bool:
        """A title word, hyphenated ones included ("Vice-President", "Secretary-General", "Minister-designate")."""
        word = word.lower().rstrip(".")
        if "-" in word:
            return all(p in self.titles or p in ("designate", "elect") for p in word.split("-"))
        return word in self.titles

    def name_start(self, tokens: list[str], start: int, end: int) -> int:
        """Index after the run's last title/affiliation token (or ``start`` when there is none)."""
        cut = start
        for j in range(start, end):
            if self.not_name(tokens, j, end):
                cut = j + 1
        return cut

    def not_name(self, tokens: list[str], j: int, end: int) -> bool:
        """A run token that belongs to a title or an affiliation ("Israeli", "Maj.", "Treasury")."""
        t = tokens[j]
        if t == ".":
            return j > 0 and tokens[j - 1].lower() in self.titles
        if self.is_title(t) or t in self.stop or (t,) in self.orgs:
            return True
        if (t,) not in self.countries:
            return False
        if t not in AMBIGUOUS_COUNTRY_WORDS:
            return True
        # "Israel Katz", "Chad Smith" (a first name), "Michael Jordan" (a surname)
        if j > 0 and tokens[j - 1] in self.first:
            return False
        return not (j + 1 < end and self.surname_like(tokens[j + 1]))

    def surname_like(self, token: str) -> bool:
        return (
            token[:1].isupper()
            and token not in self.stop
            and (token,) not in self.countries
            and (token,) not in self.orgs
        )

    def name_words(self, name: list[str]) -> bool:
        """Plausible name tokens: capitalised (or particles inside), not all caps, at most four words."""
        if len(name) > 4 or not (name[-1][:1].isupper() or particle_name(name[-1])) or not name[0][:1].isupper():
            return False
        if any(t.isupper() and len(t) > 1 for t in name) or (len(name) > 1 and len(name[-1].rstrip(".")) == 1):
            return False  # "OPEC", "Frank B. Hall and Co" cut at the initial
        if any(t.lower().endswith(("bank", "banken")) for t in name):
            return False  # "Deutsche Kommunalbank", "Westdeutsche Landesbank"
        if self.group_plural(name[-1]):
            return False  # "Lib Dem MPs"
        if (name[-1],) in self.countries and not (len(name) > 1 and name[0] in self.first):
            return False  # "Michael Jordan" is a person, "Saudi Arabia" never gets here
        return all(t[:1].isupper() or t in PARTICLES or particle_name(t) for t in name)

    def group_plural(self, word: str) -> bool:
        """A plural for a group of people, which ends no person's name: "MPs", "Members", "Senators"."""
        if len(word) > 2 and word.endswith("s") and word[:-1].isupper():
            return True
        low = word.lower()
        return low in GROUP_PLURALS or (low.endswith("s") and (low[:-1] in self.titles or low[:-1] in PERSON_NOUNS))

    def lone_candidate(self, tokens: list[str], start: int, end: int) -> bool:
        """A single capitalised word that could be a surname: not a common word, or a speech verb follows."""
        t = tokens[start]
        if not t[:1].isupper() or t.isupper() or len(t) < 3 or t in self.stop or (t,) in self.countries:
            return False
        low = t.lower()
        if low.endswith("s") and (low[:-1] in self.words or low[:-1] in self.titles):
            return False  # "Analysts", "Officials"
        if end < len(tokens) and tokens[end] in ORG_NOUNS_AFTER:
            return False  # "the official Tanjug news agency", "the Xinhua newspaper"
        return low not in self.words or (end < len(tokens) and tokens[end] in SPEECH_VERBS)


def initial(tokens: list[str], i: int) -> bool:
    """A one-letter initial and its dot opening a name: "G. Thorpe" ("A" without a dot is the article)."""
    return (
        len(tokens[i]) == 1
        and tokens[i].isupper()
        and tokens[i + 1 : i + 2] == ["."]
        and tokens[i + 2 : i + 3] != []
        and tokens[i + 2][:1].isupper()
    )
