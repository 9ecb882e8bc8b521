"""WARC web archives: HTML responses through the HTML reader, everything else passed over, cut archives."""

from __future__ import annotations

import io
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from search.errors import MissingDependency
from search.ingest import check_readers, discover, read_file
from search.ingest.base import hashed_id
from search.ingest.readers import reader_suffix

STORM = (
    "<html><head><title>Storm hits Norway coast</title>"
    '<meta property="article:published_time" content="2020-02-10T07:00:00Z"></head><body>'
    "<nav>Home | World | Login</nav><article><h1>Storm hits Norway coast</h1>"
    "<p>A powerful storm hit the coast of Norway on Monday, cutting power to thousands of homes near Bergen "
    "and forcing schools to close across the region.</p>"
    "<p>Prime Minister Erna Solberg said repairs could take days. The Norwegian Meteorological Institute "
    "warned of more rain.</p></article><footer>Copyright</footer></body></html>"
)
CAFE = (  # Latin-1 bytes, declared only in the HTTP header; no date in the page
    "<html><head><title>Café owners protest in Zürich</title></head><body><article><h1>Café owners protest</h1>"
    "<p>Café owners marched through Zürich on Tuesday against new opening-hour rules that they say would "
    "cost them a third of their evening trade, the city's hospitality association said.</p>"
    "<p>The city council will debate the rules next month after receiving thousands of letters.</p>"
    "</article></body></html>"
)


def warc(gzip: bool = False) -> bytes:
    """Two HTML responses, a PNG, a request, a 404 page and a redirect, as a crawler writes them."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    responses = [
        ("https://news.example.org/storm", "200 OK", "text/html; charset=utf-8", STORM.encode(),
         "2020-02-11T08:00:00Z"),
        ("https://news.example.org/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n....", "2020-02-11T08:00:01Z"),
        ("https://news.example.ch/cafe", "200 OK", "text/html; charset=ISO-8859-1", CAFE.encode("latin-1"),
         "2020-03-03T09:15:00Z"),
        ("https://news.example.org/gone", "404 Not Found", "text/html", b"<html><body><p>Not found</p></body></html>",
         "2020-02-11T08:00:02Z"),
        ("https://news.example.org/old", "301 Moved Permanently", "text/html", b"<p>moved</p>", "2020-02-11T08:00:03Z"),
    ]  # fmt: skip
    for uri, status, content_type, body, date in responses:
        request = writer.create_warc_record(
            uri,
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(
                f"GET /{uri.rsplit('/', 1)[1]} HTTP/1.1", [("Host", "x")], is_http_request=True
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        writer.write_record(request)
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(body), http_headers=headers, warc_headers_dict={"WARC-Date": date}
        )
        writer.write_record(record)
    return out.getvalue()


def test_html_responses_become_articles(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    path.write_bytes(warc())
    result = read_file(path, tmp_path)
    assert result.problems == [] and result.empty == []
    storm, cafe = result.articles
    assert storm.title == "Storm hits Norway coast"
    assert storm.body.startswith("A powerful storm hit the coast of Norway") and "Login" not in storm.body
    assert (storm.published, storm.date_source) == (
        datetime(2020, 2, 10, tzinfo=timezone.utc),
        "metadata",
    )  # the page's
    assert storm.url == "https://news.example.org/storm"
    assert storm.id == hashed_id("id", "https://news.example.org/storm 2020-02-11T08:00:00Z")
    assert cafe.title == "Café owners protest"  # decoded with the charset the server declared
    assert cafe.body.startswith("Café owners marched through Zürich")
    assert cafe.published == datetime(2020, 3, 3, 9, 15, tzinfo=timezone.utc)  # no date in the page: WARC-Date
    assert cafe.source == "news.example.ch"


def test_compressed_archive_is_found_and_read_alike(tmp_path: Path) -> None:
    (tmp_path / "crawl.warc.gz").write_bytes(warc(gzip=True))
    (tmp_path / "backup.tar.gz").write_bytes(b"not news")
    assert [path.name for path, _ in discover([tmp_path])] == ["crawl.warc.gz"]
    articles = read_file(tmp_path / "crawl.warc.gz", tmp_path).articles
    assert [a.title for a in articles] == ["Storm hits Norway coast", "Café owners protest"]


def test_reader_suffix_takes_two_part_suffixes_only_when_they_name_a_reader() -> None:
    assert reader_suffix("a/crawl.WARC.GZ") == ".warc.gz"
    assert reader_suffix("backup.tar.gz") == ".gz"
    assert reader_suffix("story.json") == ".json"
    assert reader_suffix("v1.2.json") == ".json"


def record_spans(data: bytes) -> list[tuple[str, str, int, int]]:
    """(type, URI, offset, length) of every record, as warcio finds them."""
    iterator = ArchiveIterator(io.BytesIO(data))
    spans = []
    for record in iterator:
        record.content_stream().read()
        iterator.read_to_end(record)
        uri = record.rec_headers.get_header("WARC-Target-URI")
        spans.append((record.rec_type, uri, iterator.get_record_offset(), iterator.get_record_length()))
    return spans


@pytest.mark.parametrize("gzip", [False, True])
@pytest.mark.parametrize("where", ["inside the page", "between records"])
def test_archive_cut_off_keeps_the_records_before_the_cut(tmp_path: Path, gzip: bool, where: str) -> None:
    data = warc(gzip=gzip)
    [(_, _, start, length)] = [s for s in record_spans(data) if s[:2] == ("response", "https://news.example.ch/cafe")]
    cut = start + length // 2 if where == "inside the page" else start + 40
    path = tmp_path / ("cut.warc.gz" if gzip else "cut.warc")
    path.write_bytes(data[:cut])
    result = read_file(path, tmp_path)
    assert [a.title for a in result.articles] == ["Storm hits Norway coast"]
    [problem] = result.problems
    assert "cut off" in problem or "unreadable after record 5" in problem, problem


def test_a_file_that_is_no_archive_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "empty.warc"
    path.write_bytes(b"this is not a WARC file at all\r\n" * 10)
    result = read_file(path, tmp_path)
    assert result.articles == []
    assert result.problems == ["not a WARC file: it does not start with a WARC/1.x record (plain or gzip-compressed)"]


def test_missing_warcio_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "warcio", None)
    with pytest.raises(
        MissingDependency, match=r"Reading \.warc/\.warc\.gz files needs .*'warcio'.*pip install warcio$"
    ):
        check_readers([".gz"])  # the indexer passes Path.suffix, which is .gz for crawl.warc.gz
    check_readers([".json", ".txt"])  # other formats don't need it
