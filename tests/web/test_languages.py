"""Pages in other languages end to end: a folder of German, French and English web pages indexed with the
CLI gets a ``lang`` facet (JSON, page, CLI, OpenAPI) and no English-rule persons in the German and French
pages (issue 13: "Der Bezugsstoff", "Brauchen Abkürzungen" were persons before)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.cli import cli
from web import create_app

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="{date}T08:00:00Z"></head>
<body><nav><a href="/">Start</a></nav><article><h1>{title}</h1>{paragraphs}</article>
<footer>© 2024</footer></body></html>
"""

PAGES = {
    "bezugsstoff.html": (
        "de",
        "2024-03-04",
        "Der Bezugsstoff macht den Unterschied",
        [
            "Der Bezugsstoff entscheidet, wie lange ein Sofa hält. Brauchen Abkürzungen wirklich so viel Platz "
            "auf dem Etikett? Schwierige Frage, sagen die Prüfer des Verbraucherverbands.",
            "Die Hersteller sehen das anders. Neue Regeln der Europäischen Union sollen ab dem kommenden Jahr "
            "gelten, und viele Betriebe fürchten höhere Kosten für die Kennzeichnung ihrer Möbel.",
        ],
    ),
    "budget.html": (
        "fr",
        "2024-03-05",
        "Le gouvernement présente son budget",
        [
            "Le gouvernement a présenté mercredi son projet de budget pour l'année prochaine. Grande Nouvelle "
            "pour les collectivités, a déclaré le ministre devant l'Assemblée nationale.",
            "Les syndicats ont appelé à manifester contre les réformes, tandis que Les Républicains réclament "
            "des économies supplémentaires dans les dépenses de l'État.",
        ],
    ),
    "climate.html": (
        "en",
        "2024-03-06",
        "German cabinet approves climate package",
        [
            "The German cabinet approved a new climate package on Tuesday. Chancellor Olaf Scholz said Germany "
            "would meet its targets by the end of the decade.",
            "The opposition called the plans inadequate and demanded tougher measures for transport, where "
            "emissions have barely fallen since 1990.",
        ],
    ),
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pages = tmp_path_factory.mktemp("pages")
    for name, (lang, date, title, paragraphs) in PAGES.items():
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        (pages / name).write_text(PAGE.format(lang=lang, date=date, title=title, paragraphs=body), encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("langs") / "index"
    result = CliRunner().invoke(cli, ["index", str(pages), "--index-dir", str(index_dir), "--workers", "1"])
    assert result.exit_code == 0 and "added 3" in result.output, result.output
    return index_dir


@pytest.fixture
def client(index_dir: Path):
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()


def test_every_page_gets_its_language_and_only_english_gets_persons(client) -> None:
    body = client.get("/api/search?per_page=10").get_json()
    by_title = {hit["title"]: hit for hit in body["hits"]}
    assert {title: hit["languages"] for title, hit in by_title.items()} == {
        "Der Bezugsstoff macht den Unterschied": ["German"],
        "Le gouvernement présente son budget": ["French"],
        "German cabinet approves climate package": ["English"],
    }
    assert [v["value"] for v in body["facets"]["person"]] == ["Olaf Scholz"]
    assert {v["value"]: v["count"] for v in body["facets"]["lang"]} == {"German": 1, "French": 1, "English": 1}


def test_lang_filters_and_excludes(client) -> None:
    german = client.get("/api/search?lang=German").get_json()
    assert [hit["title"] for hit in german["hits"]] == ["Der Bezugsstoff macht den Unterschied"]
    rest = client.get("/api/search?not_lang=German&not_lang=French").get_json()
    assert [hit["title"] for hit in rest["hits"]] == ["German cabinet approves climate package"]
    either = client.get("/api/search?lang=German&lang=French").get_json()
    assert either["total"] == 2


def test_the_page_offers_languages_as_a_facet(client) -> None:
    html = client.get("/?q=").get_data(as_text=True)
    assert "Languages" in html and 'aria-label="Exclude German"' in html
    # results in several languages name each hit's language in its meta line, not among its entity chips
    assert '<span class="language">German</span>' in html and "chip-lang" not in html
    one = client.get("/?lang=German").get_data(as_text=True)
    assert '<span class="language">' not in one
    filtered = client.get("/?lang=French").get_data(as_text=True)
    assert "Le gouvernement présente son budget" in filtered and "Der Bezugsstoff" not in filtered
    # the article page lists its entities under "People, countries and organisations named", not languages
    article_id = client.get("/api/search?lang=English").get_json()["hits"][0]["id"]
    article = client.get(f"/article/{article_id}").get_data(as_text=True)
    assert "People, countries and organisations named" in article
    assert 'class="language" href="/?lang=English"' in article and "mention-lang" not in article


def test_openapi_documents_lang(client) -> None:
    spec = client.get("/api/openapi.json").get_json()
    params = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert "in this language" in params["lang"]["description"]
    assert "not_lang" in params


def test_cli_filters_by_language(index_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["search", "--index-dir", str(index_dir), "--lang", "French", "--json"])
    assert result.exit_code == 0, result.output
    page = json.loads(result.stdout)
    assert [hit["languages"] for hit in page["hits"]] == [["French"]]
    assert page["hits"][0]["persons"] == []


def test_each_page_is_searched_in_its_own_language(client) -> None:
    german = client.get("/api/search?q=Bezugsstoffe").get_json()  # the plural finds "Der Bezugsstoff"
    assert [hit["title"] for hit in german["hits"]] == ["Der Bezugsstoff macht den Unterschied"]
    assert "<mark>Bezugsstoff</mark>" in german["hits"][0]["snippet"]
    french = client.get("/api/search?q=réformes%20syndicat").get_json()  # "réformes", "syndicats"
    assert [hit["title"] for hit in french["hits"]] == ["Le gouvernement présente son budget"]
    english = client.get("/api/search?q=emission").get_json()
    assert [hit["title"] for hit in english["hits"]] == ["German cabinet approves climate package"]
