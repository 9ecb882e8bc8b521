"""Timelines -> the geometry of SVG charts the templates draw on the server: no chart library, no script.

Two charts: the bars of one timeline (the results page, an entity page) and the lines of several timelines
over the same buckets (``/compare``). Both have a y axis with round ticks and its title, an x axis labelled
as often as the labels fit (the year added under the first label and wherever it changes) and its title.
Every count is printed: above each bar (turned upright when it is wider than its bar), in the comparison's
table; nothing needs a hover. Each bar and each point of a line is a link (to the results of its period), so
the charts work without JavaScript, a finger can hit a bar (every slot is at least ``MIN_SLOT`` wide, and the
chart scrolls sideways on a phone rather than shrinking), and ``static/app.js`` adds dragging across the bars
to choose a range.

The SVG is drawn in pixels at its natural size (``width`` x ``height``); the stylesheet lets it shrink to a
narrow column on wide screens. Presentation attributes only: the CSP forbids inline style.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from markupsafe import Markup, escape

from search.models import Timeline, TimelineBucket

PLOT_WIDTH = 680.0  # the plot's width when the buckets fit in it at MAX_SLOT or less
PLOT_HEIGHT = 160.0
MIN_SLOT, MAX_SLOT = 26.0, 64.0
LEFT, RIGHT, BOTTOM = 58.0, 10.0, 46.0
CHAR = 6.6  # estimated width of a character of the 11 px labels
MIN_BAR = 2.0
MONTH_NAMES = tuple("January February March April May June July August September October November December".split())
MONTHS = tuple(name[:3] for name in MONTH_NAMES)
X_TITLES = {"day": "Day", "week": "Week starting", "month": "Month", "year": "Year"}
MARKERS = ("circle", "square", "triangle", "diamond")  # one shape and one dash pattern per series: not colour alone
DASHES = ("", "6 3", "2 3", "8 3 2 3")


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class XLabel:
    x: float
    label: str
    year: str  # the year, under the first label and where it changes; "" elsewhere


@dataclass(frozen=True)
class Bar:
    x: float  # the slot's left edge (the link's hit area spans the slot and the plot's height)
    slot: float
    bar_x: float
    y: float
    width: float
    height: float
    count: int
    value_label: str  # what is printed above the bar: the count, or the share
    label_x: float
    label_y: float
    upright: bool  # the label is turned to run upwards (it is wider than the bar)
    description: str  # "Week of 2 March 1987: 165 articles, 6.2% of all 2,665 stories"
    start: str
    end: str


@dataclass(frozen=True)
class Axes:
    width: float
    height: float
    top: float
    plot_left: float
    plot_right: float
    plot_bottom: float
    y_ticks: tuple[Tick, ...]
    x_labels: tuple[XLabel, ...]
    y_title: str
    x_title: str
    y_max: float  # the value at the top of the plot (the last tick)


@dataclass(frozen=True)
class BarChart:
    axes: Axes
    bars: tuple[Bar, ...]
    interval: str
    normalized: bool


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value_label: str
    description: str
    href: str


@dataclass(frozen=True)
class Line:
    query: str
    total: int
    number: int  # 1.. : the series' colour, marker and dash pattern
    marker: str
    dash: str
    path: str  # "x,y x,y ..." for a polyline
    points: tuple[Point, ...]


@dataclass(frozen=True)
class LineChart:
    axes: Axes
    lines: tuple[Line, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # the table: (period, each series' value)
    interval: str
    normalized: bool


def articles(count: int) -> str:
    return f"{count:,} article" + ("" if count == 1 else "s")


def percent(share: float) -> str:
    """A share as printed: ``12%``, ``2.5%``, ``0.04%``, ``0%``."""
    value = share * 100
    if value == 0:
        return "0%"
    if value >= 10:
        return f"{value:.0f}%"
    return f"{value:.1f}%" if value >= 1 else f"{value:.2g}%"


def value_of(bucket: TimelineBucket, normalized: bool) -> float:
    return (bucket.share or 0.0) if normalized else float(bucket.count)


def value_label(bucket: TimelineBucket, normalized: bool) -> str:
    return percent(bucket.share or 0.0) if normalized else f"{bucket.count:,}"


def period_name(interval: str, bucket: TimelineBucket) -> str:
    """The bucket's period in words: ``2 March 1987``, ``Week of 2 March 1987``, ``March 1987``, ``1987``."""
    return _period_name(interval, bucket.start)


@lru_cache(maxsize=4096)  # the same periods come back on every page
def _period_name(interval: str, iso_start: str) -> str:
    start = date.fromisoformat(iso_start)
    if interval == "year":
        return str(start.year)
    if interval == "month":
        return f"{MONTH_NAMES[start.month - 1]} {start.year}"
    day = f"{start.day} {MONTH_NAMES[start.month - 1]} {start.year}"
    return f"Week of {day}" if interval == "week" else day


def describe(interval: str, bucket: TimelineBucket, normalized: bool) -> str:
    text = f"{period_name(interval, bucket)}: {articles(bucket.count)}"
    if normalized:  # no bracket against the share: a screen reader's name must contain the printed "12%"
        text += f", {percent(bucket.share or 0.0)} of all {bucket.stories:,} " + (
            "story" if bucket.stories == 1 else "stories"
        )
    return text


def nice_ticks(top: float, whole: bool, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``top`` (whole numbers for counts)."""
    if top <= 0:
        return [0.0, 1.0] if whole else [0.0, 0.01]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = [m * magnitude for m in (1, 2, 2.5, 5, 10)]
    if whole:
        steps = [max(1.0, step) for step in steps if step >= 1 and step == int(step)] or [1.0]
    step = next((step for step in steps if step >= raw), steps[-1])
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def _axes(buckets: Sequence[TimelineBucket], interval: str, normalized: bool, top_value: float, top: float) -> Axes:
    slot = slot_width(len(buckets))
    ticks = nice_ticks(top_value, whole=not normalized)
    y_max = ticks[-1]
    bottom = top + PLOT_HEIGHT
    y_ticks = tuple(
        Tick(round(bottom - PLOT_HEIGHT * t / y_max, 2), percent(t) if normalized else f"{int(t):,}") for t in ticks
    )
    every = max(1, math.ceil((max_label_chars(interval) * CHAR + 8) / slot))
    labels, last_year = [], None
    for i, bucket in enumerate(buckets):
        if i % every:
            continue
        start = date.fromisoformat(bucket.start)
        year = str(start.year) if start.year != last_year and interval != "year" else ""
        last_year = start.year
        labels.append(XLabel(round(LEFT + (i + 0.5) * slot, 2), short_label(interval, start), year))
    y_title = "Share of all stories" if normalized else "Stories"
    return Axes(
        width=round(LEFT + slot * len(buckets) + RIGHT, 2),
        height=round(bottom + BOTTOM, 2),
        top=top,
        plot_left=LEFT,
        plot_right=round(LEFT + slot * len(buckets), 2),
        plot_bottom=bottom,
        y_ticks=y_ticks,
        x_labels=tuple(labels),
        y_title=y_title,
        x_title=X_TITLES.get(interval, ""),
        y_max=y_max,
    )


def slot_width(buckets: int) -> float:
    return round(min(MAX_SLOT, max(MIN_SLOT, PLOT_WIDTH / max(buckets, 1))), 2)


def max_label_chars(interval: str) -> int:
    return {"day": 6, "week": 6, "month": 3, "year": 4}.get(interval, 6)


def short_label(interval: str, start: date) -> str:
    if interval == "year":
        return str(start.year)
    if interval == "month":
        return MONTHS[start.month - 1]
    return f"{start.day} {MONTHS[start.month - 1]}"


def bar_chart(timeline: Timeline) -> BarChart | None:
    """The bars of ``timeline`` (None when it has no dated result)."""
    buckets = timeline.buckets
    if not buckets or not any(b.count for b in buckets):
        return None
    normalized, interval = timeline.normalized, timeline.interval
    slot = slot_width(len(buckets))
    labels = [value_label(b, normalized) if b.count else "" for b in buckets]
    widest = max(len(label) for label in labels) * CHAR
    upright = widest > slot - 4
    top = (widest + 10) if upright else 22.0
    axes = _axes(buckets, interval, normalized, max(value_of(b, normalized) for b in buckets), top)
    y_max = axes.y_max
    gap = max(3.0, round(slot * 0.18, 2))
    bars = []
    for i, bucket in enumerate(buckets):
        value = value_of(bucket, normalized)
        height = PLOT_HEIGHT * value / y_max if y_max else 0.0
        if bucket.count:
            height = max(height, MIN_BAR)
        x = LEFT + i * slot
        y = axes.plot_bottom - height
        bars.append(
            Bar(
                x=round(x, 2),
                slot=slot,
                bar_x=round(x + gap / 2, 2),
                y=round(y, 2),
                width=round(slot - gap, 2),
                height=round(height, 2),
                count=bucket.count,
                value_label=labels[i],
                label_x=round(x + slot / 2 + (4 if upright else 0), 2),
                label_y=round(y - 4, 2),
                upright=upright,
                description=describe(interval, bucket, normalized),
                start=bucket.start,
                end=bucket.end,
            )
        )
    return BarChart(axes, tuple(bars), interval, normalized)


def bar_links(chart: BarChart, href_prefix: str) -> Markup:
    """The bars as SVG links, each to ``href_prefix`` + its dates. Drawn here rather than in the template: a
    chart has up to hundreds of bars, and this is its costliest part (a results page draws one per request)."""
    top = chart.axes.top
    height = round(chart.axes.plot_bottom - top, 2)
    prefix = escape(href_prefix)
    out = []
    for bar in chart.bars:
        if not bar.count:
            continue
        value = escape(bar.value_label)
        if bar.upright:
            place = f'transform="translate({bar.label_x} {bar.label_y}) rotate(-90)" text-anchor="start"'
        else:
            place = f'x="{bar.label_x}" y="{bar.label_y}" text-anchor="middle"'
        out.append(
            f'<a class="bar-link" href="{prefix}from={bar.start}&amp;to={bar.end}"'
            f' aria-label="{escape(bar.description)}" data-start="{bar.start}" data-end="{bar.end}">'
            f'<rect class="hit-area" x="{bar.x}" y="{top}" width="{bar.slot}" height="{height}"></rect>'
            f'<rect class="bar" x="{bar.bar_x}" y="{bar.y}" width="{bar.width}" height="{bar.height}"></rect>'
            f'<text class="value" {place} aria-hidden="true">{value}</text></a>'
        )
    return Markup("\n".join(out))


def line_chart(
    queries: Sequence[str], timelines: Sequence[Timeline], href: Callable[[str, TimelineBucket], str]
) -> LineChart | None:
    """The lines of several timelines over the same buckets (None when none has a dated result).

    :param href: the link of a point: (query, bucket) -> the results of that query in that period.
    """
    if not timelines or not timelines[0].buckets or not any(b.count for t in timelines for b in t.buckets):
        return None
    normalized, interval = timelines[0].normalized, timelines[0].interval
    buckets = timelines[0].buckets
    slot = slot_width(len(buckets))
    top_value = max(value_of(b, normalized) for t in timelines for b in t.buckets)
    axes = _axes(buckets, interval, normalized, top_value, 16.0)
    y_max = axes.y_max
    lines = []
    for n, (query, timeline) in enumerate(zip(queries, timelines)):
        points = []
        for i, bucket in enumerate(timeline.buckets):
            value = value_of(bucket, normalized)
            points.append(
                Point(
                    x=round(LEFT + (i + 0.5) * slot, 2),
                    y=round(axes.plot_bottom - (PLOT_HEIGHT * value / y_max if y_max else 0.0), 2),
                    value_label=value_label(bucket, normalized),
                    description=f"{query}, {describe(interval, bucket, normalized)}",
                    href=href(query, bucket),
                )
            )
        path = " ".join(f"{p.x},{p.y}" for p in points)
        lines.append(
            Line(query, timeline.total, n + 1, MARKERS[n % len(MARKERS)], DASHES[n % len(DASHES)], path, tuple(points))
        )
    rows = tuple(
        (period_name(interval, bucket), tuple(value_label(t.buckets[i], normalized) for t in timelines))
        for i, bucket in enumerate(buckets)
    )
    return LineChart(axes, tuple(lines), rows, interval, normalized)
