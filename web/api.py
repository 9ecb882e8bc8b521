"""Blueprint "api": the read-only JSON API under ``/api``, and CSV / JSONL exports of a search.

``/api/search`` returns ``SearchPage.to_dict()`` unchanged; ``/api/timeline``, ``/api/compare`` and
``/api/entities/<facet>/<name>`` the JSON of the results page's timeline, ``/compare`` and the entity pages.
The OpenAPI document (``web/openapi.py``) describes every route. Errors are raised and turned into JSON by
``web/errors.py``.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import replace

from flask import Blueprint, Response, jsonify, request

from search.facets import FACETS
from search.models import Hit, SearchRequest, hit_to_dict
from search.retrieve.searcher import NewsSearcher
from web.explore import ENTITY_ROUTE, unknown_entity
from web.openapi import openapi_document
from web.params import (
    parse_compared,
    parse_facet_page,
    parse_format,
    parse_interval,
    parse_normalize,
    parse_prefix,
    parse_search_args,
)
from web.worker_index import get_index, get_limits, get_searcher

bp = Blueprint("api", __name__, url_prefix="/api")

CSV_COLUMNS = ("id", "title", "date", "source", "url", "score", *(f.plural for f in FACETS), "duplicates")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "news-search.csv"),
    "jsonl": ("application/x-ndjson; charset=utf-8", "news-search.jsonl"),
}


@bp.get("/search")
def search() -> Response:
    """A page of hits as JSON, or with ``format=csv|jsonl`` every hit up to EXPORT_CAP, streamed."""
    fmt = parse_format(request.args)
    req = parse_search_args(request.args, get_limits())
    if fmt != "json":
        return export(req, fmt)
    return jsonify(get_searcher().search(req).to_dict())


@bp.get("/articles/<path:article_id>")
def article(article_id: str) -> Response:
    """The whole stored article with its entities and mentions (404 if unknown)."""
    return jsonify(get_searcher().article(article_id).to_dict())


@bp.get("/facets/<name>")
def facet_values(name: str) -> Response:
    """One page of a facet's values (with a word starting with ``prefix``), counted as the results page of the
    search the other parameters give counts them. ``page`` and ``per_page`` page through the values here."""
    prefix = parse_prefix(request.args)
    page, per_page = parse_facet_page(request.args)
    req = replace(parse_search_args(request.args, get_limits()), page=1, per_page=get_limits().per_page)
    return jsonify(get_searcher().facet_values(name, prefix, req, page, per_page).to_dict())


@bp.get("/timeline")
def timeline() -> Response:
    """The results of a search over time (the results page's chart): counts, and shares when ``normalize``."""
    req = replace(parse_search_args(request.args, get_limits()), page=1, per_page=get_limits().per_page)
    found = get_searcher().timeline(req, parse_interval(request.args), parse_normalize(request.args))
    return jsonify(found.to_dict())


@bp.get("/compare")
def compare() -> Response:
    """Several searches (``q`` repeated, at most four) over the same buckets, within the shared filters."""
    queries, shared = parse_compared(request.args, get_limits(), skip_empty=False)
    shared = replace(shared, page=1, per_page=get_limits().per_page)
    requests = [replace(shared, q=q) for q in queries]
    found = get_searcher().compare(requests, parse_interval(request.args), parse_normalize(request.args))
    series = []
    for query, line in zip(queries, found):
        data = line.to_dict()
        series.append({"q": query, "total": data["total"], "undated": data["undated"], "buckets": data["buckets"]})
    interval = found[0].interval if found else ""
    return jsonify({"interval": interval, "normalize": parse_normalize(request.args), "series": series})


@bp.get("/entities" + ENTITY_ROUTE)
def entity(facet: str, name: str) -> Response:
    """An entity page's data: counts, timeline, co-occurring values with lift, name variants, stories."""
    profile = get_searcher().entity(facet, name, parse_interval(request.args), parse_normalize(request.args))
    if profile is None:
        raise unknown_entity(facet, name)
    return jsonify(profile.to_dict())


@bp.get("/health")
def health() -> Response:
    """How many articles are searchable and when the index last changed (503 while there is no index, or
    while it can't be read: taking a searcher reads every segment once per index generation)."""
    get_searcher()
    return jsonify({"status": "ok", **get_index().stats().to_dict()})


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(get_limits()))


def export(req: SearchRequest, fmt: str) -> Response:
    """Stream the hits with a searcher of their own (the request's one is closed when the view returns).

    The first hit is fetched before answering, so a bad query is a 400 rather than a broken download.
    """
    cap = get_limits().export_cap
    searcher = get_index().searcher()
    try:
        hits = searcher.iter_hits(req, cap)
        first = next(hits, None)
    except BaseException:
        searcher.close()
        raise
    rows = itertools.chain([first] if first is not None else [], hits)
    lines = csv_lines(rows) if fmt == "csv" else jsonl_lines(rows)
    mimetype, filename = EXPORTS[fmt]
    response = Response(closing_after(lines, searcher), content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Export-Cap"] = str(cap)
    return response


def closing_after(lines: Iterator[str], searcher: NewsSearcher) -> Iterator[str]:
    """Yield the lines, then close the searcher, also when the client goes away mid-download."""
    try:
        yield from lines
    finally:
        searcher.close()


def jsonl_lines(hits: Iterable[Hit]) -> Iterator[str]:
    for hit in hits:
        yield json.dumps(hit_to_dict(hit), ensure_ascii=False) + "\n"


def csv_lines(hits: Iterable[Hit]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in itertools.chain([CSV_COLUMNS], (csv_row(hit) for hit in hits)):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_row(hit: Hit) -> list[str]:
    values = [
        hit.id,
        hit.title,
        hit.date or "",
        hit.source,
        hit.url,
        "" if hit.score is None else f"{hit.score:.4f}",
        *("; ".join(hit.entities.get(facet.name, ())) for facet in FACETS),
        str(hit.duplicates),
    ]
    return [defuse_cell(v) for v in values]


def defuse_cell(value: str) -> str:
    """Keep spreadsheets from running a cell as a formula (CSV injection): quote a leading = + - @."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
