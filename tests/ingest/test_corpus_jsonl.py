"""JSON and JSON Lines articles: key aliases, ids, dates, and bad lines reported while the rest is read."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from search.ingest import FileResult, read_file
from search.ingest.base import hashed_id
from search.models import Article

from support import DATA


def read(tmp_path: Path, content: str, name: str) -> FileResult:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return read_file(path, tmp_path)


def test_jsonl_records_exactly(tmp_path: Path) -> None:
    lines = [
        {
            "id": "wire-1",
            "title": "Trudeau meets Macron",
            "body": "Justin Trudeau met Emmanuel Macron.\nThey talked.",
            "date": "2020-01-20",
            "url": "https://example.org/a",
            "source": "Example Wire",
        },
        {"title": "Rates held", "text": "The bank held rates.", "published_at": 1577836800},
        {"content": "Kenya and Ethiopia signed an accord on 5 June 2021. The AU welcomed it.", "published": None},
    ]
    result = read(tmp_path, "\n".join(json.dumps(line) for line in lines) + "\n", "wire.jsonl")
    path = str((tmp_path / "wire.jsonl").resolve())
    assert result.problems == []
    assert result.articles == [
        Article(
            id="wire-1",
            title="Trudeau meets Macron",
            body="Justin Trudeau met Emmanuel Macron.\n\nThey talked.",
            published=datetime(2020, 1, 20, tzinfo=timezone.utc),
            date_source="metadata",
            source="Example Wire",
            url="https://example.org/a",
            path=path,
        ),
        Article(
            id=hashed_id("wire.jsonl", "line 2"),
            title="Rates held",
            body="The bank held rates.",
            published=datetime(2020, 1, 1, tzinfo=timezone.utc),
            date_source="metadata",
            path=path,
        ),
        Article(
            id=hashed_id("wire.jsonl", "line 3"),
            title="Kenya and Ethiopia signed an accord on 5 June 2021.",
            body="Kenya and Ethiopia signed an accord on 5 June 2021. The AU welcomed it.",
            published=datetime(2021, 6, 5, tzinfo=timezone.utc),
            date_source="text",
            path=path,
        ),
    ]


def test_invalid_lines_are_reported_and_the_others_read(tmp_path: Path) -> None:
    content = "\n".join(
        [
            '{"title": "First", "body": "One."}',
            '{"title": "Broken", "body": "never closed"',
            "",
            '["a list"]',
            '"a string"',
            '{"title": ["wrong"], "body": "Body only.", "url": 42, "id": {"x": 1}}',
            '{"title": "", "body": "  "}',
            '{"title": "Last", "body": "Two."}',
        ]
    )
    result = read(tmp_path, content, "mixed.jsonl")
    assert [a.title for a in result.articles] == ["First", "Body only.", "Last"]
    assert result.articles[1].id == hashed_id("mixed.jsonl", "line 6")
    assert result.problems == [
        "line 2: invalid JSON (Expecting ',' delimiter at column 43)",
        "line 4: expected a JSON object, got a list",
        "line 5: expected a JSON object, got a string",
        "line 6: 'title' must be a string, got a list; ignored",
        "line 6: 'url' must be a string, got a number; ignored",
        "line 6: 'id' must be a string, got an object; ignored",
    ]
    assert result.empty == ["line 7"]  # nothing to index, but nothing wrong with the file either


@pytest.mark.parametrize(
    "document",
    [
        {"articles": [{"title": "A", "body": "Alpha."}, {"title": "B", "body": "Beta."}]},
        [{"title": "A", "body": "Alpha."}, {"title": "B", "body": "Beta."}],
    ],
)
def test_json_list_forms(tmp_path: Path, document: object) -> None:
    result = read(tmp_path, json.dumps(document), "batch.json")
    assert [(a.id, a.title, a.body) for a in result.articles] == [
        (hashed_id("batch.json", "item 1"), "A", "Alpha."),
        (hashed_id("batch.json", "item 2"), "B", "Beta."),
    ]


def test_json_single_object(tmp_path: Path) -> None:
    result = read(tmp_path, json.dumps({"id": 7, "title": "Solo", "content": "Only one."}), "solo.json")
    assert [(a.id, a.title, a.body) for a in result.articles] == [("7", "Solo", "Only one.")]


@pytest.mark.parametrize(
    "content, problem",
    [
        ("{not json", "invalid JSON (Expecting property name enclosed in double quotes at column 2)"),
        ('{"a": 1,\n"b": }', "invalid JSON (Expecting value at line 2)"),
        ("42", "document: expected a JSON object, got a number"),
        ("[" * 100000 + "]" * 100000, "invalid JSON (nested too deeply)"),
    ],
)
def test_bad_json_documents(tmp_path: Path, content: str, problem: str) -> None:
    assert read(tmp_path, content, "bad.json").problems == [problem]


@pytest.mark.parametrize(
    "raw_id, expected",
    [
        ("wire-2020.001_a", "wire-2020.001_a"),
        (12345, "12345"),
        ("bad id/with slash", hashed_id("id", "bad id/with slash")),
        ("x" * 65, hashed_id("id", "x" * 65)),
        ("..", hashed_id("id", "..")),
        ("<script>", hashed_id("id", "<script>")),
    ],
)
def test_ids_are_url_safe(tmp_path: Path, raw_id: object, expected: str) -> None:
    [article] = read(tmp_path, json.dumps({"id": raw_id, "title": "T", "body": "B."}), "one.json").articles
    assert article.id == expected


def test_duplicate_ids_in_one_file_keep_the_first(tmp_path: Path) -> None:
    content = '{"id": "x1", "title": "First"}\n{"id": "x1", "title": "Second"}\n'
    result = read(tmp_path, content, "dups.jsonl")
    assert [a.title for a in result.articles] == ["First"]
    assert result.problems == ["line 2: duplicate id 'x1' in this file; skipped"]


def test_bad_date_and_unsafe_url_are_reported_and_dropped(tmp_path: Path) -> None:
    content = json.dumps(
        {"title": "T", "body": "Signed on 4 May 2020.", "date": "someday", "url": "javascript:alert(1)"}
    )
    result = read(tmp_path, content, "one.jsonl")
    [article] = result.articles
    assert (article.url, article.published, article.date_source) == (
        "",
        datetime(2020, 5, 4, tzinfo=timezone.utc),
        "text",
    )  # the text's date is the fallback
    assert result.problems == [
        "line 1: unrecognised date 'someday'; ignored",
        "line 1: URL 'javascript:alert(1)' is not an http(s) URL; ignored",
    ]


def test_lone_surrogates_from_json_escapes_are_removed(tmp_path: Path) -> None:
    [article] = read(tmp_path, '{"title": "Bad \\ud800 char", "body": "Text \\udfff here."}', "s.jsonl").articles
    assert (article.title, article.body) == ("Bad char", "Text here.")


def test_shipped_samples() -> None:
    mixed = read_file(DATA / "wire-mixed.jsonl", DATA)
    assert next(a.id for a in mixed.articles) == "wire-2020-001"
    assert len(mixed.articles) == 4
    assert mixed.problems == [
        "line 3: invalid JSON (Expecting ',' delimiter at column 89)",
        "line 6: expected a JSON object, got a list",
        "line 7: 'title' must be a string, got a list; ignored",
    ]
    briefs = read_file(DATA / "world-briefs.json", DATA)
    assert [a.title for a in briefs.articles] == [
        "India and Pakistan reopen border crossing",
        "Mexico City hosts climate summit",
    ]
    assert briefs.articles[0].published == datetime(2020, 1, 1, tzinfo=timezone.utc)
    assert len(briefs.problems) == 2 and briefs.empty == ["item 2"]  # {"title": "", "body": ""}


def test_future_metadata_date_is_refused_and_the_lead_date_is_used(tmp_path: Path) -> None:
    record = {
        "title": "Treaty signed",
        "body": "Leaders signed the treaty on 29 October 2004 in Rome.",
        "date": "2999-01-01",
    }
    result = read(tmp_path, json.dumps(record), "one.jsonl")
    [article] = result.articles
    assert (article.published, article.date_source) == (datetime(2004, 10, 29, tzinfo=timezone.utc), "text")
    assert result.problems == ["line 1: date '2999-01-01' is in the future; ignored"]
