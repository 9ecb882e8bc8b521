"""The component schemas and shared responses of the OpenAPI document (``web/openapi.py``): the JSON shapes
the API answers with, built from the facet registry so a facet's keys appear once per shape.
"""

from __future__ import annotations

from typing import Any

from search.facets import FACET_NAMES, FACETS, MENTIONS
from search.models import SORTS, TIMELINE_INTERVALS


def ref(name: str) -> dict[str, str]:
    """A reference to one of the component schemas."""
    return {"$ref": f"#/components/schemas/{name}"}


def schemas() -> dict[str, Any]:
    string_list = {"type": "array", "items": {"type": "string"}}
    plurals = [facet.plural for facet in FACETS]
    article_keys = ["id", "title", "body", "date", "date_source", "source", "url", "byline", "codes"]
    nullable_str = {"type": ["string", "null"]}
    facet_value = {
        "type": "object",
        "required": ["value", "count", "selected", "excluded"],
        "properties": {
            "value": {"type": "string"},
            "count": {
                "type": "integer",
                "description": "Results naming it; for a value of a facet with selected "
                "values, the results it would add (counts ignore the facet's own selections).",
            },
            "selected": {"type": "boolean"},
            "excluded": {"type": "boolean"},
        },
    }
    about = {
        "type": "object",
        "required": list(FACET_NAMES),
        "properties": dict.fromkeys(FACET_NAMES, string_list),
        "description": "Per facet, the entities the story is about (a subset of what it names).",
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
                "about",
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
                "about": ref("About"),
                "duplicates": {"type": "integer", "description": "Near-duplicate stories folded into this hit."},
                "duplicate_ids": string_list,
            },
        },
        "FacetValue": facet_value,
        "About": about,
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
                "mentions",
                "took_ms",
                "suggestion",
                "hits",
                "facets",
                "facet_totals",
            ],
            "properties": {
                "query": {"type": "string"},
                "total": {"type": "integer"},
                "page": {"type": "integer"},
                "per_page": {"type": "integer"},
                "pages": {"type": "integer", "description": "Last page that can be requested."},
                "sort": {"type": "string", "enum": list(SORTS)},
                "mentions": {"type": "string", "enum": list(MENTIONS)},
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
                "facet_totals": {
                    "type": "object",
                    "required": list(FACET_NAMES),
                    "properties": {key: {"type": "integer"} for key in FACET_NAMES},
                    "description": "How many values of each facet the results name (all pages of /api/facets).",
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
        "AgencyCode": {
            "type": "object",
            "required": ["kind", "code", "name"],
            "properties": {
                "kind": {"type": "string", "description": "subject, person, organisation, place, keyword ..."},
                "code": {"type": "string", "description": "As the agency wrote it (medtop:20000568); may be empty."},
                "name": {"type": "string", "description": "The code's name (monetary policy); may be empty."},
            },
        },
        "Article": {
            "type": "object",
            "required": [*article_keys, *plurals, "about", "mentions"],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "body": {"type": "string"},
                "date": {"type": ["string", "null"], "format": "date"},
                "date_source": {"type": "string"},
                "source": {"type": "string"},
                "url": {"type": "string"},
                "byline": {"type": "string", "description": "The byline (NewsML-G2, NITF, feed author), else empty."},
                "codes": {
                    "type": "array",
                    "items": ref("AgencyCode"),
                    "description": "The agency's own codes (NewsML-G2, NITF, feed categories): shown, not searched.",
                },
                **dict.fromkeys(plurals, string_list),
                "about": ref("About"),
                "mentions": {"type": "array", "items": ref("Mention")},
            },
        },
        "FacetValues": {
            "type": "object",
            "required": ["facet", "prefix", "total", "page", "per_page", "values"],
            "properties": {
                "facet": {"type": "string", "enum": list(FACET_NAMES)},
                "prefix": {"type": "string"},
                "total": {"type": "integer", "description": "Values matching the prefix, over all pages."},
                "page": {"type": "integer"},
                "per_page": {"type": "integer"},
                "values": {"type": "array", "items": ref("FacetValue")},
            },
        },
        **explore_schemas(),
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
        "NotFound": error("No article with this id, or no story names this entity (`not_found`)."),
        "TooLong": {
            "description": "The request line is longer than the server's limit (8190 bytes under the Procfile's "
            "gunicorn, which answers this itself, as HTML, before the application sees the request).",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
        "NoIndex": error(
            "The index has not been built yet (`index_not_found`: run `news-search index`) or "
            "can't be read (`index_damaged`: run `news-search index --rebuild`)."
        ),
    }


def explore_schemas() -> dict[str, Any]:
    """The timeline, comparison and entity shapes."""
    bucket = {
        "type": "object",
        "required": ["start", "end", "label", "count", "share"],
        "properties": {
            "start": {"type": "string", "format": "date"},
            "end": {"type": "string", "format": "date"},
            "label": {"type": "string", "examples": ["1987-03-02", "1987-W10", "1987-03", "1987"]},
            "count": {"type": "integer", "minimum": 0},
            "share": {
                "type": ["number", "null"],
                "minimum": 0,
                "maximum": 1,
                "description": "With normalize=true: count over every story dated in the bucket (0 when none is).",
            },
        },
    }
    timeline_fields = {
        "interval": {"type": "string", "enum": list(TIMELINE_INTERVALS)},
        "total": {"type": "integer", "description": "Every result, dated or not."},
        "undated": {"type": "integer", "description": "Results without a date (in no bucket)."},
        "buckets": {"type": "array", "items": ref("TimelineBucket")},
    }
    hits = {"type": "array", "items": ref("Hit")}
    return {
        "TimelineBucket": bucket,
        "Timeline": {
            "type": "object",
            "required": ["interval", "normalize", "total", "undated", "buckets"],
            "properties": {"normalize": {"type": "boolean"}, **timeline_fields},
        },
        "Comparison": {
            "type": "object",
            "required": ["interval", "normalize", "series"],
            "properties": {
                "interval": timeline_fields["interval"],
                "normalize": {"type": "boolean"},
                "series": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["q", "total", "undated", "buckets"],
                        "properties": {
                            "q": {"type": "string"},
                            **{k: timeline_fields[k] for k in ("total", "undated", "buckets")},
                        },
                    },
                },
            },
        },
        "Entity": {
            "type": "object",
            "required": [
                "facet",
                "name",
                "stories",
                "about",
                "timeline",
                "cooccurring",
                "variants",
                "variants_read",
                "most_about",
                "latest",
            ],
            "properties": {
                "facet": {"type": "string", "enum": list(FACET_NAMES)},
                "name": {"type": "string", "description": "The indexed spelling."},
                "stories": {"type": "integer", "description": "Stories naming it (near-duplicates once)."},
                "about": {"type": "integer", "description": "Of those, the stories about it."},
                "timeline": ref("Timeline"),
                "cooccurring": {
                    "type": "object",
                    "required": list(FACET_NAMES),
                    "description": "Per facet, the values named in the same stories, most telling first (JLH score).",
                    "properties": {
                        name: {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["value", "count", "lift"],
                                "properties": {
                                    "value": {"type": "string"},
                                    "count": {"type": "integer", "description": "Stories naming both."},
                                    "lift": {
                                        "type": "number",
                                        "description": "Its share among the entity's stories over its share among "
                                        "all stories.",
                                    },
                                },
                            },
                        }
                        for name in FACET_NAMES
                    },
                },
                "variants": {
                    "type": "array",
                    "description": "How the stories write it, in how many of those read.",
                    "items": {
                        "type": "object",
                        "required": ["text", "count"],
                        "properties": {"text": {"type": "string"}, "count": {"type": "integer"}},
                    },
                },
                "variants_read": {"type": "integer", "description": "Its most recent stories read for the variants."},
                "most_about": {**hits, "description": "Stories about it, naming it most prominently first."},
                "latest": {**hits, "description": "Stories naming it, newest first."},
            },
        },
    }
