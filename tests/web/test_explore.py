"""Exploring: the results page's timeline JSON, /compare, the entity pages and their JSON, the search tips."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote_from_bytes

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.facets import FACET_NAMES


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]


# -- /api/timeline -----------------------------------------------------------------------------------------


def test_timeline_json_has_the_filters_of_a_search(web_client) -> None:
    body = web_client.get("/api/timeline?q=interest").get_json()
    assert (body["interval"], body["normalize"], body["total"], body["undated"]) == ("week", False, 6, 0)
    assert sum(b["count"] for b in body["buckets"]) == 6
    assert body["buckets"][0] == {
        "start": "1987-02-02",
        "end": "1987-02-08",
        "label": "1987-W06",
        "count": 1,
        "share": None,
    }
    assert all(b["share"] is None for b in body["buckets"])
    narrowed = web_client.get("/api/timeline?q=interest&person=James+Baker&interval=month&normalize=true").get_json()
    assert [(b["label"], b["count"], b["share"]) for b in narrowed["buckets"]] == [
        ("1987-03", 1, 1.0),
        ("1987-04", 0, 0.0),
        ("1987-05", 0, 0.0),
        ("1987-06", 1, 0.5),  # dollar-1 and buba-1 in June
    ]


def test_timeline_json_errors(web_client) -> None:
    for query, parameter in (("interval=fortnight", "interval"), ("normalize=yes", "normalize"), ("q=%22oil", "q")):
        response = web_client.get("/api/timeline?" + query)
        assert response.status_code == 400 and response.get_json()["error"]["parameter"] == parameter, query
    nothing = web_client.get("/api/timeline?q=zebra").get_json()
    assert (nothing["total"], nothing["buckets"]) == (0, [])


# -- /compare and /api/compare -----------------------------------------------------------------------------


def test_compare_json_draws_each_query_over_the_same_buckets(web_client) -> None:
    body = web_client.get("/api/compare?q=volcker&q=baker&q=volcker&interval=month&country=United+States").get_json()
    assert body["interval"] == "month" and body["normalize"] is False
    assert [(s["q"], s["total"]) for s in body["series"]] == [("volcker", 2), ("baker", 2)]  # a repeat is one series
    assert [b["label"] for b in body["series"][0]["buckets"]] == [b["label"] for b in body["series"][1]["buckets"]]
    assert [b["count"] for b in body["series"][0]["buckets"]] == [1, 0, 0, 0, 1]
    for query in ("", "q=", "q=a&q=b&q=c&q=d&q=e", "q=oil&q="):
        response = web_client.get("/api/compare?" + query)
        assert response.status_code == 400 and response.get_json()["error"]["parameter"] == "q", query


def test_compare_page_draws_lines_totals_and_a_table(web_client) -> None:
    html = web_client.get("/compare?q=volcker&q=interest+rates&q=&q=").get_data(as_text=True)
    assert "<title>Compare: volcker · interest rates – news-search</title>" in html
    legend = html[html.index('class="legend-list"') : html.index("</ul>", html.index('class="legend-list"'))]
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>\s*<span class="total">([^<]+)</span>', legend) == [
        ("/?q=volcker", "volcker", "2 articles"),
        ("/?q=interest+rates", "interest rates", "6 articles"),
    ]
    assert html.count("<polyline") == 2
    points = re.findall(r'<a href="([^"]+)" aria-label="(volcker, [^"]+)">', html)
    assert unescape(points[0][0]).startswith("/?q=volcker&from=1987-02-") and points[0][1].startswith(
        "volcker, Week of"
    )
    table = text_of(html[html.index('<details class="counts-table"') :])
    assert "Counts per week Week starting volcker interest rates Week of 2 February 1987 1 1" in table
    boxes = re.findall(r'<input id="compare-q(\d)" type="search" name="q" value="([^"]*)"', html)
    assert boxes == [("1", "volcker"), ("2", "interest rates"), ("3", "")]  # one more box to fill


def test_compare_page_names_the_query_it_cannot_read_and_draws_the_others(web_client) -> None:
    html = web_client.get("/compare?q=volcker&q=%22baker").get_data(as_text=True)
    assert "Unbalanced quote" in text_of(html[html.index('class="problem"') :])
    assert 'aria-describedby="compare-hint compare-problem2"' in html
    assert html.count("<polyline") == 1
    empty = web_client.get("/compare").get_data(as_text=True)
    assert "Type two searches or more" in text_of(empty) and '<svg class="chart' not in empty


def test_compare_keeps_shared_filters_and_the_chart_settings(web_client) -> None:
    html = web_client.get("/compare?q=dollar&q=rates&person=James+Baker&interval=month&normalize=true").get_data(
        as_text=True
    )
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    assert ("person", "James Baker") in hidden and ("interval", "month") in hidden and ("normalize", "true") in hidden
    assert "/compare?q=dollar&q=rates&person=James+Baker&interval=week&normalize=true" in links(html)
    assert "Share of all stories" in text_of(html) and re.search(r"<td class=\"num\">\d+%</td>", html)
    assert "Every search within person: James Baker ( compare without these filters )" in text_of(html)
    assert "/compare?q=dollar&q=rates" in links(html)


# -- entity pages ------------------------------------------------------------------------------------------


def test_entity_page_shows_coverage_companions_variants_and_stories(web_client) -> None:
    response = web_client.get("/person/Paul%20Volcker")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(html)
    assert '<h1 id="entity-heading">Paul Volcker</h1>' in html
    assert "Named in 2 articles ." in text
    assert '<input type="hidden" name="person" value="Paul Volcker">' in html  # search within these stories
    assert "/?person=Paul+Volcker&sort=newest" in links(html)
    assert re.search(r'<a class="bar-link" href="/\?person=Paul\+Volcker&amp;from=1987-02-', html)
    companions = html[html.index('id="companions-heading"') : html.index('id="variants-heading"')]
    assert re.search(
        r'<a href="/person/James%20Baker">James Baker</a></td>\s*<td class="num"><a href="([^"]+)"', companions
    )
    both = re.search(
        r'<a href="/person/James%20Baker">James Baker</a></td>\s*<td class="num"><a href="([^"]+)"', companions
    )
    # one facet's values are OR-ed as filters: the other one is asked for as a query
    assert unescape(both.group(1)) == "/?q=person%3A%22James+Baker%22&person=Paul+Volcker"
    assert "/?person=Paul+Volcker&org=Federal+Reserve" in links(companions)  # another facet: both filters
    assert re.search(r"<td class=\"num\">×\d", companions)
    variants = html[html.index('<ul class="variant-list"') : html.index("</ul>", html.index('class="variant-list"'))]
    assert text_of(variants) == "Paul Volcker 2 articles Volcker 1 article"
    assert "How its stories write Paul Volcker" in text
    assert "Most about Paul Volcker" in text and "Latest" in text
    assert "/article/dollar-1" in links(html) and "/compare?q=person%3A%22Paul+Volcker%22" in links(html)
    feed = re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)"', html)
    assert feed and unescape(feed.group(1)) == "/feed.atom?person=Paul+Volcker"


def test_entity_names_are_matched_in_any_case_and_unknown_ones_are_404(web_client) -> None:
    moved = web_client.get("/country/united%20states?interval=month")
    assert moved.status_code == 301 and moved.headers["Location"] == "/country/United%20States?interval=month"
    missing = web_client.get("/org/Acme%20Widgets")
    assert missing.status_code == 404
    html = missing.get_data(as_text=True)
    assert "No organisation named “Acme Widgets” in the archive." in html
    assert "/?q=Acme+Widgets" in links(html)  # the fix: search for the words
    assert web_client.get("/colour/red").status_code == 404


def test_entity_json(web_client) -> None:
    body = web_client.get("/api/entities/org/federal%20reserve?interval=month&normalize=true").get_json()
    assert (body["facet"], body["name"], body["stories"], body["about"]) == ("org", "Federal Reserve", 2, 2)
    assert body["timeline"]["interval"] == "month" and body["timeline"]["normalize"] is True
    assert set(body["cooccurring"]) == set(FACET_NAMES)
    assert {c["value"] for c in body["cooccurring"]["person"]} == {"Paul Volcker", "James Baker"}
    assert [hit["id"] for hit in body["latest"]] == ["dollar-1", "fed-1"]
    missing = web_client.get("/api/entities/person/Nobody")
    assert missing.status_code == 404
    assert missing.get_json() == {
        "error": {"code": "not_found", "message": "No person named “Nobody” in the archive.", "parameter": None}
    }
    assert web_client.get("/api/entities/colour/red").status_code == 404


def test_entity_names_on_hits_and_articles_link_to_their_pages(web_client) -> None:
    results = web_client.get("/?q=interest").get_data(as_text=True)
    assert '<a class="chip-name" href="/person/Paul%20Volcker">' in results
    article = web_client.get("/article/fed-1").get_data(as_text=True)
    assert '<a class="chip-name" href="/org/Federal%20Reserve">' in article
    assert 'href="/person/Paul%20Volcker" title="Person: Paul Volcker">Volcker</a>' in article


def test_search_tips_are_linked_from_the_search_box(web_client) -> None:
    html = web_client.get("/").get_data(as_text=True)
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    assert '<a href="/help">Search tips</a>' in header
    tips = text_of(web_client.get("/help").get_data(as_text=True))
    for example in ('"interest rates"', "opec OR saudi", "econom*", "person:volcker", "Only the first 1,000 results"):
        assert example in tips


PARAMETERS = ["q", "person", "country", "from", "to", "page", "per_page", "interval", "normalize", "sort", "x"]
VALUES = st.one_of(
    st.binary(max_size=30),
    st.text(max_size=20).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"day", b"week", b"true", b"false", b"1987-03-01", b"1987-13-01", b"Paul Volcker", b"2", b""]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pairs=st.lists(st.tuples(st.sampled_from(PARAMETERS), VALUES), max_size=5),
    path=st.sampled_from(
        ["/compare", "/api/compare", "/api/timeline", "/feed.atom", "/person/Paul%20Volcker", "/article/fed-1"]
    ),
)
def test_any_query_string_on_the_new_pages_is_answered_without_a_server_error(web_client, pairs, path) -> None:
    query = "&".join(f"{name}={quote_from_bytes(value)}" for name, value in pairs)
    response = web_client.get(f"{path}?{query}")
    assert response.status_code in (200, 301, 400), (path, query, response.get_data(as_text=True)[:300])
