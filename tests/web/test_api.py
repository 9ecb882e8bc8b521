"""The JSON API: every route, the error shape, exports, CORS and the OpenAPI document."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.models import SearchRequest
from search.retrieve.index import open_index

XSS_ID = "xss-1"  # the markup-laden article of tests/support.py web_articles()
XSS_ORG = '"><script>alert(3)</script>'


def error(code: str, message: str, parameter: str | None) -> dict[str, dict[str, str | None]]:
    return {"error": {"code": code, "message": message, "parameter": parameter}}


def test_search_returns_the_search_page_contract_unchanged(web_client, web_index_dir) -> None:
    response = web_client.get("/api/search?q=interest+rates&person=Paul+Volcker&per_page=5")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    with open_index(web_index_dir).searcher() as searcher:
        request = SearchRequest(q="interest rates", filters={"person": ("Paul Volcker",)}, per_page=5)
        expected = searcher.search(request).to_dict()
    body.pop("took_ms"), expected.pop("took_ms")
    assert body == expected
    assert {hit["id"] for hit in body["hits"]} == {"fed-1", "dollar-1"}
    assert list(response.get_json()) == [
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
    ]


def test_search_filters_combine(web_client) -> None:
    body = web_client.get("/api/search?person=Paul+Volcker&person=James+Baker").get_json()  # one facet: OR
    assert [hit["id"] for hit in body["hits"]] == ["dollar-1", "baker-1", "fed-1"]
    body = web_client.get("/api/search?person=James+Baker&org=Federal+Reserve").get_json()  # two facets: AND
    assert [hit["id"] for hit in body["hits"]] == ["dollar-1"]
    body = web_client.get("/api/search?country=Japan&from=1987-04-01&to=1987-12-31").get_json()
    assert [hit["id"] for hit in body["hits"]] == ["japan-1"]
    body = web_client.get("/api/search?sort=oldest&per_page=2&page=2").get_json()
    assert (body["page"], body["per_page"], body["sort"]) == (2, 2, "oldest")
    assert [hit["id"] for hit in body["hits"]] == ["japan-1", "opec-1"]


def test_unknown_parameters_are_ignored(web_client) -> None:
    plain = web_client.get("/api/search?q=dollar").get_json()
    tagged = web_client.get("/api/search?q=dollar&utm_source=x&callback=alert").get_json()
    assert [h["id"] for h in tagged["hits"]] == [h["id"] for h in plain["hits"]]


@pytest.mark.parametrize(
    ("query", "body"),
    [
        (
            "page=0",
            error(
                "bad_parameter", "Invalid value 0 for parameter 'page': must be a whole number of at least 1", "page"
            ),
        ),
        ("page=-3", error("bad_parameter", "Invalid value '-3' for parameter 'page': must be a whole number", "page")),
        (
            "page=abc",
            error("bad_parameter", "Invalid value 'abc' for parameter 'page': must be a whole number", "page"),
        ),
        (
            "page=99999999999999999999",
            error(
                "bad_parameter",
                "Invalid value '99999999999999999999' for parameter "
                "'page': must be a whole number of at most 12 digits",
                "page",
            ),
        ),
        (
            "page=500",
            error(
                "bad_parameter",
                "Invalid value 500 for parameter 'page': only the first 1000 results can "
                "be paged through; narrow the search",
                "page",
            ),
        ),
        (
            "page=1&page=2",
            error(
                "bad_parameter",
                "Invalid value ['1', '2'] for parameter 'page': give this parameter at most once",
                "page",
            ),
        ),
        (
            "per_page=1000",
            error(
                "bad_parameter",
                "Invalid value 1000 for parameter 'per_page': must be a whole number from 1 to 100",
                "per_page",
            ),
        ),
        (
            "sort=best",
            error(
                "bad_parameter",
                "Invalid value 'best' for parameter 'sort': must be one of relevance, newest, oldest",
                "sort",
            ),
        ),
        (
            "from=1987-13-01",
            error(
                "bad_parameter", "Invalid value '1987-13-01' for parameter 'from': is not a real calendar date", "from"
            ),
        ),
        (
            "from=1987-06-01&to=1987-01-01",
            error("bad_parameter", "Invalid value '1987-01-01' for parameter 'to': must not be before 'from'", "to"),
        ),
        (
            "q=oil%00",
            error(
                "bad_parameter", "Invalid value 'oil\\x00' for parameter 'q': control characters are not allowed", "q"
            ),
        ),
        ("q=%FF%FE", error("bad_parameter", "Invalid value '...' for parameter 'q': not valid UTF-8 text", "q")),
        (
            "format=xml",
            error(
                "bad_parameter", "Invalid value 'xml' for parameter 'format': must be one of json, csv, jsonl", "format"
            ),
        ),
    ],
)
def test_bad_parameters_are_400_with_the_error_shape(web_client, query: str, body: dict) -> None:
    response = web_client.get(f"/api/search?{query}")
    assert response.status_code == 400
    assert response.get_json() == body
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_bad_query_syntax_is_a_400_naming_q(web_client) -> None:
    response = web_client.get("/api/search?q=%22unbalanced+quote")
    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "bad_query"
    assert body["error"]["parameter"] == "q"
    assert body["error"]["message"]


@pytest.mark.parametrize(
    "query",
    [
        "q=" + "%28" * 300,
        "q=*",
        "q=a*",
        "q=title:",
        "q=%22%22",
        "q=AND+OR+NOT",
        "q=%E2%80%AE%F0%9F%98%80",
        "q=" + "x" * 1000,
        "q=body:[a+TO+z]",
        "q=date:1987",
        "q=%5C",
        "q=)(",
        "q=person:",
        "q=~2",
        "q=^3",
        "person=%00",
        "country=" + "é" * 50,
        "from=0000-00-00",
        "to=9999-12-31",
        "per_page=-0",
        "page=+1",
        "page=%EF%BC%91",
        "page=1e3",
        "sort=",
        "page=",
        "per_page=",
        "q=&q=",
        "format=csv&format=csv",
    ],
)
def test_no_input_gives_a_500(web_client, query: str) -> None:
    response = web_client.get(f"/api/search?{query}")
    assert response.status_code in (200, 400), response.get_data(as_text=True)
    body = response.get_json()
    if response.status_code == 400:
        assert set(body["error"]) == {"code", "message", "parameter"}


def test_article(web_client) -> None:
    response = web_client.get("/api/articles/fed-1")
    assert response.status_code == 200
    assert response.get_json() == {
        "id": "fed-1",
        "title": "Volcker says Fed will hold interest rates",
        "body": "Federal Reserve chairman Paul Volcker said the U.S. central bank would hold interest rates "
        "steady.\n    Volcker told Congress inflation was under control.",
        "date": "1987-02-03",
        "date_source": "metadata",
        "source": "Reuters",
        "url": "https://example.com/news/fed-1",
        "byline": "",  # only the agency formats (NewsML-G2, NITF, feeds) give a byline and codes
        "codes": [],
        "persons": ["Paul Volcker"],
        "countries": ["United States"],
        "orgs": ["Federal Reserve"],
        "languages": [],
        "about": {"person": ["Paul Volcker"], "country": ["United States"], "org": ["Federal Reserve"], "lang": []},
        "mentions": [
            {"text": "Paul Volcker", "kind": "person", "value": "Paul Volcker"},
            {"text": "Volcker", "kind": "person", "value": "Paul Volcker"},
            {"text": "Federal Reserve", "kind": "org", "value": "Federal Reserve"},
            {"text": "U.S.", "kind": "country", "value": "United States"},
        ],
    }


def test_unknown_article_is_404(web_client) -> None:
    response = web_client.get("/api/articles/no-such-story")
    assert response.status_code == 404
    assert response.get_json() == error("not_found", "No article with id 'no-such-story'", "id")


def test_facet_values(web_client) -> None:
    response = web_client.get("/api/facets/person?prefix=pa")
    assert response.status_code == 200
    assert response.get_json() == {
        "facet": "person",
        "prefix": "pa",
        "total": 1,
        "page": 1,
        "per_page": 20,
        "values": [{"value": "Paul Volcker", "count": 2, "selected": False, "excluded": False}],
    }
    within = web_client.get("/api/facets/country?q=dollar&person=James+Baker").get_json()
    assert {v["value"]: v["count"] for v in within["values"]} == {"United States": 2, "Japan": 1}


def test_facet_values_page_through_every_value_with_the_results_page_counts(web_client) -> None:
    first = web_client.get("/api/facets/person?per_page=2").get_json()
    second = web_client.get("/api/facets/person?per_page=2&page=2").get_json()
    everything = web_client.get("/api/facets/person?per_page=100").get_json()
    assert first["total"] == second["total"] == len(everything["values"]) == 7
    assert first["values"] + second["values"] == everything["values"][:4]
    assert web_client.get("/api/facets/person?limit=2").get_json()["values"] == first["values"]  # the old name
    page = web_client.get("/api/search?person=James+Baker").get_json()
    disjunctive = web_client.get("/api/facets/person?person=James+Baker&per_page=100").get_json()["values"]
    assert [(v["value"], v["count"]) for v in disjunctive] == [
        (v["value"], v["count"]) for v in page["facets"]["person"]
    ]


def test_facet_errors(web_client) -> None:
    response = web_client.get("/api/facets/colour")
    assert response.status_code == 400
    assert response.get_json() == error(
        "bad_parameter",
        "Invalid value 'colour' for parameter 'name': must be one of person, country, org, lang",
        "name",
    )
    response = web_client.get("/api/facets/person?per_page=0")
    assert response.get_json() == error(
        "bad_parameter", "Invalid value 0 for parameter 'per_page': must be a whole number from 1 to 100", "per_page"
    )


def test_health(web_client) -> None:
    response = web_client.get("/api/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["articles"] == 8
    assert body["last_modified"][:2] == "20"


def test_missing_index_is_a_json_503(tmp_path) -> None:
    from web import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none")}).test_client()
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.get_json() == error(
        "index_not_found",
        "There is no search index yet: run `news-search index` to build it, then reload this page.",
        None,
    )


def test_unknown_api_route_and_method(web_client) -> None:
    response = web_client.get("/api/nothing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert response.get_json()["error"]["parameter"] is None
    response = web_client.post("/api/search")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_csv_export_streams_every_hit_and_defuses_formulas(web_client) -> None:
    response = web_client.get("/api/search?q=interest+rates&format=csv&sort=oldest&per_page=1")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="news-search.csv"'
    assert response.headers["X-Export-Cap"] == "10000"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["id"] for r in rows] == ["fed-1", "baker-1", "dollar-1", "buba-1", XSS_ID, "formula-1"]
    formula = rows[-1]
    assert formula["title"] == '\'=HYPERLINK("http://evil.example") interest rates memo'
    assert formula["persons"] == "'@Mallory"
    assert formula["orgs"] == "'-Minus Corp"
    assert rows[0]["persons"] == "Paul Volcker" and rows[0]["date"] == "1987-02-03"
    assert next(r for r in rows if r["id"] == XSS_ID)["orgs"] == XSS_ORG


def test_jsonl_export_matches_the_hits(web_client) -> None:
    response = web_client.get("/api/search?q=interest+rates&format=jsonl&sort=newest")
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [hit["id"] for hit in lines] == ["formula-1", XSS_ID, "buba-1", "dollar-1", "baker-1", "fed-1"]
    page = web_client.get("/api/search?q=interest+rates&sort=newest&per_page=100").get_json()
    assert lines == page["hits"]


def test_a_limit_set_in_the_app_config_reaches_the_core(web_index_dir) -> None:
    from web import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(web_index_dir), "MAX_PER_PAGE": 200}).test_client()
    assert client.get("/api/search?per_page=150").status_code == 200
    refused = client.get("/api/search?per_page=201").get_json()
    assert refused["error"]["message"].endswith("must be a whole number from 1 to 200")
    document = client.get("/api/openapi.json").get_json()
    per_page = next(p for p in document["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 200


def test_a_limit_that_is_no_number_stops_the_app_at_start(web_index_dir) -> None:
    from web import create_app

    with pytest.raises(ValueError, match="MAX_PER_PAGE must be a whole number"):
        create_app({"TESTING": True, "INDEX_DIR": str(web_index_dir), "MAX_PER_PAGE": "lots"})


def test_export_is_capped(web_index_dir) -> None:
    from web import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(web_index_dir), "EXPORT_CAP": 3}).test_client()
    response = client.get("/api/search?format=jsonl")
    assert response.headers["X-Export-Cap"] == "3"
    assert len(response.get_data(as_text=True).splitlines()) == 3


def test_export_of_a_bad_query_is_a_400_not_a_broken_download(web_client) -> None:
    response = web_client.get("/api/search?q=%22open&format=csv")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_query"


def test_cors_on_the_api_only(web_client) -> None:
    assert web_client.get("/api/health").headers["Access-Control-Allow-Origin"] == "*"
    assert web_client.get("/api/search?page=x").headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in web_client.get("/").headers
    preflight = web_client.options("/api/search")
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_openapi_document_is_valid_and_covers_every_route(web_client, web_app) -> None:
    import openapi_spec_validator

    response = web_client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    openapi_spec_validator.validate(document)
    routes = {
        re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule.replace("<path:article_id>", "{id}"))
        for rule in web_app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
    }
    assert routes == set(document["paths"])
    search = document["paths"]["/api/search"]["get"]
    assert {p["name"] for p in search["parameters"]} == {
        "q",
        "person",
        "country",
        "org",
        "lang",
        "not_person",
        "not_country",
        "not_org",
        "not_lang",
        "mentions",
        "from",
        "to",
        "sort",
        "page",
        "per_page",
        "format",
    }
    assert "10000" in next(p["description"] for p in search["parameters"] if p["name"] == "format")


def test_search_response_matches_the_openapi_schema(web_client) -> None:
    import jsonschema

    document = web_client.get("/api/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    resolver_doc = {"components": {"schemas": schemas}}
    for url, name in (
        ("/api/search?q=dollar", "SearchPage"),
        ("/api/articles/fed-1", "Article"),
        ("/api/facets/org", "FacetValues"),
        ("/api/facets/person?person=James+Baker&not_country=Japan&mentions=about&page=2&per_page=1", "FacetValues"),
        ("/api/search?person=James+Baker&person=Paul+Volcker&not_org=Treasury&mentions=about", "SearchPage"),
        ("/api/health", "Health"),
        ("/api/search?page=0", "Error"),
        ("/api/timeline?q=interest", "Timeline"),
        ("/api/timeline?q=interest&interval=day&normalize=true&country=Japan", "Timeline"),
        ("/api/compare?q=volcker&q=baker&interval=month&normalize=true", "Comparison"),
        ("/api/entities/person/Paul%20Volcker", "Entity"),
        ("/api/entities/country/united%20states?interval=year", "Entity"),
        ("/api/entities/person/Nobody", "Error"),
    ):
        schema = {**schemas[name], "components": resolver_doc["components"]}
        jsonschema.validate(web_client.get(url).get_json(), schema)


PARAMETER_NAMES = [
    "q",
    "person",
    "country",
    "org",
    "from",
    "to",
    "sort",
    "page",
    "per_page",
    "format",
    "prefix",
    "limit",
    "x",
    "",
]


VALUES = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=30).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.integers(-(10**30), 10**30).map(lambda n: str(n).encode()),
    st.dates().map(lambda day: day.isoformat().encode()),
    st.sampled_from([b"relevance", b"newest", b"oldest", b"csv", b"jsonl", b"json", b"Paul Volcker", b"pa"]),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pairs=st.lists(st.tuples(st.sampled_from(PARAMETER_NAMES), VALUES), max_size=5),
    path=st.sampled_from(["/api/search", "/api/facets/person", "/"]),
)
def test_any_query_string_is_answered_200_or_400(web_client, pairs: list[tuple[str, bytes]], path: str) -> None:
    """Arbitrary bytes in any parameter (invalid UTF-8, NULs, huge numbers...): never a 500."""
    query = "&".join(f"{name}={quote_from_bytes(value)}" for name, value in pairs)
    response = web_client.get(f"{path}?{query}")
    assert response.status_code in (200, 400), (query, response.get_data(as_text=True)[:500])
    if path.startswith("/api/") and response.status_code == 400:
        assert set(response.get_json()["error"]) == {"code", "message", "parameter"}


def test_mentions_must_be_any_or_about(web_client) -> None:
    response = web_client.get("/api/search?mentions=some")
    assert response.status_code == 400
    assert response.get_json() == error(
        "bad_parameter", "Invalid value 'some' for parameter 'mentions': must be one of any, about", "mentions"
    )


def test_about_uses_only_what_stories_are_about(web_client) -> None:
    """baker-1 names Kiichi Miyazawa in passing: it is found by him with mentions=any only."""
    named = web_client.get("/api/search?person=Kiichi+Miyazawa").get_json()
    assert [hit["id"] for hit in named["hits"]] == ["baker-1"]
    assert named["hits"][0]["about"]["person"] == ["James Baker"]
    assert named["hits"][0]["persons"] == ["James Baker", "Kiichi Miyazawa"]
    about = web_client.get("/api/search?person=Kiichi+Miyazawa&mentions=about").get_json()
    assert (about["total"], about["mentions"]) == (0, "about")
    counts = web_client.get("/api/search?mentions=about").get_json()["facets"]["person"]
    assert "Kiichi Miyazawa" not in {v["value"] for v in counts}


def test_excluded_and_selected_values_are_listed_and_flagged(web_client) -> None:
    body = web_client.get("/api/search?person=James+Baker&not_org=Treasury").get_json()
    assert [hit["id"] for hit in body["hits"]] == ["dollar-1"]
    orgs = {v["value"]: (v["selected"], v["excluded"]) for v in body["facets"]["org"]}
    assert orgs["Treasury"] == (False, True)
    persons = {v["value"]: (v["count"], v["selected"]) for v in body["facets"]["person"]}
    assert persons["James Baker"] == (1, True)
    assert persons["Paul Volcker"] == (2, False)  # disjunctive: what choosing him as well would add
