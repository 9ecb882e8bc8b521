"""Named entities of an article: persons, countries and organisations, typed from NLTK's binary NE chunks.

NLTK finds *that* a span is a named entity (POS tagger + the binary maxent chunker, loaded once per
process); this module decides *what* it is:

- countries and organisations by longest match against the gazetteers (names, aliases, demonyms,
  capitals, big cities, the dateline), with historical states chosen by the article's date
  (:mod:`search.entities.countries`);
- persons from runs of capitalised words: titles and affiliations stripped ("Maj. Gen.", "Israeli
  Prime Minister") by the name-shape rules of :mod:`search.entities.names`, a known first name, a title or
  the context (an initial, results copy, an age, an apposition) as evidence, else the NE chunker's verdict;
  later surname-only and misspelt mentions folded into the full name (:mod:`search.entities.persons`);
  ``persons`` holds everyone named, ``about`` the people the article is about or quotes. Lone surnames it
  cannot resolve, and what it shows of firms, are left to the indexer's corpus-wide registry.

A line break always ends a sentence (:func:`search.entities.nlp.sentences`).

Speed: the tagger and chunker (the costly part) run lazily, at most once per sentence, and only when a
sentence has a doubtful name (no first name, no title). ALL-CAPS headlines (Reuters titles) never go
through the chunker: gazetteer matches only (ambiguous words only when the body confirms them), plus
lone surname candidates ("TREASURY'S BAKER SAYS") left for the corpus-wide registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from search.entities import gazetteer, nlp
from search.entities.countries import CountryRules
from search.entities.language import ENGLISH, identifier, identify
from search.entities.lexicon import (
    AMBIGUOUS_COUNTRY_WORDS,
    CAPS_UNSAFE_KEYS,
    FIRM_SUFFIXES,
    INSTITUTION_WORDS,
    SPEECH_VERBS,
)
from search.entities.names import NameRules
from search.entities.persons import (
    canonical_name,
    capital_runs,
    firm_evidence,
    firm_names,
    fold_key,
    fold_persons,
    speaking,
    surname_of,
)
from search.entities.salience import salient_country, salient_person, salient_surname
from search.models import Article, Entities, Mention


@dataclass
class _Found:
    """What one article yields while it is read, before folding."""

    countries: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    full_names: list[str] = field(default_factory=list)
    family_first: set[str] = field(default_factory=set)
    lone: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    sentence: int = -1  # -1 = title or dateline, then 0, 1, ... for the body's sentences
    sentences: int = 0  # in the body
    country_hits: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # (sentence, evidence kind)
    lone_hits: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    firms: set[str] = field(default_factory=set)  # names the article shows to be firms ("Eli Lilly and Co")
    titled: set[str] = field(default_factory=set)  # full names seen after a person's title ("trader Ivan Boesky")
    known_surnames: set[str] = field(default_factory=set)  # of the full names so far: a later "Baker" is him
    person_hits: dict[str, list[tuple[int, bool]]] = field(default_factory=dict)  # (sentence, speaking) per surface

    def add_person_hit(self, surface: str, speaking: bool) -> None:
        self.person_hits.setdefault(surface, []).append((self.sentence, speaking))

    def add_lone(self, word: str, evidence: str = "surname") -> None:
        self.lone.append(word)
        self.lone_hits.setdefault(word, []).append((self.sentence, evidence))

    def add(self, kind: str, text: str, value: str, evidence: str = "name") -> None:
        self.mentions.append(Mention(text, kind, value))
        if kind == "country":
            self.countries.append(value)
            self.country_hits.setdefault(value, []).append((self.sentence, evidence))
        elif kind == "org":
            self.orgs.append(value)


class EntityExtractor:
    """Built once per process (loads the tagger and the binary chunker once); ``extract`` is thread-safe."""

    def __init__(self) -> None:
        nlp.ensure_resources()
        self._tagger = nlp.pos_tagger()
        self._chunker = nlp.ne_chunker()
        self._rules = CountryRules()
        self._countries = self._rules.countries
        self._orgs = self._rules.orgs
        self._names = NameRules(self._countries, self._orgs)
        self._first = self._names.first
        self._titles = self._names.titles
        self._institution = INSTITUTION_WORDS | FIRM_SUFFIXES
        self._stop = self._names.stop
        self._words = self._names.words
        self._stop_lower = nlp.stop_words() | {t.lower() for t in self._stop}
        self._upper = {tuple(t.upper() for t in k): k for k in (*self._countries, *self._orgs) if _caps_safe(k)}
        self._language = identifier()  # kept with the extractor when ``model_cache`` saves it

    def extract(self, article: Article) -> Entities:
        """The article's language, and its persons, countries, orgs and every mention (persons folded within
        the article). The rules are English: a story in another language gets its language only."""
        language = identify(article.title, article.body, self._language)
        if language not in ("", ENGLISH):
            return Entities(languages=(language,), about={"lang": (language,)})
        entities = self._entities(self._read(article))
        if not language:
            return entities
        return replace(entities, languages=(language,), about={**entities.about, "lang": (language,)})

    def _read(self, article: Article) -> _Found:
        """Every name of the article's title and body, sentence by sentence."""
        when = article.published.date() if article.published else None
        found = _Found()
        dateline, body = self._rules.split_dateline(article.body or "")
        place = self._rules.dateline_country(dateline) if dateline else None
        if place:
            found.add("country", place[0], self._rules.on_date(place[1], when), "dateline")
        caps_title = article.title and not any(c.islower() for c in article.title)
        if article.title and not caps_title:
            self._sentence(nlp.tokenize(article.title), when, found)
        for number, sentence in enumerate(nlp.sentences(body)):
            found.sentence = number
            self._sentence(nlp.tokenize(sentence), when, found)
        found.sentences = found.sentence + 1
        found.sentence = -1
        if caps_title:
            self._caps_title(article.title, when, found)
        return found

    # -- one sentence ------------------------------------------------------------------------------
    def _sentence(self, tokens: list[str], when: date | None, found: _Found) -> None:
        if not tokens:
            return
        spans = self._rules.spans(tokens)
        runs = capital_runs(tokens)
        found.firms.update(firm_names(tokens, runs))
        blocked = {j for s, e, kind, _ in spans if kind == "org" or e - s > 1 for j in range(s, e)}  # "Hong Kong Open"
        person_spans = self._persons(tokens, runs, blocked, found)
        in_person = {j for s, e in person_spans for j in range(s, e)}
        for start, end, kind, value in spans:
            if start in in_person or (kind == "country" and self._rules.not_the_country(tokens, start, end)):
                continue
            if kind == "country":
                value = self._rules.on_date(value, when)
            evidence = self._countries[tuple(tokens[start:end])].kind if kind == "country" else ""
            found.add(kind, " ".join(tokens[start:end]), value, evidence)

    @staticmethod
    def _known_speaker(tokens: list[str], found: _Found) -> bool:
        """A sentence-initial common word that is the surname of a person the article has named, used as
        a person: "Baker told reporters", "Baker's plan" (but not "Young people" after "James Young")."""
        return fold_key(tokens[0]) in found.known_surnames and (speaking(tokens, 0, 1) or tokens[1:2] == ["'s"])

    def _ne_tokens(self, tokens: list[str]) -> set[int]:
        """Indexes of the tokens NLTK's binary NE chunker puts inside an NE chunk."""
        tree = self._chunker.parse(self._tagger.tag(tokens))
        inside: set[int] = set()
        i = 0
        for node in tree:
            if hasattr(node, "label"):
                inside.update(range(i, i + len(node)))
                i += len(node)
            else:
                i += 1
        return inside

    def _persons(
        self, tokens: list[str], runs: list[tuple[int, int]], blocked: set[int], found: _Found
    ) -> list[tuple[int, int]]:
        """Persons among the capitalised runs; returns their token ranges.

        A run's name is what follows its last title/affiliation word ("Israeli Prime Minister |Benjamin
        Netanyahu"). It is a person when it starts with a known first name or a title precedes it; otherwise
        the NE chunker decides (run lazily, once per sentence, only for such doubtful names). Without a title,
        a place name ("Costa Rica", "Des Moines") or a name after "a"/"an" ("a Bear Stearns analyst") is none.
        """
        spans: list[tuple[int, int]] = []
        ne: set[int] | None = None
        for start, end in runs:
            cut = max([self._names.name_start(tokens, start, end)] + [j + 1 for j in blocked if start <= j < end])
            cut = self._names.skip_common_words(tokens, cut, end)
            titled = self._names.titled(tokens, cut)
            if cut > start and tokens[cut - 1] in self._institution:
                continue  # "Banca Commerciale Italiana", "Samuel Montagu Ltd": the rest names the body too
            if cut == 0 and self._names.initial_common_word(tokens, end) and not self._known_speaker(tokens, found):
                cut = 1  # sentence-initial common word ("Sales", "Following", "Young people")
            name = [t for t in tokens[cut:end] if t != "."]
            if not name or not self._names.name_words(name) or self._names.attributive(tokens, name, end):
                continue
            if not titled and self._names.affiliation(tokens, start, cut, end):
                continue
            if len(name) >= 2:
                if not titled and self._names.place(tokens, start, cut, end):
                    continue
                sure = name[0] in self._first or titled or self._names.person_context(tokens, cut, end)
                if not sure:
                    ne = self._ne_tokens(tokens) if ne is None else ne
                    sure = set(range(cut, end)) <= ne and not any(t.lower() in self._words for t in name)
                if not sure:
                    continue
                canonical = canonical_name(tokens[cut:end])
                found.full_names.append(canonical)
                found.known_surnames.add(fold_key(surname_of(canonical)))
                if titled:
                    found.titled.add(canonical)
                if name[0] not in self._first:
                    found.family_first.add(canonical)
                found.mentions.append(Mention(" ".join(tokens[cut:end]), "person", canonical))
                found.add_person_hit(canonical, speaking(tokens, start, end))
            else:
                evidence = "titled" if titled else self._names.lone_evidence(tokens, cut, end)
                if evidence == "surname" and fold_key(name[0]) not in found.known_surnames:
                    if not self._names.lone_candidate(tokens, cut, end):
                        continue
                    ne = self._ne_tokens(tokens) if ne is None else ne
                    if cut not in ne:
                        continue
                found.add_lone(name[0], evidence)
                found.mentions.append(Mention(name[0], "person", name[0]))
                found.add_person_hit(name[0], speaking(tokens, start, end))
            spans.append((cut, end))
        return spans

    @staticmethod
    def _plausible_lone(word: str, found: _Found) -> bool:
        """A lone surname is no part of a place or organisation the article names ("Arabia" of "Saudi Arabia")."""
        return not any(word in m.text.split() or word in m.value.split() for m in found.mentions if m.kind != "person")

    def _mononym(self, word: str, hits: list[tuple[int, str]]) -> bool:
        """A single name kept as a person even when no full name resolves it (resolve_persons replaces it when
        the registry can): titled and no common word or first name ("Energy Minister Subroto"), or written
        where only people stand ("Klinsmann 15th", "c Cork b Croft")."""
        kinds = {evidence for _, evidence in hits}
        return "context" in kinds or ("titled" in kinds and word.lower() not in self._words and word not in self._first)

    # -- ALL-CAPS headline --------------------------------------------------------------------------
    def _caps_title(self, title: str, when: date | None, found: _Found) -> None:
        """Gazetteer matches only; ambiguous country words ("TURKEY", "CHAD") only if the body has them."""
        tokens = nlp.tokenize(title)
        i = 0
        while i < len(tokens):
            for n in range(min(gazetteer.MAX_KEY_TOKENS, len(tokens) - i), 0, -1):
                k = self._upper.get(tuple(tokens[i : i + n]))
                if k is None:
                    continue
                surface = " ".join(tokens[i : i + n])
                if k in self._orgs:
                    found.add("org", surface, self._orgs[k])
                elif not self._rules.is_region(k) and not self._rules.not_the_country(tokens, i, i + n):
                    country = self._rules.on_date(self._countries[k].country, when)
                    if k[0] not in AMBIGUOUS_COUNTRY_WORDS or country in found.countries:
                        found.add("country", surface, country, self._countries[k].kind)
                i += n - 1
                break
            else:
                self._caps_title_surname(tokens, i, found)
            i += 1

    def _caps_title_surname(self, tokens: list[str], i: int, found: _Found) -> None:
        """ "TREASURY'S BAKER ...", "VOLCKER SAYS ...", "CHANCELLOR LAWSON ...": a lone surname candidate."""
        t = tokens[i]
        if not (t.isalpha() and t.isupper() and len(t) >= 3) or t.lower() in self._stop_lower:
            return
        before = tokens[i - 1] if i > 0 else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if (
            after.isalpha()
            and t.capitalize() in self._first
            and after.capitalize() not in self._stop
            and i + 2 < len(tokens)
            and tokens[i + 2].lower() in SPEECH_VERBS
        ):
            name = f"{t.capitalize()} {after.capitalize()}"  # "HOWARD BAKER SAYS": a full name
            found.full_names.append(name)
            found.mentions.append(Mention(f"{t} {after}", "person", name))
            found.add_person_hit(name, True)
            return
        spoken = after.lower() in SPEECH_VERBS or before in ("'S", "’S")
        titled = before.lower() in self._titles and t.lower() not in self._words  # not "OIL PRICE RISE"
        if spoken or titled:
            word = t.capitalize()
            if word not in self._stop and word.lower() not in self._titles:
                found.add_lone(word)
                found.mentions.append(Mention(t, "person", word))
                found.add_person_hit(word, spoken)

    # -- result -------------------------------------------------------------------------------------
    def _entities(self, found: _Found) -> Entities:
        persons, mapping = fold_persons(found.full_names, found.lone, found.family_first)
        # firms named like people, unless a title shows the person too ("Ivan Boesky and Co" / "trader Ivan Boesky");
        # lone surnames folded into a firm stay mapped, so they are dropped with it
        persons = [p for p in persons if p not in found.firms or p in found.titled]
        hits: dict[str, list[tuple[int, bool]]] = {}
        for surface, surface_hits in found.person_hits.items():
            hits.setdefault(mapping.get(surface, surface), []).extend(surface_hits)
        about_persons = [p for p in persons if salient_person(hits.get(p, []), found.sentences)]
        passing = [p for p in persons if p not in about_persons]
        # lone surnames the article cannot resolve: the registry may; titled mononyms are persons in their own right
        lone = [w for w in dict.fromkeys(found.lone) if w not in mapping and self._plausible_lone(w, found)]
        surnames = [w for w in lone if salient_surname(found.lone_hits[w])]
        mononyms = [w for w in lone if self._mononym(w, found.lone_hits[w])]
        about_persons += [w for w in mononyms if w in surnames]
        passing += [w for w in mononyms if w not in surnames]
        mentions = []
        for m in found.mentions:
            if m.kind == "person":
                m = Mention(m.text, m.kind, mapping.get(m.value, m.value))
            mentions.append(m)
        named_countries = list(dict.fromkeys(found.countries))
        about_countries = [c for c in named_countries if salient_country(found.country_hits[c])]
        persons = about_persons + passing
        countries = about_countries + [c for c in named_countries if c not in about_countries]
        orgs = tuple(dict.fromkeys(found.orgs))
        kept = {"person": set(persons) | set(lone), "country": set(countries)}
        unique: dict[tuple[str, str], Mention] = {}
        for m in mentions:  # only mentions of values the article keeps, once per (text, kind)
            if m.kind not in kept or m.value in kept[m.kind]:
                unique.setdefault((m.text, m.kind), m)
        return Entities(
            persons=tuple(persons),
            countries=tuple(countries),
            orgs=orgs,
            about={"person": tuple(about_persons), "country": tuple(about_countries), "org": orgs},
            surnames=tuple(lone),
            surnames_about=tuple(surnames),
            mentions=tuple(unique.values()),
            firm_evidence=firm_evidence(found.firms, found.titled),
        )


def _caps_safe(k: tuple[str, ...]) -> bool:
    """Whether a key can be matched in an ALL-CAPS headline ("US" would also be the pronoun)."""
    return not (len(k) == 1 and k[0] in CAPS_UNSAFE_KEYS) and len("".join(k)) > 2
