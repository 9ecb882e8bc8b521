"""The links of the HTML pages: one place that knows how the shown search changes when a facet value is
selected, excluded or dropped, when "only stories about them" is switched, and where "Show all" leads; and
the links that keep it: its timeline's settings, its feed and exports, an entity's page, an article read
from it.

Every link is a plain URL (the pages work without JavaScript); ``static/app.js`` builds the same links for
the facet values it fetches as you type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, quote_plus

from flask import url_for

from search.facets import BY_NAME, FACET_NAMES, FACETS, Facet, exclude_parameter
from search.models import ArticleDetail, FacetValue, Hit, SearchRequest
from web.params import to_args
from web.worker_index import get_limits

PATH_SAFE = "!$&'()*+,/:;=@"  # what Werkzeug's path converter leaves unquoted in a URL path


VIEW_PARAMETERS = ("interval", "normalize")  # how the page draws the results, kept by its links
NAMED_FACETS = tuple(facet.name for facet in FACETS if facet.named)  # what entity chips show


@dataclass(frozen=True)
class Chip:
    """One entity of a hit or an article: its name links to its entity page, and a small toggle beside it to
    the search filtered by it (or without it, if selected)."""

    kind: str
    kind_label: str
    value: str
    href: str  # the toggle: select it (drop it when selected)
    selected: bool
    about: bool  # the story is about it (else it is named in passing)
    css: str  # the chip's class attribute
    title: str
    entity_href: str = ""  # its entity page


@dataclass(frozen=True)
class Chips:
    """The entity chips of a hit or article: what it is about first, then what it names in passing."""

    chips: list[Chip]
    more: int  # how many were left out by the limit


@dataclass(frozen=True)
class FacetLink:
    """One value of a facet list, ready to print (the template only escapes the fields)."""

    value: str
    href: str  # selects it, drops it when selected, drops its exclusion when excluded
    exclude_href: str | None  # excludes it; None when it is excluded already
    count: str  # "1,234"
    count_label: str  # "1,234 articles"
    selected: bool
    excluded: bool

    @property
    def state(self) -> str:
        """The row's class and what a screen reader hears after the count."""
        return "selected" if self.selected else "excluded" if self.excluded else ""


@dataclass(frozen=True)
class FacetList:
    """One facet of the sidebar: its values, and the "Show all N" link when it has more than it shows."""

    facet: Facet
    exclude_parameter: str  # "not_person"
    values: list[FacetLink]
    prefix: str
    total: int  # values with a count in these results (matching the prefix, when one is typed)
    more: bool  # the list shows fewer than ``total``
    show_all: str  # the full list of the facet (for the prefix)
    show_all_label: str  # "Show all 1,234 people"


@lru_cache(maxsize=8192)
def quoted(text: str) -> str:
    """One query argument name or value as ``urlencode`` quotes it; facet values recur on every page."""
    return quote_plus(text)


def encode(pairs: Sequence[tuple[str, str]]) -> str:
    """``urlencode(pairs)`` for text pairs, each part quoted once per process."""
    return "&".join(quoted(name) + "=" + quoted(value) for name, value in pairs)


def articles(count: int) -> str:
    """``1 article``, ``2,345 articles``."""
    return f"{count:,} article" + ("" if count == 1 else "s")


def show_all_label(facet: Facet, total: int, prefix: str = "") -> str:
    """``Show all 1,234 people``, ``Show all 12 people matching “ja”``."""
    return f"Show all {total:,} {facet.label.lower()}" + (f" matching “{prefix}”" if prefix else "")


class Links:
    """URLs of the search page for one rendered page: the search shown, with one thing changed.

    A results page has ~100 links (facet values, chips, bars, pages), so the shown search is encoded once
    and selecting (excluding) one more value only appends to it; the article links share one ``url_for`` too.
    """

    def __init__(self, req: SearchRequest, view: dict[str, str] | None = None) -> None:
        """:param view: how the page draws the results (``interval``, ``normalize``), kept by every link."""
        self.req = req
        self.view = {name: value for name, value in (view or {}).items() if value}
        self._base = url_for("ui.search")
        self._article_base = url_for("ui.article", article_id="-")[:-1]
        self._facet_base = url_for("ui.facet_page", name="-")[:-1]
        self._entity_base = {name: entity_url(name, "") for name in FACET_NAMES}
        self._default_per_page = get_limits().per_page
        current = encode(self.args())
        self._more = self._base + "?" + (current + "&" if current else "")

    def args(self, **changes: object) -> list[tuple[str, str]]:
        """Query arguments of the shown search with ``changes`` (page back to 1); hidden form fields."""
        if self.req.per_page == self._default_per_page and "per_page" not in changes:
            changes["per_page"] = None
        return to_args(self.req, **{**self.view, **changes})

    def search_args(self, **changes: object) -> list[tuple[str, str]]:
        """The search alone (no page, order, page size or view): what a feed, an export or a timeline asks."""
        dropped = dict.fromkeys(("page", "per_page", "sort", *VIEW_PARAMETERS))
        return to_args(self.req, **{**dropped, **changes})

    def feed(self) -> str:
        """The Atom feed of the shown search (newest first)."""
        return with_args(url_for("feeds.atom"), self.search_args())

    def export(self, fmt: str) -> str:
        """Every hit of the shown search, in its order, as CSV or JSON Lines."""
        return with_args(url_for("api.search"), [*self.search_args(sort=self.req.sort), ("format", fmt)])

    def compare(self) -> str:
        """A comparison starting from the shown query, with its filters."""
        return with_args(url_for("explore.compare"), self.search_args())

    def page_size(self, per_page: int) -> str:
        return self.url(per_page=None if per_page == self._default_per_page else per_page)

    def entity(self, name: str, value: str) -> str:
        """The entity page of ``value`` of facet ``name`` (``entity_url`` without the URL map)."""
        return self._entity_base[name] + quote(value, safe=PATH_SAFE)

    def in_search(self, article_id: str, page: int) -> str:
        """An article read from the shown search, its results page ``page``: it keeps the search."""
        pairs = self.args(page=page, **dict.fromkeys(VIEW_PARAMETERS)) or [
            ("page", "1")
        ]  # never none: it is the context
        return self.article(article_id) + "?" + encode(pairs)

    def url(self, **changes: object) -> str:
        pairs = self.args(**changes)
        return self._base + ("?" + encode(pairs) if pairs else "")

    def article(self, article_id: str) -> str:
        """``url_for("ui.article", article_id=article_id)``, without building it from the URL map."""
        return self._article_base + quote(article_id, safe=PATH_SAFE)

    def cleared(self) -> str:
        """The shown search without any facet selection or exclusion, date bound or "only stories about"."""
        facets = dict.fromkeys((*FACET_NAMES, *map(exclude_parameter, FACET_NAMES)), ())
        return self.url(**facets, **{"from": None, "to": None, "mentions": None})

    def toggle(self, name: str, value: str) -> str:
        """Select ``value`` in facet ``name`` (no longer excluded), or drop it if already selected."""
        selected, excluded = self.req.selected(name), self.req.excluded(name)
        if among(selected, value):
            return self.url(**{name: without(selected, value)})
        if among(excluded, value):
            return self.url(**{name: (*selected, value), exclude_parameter(name): without(excluded, value)})
        return self._more + quoted(name) + "=" + quoted(value)

    def exclude(self, name: str, value: str) -> str:
        """Exclude ``value`` of facet ``name`` (no longer selected), or drop its exclusion if excluded."""
        selected, excluded = self.req.selected(name), self.req.excluded(name)
        parameter = exclude_parameter(name)
        if among(excluded, value):
            return self.url(**{parameter: without(excluded, value)})
        if among(selected, value):
            return self.url(**{name: without(selected, value), parameter: (*excluded, value)})
        return self._more + quoted(parameter) + "=" + quoted(value)

    def mentions(self, about: bool) -> str:
        """The shown search counting only what stories are about (``mentions=about``), or everything named."""
        return self.url(mentions="about" if about else None)

    def facet_page(self, name: str, prefix: str = "", page: int = 1) -> str:
        """The full list of facet ``name``'s values (starting with ``prefix``) for the shown search."""
        pairs = self.args()
        if prefix:
            pairs.append(("prefix", prefix))
        if page != 1:
            pairs.append(("page", str(page)))
        return self._facet_base + quote(name, safe="") + ("?" + encode(pairs) if pairs else "")

    def facet_link(self, name: str, value: FacetValue) -> FacetLink:
        excluded = value.excluded and not value.selected
        return FacetLink(
            value.value,
            self.exclude(name, value.value) if excluded else self.toggle(name, value.value),
            None if excluded else self.exclude(name, value.value),
            f"{value.count:,}",
            articles(value.count),
            value.selected,
            excluded,
        )

    def facet_list(self, name: str, values: Sequence[FacetValue], total: int, prefix: str = "") -> FacetList:
        """A facet of the sidebar. ``total`` counts the values with a count (all matching ``prefix``, with
        one); the list shows the top ones and every selected and excluded value."""
        facet = BY_NAME[name]
        shown = len(values) if prefix else sum(1 for v in values if v.count)
        return FacetList(
            facet,
            exclude_parameter(name),
            [self.facet_link(name, value) for value in values],
            prefix,
            total,
            total > shown,
            self.facet_page(name, prefix),
            show_all_label(facet, total, prefix),
        )

    def chips(self, item: Hit | ArticleDetail, limit: int | None = None) -> Chips:
        """The entities of a hit or article as chips, each naming its entity page and toggling its filter:
        what the story is about first (every facet), then what it names in passing; at most ``limit`` of them,
        the values the search selected always among them (they say why the story matched)."""
        about: list[Chip] = []
        passing: list[Chip] = []
        for name in NAMED_FACETS:  # a story's language is no name in it: the hit's meta line shows it
            selected, subjects = self.req.selected(name), set(item.about.get(name, ()))
            for value in item.entities.get(name, ()):
                is_about = value in subjects
                (about if is_about else passing).append(
                    chip(
                        name,
                        value,
                        self.toggle(name, value),
                        among(selected, value),
                        is_about,
                        self.entity(name, value),
                    )
                )
        everything = about + passing
        if limit is None or len(everything) <= limit:
            return Chips(everything, 0)
        chosen = sum(1 for c in everything if c.selected)
        room = max(limit - chosen, 0)
        kept = [c for c in everything if c.selected or (room := room - 1) >= 0]
        return Chips(kept, len(everything) - len(kept))


def same(a: str, b: str) -> bool:
    """Whether two spellings name one facet value (the core matches them case-insensitively)."""
    return a == b or a.strip().lower() == b.strip().lower()


def among(values: tuple[str, ...], value: str) -> bool:
    return any(same(v, value) for v in values)


def without(values: tuple[str, ...], value: str) -> tuple[str, ...]:
    return tuple(v for v in values if not same(v, value))


def chip(kind: str, value: str, href: str, selected: bool, about: bool = True, entity_href: str = "") -> Chip:
    label = BY_NAME[kind].singular.capitalize()
    title = "remove this filter" if selected else "show only articles " + BY_NAME[kind].stories(value)
    if not about:
        title = "named in passing; " + title
    css = f"chip chip-{kind} " + ("about" if about else "passing") + (" selected" if selected else "")
    return Chip(kind, label, value, href, selected, about, css, f"{label}: {title}", entity_href)


def entity_url(kind: str, value: str) -> str:
    """The entity page of value ``value`` of facet ``kind``: ``/person/Paul%20Volcker``."""
    return url_for("explore.entity", facet=kind, name="-")[:-1] + quote(value, safe=PATH_SAFE)


def search_summary(req: SearchRequest, query: bool = True) -> str:
    """The search in words: ``“oil” · person: Paul Volcker · not country: Japan · from 1987-03-01``."""
    parts = [f"“{req.q}”"] if req.q and query else []
    for name in FACET_NAMES:
        parts += [f"{BY_NAME[name].singular}: {value}" for value in req.selected(name)]
        parts += [f"not {BY_NAME[name].singular}: {value}" for value in req.excluded(name)]
    if req.mentions == "about":
        parts.append("only stories about them")
    parts += [f"{word} {day.isoformat()}" for word, day in (("from", req.date_from), ("to", req.date_to)) if day]
    return " · ".join(parts)


def with_args(path: str, pairs: Sequence[tuple[str, str]]) -> str:
    return path + ("?" + encode(pairs) if pairs else "")


def new_search_links() -> Links:
    """Links that start a new search (nothing chosen yet), e.g. from the article page."""
    return Links(SearchRequest(per_page=get_limits().per_page))
