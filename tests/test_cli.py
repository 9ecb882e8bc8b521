"""The `news-search` command as a user runs it: exit codes, messages, and --json == the API's JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.cli import cli
from search.errors import MissingResource
from search.models import SearchRequest
from search.retrieve.index import open_index

from support import SHARED


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory: pytest.TempPathFactory, sample_corpus: Path) -> Path:
    index_dir = tmp_path_factory.mktemp("cli") / "index"
    result = CliRunner().invoke(cli, ["index", str(sample_corpus), "--index-dir", str(index_dir), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return index_dir


def test_index_prints_a_summary_with_the_problems(tmp_path: Path, sample_corpus: Path) -> None:
    result = CliRunner().invoke(
        cli, ["index", str(sample_corpus), "--index-dir", str(tmp_path / "ix"), "--workers", "1"]
    )
    assert result.exit_code == 0
    summary = result.stdout.splitlines()[0]
    assert summary.startswith(f"Indexed into {tmp_path / 'ix'}") and "unchanged 0" in summary
    assert "corrupt-binary.txt" in result.stderr and "empty.txt" in result.stderr
    # world-briefs.json's {"title": "", "body": ""} is empty, not a failure; no file is skipped as not news
    assert ", empty 1, failed " in summary and "non-news" not in summary
    assert "world-briefs.json: item 2 has no title and no text" in result.stderr
    assert "Traceback" not in result.output


def test_index_summary_counts_skipped_non_news_files_and_empty_records(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "README.txt").write_text("About\n\nThis collection holds wire stories.\n", encoding="utf-8")
    (corpus / "LICENSE.md").write_text("Not a supported suffix: not even looked at.\n", encoding="utf-8")
    (corpus / "CHANGES.json").write_text('{"title": "v2", "body": "Fixed dates."}', encoding="utf-8")
    (corpus / "wire.jsonl").write_text('{"title": "Yen firms", "body": "The yen firmed."}\n{"body": " "}\n')
    result = CliRunner().invoke(cli, ["index", str(corpus), "--index-dir", str(tmp_path / "ix"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith(
        "read 1, added 1, updated 0, unchanged 0, removed 0, empty 1, "
        "skipped 2 non-news files (CHANGES.json, README.txt), failed 0."
    )
    assert f"not news {(corpus / 'README.txt').resolve()}: skipped" in result.stderr
    assert "wire.jsonl: line 2 has no title and no text" in result.stderr


def test_index_of_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["index", str(tmp_path / "nope"), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 2 and "no such file or folder" in result.output


def test_index_without_nltk_models_names_the_missing_one(tmp_path: Path, sample_corpus: Path, monkeypatch) -> None:
    def missing() -> None:
        raise MissingResource("averaged_perceptron_tagger_eng")

    monkeypatch.setattr("search.indexing.indexer.ensure_resources", missing)
    result = CliRunner().invoke(cli, ["index", str(sample_corpus), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert "averaged_perceptron_tagger_eng" in result.stderr and "news-search setup" in result.stderr
    assert "Traceback" not in result.output


def test_search_json_is_exactly_the_api_contract(cli_index: Path) -> None:
    result = CliRunner().invoke(cli, ["search", "yen", "--index-dir", str(cli_index), "--json", "--per-page", "5"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    ix = open_index(cli_index)
    with ix.searcher() as searcher:
        expected = searcher.search(SearchRequest(q="yen", per_page=5)).to_dict()
    ix.close()
    printed.pop("took_ms"), expected.pop("took_ms")
    assert printed == expected and printed["total"] >= 1


def test_search_prints_readable_results(cli_index: Path) -> None:
    result = CliRunner().invoke(cli, ["search", "yen", "--index-dir", str(cli_index)])
    assert result.exit_code == 0
    assert "articles (" in result.stdout and "<mark>" not in result.stdout


def test_search_errors_are_messages_not_tracebacks(cli_index: Path, tmp_path: Path) -> None:
    bad_query = CliRunner().invoke(cli, ["search", '"unbalanced', "--index-dir", str(cli_index)])
    no_index = CliRunner().invoke(cli, ["search", "yen", "--index-dir", str(tmp_path / "none")])
    bad_date = CliRunner().invoke(cli, ["search", "yen", "--from", "yesterday", "--index-dir", str(cli_index)])
    assert no_index.exit_code == 1 and "news-search index" in no_index.stderr
    assert bad_date.exit_code == 2 and "not a date" in bad_date.output
    assert bad_query.exit_code in (0, 1)  # lenient reading or a clear error, per search.retrieve.query's rules
    for result in (bad_query, no_index, bad_date):
        assert "Traceback" not in result.output


def test_setup_reports_each_resource(monkeypatch) -> None:
    monkeypatch.setattr(
        "search.entities.nlp.download_resources", lambda quiet=False: {"punkt_tab": "present", "words": "downloaded"}
    )
    result = CliRunner().invoke(cli, ["setup"])
    assert result.exit_code == 0 and "punkt_tab" in result.stdout and "NLTK resources ready." in result.stdout


def test_setup_fails_clearly_without_internet(monkeypatch) -> None:
    monkeypatch.setattr("search.entities.nlp.download_resources", lambda quiet=False: {"words": "failed: no network"})
    result = CliRunner().invoke(cli, ["setup"])
    assert result.exit_code == 1 and "could not download words" in result.output


@pytest.mark.skipif(not (SHARED / "corpora" / "reuters21578").exists(), reason="needs ../shared")
def test_corpus_fetch_from_a_local_copy(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "corpus",
            "fetch",
            "reuters21578",
            "--from",
            str(SHARED / "corpora" / "reuters21578"),
            "--dest",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "reuters21578").glob("reut2-*.sgm"))) == 22


def test_search_takes_several_values_exclusions_and_mentions(cli_index: Path) -> None:
    def ids(*args: str) -> set[str]:
        result = CliRunner().invoke(cli, ["search", "", "--index-dir", str(cli_index), "--json", *args])
        assert result.exit_code == 0, result.output
        return {hit["id"] for hit in json.loads(result.stdout)["hits"]}

    everything = ids("--per-page", "100")
    japan, germany = ids("--country", "Japan"), ids("--country", "West Germany")
    assert japan and germany
    assert ids("--country", "Japan", "--country", "West Germany", "--per-page", "100") == japan | germany
    assert ids("--not-country", "Japan", "--per-page", "100") == everything - japan
    assert ids("--country", "Japan", "--mentions", "about") <= japan
    refused = CliRunner().invoke(cli, ["search", "", "--index-dir", str(cli_index), "--mentions", "some"])
    assert refused.exit_code == 2 and "some" in refused.output
