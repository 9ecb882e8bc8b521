"""Behaviour snapshots for refactors: the search JSON of every bench query and the entities of every Reuters story.

A refactor that must not change behaviour is checked by dumping both before it and after it and
comparing:

    NLTK_DATA=../shared/nltk_data .venv/bin/python bench/snapshot.py dump --index-dir IDX --out bench/out/before
    ... refactor ...
    NLTK_DATA=../shared/nltk_data .venv/bin/python bench/snapshot.py dump --index-dir IDX --out bench/out/after
    .venv/bin/python bench/snapshot.py compare bench/out/before bench/out/after

``search.json``: for each line of ``bench/queries.txt`` (and each query again sorted newest, on page 2, and
with its facet values searched), the JSON the API would answer, ``took_ms`` left out (it is a timing).
Searches run on one index built beforehand (``IDX``), so both dumps read the same documents in the same
order. ``entities.jsonl``: every field of ``Entities`` for every Reuters-21578 story as the indexer reads
it, in file order (``--no-entities`` skips this part, ~40 s). Nothing from the corpus is committed: dumps
live under ``bench/out/``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.facets import FACET_NAMES  # noqa: E402
from search.models import SearchRequest  # noqa: E402
from search.retrieve import open_index  # noqa: E402

REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578"
QUERIES = ROOT / "bench" / "queries.txt"


def read_queries(path: Path = QUERIES) -> list[tuple[str, dict[str, list[str]]]]:
    """(query text, filters) per line of the query file (see its header for the format)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or (not line.strip() and "|" not in line):
            continue
        text, _, rest = line.partition(" | ") if " | " in line else line.partition("|")
        filters: dict[str, list[str]] = {}
        for pair in rest.split(";"):
            if "=" in pair:
                key, value = pair.split("=", 1)
                filters.setdefault(key.strip(), []).append(value.strip())
        out.append((text.strip(), filters))
    return out


def request_for(text: str, filters: dict[str, list[str]]) -> SearchRequest:
    """A SearchRequest for one query line and its filters (as the API would parse them)."""
    facets = {name: tuple(filters.get(name, ())) for name in FACET_NAMES}
    return SearchRequest(
        q=text,
        filters=facets,
        date_from=date.fromisoformat(filters["from"][0]) if "from" in filters else None,
        date_to=date.fromisoformat(filters["to"][0]) if "to" in filters else None,
        sort=filters.get("sort", [""])[0],
        page=int(filters.get("page", ["1"])[0]),
    )


def search_dump(index_dir: Path) -> list[dict[str, Any]]:
    """The API JSON of every bench query, a few variants of each, and facet value searches."""
    index = open_index(index_dir)
    out = []
    try:
        for text, filters in read_queries():
            for variant in ({}, {"sort": ["newest"]}, {"page": ["2"]}):
                request = request_for(text, {**filters, **variant})
                with index.searcher() as searcher:
                    page = searcher.search(request).to_dict()
                    page.pop("took_ms")
                    values = {
                        name: asdict(searcher.facet_values(name, prefix, request, per_page=20))
                        for name, prefix in (("person", ""), ("country", "un"), ("org", "o"))
                    }
                out.append({"query": text, "filters": filters, "variant": variant, "page": page, "values": values})
    finally:
        index.close()
    return out


def entity_dump(out_path: Path) -> int:
    """Write every Reuters story's entities, one JSON line each; returns how many."""
    from search.entities import EntityExtractor
    from search.ingest import read_file

    extractor = EntityExtractor()
    count = 0
    with out_path.open("w", encoding="utf-8") as out:
        for path in sorted(REUTERS.glob("reut2-*.sgm")):
            for article in read_file(path, REUTERS).articles:
                entities = extractor.extract(article)
                out.write(json.dumps({"id": article.id, **asdict(entities)}, ensure_ascii=False) + "\n")
                count += 1
    return count


def compare(before: Path, after: Path) -> int:
    """Print the first differences; exit status 1 when there are any."""
    problems = 0
    for name in ("search.json", "entities.jsonl"):
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"{name}: missing in {'before' if not a.exists() else 'after'}, not compared")
            continue
        left, right = a.read_text(encoding="utf-8").splitlines(), b.read_text(encoding="utf-8").splitlines()
        diffs = [i for i, (x, y) in enumerate(zip(left, right)) if x != y]
        if len(left) != len(right):
            print(f"{name}: {len(left)} lines before, {len(right)} after")
            problems += 1
        for i in diffs[:5]:
            print(f"{name} line {i + 1} differs:\n  before {left[i][:300]}\n  after  {right[i][:300]}")
        problems += len(diffs)
        print(f"{name}: {len(left)} lines, {len(diffs)} differ")
    return 1 if problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    dump = sub.add_parser("dump", help="write search.json and entities.jsonl into --out")
    dump.add_argument("--index-dir", type=Path, required=True)
    dump.add_argument("--out", type=Path, required=True)
    dump.add_argument("--no-entities", action="store_true")
    cmp = sub.add_parser("compare", help="compare two dumps")
    cmp.add_argument("before", type=Path)
    cmp.add_argument("after", type=Path)
    options = parser.parse_args()
    if options.command == "compare":
        raise SystemExit(compare(options.before, options.after))
    options.out.mkdir(parents=True, exist_ok=True)
    searches = search_dump(options.index_dir)
    lines = "\n".join(json.dumps(s, ensure_ascii=False, sort_keys=True) for s in searches)
    (options.out / "search.json").write_text(lines + "\n", encoding="utf-8")
    print(f"{len(searches)} searches -> {options.out / 'search.json'}")
    if not options.no_entities:
        count = entity_dump(options.out / "entities.jsonl")
        print(f"{count} stories' entities -> {options.out / 'entities.jsonl'}")


if __name__ == "__main__":
    main()
