"""The indexer end to end: formats in, counts out, incremental updates, broken files, locking."""

from __future__ import annotations

import errno
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from search.errors import IndexLocked, IndexWriteFailed, MissingResource
from search.indexing import schema
from search.indexing.indexer import build_index
from search.indexing.opening import LOCK_FILE
from search.indexing.writer import CHECKPOINT_EVERY, CHECKPOINT_GROWTH, checkpoint_due

from support import SHARED, stored_documents

SEED = SHARED / "corpora" / "seed" / "000_f00f6371fd1e7e98.txt"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    write(
        root / "budget.txt",
        "Merkel presents budget\n\nChancellor Angela Merkel of Germany presented "
        "the 2019 budget in Berlin on Tuesday. Merkel said spending would rise.\n",
    )
    write(
        root / "wire" / "items.jsonl",
        "\n".join(
            [
                json.dumps(
                    {
                        "id": "w1",
                        "title": "Oil prices rise",
                        "body": "OPEC ministers met in Vienna. Saudi Arabia backed a cut.",
                        "date": "2019-03-01T10:00:00Z",
                    }
                ),
                "{not json",
                json.dumps(
                    {
                        "id": "w2",
                        "title": "Yen firms",
                        "body": "TOKYO, March 3 - The yen firmed against the dollar, dealers said.",
                        "date": "1987-03-03",
                    }
                ),
            ]
        )
        + "\n",
    )
    (root / "broken.txt").write_bytes(b"\x00\x01\x02binary\xff\xfe" * 50)
    return root


def test_first_run_indexes_every_valid_article_and_reports_broken_input(corpus: Path, tmp_path: Path) -> None:
    report = build_index([corpus], tmp_path / "ix", workers=1)
    docs = stored_documents(tmp_path / "ix")
    assert report.read == 3 and report.added == 3 and report.unchanged == 0
    assert set(docs) == {"w1", "w2", next(i for i in docs if i not in {"w1", "w2"})}
    problems = " ".join(f"{path}: {reason}" for path, reason in report.failed)
    assert "items.jsonl" in problems and "broken.txt" in problems
    assert len(report.failed) == 2
    assert docs["w1"][schema.FACET_FIELDS["country"]].split(",").count("Saudi Arabia") == 1
    assert "OPEC" in docs["w1"][schema.FACET_FIELDS["org"]].split(",")
    assert docs["w2"][schema.DATE].year == 1987


def test_rerun_with_nothing_changed_writes_nothing(corpus: Path, tmp_path: Path) -> None:
    build_index([corpus], tmp_path / "ix", workers=1)
    generation = whoosh_index.open_dir(str(tmp_path / "ix")).latest_generation()
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert (report.read, report.added, report.updated, report.unchanged, report.removed) == (3, 0, 0, 3, 0)
    assert whoosh_index.open_dir(str(tmp_path / "ix")).latest_generation() == generation


def test_a_run_that_only_deletes_commits_the_deletion(corpus: Path, tmp_path: Path) -> None:
    build_index([corpus], tmp_path / "ix", workers=1)
    (corpus / "budget.txt").unlink()
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert (report.added, report.updated, report.unchanged, report.removed) == (0, 0, 2, 1)
    assert set(stored_documents(tmp_path / "ix")) == {"w1", "w2"}
    persons = json.loads((tmp_path / "ix" / "persons.json").read_text(encoding="utf-8"))
    assert "Angela Merkel" not in json.dumps(persons), "the registry forgot the deleted article's persons"


def test_a_full_disk_is_a_clear_error_and_loses_nothing(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from search.cli import cli
    from search.indexing import writer

    build_index([corpus], tmp_path / "ix", workers=1)
    before = stored_documents(tmp_path / "ix")
    write(corpus / "new.txt", "Putin visits Paris\n\nRussian President Vladimir Putin arrived in Paris.\n")

    def no_space(self, item) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writer.HeldBack, "append", no_space)  # the story names a person: it is held back
    with pytest.raises(IndexWriteFailed, match=r"No space left on device.*keeps its last commit"):
        build_index([corpus], tmp_path / "ix", workers=1)
    result = CliRunner().invoke(cli, ["index", str(corpus), "--index-dir", str(tmp_path / "ix"), "--workers", "1"])
    assert result.exit_code == 1 and "Error: Could not write to the index folder" in result.output
    assert "Traceback" not in result.output
    assert stored_documents(tmp_path / "ix") == before
    monkeypatch.undo()
    report = build_index([corpus], tmp_path / "ix", workers=1)  # the lock was released; the story comes in now
    assert (report.added, report.unchanged) == (1, 3)


def test_added_changed_and_deleted_files_are_applied(corpus: Path, tmp_path: Path) -> None:
    build_index([corpus], tmp_path / "ix", workers=1)
    write(corpus / "new.txt", "Putin visits Paris\n\nRussian President Vladimir Putin arrived in Paris.\n")
    write(corpus / "budget.txt", "Merkel withdraws budget\n\nAngela Merkel withdrew the budget.\n")
    (corpus / "wire" / "items.jsonl").write_text(
        json.dumps(
            {
                "id": "w1",
                "title": "Oil prices rise",
                "body": "OPEC ministers met in Vienna. Saudi Arabia backed a cut.",
                "date": "2019-03-01T10:00:00Z",
            }
        )
        + "\n",
        encoding="utf-8",
    )  # w2 removed from the file
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert (report.added, report.updated, report.unchanged, report.removed) == (1, 1, 1, 1)
    docs = stored_documents(tmp_path / "ix")
    assert "w2" not in docs
    titles = {d[schema.TITLE] for d in docs.values()}
    assert {"Merkel withdraws budget", "Putin visits Paris", "Oil prices rise"} == titles
    putin = next(d for d in docs.values() if d[schema.TITLE] == "Putin visits Paris")
    assert putin[schema.FACET_FIELDS["person"]] == "Vladimir Putin"

    (corpus / "new.txt").unlink()
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert report.removed == 1 and len(stored_documents(tmp_path / "ix")) == 2


def test_unreadable_file_keeps_its_articles(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    """A transient read error must not delete what the index already has from that file."""
    build_index([corpus], tmp_path / "ix", workers=1)
    import search.ingest.corpus as corpus_module

    original = corpus_module._read_bytes
    monkeypatch.setattr(
        corpus_module,
        "_read_bytes",
        lambda path: (None, "permission denied") if path.name == "budget.txt" else original(path),
    )
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert report.removed == 0 and len(stored_documents(tmp_path / "ix")) == 3
    assert any("permission denied" in reason for _, reason in report.failed)


def test_rebuild_starts_over(corpus: Path, tmp_path: Path) -> None:
    build_index([corpus], tmp_path / "ix", workers=1)
    shutil.rmtree(corpus / "wire")
    report = build_index([corpus], tmp_path / "ix", workers=1, rebuild=True)
    assert report.added == 1 and len(stored_documents(tmp_path / "ix")) == 1


def test_worker_processes_give_the_same_index_as_one_process(tmp_path: Path) -> None:
    root = tmp_path / "many"
    for i in range(80):  # above the in-process threshold, so the pool really runs
        write(
            root / f"a{i:03}.txt",
            f"Story {i}\n\nPrime Minister Benjamin Netanyahu spoke in Jerusalem "
            f"about Iran on day {i}. Netanyahu met U.S. officials.\n",
        )
    build_index([root], tmp_path / "one", workers=1)
    build_index([root], tmp_path / "two", workers=2)
    one, two = stored_documents(tmp_path / "one"), stored_documents(tmp_path / "two")
    assert one.keys() == two.keys() and len(one) == 80
    for key in one:
        assert (
            one[key][schema.FACET_FIELDS["person"]] == two[key][schema.FACET_FIELDS["person"]] == "Benjamin Netanyahu"
        )
        assert one[key][schema.FACET_FIELDS["country"]] == two[key][schema.FACET_FIELDS["country"]]


def test_large_runs_commit_in_checkpoints_but_rebuilds_commit_once(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("search.indexing.writer.CHECKPOINT_EVERY", 1)
    build_index([corpus], tmp_path / "ix", workers=1)
    checkpoints = whoosh_index.open_dir(str(tmp_path / "ix")).latest_generation()
    assert checkpoints >= 3 and len(stored_documents(tmp_path / "ix")) == 3  # one commit per document, then the last
    build_index([corpus], tmp_path / "ix", workers=1, rebuild=True)
    assert whoosh_index.open_dir(str(tmp_path / "ix")).latest_generation() == checkpoints + 1
    assert len(stored_documents(tmp_path / "ix")) == 3


def test_checkpoints_space_out_as_a_long_run_grows() -> None:
    commits, pending, committed = [], 0, 0
    for _ in range(1_000_000):
        pending += 1
        if checkpoint_due(pending, committed):
            commits.append(pending)
            committed, pending = committed + pending, 0
    assert commits[:5] == [CHECKPOINT_EVERY] * 5
    assert 30 <= len(commits) <= 60  # evenly spaced, it would be 166 (each one saves the growing registry)
    assert max(commits) <= CHECKPOINT_GROWTH * 1_000_000 + 1


def hold_lock(index_dir: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the indexer lock, as a second `news-search index` would."""
    code = (
        f"import filelock, sys, time; lock = filelock.FileLock({str(index_dir / LOCK_FILE)!r}); "
        f"lock.acquire(); print('locked', flush=True); time.sleep({seconds})"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_second_indexer_exits_with_a_clear_message(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    index_dir.mkdir()
    holder = hold_lock(index_dir, 30)
    try:
        with pytest.raises(IndexLocked, match="Another `news-search index` is writing"):
            build_index([corpus], index_dir, workers=1)
        assert not whoosh_index.exists_in(str(index_dir))
    finally:
        holder.kill()
        holder.wait()


def test_second_indexer_can_wait_for_the_first(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    index_dir.mkdir()
    holder = hold_lock(index_dir, 1)
    started = time.monotonic()
    report = build_index([corpus], index_dir, workers=1, wait=30)
    assert report.added == 3 and time.monotonic() - started >= 0.5
    holder.wait()


def test_missing_nltk_resource_stops_before_any_work(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    def missing() -> None:
        raise MissingResource("maxent_ne_chunker_tab")

    monkeypatch.setattr("search.indexing.indexer.ensure_resources", missing)
    with pytest.raises(MissingResource, match="news-search setup"):
        build_index([corpus], tmp_path / "ix", workers=1)
    assert not (tmp_path / "ix").exists()


@pytest.mark.skipif(not SEED.exists(), reason="needs ../shared/corpora/seed")
def test_seed_article_facets_come_out_exactly_right(tmp_path: Path) -> None:
    build_index([SEED], tmp_path / "ix", workers=1)
    (doc,) = stored_documents(tmp_path / "ix").values()
    persons = set(doc[schema.FACET_FIELDS["person"]].split(","))
    assert persons - {"Igor Konashenko"} == {
        "Aharon Haliva",
        "Benjamin Netanyahu",
        "Vladimir Putin",
        "Israel Katz",
        "Igor Konashenkov",
    }
    assert {"Israel", "Russia", "Syria", "Lebanon", "Iran"} <= set(doc[schema.FACET_FIELDS["country"]].split(","))
    assert "IDF" in doc[schema.FACET_FIELDS["org"]].split(",")
    # its lead's "December 10th" takes its year from the quoted tweet's "December 10, 2018"
    assert doc[schema.DATE].date().isoformat() == "2018-12-10" and doc[schema.DATE_SOURCE] == "text"


def test_passing_full_names_still_resolve_lone_surnames_elsewhere(tmp_path: Path) -> None:
    """Two stories name Paul Volcker once, late, in passing (named, but not what they are about); a third says
    only "Volcker said": the corpus-wide registry learnt the full name from the first two."""
    filler = " ".join(f"Dealers said trading was quiet on day {n}." for n in range(1, 8))
    for n in (1, 2):
        write(
            tmp_path / "c" / f"late{n}.txt",
            f"Dollar steady\n\nThe dollar was steady in Tokyo. {filler} "
            "Traders will watch a speech by Fed chairman Paul Volcker next week.\n",
        )
    write(tmp_path / "c" / "lone.txt", "Fed view\n\nVolcker said the dollar had fallen enough.\n")
    build_index([tmp_path / "c"], tmp_path / "ix", workers=1)
    docs = {doc[schema.PATH].split("/")[-1]: doc for doc in stored_documents(tmp_path / "ix").values()}
    named = {path: doc[schema.FACET_FIELDS["person"]] for path, doc in docs.items()}
    about = {path: doc["person_about"] for path, doc in docs.items()}
    assert named == {"late1.txt": "Paul Volcker", "late2.txt": "Paul Volcker", "lone.txt": "Paul Volcker"}
    assert about == {"late1.txt": "", "late2.txt": "", "lone.txt": "Paul Volcker"}


def test_deleted_articles_leave_the_person_registry(tmp_path: Path) -> None:
    """The registry counts the articles in the index: once one of the two stories naming Paul Volcker
    is deleted, a changed "Volcker said" story no longer resolves to him (one mention is no evidence)."""
    for n in (1, 2):
        write(tmp_path / "c" / f"fed{n}.txt", f"Fed story {n}\n\nFed chairman Paul Volcker spoke on day {n}.\n")
    write(tmp_path / "c" / "lone.txt", "Fed view\n\nVolcker said the dollar had fallen enough.\n")
    build_index([tmp_path / "c"], tmp_path / "ix", workers=1)
    assert "Paul Volcker" in {
        doc[schema.FACET_FIELDS["person"]]
        for doc in stored_documents(tmp_path / "ix").values()
        if doc[schema.PATH].endswith("lone.txt")
    }
    (tmp_path / "c" / "fed2.txt").unlink()
    write(tmp_path / "c" / "lone.txt", "Fed view\n\nVolcker said the dollar had fallen far enough.\n")
    report = build_index([tmp_path / "c"], tmp_path / "ix", workers=1)
    assert (report.removed, report.updated) == (1, 1)
    persons = {
        doc[schema.PATH].split("/")[-1]: doc[schema.FACET_FIELDS["person"]]
        for doc in stored_documents(tmp_path / "ix").values()
    }
    assert persons == {"fed1.txt": "Paul Volcker", "lone.txt": ""}


def test_a_broken_person_registry_is_started_over(tmp_path: Path, caplog) -> None:
    write(tmp_path / "c" / "a.txt", "Fed view\n\nFed chairman Paul Volcker spoke.\n")
    build_index([tmp_path / "c"], tmp_path / "ix", workers=1)
    (tmp_path / "ix" / "persons.json").write_text('{"min_count": 2, "min_share": 0.5, "articles": {"a": 5}}')
    write(tmp_path / "c" / "b.txt", "Fed again\n\nVolcker said the dollar had fallen enough.\n")
    report = build_index([tmp_path / "c"], tmp_path / "ix", workers=1)
    assert (report.added, report.unchanged, report.failed) == (1, 1, [])
    assert "persons.json is unreadable" in caplog.text
    assert json.loads((tmp_path / "ix" / "persons.json").read_text())["articles"]


def test_non_news_files_are_skipped_and_empty_records_are_not_failures(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    readme = write(corpus / "README.txt", "About this collection\n\nStories from the 2004 summit.\n")
    write(corpus / "LICENSE.md.txt", "Free for research use.\n")
    write(
        corpus / "stories.jsonl", '{"id": "s1", "title": "Treaty agreed", "body": "Leaders agreed."}\n{"title": ""}\n'
    )
    report = build_index([readme], tmp_path / "ix", workers=1)  # named on the command line: read
    assert (report.added, report.skipped) == (1, [])
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert (report.read, report.added, report.removed, report.failed) == (1, 1, 1, [])  # README's article goes
    assert report.skipped == [str((corpus / "LICENSE.md.txt").resolve()), str(readme.resolve())]
    assert report.empty == [(str((corpus / "stories.jsonl").resolve()), "line 2")]
    assert set(stored_documents(tmp_path / "ix")) == {"s1"}


REUTERS_000 = SHARED / "corpora" / "reuters21578" / "reut2-000.sgm"

# Known stories of reut2-000.sgm: the editors' PEOPLE / PLACES labels as our canonical names, plus an
# organisation the story is about.
KNOWN_STORIES = {
    "reuters-203": ({"Paul Volcker"}, {"United States"}, {"Federal Reserve"}),
    "reuters-180": ({"Richard Lyng"}, {"United States", "Soviet Union"}, set()),
    "reuters-63": ({"Michael Wilson"}, {"Canada"}, set()),
    "reuters-227": ({"Paul Keating"}, {"Australia"}, set()),
    "reuters-28": ({"Ronald Reagan"}, {"United States"}, {"White House"}),
}


@pytest.mark.slow
@pytest.mark.skipif(not REUTERS_000.exists(), reason="needs ../shared/corpora/reuters21578")
def test_reuters_slice_has_the_facets_of_known_stories(tmp_path: Path) -> None:
    report = build_index([REUTERS_000], tmp_path / "ix", workers=2)
    assert report.read == report.added == 1000 and not report.failed
    docs = stored_documents(tmp_path / "ix")
    assert len(docs) == 1000
    for article_id, (persons, countries, orgs) in KNOWN_STORIES.items():
        doc = docs[article_id]
        assert persons <= set(doc[schema.FACET_FIELDS["person"]].split(",")), article_id
        assert countries <= set(doc[schema.FACET_FIELDS["country"]].split(",")), article_id
        assert orgs <= set(doc[schema.FACET_FIELDS["org"]].split(",")), article_id
        assert doc[schema.DATE].year == 1987 and doc[schema.MONTH] in {"1987-02", "1987-03"}
    assert docs["reuters-1"][schema.TITLE] == "BAHIA COCOA REVIEW"


def test_what_the_index_holds_is_read_from_the_saved_segment_data(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    """Reading a million stored documents to compare content hashes took 44 s of every incremental run."""
    from whoosh.reading import SegmentReader

    from search.indexing.indexer import _stored_state

    build_index([corpus], tmp_path / "ix", workers=1)
    (corpus / "budget.txt").unlink()
    build_index([corpus], tmp_path / "ix", workers=1)  # a deletion in a saved segment
    ix = whoosh_index.open_dir(str(tmp_path / "ix"))
    with ix.reader() as reader:
        expected = {f[schema.ID_FIELD]: (f[schema.HASH], f[schema.PATH]) for f in reader.all_stored_fields()}

    def unread(*args, **kwargs):
        raise AssertionError("a stored document was read")

    monkeypatch.setattr(SegmentReader, "stored_fields", unread)
    assert _stored_state(ix, tmp_path / "ix") == expected and set(expected) == {"w1", "w2"}


def test_a_deleted_story_counts_in_no_facet_filter_or_language(corpus: Path, tmp_path: Path) -> None:
    """A generation keeps the facet entries of deleted stories (no copy of every entry per commit): every
    count, selection and exclusion must still see only live stories."""
    from search.models import SearchRequest
    from search.retrieve import open_index

    build_index([corpus], tmp_path / "ix", workers=1)
    (corpus / "budget.txt").unlink()
    build_index([corpus], tmp_path / "ix", workers=1)
    news = open_index(tmp_path / "ix")
    with news.searcher() as searcher:
        page = searcher.search(SearchRequest(q=""))
        assert page.total == 2
        assert "Angela Merkel" not in {value.value for value in page.facets["person"]}
        assert "Germany" not in {value.value for value in page.facets["country"]}
        for mentions in ("any", "about"):
            chosen = SearchRequest(q="", filters={"person": ("Angela Merkel",)}, mentions=mentions)
            assert searcher.search(chosen).total == 0
        assert searcher.search(SearchRequest(q="", excludes={"person": ("Angela Merkel",)})).total == 2
        table = searcher._gen.facets["person"]
        assert "Angela Merkel" in [table.values[v] for v in table.entry_val.tolist()], "its entry is still there"
    news.close()


def test_a_plain_run_rewrites_what_the_rest_of_the_corpus_settles_and_ends_as_a_rebuild(tmp_path: Path) -> None:
    """A plain run writes a story that names persons as it arrives, resolved against the corpus read so far,
    and rewrites it at the end when the rest of the corpus changed its persons (here a lone "Volcker" read
    before the stories naming Paul Volcker, and "Wells Fargo" read before the story showing it is a firm); a
    rebuild holds such stories back. Both end with the same stories, once each."""
    from whoosh import index as whoosh_index

    corpus = tmp_path / "c"
    write(corpus / "a-lone.txt", "Fed view\n\nVolcker said the dollar had fallen enough.\n")
    write(corpus / "a-vague.txt", "Bank cuts\n\nWells Fargo said it would cut jobs. Chairman Carl Reichardt spoke.\n")
    for n in (1, 2):
        write(corpus / f"b-fed{n}.txt", f"Fed story {n}\n\nFed chairman Paul Volcker spoke on day {n}.\n")
    write(corpus / "b-firm.txt", "Bank results\n\nWells Fargo and Co said profits rose.\n")
    build_index([corpus], tmp_path / "plain", workers=1)
    build_index([corpus], tmp_path / "rebuilt", workers=1, rebuild=True)
    plain, rebuilt = stored_documents(tmp_path / "plain"), stored_documents(tmp_path / "rebuilt")
    persons = {doc[schema.PATH].split("/")[-1]: doc[schema.FACET_FIELDS["person"]] for doc in plain.values()}
    assert persons["a-lone.txt"] == "Paul Volcker" and persons["a-vague.txt"] == "Carl Reichardt"
    assert plain == rebuilt
    ix = whoosh_index.open_dir(str(tmp_path / "plain"))
    try:
        with ix.searcher() as searcher:
            assert searcher.doc_count() == len(plain) == 5  # the first versions are deleted
            assert searcher.doc_count_all() == 7
    finally:
        ix.close()
