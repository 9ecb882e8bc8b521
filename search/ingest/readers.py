"""Which reader reads which file: the suffix table, the ``.xml`` dispatcher and the check of the readers' libraries.

A file's reader is picked by its suffix (``reader_suffix``: the last one, or the last two when they name a
reader, as ``.warc.gz`` does). XML suffixes (``.xml``, ``.nitf``, ``.rss``, ``.atom``) all go to
``read_xml``, which reads the root element and hands the document to the NewsML-G2, NITF or feed reader:
the content decides, not the name, so one ``.xml`` suffix serves every news XML format.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from search.errors import MissingDependency
from search.ingest.base import Record
from search.ingest.feed import read_feed
from search.ingest.html import read_html
from search.ingest.jsonl import read_json, read_jsonl
from search.ingest.newsml import read_newsml
from search.ingest.nitf import read_nitf
from search.ingest.sgml import read_sgml
from search.ingest.text import read_text
from search.ingest.warc import read_warc
from search.ingest.xml import sniff

Reader = Callable[[bytes], tuple[list[Record], list[str]]]
XML_READERS: dict[str, Reader] = {"newsml": read_newsml, "nitf": read_nitf, "feed": read_feed}


def read_xml(data: bytes) -> tuple[list[Record], list[str]]:
    """An XML document by its root element (``xml.sniff``): NewsML-G2, NITF, or an RSS/Atom/RDF feed."""
    kind, problem = sniff(data)
    return XML_READERS[kind](data) if kind else ([], [problem])


READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".json": read_json,
    ".jsonl": read_jsonl,
    ".sgm": read_sgml,
    ".html": read_html,
    ".htm": read_html,
    ".xml": read_xml,
    ".nitf": read_xml,  # these three are sniffed too: the root element decides, not the name
    ".rss": read_xml,
    ".atom": read_xml,
    ".warc": read_warc,
    ".warc.gz": read_warc,
}
SUFFIXES: tuple[str, ...] = tuple(READERS)


def reader_suffix(path: Path | str) -> str:
    """The suffix that picks a file's reader, lower case: its last two suffixes when they name one
    (``a.warc.gz`` -> ``.warc.gz``), else its last (``a.json`` -> ``.json``; ``Path.suffix`` of both is the last)."""
    name = Path(path).name.lower()
    double = "".join(Path(name).suffixes[-2:])
    return double if double in READERS and name != double else Path(name).suffix


def check_readers(suffixes: Iterable[str]) -> None:
    """Raise MissingDependency, naming the pip package, when the reader of one of these suffixes can't
    import its third-party library (a reader module's ``REQUIRES``: ``(module, package)`` pairs).

    Call it once before reading, with the suffixes of the files a run will read: ``read_file`` would
    otherwise report the ImportError as a problem of every file of that format, and skip them all.
    Formats not among ``suffixes`` are not checked, so a missing HTML library never stops a run
    without HTML files.
    """
    checked: set[str] = set()
    for suffix in suffixes:
        suffix = suffix.lower()  # ``Path.suffix`` of a.warc.gz is .gz: it stands for the reader suffixes ending so
        readers = [r for s, r in READERS.items() if s == suffix or (suffix and s.endswith(suffix) and s.count(".") > 1)]
        for reader in (d for r in readers for d in (XML_READERS.values() if r is read_xml else [r])):
            if reader.__module__ not in checked:
                checked.add(reader.__module__)
                _check_reader(reader)


def _check_reader(reader: Reader) -> None:
    """Raise MissingDependency when one of the reader module's ``REQUIRES`` can't be imported."""
    for module, package in getattr(sys.modules[reader.__module__], "REQUIRES", ()):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            delegated = reader in XML_READERS.values()
            formats = "/".join(s for s, r in READERS.items() if r is reader or (delegated and r is read_xml))
            detail = (str(exc).splitlines() or [f"no module named {module!r}"])[0].rstrip(".")
            raise MissingDependency(f"Reading {formats} files", package, f"{type(exc).__name__}: {detail}") from exc
