""" "Did you mean": replace rare or unknown query words by close, much more frequent indexed words.

The dictionary is the ``spell`` field (each article's distinct unstemmed words) with document frequencies.
Candidates within edit distance 2 are found with a deletion index (SymSpell): every dictionary word is
stored under itself and its one-letter deletions; a query word looks up itself and its one- and two-letter
deletions. That finds every word one edit away and the commonest two-edit typos (a letter doubled or
dropped plus one wrong letter, as in "netanyahoo" -> "netanyahu"); two wrong letters are not found.
Each candidate is then checked with the real (Damerau-Levenshtein) distance.

Only rare words (in fewer than ``RARE_DF`` articles) are checked. A word is replaced when a candidate occurs
in at least ``MIN_DF`` articles and ``RATIO`` times more articles than the word itself. Only the words of
the query text change: operators, quotes, field names, wildcards and everything else stay as typed.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from itertools import combinations

logger = logging.getLogger(__name__)

MIN_WORD = 4  # shorter words have too many neighbours to guess from
MAX_WORD = 24  # longer "words" are not typos of a word (and their deletions would cost O(length^2))
MIN_DF = 2
RATIO = 10
RARE_DF = 5  # words in this many articles or more are taken as meant
_WORD = re.compile(rf"(?<![\w*?])([^\W\d_]{{{MIN_WORD},}})(?![\w*?:])")
_OPERATORS = {"AND", "OR", "NOT"}


class DeletionIndex:
    """Words by each of their one-letter deletions, for finding near spellings; grows as words are added.

    Shared by the generations of one index in a process: a word is added once its document frequency
    reaches MIN_DF, and ``correct`` checks each candidate against its own generation's counts.
    """

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._pending: list[str] = list(words)
        self._variants: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def add(self, words: list[str]) -> None:
        """Index ``words`` too (on the next lookup)."""
        if words:
            with self._lock:
                self._pending.extend(words)

    def candidates(self, variant: str) -> list[str]:
        """The indexed words one deletion away from ``variant`` (or equal to it)."""
        with self._lock:
            if self._pending:
                pending, self._pending = self._pending, []
                for word in pending:
                    if len(word) >= MIN_WORD - 1:
                        for deleted in _deletions(word, 1):
                            self._variants.setdefault(deleted, []).append(word)
                logger.info("spelling index: %d words added, %d keys", len(pending), len(self._variants))
            return self._variants.get(variant, [])


class SpellingDictionary:
    """Indexed words and their document frequencies, with a deletion index built on first use."""

    def __init__(self, frequencies: Mapping[str, int], deletions: DeletionIndex | None = None) -> None:
        """:param deletions: shared with other generations; by default one of the frequent words here."""
        self.frequencies = frequencies
        if deletions is None:
            deletions = DeletionIndex(word for word, df in frequencies.items() if df >= MIN_DF)
        self._deletions = deletions

    def correct(self, word: str) -> str | None:
        """A much more frequent word close to ``word`` (lower case), or None."""
        word = word.lower()
        own = self.frequencies.get(word, 0)
        if own >= RARE_DF or not MIN_WORD <= len(word) <= MAX_WORD:
            return None
        best: tuple[int, int, str] | None = None
        max_distance = 1 if len(word) <= 5 else 2
        seen: set[str] = set()
        for variant in _deletions(word, max_distance):
            for candidate in self._deletions.candidates(variant):
                if candidate in seen or candidate == word:
                    continue
                seen.add(candidate)
                df = self.frequencies.get(candidate, 0)
                if df < max(MIN_DF, RATIO * own):
                    continue
                distance = edit_distance(word, candidate)
                if distance <= max_distance:
                    key = (distance, -df, candidate)
                    if best is None or key < best:
                        best = key
        return best[2] if best else None


def suggest_query(text: str, dictionary: SpellingDictionary) -> str | None:
    """``text`` with misspelt words replaced (original case style kept), or None when nothing changes."""
    changed = False

    def replace(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group(1)
        if word in _OPERATORS:
            return word
        fixed = dictionary.correct(word)
        if fixed is None:
            return word
        changed = True
        return _same_case(word, fixed)

    suggestion = _WORD.sub(replace, text)
    return suggestion if changed else None


def _same_case(original: str, word: str) -> str:
    if original.isupper():
        return word.upper()
    if original[:1].isupper():
        return word.capitalize()
    return word


def _deletions(word: str, depth: int) -> set[str]:
    """``word`` and every string made by deleting up to ``depth`` of its letters."""
    out = {word}
    for n in range(1, min(depth, len(word) - 1) + 1):
        for positions in combinations(range(len(word)), n):
            out.add("".join(ch for i, ch in enumerate(word) if i not in positions))
    return out


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment: adjacent swaps cost 1)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]
