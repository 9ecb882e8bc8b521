"""Entity quality on Reuters-21578: countries vs the editors' PLACES, persons vs PEOPLE, and extraction speed.

Usage:  NLTK_DATA=../shared/nltk_data .venv/bin/python bench/entity_quality.py [--limit N] [--processes 2]

Reads every story with ``search.ingest.read_file`` (exactly what the indexer indexes: the body starts
with the dateline), extracts entities in worker processes (each builds its own EntityExtractor), builds
the corpus-wide PersonRegistry (and its FirmRegistry), resolves lone surnames and drops names other stories show
to be firms, then scores at document level:

The editors coded what a story is about, so the headline figures score the ``about`` subsets
(``mentions=about``); the figures for everything a story names (``mentions=any``) follow, for reference.

- countries: over the stories with at least one PLACES code we can map to a canonical country;
  recall = labelled countries found / labelled countries, precision = predicted countries that are
  labelled / predicted countries (micro-averaged over those stories).
- persons: over the stories with at least one PEOPLE code; recall = codes found / codes. Precision is
  counted over the predictions that map to some PEOPLE code (all-people-strings.lc.txt): of those,
  the share that are labelled on that story (the editors only coded ~270 people). The registry learns
  from every full name, facet values and names met in passing (``Entities.passing``) alike, as the
  indexer's does.
"""

from __future__ import annotations

import argparse
import multiprocessing
import pickle
import re
import sys
import time
from collections import Counter
from pathlib import Path

from unidecode import unidecode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.entities import EntityExtractor, gazetteer  # noqa: E402
from search.indexing.registry import PersonRegistry, resolve_persons  # noqa: E402
from search.ingest import read_file  # noqa: E402
from search.ingest.sgml import read_reuters_labels  # noqa: E402
from search.models import Article, Entities  # noqa: E402

REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578"
# PLACES codes whose slug is not one of our names; "" = no country we can map to (say why in the report).
PLACE_CODES = {
    "usa": "United States",
    "uk": "United Kingdom",
    "ussr": "Soviet Union",
    "uae": "United Arab Emirates",
    "west-germany": "West Germany",
    "east-germany": "East Germany",
    "kampuchea": "Cambodia",
    "burma": "Myanmar",
    "zaire": "DR Congo",
    "guinea-bissau": "Guinea-Bissau",
    "ivory-coast": "Ivory Coast",
    "trinidad-tobago": "Trinidad and Tobago",
    "yemen-arab-republic": "North Yemen",
    "yemen-demo-republic": "South Yemen",
    "western-samoa": "Samoa",
    "vatican": "Vatican City",
    "us-virgin-islands": "US Virgin Islands",
    "macao": "Macao",
    "netherlands-antilles": "Netherlands Antilles",
    "czechoslovakia": "Czechoslovakia",
    "yugoslavia": "Yugoslavia",
}

_extractor: EntityExtractor | None = None


def _init_worker() -> None:
    global _extractor
    _extractor = EntityExtractor()


def _extract(batch: list[Article]) -> tuple[list[tuple[str, Entities]], float]:
    assert _extractor is not None
    start = time.process_time()
    out = [(a.id, _extractor.extract(a)) for a in batch]
    return out, time.process_time() - start


def extract_in_processes(batches: list[list[Article]], processes: int) -> tuple[dict[str, Entities], float, float]:
    """Every article's entities, extracted by ``processes`` forked workers (one extractor each); with the
    CPU seconds spent in ``extract`` and the wall seconds (model loading included). Also used by
    ``entity_mentions.py``."""
    start = time.perf_counter()
    results: dict[str, Entities] = {}
    busy = 0.0
    with multiprocessing.get_context("fork").Pool(processes, initializer=_init_worker) as pool:
        for out, seconds in pool.imap_unordered(_extract, batches):
            results.update(out)
            busy += seconds
    return results, busy, time.perf_counter() - start


def read_corpus(limit: int | None) -> tuple[list[Article], dict[str, dict[str, list[str]]]]:
    articles: list[Article] = []
    labels: dict[str, dict[str, list[str]]] = {}
    for path in sorted(REUTERS.glob("reut2-*.sgm")):
        articles.extend(read_file(path, REUTERS).articles)
        labels.update(read_reuters_labels(path))
    return (articles[:limit] if limit else articles), labels


def place_map() -> tuple[dict[str, str], list[str]]:
    codes = (REUTERS / "all-places-strings.lc.txt").read_text().split()
    mapped, unmapped = {}, []
    for code in codes:
        country = PLACE_CODES.get(code) or gazetteer.country_for_label(code)
        if country:
            mapped[code] = country
        else:
            unmapped.append(code)
    return mapped, unmapped


def slug(name: str) -> list[str]:
    return [t for t in re.split(r"[^a-z0-9]+", unidecode(name).lower()) if t]


def person_code(name: str, codes: dict[tuple[str, ...], str]) -> str | None:
    """The PEOPLE code a predicted name stands for: whole name, first+last, or a surname suffix."""
    tokens = slug(name)
    if tuple(tokens) in codes:
        return codes[tuple(tokens)]
    if len(tokens) > 2 and (tokens[0], tokens[-1]) in codes:
        return codes[(tokens[0], tokens[-1])]
    for n in range(len(tokens) - 1, 0, -1):
        if tuple(tokens[-n:]) in codes:
            return codes[tuple(tokens[-n:])]
    return None


def score(results: dict[str, Entities], labels: dict[str, dict[str, list[str]]], about: bool = True) -> None:
    """Countries, then persons; ``about``: the values the stories are about (the editors' rule), else all
    the values they name."""
    mapped, unmapped = place_map()
    print(f"PLACES codes: {len(mapped)} mapped, unmapped (excluded from gold): {unmapped or 'none'}")
    docs = tp = gold_n = pred_n = 0
    missed: dict[str, int] = {}
    extra: dict[str, int] = {}
    for doc_id, ents in results.items():
        gold = {mapped[c] for c in labels.get(doc_id, {}).get("places", []) if c in mapped}
        if not gold:
            continue
        pred = set(ents.about_values("country") if about else ents.countries)
        docs += 1
        tp += len(gold & pred)
        gold_n += len(gold)
        pred_n += len(pred)
        for c in gold - pred:
            missed[c] = missed.get(c, 0) + 1
        for c in pred - gold:
            extra[c] = extra.get(c, 0) + 1
    print(
        f"countries: {docs} stories with mapped PLACES: recall {tp / gold_n:.3f} ({tp}/{gold_n}), "
        f"precision {tp / max(pred_n, 1):.3f} ({tp}/{pred_n})"
    )
    print("  most missed:", sorted(missed.items(), key=lambda kv: -kv[1])[:12])
    print("  most extra: ", sorted(extra.items(), key=lambda kv: -kv[1])[:12])
    score_persons(results, labels, about)


def score_persons(results: dict[str, Entities], labels: dict[str, dict[str, list[str]]], about: bool = True) -> None:
    codes = {tuple(c.split("-")): c for c in (REUTERS / "all-people-strings.lc.txt").read_text().split()}
    docs = tp = gold_n = coded = right = 0
    missed: dict[str, int] = {}
    wrong: dict[str, int] = {}
    for doc_id, ents in results.items():
        gold = set(labels.get(doc_id, {}).get("people", []))
        if not gold:
            continue
        docs += 1
        pred_codes = {}
        for name in ents.about_values("person") if about else ents.persons:
            code = person_code(name, codes)
            if code:
                pred_codes[code] = name
        tp += len(gold & set(pred_codes))
        gold_n += len(gold)
        coded += len(pred_codes)
        right += len(gold & set(pred_codes))
        for c in gold - set(pred_codes):
            missed[c] = missed.get(c, 0) + 1
        for c in set(pred_codes) - gold:
            wrong[pred_codes[c]] = wrong.get(pred_codes[c], 0) + 1
    print(
        f"persons: {docs} stories with PEOPLE: recall {tp / gold_n:.3f} ({tp}/{gold_n}), "
        f"precision over code-mapped predictions {right / max(coded, 1):.3f} ({right}/{coded})"
    )
    print("  most missed:", sorted(missed.items(), key=lambda kv: -kv[1])[:12])
    print("  most wrong: ", sorted(wrong.items(), key=lambda kv: -kv[1])[:12])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N stories")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--dump", type=Path, default=None, help="pickle (articles, labels, results) here")
    args = parser.parse_args()
    articles, labels = read_corpus(args.limit)
    print(f"{len(articles)} stories read")
    batches = [articles[i : i + 200] for i in range(0, len(articles), 200)]
    results, busy, wall = extract_in_processes(batches, args.processes)
    print(
        f"extraction: {wall:.1f} s wall with {args.processes} processes (incl. ~3 s model loading each), "
        f"{len(articles) / busy:.1f} stories/s per process (CPU time of extract only), "
        f"{len(articles) / wall:.1f} stories/s overall"
    )
    if args.dump:
        with args.dump.open("wb") as fh:
            pickle.dump((articles, labels, results), fh)
    no_firms = PersonRegistry()
    registry = PersonRegistry()
    for doc_id, ents in results.items():
        no_firms.add(doc_id, ents.persons)
        registry.add(doc_id, ents.persons, ents.firm_evidence)
    print("-- what the stories are about (mentions=about), within each article only (no registry):")
    score(results, labels)
    plain = {doc_id: resolve_persons(ents, no_firms) for doc_id, ents in results.items()}
    print(f"-- what the stories are about, with the registry's surnames only ({len(no_firms)} surnames):")
    score_persons(plain, labels)
    resolved = {doc_id: resolve_persons(ents, registry) for doc_id, ents in results.items()}
    dropped = Counter(p for doc_id, ents in plain.items() for p in set(ents.persons) - set(resolved[doc_id].persons))
    print(
        f"-- what the stories are about, with the corpus-wide registry ({len(registry)} surnames, "
        f"{len(registry.firms)} firm names): the firms drop {sum(dropped.values())} person values of "
        f"{len(dropped)} names, commonest {dropped.most_common(15)}"
    )
    score_persons(resolved, labels)
    print("-- everything the stories name (mentions=any), with the registry:")
    score(resolved, labels, about=False)


if __name__ == "__main__":
    main()
