"""Results over time: buckets of a day, week, month or year over the cached ``DateIndex``, counted with numpy.

A timeline counts the dated documents of a result mask per bucket (``bincount`` of each document's bucket
key), contiguous from the first to the last date (empty buckets included). Without an interval one is
chosen from the span: up to ``DAY_MAX_SPAN`` days a bucket per day, then per week (Monday to Sunday), per
month, per year. A request's date range is shown whole (within the archive's own first and last dates), so
narrowing to March shows every day of March.

Normalised, each bucket also carries its share of every story dated in it (Media Cloud's normalisation: a
busy news week does not look like attention). The denominators, every live story with near-duplicates
counted once, are counted once per index generation and interval.

Several masks (``/compare``) share one set of buckets: the span and interval of them all.
"""

from __future__ import annotations

import threading
import weakref
from datetime import date, timedelta
from functools import lru_cache

import numpy as np

from search.errors import BadParameter
from search.models import TIMELINE_INTERVALS, Timeline, TimelineBucket
from search.retrieve.facet_counts import DateIndex

DAY_MAX_SPAN = 62  # days from the first date to the last: a bucket per day (at most 63 of them)
WEEK_MAX_SPAN = 366  # ... per week (at most 54)
MONTH_MAX_SPAN = 8 * 366  # ... per month (at most 97); beyond, per year
MAX_BUCKETS = 2000  # an interval the user chooses may not make more (a day per bucket over six years)
SHARE_DIGITS = 6


def choose_interval(first: int, last: int) -> str:
    """The interval for dates from day number ``first`` to ``last`` (``date.toordinal``)."""
    span = last - first
    if span <= DAY_MAX_SPAN:
        return "day"
    if span <= WEEK_MAX_SPAN:
        return "week"
    return "month" if span <= MONTH_MAX_SPAN else "year"


def check_interval(interval: str) -> None:
    """Raise BadParameter unless ``interval`` is "" (choose from the span) or one of TIMELINE_INTERVALS."""
    if interval not in ("", *TIMELINE_INTERVALS):
        raise BadParameter("interval", interval, f"must be one of {', '.join(TIMELINE_INTERVALS)}")


def key_of(interval: str, day: int) -> int:
    """The bucket key of day number ``day``: the day itself, its week (Monday-based), year * 12 + month - 1, or
    the year."""
    if interval == "day":
        return day
    if interval == "week":
        return (day - 1) // 7  # day 1 (0001-01-01) is a Monday
    moment = date.fromordinal(day)
    return moment.year * 12 + moment.month - 1 if interval == "month" else moment.year


@lru_cache(maxsize=8192)  # the same buckets come back on every page
def bucket_dates(interval: str, key: int) -> tuple[date, date, str]:
    """(first day, last day, label) of the bucket with ``key``."""
    if interval == "day":
        day = date.fromordinal(key)
        return day, day, day.isoformat()
    if interval == "week":
        start = date.fromordinal(key * 7 + 1)
        year, week, _ = start.isocalendar()
        return start, start + timedelta(days=6), f"{year}-W{week:02d}"
    if interval == "month":
        year, month = divmod(key, 12)
        start = date(year, month + 1, 1)
        end = (date(year + 1, 1, 1) if month == 11 else date(year, month + 2, 1)) - timedelta(days=1)
        return start, end, start.strftime("%Y-%m")
    return date(key, 1, 1), date(key, 12, 31), str(key)


@lru_cache(maxsize=8192)
def _iso_dates(interval: str, key: int) -> tuple[str, str, str]:
    start, end, label = bucket_dates(interval, key)
    return start.isoformat(), end.isoformat(), label


class _GenerationCounts:
    """Per index generation: each document's bucket key per interval, and every story's count per bucket."""

    def __init__(self, dates: DateIndex, stories: np.ndarray) -> None:
        self.dates = dates
        self.stories = stories & dates.dated
        days = dates.days[self.stories]
        self.first, self.last = (int(days.min()), int(days.max())) if len(days) else (0, 0)
        self._keys: dict[str, np.ndarray] = {}
        self._counts: dict[str, tuple[int, np.ndarray]] = {}
        self._lock = threading.Lock()

    def keys(self, interval: str) -> np.ndarray:
        with self._lock:
            found = self._keys.get(interval)
            if found is None:
                days = self.dates.days
                found = {
                    "day": days,
                    "week": (days - 1) // 7,
                    "month": self.dates.months,
                    "year": self.dates.years,
                }[interval]
                self._keys[interval] = found
            return found

    def story_counts(self, interval: str, first_key: int, size: int) -> np.ndarray:
        """Every story's count in the ``size`` buckets from ``first_key`` on."""
        keys = self.keys(interval)
        with self._lock:
            found = self._counts.get(interval)
            if found is None:
                own = keys[self.stories]
                low = int(own.min()) if len(own) else 0
                found = self._counts[interval] = (low, np.bincount(own - low) if len(own) else np.zeros(0, np.int64))
        low, counts = found
        out = np.zeros(size, dtype=np.int64)
        lo, hi = max(first_key, low), min(first_key + size, low + len(counts))
        if lo < hi:
            out[lo - first_key : hi - first_key] = counts[lo - low : hi - low]
        return out


_COUNTS: weakref.WeakKeyDictionary[DateIndex, _GenerationCounts] = weakref.WeakKeyDictionary()
_COUNTS_LOCK = threading.Lock()


def _generation_counts(dates: DateIndex, stories: np.ndarray) -> _GenerationCounts:
    with _COUNTS_LOCK:
        found = _COUNTS.get(dates)
        if found is None:
            found = _COUNTS[dates] = _GenerationCounts(dates, stories)
        return found


def timelines(
    dates: DateIndex,
    masks: list[np.ndarray],
    stories: np.ndarray,
    interval: str = "",
    normalize: bool = False,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[Timeline]:
    """One timeline per result mask, all over the same buckets.

    :param stories: every story that counts (live, near-duplicates once): the shares' denominators.
    :param interval: "" chooses one from the span of the dates (with the date range, when given).
    """
    check_interval(interval)
    generation = _generation_counts(dates, stories)
    dated = [mask & dates.dated for mask in masks]
    found = [dates.days[mask] for mask in dated]
    present = [days for days in found if len(days)]
    totals = [int(np.count_nonzero(mask)) for mask in masks]
    if not present:
        return [Timeline(interval or "day", normalize, total, total, ()) for total in totals]
    first = min(int(days.min()) for days in present)
    last = max(int(days.max()) for days in present)
    if date_from is not None:
        first = min(first, max(date_from.toordinal(), generation.first))
    if date_to is not None:
        last = max(last, min(date_to.toordinal(), generation.last))
    interval = interval or choose_interval(first, last)
    first_key, last_key = key_of(interval, first), key_of(interval, last)
    size = last_key - first_key + 1
    if size > MAX_BUCKETS:
        raise BadParameter(
            "interval",
            interval,
            f"makes {size:,} buckets for these dates (at most {MAX_BUCKETS:,}); "
            "choose a longer interval or narrow the dates",
        )
    keys = generation.keys(interval)
    stories_per_bucket = generation.story_counts(interval, first_key, size) if normalize else None
    spans = [_iso_dates(interval, first_key + i) for i in range(size)]
    out = []
    for mask, total in zip(dated, totals):
        counts = np.bincount(keys[mask] - first_key, minlength=size)
        buckets = []
        for i, (start, end, label) in enumerate(spans):
            count, share, all_stories = int(counts[i]), None, 0
            if stories_per_bucket is not None:
                all_stories = int(stories_per_bucket[i])
                share = round(count / all_stories, SHARE_DIGITS) if all_stories else 0.0
            buckets.append(TimelineBucket(start, end, label, count, share, all_stories))
        out.append(Timeline(interval, normalize, total, total - int(np.count_nonzero(mask)), tuple(buckets)))
    return out
