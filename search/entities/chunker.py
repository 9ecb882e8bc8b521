"""NLTK's binary maxent NE chunker, decision for decision, in a third of its time.

NLTK tags a sentence token by token: for each token its ``ClassifierBasedTagger`` builds a dict of 16
features (3 of them read the previous token's tag), its ``MaxentClassifier`` encodes that dict once per label
and sums the weights, and ``shape`` runs up to three regexes through ``nltk.redos``'s timeout wrapper. That
was a third of entity extraction. :class:`FastNEChunkParser` computes the same 16 feature values in the same
order and adds their weights straight from per-feature tables (no dict, no encoding, plain floats). The sums
are the old ones: the same weights added in the same order (the feature dict's order, from the always-on
weights), so the same floating-point totals and the same label (the first of the best, as NLTK's
``prob_classify(...).max()`` picks). When written it was checked tag for tag against the previous
implementation on all 58,562 sentences of CoNLL-2003's train and testa files and of a modern news corpus;
the tests compare it with NLTK's own chunker.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import nltk
from nltk.chunk.named_entity import NEChunkParser, simplify_pos

Vector = tuple[float, ...]  # one weight per label, in the classifier's label order

# NLTK's ``shape`` patterns. NLTK runs them through ``nltk.redos`` (the ``regex`` engine under a timeout
# wrapper, several times slower than ``re``); on an ASCII string both engines agree on [0-9], \w, \W and $.
_NUMBER = re.compile(r"[0-9]+(\.[0-9]*)?|[0-9]*\.[0-9]+$")
_PUNCT = re.compile(r"\W+$")
_WORD = re.compile(r"\w+$")


@lru_cache(maxsize=100_000)
def shape(word: str) -> str:
    """NLTK's ``named_entity.shape`` ("number", "punct", "upcase", "downcase", "mixedcase", "other"), with
    plain ``re`` for ASCII words; other words go to NLTK's own (``regex`` and ``re`` differ on what a Unicode
    word character is, and the chunker must see the shape NLTK computes)."""
    if not word.isascii():
        return nltk.chunk.named_entity.shape(word)
    if _NUMBER.match(word):
        return "number"
    if _PUNCT.match(word):
        return "punct"
    if _WORD.match(word):
        if word.istitle():
            return "upcase"
        return "downcase" if word.islower() else "mixedcase"
    return "other"


class FastMaxent:
    """An NLTK ``MaxentClassifier``'s weights as tables: feature name -> value -> one weight per label.

    A feature that fires for some labels only has weight 0.0 for the others: adding 0.0 leaves every total
    unchanged (but for turning -0.0 into 0.0, which compares equal), so the totals are those of summing
    only the weights that fire. Weights are Python floats (NLTK's are numpy float64: the same doubles, the
    same sums, without numpy's per-operation overhead).
    """

    def __init__(self, classifier: nltk.classify.MaxentClassifier) -> None:
        encoding = classifier._encoding
        weights = classifier.weights()
        self._log = classifier._logarithmic
        self.labels: list[str] = list(encoding.labels())
        index = {label: i for i, label in enumerate(self.labels)}
        tables: dict[str, dict[object, list[float]]] = {}
        for (fname, fval, label), fid in encoding._mapping.items():
            vector = tables.setdefault(fname, {}).setdefault(fval, [0.0] * len(self.labels))
            vector[index[label]] = self._value(weights[fid])
        self._tables = {name: {value: tuple(v) for value, v in table.items()} for name, table in tables.items()}
        self._unseen = {name: self._value(weights[fid]) for name, fid in (encoding._unseen or {}).items()}
        always = encoding._alwayson or {}
        self.base: Vector = tuple(
            self._value(weights[always[label]]) if label in always else 0.0 for label in self.labels
        )

    def _value(self, weight: float) -> float:
        return float(weight) if self._log else math.log(weight) if weight > 0 else float("-inf")

    def table(self, name: str) -> tuple[dict[object, Vector], Vector]:
        """The feature's value -> weights table, and the weights of a value it does not know (its "unseen"
        weight on every label, else zeros: NLTK's binary chunker has no unseen weights)."""
        unseen = self._unseen.get(name, 0.0)
        return self._tables.get(name, {}), (unseen,) * len(self.labels)

    def classify(self, featureset: dict) -> str:
        """The best label of one feature dict, as NLTK's ``classify`` (the first of the best on a tie)."""
        totals = list(self.base)
        for name, value in featureset.items():
            weights = self._tables.get(name, {}).get(value)
            if weights is None:
                if name not in self._unseen:
                    continue
                weights = (self._unseen[name],) * len(totals)
            totals = [total + weight for total, weight in zip(totals, weights)]
        best = 0
        for i in range(1, len(totals)):
            if totals[i] > totals[best]:
                best = i
        return self.labels[best]


# The tagger's features, in the order of NLTK's feature dict (``NEChunkParserTagger._feature_detector``): the
# order the weights are added in. "prevtag", "pos+prevtag" and "shape+prevtag" read the previous tag.
FEATURES = (
    "bias", "shape", "wordlen", "prefix3", "suffix3", "pos", "word", "en-wordlist",
    "prevtag", "prevpos", "nextpos", "prevword", "nextword", "word+nextpos", "pos+prevtag", "shape+prevtag",
)  # fmt: skip


class FastNEChunkParser(NEChunkParser):
    """NLTK's ``NEChunkParser`` with its tagging loop replaced: same IOB tags, so the same trees (``parse``
    builds them with NLTK's own ``_tagged_to_parse``).

    Per token it computes NLTK's 16 feature values (quirks included: at the second token "prevtag" is the
    first character of the first token's tag, and "shape+prevtag" has no previous shape) and adds their
    weights straight from :class:`FastMaxent`'s tables, without building a dict. The model has three labels
    (B-NE, I-NE, O), so the three totals are three local floats. No state is kept between calls: ``parse``
    is safe from several threads, and the object pickles as plain tables.
    """

    def __init__(self, parser: NEChunkParser) -> None:  # not super().__init__: NLTK's trains a model
        tagger = parser._tagger
        classifier = FastMaxent(tagger._classifier)
        if len(classifier.labels) != 3:
            raise ValueError(f"expected the binary chunker's three labels, got {classifier.labels}")
        self._labels = tuple(classifier.labels)
        self._base = classifier.base
        self._wordlist = frozenset(tagger._english_wordlist())
        tables = [classifier.table(name) for name in FEATURES]
        self._tables = tuple(table for table, _ in tables)
        self._unseen = tuple(unseen for _, unseen in tables)

    def parse(self, tokens: list[tuple[str, str]]) -> nltk.Tree:
        """The chunk tree of a POS-tagged sentence, as ``NEChunkParser.parse`` returns it."""
        return self._tagged_to_parse(list(zip(tokens, self.tags(tokens))))

    def tags(self, tokens: list[tuple[str, str]]) -> list[str]:
        """The IOB tag of every token (what NLTK's ``ClassifierBasedTagger.tag`` chooses)."""
        (
            w_bias, w_shape, w_wordlen, w_prefix3, w_suffix3, w_pos, w_word, w_en_wordlist, w_prevtag, w_prevpos,
            w_nextpos, w_prevword, w_nextword, w_word_nextpos, w_pos_prevtag, w_shape_prevtag,
        ) = self._tables  # fmt: skip
        unseen = self._unseen
        english = self._wordlist
        labels = self._labels
        base = self._base
        bias = w_bias.get(True, unseen[0])
        n = len(tokens)
        words = [word for word, _ in tokens]
        lower = [word.lower() for word in words]
        simple = [simplify_pos(tag) for _, tag in tokens]
        chosen: list[str] = []
        for i, word in enumerate(words):
            if i == 0:
                prevtag = prevpos = prevword = prevshape = None
            else:
                prevtag = chosen[0][0] if i == 1 else chosen[-1]
                prevpos, prevword = simple[i - 1], lower[i - 1]
                prevshape = shape(prevword) if i > 1 else None
            nextword = lower[i + 1] if i < n - 1 else None
            nextpos = tokens[i + 1][1].lower() if i < n - 1 else None
            t0, t1, t2 = base
            for w0, w1, w2 in (  # NLTK's feature dict, item by item (see FEATURES)
                bias,
                w_shape.get(shape(word), unseen[1]),
                w_wordlen.get(len(word), unseen[2]),
                w_prefix3.get(word[:3].lower(), unseen[3]),
                w_suffix3.get(word[-3:].lower(), unseen[4]),
                w_pos.get(simple[i], unseen[5]),
                w_word.get(word, unseen[6]),
                w_en_wordlist.get(word in english, unseen[7]),
                w_prevtag.get(prevtag, unseen[8]),
                w_prevpos.get(prevpos, unseen[9]),
                w_nextpos.get(nextpos, unseen[10]),
                w_prevword.get(prevword, unseen[11]),
                w_nextword.get(nextword, unseen[12]),
                w_word_nextpos.get(f"{lower[i]}+{nextpos}", unseen[13]),
                w_pos_prevtag.get(f"{simple[i]}+{prevtag}", unseen[14]),
                w_shape_prevtag.get(f"{prevshape}+{prevtag}", unseen[15]),
            ):
                t0 += w0
                t1 += w1
                t2 += w2
            best, top = 0, t0
            if t1 > top:
                best, top = 1, t1
            if t2 > top:
                best = 2
            chosen.append(labels[best])
        return chosen
