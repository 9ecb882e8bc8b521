"""A search index damaged behind Whoosh's back (truncated, emptied or removed files) is a clear 503
"rebuild the index", never a traceback or a 500: in the core, the API, the page, the health check, the CLI."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.cli import cli
from search.errors import IndexDamaged
from search.indexing.indexer import build_index
from search.models import SearchRequest
from search.retrieve.index import open_index
from web import create_app


@pytest.fixture(scope="module")
def healthy_index(tmp_path_factory: pytest.TempPathFactory, sample_corpus: Path) -> Path:
    index_dir = tmp_path_factory.mktemp("healthy") / "ix"
    build_index([sample_corpus], index_dir, workers=1)
    return index_dir


def truncate(fraction: float) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        with path.open("r+b") as fh:
            fh.truncate(int(path.stat().st_size * fraction))

    return damage


DAMAGE = {
    "segment cut in half": ("*.seg", truncate(0.5)),
    "segment emptied": ("*.seg", truncate(0)),
    "segment removed": ("*.seg", Path.unlink),
    "table of contents cut in half": ("_MAIN_*.toc", truncate(0.5)),
    "table of contents emptied": ("_MAIN_*.toc", truncate(0)),
}


@pytest.fixture(params=sorted(DAMAGE))
def damaged_index(request, healthy_index: Path, tmp_path: Path) -> Path:
    index_dir = tmp_path / "ix"
    shutil.copytree(healthy_index, index_dir)
    pattern, damage = DAMAGE[request.param]
    files = sorted(index_dir.glob(pattern))
    assert files, f"the sample index has no {pattern}"
    for path in files:
        damage(path)
    return index_dir


def test_the_core_raises_index_damaged(damaged_index: Path) -> None:
    with pytest.raises(IndexDamaged) as caught, open_index(damaged_index).searcher() as searcher:
        searcher.search(SearchRequest(q="yen"))
    assert "news-search index --rebuild" in caught.value.message


def test_the_api_page_and_health_answer_503(damaged_index: Path) -> None:
    client = create_app({"TESTING": True, "INDEX_DIR": str(damaged_index)}).test_client()
    for path in ("/api/search?q=yen", "/api/health", "/api/facets/person?prefix=a"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.get_json()["error"]["code"] == "index_damaged", path
        assert "--rebuild" in response.get_json()["error"]["message"]
    page = client.get("/?q=yen")
    assert page.status_code == 503
    assert "The index needs rebuilding" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)


def test_the_cli_prints_the_remedy(damaged_index: Path) -> None:
    result = CliRunner().invoke(cli, ["search", "yen", "--index-dir", str(damaged_index)])
    assert result.exit_code == 1
    assert "--rebuild" in result.stderr and "Traceback" not in result.output


def test_a_rebuild_repairs_it(damaged_index: Path, sample_corpus: Path) -> None:
    build_index([sample_corpus], damaged_index, workers=1, rebuild=True)
    with open_index(damaged_index).searcher() as searcher:
        assert searcher.search(SearchRequest(q="yen")).total >= 1


def test_an_incremental_run_on_a_damaged_index_says_rebuild(damaged_index: Path, sample_corpus: Path) -> None:
    result = CliRunner().invoke(cli, ["index", str(sample_corpus), "--index-dir", str(damaged_index), "--workers", "1"])
    assert result.exit_code == 1
    assert "--rebuild" in result.stderr and "Traceback" not in result.output


def test_an_index_built_by_an_older_version_asks_to_be_rebuilt(tmp_path: Path) -> None:
    """An index without the about-fields would give wrong facets: every reader says "rebuild" instead."""
    from whoosh import index as whoosh_index
    from whoosh.fields import Schema

    from search.errors import IndexOutdated
    from search.indexing.schema import make_schema

    old = Schema(**{name: field for name, field in make_schema().items() if not name.endswith("_about")})
    (tmp_path / "ix").mkdir()
    whoosh_index.create_in(str(tmp_path / "ix"), old).close()
    with pytest.raises(IndexOutdated):
        open_index(tmp_path / "ix")
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "ix")}).test_client()
    response = client.get("/api/search?q=oil")
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "index_outdated"
    assert "news-search index --rebuild" in response.get_json()["error"]["message"]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "story.txt").write_text("Oil prices\n\nOil prices rose in Vienna, OPEC said.\n", encoding="utf-8")
    with pytest.raises(IndexOutdated):
        build_index([corpus], tmp_path / "ix", workers=1)
    build_index([corpus], tmp_path / "ix", workers=1, rebuild=True)
    assert client.get("/api/search?q=oil").get_json()["total"] == 1


def test_an_index_stemmed_all_in_english_is_upgraded_by_a_rebuild(tmp_path: Path) -> None:
    from whoosh import index as whoosh_index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import TEXT

    from search.errors import IndexOutdated
    from search.indexing.schema import BODY, TITLE, TITLE_BOOST, is_current, make_schema

    old = make_schema()
    for name, boost in ((TITLE, TITLE_BOOST), (BODY, 1.0)):
        old.remove(name)
        old.add(name, TEXT(analyzer=StemmingAnalyzer(), stored=True, field_boost=boost))
    (tmp_path / "ix").mkdir()
    whoosh_index.create_in(str(tmp_path / "ix"), old).close()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "haus.txt").write_text(
        "Neue Häuser in Berlin\n\nDie neuen Häuser in Berlin sind teuer, und die Mieten steigen weiter.\n",
        encoding="utf-8",
    )
    with pytest.raises(IndexOutdated):
        build_index([corpus], tmp_path / "ix", workers=1)
    build_index([corpus], tmp_path / "ix", workers=1, rebuild=True)
    assert is_current(whoosh_index.open_dir(str(tmp_path / "ix")).schema)
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "ix")}).test_client()
    body = client.get("/api/search?q=Haus").get_json()
    assert body["total"] == 1 and body["hits"][0]["languages"] == ["German"]


def test_an_index_with_a_spell_field_keeps_its_dictionary_and_a_rebuild_drops_the_field(tmp_path: Path) -> None:
    """Indexes before the spelling dictionary was counted from the stored text had a ``spell`` field: such
    an index still suggests (same counts, from the stored text) and takes new stories, and ``--rebuild``
    removes the field."""
    from whoosh import index as whoosh_index
    from whoosh.fields import KEYWORD

    from search.indexing.schema import make_schema

    old = make_schema()
    old.add("spell", KEYWORD(lowercase=True, scorable=True))
    (tmp_path / "ix").mkdir()
    whoosh_index.create_in(str(tmp_path / "ix"), old).close()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(3):
        (corpus / f"{n}.txt").write_text(f"Volcker on rates {n}\n\nPaul Volcker said rates would stay.\n")
    build_index([corpus], tmp_path / "ix", workers=1)
    (corpus / "3.txt").write_text("Volker typo\n\nVolker is a misspelling in this one.\n")
    build_index([corpus], tmp_path / "ix", workers=1)
    for rebuild in (False, True):
        if rebuild:
            build_index([corpus], tmp_path / "ix", workers=1, rebuild=True)
        assert ("spell" in whoosh_index.open_dir(str(tmp_path / "ix")).schema) is not rebuild
        index = open_index(tmp_path / "ix")
        with index.searcher() as searcher:
            assert searcher.search(SearchRequest(q="volckr")).suggestion == "volcker"
            assert searcher._gen.spelling.frequencies["volcker"] == 3
        index.close()
