"""Reader for web archives: WARC files (``.warc``, ``.warc.gz``), as crawlers and ``wget --warc-file`` write them.

warcio walks the records (compressed per record or not). Every ``response`` record with a successful
(2xx) HTTP status and an HTML content type (``text/html``, ``application/xhtml+xml``) goes through the HTML
reader (trafilatura: title, main text, date from the page's metadata): the page's URL is the record's
``WARC-Target-URI``, its date the page's own else the record's ``WARC-Date`` (when it was crawled), its id
the target URI and WARC-Date together (hashed by the corpus policy), so each capture of a page is one
article. Requests, metadata, redirects, images, scripts and other records are passed over. A page in a
declared charset other than UTF-8 is decoded with it. An archive cut off in the middle keeps the records
before the cut; the cut record and whatever bytes follow are reported.
"""

from __future__ import annotations

import io
import zlib
from typing import Any

from search.ingest.base import Record, clean_line
from search.ingest.html import REQUIRES as HTML_REQUIRES
from search.ingest.html import read_html

REQUIRES: tuple[tuple[str, str], ...] = (("warcio", "warcio"), *HTML_REQUIRES)

HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(data: bytes) -> tuple[list[Record], list[str]]:
    """One record per HTML response in the archive; a cut-off archive keeps the records before the cut."""
    from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
    from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]

    if not _starts_like_warc(data):
        return [], ["not a WARC file: it does not start with a WARC/1.x record (plain or gzip-compressed)"]
    records: list[Record] = []
    problems: list[str] = []
    iterator = ArchiveIterator(io.BytesIO(data))
    count = end = 0  # records read, and where the last complete one ends
    try:
        for count, warc_record in enumerate(iterator, start=1):
            uri = warc_record.rec_headers.get_header("WARC-Target-URI") or ""
            if warc_record.rec_type is None or warc_record.length is None:
                problems.append(f"record {count}: its header is cut off or unreadable; the archive ends here")
                break
            html = _is_html_response(warc_record)
            payload = warc_record.content_stream().read() if html else warc_record.raw_stream.read()
            if _cut(warc_record):
                problems.append(f"record {count} ({uri or 'no URI'}): cut off in the middle; the archive ends here")
                break
            iterator.read_to_end(warc_record)
            end = iterator.get_record_offset() + iterator.get_record_length()
            if html:
                records.extend(_page(payload, warc_record, uri, count, problems))
    except (ArchiveLoadFailed, ValueError, TypeError, AttributeError, EOFError, OSError, zlib.error) as exc:
        problems.append(f"unreadable after record {count} ({type(exc).__name__}: {exc}); the rest is skipped")
        return records, problems
    rest = len(data.rstrip(b"\r\n\x00")) - end
    if rest > 0 and not problems:
        problems.append(f"{rest} bytes after record {count} are not a complete WARC record (archive cut off?); skipped")
    if iterator.err_count:
        problems.append(f"{iterator.err_count} record(s) not followed by a blank line (a wrong Content-Length?)")
    return records, problems


def _starts_like_warc(data: bytes) -> bool:
    """Whether the data opens with a WARC record header, once ungzipped if it is gzip (per-record members)."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:65536], 64)
        except zlib.error:
            return False
    return data.lstrip(b"\r\n")[:5] == b"WARC/"


def _is_html_response(record: Any) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = record.http_headers.get_statuscode() or ""
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    return status.startswith("2") and content_type.split(";")[0].strip() in HTML_TYPES


def _cut(record: Any) -> bool:
    """Whether the record's block ended before its Content-Length: the archive stops inside it."""
    return getattr(record.raw_stream, "limit", 0) > 0


def _page(payload: bytes, record: Any, uri: str, position: int, problems: list[str]) -> list[Record]:
    """The HTML reader's record for one page, with the archive's URL, date and id."""
    found, page_problems = read_html(_as_utf8(payload, record.http_headers.get_header("Content-Type") or ""))
    key = f"record {position} ({uri})" if uri else f"record {position}"
    problems.extend(f"{key}: {problem}" for problem in page_problems)
    warc_date = record.rec_headers.get_header("WARC-Date") or ""
    out = []
    for page in found:
        page.key = key
        page.url = uri or page.url
        page.date = page.date or warc_date
        page.id = f"{uri} {warc_date}" if uri else ""
        page.source = page.source or clean_line(uri.split("/")[2] if uri.count("/") >= 2 else "")
        out.append(page)
    return out


def _as_utf8(payload: bytes, content_type: str) -> bytes:
    """The page re-encoded as UTF-8 when its Content-Type declares another charset the HTML reader can't guess."""
    charset = ""
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower()
    if not charset or charset.replace("-", "") == "utf8":
        return payload
    try:
        return payload.decode(charset).encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return payload
