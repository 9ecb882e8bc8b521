"""Blueprint "ui": the search page, the full list of a facet's values, the article page and the search tips,
plain HTML that works without JavaScript (the links themselves are built in ``web/links.py``).

An article read from a search keeps it: the search comes in the article's query string (the links of the
article page itself carry it) or, from a results page's link, in the same-origin ``Referer`` (results link to
the plain ``/article/<id>``). The page then shows where the article stands in the results, its previous and
next, the way back, the query in the search box and its words marked in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, Response, abort, make_response, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.datastructures import MultiDict

from search.errors import SearchError
from search.facets import BY_NAME, FACET_NAMES, FACETS, LANGUAGE, exclude_parameter
from search.models import SearchRequest
from web.charts import bar_chart, bar_links
from web.explore import timeline_links, view_args
from web.links import Links, articles, new_search_links
from web.marking import mark_text
from web.params import (
    parse_facet_prefixes,
    parse_interval,
    parse_normalize,
    parse_prefix,
    parse_search_args,
    parse_whole_number,
)
from web.worker_index import get_limits, get_searcher

bp = Blueprint("ui", __name__)

FACET_SEARCH_LIMIT = 20  # values a facet's filter box lists on the search page
FACET_PAGE_SIZE = 50  # values per page of the full list of a facet (/facets/<name>)
RELATED_LIMIT = 5
PAGE_SIZES = (10, 20, 50, 100)  # offered on the results page (those within MAX_PER_PAGE)
SEARCH_PARAMETERS = {"q", "mentions", "from", "to", "sort", "page", "per_page", *FACET_NAMES}
SEARCH_PARAMETERS |= {exclude_parameter(name) for name in FACET_NAMES}


@bp.get("/")
def search() -> str:
    """The search page: results, their timeline, facets; with no query, the newest articles."""
    limits = get_limits()
    req = parse_search_args(request.args, limits)
    prefixes = parse_facet_prefixes(request.args)
    view = view_args(parse_interval(request.args), parse_normalize(request.args))
    searcher = get_searcher()
    page = searcher.search(req)
    links = Links(req, view)
    facets = {}
    for name in FACET_NAMES:
        if name in prefixes:
            found = searcher.facet_values(name, prefixes[name], req, per_page=FACET_SEARCH_LIMIT)
            facets[name] = links.facet_list(name, found.values, found.total, prefixes[name])
        else:
            facets[name] = links.facet_list(name, page.facets.get(name, ()), page.facet_totals.get(name, 0))
    timeline = searcher.timeline(req, view.get("interval", ""), "normalize" in view) if page.total else None
    first = (page.page - 1) * page.per_page + 1
    return render_template(
        "search.html",
        req=req,
        links=links,
        page=page,
        facets=facets,
        prefixes=prefixes,
        timeline=timeline,
        chart=bar_chart(timeline) if timeline else None,
        timeline_links=timeline_links(lambda **c: links.url(page=page.page, **c), view, timeline),
        shown=(first, first + len(page.hits) - 1),
        page_sizes=sorted({limits.per_page, *(n for n in PAGE_SIZES if n <= limits.max_per_page)}),
        reachable=min(page.total, page.pages * page.per_page),
        suggestion_total=searcher.count(replace(req, q=page.suggestion, page=1)) if page.suggestion else None,
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


@dataclass(frozen=True)
class ReadFrom:
    """The search an article was read from, and the article's place in it."""

    req: SearchRequest
    links: Links
    position: int | None  # 1-based among the results that can be paged through
    total: int
    back: str  # the results page that shows it
    previous: tuple[str, str] | None  # (title, href)
    next: tuple[str, str] | None


@bp.get("/article/<path:article_id>")
def article(article_id: str) -> Response:
    """One article in full, its entity mentions linked to their pages, and related articles; read from a
    search, also its place in the results and the words searched for."""
    searcher = get_searcher()
    detail = searcher.article(article_id)
    related = searcher.related(article_id, limit=RELATED_LIMIT)
    context, from_referrer = search_context()
    read_from = place_in_results(context, article_id) if context is not None else None
    links = read_from.links if read_from else new_search_links()
    texts = split_paragraphs(detail.body)
    language = next(iter(detail.entities.get(LANGUAGE, ())), "")
    marks = searcher.marks(read_from.req.q, texts, language) if read_from and read_from.req.q else [[] for _ in texts]
    paragraphs = [mark_text(text, detail.mentions, links, found) for text, found in zip(texts, marks)]
    response = make_response(
        render_template(
            "article.html",
            article=detail,
            paragraphs=paragraphs,
            related=related,
            links=links,
            read_from=read_from,
            link=safe_link(detail.url),
            q=read_from.req.q if read_from else "",
        )
    )
    if from_referrer:
        response.vary.add("Referer")
    return response


def search_context() -> tuple[MultiDict[str, str] | None, bool]:
    """(the search an article is read from, whether it came from the Referer); None when there is none."""
    if any(name in SEARCH_PARAMETERS for name in request.args):
        return MultiDict(request.args), False
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path == url_for("ui.search"):
        return MultiDict(parse_qsl(referrer.query, keep_blank_values=True)), True
    return None, False


def place_in_results(args: MultiDict[str, str], article_id: str) -> ReadFrom | None:
    """Where the article stands in the search ``args`` describe; None when that search can't be run (a
    context carried by a link is a courtesy: the article is shown without it)."""
    searcher, limits = get_searcher(), get_limits()
    try:
        req = parse_search_args(args, limits)
        per_page, page = req.per_page, req.page
        ids = searcher.ranked_ids(req, 0, page * per_page + 1)
        if article_id not in ids and len(ids) == page * per_page + 1:
            ids = searcher.ranked_ids(req, 0, limits.max_depth)
        total = searcher.count(req)
    except SearchError:
        return None
    links = Links(replace(req, page=1))
    if article_id not in ids:
        return ReadFrom(req, links, None, total, links.url(page=page), None, None)
    i = ids.index(article_id)

    def neighbour(j: int) -> tuple[str, str] | None:
        if not 0 <= j < len(ids):
            return None
        return searcher.article(ids[j]).title or "(untitled)", links.in_search(ids[j], j // per_page + 1)

    return ReadFrom(req, links, i + 1, total, links.url(page=i // per_page + 1), neighbour(i - 1), neighbour(i + 1))


@bp.get("/help")
def help_page() -> str:
    """How to write a search: the query language, filters, dates, feeds and exports."""
    return render_template("help.html", q="", max_depth=get_limits().max_depth)


@bp.get("/favicon.ico")
def favicon() -> Response:
    """No icon: an empty answer keeps browsers' automatic request out of the 404s."""
    return Response(status=204)


def split_paragraphs(body: str) -> list[str]:
    """Newswire bodies are hard-wrapped: paragraphs end at a blank line or an indented line."""
    parts = re.split(r"\n[ \t]*\n|\n(?=[ \t]{2,}\S)", body.strip())
    return [" ".join(p.split()) for p in parts if p.strip()]


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
    labels = [f.label.lower() for f in FACETS if f.named]
    named = ", ".join(labels[:-1]) + " and " + labels[-1]
    state.app.jinja_env.globals.update(
        FACETS=FACETS,
        FACETS_BY_NAME=BY_NAME,
        LANGUAGE=LANGUAGE,
        ENTITIES_NAMED=f"{named.capitalize()} named",
        bar_links=bar_links,
    )
