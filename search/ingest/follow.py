"""Follow live feeds: poll RSS/Atom feeds and write each new or changed entry into a spool folder.

``Follower.run`` polls every feed that is due through the polite client (``polite``: one request at a time,
spaced per host, a User-Agent, a timeout, a size limit), conditionally (``If-None-Match`` /
``If-Modified-Since``; a 304 is "nothing new"). A ``Cache-Control: max-age`` longer than ``every`` is the
feed's interval, a 429/503's ``Retry-After`` is waited out, and any failure (HTTP error, timeout, not a
feed, malformed XML) backs that feed off, ``every`` x 2^(failures-1) up to ``MAX_BACKOFF``; the other
feeds go on. Each entry becomes ``<spool>/<host>/<article id>.json``, as the ``.json`` reader reads it
(plus author, categories, feed URL), written only when new or changed; with ``fetch_pages`` the linked
page's main text (the HTML reader's) replaces the feed's summary.

No indexing here (ingest comes first): after each round the files written go to ``on_round`` (the CLI
passes ``build_index``), so only they are read. Seen entries, validators, last poll, earliest next poll
and failures per feed, and files not yet indexed, are kept in ``<index>/follow-state.json``, rewritten
atomically after every feed, so a restart goes on where the last run stopped (a new ``every`` counts at
once). ``stop`` (Ctrl-C) ends a run after the current entry.
"""

from __future__ import annotations

import logging
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import filelock

from search.errors import BadParameter, IndexLocked, SearchError
from search.ingest.base import Record
from search.ingest.corpus import article_id
from search.ingest.feed import read_feed
from search.ingest.html import read_html
from search.ingest.polite import Client, Response, human, max_age, parse_duration, retry_after
from search.ingest.spool import FeedState, digest_of, entry_of, load_state, save_state, write_entry
from search.ingest.xml import sniff

logger = logging.getLogger(__name__)

ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9"
MAX_BACKOFF = 6 * 3600.0  # the longest a failing feed is left alone
MIN_BACKOFF = 60.0  # back-off starts from ``every`` or this, whichever is longer (``every`` may be 0)
HOST_GAP = 1.0  # seconds between two requests to one host
SEEN_PER_FEED = 5000  # entry ids remembered per feed (the oldest are forgotten first)
STATE_FILE = "follow-state.json"
Reporter = Callable[[str], None]


class FollowerBusy(SearchError):
    """Another follower holds the state file's lock."""

    code = "follower_busy"


class FollowFailed(SearchError):
    """Every feed failed in a ``--once`` round (cron sees a failing exit status)."""

    code = "follow_failed"


@dataclass
class Outcome:
    """What one poll of one feed did."""

    url: str
    status: str  # "ok", "not modified", "failed", "not due"
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)
    error: str = ""
    wait: float = 0.0  # seconds until the next poll

    def __str__(self) -> str:
        then = f"next poll in {human(self.wait)}"
        if self.status == "ok":
            return f"{self.url}: {self.new} new, {self.updated} updated, {self.unchanged} unchanged; {then}"
        if self.status == "failed":
            return f"{self.url}: failed ({self.error}); {then}"
        return f"{self.url}: {self.status}; {then}"


class Follower:
    """Polls ``feeds`` into ``spool``; see the module's docstring. ``clock``/``sleep`` are injectable for tests."""

    def __init__(
        self,
        feeds: Iterable[str],
        spool: Path,
        state_path: Path,
        *,
        every: float = 600.0,
        fetch_pages: bool = False,
        timeout: float = 20.0,
        host_gap: float | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.feeds = list(dict.fromkeys(feeds))
        self.spool, self.state_path = Path(spool), Path(state_path)
        self.every, self.fetch_pages, self.timeout = every, fetch_pages, timeout
        self.clock = clock
        self.stop = stop or threading.Event()
        self.sleep = sleep or self._wait
        self.state = load_state(self.state_path)
        self.client = Client(timeout, HOST_GAP if host_gap is None else host_gap, clock, self.sleep)

    def _wait(self, seconds: float) -> None:
        self.stop.wait(seconds)  # returns at once when ``stop`` is set

    # -- the loop ----------------------------------------------------------------------------------

    def run(
        self, on_round: Callable[[list[Path]], None], once: bool = False, report: Reporter = logger.info
    ) -> list[Outcome]:
        """Poll rounds until ``stop`` is set (or one round when ``once``), ``on_round(files)`` after each; the
        last round's outcomes. A lock beside the state file, held throughout, keeps to one follower per index."""
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(f"{self.state_path}.lock", timeout=0)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise FollowerBusy(f"Another `news-search follow` is using {self.state_path}; stop it first.") from None
        outcomes: list[Outcome] = []
        try:
            self.state = load_state(self.state_path)  # what the last run left, read under the lock
            while not self.stop.is_set():
                outcomes = self.poll_round()
                for outcome in outcomes:
                    report(str(outcome))
                    for problem in outcome.problems:
                        report(f"  {problem}")
                self.index_pending(on_round, report)
                if once or self.stop.is_set():
                    break
                self.sleep(max(1.0, self.seconds_to_next()))
        finally:
            lock.release()
        return outcomes

    def poll_round(self) -> list[Outcome]:
        """Poll every feed that is due, once; the state file is saved after each feed."""
        outcomes = []
        for url in self.feeds:
            if self.stop.is_set():
                break
            feed = self.state["feeds"].setdefault(url, FeedState())
            now = self.clock()
            if self.due_at(feed) > now:
                outcomes.append(Outcome(url, "not due", wait=self.due_at(feed) - now))
                continue
            try:
                outcome = self.poll(url, feed)
            except Exception as exc:  # one bad feed never stops the others
                logger.exception("polling %s failed", url)
                outcome = self._failed(url, feed, f"{type(exc).__name__}: {exc}")
            outcomes.append(outcome)
            save_state(self.state_path, self.state)
        return outcomes

    def index_pending(self, on_round: Callable[[list[Path]], None], report: Reporter = logger.info) -> None:
        """Hand the files written and not yet indexed to ``on_round``; kept for the next round if the index is busy."""
        pending = [Path(p) for p in self.state["pending"] if Path(p).exists()]
        if not pending or self.stop.is_set():
            return
        try:
            on_round(pending)
        except IndexLocked as exc:
            report(f"index busy, {len(pending)} files wait for the next round: {exc.message}")
            return
        self.state["pending"] = []
        save_state(self.state_path, self.state)

    def seconds_to_next(self) -> float:
        now = self.clock()
        return max(0.0, min((self.due_at(self.state["feeds"][u]) - now for u in self.feeds), default=self.every))

    def due_at(self, feed: FeedState) -> float:
        """When a feed is next polled: ``every`` after the last poll (so a new ``every`` counts at once), but
        never before what the server (max-age, Retry-After) or the back-off asked for."""
        return max(feed.last_poll + self.every, feed.not_before)

    # -- one feed ------------------------------------------------------------------------------------

    def poll(self, url: str, feed: FeedState) -> Outcome:
        """Fetch one feed and write its new and changed entries."""
        headers = {"Accept": ACCEPT}
        if feed.etag:
            headers["If-None-Match"] = feed.etag
        if feed.last_modified:
            headers["If-Modified-Since"] = feed.last_modified
        response = self.client.get(url, headers)
        if response.error:
            return self._failed(url, feed, response.error)
        if response.status in (429, 503):
            retry = retry_after(response.header("Retry-After"), self.clock())
            return self._failed(url, feed, f"HTTP {response.status}, asked to retry later", retry)
        if response.status == 304:
            return self._succeeded(url, feed, Outcome(url, "not modified"), response)
        if response.status != 200:
            return self._failed(url, feed, f"HTTP {response.status}")
        kind, problem = sniff(response.body)
        if kind != "feed":
            return self._failed(url, feed, problem or f"not an RSS/Atom feed (a {kind.upper()} document)")
        records, problems = read_feed(response.body, base_url=response.url or url)
        if not records and problems:
            return self._failed(url, feed, problems[0])
        outcome = Outcome(url, "ok", problems=problems)
        for record in records:
            if self.stop.is_set():  # stopped in the middle: no validators kept, so the next run reads it all again
                outcome.status, outcome.wait = "stopped", 0.0
                return outcome
            try:
                change = self._store(url, record, feed, outcome.problems)
            except (OSError, ValueError, UnicodeError) as exc:  # one bad entry never stops the feed
                outcome.problems.append(f"{record.key}: not written ({type(exc).__name__}: {exc})")
                continue
            setattr(outcome, change, getattr(outcome, change) + 1)
        return self._succeeded(url, feed, outcome, response)

    def _succeeded(self, url: str, feed: FeedState, outcome: Outcome, response: Response) -> Outcome:
        feed.failures, feed.last_error = 0, ""
        if response.status == 200:
            feed.etag, feed.last_modified = response.header("ETag"), response.header("Last-Modified")
        feed.last_poll = self.clock()
        feed.not_before = feed.last_poll + max_age(response.header("Cache-Control"))
        outcome.wait = self.due_at(feed) - feed.last_poll
        return outcome

    def _failed(self, url: str, feed: FeedState, error: str, retry: float = 0.0) -> Outcome:
        feed.failures += 1
        feed.last_error = error
        wait = min(MAX_BACKOFF, max(self.every, MIN_BACKOFF) * 2 ** (feed.failures - 1))
        wait = max(wait, retry)
        feed.last_poll = self.clock()
        feed.not_before = feed.last_poll + wait
        return Outcome(url, "failed", error=f"{error}; failure {feed.failures}", wait=wait)

    def _store(self, feed_url: str, record: Record, feed: FeedState, problems: list[str]) -> str:
        """Write one entry into the spool when it is new or changed: "new", "updated" or "unchanged"."""
        if not record.id:
            problems.append(f"{record.key}: no id, link or title to know it by; skipped")
            return "unchanged"
        article, entry = article_id(record, ""), entry_of(record, feed_url)
        digest = digest_of(entry)  # of the entry as the feed gives it: a page fetched once is not fetched again
        previous = feed.seen.get(article)
        if previous != digest:
            if self.fetch_pages and record.url:
                entry.update(self._page(record, problems))
            path = write_entry(self.spool, feed_url, article, entry)
            self.state["pending"] = list(dict.fromkeys([*self.state["pending"], str(path)]))
        feed.seen.pop(article, None)
        feed.seen[article] = digest  # (re)inserted last: the oldest seen are forgotten first
        while len(feed.seen) > SEEN_PER_FEED:
            feed.seen.pop(next(iter(feed.seen)))
        return "unchanged" if previous == digest else "new" if previous is None else "updated"

    def _page(self, record: Record, problems: list[str]) -> dict[str, str]:
        """The linked page's main text (and title/date where the feed has none), or nothing if it can't be had."""
        response = self.client.get(record.url, {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"})
        content_type = response.header("Content-Type").lower()
        if response.error or response.status != 200 or "html" not in content_type:
            why = response.error or (f"HTTP {response.status}" if response.status != 200 else content_type)
            problems.append(f"{record.key}: page {record.url} not fetched ({why}); kept the feed's text")
            return {}
        pages, _ = read_html(response.body)
        if not pages or len(pages[0].body) <= len(record.body):
            return {}
        page = pages[0]
        return {"body": page.body, "title": record.title or page.title, "date": record.date or page.date}


def follow_feeds(
    feeds: Iterable[str],
    index_dir: Path,
    corpus_dir: Path,
    index: Callable[[list[Path]], None],
    echo: Reporter,
    *,
    every: str = "10m",
    once: bool = False,
    fetch_pages: bool = False,
    spool: Path | None = None,
    timeout: str = "20s",
) -> list[Outcome]:
    """``news-search follow``: check the options, follow until Ctrl-C (or one round with ``once``), tell what happened.

    Ctrl-C sets ``stop`` (the run ends after the current entry, its state saved); a second one quits at once.
    """
    urls = list(feeds)
    bad = [url for url in urls if not re.match(r"^https?://[^\s/?#]+", url, re.IGNORECASE)]
    if bad:
        raise BadParameter("FEED_URL", bad[0], "not an http(s) URL")
    seconds = {name: _duration(name, value) for name, value in (("every", every), ("timeout", timeout))}
    if seconds["every"] < 1 and not once:
        raise BadParameter("--every", every, "at least 1s (0s only with --once, when cron sets the pace)")
    if seconds["timeout"] <= 0:
        raise BadParameter("--timeout", timeout, "must be more than 0s")
    spool = spool or Path(corpus_dir) / "feeds"
    stop = threading.Event()
    follower = Follower(
        urls, spool, Path(index_dir) / STATE_FILE, every=seconds["every"], fetch_pages=fetch_pages,
        timeout=seconds["timeout"], stop=stop,
    )  # fmt: skip

    def interrupted(signum: int, frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        echo("Stopping after the current item (Ctrl-C again to quit at once).")

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, interrupted) if in_main else None
    echo(f"Following {len(urls)} feed(s) into {spool}, indexed into {index_dir}" + ("." if once else "; Ctrl-C stops."))
    try:
        outcomes = follower.run(index, once=once, report=echo)
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
    if stop.is_set():
        waiting = len(follower.state["pending"])
        echo(
            f"Stopped; {waiting} item(s) fetched are indexed at the next start (or by `news-search index`)."
            if waiting
            else "Stopped."
        )
    elif once and outcomes and all(outcome.status == "failed" for outcome in outcomes):
        raise FollowFailed("Every feed failed this round (see above); they are retried later, backing off.")
    return outcomes


def _duration(name: str, value: str) -> float:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise BadParameter(f"--{name}", value, str(exc)) from None
