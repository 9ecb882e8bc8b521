"""`news-search follow` against feeds a loopback server in the test serves: feeds that change between polls,
a 404, a response slower than the timeout, malformed XML, 304s on conditional requests, Retry-After and
max-age, linked pages. Polls run in rounds (``poll_round`` / ``--once``) on a fake clock whose sleeps only
move it on: the only real waits are the timeouts, a fraction of a second each.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import filelock
import pytest
from click.testing import CliRunner

from search.cli import cli
from search.indexing.indexer import build_index
from search.ingest import follow as follow_module
from search.ingest.follow import Follower, FollowerBusy, Outcome, follow_feeds
from search.ingest.polite import USER_AGENT, parse_duration
from search.models import IndexReport, SearchRequest
from search.retrieve.index import open_index

STORIES = {
    "volcker": (
        "Volcker warns on dollar",
        "Federal Reserve chairman Paul Volcker said the dollar has fallen far enough.",
    ),
    "opec": ("OPEC ministers meet in Vienna", "OPEC oil ministers met in Vienna to discuss output quotas."),
    "yen": ("Japan steps up warnings on yen", "Japan's finance minister warned against rapid moves in the yen."),
    "storm": ("Storm hits Norway coast", "A powerful storm hit the coast of Norway, cutting power near Bergen."),
}


def rss(*items: tuple[str, str], title: str = "Loopback Wire") -> bytes:
    """An RSS 2.0 feed of ``(key, text)`` items; the key makes the guid and link, STORIES the title."""
    body = "".join(
        f"<item><title>{STORIES[key][0]}</title><guid>urn:loopback:{key}</guid><link>/pages/{key}.html</link>"
        f"<pubDate>Mon, 02 Mar 1987 10:00:00 GMT</pubDate><description>{text}</description></item>"
        for key, text in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{body}</channel></rss>'.encode()


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    etag: str = ""  # answer 304 to a request whose If-None-Match is this


class FeedServer:
    """Serves ``routes`` (path -> Reply; anything else is a 404) on 127.0.0.1 and logs every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                reply = server.routes.get(self.path, Reply(404, b"<html>not found</html>"))
                time.sleep(reply.delay)
                if reply.etag and self.headers.get("If-None-Match") == reply.etag:
                    self.send_response(304)
                    self.send_header("ETag", reply.etag)
                    self.end_headers()
                    return
                self.send_response(reply.status)
                headers = {"Content-Type": "application/rss+xml", **reply.headers}
                if reply.etag:
                    headers["ETag"] = reply.etag
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # the slow route writes to a socket the client gave up on

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


class Clock:
    """A fake wall clock; sleeping moves it on at once."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def server() -> Iterator[FeedServer]:
    feeds = FeedServer()
    feeds.thread.start()
    yield feeds
    feeds.httpd.shutdown()
    feeds.httpd.server_close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


class Indexer:
    """``on_round`` for the follower: the real incremental indexer, its reports kept."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.reports: list[IndexReport] = []

    def __call__(self, paths: list[Path]) -> None:
        self.reports.append(build_index(paths, self.index_dir, workers=1))

    def titles(self, query: str) -> list[str]:
        ix = open_index(self.index_dir)
        try:
            with ix.searcher() as searcher:
                return sorted(hit.title for hit in searcher.search(SearchRequest(q=query, per_page=50)).hits)
        finally:
            ix.close()


def follower(server: FeedServer, tmp_path: Path, clock: Clock, *paths: str, **options: object) -> Follower:
    settings = {"every": 60.0, "timeout": 0.25, "host_gap": 0.5, "clock": clock, "sleep": clock.sleep, **options}
    return Follower(
        [server.url(p) for p in paths], tmp_path / "corpus" / "feeds", tmp_path / "ix" / "follow-state.json", **settings
    )  # type: ignore[arg-type]


def by_path(outcomes: list[Outcome]) -> dict[str, Outcome]:
    return {outcome.url.rsplit("/", 1)[1]: outcome for outcome in outcomes}


def test_rounds_index_new_items_back_off_on_errors_and_survive_a_restart(
    server: FeedServer, tmp_path: Path, clock: Clock
) -> None:
    server.routes["/news.xml"] = Reply(body=rss(("volcker", STORIES["volcker"][1]), ("opec", "OPEC met.")), etag='"v1"')
    server.routes["/slow.xml"] = Reply(body=rss(("yen", "Yen.")), delay=0.6)
    server.routes["/broken.xml"] = Reply(body=rss(("storm", STORIES["storm"][1]))[:-60])
    feeds = ("/news.xml", "/missing.xml", "/slow.xml", "/broken.xml")
    index = Indexer(tmp_path / "ix")
    one = follower(server, tmp_path, clock, *feeds)

    # round 1: two new items indexed; a 404, a timeout and a truncated feed fail without stopping the others
    outcomes = by_path(one.poll_round())
    one.index_pending(index)
    assert (outcomes["news.xml"].status, outcomes["news.xml"].new) == ("ok", 2)
    assert outcomes["missing.xml"].error == "HTTP 404; failure 1" and outcomes["missing.xml"].wait == 60
    assert outcomes["slow.xml"].error == "timed out after 0.25 s; failure 1"
    assert outcomes["broken.xml"].status == "failed" and "truncated feed" in outcomes["broken.xml"].error
    assert index.titles("Volcker") == ["Volcker warns on dollar"]
    assert index.reports[-1].added == 2
    assert all(headers["User-Agent"] == USER_AGENT for _, headers in server.requests)
    assert clock.slept and all(0 < pause <= 0.5 for pause in clock.slept)  # one host: requests spaced out

    # not due yet: nothing is requested
    server.requests.clear()
    assert {o.status for o in one.poll_round()} == {"not due"} and server.requests == []

    # round 2: the feed changed (one new item, one rewritten); the broken feed is mended
    clock.now += 61
    server.routes["/news.xml"] = Reply(
        body=rss(("yen", STORIES["yen"][1]), ("volcker", STORIES["volcker"][1]), ("opec", "OPEC ministers quarrel.")),
        etag='"v2"',
    )
    server.routes["/broken.xml"] = Reply(body=rss(("storm", STORIES["storm"][1])))
    outcomes = by_path(one.poll_round())
    one.index_pending(index)
    news = outcomes["news.xml"]
    assert (news.new, news.updated, news.unchanged) == (1, 1, 1)
    assert dict(server.requests[0][1])["If-None-Match"] == '"v1"'
    assert outcomes["missing.xml"].error == "HTTP 404; failure 2" and outcomes["missing.xml"].wait == 120
    assert outcomes["broken.xml"].status == "ok" and one.state["feeds"][server.url("/broken.xml")].failures == 0
    assert index.titles("yen") == ["Japan steps up warnings on yen"]
    assert index.titles("quarrel") == ["OPEC ministers meet in Vienna"]
    assert (index.reports[-1].added, index.reports[-1].updated) == (2, 1)  # yen and storm new, opec rewritten

    # round 3: 304 for the news feed, the 404 still waits, nothing to index
    clock.now += 61
    outcomes = by_path(one.poll_round())
    one.index_pending(index)
    assert outcomes["news.xml"].status == "not modified" and outcomes["missing.xml"].status == "not due"
    assert len(index.reports) == 2

    # a restart: the state file holds the validators and what was seen
    state = json.loads((tmp_path / "ix" / "follow-state.json").read_text(encoding="utf-8"))
    news_state = state["feeds"][server.url("/news.xml")]
    assert news_state["etag"] == '"v2"' and len(news_state["seen"]) == 3 and state["pending"] == []
    clock.now += 61
    server.routes["/news.xml"].etag = ""  # the server stops honouring If-None-Match: the same items come back
    two = follower(server, tmp_path, clock, *feeds)
    outcomes = by_path(two.poll_round())
    two.index_pending(index)
    assert (outcomes["news.xml"].new, outcomes["news.xml"].unchanged) == (0, 3)
    assert outcomes["missing.xml"].error == "HTTP 404; failure 3" and outcomes["missing.xml"].wait == 240
    assert len(index.reports) == 2  # nothing indexed twice
    spooled = sorted(p.name for p in (tmp_path / "corpus" / "feeds").rglob("*.json"))
    assert len(spooled) == 4
    assert index.titles("Volcker OR OPEC OR yen OR storm") == sorted(title for title, _ in STORIES.values())


def test_retry_after_and_max_age_set_the_next_poll(server: FeedServer, tmp_path: Path, clock: Clock) -> None:
    server.routes["/busy.xml"] = Reply(503, b"", {"Retry-After": "3600"})
    server.routes["/limited.xml"] = Reply(429, b"", {"Retry-After": formatdate(clock.now + 7200, usegmt=True)})
    server.routes["/cached.xml"] = Reply(body=rss(("yen", "Yen.")), headers={"Cache-Control": "public, max-age=1800"})
    server.routes["/gzip.xml"] = Reply(body=gzip.compress(rss(("opec", "OPEC."))), headers={"Content-Encoding": "gzip"})
    outcomes = by_path(follower(server, tmp_path, clock, *server.routes).poll_round())
    assert outcomes["busy.xml"].wait == 3600 and "HTTP 503, asked to retry later" in outcomes["busy.xml"].error
    assert 7190 < outcomes["limited.xml"].wait <= 7200
    assert outcomes["cached.xml"].wait == 1800 and outcomes["cached.xml"].new == 1
    assert outcomes["gzip.xml"].new == 1
    assert all(headers["Accept-Encoding"] == "gzip" for _, headers in server.requests)


def test_pages_are_fetched_and_one_bad_item_does_not_stop_the_feed(
    server: FeedServer, tmp_path: Path, clock: Clock
) -> None:
    page = (
        b"<html><head><title>Storm</title></head><body><article><h1>Storm hits Norway coast</h1>"
        b"<p>A powerful storm hit the coast of Norway on Monday, cutting power to thousands of homes near Bergen "
        b"and forcing schools to close across the region, the authorities said.</p>"
        b"<p>Prime Minister Erna Solberg said repairs could take days; the fjord ferries stopped.</p>"
        b"</article></body></html>"
    )
    feed = rss(("storm", "A storm hit Norway."), ("yen", "Yen.")).replace(
        b"</channel>", b"<item><description>An item with no title, link or guid.</description></item></channel>"
    )
    server.routes["/feed.xml"] = Reply(body=feed)
    server.routes["/pages/storm.html"] = Reply(body=page, headers={"Content-Type": "text/html; charset=utf-8"})
    index = Indexer(tmp_path / "ix")
    one = follower(server, tmp_path, clock, "/feed.xml", fetch_pages=True)
    [outcome] = one.poll_round()
    one.index_pending(index)
    assert (outcome.status, outcome.new) == ("ok", 2)
    assert outcome.problems == [
        f"entry 2: page {server.url('/pages/yen.html')} not fetched (HTTP 404); kept the feed's text",
        "entry 3: no id, link or title to know it by; skipped",
    ]
    assert index.titles("fjord") == ["Storm hits Norway coast"]  # the page's full text, not the feed's summary
    assert index.titles("yen") == ["Japan steps up warnings on yen"]
    clock.now += 61
    server.requests.clear()
    one.poll_round()
    assert server.paths() == ["/feed.xml"]  # pages of items already seen are not fetched again


def test_ctrl_c_stops_after_the_current_item_and_the_next_run_goes_on(
    server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.routes["/news.xml"] = Reply(body=rss(*((key, text) for key, (_, text) in STORIES.items())), etag='"e"')
    monkeypatch.setattr(follow_module, "HOST_GAP", 0.0)
    indexed: list[list[Path]] = []
    lines: list[str] = []
    real_store = Follower._store

    def store_then_interrupt(self: Follower, *args: object) -> str:
        change = real_store(self, *args)  # type: ignore[arg-type]
        os.kill(os.getpid(), signal.SIGINT)  # as if Ctrl-C was pressed while the first item was written
        return change

    monkeypatch.setattr(Follower, "_store", store_then_interrupt)
    follow_feeds([server.url("/news.xml")], tmp_path / "ix", tmp_path / "corpus", indexed.append, lines.append)
    assert "Stopping after the current item (Ctrl-C again to quit at once)." in lines
    assert lines[-1] == "Stopped; 1 item(s) fetched are indexed at the next start (or by `news-search index`)."
    assert indexed == []
    assert len(list((tmp_path / "corpus" / "feeds").rglob("*.json"))) == 1
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler is put back
    monkeypatch.setattr(Follower, "_store", real_store)
    outcomes = follow_feeds([server.url("/news.xml")], tmp_path / "ix", tmp_path / "corpus", indexed.append,
                            lines.append, once=True)  # fmt: skip
    assert (outcomes[0].new, outcomes[0].unchanged) == (3, 1)  # no 304: the stopped run kept no validators
    assert len(indexed) == 1 and len(indexed[0]) == 4


def test_cli_once_indexes_new_items_and_a_restart_respects_the_schedule(
    server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(follow_module, "HOST_GAP", 0.0)
    server.routes["/news.xml"] = Reply(body=rss(("volcker", STORIES["volcker"][1])))
    args = ["follow", server.url("/news.xml"), server.url("/missing.xml"), "--once", "--timeout", "2s"]
    args += ["--index-dir", str(tmp_path / "ix"), "--spool", str(tmp_path / "spool")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert f"{server.url('/news.xml')}: 1 new, 0 updated, 0 unchanged; next poll in 10 min" in result.output
    assert f"{server.url('/missing.xml')}: failed (HTTP 404; failure 1); next poll in 10 min" in result.output
    assert "added 1" in result.output
    assert Indexer(tmp_path / "ix").titles("dollar") == ["Volcker warns on dollar"]
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0 and again.output.count(": not due; next poll in") == 2
    assert server.paths() == ["/news.xml", "/missing.xml"]
    only_bad = CliRunner().invoke(cli, [*args[:1], server.url("/gone.xml"), *args[3:]])
    assert only_bad.exit_code == 1 and "Every feed failed this round" in only_bad.output
    bad = CliRunner().invoke(cli, ["follow", "file:///etc/passwd", "--once"])
    assert bad.exit_code == 1 and "not an http(s) URL" in bad.output
    bad = CliRunner().invoke(cli, ["follow", server.url("/news.xml"), "--every", "5 minutes"])
    assert bad.exit_code == 1 and "is not a duration like 30s, 10m or 1h" in bad.output


def test_one_follower_per_state_file(server: FeedServer, tmp_path: Path, clock: Clock) -> None:
    one = follower(server, tmp_path, clock, "/news.xml")
    (tmp_path / "ix").mkdir()
    with filelock.FileLock(f"{tmp_path / 'ix' / 'follow-state.json'}.lock", timeout=0), pytest.raises(FollowerBusy):
        one.run(lambda paths: None, once=True)


def test_durations() -> None:
    assert [parse_duration(text) for text in ("10m", "90s", "1h30m", "2.5h", "45", "0s")] == [
        600, 90, 5400, 9000, 45, 0
    ]  # fmt: skip
    for bad in ("", "10 minutes", "m", "-5s", "1d"):
        with pytest.raises(ValueError):
            parse_duration(bad)
