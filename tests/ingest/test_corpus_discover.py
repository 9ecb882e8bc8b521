"""Finding corpus files: order, hidden files, symlinks (loops, duplicates), unreadable folders, roots."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.ingest import SUFFIXES, corpus, discover, iter_articles, read_file
from search.ingest.base import is_safe_id


def touch(path: Path, text: str = "Title\n\nBody text.") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def names(pairs: list[tuple[Path, Path]], root: Path) -> list[str]:
    return [file.relative_to(root).as_posix() for file, _ in pairs]


def test_sorted_recursive_supported_only_no_hidden(tmp_path: Path) -> None:
    for name in (
        "b.txt",
        "a.jsonl",
        "sub/z.html",
        "sub/deeper/y.sgm",
        "c.htm",
        "d.json",
        "notes.docx",
        "image.png",
        ".hidden.txt",
        ".git/config.txt",
        "sub/.cache/x.txt",
        "UPPER.TXT",
    ):
        touch(tmp_path / name)
    found = list(discover([tmp_path]))
    # depth first, sorted by name, a folder's files before its subfolders
    assert names(found, tmp_path) == [
        "UPPER.TXT",
        "a.jsonl",
        "b.txt",
        "c.htm",
        "d.json",
        "sub/z.html",
        "sub/deeper/y.sgm",
    ]
    assert all(root == tmp_path for _, root in found)
    assert set(SUFFIXES) == {".txt", ".json", ".jsonl", ".sgm", ".html", ".htm"} | {
        ".xml", ".nitf", ".rss", ".atom", ".warc", ".warc.gz"  # news XML (sniffed) and web archives
    }  # fmt: skip


def test_symlink_loop_is_reported_and_does_not_hang(tmp_path: Path) -> None:
    touch(tmp_path / "a" / "one.txt")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "a" / "up").symlink_to(tmp_path, target_is_directory=True)
    problems: list[tuple[Path, str]] = []
    found = list(discover([tmp_path], on_problem=lambda p, m: problems.append((p, m))))
    assert names(found, tmp_path) == ["a/one.txt"]
    assert problems == [
        (tmp_path / "a" / "loop", "symlink loop (links back to a parent folder); skipped"),
        (tmp_path / "a" / "up", "symlink loop (links back to a parent folder); skipped"),
    ]


def test_self_referencing_file_symlink_is_reported(tmp_path: Path) -> None:
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    problems: list[tuple[Path, str]] = []
    assert list(discover([tmp_path], on_problem=lambda p, m: problems.append((p, m)))) == []
    assert problems == [(tmp_path / "self.txt", "can't open: Too many levels of symbolic links")]
    assert read_file(tmp_path / "self.txt", tmp_path).problems == ["can't read: Too many levels of symbolic links"]


def test_duplicates_through_symlinks_are_read_once(tmp_path: Path) -> None:
    touch(tmp_path / "real" / "story.txt")
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "link.txt").symlink_to(tmp_path / "real" / "story.txt")
    other = tmp_path.parent / (tmp_path.name + "-outside")
    touch(other / "outside.txt")
    (tmp_path / "ext").symlink_to(other, target_is_directory=True)
    found = list(discover([tmp_path, tmp_path / "real", other]))
    # a folder's files come before its subfolders, and the first path to a file wins;
    # "real" is the folder "alias" already walked, and roots already walked add nothing
    assert names(found, tmp_path) == ["link.txt", "ext/outside.txt"]


def test_unreadable_folder_is_reported_and_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path / "ok" / "a.txt")
    touch(tmp_path / "secret" / "b.txt")
    real_scandir = os.scandir

    def scandir(path):  # tests run as root, where chmod 000 does not stop listing
        if Path(path) == tmp_path / "secret":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(corpus.os, "scandir", scandir)
    problems: list[tuple[Path, str]] = []
    found = list(discover([tmp_path], on_problem=lambda p, m: problems.append((p, m))))
    assert names(found, tmp_path) == ["ok/a.txt"]
    assert problems == [(tmp_path / "secret", "can't list folder: Permission denied")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permissions; the monkeypatched test covers this")
def test_unreadable_folder_for_real(tmp_path: Path) -> None:
    touch(tmp_path / "secret" / "b.txt")
    (tmp_path / "secret").chmod(0)
    try:
        problems: list[tuple[Path, str]] = []
        assert list(discover([tmp_path], on_problem=lambda p, m: problems.append((p, m)))) == []
        assert problems == [(tmp_path / "secret", "can't list folder: Permission denied")]
    finally:
        (tmp_path / "secret").chmod(0o755)


def test_roots_that_are_files_missing_or_unsupported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    story = touch(tmp_path / "story.txt")
    touch(tmp_path / "notes.md")
    problems: list[tuple[Path, str]] = []
    found = list(
        discover([story, tmp_path / "missing", tmp_path / "notes.md"], on_problem=lambda p, m: problems.append((p, m)))
    )
    assert found == [(story, story)]
    assert problems == [
        (tmp_path / "missing", "can't open: No such file or directory"),
        (
            tmp_path / "notes.md",
            "unsupported file type (supported: .txt, .json, .jsonl, .sgm, .html, .htm, "
            ".xml, .nitf, .rss, .atom, .warc, .warc.gz)",
        ),
    ]
    assert list(discover([tmp_path / "missing"])) == []  # without a handler: logged
    assert "missing: can't open: No such file or directory" in caplog.text
    assert read_file(story, story).articles[0].id == read_file(story, tmp_path).articles[0].id


def test_readme_license_and_co_in_a_folder_are_skipped_not_read(tmp_path: Path, caplog) -> None:
    for name in (
        "README.txt",
        "readme.html",
        "LICENSE.md.txt",
        "Licence.txt",
        "COPYING.txt",
        "CHANGES.txt",
        "changelog.json",
        "NOTICE.htm",
        "sub/AUTHORS.txt",
        "README",  # no supported suffix: never a candidate, so not counted either
        "readme-2004.txt",  # the name is not exactly README: a story like any other
        "licensed-exports.txt",
        "story.txt",
    ):
        touch(tmp_path / name)
    skipped: list[Path] = []
    found = list(discover([tmp_path], on_skipped=skipped.append))
    assert names(found, tmp_path) == ["licensed-exports.txt", "readme-2004.txt", "story.txt"]
    assert [p.relative_to(tmp_path).as_posix() for p in skipped] == [  # in the walk's order
        "CHANGES.txt",
        "COPYING.txt",
        "LICENSE.md.txt",
        "Licence.txt",
        "NOTICE.htm",
        "README.txt",
        "changelog.json",
        "readme.html",
        "sub/AUTHORS.txt",
    ]
    caplog.set_level("INFO")
    assert len(list(discover([tmp_path]))) == 3  # without a handler: logged
    assert "README.txt: not news" in caplog.text
    assert corpus.is_not_news(Path("x/ReadMe.TXT")) and not corpus.is_not_news(Path("x/reader.txt"))


def test_a_readme_named_on_the_command_line_is_read(tmp_path: Path) -> None:
    readme = touch(tmp_path / "README.txt", "About this collection\n\nIt holds stories from 2004.")
    skipped: list[Path] = []
    assert list(discover([readme], on_skipped=skipped.append)) == [(readme, readme)] and skipped == []
    assert read_file(readme, readme).articles[0].title == "About this collection"


def test_iter_articles_over_the_shipped_samples(sample_corpus: Path, caplog: pytest.LogCaptureFixture) -> None:
    articles = list(iter_articles(sample_corpus))
    assert len(articles) == 14
    assert len({a.id for a in articles}) == 14
    assert {Path(a.path).name for a in articles} == {
        "merkel-budget.txt",
        "reuters-sample.sgm",
        "reuters-truncated.sgm",
        "storm-xss.html",
        "tokyo-yen.txt",
        "wire-mixed.jsonl",
        "world-briefs.json",
    }
    assert "binary file (contains NUL bytes)" in caplog.text and "empty file" in caplog.text
    assert all(a.title for a in articles)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass"))),
    suffix=st.sampled_from(SUFFIXES),
)
def test_read_file_never_raises(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    result = read_file(path, tmp_path)
    assert result.path == str(path.resolve())
    for article in result.articles:
        assert article.title and is_safe_id(article.id)
        assert not any(ord(ch) < 32 and ch != "\n" for ch in article.title + article.body)
