"""The JSON of every query in ``bench/queries.txt`` stays what it was when ``tests/golden/`` was written.

A refactor of the query side must not change a single answer: each query (and each again sorted oldest)
runs on the two small test indexes and is compared, ``took_ms`` aside, with the answer recorded before
the change (one JSON line per search). A change of behaviour that is meant updates the file:
``pytest tests/test_golden_queries.py --update-golden``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from search.facets import FACET_NAMES
from search.models import SearchRequest

from support import ROOT, small_articles, web_articles, write_articles

GOLDEN = ROOT / "tests" / "golden" / "bench_queries.jsonl"
QUERIES = ROOT / "bench" / "queries.txt"


def read_queries() -> list[tuple[str, dict[str, list[str]]]]:
    """(query text, filters) per line of ``bench/queries.txt`` (its header explains the format)."""
    out = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or (not line.strip() and "|" not in line):
            continue
        text, _, rest = line.partition("|")
        filters: dict[str, list[str]] = {}
        for pair in rest.split(";"):
            if "=" in pair:
                key, value = pair.split("=", 1)
                filters.setdefault(key.strip(), []).append(value.strip())
        out.append((text.strip(), filters))
    return out


def request_for(text: str, filters: dict[str, list[str]]) -> SearchRequest:
    return SearchRequest(
        q=text,
        filters={name: tuple(filters.get(name, ())) for name in FACET_NAMES},
        date_from=date.fromisoformat(filters["from"][0]) if "from" in filters else None,
        date_to=date.fromisoformat(filters["to"][0]) if "to" in filters else None,
        sort=filters.get("sort", [""])[0],
    )


def answers(tmp_path: Path) -> list[dict[str, Any]]:
    out = []
    for name, records in (("small", small_articles()), ("web", web_articles())):
        index = write_articles(tmp_path / name, records)
        try:
            for text, filters in read_queries():
                for variant in ({}, {"sort": ["oldest"]}):
                    request = request_for(text, {**filters, **variant})
                    with index.searcher() as searcher:
                        page = searcher.search(request).to_dict()
                        page.pop("took_ms")
                        values = [v.to_dict() for v in searcher.facet_values("person", "", request, per_page=5).values]
                    out.append(
                        {
                            "index": name,
                            "query": text,
                            "filters": filters,
                            "variant": variant,
                            "page": page,
                            "values": values,
                        }
                    )
        finally:
            index.close()
    return out


def test_every_bench_query_answers_as_recorded(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    lines = [json.dumps(answer, ensure_ascii=False, sort_keys=True) for answer in answers(tmp_path)]
    if request.config.getoption("--update-golden"):
        GOLDEN.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    recorded = GOLDEN.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(recorded)
    for line, expected in zip(lines, recorded):
        assert json.loads(line) == json.loads(expected)
