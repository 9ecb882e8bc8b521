"""A reader whose library is missing stops `news-search index` at the start, naming the package to install,
instead of turning every file of its format into a "could not parse the file (ImportError ...)" problem.

The missing library is simulated: ``sys.modules[name] = None`` makes ``import name`` fail, as it would in
a virtualenv without the package (lxml >= 5.2 raises ImportError for ``lxml.html.clean`` when the separate
``lxml_html_clean`` distribution is not installed).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.cli import cli
from search.errors import MissingDependency
from search.indexing import indexer
from search.indexing.indexer import build_index
from search.ingest import SUFFIXES, check_readers, read_file
from search.ingest import html as html_reader

PAGE = (
    "<html><head><title>Storm hits Norway coast</title></head><body><article>"
    "<p>A powerful storm hit the coast of Norway on Monday, cutting power to thousands of homes "
    "near Bergen and forcing schools to close across the region.</p></article></body></html>"
)
TEXT = (
    "Merkel presents budget\n\nChancellor Angela Merkel of Germany presented the 2019 budget in Berlin "
    "on Tuesday. Merkel said spending would rise.\n"
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def without_html_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a virtualenv where lxml_html_clean is not installed."""
    monkeypatch.setitem(sys.modules, "lxml.html.clean", None)


@pytest.fixture
def recorded_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the indexer reads (it still reads them)."""
    reads: list[Path] = []

    def recording(path: Path, root: Path):
        reads.append(Path(path))
        return read_file(path, root)

    monkeypatch.setattr(indexer, "read_file", recording)
    return reads


def test_the_html_reader_declares_its_libraries_with_their_pip_packages() -> None:
    assert ("lxml.html.clean", "lxml_html_clean") in html_reader.REQUIRES
    assert ("trafilatura", "trafilatura") in html_reader.REQUIRES


def test_with_everything_installed_every_format_passes_the_check() -> None:
    check_readers(SUFFIXES)


def test_missing_lxml_html_clean_names_the_package_to_install(without_html_clean: None) -> None:
    with pytest.raises(MissingDependency) as info:
        check_readers([".txt", ".HTML"])
    message = info.value.message
    assert "Reading .html/.htm files needs the Python package 'lxml_html_clean'" in message
    assert message.endswith("pip install lxml_html_clean")
    assert "\n" not in message  # the CLI prints it as one line
    assert info.value.code == "missing_dependency" and info.value.package == "lxml_html_clean"


def test_missing_trafilatura_names_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = importlib.import_module

    def import_module(name: str, package: str | None = None):
        if name == "trafilatura":
            raise ModuleNotFoundError("No module named 'trafilatura'", name="trafilatura")
        return real_import(name, package)

    monkeypatch.setattr(importlib, "import_module", import_module)
    with pytest.raises(MissingDependency, match=r"'trafilatura'.*pip install trafilatura$"):
        check_readers([".htm"])


def test_formats_without_html_are_not_checked_for_its_library(without_html_clean: None) -> None:
    check_readers([".txt", ".json", ".jsonl", ".sgm", ".TXT", ".pdf", ""])


def test_index_stops_before_reading_or_indexing_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, without_html_clean: None, recorded_reads: list[Path]
) -> None:
    corpus = tmp_path / "corpus"
    write(corpus / "a-budget.txt", TEXT)
    write(corpus / "pages" / "storm.html", PAGE)
    monkeypatch.setattr(indexer, "ensure_resources", lambda: None)  # not about NLTK: no models needed
    with pytest.raises(MissingDependency, match="pip install lxml_html_clean"):
        build_index([corpus], tmp_path / "ix", workers=1)
    assert recorded_reads == []
    assert not (tmp_path / "ix").exists()


def test_cli_prints_one_line_naming_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, without_html_clean: None
) -> None:
    write(tmp_path / "corpus" / "storm.htm", PAGE)
    monkeypatch.setattr(indexer, "ensure_resources", lambda: None)
    result = CliRunner().invoke(cli, ["index", str(tmp_path / "corpus"), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: Reading .html/.htm files needs the Python package 'lxml_html_clean', which can't be imported "
        "(ModuleNotFoundError: import of lxml.html.clean halted; None in sys.modules). "
        "Install it: pip install lxml_html_clean"
    ]
    assert "skipped" not in result.output and "Traceback" not in result.output


def test_a_corpus_without_html_is_indexed_as_usual(
    tmp_path: Path, without_html_clean: None, recorded_reads: list[Path]
) -> None:
    corpus = tmp_path / "corpus"
    write(corpus / "budget.txt", TEXT)
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert report.read == 1 and report.added == 1 and report.failed == []
    assert recorded_reads == [corpus / "budget.txt"]


def test_with_the_library_installed_pages_are_indexed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write(corpus / "storm.html", PAGE)
    report = build_index([corpus], tmp_path / "ix", workers=1)
    assert report.read == 1 and report.added == 1 and report.failed == []
