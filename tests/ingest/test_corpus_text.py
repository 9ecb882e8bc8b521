"""Plain-text articles: header block, title line, first-sentence titles, paragraphs, encodings, bad files."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from search.ingest import FileResult, corpus, read_file
from search.ingest.base import hashed_id, title_from_body
from search.models import Article

from support import DATA, SHARED


def read(tmp_path: Path, content: str | bytes, name: str = "story.txt") -> FileResult:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return read_file(path, tmp_path)


def test_header_block_title_line_and_paragraphs(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        (
            "TITLE: Budget approved\n"
            "date: 2019-03-14T09:30:00Z\n"
            "Url: https://news.example.org/budget\n"
            "Source:   Example   Wire \n"
            "\n"
            "The parliament approved the budget\n"
            "on Thursday   after a long debate.\n"
            "\n\n"
            "\tThe opposition voted against it.\n"
        ),
    )
    assert result == FileResult(
        path=str((tmp_path / "story.txt").resolve()),
        problems=[],
        articles=[
            Article(
                id=hashed_id("story.txt", ""),
                title="Budget approved",
                body="The parliament approved the budget on Thursday after a long debate.\n\n"
                "The opposition voted against it.",
                published=datetime(2019, 3, 14, 9, 30, tzinfo=timezone.utc),
                date_source="metadata",
                source="Example Wire",
                url="https://news.example.org/budget",
                path=str((tmp_path / "story.txt").resolve()),
            )
        ],
    )


def test_first_line_followed_by_blank_line_is_the_title(tmp_path: Path) -> None:
    [article] = read(tmp_path, "Japan steps up warnings on yen\n\nTOKYO, October 2, 2018 - The yen fell.\n").articles
    assert (article.title, article.body) == ("Japan steps up warnings on yen", "TOKYO, October 2, 2018 - The yen fell.")
    assert (article.published, article.date_source) == (datetime(2018, 10, 2, tzinfo=timezone.utc), "dateline")


def test_without_title_line_the_first_sentence_is_the_title(tmp_path: Path) -> None:
    text = (
        "Maj. Gen. Aharon Haliva will visit Moscow on Dec. 11. He will lead the delegation.\n"
        "Officials confirmed the trip.\n"
    )
    [article] = read(tmp_path, text).articles
    assert article.title == "Maj. Gen. Aharon Haliva will visit Moscow on Dec. 11."
    # no blank line anywhere: one paragraph per line, and the body keeps the title sentence
    assert article.body == (
        "Maj. Gen. Aharon Haliva will visit Moscow on Dec. 11. He will lead the delegation."
        "\n\nOfficials confirmed the trip."
    )
    assert (article.published, article.date_source) == (None, "")


def test_a_header_lookalike_is_text_when_a_line_is_not_a_known_key(tmp_path: Path) -> None:
    [article] = read(tmp_path, "Title: Real title\nNote: not a header key\n\nBody text here.\n").articles
    assert article.title == "Title: Real title Note: not a header key"
    assert article.body == "Title: Real title Note: not a header key\n\nBody text here."


def test_very_long_first_sentence_is_cut_at_a_word_boundary() -> None:
    body = "word " * 100 + "end."
    title = title_from_body(body)
    assert len(title) <= 201 and title.endswith("\u2026") and title[:-1] == ("word " * 40).strip()


def test_seed_article(tmp_path: Path) -> None:
    seed = SHARED / "corpora" / "seed" / "000_f00f6371fd1e7e98.txt"
    [article] = read_file(seed, seed.parent).articles
    assert article.title == (
        "On December 11th, a delegation of IDF officers will visit Moscow to hoold a meeting "
        "with the Russian side, the Israeli Defense Forces announced over Twitter on "
        "December 10th."
    )
    # the lead's "December 10th" takes its year from the quoted tweet's "December 10, 2018" further down
    assert (article.published.date().isoformat(), article.date_source) == ("2018-12-10", "text")
    assert article.id == hashed_id("000_f00f6371fd1e7e98.txt", "") == read_file(seed, seed.parent).articles[0].id
    assert article.body.count("\n\n") == seed.read_text(encoding="utf-8").strip().count("\n")


def test_control_characters_and_odd_whitespace_are_cleaned(tmp_path: Path) -> None:
    [article] = read(tmp_path, "Head\u200bline\x07\n\nA\u00a0b\tc\x03  d\r\ne\u2028\n").articles
    assert article.title == "Headline"
    assert article.body == "A b c d\n\ne"


@pytest.mark.parametrize(
    "content, encoding",
    [
        ("\ufeffCaf\u00e9 story\n\nNa\u00efve text \u2014 fine.", "utf-8"),  # UTF-8 with BOM
        ("Caf\u00e9 story\n\nNa\u00efve text \u2014 fine.", "cp1252"),
        ("Caf\u00e9 story\n\nNa\u00efve text \u2014 fine.", "utf-16"),  # has a BOM
    ],
)
def test_encodings(tmp_path: Path, content: str, encoding: str) -> None:
    [article] = read(tmp_path, content.encode(encoding)).articles
    assert (article.title, article.body) == ("Caf\u00e9 story", "Na\u00efve text \u2014 fine.")


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "empty file"),
        (b"  \n\n \t\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file (contains NUL bytes)"),
        (bytes(range(1, 32)) * 20, "binary file (mostly control characters)"),
        (bytes(range(0x80, 0xA0)) * 20, "not text: not UTF-8 and mostly unprintable in cp1252/Latin-1"),
    ],
)
def test_bad_files_are_problems_not_errors(tmp_path: Path, content: bytes, problem: str) -> None:
    result = read(tmp_path, content)
    assert (result.articles, result.problems) == ([], [problem])


def test_shipped_broken_samples(tmp_path: Path) -> None:
    assert read_file(DATA / "corrupt-binary.txt", DATA).problems == ["binary file (contains NUL bytes)"]
    assert read_file(DATA / "empty.txt", DATA).problems == ["empty file"]


def test_file_over_the_size_cap_is_skipped_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:  # sparse: 100 MB on paper, nothing on disk
        handle.truncate(100 * 1024 * 1024)
    result = read_file(path, tmp_path)
    assert result.articles == []
    assert result.problems == ["file too large (104.9 MB; the limit is 52 MB): split it into smaller files"]


def test_size_cap_is_a_module_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "MAX_FILE_BYTES", 10)
    assert read(tmp_path, "Title\n\nA body longer than ten bytes.").problems[0].startswith("file too large")


def test_unreadable_file_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Title\n\nBody.", encoding="utf-8")
    real_open = open

    def deny(file, *args, **kwargs):  # tests run as root, where chmod 000 does not stop reading
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    assert read_file(path, tmp_path) == FileResult(path=str(path.resolve()), problems=["permission denied"])


def test_missing_and_unsupported_files(tmp_path: Path) -> None:
    assert read_file(tmp_path / "gone.txt", tmp_path).problems == ["can't read: No such file or directory"]
    (tmp_path / "notes.docx").write_bytes(b"PK")
    assert read_file(tmp_path / "notes.docx", tmp_path).problems == [
        "unsupported file type '.docx' (supported: .txt, .json, .jsonl, .sgm, .html, .htm, "
        ".xml, .nitf, .rss, .atom, .warc, .warc.gz)"
    ]


def test_ids_are_stable_and_depend_on_the_path_below_the_root(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in ("a", "b"):
        (tmp_path / folder / "same.txt").write_text("Same\n\nSame text.", encoding="utf-8")
    first = read_file(tmp_path / "a" / "same.txt", tmp_path).articles[0].id
    assert first == read_file(tmp_path / "a" / "same.txt", tmp_path).articles[0].id == hashed_id("a/same.txt", "")
    assert first != read_file(tmp_path / "b" / "same.txt", tmp_path).articles[0].id
    assert len(first) == 16 and first.isalnum()


def test_undated_story_takes_no_date_from_deep_in_its_body(tmp_path: Path) -> None:
    story = (
        "Leaders agree on treaty text\n\n"
        "European Union leaders agreed on the text of a new constitutional treaty on Friday after two days "
        "of talks, diplomats said.\n\n"
        "Member states must ratify the treaty by July 15, 2006.\n\n"
        "The European Movement, founded on March 3, 1920, called the deal a victory.\n"
    )
    [article] = read(tmp_path, story).articles
    assert (article.published, article.date_source) == (None, "")  # unknown, not the deadline or 1920
