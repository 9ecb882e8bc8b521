"""Shared fixtures: the sample corpus, indexes built from the inline articles of ``support.py``, the web app."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.retrieve.index import NewsIndex
from web import create_app

from support import NLTK_DATA, ROOT, small_articles, web_articles, write_articles, write_web_index


@pytest.fixture(scope="session")
def sample_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus: ``tests/data`` (one or two documents per format, broken ones included) plus the
    synthetic Reuters SGML files from ``sgml_samples.py``, laid out in a temporary folder."""
    from sgml_samples import SGML_SAMPLES

    root = tmp_path_factory.mktemp("sample-corpus") / "data"
    shutil.copytree(ROOT / "tests" / "data", root)
    for name, text in SGML_SAMPLES.items():
        (root / name).write_bytes(text.encode("latin-1"))
    return root


@pytest.fixture(scope="session")
def nltk_data() -> Path:
    """The NLTK data folder the tests use (../shared/nltk_data; NLTK can't download here)."""
    return NLTK_DATA


@pytest.fixture(scope="session")
def small_index(tmp_path_factory) -> Iterator[NewsIndex]:
    """The ``small_articles()`` index, built once per session."""
    index = write_articles(tmp_path_factory.mktemp("small-index"), small_articles())
    yield index
    index.close()


# -- web fixtures (web/ tests and the browser test) -------------------------------------------------


@pytest.fixture(scope="session")
def web_index_dir(tmp_path_factory) -> Path:
    """A small index for the web tests, built once per session from ``web_articles()``."""
    path = tmp_path_factory.mktemp("web") / "index"
    write_web_index(path, web_articles())
    return path


@pytest.fixture
def web_app(web_index_dir: Path):
    return create_app({"TESTING": True, "INDEX_DIR": str(web_index_dir)})


@pytest.fixture
def web_client(web_app):
    return web_app.test_client()


@pytest.fixture
def web_index_writer():
    """``write(path, [(Article, Entities)])``: create or add to an index, e.g. while an app serves it."""
    return write_web_index


@pytest.fixture(scope="module")
def procfile_server(tmp_path_factory):
    """``start(index_dir) -> (base_url, log_path)``: the Procfile's web command through ``/bin/sh`` with PORT
    set to a free port (WEB_CONCURRENCY unset: the Procfile's default of 2 workers). Stopped at module end."""
    from contextlib import ExitStack

    from procfile import procfile_gunicorn

    with ExitStack() as servers:

        def start(index_dir: Path) -> tuple[str, Path]:
            log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
            port = servers.enter_context(procfile_gunicorn(index_dir, log))
            return f"http://127.0.0.1:{port}", log

        yield start


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from what the code answers now (after a change meant to alter them)",
    )
