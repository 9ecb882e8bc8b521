"""Entity extraction on a real Dask cluster: a ``dask scheduler`` and ``dask worker`` processes on loopback,
started the way the README says, each worker with its own NLTK_DATA in its environment.

The cluster's index must be the local index, document by document; a worker killed mid-run must cost
nothing; an unreachable scheduler, a cluster without workers and workers without news-search or without the
NLTK models must each be one clear message naming the fix.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index

from search.cli import cli
from search.indexing import cluster as cluster_module
from search.indexing import schema
from search.indexing.cluster import ClusterError, chunks, normalize_address
from search.indexing.indexer import Progress, build_index
from search.ingest import read_file
from search.models import Article, IndexReport

from support import NLTK_DATA, REUTERS, ROOT, stored_documents

DASK = Path(sys.executable).with_name("dask")
NEWS_SEARCH = Path(sys.executable).with_name("news-search")
START_TIMEOUT = 60.0
REUTERS_STORIES = 100
BLOCK_SEARCH = """\
import sys

class _NoNewsSearch:  # this worker's Python has no news-search installed
    def find_spec(self, name, path=None, target=None):
        if name == "search" or name.startswith("search."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NoNewsSearch())
"""

slow = pytest.mark.slow
needs_distributed = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None, reason="the `cluster` extra is not installed"
)


# -- a real cluster ---------------------------------------------------------------------------------


class Cluster:
    """A ``dask scheduler`` subprocess and its ``dask worker`` subprocesses (no nanny: a killed worker stays dead)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.workers: list[subprocess.Popen] = []
        folder.mkdir(parents=True, exist_ok=True)
        scheduler_file = folder / "scheduler.json"
        self.scheduler = self._spawn(
            "scheduler",
            [
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(scheduler_file),
            ],
            os.environ.copy(),
        )
        deadline = time.monotonic() + START_TIMEOUT
        while not scheduler_file.exists() or not scheduler_file.read_text().strip():
            assert self.scheduler.poll() is None, self.log("scheduler")
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.1)
        time.sleep(0.2)  # the file is written in one go, but let it be flushed
        self.address: str = json.loads(scheduler_file.read_text())["address"]

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        with (self.folder / f"{name}.log").open("w") as log:
            return subprocess.Popen(
                [str(DASK), *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.folder,
                start_new_session=True,
            )

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def add_worker(self, nltk_data: Path = NLTK_DATA, preload: str | None = None) -> subprocess.Popen:
        """One worker process with one thread, NLTK_DATA set in its own environment (as on a worker machine)."""
        env = {**os.environ, "NLTK_DATA": str(nltk_data), "HOME": str(self.folder)}
        name = f"worker-{len(self.workers)}"
        args = ["worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", name]
        args += ["--local-directory", str(self.folder / name)]
        if preload:
            path = self.folder / f"{name}_preload.py"
            path.write_text(preload)
            args += ["--preload", str(path)]
        worker = self._spawn(name, args, env)
        self.workers.append(worker)
        return worker

    def wait_for_workers(self, n: int) -> None:
        import distributed

        with distributed.Client(self.address, set_as_default=False, timeout=START_TIMEOUT) as client:
            client.wait_for_workers(n, timeout=START_TIMEOUT)

    def stop(self) -> None:
        """The workers first (a worker whose scheduler vanishes while it closes can hang), then the scheduler."""
        for group in (self.workers, [self.scheduler]):
            for process in group:
                if process.poll() is None:
                    process.terminate()
            for process in group:
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@contextmanager
def running_cluster(folder: Path, workers: int = 0) -> Iterator[Cluster]:
    cluster = Cluster(folder)
    try:
        for _ in range(workers):
            cluster.add_worker()
        if workers:
            cluster.wait_for_workers(workers)
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A scheduler and two one-thread worker processes on loopback, for the module."""
    with running_cluster(tmp_path_factory.mktemp("dask"), workers=2) as cluster:
        yield cluster


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A few articles per task, so that a few dozen stories make many tasks spread over both workers."""
    monkeypatch.setattr(cluster_module, "CHUNK_CHARS", 1500)


@pytest.fixture(scope="module")
def corpus(sample_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus (every format, broken files included) plus the first Reuters-21578 stories with a
    body, as JSON Lines: about a hundred stories, enough for local worker processes and many cluster tasks."""
    root = tmp_path_factory.mktemp("cluster-corpus") / "corpus"
    shutil.copytree(sample_corpus, root / "sample")
    stories = [a for a in read_file(REUTERS / "reut2-000.sgm", REUTERS).articles if a.body][:REUTERS_STORIES]
    records = [
        {"id": a.id, "title": a.title, "body": a.body, "date": a.published.isoformat() if a.published else None}
        for a in stories
    ]
    (root / "reuters.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def local_index(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, IndexReport]:
    """The corpus indexed by local worker processes: what the cluster must reproduce."""
    target = tmp_path_factory.mktemp("local") / "index"
    return target, build_index([corpus], target, workers=2)


def entity_terms(index_dir: Path) -> dict[str, set]:
    """Every indexed term of the entity fields (person/country/org, their words fields, mentions)."""
    ix = whoosh_index.open_dir(str(index_dir))
    try:
        with ix.reader() as reader:
            names = [n for n in ix.schema.names() if n.startswith(("person", "country", "org", schema.MENTIONS))]
            names = [n for n in names if ix.schema[n].format is not None]  # the stored-only ones: compared stored
            return {name: set(reader.lexicon(name)) for name in names}
    finally:
        ix.close()


def assert_same_index(local: Path, remote: Path) -> None:
    mine, theirs = stored_documents(local), stored_documents(remote)
    assert sorted(theirs) == sorted(mine)
    for article_id, fields in mine.items():
        assert theirs[article_id] == fields, article_id  # every stored field: entities, about flags, mentions...
    assert entity_terms(remote) == entity_terms(local)


# -- the same index, with or without a worker lost ---------------------------------------------------


@slow
@needs_distributed
def test_cluster_index_is_the_local_index(
    two_workers: Cluster, local_index: tuple[Path, IndexReport], corpus: Path, tmp_path: Path, small_chunks: None
) -> None:
    local_dir, local_report = local_index
    report = build_index([corpus], tmp_path / "index", cluster=two_workers.address)
    assert (report.read, report.added, report.failed) == (local_report.read, local_report.added, local_report.failed)
    assert report.added > 100
    assert_same_index(local_dir, tmp_path / "index")
    import distributed

    from search.indexing import pipeline

    with distributed.Client(two_workers.address, set_as_default=False) as client:
        built = client.run(lambda: pipeline._extractor is not None)
    assert list(built.values()) == [True, True], "both workers extracted (and kept their extractor)"


class _KillOnFirstResult(Progress):
    """The indexer's progress bar: from the first extracted article on, SIGKILL the busiest worker as soon as one
    has tasks in hand."""

    def __init__(self, cluster: Cluster) -> None:
        import distributed

        self.cluster = cluster
        self.client = distributed.Client(cluster.address, set_as_default=False)
        self.pids = self.client.run(os.getpid)
        self.killed: tuple[str, int, int] | None = None

    def __call__(self, total: int, desc: str) -> Progress:
        return self if desc == "indexing" else Progress()

    def update(self, n: int = 1) -> None:
        if self.killed is None:
            processing = self.client.processing()
            victim = max(processing, key=lambda worker: len(processing[worker]))
            if not processing[victim]:  # the corpus is read as chunks are sent: wait until one is in hand
                return
            os.kill(self.pids[victim], signal.SIGKILL)
            self.killed = (victim, self.pids[victim], len(processing[victim]))


@slow
@needs_distributed
def test_a_worker_killed_mid_run_loses_nothing(
    local_index: tuple[Path, IndexReport], corpus: Path, tmp_path: Path, small_chunks: None
) -> None:
    with running_cluster(tmp_path / "dask", workers=2) as cluster:
        killer = _KillOnFirstResult(cluster)
        try:
            report = build_index([corpus], tmp_path / "index", cluster=cluster.address, progress=killer)
        finally:
            killer.client.close()
        assert killer.killed is not None
        victim, pid, tasks = killer.killed
        assert tasks >= 1, "the killed worker had work in hand"
        assert [w.poll() is None for w in cluster.workers if w.pid != pid] == [True], "the other worker lives on"
        assert next(w for w in cluster.workers if w.pid == pid).poll() == -signal.SIGKILL
        assert f"Remove worker addr: {victim}" in cluster.log("scheduler")
    assert report.failed == local_index[1].failed
    assert_same_index(local_index[0], tmp_path / "index")


class _KillSchedulerOnFirstResult(Progress):
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    def __call__(self, total: int, desc: str) -> Progress:
        return self if desc == "indexing" else Progress()

    def update(self, n: int = 1) -> None:
        if self.cluster.scheduler.poll() is None:
            self.cluster.scheduler.kill()


@slow
@needs_distributed
def test_a_scheduler_lost_mid_run_is_one_clear_error(corpus: Path, tmp_path: Path, small_chunks: None) -> None:
    with running_cluster(tmp_path / "dask", workers=1) as cluster:
        started = time.monotonic()
        with pytest.raises(ClusterError) as caught:
            build_index(
                [corpus], tmp_path / "index", cluster=cluster.address, progress=_KillSchedulerOnFirstResult(cluster)
            )
        assert time.monotonic() - started < 60
    assert caught.value.message.startswith(f"Lost the cluster at {cluster.address} (")
    assert "Run `news-search index` again when it is back" in caught.value.message


# -- clear errors ------------------------------------------------------------------------------------


@needs_distributed
def test_an_unreachable_scheduler_is_one_clear_error(sample_corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(ClusterError) as caught:
        build_index([sample_corpus], tmp_path / "index", cluster="tcp://127.0.0.1:1")
    assert caught.value.message.startswith("Can't reach the cluster at tcp://127.0.0.1:1: Connection refused.")
    assert "dask scheduler" in caught.value.message


@needs_distributed
@pytest.mark.parametrize("how", ["option", "environment"])
def test_cli_with_an_unreachable_cluster_exits_1_with_one_line(how: str, sample_corpus: Path, tmp_path: Path) -> None:
    env = {**os.environ, "NLTK_DATA": str(NLTK_DATA)}
    args = [str(NEWS_SEARCH), "index", str(sample_corpus), "--index-dir", str(tmp_path / "index")]
    if how == "option":
        args += ["--cluster", "tcp://127.0.0.1:1"]
    else:
        env["NEWS_SEARCH_CLUSTER"] = "127.0.0.1:1"
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "Error: Can't reach the cluster at tcp://127.0.0.1:1: Connection refused. Is `dask scheduler` running "
        "there (and the port open from this machine)?"
    ]
    assert not (tmp_path / "index").exists(), "checked before the corpus is read or the index created"


def test_cli_refuses_workers_with_a_cluster(sample_corpus: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["index", str(sample_corpus), "--index-dir", str(tmp_path), "--workers", "2", "--cluster", "h:1"]
    )
    assert result.exit_code == 2
    assert "--workers sets local processes" in result.output


@slow
@needs_distributed
def test_workers_that_cannot_extract_are_named_with_the_fix(
    sample_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster_module, "NO_WORKERS_TIMEOUT", 1.0)
    with running_cluster(tmp_path / "dask") as cluster:
        with pytest.raises(ClusterError, match=r"has no workers \(waited 1 s\)\. Start some with `dask worker tcp://"):
            build_index([sample_corpus], tmp_path / "index", cluster=cluster.address)
        empty = tmp_path / "no-nltk-data"
        empty.mkdir()
        cluster.add_worker(nltk_data=empty)
        cluster.add_worker(preload=BLOCK_SEARCH)
        cluster.wait_for_workers(2)
        with pytest.raises(ClusterError) as caught:
            build_index([sample_corpus], tmp_path / "index", cluster=cluster.address)
    message = caught.value.message
    assert message.startswith(f"Workers of the cluster at {cluster.address} can't extract entities: ")
    assert "news-search is not installed (No module named 'search')" in message
    assert f"NLTK models missing (NLTK_DATA={empty}): punkt_tab" in message
    assert "pip install 'news-search==" in message and "`news-search setup`" in message
    assert "\n" not in message


# -- addresses and chunks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "address"),
    [
        ("tcp://10.0.0.5:8786", "tcp://10.0.0.5:8786"),
        ("10.0.0.5:9000", "tcp://10.0.0.5:9000"),
        ("scheduler.example.org", "tcp://scheduler.example.org:8786"),
        (" tls://[::1]:8786 ", "tls://[::1]:8786"),
        ("tls://[::1]", "tls://[::1]:8786"),
    ],
)
def test_addresses_get_dasks_form(given: str, address: str) -> None:
    assert normalize_address(given) == address


def test_chunks_hold_about_a_seconds_work_and_cover_every_article(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster_module, "CHUNK_CHARS", 1000)
    monkeypatch.setattr(cluster_module, "CHUNK_MAX", 5)
    articles = [Article(id=str(n), title="t", body="x" * (n * 100)) for n in range(20)]
    spans = list(chunks(iter(articles)))
    assert [a for span in spans for a in span] == articles
    assert all(len(span) <= 5 for span in spans)
    assert all(sum(len(a.body) + 1 for a in span[:-1]) < 1000 for span in spans)
    assert list(chunks([])) == []


def test_without_distributed_the_message_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(ClusterError, match=r"pip install 'news-search\[cluster\]'"):
        cluster_module.check_cluster("tcp://127.0.0.1:1")
