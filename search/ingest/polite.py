"""A polite HTTP client for following feeds: one request at a time per host, spaced, identified, bounded.

``Client.get`` sends a User-Agent naming news-search and ``Accept-Encoding: gzip``, waits at least
``host_gap`` seconds after the previous request to the same host, gives up after ``timeout`` seconds
without data (and after three times that in all, against a server trickling bytes), refuses bodies over
``MAX_BYTES`` and follows redirects to http(s) URLs only (no ``file:``, ``ftp:`` or ``data:``). It never
raises for network trouble: a ``Response`` carries either a status (304 and 4xx/5xx included) or an error.
urllib is enough for this (no dependency); the clock and the sleeper are injectable for tests. Beside it
are the durations polling deals in: ``retry_after``, ``max_age``, ``parse_duration`` ("10m") and ``human``.
"""

from __future__ import annotations

import email.utils
import gzip
import http.client
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

USER_AGENT = "news-search/0.1 (feed follower; python-urllib)"
MAX_BYTES = 20 * 1024 * 1024  # a feed or page larger than this is refused
MAX_WAIT = 24 * 3600.0  # cap on Retry-After and max-age: a bad header never stops a feed for good
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


@dataclass
class Response:
    """A status with its headers and body, or an ``error`` (timeout, refused connection ...) and no status."""

    status: int = 0
    headers: Message | None = None
    body: bytes = b""
    url: str = ""
    error: str = ""

    def header(self, name: str) -> str:
        return (self.headers.get(name) or "") if self.headers is not None else ""


class Client:
    def __init__(
        self, timeout: float, host_gap: float, clock: Callable[[], float], sleep: Callable[[float], None]
    ) -> None:
        self.timeout, self.host_gap, self.clock, self.sleep = timeout, host_gap, clock, sleep
        self._last_request: dict[str, float] = {}
        self._opener = _opener()

    def get(self, url: str, headers: dict[str, str]) -> Response:
        """One GET, at least ``host_gap`` seconds after the last request to the same host."""
        host = urlsplit(url).netloc.lower()
        last = self._last_request.get(host)
        if last is not None and self.clock() - last < self.host_gap:
            self.sleep(self.host_gap - (self.clock() - last))
        try:
            return self._fetch(url, headers)
        finally:
            self._last_request[host] = self.clock()

    def _fetch(self, url: str, headers: dict[str, str]) -> Response:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip", **headers})
        deadline = time.monotonic() + 3 * self.timeout
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                response = Response(answer.status, answer.headers, _read_limited(answer, deadline), answer.geturl())
        except urllib.error.HTTPError as exc:  # 304 and every 4xx/5xx
            return Response(exc.code, exc.headers, b"", url)
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                return Response(error=f"timed out after {self.timeout:g} s", url=url)
            return Response(error=f"{type(exc).__name__}: {reason}", url=url)
        if response.header("Content-Encoding").lower() == "gzip":
            try:
                response.body = gzip.decompress(response.body)
            except (OSError, EOFError) as exc:
                return Response(error=f"bad gzip body: {exc}", url=url)
        return response


def _opener() -> urllib.request.OpenerDirector:
    """HTTP(S) only, redirects followed (to http/https), no file:, ftp: or data: URLs."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        urllib.request.UnknownHandler(),
    ):
        opener.add_handler(handler)
    return opener


def _read_limited(answer: Any, deadline: float) -> bytes:
    chunks, size = [], 0
    while chunk := answer.read(65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BYTES:
            raise ValueError(f"response larger than {MAX_BYTES // 1_000_000} MB")
        if time.monotonic() > deadline:
            raise TimeoutError("timed out: the response took too long")
    return b"".join(chunks)


def retry_after(value: str, now: float) -> float:
    """Seconds to wait from a Retry-After header (seconds, or an HTTP date), at most ``MAX_WAIT``; 0 when
    absent or unreadable."""
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_WAIT)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return 0.0
    return min(max(0.0, moment.timestamp() - now), MAX_WAIT)


def max_age(cache_control: str) -> float:
    """The ``max-age`` of a Cache-Control header in seconds (at most ``MAX_WAIT``), 0 when it has none."""
    match = _MAX_AGE.search(cache_control)
    return min(float(match.group(1)), MAX_WAIT) if match else 0.0


def parse_duration(text: str) -> float:
    """Seconds in "90s", "10m", "1h", "1h30m" or a bare number of seconds; ValueError otherwise."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([smh])", text)
    if not parts or re.sub(r"\d+(?:\.\d+)?\s*[smh]", "", text).strip():
        raise ValueError(f"{text!r} is not a duration like 30s, 10m or 1h")
    return sum(float(n) * {"s": 1, "m": 60, "h": 3600}[unit] for n, unit in parts)


def human(seconds: float) -> str:
    """A wait as people say it: 45 s, 20 min, 6.0 h."""
    return (
        f"{seconds:.0f} s"
        if seconds < 90
        else f"{seconds / 60:.0f} min"
        if seconds < 5400
        else f"{seconds / 3600:.1f} h"
    )
