"""Saved web pages: trafilatura's title, main text, date and URL; no script or markup in the output."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from search.ingest import FileResult, read_file
from search.ingest import html as html_reader
from search.ingest.base import hashed_id
from search.models import Article

from support import DATA


def read(tmp_path: Path, content: str | bytes, name: str = "page.html") -> FileResult:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return read_file(path, tmp_path)


def test_xss_laden_page_gives_plain_text_only() -> None:
    result = read_file(DATA / "storm-xss.html", DATA)
    assert result.problems == []
    assert result.articles == [
        Article(
            id=hashed_id("storm-xss.html", ""),
            title="Storm hits Norway coast",
            body="A powerful storm hit the coast of Norway on Monday, cutting power to thousands of homes near Bergen "
            "and forcing schools to close across the region.\n\n"
            "Prime Minister Erna Solberg said repairs could take days. The Norwegian Meteorological Institute "
            "warned of more rain.\n\n"
            # the page's own escaped text stays text; the web layer escapes it when it shows it
            'Residents were urged to stay indoors <script>alert("escaped")</script> until the winds eased '
            "later in the week, the Red Cross said.",
            published=datetime(2020, 2, 10, tzinfo=timezone.utc),
            date_source="metadata",
            source="news.example.org",
            url="https://news.example.org/2020/02/storm-norway",
            path=str((DATA / "storm-xss.html").resolve()),
        )
    ]
    article = result.articles[0]
    for fragment in (
        "xss-head",
        "onload",
        "onerror",
        "onclick",
        "injected",
        "Login",
        "Copyright",
        "evil",
        "javascript:",
        "<b>",
        "<img",
    ):
        assert fragment not in article.title + article.body


def test_page_without_metadata_dates_from_its_text(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Council vote</title></head><body><article><h1>Council vote</h1>"
        "<p>PARIS, 4 March 2020 - The city council voted on Wednesday to extend the cycle lanes across "
        "the whole of the city centre, officials said after a long debate.</p>"
        "<p>The mayor welcomed the decision and said work would start in the summer.</p></article></body></html>"
    )
    [article] = read(tmp_path, page).articles
    assert article.title == "Council vote"
    assert article.body.startswith("PARIS, 4 March 2020 - The city council voted")  # the <h1> is not repeated
    assert (article.published, article.date_source) == (datetime(2020, 3, 4, tzinfo=timezone.utc), "dateline")
    assert article.url == ""


def test_unsafe_canonical_url_is_dropped(tmp_path: Path) -> None:
    page = (
        '<html><head><title>T</title><link rel="canonical" href="javascript:alert(1)"></head>'
        "<body><p>Some article text that is long enough to be the main text of this page.</p></body></html>"
    )
    result = read(tmp_path, page)
    assert result.articles[0].url == ""


def test_fallback_to_visible_text_when_trafilatura_finds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html_reader, "_extract", lambda text: None)
    page = (
        "<html><head><title>Price list</title><script>var x = 1;</script><style>p {}</style></head>"
        "<body><nav>Menu</nav><div>Oil <b>rose</b> today.</div><ul><li>Brent 60</li><li>WTI 55</li></ul>"
        "<footer>(c) 2020</footer></body></html>"
    )
    result = read(tmp_path, page, "list.htm")
    assert [(a.title, a.body) for a in result.articles] == [("Price list", "Oil rose today.\n\nBrent 60\n\nWTI 55")]
    assert result.problems == ["no main text found by trafilatura; indexed the page's visible text"]


@pytest.mark.parametrize(
    "content, problems, empty",
    [
        (b"", ["empty file"], []),
        (b"<html><head></head><body></body></html>", [], ["the file"]),  # empty, not a problem
        (b"\x00\x00\x00\x01GIF89a", ["binary file (contains NUL bytes)"], []),
    ],
)
def test_empty_and_broken_pages(tmp_path: Path, content: bytes, problems: list[str], empty: list[str]) -> None:
    result = read(tmp_path, content)
    assert (result.articles, result.problems, result.empty) == ([], problems, empty)


def test_malformed_markup_still_reads(tmp_path: Path) -> None:
    page = "<html><body><p>Unclosed paragraph about the Chilean election results <div><p>and more text here"
    [article] = read(tmp_path, page).articles
    assert "Chilean election results" in article.body and "<" not in article.body
