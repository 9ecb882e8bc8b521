"""HTML-safe snippets: up to three short, sentence-bounded fragments of a body with matches in <mark>.

Matches are found with one compiled regex per query over the words that stem to the query's terms (from the
corpus vocabulary, ``SurfaceForms``), so no hit is re-analysed, there is no length limit (Whoosh's
highlighter stops at 32,768 characters), and it costs ~20 us per hit. (Reading the stored character offsets
instead means unpickling one compressed postings block per term per hit: ~0.3 ms each, 10x slower.) Every
piece of article text is HTML-escaped; the only markup added is ``<mark>``/``</mark>``. When the body has no
match (the query matched the title or an entity field), the snippet is the article's lead.
"""

from __future__ import annotations

import html
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from search.indexing.analysis import ENGLISH, SEPARATOR, bare, stemmer
from search.indexing.analysis import term as index_term

FRAGMENTS = 3
CONTEXT = 80  # characters kept on each side of a match, at most, within its sentence
LEAD_CHARS = 220
MAX_SPANS = 24  # matches considered for fragments (plus each term's first match)
ELLIPSIS = "\u2026"
_SENTENCE_END = re.compile(r"[.!?][\"')\]]?(?=\s|$)|\n\s*\n|\n[ \t]{2,}")

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use placeholders for <mark> while escaping
Span = tuple[int, int, str]  # start char, end char, the term matched


@dataclass(frozen=True)
class WordPattern:
    """Whole words from a list, in any case: where they occur in a text.

    The words are searched for in the lowercased text, without re.IGNORECASE and with the "no word character
    before" test done here rather than as a lookbehind: a pattern that starts with a lookbehind, or ignores
    case, makes the regex engine try every position in full, and this is ~4x faster. A text whose lowercase
    has another length (a few non-ASCII letters) is searched with ``fallback``, the same words with
    re.IGNORECASE and the lookbehind.
    """

    words: re.Pattern[str]  # lowercase alternatives, longest first, each followed by (?!\w)
    fallback: re.Pattern[str]

    def finditer(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, the matched word lowercased) of every match, in text order."""
        lowered = text.lower()
        if len(lowered) != len(text):
            for found in self.fallback.finditer(text):
                yield found.start(), found.end(), found.group().lower()
            return
        search = self.words.search
        match: re.Match[str] | None = search(lowered)
        while match is not None:
            start, end = match.span()
            before = lowered[start - 1] if start else " "
            if before.isalnum() or before == "_":  # inside a word: try again one character on
                match = search(lowered, start + 1)
                continue
            yield start, end, match.group()
            match = search(lowered, end)


class SurfaceForms:
    """Which words of the corpus stem to which index term: finds a hit's matches with one regex search.

    Holds every distinct unstemmed word of the corpus (the spelling dictionary's), stemmed as the index
    stems them: in English, and in another language (whose terms are "de:haus"; a hit is marked with its own
    language's terms only, see ``terms_in``) the first time a term of that language is asked for, so an
    index with two French headlines does not stem every word in French before its first page. One object
    serves the generations of an index in a process: a new generation ``add``s its new words, stemmed when
    next needed. Terms the dictionary lacks (numbers, words under three letters) are searched as written.
    """

    CACHE_SIZE = 512

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._words: list[str] = list(dict.fromkeys(words))
        self._known: set[str] | None = None  # the words, as a set once words are added
        self._forms: dict[str, dict[str, list[str]]] = {}  # language code ("" English) -> term -> words
        self._stemmed: dict[str, int] = {}  # language code -> how many of _words its forms hold
        self._patterns: OrderedDict[tuple[str, ...], WordPattern | None] = OrderedDict()
        self._patterns_words = 0  # len(_words) when the cached patterns were made
        self._lock = threading.Lock()
        self._stem = stemmer(ENGLISH)
        self._terms: dict[str, str] = {}

    def add(self, words: list[str]) -> None:
        """Words new to the corpus (a new index generation's): stemmed when next needed."""
        if words:
            with self._lock:
                if self._known is None:
                    self._known = set(self._words)
                fresh = [word for word in words if word not in self._known]
                self._known.update(fresh)
                self._words.extend(fresh)

    def add_stemmed(self, words: list[str], stems: list[str]) -> None:
        """Words new to the corpus with their English stems (saved by the indexer): no stemming needed."""
        with self._lock:
            if self._stemmed.get("", 0) == len(self._words):  # else earlier words wait for stemming, in order
                self._add_stemmed(words, stems)
                return
        self.add(words)

    def _add_stemmed(self, words: list[str], stems: list[str]) -> None:
        if self._known is None:
            self._known = set(self._words)
        forms = self._forms.setdefault("", {})
        for word, stem in zip(words, stems):
            if word not in self._known:
                self._known.add(word)
                self._words.append(word)
                self._terms[word] = stem
                forms.setdefault(stem, []).append(word)
        self._stemmed[""] = len(self._words)

    def pattern(self, terms: list[str]) -> WordPattern | None:
        """The words, in any case, that stem to one of ``terms`` (None for no terms)."""
        key = tuple(sorted(set(terms)))
        with self._lock:
            if self._patterns_words != len(self._words):  # new words may be forms of cached terms
                self._patterns.clear()
                self._patterns_words = len(self._words)
            if key in self._patterns:
                self._patterns.move_to_end(key)
                return self._patterns[key]
            found_words = {bare(t).lower() for t in key}
            for term in key:
                found_words.update(word.lower() for word in self._forms_in(_language_of(term)).get(term, ()))
            words = sorted((w for w in found_words if w), key=lambda w: (-len(w), w))
            found = _word_pattern(words) if words else None
            self._patterns[key] = found
            if len(self._patterns) > self.CACHE_SIZE:
                self._patterns.popitem(last=False)
            return found

    def term_of(self, word: str) -> str:
        """The (English) index term a matched word stands for."""
        word = word.lower()
        term = self._terms.get(word)
        if term is None:
            term = self._terms[word] = self._stem(word)
        return term

    def _forms_in(self, code: str) -> dict[str, list[str]]:
        """Every term of language ``code`` with its words, grown by the words added since (under the lock)."""
        forms = self._forms.setdefault(code, {})
        done = self._stemmed.get(code, 0)
        if done < len(self._words):
            stem = stemmer(code or ENGLISH)
            for word in self._words[done:]:
                stemmed = stem(word)
                if not code:
                    self._terms[word] = stemmed
                forms.setdefault(index_term(code, stemmed), []).append(word)
            self._stemmed[code] = len(self._words)
        return forms


def _language_of(term: str) -> str:
    """The language code of an index term ("de:haus" -> "de"; "" for an English term)."""
    return term.partition(SEPARATOR)[0] if SEPARATOR in term else ""


def _word_pattern(words: list[str]) -> WordPattern:
    alternatives = "(?:{})(?!\\w)".format("|".join(map(re.escape, words)))
    return WordPattern(re.compile(alternatives), re.compile(r"(?<!\w)" + alternatives, re.I))


def find_spans(text: str, pattern: WordPattern | None, forms: SurfaceForms, terms: int = 1) -> list[Span]:
    """Where ``pattern`` matches whole words of ``text``, with the term each match stands for.

    Stops once MAX_SPANS matches are found and each of the query's ``terms`` distinct terms has been seen
    (or the text ends): fragments are chosen from those.
    """
    if pattern is None:
        return []
    spans: list[Span] = []
    seen: set[str] = set()
    for start, end, word in pattern.finditer(text):
        term = forms.term_of(word)
        spans.append((start, end, term))
        seen.add(term)
        if len(spans) >= MAX_SPANS and len(seen) >= terms:
            break
    return spans


def terms_in(terms: list[str], code: str) -> list[str]:
    """The ``terms`` of one language (``code``; "" or "en" for English and unknown): what a story in it can
    contain. A German stem's words ("de:new" <- "news") are not marked in an English story."""
    own = "" if code in ("", ENGLISH) else code
    return [t for t in terms if _language_of(t) == own]


def make_snippet(text: str, spans: list[Span]) -> str:
    """The best ``FRAGMENTS`` windows around ``spans`` in ``text`` as escaped HTML; the lead when no span."""
    if not spans:
        return lead(text)
    if _OPEN in text or _CLOSE in text:  # same length, so the spans still fit
        text = text.replace(_OPEN, " ").replace(_CLOSE, " ")
    windows = _merge([(_window(text, s, e), s, e, term) for s, e, term in _worth_showing(spans)])
    best = sorted(windows, key=lambda w: (-len({t for _, _, t in w[1]}), -len(w[1]), w[0][0]))[:FRAGMENTS]
    parts = [_render(text, bounds, [(s, e) for s, e, _ in marks]) for bounds, marks in sorted(best)]
    return _join(parts)


def _join(parts: list[str]) -> str:
    """Fragments separated by an ellipsis (one, even where a fragment already ends or starts with one)."""
    out = parts[0]
    for part in parts[1:]:
        cut = out.endswith(ELLIPSIS) or part.startswith(ELLIPSIS)
        out += (" " if cut else f" {ELLIPSIS} ") + part
    return out


def _worth_showing(spans: list[Span]) -> list[Span]:
    """The first MAX_SPANS matches plus the first match of every other term, in text order."""
    spans = sorted(spans)
    firsts: dict[str, Span] = {}
    for span in spans:
        firsts.setdefault(span[2], span)
    return sorted(set(spans[:MAX_SPANS]) | set(firsts.values()))


def lead(text: str) -> str:
    """The opening of ``text`` up to a sentence end (or a word boundary near ``LEAD_CHARS``), escaped."""
    text = text.lstrip()
    if not text:
        return ""
    end, cut = _right(text, 0, LEAD_CHARS)
    return _clean(text[:end]) + (ELLIPSIS if cut else "")


def _window(text: str, start: int, end: int) -> tuple[int, int, bool, bool]:
    """(from, to, cut on the left, cut on the right) of the sentence part around one match."""
    left, left_cut = _left(text, start, CONTEXT)
    right, right_cut = _right(text, end, CONTEXT)
    return left, right, left_cut, right_cut


def _left(text: str, start: int, reach: int) -> tuple[int, bool]:
    lo = max(0, start - reach)
    boundaries = list(_SENTENCE_END.finditer(text, lo, start))
    if boundaries:  # the last sentence end before the match
        return boundaries[-1].end(), False
    if lo == 0:
        return 0, False
    space = text.find(" ", lo, start)
    return (space + 1 if space != -1 else start), True


def _right(text: str, end: int, reach: int) -> tuple[int, bool]:
    hi = min(len(text), end + reach)
    boundary = _SENTENCE_END.search(text, end, hi)
    if boundary is not None:
        return boundary.start() + 1, False
    if hi == len(text):
        return hi, False
    space = text.rfind(" ", end, hi)
    return (space if space != -1 else hi), True


def _merge(items):
    """Overlapping windows become one; each keeps the list of its matches."""
    merged: list[tuple[tuple[int, int, bool, bool], list[Span]]] = []
    for (lo, hi, lcut, rcut), s, e, term in items:
        if merged and lo < merged[-1][0][1]:
            (plo, phi, plcut, prcut), marks = merged[-1]
            bounds = (plo, max(phi, hi), plcut, rcut if hi >= phi else prcut)
            merged[-1] = (bounds, [*marks, (s, e, term)])
        else:
            merged.append(((lo, hi, lcut, rcut), [(s, e, term)]))
    return merged


def _render(text: str, bounds: tuple[int, int, bool, bool], marks: list[tuple[int, int]]) -> str:
    """One fragment: the text escaped once, with private-use placeholders turned into <mark> tags."""
    lo, hi, left_cut, right_cut = bounds
    pieces = []
    pos = lo
    for start, end in marks:
        if start < pos or end > hi:
            continue
        pieces += [text[pos:start], _OPEN, text[start:end], _CLOSE]
        pos = end
    pieces.append(text[pos:hi])
    body = _clean("".join(pieces)).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>").strip()
    return (ELLIPSIS if left_cut else "") + body + (ELLIPSIS if right_cut else "")


def _clean(piece: str) -> str:
    """``piece`` with each run of whitespace made one space (``\\s+`` -> `` ``, via split: faster), escaped."""
    words = piece.split()
    if not words:
        return " " if piece else ""
    joined = " ".join(words)
    if piece[0].isspace():
        joined = " " + joined
    if piece[-1].isspace():
        joined += " "
    return html.escape(joined, quote=True)
