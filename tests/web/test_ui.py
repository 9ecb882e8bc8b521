"""The HTML pages: search page (results, facets, chips, timeline, pagination), article page, error pages."""

from __future__ import annotations

import re
from html import unescape

import pytest

from search.models import Mention, Timeline, TimelineBucket
from web.charts import bar_chart, nice_ticks, percent
from web.marking import mark_text
from web.ui import new_search_links, page_window, safe_link, split_paragraphs


def text_of(html: str) -> str:
    """Visible text, roughly: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]


def test_search_page_shows_results_and_keeps_the_query(web_client) -> None:
    response = web_client.get("/?q=interest+rates")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="q" name="q" type="search" value="interest rates"' in html
    assert '<label class="visually-hidden" for="q">' in html
    assert '<h1 id="results-heading" class="results-summary">6 articles for “interest rates”</h1>' in html
    assert re.search(r'<p class="took">Searched in (less than 1|\d+) ms.</p>', html)  # not in the heading
    assert '<a href="/article/fed-1">Volcker says Fed will hold interest rates</a>' in html
    assert '<time datetime="1987-02-03">1987-02-03</time>' in html
    assert "<mark>" in html
    hit = next(h for h in html.split('<li class="hit">') if 'href="/article/fed-1"' in h)
    names = re.findall(r'<li class="chip chip-(\w+) [^"]*"><a class="chip-name" href="([^"]+)"', hit)  # entity pages
    assert ("person", "/person/Paul%20Volcker") in names and ("country", "/country/United%20States") in names
    toggles = re.findall(r'<a class="chip-filter" href="([^"]+)"', hit)  # each adds its entity as a filter
    assert "/?q=interest+rates&amp;person=Paul+Volcker" in toggles
    assert "/?q=interest+rates&amp;country=United+States" in toggles
    for landmark in ('<header class="site-header">', '<main id="main"', 'role="search"', "<footer"):
        assert landmark in html


def test_home_page_lists_the_newest_articles(web_client) -> None:
    html = web_client.get("/").get_data(as_text=True)
    assert "8 articles" in html
    titles = re.findall(r'<h2 class="hit-title" id="hit-\d+">\s*<a href="/article/([^"]+)">', html)
    assert titles[:3] == ["formula-1", "xss-1", "buba-1"]


def test_sort_links_mark_the_current_order(web_client) -> None:
    html = web_client.get("/?q=interest&sort=oldest").get_data(as_text=True)
    assert '<a href="/?q=interest&amp;sort=oldest" aria-current="true" class="current">Oldest</a>' in html
    assert '<a href="/?q=interest&amp;sort=newest">Newest</a>' in html
    ids = re.findall(r'<a href="/article/([^"]+)">', html)
    assert ids[0] == "fed-1"


def test_facet_click_filters_and_shows_a_removable_chip(web_client) -> None:
    html = web_client.get("/?q=interest").get_data(as_text=True)
    facet_link = "/?q=interest&person=James+Baker"
    assert facet_link in links(html)
    html = web_client.get(facet_link).get_data(as_text=True)
    assert "2 articles for “interest”" in html
    assert set(re.findall(r'<a href="/article/([^"]+)">', html)) == {"baker-1", "dollar-1"}
    chip = re.search(
        r'<a class="chip chip-person removable" href="([^"]+)"\s+aria-label="Remove filter person: '
        r'James Baker">',
        html,
    )
    assert chip and unescape(chip.group(1)) == "/?q=interest"
    assert re.search(r'<li class="facet-value selected">\s*<a class="toggle" href="[^"]+" aria-current="true">', html)
    assert '<input type="hidden" name="person" value="James Baker">' in html  # a new query keeps the filter


def test_facet_value_search_works_without_javascript(web_client) -> None:
    html = web_client.get("/?q=interest&person_prefix=ja").get_data(as_text=True)
    people = html[html.index('id="facet-person-values"') : html.index('id="facet-country-heading"')]
    assert re.findall(r'<span class="value">([^<]+)</span>', people) == ["James Baker"]
    assert "Paul Volcker" not in people
    assert 'name="person_prefix" value="ja"' in html
    html = web_client.get("/?person_prefix=zzz").get_data(as_text=True)
    assert "No people match “zzz”" in html


def test_timeline_bars_link_to_their_period(web_client) -> None:
    html = web_client.get("/?q=interest").get_data(as_text=True)
    bars = re.findall(r'<a class="bar-link" href="([^"]+)" aria-label="([^"]+)"', html)
    assert bars, "no timeline bars"
    href, label = bars[0]
    assert re.fullmatch(r"/\?q=interest&from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d", unescape(href))
    assert re.fullmatch(r"Week of \d+ \w+ 1987: \d+ articles?", label)
    assert 'data-range-url="/?q=interest"' in html  # dragging across bars (app.js) sets from and to on it
    narrowed = web_client.get(unescape(href)).get_data(as_text=True)
    assert '<a class="chip chip-date removable"' in narrowed
    assert 'id="date-from" type="date" name="from" value="' in narrowed  # the form stays, without JavaScript


def test_timeline_interval_and_share_are_links_kept_by_the_page(web_client) -> None:
    html = web_client.get("/?q=interest&interval=month&normalize=true").get_data(as_text=True)
    controls = re.findall(r'<li><a href="([^"]+)"( aria-current="true")?>([^<]+)</a></li>', html)
    current = {label for _, mark, label in controls if mark}
    assert {"Month", "Share of all stories"} <= current
    assert ("/?q=interest&amp;normalize=true", "", "Auto") in controls
    labels = re.findall(r'<a class="bar-link" href="[^"]+" aria-label="([^"]+)"', html)
    assert labels[0] == "February 1987: 1 article, 100% of all 1 story"
    assert re.search(r'<text class="value"[^>]*>\d+%</text>', html)  # shares printed above the bars
    assert "/?q=interest&amp;person=Paul+Volcker&amp;interval=month&amp;normalize=true" not in html  # toggles are ...
    assert "/?q=interest&amp;interval=month&amp;normalize=true&amp;person=Paul+Volcker" in html  # ... appended
    assert web_client.get("/?interval=hour").status_code == 400
    assert web_client.get("/?normalize=yes").status_code == 400


def test_bar_chart_geometry() -> None:
    buckets = (
        TimelineBucket("1987-01-01", "1987-01-31", "1987-01", 10, 0.5, 20),
        TimelineBucket("1987-02-01", "1987-02-28", "1987-02", 0, 0.0, 30),
        TimelineBucket("1987-03-01", "1987-03-31", "1987-03", 1, 0.02, 50),
    )
    chart = bar_chart(Timeline("month", False, 11, 0, buckets))
    assert chart is not None
    bars, axes = chart.bars, chart.axes
    assert [b.height for b in bars] == [160.0, 0.0, 16.0]  # the top tick is 10: 0, 2.5 ... 10
    assert [b.value_label for b in bars] == ["10", "", "1"]
    assert all(b.slot >= 26 for b in bars) and not bars[0].upright
    assert [t.label for t in axes.y_ticks] == ["0", "5", "10"]
    assert [(label.label, label.year) for label in axes.x_labels] == [("Jan", "1987"), ("Feb", ""), ("Mar", "")]
    assert (axes.y_title, axes.x_title) == ("Stories", "Month")
    assert bars[0].description == "January 1987: 10 articles"
    shares = bar_chart(Timeline("month", True, 11, 0, buckets))
    assert shares is not None and [b.value_label for b in shares.bars] == ["50%", "", "2.0%"]
    assert shares.bars[2].description == "March 1987: 1 article, 2.0% of all 50 stories"
    assert shares.axes.y_title == "Share of all stories"
    assert bar_chart(Timeline("month", False, 0, 0, ())) is None
    assert (
        bar_chart(Timeline("month", False, 1, 1, (TimelineBucket("1987-01-01", "1987-01-31", "1987-01", 0),))) is None
    )
    many = bar_chart(
        Timeline(
            "day",
            False,
            300,
            0,
            tuple(
                TimelineBucket(f"1987-03-{d:02d}", f"1987-03-{d:02d}", f"1987-03-{d:02d}", 12345) for d in range(1, 32)
            ),
        )
    )
    assert many is not None and many.bars[0].upright  # "12,345" is wider than a bar: it stands upright


def test_nice_ticks_and_percent() -> None:
    assert nice_ticks(91, whole=True) == [0, 25, 50, 75, 100]
    assert nice_ticks(10, whole=True) == [0, 5, 10]
    assert nice_ticks(3, whole=True) == [0, 1, 2, 3]
    assert nice_ticks(0.093, whole=False)[-1] >= 0.093
    assert [percent(x) for x in (0, 0.5, 0.025, 0.0004)] == ["0%", "50%", "2.5%", "0.04%"]


def test_pagination_has_aria_current(web_client) -> None:
    html = web_client.get("/?q=interest&per_page=2&page=2").get_data(as_text=True)
    assert '<nav class="pagination" aria-label="Result pages">' in html
    assert re.search(
        r'<a href="/\?q=interest&amp;page=2&amp;per_page=2" aria-current="page">'
        r'<span class="visually-hidden">Page </span>2</a>',
        html,
    )
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert '<ol class="hits" start="3">' in html


def test_page_window() -> None:
    assert page_window(1, 1) == [1]
    assert page_window(5, 20) == [1, None, 3, 4, 5, 6, 7, None, 20]
    assert page_window(2, 4) == [1, 2, 3, 4]


def test_did_you_mean_is_a_link_with_its_count(web_client) -> None:
    html = web_client.get("/?q=intrest+rates").get_data(as_text=True)
    match = re.search(
        r'Did you mean <a href="([^"]+)">([^<]+)</a>\s*<span class="suggestion-count">\((\d+) articles?\)', html
    )
    assert match, "no suggestion"
    assert "interest" in match.group(2)
    assert unescape(match.group(1)) == "/?" + "q=" + match.group(2).replace(" ", "+")
    assert int(match.group(3)) == 6


def test_no_results_notice(web_client) -> None:
    html = web_client.get("/?q=zebra&person=Paul+Volcker").get_data(as_text=True)
    assert "No articles found" in html
    assert 'role="status"' in html
    assert "/?q=zebra" in links(html)  # search again without the filters


def test_bad_query_shows_the_form_and_what_is_wrong(web_client) -> None:
    response = web_client.get("/?q=%22unbalanced")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'role="search"' in html and 'value="&#34;unbalanced"' in html
    assert "Your search could not be read" in html
    assert 'role="alert"' in html


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/?page=abc", 400, "Invalid value &#39;abc&#39; for parameter &#39;page&#39;"),
        ("/?q=%FF", 400, "not valid UTF-8"),
        ("/?q=a%00b", 400, "control characters"),
        ("/?sort=a&sort=b", 400, "at most once"),
        ("/article/no-such-story", 404, "Article not found"),
        ("/no/such/page", 404, "Not Found"),
    ],
)
def test_error_pages_are_friendly(web_client, url: str, status: int, words: str) -> None:
    response = web_client.get(url)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert words in html
    assert 'role="search"' in html
    assert "Traceback" not in html


def test_missing_index_page_says_what_to_run(tmp_path) -> None:
    from web import create_app

    response = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none")}).test_client().get("/")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "No index yet" in html
    assert "run `news-search index`" in html


def test_article_page(web_client) -> None:
    response = web_client.get("/article/fed-1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<h1 id="article-title">Volcker says Fed will hold interest rates</h1>' in html
    assert '<a class="original" href="https://example.com/news/fed-1" rel="noopener noreferrer nofollow">' in html
    assert (
        '<a class="mention mention-person" href="/person/Paul%20Volcker" title="Person: Paul Volcker">Paul Volcker</a>'
    ) in html
    assert '<a class="mention mention-country" href="/country/United%20States"' in html
    assert 'class="read-from"' not in html  # read on its own: no way back to results
    # two paragraphs: the indented second line of the wire copy starts a new one
    assert html.count("<p>", html.index('class="article-body"')) >= 2
    related = html[html.index('id="related-heading"') :]
    assert "/article/fed-1" not in related
    assert re.search(r'href="/article/[^"]+"', related)


def test_mark_text_escapes_text_and_links_mentions(web_app) -> None:
    mentions = [
        Mention("Paul Volcker", "person", "Paul Volcker"),
        Mention("Volcker", "person", "Paul Volcker"),
        Mention("amp", "org", "A<M>P"),
        Mention("x", "weather", "x"),
    ]
    with web_app.test_request_context():
        marked = str(mark_text("Volcker & <b>Paul  Volcker</b> x Volckers amp", mentions, new_search_links()))
    link = '<a class="mention mention-person" href="/person/Paul%20Volcker" title="Person: Paul Volcker">{}</a>'
    org = '<a class="mention mention-org" href="/org/A%3CM%3EP" title="Organisation: A&lt;M&gt;P">amp</a>'
    assert marked == (
        link.format("Volcker") + " &amp; &lt;b&gt;" + link.format("Paul  Volcker") + "&lt;/b&gt; x Volckers " + org
    )


def test_mark_text_marks_the_words_searched_for_inside_and_across_mentions(web_app) -> None:
    mentions = [Mention("Paul Volcker", "person", "Paul Volcker")]
    with web_app.test_request_context():
        text = "Paul Volcker said rates & dollar"
        marked = str(mark_text(text, mentions, new_search_links(), [(5, 12), (18, 23), (26, 32)]))
        across = str(mark_text(text, mentions, new_search_links(), [(0, 17)]))
    assert marked == (
        '<a class="mention mention-person" href="/person/Paul%20Volcker" title="Person: Paul Volcker">Paul '
        "<mark>Volcker</mark></a> said <mark>rates</mark> &amp; <mark>dollar</mark>"
    )
    assert across.startswith(
        '<a class="mention mention-person" href="/person/Paul%20Volcker" title="Person: Paul Volcker">'
    )
    assert across.endswith("><mark>Paul Volcker</mark></a><mark> said</mark> rates &amp; dollar")


def test_mark_text_never_breaks_an_escaped_entity(web_app) -> None:
    with web_app.test_request_context():
        marked = str(mark_text("Tom &amp; Jerry", [Mention("amp", "org", "AMP")], new_search_links()))
    assert unescape(re.sub(r"<[^>]+>", "", marked)) == "Tom &amp; Jerry"
    assert marked.startswith("Tom &amp;<a ")


def test_split_paragraphs_and_safe_links() -> None:
    assert split_paragraphs("One line\nwrapped.\n    Second para.\n\nThird") == [
        "One line wrapped.",
        "Second para.",
        "Third",
    ]
    assert safe_link("https://example.com/a?b=1") == "https://example.com/a?b=1"
    assert safe_link(" HTTP://example.com ") == "HTTP://example.com"
    for bad in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:x",
        "data:text/html,x",
        "//evil.com",
        "/relative",
        "http://",
        "vbscript:x",
        "http://[::1",
    ):
        assert safe_link(bad) is None, bad


def test_favicon_is_an_empty_answer_not_a_404(web_client) -> None:
    response = web_client.get("/favicon.ico")
    assert (response.status_code, response.data) == (204, b"")


def test_static_files_are_served(web_client) -> None:
    assert web_client.get("/static/app.js").status_code == 200
    css = web_client.get("/static/style.css")
    assert css.status_code == 200 and b"@media (max-width" in css.data


def test_ids_with_slashes_and_odd_characters_link_to_their_article(tmp_path, web_index_writer) -> None:
    from datetime import datetime, timezone

    from search.models import Article, Entities
    from web import create_app

    odd = "wire/2024/05/a story?#1 é"
    web_index_writer(
        tmp_path / "index",
        [
            (
                Article(
                    id=odd,
                    title="Odd id story",
                    body="Odd identifiers work.",
                    published=datetime(2024, 5, 1, tzinfo=timezone.utc),
                ),
                Entities(),
            )
        ],
    )
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")}).test_client()
    html = client.get("/?q=odd").get_data(as_text=True)
    href = re.search(r'<h2 class="hit-title"[^>]*>\s*<a href="([^"]+)"', html).group(1)
    assert href == "/article/wire/2024/05/a%20story%3F%231%20%C3%A9"
    assert "Odd id story" in client.get(unescape(href)).get_data(as_text=True)
    assert client.get("/api/articles/wire/2024/05/a%20story%3F%231%20%C3%A9").get_json()["id"] == odd


# -- facet values: select several, exclude, "only stories about them", chips --------------------------


def facet_rows(html: str, name: str) -> dict[str, tuple[str, str, str | None]]:
    """value -> (state, toggle href, exclude href) of facet ``name``'s list on the search page."""
    start = html.index(f'id="facet-{name}-values"')
    section = html[start : html.index("</ul>", start)]
    found = {}
    for item in re.findall(r'<li class="facet-value.*?</li>', section, re.S):
        state = re.match(r'<li class="facet-value ?(\w*)">', item).group(1)
        value = unescape(re.search(r'<span class="value">([^<]+)</span>', item).group(1))
        toggle = unescape(re.search(r'<a class="toggle" href="([^"]+)"', item).group(1))
        exclude = re.search(r'<a class="exclude" href="([^"]+)" aria-label="Exclude ([^"]+)"', item)
        if exclude:
            assert unescape(exclude.group(2)) == value
        found[value] = (state, toggle, unescape(exclude.group(1)) if exclude else None)
    return found


def hit_ids(html: str) -> set[str]:
    return set(re.findall(r'<h2 class="hit-title" id="hit-\d+">\s*<a href="/article/([^"]+)">', html))


def test_several_values_of_one_facet_are_or_ed_and_marked(web_client) -> None:
    html = web_client.get("/?country=United+States&page=2&per_page=2").get_data(as_text=True)
    countries = facet_rows(html, "country")
    assert countries["United States"][:2] == ("selected", "/?per_page=2")  # page back to 1
    assert countries["Japan"] == (
        "",
        "/?country=United+States&per_page=2&country=Japan",
        "/?country=United+States&per_page=2&not_country=Japan",
    )
    html = web_client.get("/?country=United+States&country=Japan").get_data(as_text=True)
    assert hit_ids(html) == {"fed-1", "baker-1", "japan-1", "dollar-1", "formula-1"}
    countries = facet_rows(html, "country")
    assert countries["United States"][:2] == ("selected", "/?country=Japan")
    assert countries["Japan"][:2] == ("selected", "/?country=United+States")
    # disjunctive counts: the countries' own selection does not narrow their counts
    assert re.search(r'<span class="value">Saudi Arabia</span>\s*<span class="count"><span aria-hidden="true">1<', html)
    assert re.search(
        r'<span class="value">United States</span>\s*<span class="count"><span aria-hidden="true">5<', html
    )
    assert html.count('aria-current="true">\n      <span class="value">') == 2
    assert html.count(", selected: follow to remove") == 2


def test_exclude_link_adds_a_not_parameter_and_marks_the_value(web_client) -> None:
    html = web_client.get("/?q=interest").get_data(as_text=True)
    assert 'aria-label="Exclude Japan"' in html
    exclude = facet_rows(html, "country")["Japan"][2]
    assert exclude == "/?q=interest&not_country=Japan"
    html = web_client.get(exclude).get_data(as_text=True)
    assert hit_ids(html) == {"fed-1", "dollar-1", "buba-1", "xss-1", "formula-1"}  # baker-1 names Japan
    japan = facet_rows(html, "country")["Japan"]
    assert japan == ("excluded", "/?q=interest", None)  # following it includes Japan again
    assert "excluded: follow to include again" in html
    chip = re.search(
        r'<a class="chip chip-country removable excluded" href="([^"]+)"\s+'
        r'aria-label="Stop excluding country: Japan">\s*<span class="chip-kind">Not country:</span> '
        r'<span class="value">Japan</span>',
        html,
    )
    assert chip and unescape(chip.group(1)) == "/?q=interest"
    assert '<input type="hidden" name="not_country" value="Japan">' in html  # a new query keeps it


def test_excluding_a_selected_value_drops_it_from_the_selection(web_client) -> None:
    html = web_client.get("/?person=James+Baker&person=Paul+Volcker").get_data(as_text=True)
    assert facet_rows(html, "person")["James Baker"][2] == "/?person=Paul+Volcker&not_person=James+Baker"
    html = web_client.get("/?person=Paul+Volcker&not_person=James+Baker").get_data(as_text=True)
    assert hit_ids(html) == {"fed-1"}
    assert 'Not person:</span> <span class="value">James Baker</span>' in html


def test_selecting_an_excluded_value_from_a_story_drops_the_exclusion(web_app) -> None:
    from search.models import SearchRequest
    from web.links import Links

    with web_app.test_request_context():
        links = Links(SearchRequest(excludes={"country": ("Japan", "Utopia")}, per_page=10))
        assert links.toggle("country", "Japan") == "/?country=Japan&not_country=Utopia"
        assert links.exclude("country", "Japan") == "/?not_country=Utopia"
        assert (
            links.exclude("person", "Paul Volcker") == "/?not_country=Japan&not_country=Utopia&not_person=Paul+Volcker"
        )


def test_only_stories_about_them_switch_works_without_javascript(web_client) -> None:
    html = web_client.get("/?q=interest&country=United+States&sort=oldest").get_data(as_text=True)
    assert hit_ids(html) == {"fed-1", "baker-1", "dollar-1", "formula-1"}
    form = re.search(r'<form class="mentions-switch" action="/" method="get">.*?</form>', html, re.S).group(0)
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
    assert hidden == [("q", "interest"), ("country", "United States"), ("sort", "oldest")]
    assert re.search(
        r'<input id="mentions-about" type="checkbox" role="switch" name="mentions" value="about"\s+aria', form
    )
    assert '<label for="mentions-about">Only stories about them</label>' in form
    assert '<button type="submit">Apply</button>' in form
    # what the form submits with the box checked
    html = web_client.get("/?q=interest&country=United+States&sort=oldest&mentions=about").get_data(as_text=True)
    assert hit_ids(html) == {"fed-1", "dollar-1", "formula-1"}  # baker-1 names the United States in passing
    assert re.search(r'value="about" checked\s+aria-describedby="mentions-hint"', html)
    assert "Filters and counts use only who and what each story is about" in html
    chip = re.search(r'<a class="chip chip-mentions removable" href="([^"]+)"', html)
    assert chip and unescape(chip.group(1)) == "/?q=interest&country=United+States&sort=oldest"
    assert "Only stories about them" in text_of(html[html.index("results-heading") :])
    # every other link keeps it
    assert facet_rows(html, "person")["Paul Volcker"][1].endswith("&mentions=about&sort=oldest&person=Paul+Volcker")
    assert '<input type="hidden" name="mentions" value="about">' in html


def test_about_switch_changes_the_counts(web_client) -> None:
    everything = facet_rows(web_client.get("/?q=dollar").get_data(as_text=True), "person")
    about = facet_rows(web_client.get("/?q=dollar&mentions=about").get_data(as_text=True), "person")
    assert "Kiichi Miyazawa" in everything and "Kiichi Miyazawa" not in about


def test_clear_all_drops_selections_exclusions_dates_and_about(web_client) -> None:
    html = web_client.get(
        "/?q=interest&person=Paul+Volcker&not_country=Japan&mentions=about&from=1987-01-01&sort=oldest"
    ).get_data(as_text=True)
    clear = re.search(r'<a class="clear-all" href="([^"]+)">Clear all filters</a>', html)
    assert clear and unescape(clear.group(1)) == "/?q=interest&sort=oldest"
    chips = re.findall(r'aria-label="((?:Remove|Stop)[^"]+)"', html)
    assert chips == [
        "Remove filter: only stories about them (count every name a story mentions)",
        "Remove filter person: Paul Volcker",
        "Stop excluding country: Japan",
        "Remove filter dates: 1987-01-01 – …",  # the chip's text is in its name
    ]
    only_about = web_client.get("/?mentions=about").get_data(as_text=True)
    assert 'class="active-filters"' in only_about and 'href="/">Clear all filters' in only_about


def test_hit_chips_show_what_the_story_is_about_first(web_client) -> None:
    html = web_client.get("/?q=miyazawa").get_data(as_text=True)
    hit = html[html.index('<li class="hit">') :]
    chips = re.findall(r'<li class="chip chip-(\w+) (about|passing)[^"]*"><a class="chip-name" href="[^"]+"', hit)
    values = re.findall(r'<span class="visually-hidden">\w+:</span> ([^<]+)', hit)
    assert list(zip(chips, values)) == [
        (("person", "about"), "James Baker"),
        (("country", "about"), "Japan"),
        (("org", "about"), "Treasury"),
        (("person", "passing"), "Kiichi Miyazawa"),
        (("country", "passing"), "United States"),
    ]
    assert hit.count('<span class="visually-hidden"> (named in passing)</span>') == 2
    selected = web_client.get("/?q=miyazawa&country=Japan").get_data(as_text=True)
    assert re.search(
        r'<li class="chip chip-country about selected"><a class="chip-name" href="/country/Japan">.*?</a>'
        r'<a class="chip-filter" href="/\?q=miyazawa" aria-current="true" title="Country: remove this filter">'
        r'<span class="check" aria-hidden="true">✓</span><span class="visually-hidden">Remove filter country: Japan',
        selected,
        re.S,
    )


def test_hit_chips_are_limited_with_a_link_to_the_rest(web_app) -> None:
    from search.models import Hit

    hit = Hit(
        id="big-1",
        title="Everyone",
        date=None,
        source="",
        url="",
        snippet="",
        score=None,
        entities={"person": tuple(f"P{i}" for i in range(6)), "country": ("A", "B", "C", "D")},
        about={"person": ("P5",), "country": ("D",)},
    )
    with web_app.test_request_context():
        found = new_search_links().chips(hit, 8)
        assert [c.value for c in found.chips] == ["P5", "D", "P0", "P1", "P2", "P3", "P4", "A"]
        assert found.more == 2
        from search.models import SearchRequest
        from web.links import Links

        chosen = Links(SearchRequest(filters={"country": ("C",)})).chips(hit, 8)  # selected: always shown
        assert [c.value for c in chosen.chips] == ["P5", "D", "P0", "P1", "P2", "P3", "P4", "C"]
        assert chosen.more == 2 and chosen.chips[-1].selected
        assert len(new_search_links().chips(hit).chips) == 10
        from flask import render_template_string

        html = render_template_string(
            '{% from "_macros.html" import entity_chips %}{{ entity_chips(links, hit, 8, "/article/big-1") }}',
            links=new_search_links(),
            hit=hit,
        )
    assert re.search(
        r'<li class="chip chip-more"><a class="chip-name" href="/article/big-1">\+2 more<span class="visually-hidden">',
        html,
    )


def test_a_value_typed_in_another_case_is_still_recognised(web_client) -> None:
    html = web_client.get("/?country=united+states").get_data(as_text=True)
    state, toggle, exclude = facet_rows(html, "country")["United States"]
    assert (state, toggle) == ("selected", "/")  # dropped, not selected twice
    assert exclude == "/?not_country=United+States"
