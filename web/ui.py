"""Blueprint "ui": the search page and the article page, plain HTML that works without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, quote_plus, urlsplit

from flask import Blueprint, Response, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from markupsafe import Markup, escape

from search.facets import BY_NAME, FACET_NAMES, FACETS
from search.models import ArticleDetail, FacetValue, Hit, Mention, SearchRequest
from web.histogram import histogram
from web.params import parse_facet_prefixes, parse_search_args, to_args
from web.worker_index import get_limits, get_searcher

bp = Blueprint("ui", __name__)

FACET_SEARCH_LIMIT = 20
RELATED_LIMIT = 5


@bp.get("/")
def search() -> str:
    """The search page: results, facets, histogram; with no query, the newest articles."""
    req = parse_search_args(request.args, get_limits())
    prefixes = parse_facet_prefixes(request.args)
    searcher = get_searcher()
    page = searcher.search(req)
    facets: dict[str, Sequence[FacetValue]] = {name: page.facets.get(name, ()) for name in FACET_NAMES}
    for name, prefix in prefixes.items():
        facets[name] = searcher.facet_values(name, prefix, req, per_page=FACET_SEARCH_LIMIT).values
    links = Links(req)
    facet_links = {name: [links.facet_link(name, value) for value in values] for name, values in facets.items()}
    return render_template(
        "search.html",
        req=req,
        links=links,
        page=page,
        facets=facet_links,
        prefixes=prefixes,
        chart=histogram(page.date_histogram),
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


@dataclass(frozen=True)
class Chip:
    kind: str
    kind_label: str
    value: str
    href: str
    selected: bool
    css: str  # the link's class attribute
    title: str


@dataclass(frozen=True)
class FacetLink:
    """One value of the facet sidebar, ready to print (the template only escapes the fields)."""

    value: str
    href: str
    count: str  # "1,234"
    count_label: str  # "1,234 articles"
    selected: bool


@lru_cache(maxsize=8192)
def quoted(text: str) -> str:
    """One query argument name or value as ``urlencode`` quotes it; facet values recur on every page."""
    return quote_plus(text)


def encode(pairs: Sequence[tuple[str, str]]) -> str:
    """``urlencode(pairs)`` for text pairs, each part quoted once per process."""
    return "&".join(quoted(name) + "=" + quoted(value) for name, value in pairs)


PATH_SAFE = "!$&'()*+,/:;=@"  # what Werkzeug's path converter leaves unquoted in a URL path


class Links:
    """URLs of the search page for one rendered page: the search shown, with one thing changed.

    A results page has ~100 links (facet values, chips, bars, pages), so the shown search is encoded once
    and selecting one more value only appends to it; the article links share one ``url_for`` too.
    """

    def __init__(self, req: SearchRequest) -> None:
        self.req = req
        self._base = url_for("ui.search")
        self._article_base = url_for("ui.article", article_id="-")[:-1]
        self._default_per_page = get_limits().per_page
        current = encode(self.args())
        self._more = self._base + "?" + (current + "&" if current else "")

    def args(self, **changes: object) -> list[tuple[str, str]]:
        """Query arguments of the shown search with ``changes`` (page back to 1); hidden form fields."""
        if self.req.per_page == self._default_per_page and "per_page" not in changes:
            changes["per_page"] = None
        return to_args(self.req, **changes)

    def url(self, **changes: object) -> str:
        pairs = self.args(**changes)
        return self._base + ("?" + encode(pairs) if pairs else "")

    def article(self, article_id: str) -> str:
        """``url_for("ui.article", article_id=article_id)``, without building it from the URL map."""
        return self._article_base + quote(article_id, safe=PATH_SAFE)

    def cleared(self) -> str:
        """The shown search without any facet or date filter."""
        return self.url(**dict.fromkeys(FACET_NAMES, ()), **{"from": None, "to": None})

    def toggle(self, name: str, value: str) -> str:
        """Select ``value`` in facet ``name``, or drop it if already selected."""
        selected = self.req.selected(name)
        if value in selected:
            return self.url(**{name: tuple(v for v in selected if v != value)})
        return self._more + quoted(name) + "=" + quoted(value)

    def facet_link(self, name: str, value: FacetValue) -> FacetLink:
        return FacetLink(
            value.value, self.toggle(name, value.value), f"{value.count:,}", articles(value.count), value.selected
        )

    def chips(self, item: Hit | ArticleDetail, limit: int) -> list[Chip]:
        """The entities of a hit or article as chips (at most ``limit``), each toggling its filter."""
        chips: list[Chip] = []
        for name in FACET_NAMES:
            selected = self.req.selected(name)
            for value in item.entities.get(name, ()):
                if len(chips) == limit:
                    return chips
                chips.append(chip(name, value, self.toggle(name, value), value in selected))
        return chips


def chip(kind: str, value: str, href: str, selected: bool) -> Chip:
    label = BY_NAME[kind].singular.capitalize()
    title = "remove this filter" if selected else "show only articles naming " + value
    return Chip(
        kind, label, value, href, selected, f"chip chip-{kind}" + (" selected" if selected else ""), f"{label}: {title}"
    )


def new_search_links() -> Links:
    """Links that start a new search (nothing chosen yet), e.g. from the article page."""
    return Links(SearchRequest(per_page=get_limits().per_page))


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


@bp.app_template_filter()
def articles(count: int) -> str:
    """``1 article``, ``2,345 articles``."""
    return f"{count:,} article" + ("" if count == 1 else "s")


@bp.record_once
def add_template_constants(state: BlueprintSetupState) -> None:
    """The facet registry for every template, imported macros included."""
    named = ", ".join(f.label.lower() for f in FACETS[:-1]) + " and " + FACETS[-1].label.lower()
    state.app.jinja_env.globals.update(FACETS=FACETS, ENTITIES_NAMED=f"{named.capitalize()} named")
