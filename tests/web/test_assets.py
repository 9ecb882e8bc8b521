"""Light responses: gzip for every compressible answer, static files fingerprinted and cached for a year."""

from __future__ import annotations

import gzip
import re

GZIP = {"Accept-Encoding": "gzip, deflate"}


def test_pages_json_and_exports_are_gzipped_when_accepted(web_client) -> None:
    for url in ("/?q=interest", "/api/search?q=interest", "/feed.atom", "/api/openapi.json", "/person/Paul%20Volcker"):
        plain = web_client.get(url)
        packed = web_client.get(url, headers=GZIP)
        assert "Content-Encoding" not in plain.headers, url
        assert packed.headers["Content-Encoding"] == "gzip", url
        assert "Accept-Encoding" in packed.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
        assert len(packed.data) < len(plain.data) / 2, url
        unpacked = gzip.decompress(packed.data).decode("utf-8")
        timing = r"Searched in [^<]*|\"took_ms\":[\d.]+"
        assert re.sub(timing, "", unpacked) == re.sub(timing, "", plain.get_data(as_text=True)), url
    export = web_client.get("/api/search?q=interest&format=csv", headers=GZIP)
    assert export.headers["Content-Encoding"] == "gzip" and "Content-Length" not in export.headers
    assert gzip.decompress(export.data).decode("utf-8") == web_client.get("/api/search?q=interest&format=csv").get_data(
        as_text=True
    )
    assert "Content-Encoding" not in web_client.get("/api/health", headers=GZIP).headers  # too small to gain
    assert "Content-Encoding" not in web_client.get("/", headers={"Accept-Encoding": "gzip;q=0"}).headers


def test_static_files_are_fingerprinted_and_cached_long(web_client) -> None:
    html = web_client.get("/").get_data(as_text=True)
    css = re.search(r'<link rel="stylesheet" href="(/static/style\.css\?v=([0-9a-f]{12}))">', html)
    script = re.search(r'<script src="(/static/app\.js\?v=[0-9a-f]{12})" defer>', html)
    assert css and script
    fresh = web_client.get(css.group(1), headers=GZIP)
    assert fresh.status_code == 200
    assert fresh.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert fresh.headers["Content-Encoding"] == "gzip" and b"@media" in gzip.decompress(fresh.data)
    for url in ("/static/style.css", "/static/style.css?v=000000000000"):  # no or a stale fingerprint: revalidated
        response = web_client.get(url)
        assert response.status_code == 200 and "immutable" not in response.headers.get("Cache-Control", ""), url
    etag = web_client.get(script.group(1)).headers["ETag"]
    assert web_client.get(script.group(1), headers={"If-None-Match": etag}).status_code == 304
