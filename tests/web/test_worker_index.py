"""The app factory's configuration and the per-worker index: lazy, per-process, per-request, live updates."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from datetime import datetime, timezone

import pytest

from search.models import Article, Entities, SearchRequest
from search.retrieve.searcher import NewsSearcher
from web import create_app
from web.worker_index import get_index, get_searcher

from support import ROOT


def story(doc_id: str, title: str, month: int = 9) -> tuple[Article, Entities]:
    article = Article(
        id=doc_id,
        title=title,
        body=f"{title}. Central bank officials spoke about it.",
        published=datetime(1987, month, 1, tzinfo=timezone.utc),
        source="Reuters",
    )
    return article, Entities(persons=("Alan Greenspan",), countries=("United States",))


def test_defaults_come_from_search_settings(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("NEWS_SEARCH_PER_PAGE", raising=False)
    monkeypatch.delenv("NEWS_SEARCH_INDEX_DIR", raising=False)
    monkeypatch.chdir(tmp_path)  # no instance/config.py here
    app = create_app()
    assert (app.config["INDEX_DIR"], app.config["PER_PAGE"], app.config["MAX_PER_PAGE"]) == ("instance/index", 10, 100)
    assert app.config["EXPORT_CAP"] == 10000
    assert not app.testing


def test_environment_and_test_config_override(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NEWS_SEARCH_PER_PAGE", "20")
    monkeypatch.setenv("NEWS_SEARCH_INDEX_DIR", str(tmp_path / "from-env"))
    app = create_app()
    assert app.config["PER_PAGE"] == 20
    assert app.config["INDEX_DIR"] == str(tmp_path / "from-env")
    app = create_app({"TESTING": True, "PER_PAGE": 5})
    assert app.testing and app.config["PER_PAGE"] == 5
    assert app.config["INDEX_DIR"] == str(tmp_path / "from-env")


def test_per_page_default_is_used(web_index_dir) -> None:
    client = create_app({"TESTING": True, "INDEX_DIR": str(web_index_dir), "PER_PAGE": 3}).test_client()
    body = client.get("/api/search").get_json()
    assert (body["per_page"], len(body["hits"])) == (3, 3)
    html = client.get("/").get_data(as_text=True)
    assert "per_page=3" not in html  # the default is left out of links
    assert '<li><a href="/" aria-current="true" class="current">3</a></li>' in html  # and offered among the sizes


def test_one_searcher_per_request_closed_on_teardown(web_app, monkeypatch) -> None:
    closed: list[NewsSearcher] = []
    real_close = NewsSearcher.close

    def recording_close(self: NewsSearcher) -> None:
        closed.append(self)
        real_close(self)

    monkeypatch.setattr(NewsSearcher, "close", recording_close)
    with web_app.test_request_context("/"):
        searcher = get_searcher()
        assert get_searcher() is searcher
        assert searcher.search(SearchRequest(q="dollar")).total == 2
        index = get_index()
        assert closed == []
    assert closed == [searcher]  # teardown closed it
    with web_app.test_request_context("/"):
        assert get_index() is index  # the index stays open for the worker
        assert get_searcher() is not searcher  # a fresh searcher for the next request
    assert len(closed) == 2
    web_app.test_client().get("/api/search?q=dollar")
    assert len(closed) == 3


def test_each_process_opens_its_own_index(web_app, monkeypatch) -> None:
    with web_app.test_request_context("/"):
        parent = get_index()
        child_pid = os.getpid() + 1
        monkeypatch.setattr("web.worker_index.os.getpid", lambda: child_pid)  # as in a forked worker
        child = get_index()
        assert child is not parent
        assert get_index() is child


def test_new_articles_show_up_without_a_restart(tmp_path, web_index_writer) -> None:
    path = tmp_path / "index"
    web_index_writer(path, [story("a-1", "Greenspan named to the Fed")])
    client = create_app({"TESTING": True, "INDEX_DIR": str(path)}).test_client()
    assert client.get("/api/search?q=greenspan").get_json()["total"] == 1
    assert client.get("/api/health").get_json()["articles"] == 1
    web_index_writer(path, [story("a-2", "Greenspan sworn in at the Fed", 10)])
    body = client.get("/api/search?q=greenspan&sort=newest").get_json()
    assert [hit["id"] for hit in body["hits"]] == ["a-2", "a-1"]
    assert client.get("/api/health").get_json()["articles"] == 2
    assert "Greenspan sworn in" in client.get("/article/a-2").get_data(as_text=True)


def test_index_built_after_start_is_picked_up(tmp_path, web_index_writer) -> None:
    path = tmp_path / "later"
    client = create_app({"TESTING": True, "INDEX_DIR": str(path)}).test_client()
    assert client.get("/").status_code == 503
    assert client.get("/api/search").status_code == 503
    web_index_writer(path, [story("b-1", "Greenspan testifies")])
    assert client.get("/").status_code == 200
    assert client.get("/api/search?q=testifies").get_json()["total"] == 1


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.mark.slow
def test_gunicorn_workers_see_new_articles_without_a_restart(tmp_path, web_index_writer, procfile_server) -> None:
    """Through the Procfile's gunicorn (two worker processes, each with its own open index and caches)."""
    path = tmp_path / "index"
    web_index_writer(path, [story("g-1", "Greenspan named to the Fed")])
    base_url, log = procfile_server(path)
    for _ in range(6):  # reach both workers, so both have the first generation cached
        assert get_json(f"{base_url}/api/search?q=greenspan")["total"] == 1
    web_index_writer(path, [story("g-2", "Greenspan sworn in at the Fed", 10)])
    for _ in range(6):
        body = get_json(f"{base_url}/api/search?q=greenspan&sort=newest")
        assert [hit["id"] for hit in body["hits"]] == ["g-2", "g-1"]
    assert get_json(f"{base_url}/api/health")["articles"] == 2
    assert "Traceback" not in log.read_text(errors="replace")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "gunicorn web:create_app() --bind 0.0.0.0:8000 --workers 2 --limit-request-line 8190"),
        (
            {"PORT": "5001", "WEB_CONCURRENCY": "3"},
            "gunicorn web:create_app() --bind 0.0.0.0:5001 --workers 3 --limit-request-line 8190",
        ),
    ],
)
def test_procfile_defaults(env: dict[str, str], expected: str) -> None:
    """The web: line as a shell expands it: PORT defaults to 8000, WEB_CONCURRENCY to 2 workers."""
    lines = (ROOT / "Procfile").read_text().splitlines()
    command = next(line.removeprefix("web:") for line in lines if line.startswith("web:"))
    shell_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env}
    expanded = subprocess.run(
        ["/bin/sh", "-c", f'set -- {command}; echo "$@"'], env=shell_env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert expanded == expected
    release = [line for line in lines if line.startswith("release:")]
    assert release == ["release: news-search index"]
