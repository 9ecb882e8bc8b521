"""Article + Entities -> the dict Whoosh indexes, and stored fields -> Python values again.

Kept apart from the indexer so the searcher reads stored fields with the same rules that wrote them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import numpy as np

from search.facets import BY_NAME, FACETS, LANGUAGE
from search.indexing import schema
from search.indexing.analysis import marked, stemmed_language
from search.models import Article, Code, Entities, Mention

_WORD = re.compile(r"\w+", re.UNICODE)
_SPELL_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_BIT_SHIFTS = np.arange(64, dtype=np.uint64)


def content_hash(article: Article) -> str:
    """A stable fingerprint of everything we index from an article: unchanged hash, nothing to redo."""
    h = hashlib.sha1()
    for part in (
        article.title,
        article.body,
        article.published.isoformat() if article.published else "",
        article.date_source,
        article.source,
        article.url,
    ):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    if article.byline or article.codes:  # only then: an article without them keeps the hash it always had
        for part in (article.byline, *(f"{c.kind}\x01{c.code}\x01{c.name}" for c in article.codes)):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x00")
    return h.hexdigest()


def spelling_words(title: str, body: str) -> set[str]:
    """A story's distinct unstemmed words of three letters or more, lowercased: what "did you mean" counts.

    Read from the stored title and body when a segment's data is saved (``segments``), not indexed as a
    Whoosh field: their postings were 40 % of the writer's time."""
    return {word.lower() for word in _SPELL_WORD.findall(title + " " + body)}


def simhash(text: str) -> int:
    """64-bit SimHash over word 3-shingles: near-identical texts differ in few bits."""
    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}
    hashes = np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(s.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")
            for s in shingles
        ),
        dtype=np.uint64,
        count=len(shingles),
    )
    ones = ((hashes[:, None] >> _BIT_SHIFTS) & np.uint64(1)).sum(axis=0)
    return sum(1 << b for b in range(64) if ones[b] * 2 > len(hashes))


def join_values(values: tuple[str, ...] | list[str]) -> str:
    """Comma-joined facet values (commas inside a value would split it, so they become spaces)."""
    return ",".join(v.replace(",", " ").strip() for v in values if v.strip())


def split_values(stored: str | None) -> tuple[str, ...]:
    return tuple(v for v in (stored or "").split(",") if v)


def to_naive_utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def entity_fields(entities: Entities) -> dict[str, Any]:
    """The facet, name-text and mention fields of a document (the indexer re-applies them when a lone
    surname is resolved against the whole corpus)."""
    return {
        **{facet.field: join_values(getattr(entities, facet.plural)) for facet in FACETS},
        **{facet.about_field: join_values(entities.about.get(facet.name, ())) for facet in FACETS},
        **{facet.text_field: " ".join(getattr(entities, facet.plural)) for facet in FACETS},
        schema.MENTIONS: [(m.text, m.kind, m.value) for m in entities.mentions],
    }


def to_document(article: Article, entities: Entities) -> dict[str, Any]:
    """The fields of one article as ``writer.update_document`` takes them."""
    published = to_naive_utc(article.published)
    language = stemmed_language(next(iter(entities.languages), ""))
    doc: dict[str, Any] = {
        schema.ID_FIELD: article.id,
        schema.TITLE: marked(article.title, language),
        schema.BODY: marked(article.body, language),
        schema.DATE_SOURCE: article.date_source,
        schema.SOURCE: article.source or "",
        schema.URL: article.url or "",
        schema.PATH: article.path,
        schema.HASH: content_hash(article),
        schema.SIMHASH: simhash(article.body or article.title),
        **entity_fields(entities),
    }
    if language:  # the analyzer reads the marker; the stored text is the story's own
        doc[f"_stored_{schema.TITLE}"] = article.title
        doc[f"_stored_{schema.BODY}"] = article.body
    if published is not None:
        doc[schema.DATE] = published
        doc[schema.MONTH] = published.strftime("%Y-%m")
    if article.byline:  # written only when there is one: other articles store nothing more than before
        doc[schema.BYLINE] = article.byline
    if article.codes:
        doc[schema.CODES] = [(c.kind, c.code, c.name) for c in article.codes]
    return doc


def stored_codes(stored: Mapping[str, Any]) -> tuple[Code, ...]:
    """The agency's codes a document stored; none for one without (or from an index older than the field)."""
    return tuple(Code(*c) for c in stored.get(schema.CODES) or ())


def stored_mentions(stored: Mapping[str, Any]) -> tuple[Mention, ...]:
    return tuple(Mention(*m) for m in stored.get(schema.MENTIONS) or ())


def stored_entities(stored: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Each facet's values as the document stored them: every value the story names (facet name -> values)."""
    return {facet.name: split_values(stored.get(facet.field)) for facet in FACETS}


def stored_about(stored: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Each facet's values the story is about (facet name -> values)."""
    return {facet.name: split_values(stored.get(facet.about_field)) for facet in FACETS}


def stored_date(stored: Mapping[str, Any]) -> str | None:
    value = stored.get(schema.DATE)
    return value.date().isoformat() if isinstance(value, datetime) else None


def stored_stemming(stored: Mapping[str, Any]) -> str:
    """The code of the language the story's words were stemmed in ("de"), "" for English (and unknown)."""
    return stemmed_language(next(iter(split_values(stored.get(BY_NAME[LANGUAGE].field))), ""))
