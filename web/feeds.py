"""Blueprint "feeds": every search as an Atom 1.0 feed (``/feed.atom?<search parameters>``), newest first, so
a saved search is a feed subscription.

Ids are stable whatever host name the site is reached by: the feed's is a name-based UUID of its search
(the parameters as ``Links`` orders them), each entry's one of the article id. An entry's ``updated`` is the
story's date (the index's last change for an undated one); its summary is the hit's snippet as escaped HTML,
its categories the entities it names. Text is cleaned of the characters XML 1.0 forbids.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime, timezone

from flask import Blueprint, Response, request, url_for

from search.facets import BY_NAME, FACET_NAMES
from search.models import Hit, SearchRequest
from web.links import Links, encode, entity_url, search_summary, with_args
from web.params import parse_search_args
from web.worker_index import get_index, get_limits, get_searcher

bp = Blueprint("feeds", __name__)

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 20
NAMESPACE = uuid.UUID("6f7c3c8e-5a0e-4d53-9d3e-2f1b8f0c7a11")  # this project's, for name-based UUIDs
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def feed_title(req: SearchRequest) -> str:
    """``news-search: “oil” · person: Paul Volcker · from 1987-03-01``."""
    return "news-search: " + (search_summary(req) or "all stories")


def clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_id(article_id: str) -> str:
    """The stable id of an article's entries, in any feed."""
    return uuid.uuid5(NAMESPACE, "article:" + article_id).urn


def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: clean(v) for k, v in attributes.items()})
    if text is not None:
        element.text = clean(text)
    return element


@bp.get("/feed.atom")
def atom() -> Response:
    """The newest ``FEED_ENTRIES`` results of the search the parameters describe (page and order ignored)."""
    req = parse_search_args(request.args, get_limits())
    req = replace(req, sort="newest", page=1, per_page=min(FEED_ENTRIES, get_limits().max_per_page))
    page = get_searcher().search(req)
    links = Links(req)
    search_pairs = links.search_args()
    root = request.host_url.rstrip("/")
    changed = get_index().stats().last_modified or EPOCH
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    add(feed, "title", feed_title(req))
    add(feed, "subtitle", f"{page.total:,} article{'' if page.total == 1 else 's'}, newest first")
    add(feed, "id", uuid.uuid5(NAMESPACE, "search:" + encode(search_pairs)).urn)
    entries = [(hit, hit_moment(hit, changed)) for hit in page.hits]
    add(feed, "updated", stamp(max((moment for _, moment in entries), default=changed)))
    add(
        feed,
        "link",
        rel="self",
        type="application/atom+xml",
        href=root + with_args(url_for("feeds.atom"), search_pairs),
    )
    add(feed, "link", rel="alternate", type="text/html", href=root + with_args(url_for("ui.search"), search_pairs))
    add(add(feed, "author"), "name", "news-search")
    add(feed, "generator", "news-search")
    for hit, moment in entries:
        entry = add(feed, "entry")
        add(entry, "id", entry_id(hit.id))
        add(entry, "title", hit.title or "(untitled)")
        add(entry, "link", rel="alternate", type="text/html", href=root + links.article(hit.id))
        add(entry, "updated", stamp(moment))
        if hit.date:
            add(entry, "published", stamp(moment))
        if hit.snippet:
            add(entry, "summary", hit.snippet, type="html")
        for name in FACET_NAMES:
            for value in hit.entities.get(name, ()):
                scheme = root + entity_url(name, "")
                add(
                    entry,
                    "category",
                    term=value,
                    scheme=scheme,
                    label=f"{BY_NAME[name].singular.capitalize()}: {value}",
                )
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return Response(
        '<?xml version="1.0" encoding="utf-8"?>\n' + body, content_type="application/atom+xml; charset=utf-8"
    )


def hit_moment(hit: Hit, fallback: datetime) -> datetime:
    """When an entry was last updated: the story's date, or ``fallback`` for an undated one."""
    if not hit.date:
        return fallback
    return datetime.fromisoformat(hit.date).replace(tzinfo=timezone.utc)
