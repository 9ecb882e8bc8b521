"""Entity extraction on a Dask distributed cluster: ``news-search index --cluster tcp://HOST:8786``.

A real ``dask scheduler`` and its ``dask worker`` processes (the ``cluster`` extra). Only extraction leaves
this machine: the corpus is read here (it must be readable where the writer runs); articles go to the
workers in chunks of about a second of work, at most ``IN_FLIGHT_PER_THREAD`` chunks per worker thread at a
time, results are taken as they complete; each worker runs the local workers' function
(``pipeline.prepare_chunk``, handed in by ``pipeline.extract_entities``), which builds its ``EntityExtractor``
once per process. The plan, the single Whoosh writer and the corpus-wide registries stay here, unchanged.

Workers need their own install: news-search of the writer's version and the NLTK models (``news-search
setup`` on their machine, or ``NLTK_DATA`` in the environment they are started with; nothing of the
writer's environment is forwarded). Every worker is checked before any work is sent. A dead worker's
chunks go to the others (a chunk that kills ``distributed.scheduler.allowed-failures`` workers is reported
as failed articles, which the next run retries); a chunk whose task raises is retried ``RETRIES`` times.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import contextmanager, suppress
from typing import Any

from search.entities.nlp import missing_resources
from search.errors import SearchError
from search.models import Article, Entities
from search.settings import installed_version

logger = logging.getLogger(__name__)

DEFAULT_PORT = 8786  # dask scheduler's
CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler that accepts TCP connections
NO_WORKERS_TIMEOUT = 60.0  # seconds the cluster may have no worker before the run gives up
CHUNK_CHARS = 50_000  # characters per task: about a second of extraction on one core
CHUNK_MAX = 500  # articles per task, however short
IN_FLIGHT_PER_THREAD = 4
RETRIES = 2
POLL_SECONDS = 0.05
WATCH_SECONDS = 5.0

Outcome = tuple[tuple[Entities, dict[str, Any]] | None, str | None]
ChunkFunction = Callable[[Sequence[Article]], list[Outcome]]
Result = tuple[Article, tuple[Entities, dict[str, Any]] | None, str | None]


class ClusterError(SearchError):
    """The cluster can't be reached, has no usable workers, or was lost mid-run."""

    status = 503
    code = "cluster_error"


def lost_cluster(address: str, reason: object) -> ClusterError:
    detail = str(reason) or type(reason).__name__
    return ClusterError(
        f"Lost the cluster at {address} ({detail}). Run `news-search index` again when it is back: "
        "what was committed is kept, unchanged articles are skipped."
    )


def extract_on_cluster(articles: Iterable[Article], address: str, prepare_chunk: ChunkFunction) -> Iterator[Result]:
    """Yield ``(article, (entities, document), None)`` or ``(article, None, error)`` for every article, in
    completion order, running ``prepare_chunk`` on the workers of the scheduler at ``address``.

    ``articles`` is read as chunks are sent, at most ``IN_FLIGHT_PER_THREAD`` per worker thread ahead."""
    spans = chunks(articles)
    first = next(spans, None)
    if first is None:
        return
    with _session(address) as (distributed, client, address):
        yield from _run(distributed, client, address, itertools.chain([first], spans), prepare_chunk)


def check_cluster(address: str) -> str:
    """Raise ClusterError unless the scheduler at ``address`` answers and has workers that can extract;
    return the address as Dask writes it. (The CLI calls it before reading the corpus.)"""
    with _session(address) as (_, _, address):
        return address


@contextmanager
def _session(address: str) -> Iterator[tuple[Any, Any, str]]:
    """``(distributed, client, address)`` for a reachable cluster whose workers have passed the check."""
    distributed = _import_distributed()
    address = normalize_address(address)
    _probe(address)
    with _quiet_dask():
        try:
            client = distributed.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False, name="news-search")
        except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, a TLS or protocol error: all "not there"
            raise ClusterError(f"Can't reach the cluster at {address}: {exc}") from None
        try:
            check_workers(client, address)
            yield distributed, client, address
        finally:
            client.close()


@contextmanager
def _quiet_dask() -> Iterator[None]:
    """Hush Dask's own logging for the session unless news-search logs at INFO (``news-search -v``): a lost
    scheduler makes its client log every reconnection attempt with a traceback, and the run reports the
    outcome itself, as one ClusterError."""
    if logger.isEnabledFor(logging.INFO):
        yield
        return
    names = ["distributed"] + [n for n in logging.root.manager.loggerDict if n.startswith("distributed.")]
    levels = {name: logging.getLogger(name).level for name in names}  # distributed.client has its own
    for name, level in levels.items():
        if level or name == "distributed":
            logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def normalize_address(address: str) -> str:
    """``HOST`` / ``HOST:PORT`` / ``tcp://HOST:PORT`` as Dask's ``tcp://HOST:PORT`` (port 8786 by default)."""
    address = address.strip()
    if "://" not in address:
        address = "tcp://" + address
    scheme, _, location = address.partition("://")
    if not location:
        raise ClusterError(f"{address!r} is not a cluster address like tcp://HOST:{DEFAULT_PORT}.")
    host, sep, port = location.rpartition(":")
    if scheme in ("tcp", "tls") and not (sep and port.isdigit() and not host.endswith(":")):  # "::1": no port
        location = f"{location}:{DEFAULT_PORT}"
    return f"{scheme}://{location}"


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise ClusterError(
            "Extraction on a cluster needs the `distributed` package: pip install 'news-search[cluster]'."
        ) from None
    return distributed


def _probe(address: str) -> None:
    """Fail at once, with the reason, when nothing listens at a tcp:// or tls:// address (Dask itself only
    says "timed out" after retrying a refused connection for the whole connect timeout)."""
    scheme, _, location = address.partition("://")
    if scheme not in ("tcp", "tls"):
        return
    host, _, port = location.rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT).close()
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ClusterError(
            f"Can't reach the cluster at {address}: {reason}. Is `dask scheduler` running there "
            "(and the port open from this machine)?"
        ) from None


# -- the workers' install -------------------------------------------------------------------------


def setup_hint() -> str:
    wanted = f"news-search=={installed_version()}" if installed_version() else "news-search"
    return (
        f"Every worker needs `pip install '{wanted}'` (the version of this indexer) and the NLTK models "
        "(`news-search setup` on its machine, or NLTK_DATA in the environment it is started with)."
    )


def worker_status() -> dict[str, Any]:
    """Run on each worker: its news-search version, missing NLTK models and NLTK_DATA."""
    return {
        "version": installed_version(),
        "missing": missing_resources(),
        "nltk_data": os.environ.get("NLTK_DATA", ""),
    }


def check_workers(client, address: str) -> None:
    """Raise ClusterError unless the cluster has a worker and every worker has this version and the models."""
    try:
        client.wait_for_workers(1, timeout=NO_WORKERS_TIMEOUT)
        statuses = client.run(worker_status, on_error="return")
    except Exception as exc:  # noqa: BLE001 - a timeout, or the scheduler gone (OSError, CancelledError...)
        if client.status != "running":
            raise lost_cluster(address, exc) from None
        raise ClusterError(
            f"The cluster at {address} has no workers (waited {NO_WORKERS_TIMEOUT:.0f} s). Start some with "
            f"`dask worker {address} --nthreads 1` where news-search is installed."
        ) from None
    problems = [
        f"{worker}: {problem}"
        for worker, status in sorted(statuses.items())
        if (problem := _problem(status)) is not None
    ]
    if problems:
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        raise ClusterError(f"Workers of the cluster at {address} can't extract entities: {shown}. {setup_hint()}")


def _problem(status: object) -> str | None:
    if isinstance(status, BaseException):
        return _describe(status)
    assert isinstance(status, dict)
    if status["version"] != installed_version():
        return f"news-search {status['version'] or '(not installed)'}, not {installed_version()}"
    if status["missing"]:
        where = f" (NLTK_DATA={status['nltk_data']})" if status["nltk_data"] else ""
        return f"NLTK models missing{where}: {', '.join(status['missing'])}"
    return None


def _describe(exc: BaseException) -> str:
    """A worker-side failure in a few words: news-search missing, else the exception itself."""
    message = str(exc).splitlines()[0].rstrip(".") if str(exc) else ""
    if "No module named 'search" in message or (isinstance(exc, ImportError) and exc.name == "search"):
        return "news-search is not installed (No module named 'search')"
    return f"{type(exc).__name__}: {message}"


# -- the run ----------------------------------------------------------------------------------------


def chunks(articles: Iterable[Article]) -> Iterator[list[Article]]:
    """The articles in chunks of about ``CHUNK_CHARS`` characters (at most ``CHUNK_MAX`` articles) each, taken
    from ``articles`` only as the chunks are asked for (the indexer reads its corpus while it writes)."""
    chunk: list[Article] = []
    size = 0
    for article in articles:
        chunk.append(article)
        size += len(article.title) + len(article.body)
        if size >= CHUNK_CHARS or len(chunk) >= CHUNK_MAX:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _run(distributed, client, address: str, spans: Iterator[list[Article]], prepare: ChunkFunction) -> Iterator[Result]:
    run = uuid.uuid4().hex[:8]
    pending: dict[Any, list[Article]] = {}
    submitted = 0
    done = distributed.as_completed(loop=client.loop)
    watch = _Watch(client, address)

    def top_up() -> None:
        watch.refresh_now_and_then()  # workers come and go: keep 4 chunks per thread of those there now
        nonlocal submitted
        while len(pending) < watch.in_flight and (chunk := next(spans, None)) is not None:
            future = client.submit(
                prepare, chunk, key=f"news-search-extract-{run}-{submitted}", pure=False, retries=RETRIES
            )
            submitted += 1
            pending[future] = chunk
            done.add(future)

    try:
        top_up()
        while pending:
            batch = done.next_batch(block=False)
            if not batch:
                watch.idle(len(pending))
                time.sleep(POLL_SECONDS)
                continue
            for future in batch:
                yield from _results(future, pending.pop(future), address)
            top_up()
    finally:
        if pending:
            with suppress(Exception):  # a lost scheduler has nothing left to cancel
                client.cancel(list(pending))


def _results(future, chunk: list[Article], address: str) -> Iterator[Result]:
    try:
        if future.status == "finished":
            outcomes, exc = future.result(), None
        else:
            outcomes, exc = None, future.exception()  # raises CancelledError for a cancelled task
    except (OSError, CancelledError) as lost:  # the scheduler (or the worker holding the result) is gone
        raise lost_cluster(address, lost) from None
    except Exception as unreadable:  # noqa: BLE001 - a result this process can't unpickle: another version
        raise ClusterError(
            f"Can't read the results of the cluster at {address}: {_describe(unreadable)}. {setup_hint()}"
        ) from None
    if outcomes is not None:
        for article, (prepared, error) in zip(chunk, outcomes, strict=True):
            yield article, prepared, error
        return
    if type(exc).__name__ == "KilledWorker":  # the chunk took allowed-failures workers down with it
        logger.warning("%d articles killed every worker that ran them: %s", len(chunk), exc)
        for article in chunk:
            yield article, None, f"the cluster's workers died extracting it ({type(exc).__name__})"
        return
    if exc is None:  # neither a result nor an error: the scheduler went away with it
        raise lost_cluster(address, f"the scheduler dropped the run's tasks: {future.status}")
    raise ClusterError(f"Workers of the cluster at {address} can't extract entities: {_describe(exc)}. {setup_hint()}")


class _Watch:
    """How many chunks to keep in flight (4 per worker thread), and the run's end when no worker is left."""

    def __init__(self, client, address: str) -> None:
        self._client, self._address = client, address
        self._checked = self._workerless_since = 0.0
        self.in_flight = IN_FLIGHT_PER_THREAD
        self._refresh()

    def _refresh(self) -> int:
        try:
            threads = sum(self._client.nthreads().values())
        except OSError as exc:
            raise lost_cluster(self._address, exc) from None
        self.in_flight = max(IN_FLIGHT_PER_THREAD, IN_FLIGHT_PER_THREAD * threads)
        self._checked = time.monotonic()
        return threads

    def refresh_now_and_then(self) -> int | None:
        """The worker threads there are now, looked up at most every ``WATCH_SECONDS`` (else None)."""
        return self._refresh() if time.monotonic() - self._checked >= WATCH_SECONDS else None

    def idle(self, waiting: int) -> None:
        """Called while no result is ready: give up after ``NO_WORKERS_TIMEOUT`` without a worker."""
        threads = self.refresh_now_and_then()
        if threads is None:
            return
        if threads:
            self._workerless_since = 0.0
            return
        self._workerless_since = self._workerless_since or time.monotonic()
        if time.monotonic() - self._workerless_since >= NO_WORKERS_TIMEOUT:
            raise ClusterError(
                f"The cluster at {self._address} has had no workers for {NO_WORKERS_TIMEOUT:.0f} s, with "
                f"{waiting} chunks of articles still to extract. Start workers (`dask worker {self._address}`) "
                "and run the index again."
            )
