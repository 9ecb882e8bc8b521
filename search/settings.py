"""Settings shared by the CLI and the web app, each overridable by a ``NEWS_SEARCH_<NAME>`` env var."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("INDEX_DIR", "instance/index", "Where the Whoosh index lives (relative to the working directory)."),
    Setting("CORPUS_DIR", "corpus", "Folder indexed when `news-search index` is given no path."),
    Setting("PER_PAGE", 10, "Hits per page when the request does not say."),
    Setting("MAX_PER_PAGE", 100, "Largest per_page a request may ask for."),
    Setting("MAX_DEPTH", 1000, "Deepest hit a page may reach (page * per_page); deeper pages are refused."),
    Setting("FACET_LIMIT", 10, "How many values each facet lists (selected values are always listed)."),
    Setting("EXPORT_CAP", 10000, "Most hits a CSV / JSONL export streams."),
    Setting("QUERY_MAX_CHARS", 1000, "Longest query text accepted."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> object:
    """The setting's value: env ``NEWS_SEARCH_<NAME>`` if set (cast to the default's type), else its default."""
    setting = _BY_NAME[name]
    raw = os.environ.get(f"NEWS_SEARCH_{name}")
    if raw is None or raw == "":
        return setting.default
    if isinstance(setting.default, int):
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"NEWS_SEARCH_{name} must be a whole number, not {raw!r}") from None
    return raw


def index_dir() -> Path:
    return Path(str(get("INDEX_DIR")))


def corpus_dir() -> Path:
    return Path(str(get("CORPUS_DIR")))
