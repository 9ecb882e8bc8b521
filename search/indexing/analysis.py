"""Full text in each story's own language: the analyzer of ``title`` and ``body`` and the terms a query word
stands for in every language of the index.

English (and every story of no known language, or of a language Whoosh has no stemmer for) is analysed as
before: Porter stems, English stop words dropped. A story in a language Whoosh can stem (German, French,
Spanish, Italian, Portuguese, Dutch, and Danish, Finnish, Hungarian, Norwegian, Romanian, Russian, Swedish,
Turkish) is stemmed with its Snowball stemmer and its terms are kept apart with the language's code
("de:haus"), so a German stem never meets an English one ("news" is "new" to the German stemmer). Stop words
stay in other languages: a German reader's "die Bundesregierung" must find the German story.

The document says its language with a marker before the text (``marked``); the stored text has none. At
query time the analyzer only splits, lowercases and drops English stop words (as it always did): the query
side turns each word into its terms in every language the index holds (``query_terms``).

>>> analyzer = NewsAnalyzer()
>>> [t.text for t in analyzer(marked("Die Häuser der Stadt", "de"))]
['de:die', 'de:haus', 'de:der', 'de:stadt']
>>> [t.text for t in analyzer("The houses of the city")]
['hous', 'citi']
>>> query_terms("häuser", ("de",))
['häuser', 'de:haus']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

import pycountry
from whoosh.analysis import Analyzer, Filter, StemFilter, StemmingAnalyzer
from whoosh.lang import has_stemmer, stemmer_for_language

ENGLISH = "en"
MARKER = "\x1e"  # ASCII record separator: never part of a story's text
SEPARATOR = ":"  # between a language code and its stem; no token contains one
STEM_CACHE = 200_000


def stemmed_language(name: str) -> str:
    """The code of a language the index stems apart ("German" -> "de"), or "" (English, unknown, no stemmer)."""
    found = pycountry.languages.get(name=name) if name else None
    code = getattr(found, "alpha_2", "") if found is not None else ""
    return code if code and code != ENGLISH and has_stemmer(code) else ""


def marked(text: str, code: str) -> str:
    """``text`` as a document field value that tells the analyzer its language (unchanged for English)."""
    return f"{MARKER}{code}{MARKER}{text}" if code else text


def term(code: str, stem: str) -> str:
    """The index term of ``stem`` in the language ``code``: English bare, others prefixed ("de:haus")."""
    return stem if code in ("", ENGLISH) else f"{code}{SEPARATOR}{stem}"


def bare(index_term: str) -> str:
    """The stem of an index term without its language ("de:haus" -> "haus")."""
    return index_term.rpartition(SEPARATOR)[2]


@lru_cache(maxsize=32)
def stemmer(code: str) -> Callable[[str], str]:
    """The stemming function of a language, cached (English: Porter, exactly as the index stems it)."""
    if code in ("", ENGLISH):
        return lru_cache(maxsize=STEM_CACHE)(_english().items[-1].stemfn)
    return lru_cache(maxsize=STEM_CACHE)(stemmer_for_language(code))


def query_terms(word: str, codes: Iterable[str]) -> list[str]:
    """The index terms a query word (lowercased, unstemmed) stands for: its English stem, then its stem in
    each language of ``codes``; distinct, in that order."""
    out = [term(ENGLISH, stemmer(ENGLISH)(word))]
    out += [term(code, stemmer(code)(word)) for code in codes if code not in ("", ENGLISH)]
    return list(dict.fromkeys(out))


def _english() -> StemmingAnalyzer:
    return StemmingAnalyzer(cachesize=STEM_CACHE)


class _LanguagePrefix(Filter):
    """Puts the language code before each token's text ("haus" -> "de:haus")."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        prefix = self.code + SEPARATOR
        for token in tokens:
            token.text = prefix + token.text
            yield token


class NewsAnalyzer(Analyzer):
    """English analysis for unmarked text, the marked language's stemmer otherwise, and at query time only
    words (the query side stems them in every language). Whoosh pickles it into the index with the schema."""

    def __init__(self) -> None:
        english = _english()
        tokenizer, lowercase, stops, _ = english.items
        self._english = english
        self._query = tokenizer | lowercase | stops
        self._words = tokenizer | lowercase
        self._languages: dict[str, Any] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_languages"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._languages = {}

    def __call__(self, value: str, mode: str = "", **kwargs: Any) -> Iterator[Any]:
        if mode == "query":
            return self._query(value, mode=mode, **kwargs)
        if value.startswith(MARKER):
            code, _, text = value[1:].partition(MARKER)
            return self._language(code)(text, mode=mode, **kwargs)
        return self._english(value, mode=mode, **kwargs)

    def _language(self, code: str) -> Any:
        chain = self._languages.get(code)
        if chain is None:
            chain = self._words | StemFilter(lang=code, cachesize=STEM_CACHE) | _LanguagePrefix(code)
            self._languages[code] = chain
        return chain
