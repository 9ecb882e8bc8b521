"""A results page that keeps its context: "3–4 of 8", the page size, the depth notice, the feed and exports of the
search; an article read from a search (its place, previous and next, the way back, the words marked); error
pages that keep the filters and offer the fix."""

from __future__ import annotations

import re
from html import unescape

from web import create_app


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]


def heading(html: str) -> str:
    return text_of(re.search(r'<h1 id="results-heading"[^>]*>(.*?)</h1>', html, re.S).group(1))


# -- the results page ----------------------------------------------------------------------------------------


def test_heading_says_which_results_are_shown(web_client) -> None:
    assert heading(web_client.get("/?q=interest").get_data(as_text=True)) == "6 articles for “interest”"
    assert heading(web_client.get("/?q=interest&per_page=2&page=2").get_data(as_text=True)) == (
        "3–4 of 6 articles for “interest”"
    )
    assert heading(web_client.get("/?per_page=3&page=3").get_data(as_text=True)) == "7–8 of 8 articles"
    html = web_client.get("/?q=interest&per_page=2&page=2").get_data(as_text=True)
    assert '<ol class="hits" start="3">' in html
    assert "took" not in html[html.index('id="results-heading"') : html.index("</h1>")]  # the time is elsewhere


def test_page_size_choice_keeps_the_search(web_client) -> None:
    html = web_client.get("/?q=interest&per_page=20&sort=oldest").get_data(as_text=True)
    sizes = html[html.index('aria-label="Results per page"') : html.index("</nav>", html.index("Results per page"))]
    found = re.findall(r'<a href="([^"]+)"( aria-current="true" class="current")?>(\d+)</a>', sizes)
    assert [(unescape(h), bool(c), n) for h, c, n in found] == [
        ("/?q=interest&sort=oldest", False, "10"),
        ("/?q=interest&sort=oldest&per_page=20", True, "20"),
        ("/?q=interest&sort=oldest&per_page=50", False, "50"),
        ("/?q=interest&sort=oldest&per_page=100", False, "100"),
    ]


def test_deeper_results_need_a_narrower_search_said_before_the_last_page(web_index_dir) -> None:
    client = create_app({"TESTING": True, "INDEX_DIR": str(web_index_dir), "MAX_DEPTH": 6, "PER_PAGE": 2}).test_client()
    first = client.get("/").get_data(as_text=True)
    assert "can be paged through" not in first  # page 1 of 3 reachable pages
    second = text_of(client.get("/?page=2").get_data(as_text=True))
    assert "Only the first 6 of the 8 articles can be paged through. To reach the other 2, narrow the search" in second
    assert "can be paged through" in client.get("/?page=3").get_data(as_text=True)
    assert "can be paged through" not in client.get("/?q=interest&page=2").get_data(as_text=True)  # 6 of 6


def test_the_page_links_its_feed_exports_and_a_comparison(web_client) -> None:
    html = web_client.get("/?q=interest&person=Paul+Volcker&sort=oldest&page=1&per_page=20").get_data(as_text=True)
    feed = re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">', html)
    assert feed and unescape(feed.group(1)) == "/feed.atom?q=interest&person=Paul+Volcker"
    shown = links(html[html.index('class="this-search"') :])
    assert "/feed.atom?q=interest&person=Paul+Volcker" in shown
    assert "/api/search?q=interest&person=Paul+Volcker&sort=oldest&format=csv" in shown
    assert "/api/search?q=interest&person=Paul+Volcker&sort=oldest&format=jsonl" in shown
    assert "/compare?q=interest&person=Paul+Volcker" in shown
    csv = web_client.get("/api/search?q=interest&person=Paul+Volcker&sort=oldest&format=csv").get_data(as_text=True)
    assert [line.split(",")[0] for line in csv.splitlines()[1:]] == ["fed-1", "dollar-1"]
    assert re.search(r'<p class="took">Searched in (less than 1|\d+) ms.</p>', html)


# -- an article read from a search ---------------------------------------------------------------------------


def test_an_article_from_the_results_keeps_the_search(web_client) -> None:
    results = "http://localhost/?q=interest&per_page=2&page=2&sort=oldest"
    elsewhere = web_client.get("/article/japan-1", headers={"Referer": "http://localhost/?q=oil"})
    nav = text_of(elsewhere.get_data(as_text=True).split('class="read-from"')[1].split("</nav>")[0])
    assert "Back to results" in nav and "Result" not in nav  # not among those results: only the way back
    other_site = web_client.get("/article/japan-1", headers={"Referer": "http://example.com/?q=japan"})
    assert 'class="read-from"' not in other_site.get_data(as_text=True)
    response = web_client.get("/article/dollar-1", headers={"Referer": results})
    html = response.get_data(as_text=True)
    assert "Referer" in response.headers["Vary"]
    nav = html[html.index('class="read-from"') : html.index("</nav>", html.index('class="read-from"'))]
    assert "Result 3 of 6 for “interest”" in text_of(nav)  # fed-1, baker-1, dollar-1, buba-1, xss-1, formula-1
    found = {rel: unescape(href) for href, rel in re.findall(r'<a href="([^"]+)" rel="(prev|next)"', nav)}
    assert found == {
        "prev": "/article/baker-1?q=interest&sort=oldest&per_page=2",  # page 1 goes without saying
        "next": "/article/buba-1?q=interest&sort=oldest&page=2&per_page=2",
    }
    back = re.search(r'<a class="back" href="([^"]+)">', nav).group(1)
    assert unescape(back) == "/?q=interest&sort=oldest&page=2&per_page=2"
    assert 'id="q" name="q" type="search" value="interest"' in html  # the box holds the query
    assert '<input type="hidden" name="sort" value="oldest">' in html
    assert "<mark>interest</mark>" in html  # the words searched for, marked in the text
    following = web_client.get(found["next"]).get_data(as_text=True)  # no Referer needed: the link carries it
    assert "Result 4 of 6 for “interest”" in text_of(following)


def test_entity_links_on_an_article_act_on_the_search_it_was_read_from(web_client) -> None:
    html = web_client.get("/article/dollar-1?q=interest&country=United+States").get_data(as_text=True)
    toggles = [unescape(h) for h in re.findall(r'<a class="chip-filter" href="([^"]+)"', html)]
    assert "/?q=interest&country=United+States&person=James+Baker" in toggles
    assert "/?q=interest" in toggles  # the selected country: dropped
    assert '<a class="chip-name" href="/person/James%20Baker">' in html
    plain = web_client.get("/article/dollar-1").get_data(as_text=True)
    assert "/?person=James+Baker" in [unescape(h) for h in re.findall(r'<a class="chip-filter" href="([^"]+)"', plain)]


def test_a_broken_search_context_is_left_out(web_client) -> None:
    for query in ("?q=%22oops", "?page=abc", "?from=1987-05-01&to=1987-01-01"):
        response = web_client.get("/article/fed-1" + query)
        assert response.status_code == 200 and 'class="read-from"' not in response.get_data(as_text=True), query


# -- error pages ---------------------------------------------------------------------------------------------


def test_a_bad_query_keeps_the_filters(web_client) -> None:
    response = web_client.get("/?q=%22interest&person=Paul+Volcker&from=1987-01-01")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="&#34;interest"' in html  # the query as typed, to correct
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    assert hidden == [("person", "Paul Volcker"), ("from", "1987-01-01")]
    fixes = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', html)
    assert [(unescape(h), label) for h, label in fixes] == [
        ("/?person=Paul+Volcker&from=1987-01-01", "Search without the query, keeping the filters")
    ]


def test_dates_the_wrong_way_round_are_explained_and_swapped(web_client) -> None:
    response = web_client.get("/?q=dollar&country=Japan&from=1987-06-01&to=1987-03-01")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    text = text_of(html)
    assert "The dates are the wrong way round" in text and "Something in the address" not in text
    assert "“From” (1987-06-01) is after “To” (1987-03-01)" in text
    fix = re.search(r'<li><a href="([^"]+)">Search from 1987-03-01 to 1987-06-01 instead</a></li>', html)
    assert fix and unescape(fix.group(1)) == "/?q=dollar&country=Japan&from=1987-03-01&to=1987-06-01"
    assert web_client.get(unescape(fix.group(1))).status_code == 200
    assert '<input type="hidden" name="country" value="Japan">' in html


def test_other_address_errors_keep_what_can_be_kept(web_client, web_index_dir) -> None:
    html = web_client.get("/?q=dollar&person=James+Baker&per_page=abc").get_data(as_text=True)
    assert "Something in the address is not right" in html
    fix = re.search(r'<li><a href="([^"]+)">Search again without ‘per_page’</a></li>', html)
    assert fix and unescape(fix.group(1)) == "/?q=dollar&person=James+Baker"
    client = create_app({"TESTING": True, "INDEX_DIR": str(web_index_dir), "MAX_DEPTH": 6, "PER_PAGE": 2}).test_client()
    deep = client.get("/?q=interest&page=9").get_data(as_text=True)
    fix = re.search(r'<li><a href="([^"]+)">Go to page 3, the last that can be reached</a></li>', deep)
    assert fix and unescape(fix.group(1)) == "/?q=interest&page=3"


def test_an_unknown_article_is_article_not_found(web_client) -> None:
    response = web_client.get("/article/no-such-story")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<h1>Article not found</h1>" in html and "No article with id &#39;no-such-story&#39;" in html
