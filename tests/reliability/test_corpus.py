"""Broken corpus files are reported and skipped, and every valid article is still indexed.

One corpus holds valid articles in every format beside every kind of broken input: binary, an unknown
encoding, empty, a 100 MB file (sparse, so it costs no disk), malformed JSON lines, truncated SGML, a
symlink loop, and a file and a folder that can't be read (the tests run as root, so permission errors
are simulated). The number of documents in the index must equal the number of valid articles put in,
counted by construction here, not by asking the readers. A README (not news) and a record with no title
and no text are neither indexed nor failures: they are counted as skipped and empty.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

import search.ingest.corpus
from search.indexing import schema
from search.indexing.indexer import build_index

from support import REUTERS

BIG_BYTES = 100 * 1024 * 1024


def reuters_records(start: int, stop: int) -> list[bytes]:
    data = (REUTERS / "reut2-000.sgm").read_bytes()
    records = [chunk[chunk.index(b"<REUTERS") :] + b"</REUTERS>\n" for chunk in data.split(b"</REUTERS>")[:-1]]
    chosen = records[start:stop]
    assert all(b"<TITLE>" in r for r in chosen)  # each one is a valid article
    return chosen


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def build_corpus(root: Path) -> tuple[int, dict[str, str]]:
    """Write the corpus; return (valid articles, {broken file name: words its problem must contain})."""
    valid = 0
    write(
        root / "good" / "budget.txt",
        "Merkel presents budget\n\nChancellor Angela Merkel presented the budget in Berlin on Tuesday.\n",
    )
    write(
        root / "good" / "cafe.txt",
        "Caf\xe9 prices in S\xe3o Paulo\n\nBrazilian caf\xe9 exporters said prices rose.\n".encode("latin-1")
        .decode("latin-1")
        .encode("cp1252"),
    )  # not UTF-8: read leniently
    valid += 2
    lines = [
        json.dumps(
            {
                "id": f"wire-{i}",
                "title": f"Wire story {i}",
                "body": f"Oil story number {i} from Vienna, where OPEC ministers met.",
                "date": "2019-03-01",
            }
        )
        for i in range(3)
    ]
    write(
        root / "good" / "wire.jsonl",
        "\n".join([lines[0], "{not json", lines[1], "[1, 2", "42", lines[2], '{"id": "x", "title": 7}']) + "\n",
    )
    valid += 3
    write(root / "good" / "reuters.sgm", b"".join(reuters_records(0, 5)))
    valid += 5
    write(root / "good" / "README.txt", "About this corpus\n\nTest stories, written for this test.\n")
    write(root / "good" / "briefs.json", json.dumps([{"title": "Brief", "body": "Oil rose."}, {"title": " "}]))
    valid += 1
    truncated = b"".join(reuters_records(5, 8))
    write(root / "broken" / "truncated.sgm", truncated[: truncated.rindex(b"<BODY>") + 40])  # 2 whole records
    valid += 2
    broken = {
        "truncated.sgm": "record",
        "binary.txt": "binary",
        "garbage.txt": "",
        "empty.txt": "empty",
        "empty.jsonl": "empty",
        "big.txt": "too large",
        "malformed.jsonl": "invalid JSON",
        "unreadable.txt": "permission denied",
        "locked": "can't list folder",
        "loop": "symlink loop",
    }
    write(root / "broken" / "binary.txt", bytes(range(256)) * 64)
    write(root / "broken" / "garbage.txt", bytes((i * 37 + 128) % 256 for i in range(4000)))
    write(root / "broken" / "empty.txt", b"")
    write(root / "broken" / "empty.jsonl", b"\n\n  \n")
    with open(root / "broken" / "big.txt", "wb") as handle:
        handle.truncate(BIG_BYTES)  # sparse: 100 MB long, no blocks written
    write(root / "broken" / "malformed.jsonl", '{"id": "a", "title": "open\n{{{\n"\\x"\n')
    write(root / "broken" / "unreadable.txt", "Secret\n\nThis file can't be read by the indexer.\n")
    write(root / "broken" / "locked" / "hidden.txt", "Hidden\n\nThis folder can't be listed.\n")
    os.symlink("..", root / "broken" / "loop")
    return valid, broken


@pytest.fixture
def no_permission(monkeypatch):
    """As root every file is readable: make ``unreadable.txt`` and the ``locked`` folder fail as EACCES."""
    real_open, real_scandir = open, os.scandir

    def guarded_open(path, *args, **kwargs):
        if Path(path).name == "unreadable.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    def guarded_scandir(path="."):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(search.ingest.corpus, "open", guarded_open, raising=False)
    monkeypatch.setattr(search.ingest.corpus.os, "scandir", guarded_scandir)


def test_broken_files_are_reported_and_every_valid_article_is_indexed(tmp_path: Path, no_permission) -> None:
    corpus = tmp_path / "corpus"
    valid, broken = build_corpus(corpus)
    assert os.stat(corpus / "broken" / "big.txt").st_size == BIG_BYTES

    report = build_index([corpus], tmp_path / "ix", workers=1)

    ix = whoosh_index.open_dir(str(tmp_path / "ix"))
    with ix.reader() as reader:
        ids = [fields[schema.ID_FIELD] for fields in reader.all_stored_fields()]
        assert reader.doc_count() == len(ids) == len(set(ids)) == valid == report.added
    ix.close()
    assert {"wire-0", "wire-1", "wire-2"} <= set(ids)
    assert report.read == valid
    for name, words in broken.items():
        problems = [reason for path, reason in report.failed if Path(path).name == name]
        assert problems, f"{name} was not reported"
        assert any(words in reason for reason in problems), (name, problems)
    wire_problems = [reason for path, reason in report.failed if path.endswith("wire.jsonl")]
    bad_lines = {reason.split(":")[0] for reason in wire_problems}
    assert bad_lines == {"line 2", "line 4", "line 5", "line 7"}  # "{not json", "[1, 2", "42", title 7
    assert not any(path.endswith(("budget.txt", "cafe.txt", "reuters.sgm")) for path, _ in report.failed)
    assert not any(path.endswith(("README.txt", "briefs.json")) for path, _ in report.failed)
    assert report.skipped == [str((corpus / "good" / "README.txt").resolve())]
    # briefs.json's {"title": " "} and wire.jsonl's line 7 (its title, 7, dropped as not a string) are empty
    good = (corpus / "good").resolve()
    assert report.empty == [(str(good / "briefs.json"), "item 2"), (str(good / "wire.jsonl"), "line 7")]


def test_broken_files_through_the_cli_exit_cleanly_and_list_each_problem(tmp_path: Path, no_permission) -> None:
    from click.testing import CliRunner

    from search.cli import cli

    corpus = tmp_path / "corpus"
    valid, broken = build_corpus(corpus)
    result = CliRunner().invoke(cli, ["index", str(corpus), "--index-dir", str(tmp_path / "ix"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert f"added {valid}," in result.stdout
    assert ", empty 2, skipped 1 non-news file (README.txt), failed " in result.stdout
    assert "Traceback" not in result.output
    for name in broken:
        assert f"/{name}: " in result.stderr
