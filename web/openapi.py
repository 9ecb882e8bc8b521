"""The OpenAPI 3.1 description of the JSON API, served at ``/api/openapi.json``.

Built from the app's ``Limits`` (the same object the core checks against), so the documented limits (page
size, depth, export cap, query length) are the real ones, and from the facet registry.
"""

from __future__ import annotations

from typing import Any

from search.facets import FACET_NAMES, FACETS, MENTIONS, exclude_parameter
from search.models import SORTS, TIMELINE_INTERVALS
from search.retrieve.timeline import MAX_BUCKETS
from search.settings import MAX_FACET_VALUES, Limits
from web.openapi_schemas import ref, responses, schemas
from web.params import FACET_VALUES_PER_REQUEST, MAX_COMPARED, MAX_VALUE_CHARS

VERSION = "0.2.0"
DATE_OR_EMPTY = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}]}
_CONTROL = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
TEXT = f"^[^{_CONTROL}]*$"  # control characters (but tab, line feed, carriage return) are a 400
SOME_TEXT = f"^[^{_CONTROL}]*[^\\s{_CONTROL}][^{_CONTROL}]*$"  # ... and something besides white space


def param(
    name: str,
    description: str,
    schema: dict[str, Any],
    *,
    where: str = "query",
    repeat: bool = False,
    deprecated: bool = False,
) -> dict[str, Any]:
    p: dict[str, Any] = {"name": name, "in": where, "description": description, "schema": schema}
    if deprecated:
        p["deprecated"] = True
    if where == "path":
        p["required"] = True
    if repeat:
        p.update(schema={"type": "array", "items": schema}, style="form", explode=True)
    return p


def search_parameters(limits: Limits) -> list[dict[str, Any]]:
    fields = ", ".join(("title", "body", *FACET_NAMES))
    return [
        param(
            "q",
            f'Query text: words, "exact phrases", AND / OR / NOT, field:word ({fields}). '
            f"At most {limits.query_max_chars} characters. Empty: every article. Text the query language can't "
            f"read (an unbalanced quote, nothing left to search, an over-broad wildcard) is a 400 `bad_query`.",
            {"type": "string", "maxLength": limits.query_max_chars, "pattern": TEXT},
        ),
        *(
            param(
                facet.name,
                f"Only articles {facet.stories('this ' + facet.singular)}; several are OR-ed (any of them), different "
                f"facets AND-ed.",
                {"type": "string", "maxLength": MAX_VALUE_CHARS, "pattern": TEXT},
                repeat=True,
            )
            for facet in FACETS
        ),
        *(
            param(
                exclude_parameter(facet.name),
                f"Leave out articles {facet.stories('this ' + facet.singular)} (repeatable).",
                {"type": "string", "maxLength": MAX_VALUE_CHARS, "pattern": TEXT},
                repeat=True,
            )
            for facet in FACETS
        ),
        param(
            "mentions",
            "`any` (default, also when empty): filters and facet counts use every entity an article names; "
            "`about`: only the "
            "entities it is about (named in the title or lead, named twice, quoted, ...).",
            {"type": "string", "enum": [*MENTIONS, ""], "default": "any"},
        ),
        param(
            "from", "Earliest publication date, inclusive; empty: no bound (as a date form sends it).", DATE_OR_EMPTY
        ),
        param(
            "to",
            "Latest publication date, inclusive; not before `from` (a 400 otherwise); empty: no bound.",
            DATE_OR_EMPTY,
        ),
        param(
            "sort",
            "Order of hits. Default (also when empty): relevance with a query, newest without.",
            {"type": "string", "enum": [*SORTS, ""]},
        ),
        param(
            "page",
            f"Page number from 1; (page - 1) * per_page must stay below {limits.max_depth} (MAX_DEPTH: a 400 "
            f"beyond, so with the default per_page of {limits.per_page} the last page is "
            f"{-(-limits.max_depth // limits.per_page)}). A page past the last result answers the last page.",
            {"type": "integer", "minimum": 1, "maximum": limits.max_depth, "default": 1},
        ),
        param(
            "per_page",
            "Hits per page.",
            {"type": "integer", "minimum": 1, "maximum": limits.max_per_page, "default": limits.per_page},
        ),
    ]


def search_operation(limits: Limits) -> dict[str, Any]:
    cap = limits.export_cap
    fmt = param(
        "format",
        f"json (default): one page. csv or jsonl: every matching hit, streamed in the "
        f"requested order, at most {cap} (EXPORT_CAP, also sent as the X-Export-Cap "
        f"header); page and per_page are ignored. CSV cells that start with = + - @ "
        f"are prefixed with a quote so spreadsheets don't run them as formulas.",
        {"type": "string", "enum": ["json", "csv", "jsonl", ""], "default": "json"},
    )
    return {
        "summary": "Search articles",
        "operationId": "search",
        "parameters": [*search_parameters(limits), fmt],
        "responses": {
            "200": {
                "description": "A page of hits with facet counts and a date histogram.",
                "content": {
                    "application/json": {"schema": ref("SearchPage")},
                    "text/csv": {"schema": {"type": "string"}},
                    "application/x-ndjson": {"schema": {"type": "string"}},
                },
            },
            "400": ref_response("BadRequest"),
            "414": ref_response("TooLong"),
            "503": ref_response("NoIndex"),
        },
    }


def timeline_parameters() -> list[dict[str, Any]]:
    return [
        param(
            "interval",
            f"The period of each bucket (weeks start on Monday). Absent: chosen from the span of the dates, a day "
            f"up to two months, a week up to a year, a month up to eight years, else a year. At most {MAX_BUCKETS} "
            f"buckets (a 400 beyond).",
            {"type": "string", "enum": list(TIMELINE_INTERVALS)},
        ),
        param(
            "normalize",
            "true: each bucket also gives `share`, its count over every story dated in it (near-duplicates once); "
            "false (default): `share` is null.",
            {"type": "boolean", "default": False},
        ),
    ]


def explore_paths(limits: Limits) -> dict[str, Any]:
    """The routes of the results page's timeline, ``/compare`` and the entity pages."""
    within = [p for p in search_parameters(limits) if p["name"] not in ("page", "per_page", "sort")]
    shared = [p for p in within if p["name"] != "q"]
    queries = param(
        "q",
        f"One query per series (the query language of /api/search), 1 to {MAX_COMPARED}, none empty; the same "
        f"query given twice is one series.",
        {"type": "string", "minLength": 1, "maxLength": limits.query_max_chars, "pattern": SOME_TEXT},
        repeat=True,
    )
    queries["required"] = True
    queries["schema"].update(minItems=1, maxItems=MAX_COMPARED)
    facet = param("facet", "Which facet.", {"type": "string", "enum": list(FACET_NAMES)}, where="path")
    name = param("name", "The value, in any case (as hits and /api/facets give it).", {"type": "string"}, where="path")
    errors = {"400": ref_response("BadRequest"), "414": ref_response("TooLong"), "503": ref_response("NoIndex")}
    return {
        "/api/timeline": {
            "get": {
                "summary": "A search's results over time",
                "operationId": "timeline",
                "description": "The same filters as /api/search; contiguous buckets from the first to the last "
                "date (or the from / to range), empty ones included. Undated results count in `total` only.",
                "parameters": [*within, *timeline_parameters()],
                "responses": {"200": ok_response("Timeline", "The timeline."), **errors},
            }
        },
        "/api/compare": {
            "get": {
                "summary": "Several searches over time, over the same buckets",
                "operationId": "compare",
                "description": "One series per q, each within the shared filters (every other parameter).",
                "parameters": [queries, *shared, *timeline_parameters()],
                "responses": {"200": ok_response("Comparison", "One series per query."), **errors},
            }
        },
        "/api/entities/{facet}/{name}": {
            "get": {
                "summary": "An entity's page: coverage, who and what appears with it, name variants, stories",
                "operationId": "entity",
                "parameters": [facet, name, *timeline_parameters()],
                "responses": {
                    "200": ok_response("Entity", "The entity's page."),
                    "404": ref_response("NotFound"),
                    **errors,
                },
            }
        },
    }


def ref_response(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


def ok_response(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


def openapi_document(limits: Limits) -> dict[str, Any]:
    """The whole OpenAPI document for this app's limits."""
    article_id = param("id", "Article id as returned in hits.", {"type": "string"}, where="path")
    facet = param("name", "Which facet.", {"type": "string", "enum": list(FACET_NAMES)}, where="path")
    prefix = param(
        "prefix",
        "Values starting with this text (case-insensitive); empty: the most frequent.",
        {"type": "string", "maxLength": MAX_VALUE_CHARS, "pattern": TEXT},
    )
    bounds = {"minimum": 1, "maximum": MAX_FACET_VALUES, "default": FACET_VALUES_PER_REQUEST}
    paging = [
        param("page", "Page of the values, from 1 (past the last: no values).", {"type": "integer", "minimum": 1}),
        param("per_page", "Values per page.", {"type": "integer", **bounds}),
        param("limit", "The older name of per_page.", {"type": "integer", **bounds}, deprecated=True),
    ]
    within = [p for p in search_parameters(limits) if p["name"] not in ("page", "per_page", "sort")]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "news-search API",
            "version": VERSION,
            "description": (
                "Read-only search over a news archive. All routes are GET, CORS-enabled for any origin. "
                "Single-valued parameters given twice are a 400; unknown parameters are ignored; an empty `q`, "
                "`from`, `to`, `mentions`, `sort` or `format` is the same as leaving it out. "
                'Every error has the body {"error": {"code", "message", "parameter"}}, except a request line '
                "longer than the server's limit (8190 bytes under the Procfile's gunicorn), which gunicorn "
                "itself answers with a 414 before the application sees it. Responses are gzip-compressed for "
                "clients that accept it."
            ),
        },
        "paths": {
            "/api/search": {"get": search_operation(limits)},
            "/api/articles/{id}": {
                "get": {
                    "summary": "One article with its entities",
                    "operationId": "getArticle",
                    "parameters": [article_id],
                    "responses": {
                        "200": ok_response("Article", "The article."),
                        "404": ref_response("NotFound"),
                        "414": ref_response("TooLong"),
                        "503": ref_response("NoIndex"),
                    },
                }
            },
            "/api/facets/{name}": {
                "get": {
                    "summary": "Page through all the values of a facet",
                    "operationId": "facetValues",
                    "description": "Counts are those of the results page of the search the other parameters (q, "
                    "person, not_person, mentions, ...) describe: every filter but the facet's own selections.",
                    "parameters": [facet, prefix, *paging, *within],
                    "responses": {
                        "200": ok_response("FacetValues", "One page of matching values, most frequent first."),
                        "400": ref_response("BadRequest"),
                        "414": ref_response("TooLong"),
                        "503": ref_response("NoIndex"),
                    },
                }
            },
            **explore_paths(limits),
            "/api/health": {
                "get": {
                    "summary": "Index status",
                    "operationId": "health",
                    "responses": {
                        "200": ok_response("Health", "Article count and when the index last changed."),
                        "414": ref_response("TooLong"),
                        "503": ref_response("NoIndex"),
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1 document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": schemas(), "responses": responses()},
    }
