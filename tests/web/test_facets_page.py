"""The facets of the search page, "Show all N" and the full list of a facet's values (/facets/<name>)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from html import unescape
from pathlib import Path

import pytest

from search.models import Article, Entities
from web import create_app

from support import web_articles, write_web_index

DELEGATES = tuple(f"Delegate {i:04d}" for i in range(1205))


def links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def facet_section(html: str, name: str) -> str:
    start = html.index(f'<section class="facet" aria-labelledby="facet-{name}-heading">')
    return html[start : html.index("</section>", start)]


def rows(html: str) -> list[tuple[str, str, str]]:
    """(state, value, toggle href) of every facet value row in ``html``."""
    found = re.findall(
        r'<li class="facet-value ?(\w*)">\s*<a class="toggle" href="([^"]+)"[^>]*>\s*'
        r'<span class="value">([^<]+)</span>',
        html,
    )
    return [(state, unescape(value), unescape(href)) for state, href, value in found]


def show_all(html: str, name: str) -> tuple[bool, str, str]:
    """(shown, href, text) of facet ``name``'s "Show all" link."""
    match = re.search(
        rf'<p class="show-all" id="facet-{name}-all"( hidden)?>\s*<a href="([^"]+)">([^<]+)</a></p>', html
    )
    assert match, f"no show-all paragraph for {name}"
    return match.group(1) is None, unescape(match.group(2)), match.group(3)


@pytest.fixture
def small_limit_client(web_index_dir: Path):
    """The web test index with three values per facet on the search page."""
    return create_app({"TESTING": True, "INDEX_DIR": str(web_index_dir), "FACET_LIMIT": 3}).test_client()


@pytest.fixture(scope="module")
def crowded_index(tmp_path_factory) -> Path:
    """The web test index plus a roll call naming 1,205 people."""
    path = tmp_path_factory.mktemp("crowded") / "index"
    roll = Article(
        id="roll-1",
        title="Roll call of the delegates",
        body="The conference named its delegates.",
        published=datetime(1987, 9, 1, tzinfo=timezone.utc),
    )
    write_web_index(path, [*web_articles(), (roll, Entities(persons=DELEGATES, about={"person": DELEGATES}))])
    return path


@pytest.fixture
def crowded_client(crowded_index: Path):
    return create_app({"TESTING": True, "INDEX_DIR": str(crowded_index)}).test_client()


# -- "Show all N" on the search page -----------------------------------------------------------------


def test_show_all_appears_when_a_facet_has_more_values_than_it_lists(small_limit_client) -> None:
    html = small_limit_client.get("/").get_data(as_text=True)
    people = facet_section(html, "person")
    assert [value for _, value, _ in rows(people)] == [
        "James Baker",
        "Paul Volcker",
        "<img src=x onerror=alert(2)> Evil",
    ]
    assert show_all(html, "person") == (True, "/facets/person", "Show all 7 people")
    assert show_all(html, "country") == (True, "/facets/country", "Show all 5 countries")
    html = small_limit_client.get("/?q=opec").get_data(as_text=True)  # one story: everything is listed
    assert show_all(html, "person")[0] is False


def test_show_all_keeps_the_search_and_counts_values_outside_the_top(small_limit_client) -> None:
    # an excluded value is listed (with no count) but is no reason to hide the link
    html = small_limit_client.get("/?country=United+States&country=Saudi+Arabia&not_person=Paul+Volcker").get_data(
        as_text=True
    )
    shown, href, text = show_all(html, "person")
    assert (shown, text) == (True, "Show all 4 people")
    assert href == "/facets/person?country=United+States&country=Saudi+Arabia&not_person=Paul+Volcker"
    assert ("excluded", "Paul Volcker", "/?country=United+States&country=Saudi+Arabia") in rows(
        facet_section(html, "person")
    )


def test_show_all_without_javascript_follows_the_filter_box(small_limit_client) -> None:
    html = small_limit_client.get("/?q=interest&person_prefix=p").get_data(as_text=True)
    people = facet_section(html, "person")
    assert [value for _, value, _ in rows(people)] == ["Paul Volcker", "Karl Otto Poehl"]  # past FACET_LIMIT
    shown, href, text = show_all(html, "person")
    assert not shown  # the box lists up to 20 matches: all of them here
    assert (href, text) == ("/facets/person?q=interest&prefix=p", "Show all 2 people matching “p”")


def test_show_all_of_a_long_filtered_list(crowded_client) -> None:
    html = crowded_client.get("/?person_prefix=del").get_data(as_text=True)
    assert len(rows(facet_section(html, "person"))) == 20
    assert show_all(html, "person") == (True, "/facets/person?prefix=del", "Show all 1,205 people matching “del”")


def test_show_all_counts_with_thousands_separators(crowded_client) -> None:
    html = crowded_client.get("/").get_data(as_text=True)
    assert show_all(html, "person") == (True, "/facets/person", "Show all 1,212 people")
    html = crowded_client.get("/?q=delegates").get_data(as_text=True)
    assert show_all(html, "person") == (True, "/facets/person?q=delegates", "Show all 1,205 people")


# -- the full list: /facets/<name> ------------------------------------------------------------------


def test_full_list_shows_every_value_with_toggle_and_exclude_links(web_client) -> None:
    response = web_client.get("/facets/country?q=interest&person=James+Baker")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>All countries for interest – news-search</title>" in html
    assert '<h1 id="facet-page-heading">All countries for “interest”</h1>' in html
    assert "2 countries, most frequent first." in text_of(html)
    assert rows(html) == [
        ("", "United States", "/?q=interest&person=James+Baker&country=United+States"),
        ("", "Japan", "/?q=interest&person=James+Baker&country=Japan"),
    ]
    assert 'aria-label="Exclude Japan"' in html
    assert "/?q=interest&person=James+Baker&not_country=Japan" in links(html)
    assert (
        '<a href="/?q=interest&amp;person=James+Baker"><span aria-hidden="true">‹ </span>Back to the results</a>'
        in html
    )
    assert 'aria-label="Remove filter person: James Baker"' in html  # the search's chips, for context
    assert '<input type="hidden" name="person" value="James Baker">' in html  # a new query keeps the filter


def test_full_list_marks_selected_and_excluded_values(web_client) -> None:
    html = web_client.get("/facets/country?country=Japan&not_country=West+Germany").get_data(as_text=True)
    listed = {value: (state, href) for state, value, href in rows(html)}
    assert listed["Japan"] == ("selected", "/?not_country=West+Germany")
    assert listed["West Germany"] == ("excluded", "/?country=Japan")
    assert listed["United States"] == ("", "/?country=Japan&not_country=West+Germany&country=United+States")
    assert re.search(r'<li class="facet-value selected">\s*<a class="toggle" href="[^"]+" aria-current="true">', html)
    assert 'aria-label="Exclude West Germany"' not in html  # excluded already: its own link includes it again
    assert "excluded: follow to include again" in html
    assert 'aria-label="Stop excluding country: West Germany"' in html


def test_full_list_keeps_only_stories_about_them(web_client) -> None:
    everything = web_client.get("/facets/person?country=United+States").get_data(as_text=True)
    about = web_client.get("/facets/person?country=United+States&mentions=about").get_data(as_text=True)
    assert "Kiichi Miyazawa" in {v for _, v, _ in rows(everything)}  # baker-1 names him in passing
    assert "Kiichi Miyazawa" not in {v for _, v, _ in rows(about)}
    assert "counting only the stories about them" in about
    assert "/?country=United+States&mentions=about&person=James+Baker" in links(about)


def test_full_list_prefix_box_works_without_javascript(web_client) -> None:
    html = web_client.get("/facets/person?q=interest&prefix=ja").get_data(as_text=True)
    form = re.search(r'<form class="facet-page-filter" action="([^"]+)" method="get".*?</form>', html, re.S)
    assert form and form.group(1) == "/facets/person"
    assert '<input type="hidden" name="q" value="interest">' in form.group(0)
    assert 'name="page"' not in form.group(0)  # a new prefix starts at page 1
    assert '<label for="facet-page-prefix">Filter people</label>' in form.group(0)
    assert 'id="facet-page-prefix" type="search" name="prefix" value="ja"' in form.group(0)
    assert [v for _, v, _ in rows(html)] == ["James Baker"]
    assert "1 person matching “ja”" in text_of(html)
    assert "/facets/person?q=interest" in links(html)  # clears the filter
    html = web_client.get("/facets/person?prefix=zzz").get_data(as_text=True)
    assert "No people match “zzz”." in text_of(html)


def test_full_list_is_paginated(web_client, monkeypatch) -> None:
    monkeypatch.setattr("web.ui.FACET_PAGE_SIZE", 3)
    first = web_client.get("/facets/person").get_data(as_text=True)
    assert [v for _, v, _ in rows(first)] == ["James Baker", "Paul Volcker", "<img src=x onerror=alert(2)> Evil"]
    assert "7 people, most frequent first. Page 1 of 3." in text_of(first)
    nav = first[first.index('<nav class="pagination" aria-label="Pages of people">') :]
    assert re.search(
        r'<a href="/facets/person" aria-current="page"><span class="visually-hidden">Page </span>1</a>', nav
    )
    assert '<a href="/facets/person?page=2" rel="next">' in nav
    second = web_client.get("/facets/person?page=2").get_data(as_text=True)
    assert [v for _, v, _ in rows(second)] == ["@Mallory", "Hisham Nazer", "Karl Otto Poehl"]
    assert '<a href="/facets/person" rel="prev">' in second
    assert "<title>All people, page 2 – news-search</title>" in second
    third = web_client.get("/facets/person?page=3").get_data(as_text=True)
    assert [v for _, v, _ in rows(third)] == ["Kiichi Miyazawa"] and 'rel="next"' not in third
    seen = [v for page in (first, second, third) for _, v, _ in rows(page)]
    assert len(seen) == len(set(seen)) == 7


def test_full_list_page_is_not_the_results_page(web_client, monkeypatch) -> None:
    monkeypatch.setattr("web.ui.FACET_PAGE_SIZE", 3)
    html = web_client.get("/facets/person?q=interest&per_page=2&page=2").get_data(as_text=True)
    assert "/?q=interest&per_page=2" in links(html)  # back to the first page of results, same page size
    assert '<a href="/facets/person?q=interest&amp;per_page=2" rel="prev">' in html
    deep = web_client.get("/facets/person?page=900").get_data(as_text=True)  # past max_depth of the results: fine
    assert "This page is past the last one." in text_of(deep)
    assert "/facets/person" in links(deep)


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/facets/colour", 404, "Not Found"),
        ("/facets/person?page=abc", 400, "must be a whole number"),
        ("/facets/person?page=0", 400, "page"),
        ("/facets/person?page=1&page=2", 400, "at most once"),
        ("/facets/person?mentions=some", 400, "mentions"),
        ("/facets/person?prefix=" + "a" * 201, 400, "longer than 200 characters"),
    ],
)
def test_full_list_errors_are_friendly_pages(web_client, url: str, status: int, words: str) -> None:
    response = web_client.get(url)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert words in unescape(response.get_data(as_text=True))


def test_full_list_of_a_crowded_facet(crowded_client) -> None:
    html = crowded_client.get("/facets/person?q=delegates&page=25").get_data(as_text=True)
    assert "1,205 people, most frequent first. Page 25 of 25." in text_of(html)
    assert [v for _, v, _ in rows(html)] == list(DELEGATES[1200:])
    assert re.search(r'href="/facets/person\?q=delegates&amp;page=24" rel="prev"', html)


def test_full_list_escapes_markup(web_client) -> None:
    html = web_client.get("/facets/person?prefix=%3Cimg&org=%22%3E%3Cscript%3Ealert(3)%3C/script%3E").get_data(
        as_text=True
    )
    assert "&lt;img src=x onerror=alert(2)&gt; Evil" in html
    for raw in ("<img src=x", "<script>alert", '"><script>'):
        assert raw not in html
    scripts = [re.sub(r"\?v=[0-9a-f]{12}", "", tag) for tag in re.findall(r"<script[^>]*>", html)]  # fingerprinted
    assert scripts == ['<script src="/static/app.js" defer>']
