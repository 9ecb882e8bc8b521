"""Crash safety and concurrent indexers, with real ``news-search index`` processes.

* ``kill -9`` mid-run (while workers extract, and while Whoosh writes the new segment): the previous
  index still opens and answers, no worker outlives the indexer, no stale lock blocks the next run, and
  that run ends with exactly the articles a clean build has (the valid ones read from the corpus).
* Two indexers at once: without ``--wait`` the second refuses with a one-line message; with ``--wait``
  it queues behind the first. Either way the index holds each id once.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from search.indexing import schema, segments
from search.indexing.indexer import build_index
from search.ingest import discover, read_file
from search.models import SearchRequest
from search.retrieve.index import open_index

from support import ROOT

REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578"
SCRIPT = Path(sys.executable).with_name("news-search")  # the installed console script (pip install -e .)
NEWS_SEARCH = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-c", "from search.cli import cli; cli()"]
LOCK_MESSAGE = "Another `news-search index` is writing to"


def reuters_slice(path: Path, start: int, stop: int, source: str = "reut2-000.sgm") -> Path:
    """Write records ``start:stop`` of one Reuters file as a valid .sgm file of their own."""
    data = (REUTERS / source).read_bytes()
    records = [chunk[chunk.index(b"<REUTERS") :] + b"</REUTERS>\n" for chunk in data.split(b"</REUTERS>")[:-1]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'<!DOCTYPE lewis SYSTEM "lewis.dtd">\n' + b"".join(records[start:stop]))
    return path


def valid_ids(corpus: Path) -> set[str]:
    """The ids a clean build indexes: every article the readers accept (duplicates once)."""
    ids: set[str] = set()
    for path, root in discover([corpus]):
        ids.update(article.id for article in read_file(path, root).articles)
    return ids


def index_ids(index_dir: Path) -> tuple[int, list[str]]:
    """(document count, every stored id) of the index's latest generation."""
    ix = whoosh_index.open_dir(str(index_dir))
    try:
        with ix.reader() as reader:
            return reader.doc_count(), [fields[schema.ID_FIELD] for fields in reader.all_stored_fields()]
    finally:
        ix.close()


def assert_consistent(index_dir: Path, expected: set[str]) -> None:
    count, ids = index_ids(index_dir)
    assert count == len(ids) == len(set(ids)) == len(expected)
    assert set(ids) == expected


def start_indexer(corpus: Path, index_dir: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "NLTK_DATA": str(ROOT.parent / "shared" / "nltk_data")}
    return subprocess.Popen(
        [*NEWS_SEARCH, "index", str(corpus), "--index-dir", str(index_dir), *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen, timeout: float = 180) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    """Running (a zombie that nobody reaped has exited and holds no file)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def wait_for_file(index_dir: Path, suffix: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    """Poll until the running indexer has created a ``*suffix`` file in the index folder."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the indexer finished before the moment the test wanted to kill it"
        if any(name.endswith(suffix) for name in os.listdir(index_dir)):
            return
        time.sleep(0.001)
    pytest.fail(f"no {suffix} file appeared in {timeout} s")


def wait_for_workers(proc: subprocess.Popen, count: int, timeout: float = 120) -> list[int]:
    """Poll until the running indexer has started its extraction worker processes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the indexer finished before its workers were seen"
        workers = children(proc.pid)
        if len(workers) >= count:
            return workers
        time.sleep(0.01)
    pytest.fail(f"the indexer started no {count} workers in {timeout} s")


def answers_a_search(index_dir: Path) -> int:
    index = open_index(index_dir)
    try:
        with index.searcher() as searcher:
            return searcher.search(SearchRequest(q="oil")).total
    finally:
        index.close()


@pytest.fixture(scope="module")
def base_index(tmp_path_factory) -> tuple[Path, Path]:
    """A committed index of 100 Reuters articles, and its corpus (copied by each test)."""
    root = tmp_path_factory.mktemp("base")
    corpus = root / "corpus"
    reuters_slice(corpus / "a.sgm", 0, 100)
    build_index([corpus], root / "ix", workers=1)
    return corpus, root / "ix"


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["extracting", "committing"])
def test_kill_9_mid_run_keeps_the_old_index_and_the_next_run_completes(
    base_index: tuple[Path, Path], tmp_path: Path, moment: str
) -> None:
    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    shutil.copytree(base_index[0], corpus)
    shutil.copytree(base_index[1], index_dir)
    before = index_ids(index_dir)
    hits_before = answers_a_search(index_dir)
    reuters_slice(corpus / "b.sgm", 100, 400)
    expected = valid_ids(corpus)

    proc = start_indexer(corpus, index_dir, "--workers", "2")
    if moment == "extracting":
        workers = wait_for_workers(proc, 2)
        time.sleep(0.5)  # the writer is open; the workers load NLTK, then extract
    else:
        wait_for_file(index_dir, ".col", proc)  # commit: column files come just before the new TOC
        workers = []
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()  # not communicate(): orphaned workers would hold its stdout open

    time.sleep(1.0)  # workers check on their parent every 0.2 s
    assert not any(alive(pid) for pid in workers), "extraction workers outlived the killed indexer"
    proc.communicate()
    assert index_ids(index_dir) == before  # the last commit, untouched
    assert answers_a_search(index_dir) == hits_before > 0

    code, out, err = finish(start_indexer(corpus, index_dir, "--workers", "2"))
    assert code == 0, err
    assert "failed 0." in out and "Traceback" not in err
    assert_consistent(index_dir, expected)
    assert answers_a_search(index_dir) > hits_before
    ours = (".seg", ".toc", "LOCK", ".lock", ".json", segments.FOLDER)
    leftovers = [n for n in os.listdir(index_dir) if not n.endswith(ours)]
    assert leftovers == []  # the killed run's temporary files were cleaned up by the next commit
    assert saved_segment_data(index_dir) == segment_ids(index_dir)  # none left of the killed run's segments


@pytest.mark.slow
def test_two_indexers_at_once_one_refuses_clearly_then_wait_queues(tmp_path: Path) -> None:
    corpus, index_dir = tmp_path / "corpus", tmp_path / "ix"
    reuters_slice(corpus / "a.sgm", 0, 120)
    first, second = (start_indexer(corpus, index_dir, "--workers", "1") for _ in range(2))
    results = sorted([finish(first), finish(second)])
    (ok_code, ok_out, _), (refused_code, refused_out, refused_err) = results
    assert (ok_code, refused_code) == (0, 1)
    assert ok_out.startswith("Indexed into")
    assert refused_out == ""
    assert refused_err.startswith("Error: " + LOCK_MESSAGE) and "--wait" in refused_err
    assert "Traceback" not in refused_err and len(refused_err.strip().splitlines()) == 1
    first_ids = valid_ids(corpus)
    assert_consistent(index_dir, first_ids)

    reuters_slice(corpus / "b.sgm", 120, 180)
    first, second = (start_indexer(corpus, index_dir, "--workers", "1", "--wait", "120") for _ in range(2))
    outputs = sorted(finish(first)[1:2] + finish(second)[1:2])
    expected = valid_ids(corpus)
    added = len(expected - first_ids)
    assert all(out.startswith("Indexed into") for out in outputs)
    assert any(f"added {added}," in out for out in outputs)  # one did the work...
    assert any(
        f"added 0, updated 0, unchanged {len(expected)}," in out for out in outputs
    )  # ...the other found it done
    assert_consistent(index_dir, expected)


def segment_ids(index_dir) -> set[str]:
    ix = whoosh_index.open_dir(str(index_dir))
    try:
        return {segment.segment_id() for segment in ix._segments()}
    finally:
        ix.close()


def saved_segment_data(index_dir) -> set[str]:
    """The saved per-segment folders (not what generations derive from them: groups, vocabularies)."""
    derived = ("groups-", "vocabulary-")
    return {path.name for path in (Path(index_dir) / segments.FOLDER).iterdir() if not path.name.startswith(derived)}
