"""The postings of an English (unmarked) title or body, made without Whoosh's token generators: exactly the list
``list(field.index(value))`` makes, three to four times faster.

Whoosh analyses a text one token at a time through a chain of generators (tokenizer, lowercase, stop words,
stemmer behind its LFU cache wrapper), gathers positions and weights per term (``Positions.word_values``) and
encodes them (``Positions.encode``); in the extraction workers that was about a quarter of the time spent per
story. For the chain ``NewsAnalyzer`` runs on unmarked text, whoosh-reloaded 2.7.5's ``StemmingAnalyzer``, the
same steps are done here in a few plain passes:

- ``RegexTokenizer`` (``gaps=False``): its default pattern, made non-capturing so ``findall`` returns whole
  matches (a group captures nothing that changes what matches); token ``i`` has position ``i``.
- ``LowercaseFilter``: ``str.lower`` of each token; an ASCII text is lowercased whole first, which is the same
  (ASCII lowering maps letters to letters, one character each, so the tokens' bounds do not move).
- ``StopFilter``: a token shorter than ``minsize`` or in the stop list is dropped; with ``renumber`` the first
  token kept keeps its position and each later one takes the next position (stop words leave no gaps, but
  those before the first kept token do shift it).
- ``StemFilter``: the stemming function (Porter) of each word, behind a plain dict kept per process (it holds
  the dropped words too, as ``None``: one look-up per token) and emptied when full. Stemming is a pure
  function, so a cache decides nothing but speed; dict operations are atomic under the GIL, and a forked
  worker starts with a copy of the parent's dict.
- ``Positions.word_values``: terms in the order of their first position, frequency, weight (each token's
  boost, 1.0, summed as a float, times the format's ``field_boost``: the title's 3.0) and ``Positions.encode``
  of the positions (reimplemented below: a count, then the pickled deltas); ``FieldType.index`` encodes the
  term in UTF-8.

:func:`english_postings` checks that a field is analysed by exactly that chain and format before offering the
fast path (any other analyzer, format or setting: ``None``, and the field is analysed by Whoosh as before).
"""

from __future__ import annotations

import dataclasses
import pickle
import re
from collections import defaultdict
from itertools import repeat
from operator import sub
from typing import Any

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import FieldType
from whoosh.formats import Positions
from whoosh.lang.porter import stem as porter_stem
from whoosh.system import pack_uint

from search.indexing.analysis import MARKER, STEM_CACHE, NewsAnalyzer

Postings = list[tuple[bytes, int, float, bytes]]  # (term, frequency, weight, encoded positions)

# Whoosh's default token pattern (r"[\w\*]+(\.?[\w\*]+)*") with its group non-capturing, for ``findall``.
WHOOSH_PATTERN = r"[\w\*]+(\.?[\w\*]+)*"
TOKEN = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*", re.UNICODE)

# (stop words, minimum size) -> {lowercased word: its Porter stem in UTF-8, or None: the stop filter drops it}
_STEMS: dict[tuple[frozenset[str], int], dict[str, bytes | None]] = {}
_PICKLE_PROTOCOL = 2  # as Positions.encode: ``dumps(deltas, 2)``
_MISSING = object()  # a word not in the stem cache
_SINGLES: list[bytes] = []  # position p -> ``encode([p])`` (the positions of most terms), for p < SINGLES
SINGLES = 1 << 16


@dataclasses.dataclass(frozen=True)
class EnglishPostings:
    """The settings of one field's English chain that the fast path needs, read from the field itself."""

    stops: frozenset[str]
    minsize: int
    field_boost: float
    stems: dict[str, bytes | None] = dataclasses.field(compare=False, repr=False)

    def __call__(self, value: str) -> Postings:
        """``list(field.index(value))`` of an unmarked text (see the module's docstring for each step)."""
        words = TOKEN.findall(value.lower()) if value.isascii() else [w.lower() for w in TOKEN.findall(value)]
        terms: list[Any] = list(map(self.stems.get, words, repeat(_MISSING)))  # each token's term, None: dropped
        if _MISSING in terms:
            terms = [self._stem(w) if t is _MISSING else t for w, t in zip(words, terms)]
        kept = [term for term in terms if term is not None]
        if not kept:
            return []
        poses: defaultdict[bytes, list[int]] = defaultdict(list)
        for pos, term in enumerate(kept, terms.index(kept[0])):  # from the first kept token's position
            poses[term].append(pos)
        singles = _singles(len(words))
        encoded = len(singles)
        boost = self.field_boost
        once = 1.0 * boost  # the weight of a term found once: its token's boost (1.0) times the field's
        return [
            (term, 1, once, singles[poslist[0]])
            if len(poslist) == 1 and poslist[0] < encoded
            else (term, len(poslist), float(len(poslist)) * boost, encode(poslist))
            for term, poslist in poses.items()
        ]

    def _stem(self, word: str) -> bytes | None:
        """The stem of ``word`` in UTF-8 (``None``: a stop word or too short), remembered; the cache is emptied
        when full, a bound on memory (it refills from the words of the stories that follow)."""
        term = None if len(word) < self.minsize or word in self.stops else porter_stem(word).encode("utf-8")
        if len(self.stems) >= STEM_CACHE:
            self.stems.clear()
        self.stems[word] = term
        return term


def encode(poslist: list[int]) -> bytes:
    """``Positions.encode`` (whoosh 2.7.5): the number of positions, then the pickled list of their deltas."""
    deltas = list(map(sub, poslist, [0, *poslist]))  # each position minus the one before (the first: itself)
    return pack_uint(len(deltas)) + pickle.dumps(deltas, _PICKLE_PROTOCOL)


def _singles(count: int) -> list[bytes]:
    """``encode([p])`` for every position ``p`` below ``count``, made once per process (a text longer than
    ``SINGLES`` tokens has its later positions encoded one by one). The list is replaced, never changed in
    place, so a thread reading the old one is not disturbed."""
    global _SINGLES
    singles = _SINGLES
    if len(singles) < min(count, SINGLES):
        singles = singles + [encode([pos]) for pos in range(len(singles), min(max(count, 1024), SINGLES))]
        _SINGLES = singles
    return singles


def english_postings(field: FieldType) -> EnglishPostings | None:
    """The fast path for a field's unmarked text, or ``None`` unless the field is analysed exactly as the fast
    path assumes: ``FieldType.index`` over a plain ``Positions`` format, a ``NewsAnalyzer`` whose English chain
    is the default tokenizer, lowercasing, stop words without a maximum size and renumbered, Porter stemming
    of every word."""
    analyzer = field.analyzer
    if type(field).index is not FieldType.index or type(field.format) is not Positions:
        return None
    if type(analyzer) is not NewsAnalyzer:
        return None
    items = getattr(getattr(analyzer, "_english", None), "items", None)
    if not isinstance(items, list) or len(items) != 4:
        return None
    tokenizer, lowercase, stops, stemmer = items
    if not (
        type(tokenizer) is RegexTokenizer
        and not tokenizer.gaps
        and tokenizer.expression.pattern == WHOOSH_PATTERN
        and tokenizer.expression.flags == TOKEN.flags
        and type(lowercase) is LowercaseFilter
        and type(stops) is StopFilter
        and stops.max is None
        and stops.renumber
        and type(stemmer) is StemFilter
        and stemmer.stemfn is porter_stem
        and not stemmer.lang
        and not stemmer.ignore
    ):
        return None
    stoplist, minsize = frozenset(stops.stops), stops.min
    return EnglishPostings(stoplist, minsize, field.format.field_boost, _stem_cache(stoplist, minsize))


def is_english(value: Any) -> bool:
    """Whether ``NewsAnalyzer`` analyses ``value`` (at index time) with its English chain: text without a
    language marker."""
    return isinstance(value, str) and not value.startswith(MARKER)


def _stem_cache(stops: frozenset[str], minsize: int) -> dict[str, bytes | None]:
    """The per-process cache of the chain with these stop words and minimum size (one in practice: title and
    body share one analyzer; keyed all the same, since the cache also says which words are dropped)."""
    return _STEMS.setdefault((stops, minsize), {})
