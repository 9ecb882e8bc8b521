"""Blueprint "explore": searches compared over time (``/compare``) and entity pages (``/person/<name>``,
``/country/<name>``, ``/org/<name>``), plain HTML that works without JavaScript. Their JSON is in ``web/api.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from search.errors import BadQuery
from search.facets import BY_NAME, FACET_NAMES
from search.models import TIMELINE_INTERVALS, SearchRequest, Timeline, TimelineBucket
from search.retrieve.cooccurrence import EntityProfile
from web.charts import bar_chart, line_chart
from web.links import Links, entity_url, search_summary, with_args
from web.params import MAX_COMPARED, parse_compared, parse_interval, parse_normalize
from web.worker_index import get_limits, get_searcher

bp = Blueprint("explore", __name__)

ENTITY_ROUTE = "/<any({}):facet>/<path:name>".format(", ".join(FACET_NAMES))


def view_args(interval: str, normalize: bool) -> dict[str, str]:
    """The timeline's settings as query arguments (absent when they are the defaults)."""
    return {
        name: value for name, value in (("interval", interval), ("normalize", "true" if normalize else "")) if value
    }


def page_url(path: str, pairs: list[tuple[str, str]], view: dict[str, str]) -> Callable[..., str]:
    """``url(**changes)``: this page (``path`` with ``pairs``) with its timeline's settings changed."""

    def url(**changes: str | None) -> str:
        settings = {name: value for name, value in {**view, **changes}.items() if value}
        return with_args(path, [*pairs, *settings.items()])

    return url


@bp.get("/compare")
def compare() -> str:
    """Up to four searches drawn together over time, with their totals; one that can't be read is named
    beside its box and the others are drawn."""
    queries, shared = parse_compared(request.args, get_limits())
    interval, normalize = parse_interval(request.args), parse_normalize(request.args)
    links = Links(replace(shared, page=1), view_args(interval, normalize))
    searcher = get_searcher()
    problems: dict[str, str] = {}
    for q in queries:
        try:
            searcher.count(replace(shared, q=q, page=1))
        except BadQuery as error:
            problems[q] = error.message
    drawn = [q for q in queries if q not in problems]
    timelines = searcher.compare([replace(shared, q=q, page=1) for q in drawn], interval, normalize) if drawn else []

    def point_href(query: str, bucket: TimelineBucket) -> str:
        return links.url(q=query, interval=None, **{"from": bucket.start, "to": bucket.end})

    view = view_args(interval, normalize)
    here = page_url(url_for("explore.compare"), [*(("q", q) for q in queries), *links.search_args()], view)
    return render_template(
        "compare.html",
        req=shared,
        links=links,
        queries=queries,
        boxes=[*queries, *[""] * max(0, min(MAX_COMPARED, max(2, len(queries) + 1)) - len(queries))],
        problems=problems,
        series=list(zip(drawn, timelines)),
        chart=line_chart(drawn, timelines, point_href),
        interval=interval,
        normalize=normalize,
        timeline_links=timeline_links(here, view, timelines[0] if timelines else None),
        within=search_summary(shared, query=False),
        q="",
    )


@bp.get(ENTITY_ROUTE)
def entity(facet: str, name: str) -> str | Response:
    """An entity's page: coverage over time, who and what appears with it, its name variants, the stories
    most about it and the latest. A name in another case is sent to its indexed spelling."""
    interval, normalize = parse_interval(request.args), parse_normalize(request.args)
    profile = get_searcher().entity(facet, name, interval, normalize)
    if profile is None:
        raise unknown_entity(facet, name)
    if profile.name != name:
        return redirect(with_args(entity_url(facet, profile.name), list(request.args.items(multi=True))), 301)
    req = SearchRequest(filters={facet: (profile.name,)}, per_page=get_limits().per_page)
    view = view_args(interval, normalize)
    links = Links(req, view)
    return render_template(
        "entity.html",
        profile=profile,
        facet=BY_NAME[facet],
        req=req,
        links=links,
        chart=bar_chart(profile.timeline),
        companions=companions(profile, links),
        timeline_links=timeline_links(page_url(request.path, [], view), view, profile.timeline),
        compare_href=with_args(url_for("explore.compare"), [("q", entity_query(facet, profile.name))]),
        q="",
    )


def unknown_entity(facet: str, name: str) -> NotFound:
    """The 404 of a name no story names (JSON under /api/, a page with a search for the words elsewhere)."""
    return NotFound(f"No {BY_NAME[facet].singular} named “{name}” in the archive.")


def entity_query(facet: str, value: str) -> str:
    """A query for the stories naming ``value`` (for a comparison): ``person:"Paul Volcker"``."""
    return f'{facet}:"{value.replace(chr(34), " ")}"'


def companions(profile: EntityProfile, links: Links) -> list[tuple[str, list[tuple[str, str, str, str, str]]]]:
    """Per facet, the co-occurring values as (value, its page, stories with both, count, lift) ready to print."""
    out = []
    for name in FACET_NAMES:
        rows = []
        for item in profile.cooccurring.get(name, ()):
            if name == profile.facet:  # one facet's values are OR-ed as filters: the other one as a query
                both = links.url(q=entity_query(name, item.value))
            else:
                both = links.url(**{name: (item.value,)})
            rows.append((item.value, links.entity(name, item.value), both, f"{item.count:,}", f"×{item.lift:,.1f}"))
        out.append((name, rows))
    return out


def timeline_links(
    url: Callable[..., str], view: dict[str, str], timeline: Timeline | None
) -> dict[str, list[tuple[str, str, bool]]]:
    """A chart's controls as links to the same page: each interval (and "auto"), counts or shares;
    (label, href, current) each."""
    chosen, normalized = view.get("interval", ""), bool(view.get("normalize"))
    shown = timeline.interval if timeline else ""
    intervals = [("Auto" + (f" ({shown})" if shown and not chosen else ""), url(interval=None), not chosen)]
    intervals += [(name.capitalize(), url(interval=name), chosen == name) for name in TIMELINE_INTERVALS]
    scales = [
        ("Stories", url(normalize=None), not normalized),
        ("Share of all stories", url(normalize="true"), normalized),
    ]
    return {"intervals": intervals, "scales": scales}
