"""The vocabulary of one index generation: each spelling word, how many stories hold it, and its English stem.

Searchers need it whole (did-you-mean counts, and the words that stem to a query's terms for snippets). Added
up from the segments' own word counts and stemmed, it was 0.4-0.5 s of the first page after a restart at a
million stories (665,000 segment entries, 43,000 words). The indexer therefore saves it after every commit,
as ``segment-cache/vocabulary-<key>`` (``derived``: manifest, CRC-32s, one rename), named by the segments
it counts, and a searcher that starts on that generation loads it. Deletions do not change it: segment word
counts include deleted stories, as Whoosh's own term statistics do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

import numpy as np

from search.indexing.analysis import ENGLISH, stemmer
from search.indexing.derived import load_derived, save_derived
from search.indexing.segment_contents import SegmentData
from search.indexing.segments import discard, segment_data


@dataclass(frozen=True)
class Vocabulary:
    words: list[str]
    counts: np.ndarray  # int64: stories holding each word (deleted ones included)
    stems: list[str]  # each word's English stem, as the index stems it


def vocabulary_name(segment_ids: Iterable[str]) -> str:
    """The saved name of the vocabulary of the segments ``segment_ids`` (in the reader's order)."""
    digest = hashlib.blake2b("\x00".join(segment_ids).encode("utf-8"), digest_size=12)
    return f"vocabulary-{digest.hexdigest()}"


def combined_counts(segments: Iterable[SegmentData]) -> dict[str, int]:
    """word -> stories holding it, over ``segments``."""
    counts: dict[str, int] = {}
    for data in segments:
        for word, count in zip(data.words, data.word_counts.tolist()):
            counts[word] = counts.get(word, 0) + count
    return counts


def save_vocabulary(folder: Path, segment_readers: Iterable) -> None:
    """Save the vocabulary of the generation of these segments (their data already saved in ``folder``),
    unless it is saved already."""
    leaves = [leaf for leaf in segment_readers if leaf.doc_count_all()]
    name = vocabulary_name(leaf.segment().segment_id() for leaf in leaves)
    if not leaves or (folder / name).is_dir():
        return
    counts = combined_counts(segment_data(folder, leaf) for leaf in leaves)
    stem = stemmer(ENGLISH)
    words = list(counts)
    save_derived(
        folder,
        name,
        {"counts": np.fromiter(counts.values(), dtype=np.int64, count=len(counts))},
        {"words": words, "stems": [stem(word) for word in words]},
    )


def load_vocabulary(folder: Path, segment_ids: Iterable[str]) -> Vocabulary | None:
    """The saved vocabulary of these segments, or None when none is saved intact."""
    name = vocabulary_name(segment_ids)
    loaded = load_derived(folder, name, {"counts"})
    if loaded is None:
        return None
    arrays, strings = loaded
    words, stems, counts = strings.get("words"), strings.get("stems"), arrays["counts"]
    if not (_strings(words) and _strings(stems) and len(words) == len(stems) == len(counts)):
        discard(folder / name, "its words do not match its counts")
        return None
    return Vocabulary(words, counts, stems)


def _strings(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)
