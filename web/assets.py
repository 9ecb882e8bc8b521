"""Light responses: static files fingerprinted and cached long, and every compressible answer gzipped.

Fingerprints: ``url_for("static", filename=...)`` adds ``v=<content hash>`` (the first 12 hex digits of the
file's SHA-256, computed once per file and process), so a page always names the current ``app.js`` and
``style.css``. A request for a static file whose ``v`` is its current hash is cached for a year
(``immutable``); without it, or with a stale one, the file is revalidated as usual (ETag), so nothing is
cached under a wrong name.

Compression: a response of a compressible type (HTML, CSS, JavaScript, JSON, CSV, JSON Lines, Atom) of at
least ``MIN_SIZE`` bytes is gzipped when the request accepts gzip; streamed exports are compressed as they
stream. ``Vary: Accept-Encoding`` tells caches the answer depends on it, and a strong ETag becomes weak (the
bytes differ from the file's).
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request

MIN_SIZE = 500  # bytes: smaller answers gain nothing from compression
LEVEL = 6
YEAR = 365 * 24 * 3600
COMPRESSIBLE = (
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "text/csv",
    "application/x-ndjson",
    "application/atom+xml",
)
_HASHES: dict[str, str] = {}


def fingerprint(filename: str) -> str:
    """The current content hash of static file ``filename`` ("" when it does not exist)."""
    found = _HASHES.get(filename)
    if found is None:
        folder = current_app.static_folder or ""
        path = Path(folder, filename)
        try:
            found = hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else ""
        except OSError:
            found = ""
        if not current_app.debug:
            _HASHES[filename] = found
    return found


def add_fingerprint(endpoint: str, values: dict[str, Any]) -> None:
    """url_defaults: ``static`` URLs carry ``v=<hash>`` unless one is given."""
    if endpoint == "static" and "filename" in values and "v" not in values:
        digest = fingerprint(values["filename"])
        if digest:
            values["v"] = digest


def cache_static(response: Response) -> Response:
    """A static file asked for by its current fingerprint is cached for a year."""
    if request.endpoint == "static" and response.status_code == 200:
        filename = (request.view_args or {}).get("filename", "")
        if request.args.get("v") and request.args.get("v") == fingerprint(filename):
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


def accepts_gzip() -> bool:
    return request.accept_encodings.quality("gzip") > 0


def compress(response: Response) -> Response:
    """after_request: gzip a compressible response when the client accepts it."""
    response.vary.add("Accept-Encoding")
    if (
        request.method == "HEAD"
        or response.status_code < 200
        or response.status_code in (204, 206, 304)
        or "Content-Encoding" in response.headers
        or (response.mimetype or "") not in COMPRESSIBLE
        or not accepts_gzip()
    ):
        return response
    if response.is_streamed and not response.direct_passthrough:
        response.response = gzip_stream(response.response)
        response.headers.pop("Content-Length", None)
    else:
        response.direct_passthrough = False  # a static file: read it (they are small)
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        response.set_data(gzip.compress(data, LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response


def gzip_stream(chunks: Iterable[str | bytes]) -> Iterator[bytes]:
    """Gzip a streamed body chunk by chunk (each chunk flushed, so a download starts at once)."""
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    try:
        for chunk in chunks:
            data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
            if data:
                yield packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)
        yield packer.flush()
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def init_app(app: Flask) -> None:
    app.url_defaults(add_fingerprint)
    app.after_request(cache_static)
    app.after_request(compress)
