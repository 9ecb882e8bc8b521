"""Every search as an Atom 1.0 feed (/feed.atom), read back with a feed parser."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import feedparser

from support import WEB_XSS_TITLE

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(web_client, query: str):
    response = web_client.get("/feed.atom" + query)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    ET.fromstring(response.data)  # well-formed XML
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_feed_is_valid_atom_newest_first(web_client) -> None:
    feed = parse(web_client, "?q=interest&person=Paul+Volcker&page=3&sort=oldest")  # page and order ignored
    assert feed.feed.title == "news-search: “interest” · person: Paul Volcker"
    assert feed.feed.subtitle == "2 articles, newest first"
    assert feed.feed.id.startswith("urn:uuid:")
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == "http://localhost/feed.atom?q=interest&person=Paul+Volcker"
    assert links["alternate"] == "http://localhost/?q=interest&person=Paul+Volcker"
    assert [entry.title for entry in feed.entries] == [
        "Volcker and Baker discuss the dollar and interest rates",
        "Volcker says Fed will hold interest rates",
    ]
    first = feed.entries[0]
    assert first.link == "http://localhost/article/dollar-1"
    assert first.updated == "1987-06-02T00:00:00Z" and feed.feed.updated == "1987-06-02T00:00:00Z"
    assert first.id.startswith("urn:uuid:")
    assert "interest rates in Washington" in first.summary  # the snippet, as HTML (parsers drop <mark>)
    raw = web_client.get("/feed.atom?q=interest&person=Paul+Volcker").get_data(as_text=True)
    assert '<summary type="html">Paul Volcker and James Baker discussed the falling dollar and &lt;mark&gt;' in raw
    assert {(tag.term, tag.label) for tag in first.tags} >= {("Paul Volcker", "Person: Paul Volcker")}
    assert feed.feed.author == "news-search"


def test_entry_and_feed_ids_are_stable(web_client) -> None:
    one, again = parse(web_client, "?q=interest"), parse(web_client, "?q=interest")
    other = parse(web_client, "?person=Paul+Volcker")
    assert one.feed.id == again.feed.id != other.feed.id
    ids = {entry.link: entry.id for entry in one.entries}
    assert ids == {entry.link: entry.id for entry in again.entries}
    for entry in other.entries:  # the same article has the same id in every feed
        assert ids.get(entry.link, entry.id) == entry.id
    assert len(set(ids.values())) == len(ids)


def test_feed_text_is_escaped_and_every_search_has_one(web_client) -> None:
    feed = parse(web_client, "?q=markup")
    assert feed.entries[0].title == WEB_XSS_TITLE  # markup is text
    assert parse(web_client, "").feed.title == "news-search: all stories"
    assert len(parse(web_client, "").entries) == 8
    assert parse(web_client, "?q=zebra").entries == []
    response = web_client.get("/feed.atom?q=%22unbalanced")
    assert response.status_code == 400 and response.mimetype == "text/html"
