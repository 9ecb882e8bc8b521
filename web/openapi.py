"""The OpenAPI 3.1 description of the JSON API, served at ``/api/openapi.json``.

Built from the app's ``Limits`` (the same object the core checks against), so the documented limits (page
size, depth, export cap, query length) are the real ones, and from the facet registry.
"""

from __future__ import annotations

from typing import Any

from search.facets import FACET_NAMES, FACETS
from search.models import SORTS
from search.settings import MAX_FACET_VALUES, Limits
from web.params import FACET_VALUES_PER_REQUEST, MAX_VALUE_CHARS

VERSION = "0.1.0"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def param(
    name: str, description: str, schema: dict[str, Any], *, where: str = "query", repeat: bool = False
) -> dict[str, Any]:
    p: dict[str, Any] = {"name": name, "in": where, "description": description, "schema": schema}
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
            f"At most {limits.query_max_chars} characters. Empty: every article.",
            {"type": "string", "maxLength": limits.query_max_chars},
        ),
        *(
            param(
                facet.name,
                f"Only articles naming this {facet.singular} (repeat for all of several).",
                {"type": "string", "maxLength": MAX_VALUE_CHARS},
                repeat=True,
            )
            for facet in FACETS
        ),
        param("from", "Earliest publication date, inclusive.", {"type": "string", "format": "date"}),
        param("to", "Latest publication date, inclusive; not before `from`.", {"type": "string", "format": "date"}),
        param(
            "sort",
            "Order of hits. Default: relevance with a query, newest without.",
            {"type": "string", "enum": list(SORTS)},
        ),
        param(
            "page",
            f"Page number from 1; (page - 1) * per_page must stay below {limits.max_depth}.",
            {"type": "integer", "minimum": 1, "default": 1},
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
        {"type": "string", "enum": ["json", "csv", "jsonl"], "default": "json"},
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
            "503": ref_response("NoIndex"),
        },
    }


def ref_response(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


def ok_response(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


def schemas() -> dict[str, Any]:
    string_list = {"type": "array", "items": {"type": "string"}}
    plurals = [facet.plural for facet in FACETS]
    nullable_str = {"type": ["string", "null"]}
    facet_value = {
        "type": "object",
        "required": ["value", "count", "selected"],
        "properties": {"value": {"type": "string"}, "count": {"type": "integer"}, "selected": {"type": "boolean"}},
    }
    return {
        "Hit": {
            "type": "object",
            "required": [
                "id",
                "title",
                "date",
                "source",
                "url",
                "snippet",
                "score",
                *plurals,
                "duplicates",
                "duplicate_ids",
            ],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "date": {"type": ["string", "null"], "format": "date"},
                "source": {"type": "string"},
                "url": {"type": "string"},
                "snippet": {"type": "string", "description": "HTML: escaped text with <mark> around matches."},
                "score": {"type": ["number", "null"]},
                **dict.fromkeys(plurals, string_list),
                "duplicates": {"type": "integer", "description": "Near-duplicate stories folded into this hit."},
                "duplicate_ids": string_list,
            },
        },
        "FacetValue": facet_value,
        "DateBucket": {
            "type": "object",
            "required": ["start", "end", "label", "count"],
            "properties": {
                "start": {"type": "string", "format": "date"},
                "end": {"type": "string", "format": "date"},
                "label": {"type": "string"},
                "count": {"type": "integer"},
            },
        },
        "SearchPage": {
            "type": "object",
            "required": [
                "query",
                "total",
                "page",
                "per_page",
                "pages",
                "sort",
                "took_ms",
                "suggestion",
                "hits",
                "facets",
            ],
            "properties": {
                "query": {"type": "string"},
                "total": {"type": "integer"},
                "page": {"type": "integer"},
                "per_page": {"type": "integer"},
                "pages": {"type": "integer", "description": "Last page that can be requested."},
                "sort": {"type": "string", "enum": list(SORTS)},
                "took_ms": {"type": "number"},
                "suggestion": {**nullable_str, "description": "A corrected query (did you mean)."},
                "hits": {"type": "array", "items": ref("Hit")},
                "facets": {
                    "type": "object",
                    "required": [*FACET_NAMES, "date"],
                    "properties": {
                        **{n: {"type": "array", "items": ref("FacetValue")} for n in FACET_NAMES},
                        "date": {"type": "array", "items": ref("DateBucket")},
                    },
                },
            },
        },
        "Mention": {
            "type": "object",
            "required": ["text", "kind", "value"],
            "properties": {
                "text": {"type": "string"},
                "kind": {"type": "string", "enum": list(FACET_NAMES)},
                "value": {"type": "string"},
            },
        },
        "Article": {
            "type": "object",
            "required": ["id", "title", "body", "date", "date_source", "source", "url", *plurals, "mentions"],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "body": {"type": "string"},
                "date": {"type": ["string", "null"], "format": "date"},
                "date_source": {"type": "string"},
                "source": {"type": "string"},
                "url": {"type": "string"},
                **dict.fromkeys(plurals, string_list),
                "mentions": {"type": "array", "items": ref("Mention")},
            },
        },
        "FacetValues": {
            "type": "object",
            "required": ["facet", "prefix", "values"],
            "properties": {
                "facet": {"type": "string", "enum": list(FACET_NAMES)},
                "prefix": {"type": "string"},
                "values": {"type": "array", "items": ref("FacetValue")},
            },
        },
        "Health": {
            "type": "object",
            "required": ["status", "articles", "last_modified"],
            "properties": {
                "status": {"type": "string", "enum": ["ok"]},
                "articles": {"type": "integer"},
                "last_modified": {"type": ["string", "null"], "format": "date-time"},
            },
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message", "parameter"],
                    "properties": {
                        "code": {
                            "type": "string",
                            "examples": ["bad_parameter", "bad_query", "not_found", "index_not_found", "index_damaged"],
                        },
                        "message": {"type": "string"},
                        "parameter": {**nullable_str, "description": "The parameter at fault, if one is."},
                    },
                }
            },
        },
    }


def responses() -> dict[str, Any]:
    def error(description: str) -> dict[str, Any]:
        return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}

    return {
        "BadRequest": error(
            "A parameter is invalid (not a number, out of range, repeated, not UTF-8, control "
            "characters) or the query cannot be parsed; `parameter` names it."
        ),
        "NotFound": error("No article with this id."),
        "NoIndex": error(
            "The index has not been built yet (`index_not_found`: run `news-search index`) or "
            "can't be read (`index_damaged`: run `news-search index --rebuild`)."
        ),
    }


def openapi_document(limits: Limits) -> dict[str, Any]:
    """The whole OpenAPI document for this app's limits."""
    article_id = param("id", "Article id as returned in hits.", {"type": "string"}, where="path")
    facet = param("name", "Which facet.", {"type": "string", "enum": list(FACET_NAMES)}, where="path")
    prefix = param(
        "prefix",
        "Values starting with this text (case-insensitive); empty: the most frequent.",
        {"type": "string", "maxLength": MAX_VALUE_CHARS},
    )
    bounds = {"minimum": 1, "maximum": MAX_FACET_VALUES, "default": FACET_VALUES_PER_REQUEST}
    limit = param("limit", "Most values returned.", {"type": "integer", **bounds})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "news-search API",
            "version": VERSION,
            "description": (
                "Read-only search over a news archive. All routes are GET, CORS-enabled for any origin. "
                "Single-valued parameters given twice are a 400; unknown parameters are ignored. "
                'Every error has the body {"error": {"code", "message", "parameter"}}.'
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
                        "503": ref_response("NoIndex"),
                    },
                }
            },
            "/api/facets/{name}": {
                "get": {
                    "summary": "Search the values of a facet",
                    "operationId": "facetValues",
                    "description": "Counts are within the search the other parameters (q, person, ...) describe.",
                    "parameters": [facet, prefix, limit, *search_parameters(limits)],
                    "responses": {
                        "200": ok_response("FacetValues", "Matching values, most frequent first."),
                        "400": ref_response("BadRequest"),
                        "503": ref_response("NoIndex"),
                    },
                }
            },
            "/api/health": {
                "get": {
                    "summary": "Index status",
                    "operationId": "health",
                    "responses": {
                        "200": ok_response("Health", "Article count and when the index last changed."),
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
