"""Blueprint "ui": the search page, the full list of a facet's values and the article page, plain HTML that
works without JavaScript (the links themselves are built in ``web/links.py``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, render_template, request
from flask.blueprints import BlueprintSetupState
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from search.facets import BY_NAME, FACET_NAMES, FACETS
from search.models import Mention
from web.histogram import histogram
from web.links import Links, articles, new_search_links
from web.params import parse_facet_prefixes, parse_prefix, parse_search_args, parse_whole_number
from web.worker_index import get_limits, get_searcher

bp = Blueprint("ui", __name__)

FACET_SEARCH_LIMIT = 20  # values a facet's filter box lists on the search page
FACET_PAGE_SIZE = 50  # values per page of the full list of a facet (/facets/<name>)
RELATED_LIMIT = 5


@bp.get("/")
def search() -> str:
    """The search page: results, facets, histogram; with no query, the newest articles."""
    req = parse_search_args(request.args, get_limits())
    prefixes = parse_facet_prefixes(request.args)
    searcher = get_searcher()
    page = searcher.search(req)
    links = Links(req)
    facets = {}
    for name in FACET_NAMES:
        if name in prefixes:
            found = searcher.facet_values(name, prefixes[name], req, per_page=FACET_SEARCH_LIMIT)
            facets[name] = links.facet_list(name, found.values, found.total, prefixes[name])
        else:
            facets[name] = links.facet_list(name, page.facets.get(name, ()), page.facet_totals.get(name, 0))
    return render_template(
        "search.html",
        req=req,
        links=links,
        page=page,
        facets=facets,
        prefixes=prefixes,
        chart=histogram(page.date_histogram),
        q=req.q,
    )


@bp.get("/facets/<name>")
def facet_page(name: str) -> str:
    """Every value of one facet for the shown search, most frequent first, a page at a time; a prefix box
    narrows the list, and each value links back to the results with it selected or excluded."""
    facet = BY_NAME.get(name)
    if facet is None:
        abort(404)
    number = parse_whole_number(request.args, "page", 1)  # this list's page; the results go back to page 1
    search_args = MultiDict(request.args)
    search_args.poplist("page")
    req = parse_search_args(search_args, get_limits())
    prefix = parse_prefix(request.args)
    found = get_searcher().facet_values(name, prefix, req, number, FACET_PAGE_SIZE)
    links = Links(req)
    return render_template(
        "facet_values.html",
        req=req,
        links=links,
        facet=facet,
        prefix=prefix,
        found=found,
        values=[links.facet_link(name, value) for value in found.values],
        pages=max(1, -(-found.total // FACET_PAGE_SIZE)),
        heading=f"{found.total:,} {facet.label.lower()}" if found.total != 1 else f"1 {facet.singular}",
        q=req.q,
    )


@bp.get("/article/<path:article_id>")
def article(article_id: str) -> str:
    """One article in full, its entity mentions linked to filtered searches, and related articles."""
    searcher = get_searcher()
    detail = searcher.article(article_id)
    related = searcher.related(article_id, limit=RELATED_LIMIT)
    links = new_search_links()
    paragraphs = [mark_mentions(p, detail.mentions, links) for p in split_paragraphs(detail.body)]
    return render_template(
        "article.html",
        article=detail,
        paragraphs=paragraphs,
        related=related,
        links=links,
        link=safe_link(detail.url),
        q="",
    )


@bp.get("/favicon.ico")
def favicon() -> Response:
    """No icon: an empty answer keeps browsers' automatic request out of the 404s."""
    return Response(status=204)


def split_paragraphs(body: str) -> list[str]:
    """Newswire bodies are hard-wrapped: paragraphs end at a blank line or an indented line."""
    parts = re.split(r"\n[ \t]*\n|\n(?=[ \t]{2,}\S)", body.strip())
    return [" ".join(p.split()) for p in parts if p.strip()]


def mark_mentions(text: str, mentions: Sequence[Mention], links: Links) -> Markup:
    """Escaped ``text`` with each entity mention wrapped in a link to a search filtered by it.

    The text is cut into plain and mention pieces first and every piece is escaped on its own, so a
    mention can never match inside an escaped entity such as ``&amp;``.
    """
    by_text = {m.text: m for m in mentions if m.text.strip() and m.kind in BY_NAME}
    if not by_text:
        return escape(text)
    words = sorted(by_text, key=len, reverse=True)  # longest first: "Paul Volcker" before "Volcker"
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words) + r")(?!\w)")
    lookup = {" ".join(w.split()): m for w, m in by_text.items()}
    out, last = [], 0
    for match in pattern.finditer(text):
        mention = lookup[" ".join(match.group().split())]
        href = links.toggle(mention.kind, mention.value)
        out.append(escape(text[last : match.start()]))
        out.append(
            Markup('<a class="mention mention-{}" href="{}" title="{}: {}">{}</a>').format(
                mention.kind, href, BY_NAME[mention.kind].singular.capitalize(), mention.value, match.group()
            )
        )
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def safe_link(url: str) -> str | None:
    """The url if it is a plain http(s) link; anything else (``javascript:``, ``data:``) is not linked."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


@bp.app_template_global()
def page_window(current: int, last: int, radius: int = 2) -> list[int | None]:
    """Page numbers to show: first, last and a window around the current one; None marks a gap."""
    shown = sorted({1, last, *range(max(1, current - radius), min(last, current + radius) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


bp.add_app_template_filter(articles, "articles")


@bp.record_once
def add_template_constants(state: BlueprintSetupState) -> None:
    """The facet registry for every template, imported macros included."""
    named = ", ".join(f.label.lower() for f in FACETS[:-1]) + " and " + FACETS[-1].label.lower()
    state.app.jinja_env.globals.update(FACETS=FACETS, ENTITIES_NAMED=f"{named.capitalize()} named")
