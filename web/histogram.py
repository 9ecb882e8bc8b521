"""Date histogram buckets -> the geometry of SVG bars the template draws on the server.

No chart library and no script: each bar is a link that narrows the search to its period, so the
histogram works without JavaScript and under a CSP that forbids inline script and style.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from search.models import DateBucket

SLOT = 10.0  # width of one bucket in SVG user units (the SVG stretches to the sidebar)
GAP = 1.5
HEIGHT = 60.0
MIN_BAR = 1.5  # a non-empty bucket stays visible next to a huge one


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    label: str
    start: str
    end: str


@dataclass(frozen=True)
class Histogram:
    width: float
    height: float
    bars: tuple[Bar, ...]
    first_label: str
    last_label: str


def histogram(buckets: Sequence[DateBucket]) -> Histogram | None:
    """Bars scaled to the largest bucket; None when there is nothing to draw."""
    if not buckets or not any(b.count for b in buckets):
        return None
    top = max(b.count for b in buckets)
    bars = []
    for i, bucket in enumerate(buckets):
        h = HEIGHT * bucket.count / top
        if bucket.count:
            h = max(h, MIN_BAR)
        bars.append(
            Bar(
                x=round(i * SLOT + GAP / 2, 2),
                y=round(HEIGHT - h, 2),
                width=SLOT - GAP,
                height=round(h, 2),
                count=bucket.count,
                label=bucket.label,
                start=bucket.start,
                end=bucket.end,
            )
        )
    return Histogram(
        width=SLOT * len(buckets),
        height=HEIGHT,
        bars=tuple(bars),
        first_label=buckets[0].label,
        last_label=buckets[-1].label,
    )
