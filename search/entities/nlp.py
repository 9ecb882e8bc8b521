"""NLTK resources of the entity pipeline: which ones we need, probing for them, downloading them, loading them.

NLTK models are loaded here and nowhere else, once per process (``nltk.ne_chunk`` would re-read the
chunker model from disk on every call). Nothing is downloaded at import time: ``news-search setup``
calls :func:`download_resources`; everything else calls :func:`ensure_resources` and fails with
:class:`~search.errors.MissingResource` naming the first missing resource (no weaker fallback, so the
same corpus gives the same facets everywhere).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import nltk
import numpy as np

from search.entities.chunker import FastNEChunkParser
from search.errors import MissingResource

logger = logging.getLogger(__name__)

# (nltk download id, nltk.data path probed with nltk.data.find)
REQUIRED_RESOURCES: list[tuple[str, str]] = [
    ("punkt_tab", "tokenizers/punkt_tab/english/"),  # sentence splitter
    ("averaged_perceptron_tagger_eng", "taggers/averaged_perceptron_tagger_eng/"),  # POS tags for the chunker
    ("maxent_ne_chunker_tab", "chunkers/maxent_ne_chunker_tab/english_ace_binary/"),  # binary NE chunker
    ("words", "corpora/words"),  # the chunker's features; our "is this a common English word" test
    ("names", "corpora/names"),  # first names (with gender-guesser's much larger list)
    ("gazetteers", "corpora/gazetteers"),  # US states, Canadian provinces
    ("stopwords", "corpora/stopwords"),  # capitalised function words are never names
]

# Words: letters with inner hyphens/apostrophes ("O'Brien", "Ching-kuo"); dotted acronyms ("U.S.", "U.K.");
# a possessive "'s" is split off so "Netanyahu's" gives "Netanyahu".
_TOKEN_RE = re.compile(
    r"(?:[^\W\d_]\.){2,}"  # U.S. / U.N. (with its dots)
    r"|[^\W\d_]+(?:['’][^\W\d_]{2,}|-[^\W\d_]+)*"
    r"|\d+(?:[.,:]\d+)*"
    r"|['’][sS]\b"
    r"|[^\w\s]",
)


def missing_resources() -> list[str]:
    """Download ids of the required resources that ``nltk.data.find`` cannot find (no download)."""
    missing = []
    for name, path in REQUIRED_RESOURCES:
        try:
            nltk.data.find(path)
        except LookupError:
            missing.append(name)
    return missing


def ensure_resources() -> None:
    """Raise MissingResource for the first required resource that is not installed."""
    missing = missing_resources()
    if missing:
        raise MissingResource(missing[0])


def download_resources(quiet: bool = False) -> dict[str, str]:
    """Download every missing resource; returns name -> "present" | "downloaded" | "failed: reason"."""
    missing = set(missing_resources())
    status: dict[str, str] = {}
    for name, _ in REQUIRED_RESOURCES:
        if name not in missing:
            status[name] = "present"
            continue
        try:
            ok = nltk.download(name, quiet=quiet, raise_on_error=True)
        except Exception as exc:  # noqa: BLE001 - network/IO errors of any kind are reported, not raised
            status[name] = f"failed: {exc}"
            continue
        status[name] = "downloaded" if ok else "failed: nltk.download returned False"
        logger.info("NLTK resource %s: %s", name, status[name])
    return status


def tokenize(text: str) -> list[str]:
    """Split one sentence into word tokens (fast regex; keeps "U.S." whole, splits off possessive 's)."""
    return _TOKEN_RE.findall(text)


@lru_cache(maxsize=1)
def sentence_splitter() -> nltk.tokenize.PunktSentenceTokenizer:
    """The English punkt model, loaded once per process."""
    ensure_resources()
    return nltk.tokenize.PunktTokenizer("english")


def sentences(text: str) -> list[str]:
    """The sentences of a body. A line break always ends one: ingested bodies keep only paragraph breaks, and a
    line without a final stop (a byline, a table row, a heading) must not run into the next line's names."""
    splitter = sentence_splitter()
    return [s for line in text.split("\n") if line.strip() for s in splitter.tokenize(line)]


@lru_cache(maxsize=1)
def pos_tagger() -> FastPerceptron:
    """The averaged perceptron POS tagger, loaded once per process (NLTK's, scored with numpy)."""
    ensure_resources()
    return FastPerceptron(nltk.tag.PerceptronTagger())


class FastPerceptron:
    """NLTK's ``PerceptronTagger.tag``, tag for tag, a third of the time: its weights as one matrix.

    NLTK sums a token's feature weights per tag in a Python loop over dictionaries (the largest share of
    extraction time). Here each feature is a row of a (features x tags) matrix and a token's scores are the
    sum of its features' rows, added in the same order (so the same floating-point sums), and the best tag
    breaks ties as NLTK does (the alphabetically last of the best). The features are NLTK's, by name.
    """

    def __init__(self, tagger: nltk.tag.PerceptronTagger) -> None:
        self._tagger = tagger
        self._tags = sorted(tagger.model.classes)
        column = {tag: i for i, tag in enumerate(self._tags)}
        self._rows = {feature: i for i, feature in enumerate(tagger.model.weights)}
        self._weights = np.zeros((len(self._rows), len(self._tags)))
        for feature, weights in tagger.model.weights.items():
            for tag, weight in weights.items():
                self._weights[self._rows[feature], column[tag]] = weight

    def tag(self, tokens: list[str]) -> list[tuple[str, str]]:
        tagger = self._tagger
        prev, prev2 = tagger.START
        context = tagger.START + [tagger.normalize(w) for w in tokens] + tagger.END
        output = []
        for i, word in enumerate(tokens):
            tag = tagger.tagdict.get(word) or self._predict(self._features(i + 2, word, context, prev, prev2))
            output.append((word, tag))
            prev2, prev = prev, tag
        return output

    def _predict(self, rows: list[int]) -> str:
        if not rows:
            return self._tags[-1]  # every score 0: NLTK's tie-break picks the last tag
        scores = self._weights[rows].sum(axis=0)
        return self._tags[len(scores) - 1 - int(np.argmax(scores[::-1]))]

    def _features(self, i: int, word: str, context: list[str], prev: str, prev2: str) -> list[int]:
        """Rows of the features NLTK's ``_get_features`` makes, in its order, those the model knows."""
        names = (
            "bias",
            f"i suffix {word[-3:]}",
            f"i pref1 {word[0] if word else ''}",
            f"i-1 tag {prev}",
            f"i-2 tag {prev2}",
            f"i tag+i-2 tag {prev} {prev2}",
            f"i word {context[i]}",
            f"i-1 tag+i word {prev} {context[i]}",
            f"i-1 word {context[i - 1]}",
            f"i-1 suffix {context[i - 1][-3:]}",
            f"i-2 word {context[i - 2]}",
            f"i+1 word {context[i + 1]}",
            f"i+1 suffix {context[i + 1][-3:]}",
            f"i+2 word {context[i + 2]}",
        )
        rows = self._rows
        return [rows[name] for name in names if name in rows]


@lru_cache(maxsize=1)
def ne_chunker() -> FastNEChunkParser:
    """The binary maxent NE chunker (every entity labelled NE), loaded once per process.

    NLTK's model, tagged with :class:`~search.entities.chunker.FastNEChunkParser`'s loop: the same tags and
    trees as ``nltk.chunk.ne_chunker(fmt="binary")``, several times faster.
    """
    ensure_resources()
    return FastNEChunkParser(nltk.chunk.ne_chunker(fmt="binary"))


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-cased words of NLTK's English word list (common words are weak evidence of a name)."""
    ensure_resources()
    return frozenset(w.lower() for w in nltk.corpus.words.words())


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The word list's lower-case entries only: "rose" and "will", not the proper names it also lists ("Cedric",
    "Kieran")."""
    ensure_resources()
    return frozenset(w for w in nltk.corpus.words.words() if w.islower())


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    ensure_resources()
    return frozenset(nltk.corpus.stopwords.words("english"))


@lru_cache(maxsize=1)
def nltk_first_names() -> frozenset[str]:
    ensure_resources()
    return frozenset(nltk.corpus.names.words())


def gazetteer_lines(fileid: str) -> list[str]:
    """Lines of one file of NLTK's gazetteers corpus (e.g. "usstates.txt")."""
    ensure_resources()
    return [line.strip() for line in nltk.corpus.gazetteers.words(fileid) if line.strip()]
