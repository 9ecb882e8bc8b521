"""Readers for JSON articles: ``.jsonl`` (one object per line) and ``.json`` (an object, a list of
objects, or ``{"articles": [...]}``).

Keys: ``title``; ``body`` (or ``text``, ``content``); ``date`` (or ``published``, ``published_at``;
a string or epoch seconds); ``url``; ``source``; ``id`` (a string or an integer). A key with the wrong
type is reported and ignored; a line that is not valid JSON is reported and the other lines are read.
"""

from __future__ import annotations

import json
from typing import Any

from search.ingest.base import Record, decode_bytes, paragraphs_by_blank_lines

ALIASES = {
    "title": ("title",),
    "body": ("body", "text", "content"),
    "date": ("date", "published", "published_at"),
    "url": ("url",),
    "source": ("source",),
    "id": ("id",),
}


def read_jsonl(data: bytes) -> tuple[list[Record], list[str]]:
    """Records from JSON Lines bytes; each bad line is one problem, the good lines are still read."""
    text, problem = decode_bytes(data)
    if text is None:
        return [], [problem]
    records: list[Record] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key = f"line {number}"
        try:
            value = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            problems.append(f"{key}: invalid JSON ({_reason(exc)})")
            continue
        record = to_record(value, key, problems)
        if record is not None:
            records.append(record)
    return records, problems


def read_json(data: bytes) -> tuple[list[Record], list[str]]:
    """Records from a JSON document: one object, a list of objects, or an object with an "articles" list."""
    text, problem = decode_bytes(data)
    if text is None:
        return [], [problem]
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        return [], [f"invalid JSON ({_reason(exc)})"]
    if isinstance(value, dict) and isinstance(value.get("articles"), list):
        items = value["articles"]
    elif isinstance(value, list):
        items = value
    else:
        items = None
    problems: list[str] = []
    if items is None:
        record = to_record(value, "document", problems)
        return ([record] if record else []), problems
    records = [r for i, item in enumerate(items, start=1) if (r := to_record(item, f"item {i}", problems))]
    return records, problems


def to_record(value: Any, key: str, problems: list[str]) -> Record | None:
    """A Record from one decoded JSON value; wrong types are appended to ``problems``."""
    if not isinstance(value, dict):
        problems.append(f"{key}: expected a JSON object, got {_type_name(value)}")
        return None
    fields: dict[str, str] = {}
    for field, names in ALIASES.items():
        name = next((n for n in names if value.get(n) is not None), None)
        if name is None:
            continue
        text = _as_text(field, value[name])
        if text is None:
            problems.append(f"{key}: '{name}' must be a string, got {_type_name(value[name])}; ignored")
            continue
        fields[field] = text
    return Record(
        key=key,
        title=fields.get("title", ""),
        body=paragraphs_by_blank_lines(fields.get("body", "")),
        date=fields.get("date", ""),
        url=fields.get("url", ""),
        source=fields.get("source", ""),
        id=fields.get("id", ""),
    )


def _as_text(field: str, value: Any) -> str | None:
    """The value as text if its type suits the field: numbers are fine for ``id`` and ``date`` only."""
    if isinstance(value, str):
        return value
    if field in ("id", "date") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _type_name(value: Any) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def _reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}" if exc.lineno == 1 else f"{exc.msg} at line {exc.lineno}"
    return "nested too deeply"
