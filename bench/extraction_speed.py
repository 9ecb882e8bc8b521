"""Extraction speed of one process on modern-length stories: what an indexing worker does per story.

Reads the first ``--stories`` stories of the corpus ``bench/scale.py --modern`` writes (2,000-3,000
characters each; ``--corpus`` for another folder), builds the extractor once (as a worker does, from the
saved models when present), then times, over ``--repeats`` passes each:

- ``entities``: ``EntityExtractor.extract`` alone (language, persons, countries, organisations);
- ``worker``: ``pipeline.prepare``, all of a worker's work per story (entities, the document, its SimHash
  and the postings of title and body).

    NLTK_DATA=../shared/nltk_data .venv/bin/python bench/extraction_speed.py
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.indexing.pipeline import get_extractor, prepare  # noqa: E402
from search.ingest.corpus import iter_articles  # noqa: E402

MODERN = ROOT / "bench" / "out" / "scale" / "corpus-modern"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=MODERN)
    parser.add_argument("--stories", type=int, default=600)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    if not options.corpus.is_dir():
        raise SystemExit(f"{options.corpus} is missing: write it with bench/scale.py --copies 1 --modern 2000")
    articles = list(itertools.islice(iter_articles(options.corpus), options.stories))
    extractor = get_extractor()
    extractor.extract(articles[0])  # lazily loaded parts (the language model) are not timed
    steps = {"entities": extractor.extract, "worker": lambda article: prepare(extractor, article)}
    for name, step in steps.items():
        rates = []
        for _ in range(options.repeats):
            started = time.perf_counter()
            for article in articles:
                step(article)
            rates.append(len(articles) / (time.perf_counter() - started))
        print(f"{name:>8}: {min(rates):.0f}-{max(rates):.0f} stories/s per process ({len(articles)} stories)")


if __name__ == "__main__":
    main()
