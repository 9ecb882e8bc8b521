"""Security headers on every response, and markup from the corpus rendered inert everywhere (XSS)."""

from __future__ import annotations

import logging
import re
from html import unescape
from html.parser import HTMLParser

import pytest

XSS_ID = "xss-1"  # the markup-laden article of tests/support.py web_articles()
XSS_PERSON = "<img src=x onerror=alert(2)> Evil"
XSS_ORG = '"><script>alert(3)</script>'


class Tags(HTMLParser):
    """Every start tag with its attributes, as a browser's parser would see them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?q=oil",
        "/article/fed-1",
        "/api/search?q=oil",
        "/api/health",
        "/static/app.js",
        "/static/style.css",
        "/no-such-page",
        "/api/no-such-route",
        "/?page=-1",
        "/api/openapi.json",
    ],
)
def test_security_headers_on_every_response(web_client, url: str) -> None:
    headers = web_client.get(url).headers
    csp = headers["Content-Security-Policy"]
    for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def assert_inert(html: str) -> None:
    """No script but our own file, no event-handler attribute, no javascript: link, no raw payload."""
    tags = Tags(html).tags
    scripts = [attrs for tag, attrs in tags if tag == "script"]
    assert len(scripts) == 1 and re.fullmatch(r"/static/app\.js\?v=[0-9a-f]{12}", scripts[0]["src"]), scripts
    assert {tag for tag, _ in tags} <= {
        "html",
        "head",
        "meta",
        "title",
        "link",
        "script",
        "body",
        "a",
        "header",
        "form",
        "label",
        "input",
        "span",
        "button",
        "main",
        "div",
        "details",
        "summary",
        "section",
        "h1",
        "h2",
        "ul",
        "ol",
        "li",
        "article",
        "p",
        "time",
        "mark",
        "nav",
        "svg",
        "rect",
        "g",
        "line",
        "text",
        "figure",
        "figcaption",
        "aside",
        "footer",
        "kbd",
    }
    for tag, attrs in tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)
    for raw in ("<img src=x", "<script>alert", '"><script>', "<i>wire</i>"):
        assert raw not in html


def test_results_snippets_facets_and_chips_escape_markup(web_client) -> None:
    html = web_client.get(f"/?q=markup&person={XSS_PERSON}&org={XSS_ORG}").get_data(as_text=True)
    assert_inert(html)
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Tom &amp; Jerry &amp;amp; &#34;quotes&#34;" in html
    assert "&lt;img src=x onerror=alert(2)&gt; Evil" in html  # facet value and chip, as text
    assert "&#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in html
    assert 'aria-label="Remove filter person: &lt;img src=x onerror=alert(2)&gt; Evil"' in html
    assert "&lt;i&gt;wire&lt;/i&gt;" in html


def test_snippet_is_escaped_by_the_core_and_marked(web_client) -> None:
    html = web_client.get("/?q=markup").get_data(as_text=True)
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark" in snippet
    assert set(re.findall(r"</?(\w+)", snippet)) == {"mark"}
    assert "&lt;script&gt;" in snippet or "&lt;img" in snippet


def test_facet_value_search_escapes_markup(web_client) -> None:
    html = web_client.get("/?person_prefix=%3Cimg&org_prefix=%22%3E").get_data(as_text=True)
    assert_inert(html)
    assert 'value="&lt;img"' in html
    assert "&lt;img src=x onerror=alert(2)&gt; Evil" in html


def test_article_page_escapes_markup_and_never_links_javascript(web_client) -> None:
    response = web_client.get(f"/article/{XSS_ID}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert_inert(html)
    assert '<span class="url">javascript:alert(document.cookie)</span>' in html
    assert 'class="original"' not in html
    assert (
        "Markup test &lt;img src=x onerror=alert(1)&gt; and &lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in html
    )
    body = html[html.index('class="article-body"') : html.index("</div>", html.index('class="article-body"'))]
    assert unescape(re.sub(r"<[^>]+>", "", body)).count("Tom &amp; Jerry") == 1  # the entity shows as written
    assert re.search(
        r'<a class="mention mention-person" href="/person/%3Cimg%20src=x%20onerror=alert\(2\)%3E%20Evil" '
        r'title="Person: &lt;img src=x onerror=alert\(2\)&gt; Evil">Evil</a>',
        html,
    )


def test_error_pages_escape_the_query(web_client) -> None:
    response = web_client.get("/?q=%22%3Cscript%3Ealert(1)%3C/script%3E")
    html = response.get_data(as_text=True)
    assert_inert(html)
    response = web_client.get("/article/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert response.status_code == 404
    assert_inert(response.get_data(as_text=True))


def test_api_serves_json_not_html(web_client) -> None:
    response = web_client.get(f"/api/articles/{XSS_ID}")
    assert response.mimetype == "application/json"
    assert response.get_json()["url"] == "javascript:alert(document.cookie)"  # data, as stored; never a link


def test_unexpected_errors_are_logged_and_hidden(web_index_dir, caplog) -> None:
    from web import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(web_index_dir)})

    def broken() -> str:
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom", view_func=broken)
    app.add_url_rule("/api/boom", endpoint="api_boom", view_func=broken)
    client = app.test_client()
    with caplog.at_level(logging.ERROR, logger="web.errors"):
        page = client.get("/boom")
        api = client.get("/api/boom")
    assert page.status_code == 500 and api.status_code == 500
    assert "secret internals" not in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)
    assert "Something went wrong" in page.get_data(as_text=True)
    assert api.get_json() == {
        "error": {
            "code": "internal_error",
            "message": "Something went wrong on our side. Please try again.",
            "parameter": None,
        }
    }
    assert page.headers["Content-Security-Policy"]
    records = [r for r in caplog.records if r.name == "web.errors"]
    assert len(records) == 2 and all(r.exc_info and r.exc_info[0] is RuntimeError for r in records)
