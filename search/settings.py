"""Settings: their names, defaults and help, and ``Limits``, the one frozen object the core checks against.

Every setting can be given as an environment variable ``NEWS_SEARCH_<NAME>``. The limits are read once
where a process starts (``Limits.from_env()`` in the CLI, ``Limits.from_mapping(app.config)`` in the web
app, where the instance config and ``create_app(test_config)`` can set them too) and handed to the index;
the core never reads the environment per request.
"""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: int | str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("INDEX_DIR", "instance/index", "Where the Whoosh index lives (relative to the working directory)."),
    Setting("CORPUS_DIR", "corpus", "Folder indexed when `news-search index` is given no path."),
    Setting(
        "CLUSTER",
        "",
        "Dask scheduler address (tcp://HOST:8786) `news-search index` sends entity extraction to; "
        "empty: local worker processes.",
    ),
    Setting(
        "CACHE_DIR",
        "",
        "Where the built entity models are kept between runs (one file of about 115 MB; a third of a small "
        "indexing run builds them); "
        "empty: $XDG_CACHE_HOME/news-search or ~/.cache/news-search; off: nowhere; never a folder others may write to.",
    ),
    Setting("PER_PAGE", 10, "Hits per page when the request does not say."),
    Setting("MAX_PER_PAGE", 100, "Largest per_page a request may ask for."),
    Setting("MAX_DEPTH", 1000, "Deepest hit a page may reach (page * per_page); deeper pages are refused."),
    Setting("FACET_LIMIT", 10, "How many values each facet lists (selected values are always listed)."),
    Setting("EXPORT_CAP", 10000, "Most hits a CSV / JSONL export streams."),
    Setting("QUERY_MAX_CHARS", 1000, "Longest query text accepted."),
)
DEFAULTS: dict[str, int | str] = {s.name: s.default for s in SETTINGS}

# Bounds that are not settings: what any request may ask for at most.
MAX_FACET_VALUES = 100  # values one facet listing returns (facet_limit, /api/facets limit)
MAX_RELATED = 50  # related articles one request may ask for


def get(name: str) -> int | str:
    """The setting's value: env ``NEWS_SEARCH_<NAME>`` if set (cast to the default's type), else its default."""
    default = DEFAULTS[name]
    raw = os.environ.get(f"NEWS_SEARCH_{name}")
    if raw is None or raw == "":
        return default
    return _cast(f"NEWS_SEARCH_{name}", raw, default)


def _cast(where: str, raw: object, default: int | str) -> int | str:
    if isinstance(default, int):
        try:
            return int(raw)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            raise ValueError(f"{where} must be a whole number, not {raw!r}") from None
    return str(raw)


def index_dir() -> Path:
    return Path(str(get("INDEX_DIR")))


def corpus_dir() -> Path:
    return Path(str(get("CORPUS_DIR")))


@dataclass(frozen=True)
class Limits:
    """What a request may ask for, and the defaults it gets; checked by the core, advertised by OpenAPI."""

    per_page: int = int(DEFAULTS["PER_PAGE"])
    max_per_page: int = int(DEFAULTS["MAX_PER_PAGE"])
    max_depth: int = int(DEFAULTS["MAX_DEPTH"])
    facet_limit: int = int(DEFAULTS["FACET_LIMIT"])
    export_cap: int = int(DEFAULTS["EXPORT_CAP"])
    query_max_chars: int = int(DEFAULTS["QUERY_MAX_CHARS"])

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or value < (0 if item.name == "facet_limit" else 1)
            ):
                raise ValueError(f"{item.name.upper()} must be a whole number of at least 1, not {value!r}")
        if self.per_page > self.max_per_page:
            raise ValueError(f"PER_PAGE ({self.per_page}) is larger than MAX_PER_PAGE ({self.max_per_page})")
        if self.facet_limit > MAX_FACET_VALUES:
            raise ValueError(f"FACET_LIMIT must be at most {MAX_FACET_VALUES}, not {self.facet_limit}")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Limits:
        """Limits from settings by their upper-case names (a Flask config); missing ones keep the defaults."""
        given = {}
        for item in fields(cls):
            name = item.name.upper()
            if name in values:
                given[item.name] = _cast(name, values[name], int(DEFAULTS[name]))
        return cls(**given)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls) -> Limits:
        """Limits from the ``NEWS_SEARCH_*`` environment variables (the CLI's)."""
        return cls.from_mapping({item.name.upper(): get(item.name.upper()) for item in fields(cls)})


def installed_version() -> str | None:
    """The installed news-search's version (None when run from a source tree without installing)."""
    try:
        return importlib.metadata.version("news-search")
    except importlib.metadata.PackageNotFoundError:
        return None
