"""The project's own records: what flows from corpus readers to the index and from the index to callers.
Whoosh objects never leave ``search/``; everything callers see is one of these frozen dataclasses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from search.facets import FACET_NAMES, FACETS

SORTS = ("relevance", "newest", "oldest")


@dataclass(frozen=True)
class Code:
    """A news agency's own label: ``kind`` ("subject", "person", "organisation", "place", "keyword" ...), ``code``
    as delivered ("medtop:20000568"; "" for a bare name), ``name`` ("economy"): a code alone is opaque."""

    kind: str
    code: str
    name: str


@dataclass(frozen=True)
class Article:
    """One news article as a corpus reader produced it (before entity extraction).

    ``published`` is timezone-aware UTC or None; ``date_source`` says where it came from:
    "metadata", "dateline", "text" or "" (unknown). ``byline`` and ``codes`` (agency formats) are stored
    and shown, not searched: the reporter is no person the story names.
    """

    id: str
    title: str
    body: str
    published: datetime | None = None
    date_source: str = ""
    source: str = ""
    url: str = ""
    path: str = ""
    byline: str = ""
    codes: tuple[Code, ...] = ()


@dataclass(frozen=True)
class Mention:
    """One surface form of an entity in an article's text, and the canonical value it was typed as."""

    text: str
    kind: str  # "person" | "country" | "org"
    value: str


@dataclass(frozen=True)
class Entities:
    """The entities of one article, canonical and de-duplicated.

    ``languages`` is the language the story is written in (one English name, or none when unsure);
    ``persons``, ``countries`` and ``orgs`` are everything the story names, the ones it is about first
    (then in order of first mention); ``about`` holds, per facet name, the subset the story is about (see
    :mod:`search.entities.salience`): a person named once, late, in passing is in ``persons`` only.
    ``surnames`` are lone surname mentions ("Volcker") that the article itself could not resolve to a full
    name, and ``surnames_about`` those of them the story is about; the indexer resolves them against the
    corpus-wide person registry. ``firm_evidence`` tells the indexer's corpus-wide firm registry what the article
    shows person-like names to be: True a firm ("Eli Lilly and Co", "brokers Hoare Govett"), False a person (named
    after a person's title: "trader Ivan Boesky").
    """

    persons: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    about: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    surnames: tuple[str, ...] = ()
    surnames_about: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    firm_evidence: Mapping[str, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # one representation: facets the story is about nothing of are left out of ``about``
        object.__setattr__(self, "about", {name: tuple(values) for name, values in self.about.items() if values})

    def about_values(self, name: str) -> tuple[str, ...]:
        """What the story is about in facet ``name``."""
        return tuple(self.about.get(name, ()))


@dataclass(frozen=True)
class SearchRequest:
    """A search: query text, facet selections and exclusions (by facet name), date range, sort and page.

    Values selected in one facet are OR-ed, different facets AND-ed; an excluded value drops every story
    naming it. ``mentions`` is "any" (filters and facet counts use everything a story names) or "about"
    (only what it is about). The core checks the request against its ``Limits``
    (``search.retrieve.searcher.check_request``).
    """

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    excludes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    mentions: str = "any"
    date_from: date | None = None
    date_to: date | None = None
    sort: str = ""  # "" = relevance with a query, newest without
    page: int = 1
    per_page: int = 10
    facet_limit: int = 10

    def __post_init__(self) -> None:
        # one representation per search: facets without a selected (excluded) value are left out
        for name in ("filters", "excludes"):
            given = getattr(self, name)
            object.__setattr__(self, name, {facet: tuple(values) for facet, values in given.items() if values})

    def selected(self, name: str) -> tuple[str, ...]:
        """The selected values of facet ``name`` (none when it has no filter)."""
        return tuple(self.filters.get(name, ()))

    def excluded(self, name: str) -> tuple[str, ...]:
        """The excluded values of facet ``name``."""
        return tuple(self.excludes.get(name, ()))

    def has_filters(self) -> bool:
        """Whether any facet value (selected or excluded) or date bound narrows the search."""
        return bool(self.filters or self.excludes) or self.date_from is not None or self.date_to is not None


@dataclass(frozen=True)
class Hit:
    """One result: what a results page shows and the API returns."""

    id: str
    title: str
    date: str | None  # ISO 8601 date (YYYY-MM-DD) or None
    source: str
    url: str
    snippet: str  # HTML-safe: escaped text with <mark> around matches
    score: float | None
    entities: Mapping[str, tuple[str, ...]]  # facet name -> every value the story names, its subjects first
    about: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # facet name -> what the story is about
    duplicates: int = 0  # how many near-duplicate stories collapsed into this hit
    duplicate_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet with how many results name it (or would, for a value of a selected facet)."""

    value: str
    count: int
    selected: bool = False
    excluded: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "count": self.count, "selected": self.selected, "excluded": self.excluded}


@dataclass(frozen=True)
class FacetPage:
    """One page of all the values of a facet (``/api/facets/<name>``), most frequent first."""

    facet: str
    prefix: str
    total: int  # values with a word starting with the prefix and at least one result (or selected)
    page: int
    per_page: int
    values: tuple[FacetValue, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "facet": self.facet,
            "prefix": self.prefix,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "values": [v.to_dict() for v in self.values],
        }


@dataclass(frozen=True)
class DateBucket:
    start: str  # ISO date, inclusive
    end: str  # ISO date, inclusive
    label: str
    count: int


@dataclass(frozen=True)
class SearchPage:
    """The result contract: the web API serialises ``to_dict()`` unchanged."""

    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    suggestion: str | None
    hits: tuple[Hit, ...]
    facets: dict[str, tuple[FacetValue, ...]] = field(default_factory=dict)
    facet_totals: dict[str, int] = field(default_factory=dict)  # values with a count, per facet ("show all N")
    date_histogram: tuple[DateBucket, ...] = ()
    sort: str = "relevance"
    pages: int = 0  # last page that can be requested (depth cap applied)
    mentions: str = "any"  # which entities the filters and facet counts used: "any" or "about"

    def to_dict(self) -> dict[str, Any]:
        facets: dict[str, Any] = {
            name: [value.to_dict() for value in self.facets.get(name, ())] for name in FACET_NAMES
        }
        facets["date"] = [
            {"start": b.start, "end": b.end, "label": b.label, "count": b.count} for b in self.date_histogram
        ]
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "sort": self.sort,
            "mentions": self.mentions,
            "took_ms": round(self.took_ms, 2),
            "suggestion": self.suggestion,
            "hits": [hit_to_dict(h) for h in self.hits],
            "facets": facets,
            "facet_totals": {name: self.facet_totals.get(name, 0) for name in FACET_NAMES},
        }


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    """A hit as JSON-ready data (built by hand: ``dataclasses.asdict`` deep-copies and is slow per page)."""
    data: dict[str, Any] = {
        "id": hit.id,
        "title": hit.title,
        "date": hit.date,
        "source": hit.source,
        "url": hit.url,
        "snippet": hit.snippet,
        "score": hit.score,
    }
    for facet in FACETS:
        data[facet.plural] = list(hit.entities.get(facet.name, ()))
    data["about"] = {facet.name: list(hit.about.get(facet.name, ())) for facet in FACETS}
    data["duplicates"] = hit.duplicates
    data["duplicate_ids"] = list(hit.duplicate_ids)
    return data


@dataclass(frozen=True)
class ArticleDetail:
    """A whole stored article with its entities, for the article page and ``/api/articles/<id>``."""

    id: str
    title: str
    body: str
    date: str | None
    date_source: str
    source: str
    url: str
    entities: Mapping[str, tuple[str, ...]]  # facet name -> every value the story names, its subjects first
    about: Mapping[str, tuple[str, ...]]  # facet name -> what the story is about
    mentions: tuple[Mention, ...]
    byline: str = ""
    codes: tuple[Code, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "date": self.date,
            "date_source": self.date_source,
            "source": self.source,
            "url": self.url,
            "byline": self.byline,
            "codes": [asdict(code) for code in self.codes],
        }
        for facet in FACETS:
            data[facet.plural] = list(self.entities.get(facet.name, ()))
        data["about"] = {facet.name: list(self.about.get(facet.name, ())) for facet in FACETS}
        data["mentions"] = [asdict(m) for m in self.mentions]
        return data


@dataclass(frozen=True)
class IndexStats:
    articles: int
    last_modified: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "last_modified": self.last_modified.isoformat() if self.last_modified else None,
        }


@dataclass
class IndexReport:
    """What one ``news-search index`` run did."""

    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0  # read and as indexed (those of files_not_reread included)
    removed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    seconds: float = 0.0
    empty: list[tuple[str, str]] = field(default_factory=list)  # (path, record): no title, no text; not a failure
    skipped: list[str] = field(default_factory=list)  # resolved paths of files in folders that are not news (README)
    files_not_reread: int = 0  # files as the last run left them: their articles counted as read and unchanged


# -- timelines (results over time: the results page, /compare, entity pages, /api/timeline) ----------------

TIMELINE_INTERVALS = ("day", "week", "month", "year")  # weeks start on Monday


@dataclass(frozen=True)
class TimelineBucket:
    start: str  # ISO date, inclusive
    end: str  # ISO date, inclusive
    label: str  # 1987-03-02 (day), 1987-W10 (ISO week), 1987-03 (month), 1987 (year)
    count: int
    share: float | None = None  # normalised: count / stories (0 when no story is dated then), else None
    stories: int = 0  # every story dated in the bucket (near-duplicates once), the share's denominator


@dataclass(frozen=True)
class Timeline:
    """Results over time: contiguous buckets, empty ones included; ``undated`` results are in no bucket."""

    interval: str
    normalized: bool
    total: int
    undated: int
    buckets: tuple[TimelineBucket, ...]

    def to_dict(self) -> dict[str, Any]:
        buckets = [
            {"start": b.start, "end": b.end, "label": b.label, "count": b.count, "share": b.share} for b in self.buckets
        ]
        return {
            "interval": self.interval,
            "normalize": self.normalized,
            "total": self.total,
            "undated": self.undated,
            "buckets": buckets,
        }
