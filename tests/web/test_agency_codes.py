"""The byline and the agency's codes end to end (issue 13): a NewsML-G2 item indexed with the CLI shows them in
the article JSON (as the OpenAPI document describes) and on the article page, HTML-escaped, and never as
something to search; an index written before they were stored still opens, shows none, and gets them on the
next run."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index
from whoosh.fields import Schema

from search.cli import cli
from search.indexing import schema
from search.indexing.document import content_hash, to_document
from search.indexing.indexer import build_index
from search.ingest import read_file
from search.ingest.base import hashed_id
from search.models import Article, Code, Entities
from web import create_app

GUID = "urn:newsml:example.org:20200120:ecb-rates"
ARTICLE_ID = hashed_id("id", GUID)  # the guid is not URL-safe: the id is its hash
NEWS_ITEM = f"""<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="{GUID}" version="1" standard="NewsML-G2"
  standardversion="2.29">
  <itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:EXW"><name>Example Wire</name></provider>
    <firstCreated>2020-01-20T09:30:00+01:00</firstCreated><pubStatus qcode="stat:usable"/></itemMeta>
  <contentMeta>
    <subject type="cpnat:abstract" qcode="medtop:20000568"><name>monetary policy</name></subject>
    <subject type="cpnat:person" qcode="exwp:lagarde-christine"><name>Christine Lagarde</name></subject>
    <headline>ECB keeps rates on hold</headline>
    <by>By Jane Quill &amp; Max Muster</by>
    <dateline>FRANKFURT, Jan 20 (Example Wire)</dateline>
    <keyword>R&amp;D &lt;b&gt;spending&lt;/b&gt;</keyword>
  </contentMeta>
  <contentSet><inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><body>
    <p>The European Central Bank left its interest rates unchanged on Monday, President Christine Lagarde said.</p>
  </body></html></inlineXML></contentSet>
</newsItem>
"""
CODES = [
    {"kind": "subject", "code": "medtop:20000568", "name": "monetary policy"},
    {"kind": "person", "code": "exwp:lagarde-christine", "name": "Christine Lagarde"},
    {"kind": "keyword", "code": "", "name": "R&D <b>spending</b>"},
]


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ecb.xml").write_text(NEWS_ITEM, encoding="utf-8")
    (folder / "oil.txt").write_text("Oil prices steady\n\nCrude oil prices were steady in Vienna.\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = write_corpus(tmp_path_factory.mktemp("wire") / "corpus")
    index_dir = tmp_path_factory.mktemp("codes") / "index"
    result = CliRunner().invoke(cli, ["index", str(corpus), "--index-dir", str(index_dir), "--workers", "1"])
    assert result.exit_code == 0 and "added 2" in result.output, result.output
    return index_dir


@pytest.fixture
def client(index_dir: Path):
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()


def test_the_article_json_has_the_byline_and_the_codes_as_documented(client) -> None:
    import jsonschema

    body = client.get(f"/api/articles/{ARTICLE_ID}").get_json()
    assert body["byline"] == "By Jane Quill & Max Muster"
    assert body["codes"] == CODES
    assert "Jane Quill" not in body["body"] and "Jane Quill" not in body["persons"]  # the reporter is not news
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    jsonschema.validate(body, {**schemas["Article"], "components": {"schemas": schemas}})
    assert schemas["Article"]["properties"]["codes"]["items"] == {"$ref": "#/components/schemas/AgencyCode"}
    oil = client.get("/api/search?q=oil").get_json()["hits"][0]
    assert "byline" not in oil and "codes" not in oil  # search hits keep their contract
    plain = client.get(f"/api/articles/{oil['id']}").get_json()
    assert (plain["byline"], plain["codes"]) == ("", [])  # a plain text file has neither


def test_the_byline_and_codes_are_not_searched(client) -> None:
    assert client.get("/api/search?q=Muster").get_json()["total"] == 0
    assert client.get("/api/search?q=medtop").get_json()["total"] == 0


def test_the_article_page_shows_the_byline_and_the_codes_escaped(client) -> None:
    html = client.get(f"/article/{ARTICLE_ID}").get_data(as_text=True)
    title_at = html.index('<h1 id="article-title">ECB keeps rates on hold</h1>')
    assert html.index('<p class="byline">By Jane Quill &amp; Max Muster</p>') > title_at
    assert '<h2 id="agency-codes-heading">Agency codes</h2>' in html
    assert "<dt>Subject</dt>" in html and "<dt>Person</dt>" in html and "<dt>Keyword</dt>" in html
    assert "<dd>monetary policy <code>medtop:20000568</code></dd>" in html
    assert "<dd>R&amp;D &lt;b&gt;spending&lt;/b&gt;</dd>" in html and "<b>spending" not in html
    oil = client.get("/api/search?q=oil").get_json()["hits"][0]["id"]
    plain = client.get(f"/article/{oil}").get_data(as_text=True)
    assert 'class="byline"' not in plain and "Agency codes" not in plain


def test_an_index_from_before_the_fields_opens_shows_none_and_gets_them_on_the_next_run(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    [article] = read_file(corpus / "ecb.xml", corpus).articles
    assert article.codes and article.byline
    before = dataclasses.replace(article, byline="", codes=())  # what an older news-search read and stored
    old_schema = Schema(**{n: f for n, f in schema.make_schema().items() if n not in (schema.BYLINE, schema.CODES)})
    (tmp_path / "ix").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "ix"), old_schema)
    with ix.writer() as writer:
        writer.add_document(**to_document(before, Entities()))
    ix.close()
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "ix")}).test_client()
    old = client.get(f"/api/articles/{ARTICLE_ID}").get_json()
    assert (old["byline"], old["codes"]) == ("", [])
    assert "Agency codes" not in client.get(f"/article/{ARTICLE_ID}").get_data(as_text=True)

    report = build_index([corpus], tmp_path / "ix", workers=1)  # incremental: no rebuild asked for
    assert (report.added, report.updated, report.failed) == (1, 1, [])  # the new file, and the item with its codes
    new = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "ix")}).test_client()
    assert new.get(f"/api/articles/{ARTICLE_ID}").get_json()["codes"] == CODES


def test_the_content_hash_of_an_article_without_them_is_what_it_was() -> None:
    """Articles of every other format keep their hash: upgrading re-indexes only those that have codes."""
    plain = Article(id="a", title="Oil", body="Oil rose.", source="Reuters")
    assert content_hash(plain) == "57b5a5b31fad0ef4aebb459a0eef4499d54cb5b1"  # as before byline and codes were kept
    assert content_hash(plain) != content_hash(dataclasses.replace(plain, byline="By Jo"))
    coded = dataclasses.replace(plain, codes=(Code("subject", "medtop:1", "a"),))
    assert content_hash(coded) != content_hash(dataclasses.replace(plain, codes=(Code("subject", "medtop:1", "b"),)))
