"""The corpus-wide person registry: the indexer's memory of which full names the index's articles give.

An article that only says "Volcker said ..." can't tell who Volcker is; the corpus can. The registry counts,
per surname, the full names every indexed article gives, and :func:`resolve_persons` replaces an
article's unresolved lone surnames by the corpus' clear winner. It is the indexer's state, kept beside
the index in ``persons.json`` and updated as articles are added, changed and deleted, not an entity rule.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from search.entities.persons import fold_key, surname_of
from search.models import Entities

logger = logging.getLogger(__name__)

REGISTRY_FILE = "persons.json"


class PersonRegistry:
    """Corpus-wide surname -> most frequent full name, to resolve lone surnames an article could not resolve.

    A surname resolves only when the full name was seen in at least ``min_count`` articles and accounts
    for at least half of the full names with that surname (so a common "Smith" stays unresolved). It
    remembers which article contributed which names, so re-indexing a changed article replaces its
    contribution and deleting one takes it back: the counts always describe the articles in the index.
    """

    def __init__(self, min_count: int = 2, min_share: float = 0.5) -> None:
        self.min_count = min_count
        self.min_share = min_share
        self._articles: dict[str, tuple[str, ...]] = {}
        self._names: dict[str, Counter[str]] = {}

    def add(self, article_id: str, persons: Iterable[str]) -> None:
        """Record the full (multi-word) names one article mentions, replacing what it gave before."""
        self.remove(article_id)
        names = tuple(n for n in dict.fromkeys(persons) if len(n.split()) > 1)
        self._articles[article_id] = names
        for name in names:
            self._names.setdefault(fold_key(surname_of(name)), Counter())[name] += 1

    def remove(self, article_id: str) -> None:
        """Take back what a deleted (or changing) article contributed; unknown ids are ignored."""
        for name in self._articles.pop(article_id, ()):
            key = fold_key(surname_of(name))
            counts = self._names[key]
            counts[name] -= 1
            if counts[name] <= 0:
                del counts[name]
            if not counts:
                del self._names[key]

    def resolve(self, surname: str) -> str | None:
        """The most frequent full name with this surname, or None when there is none or no clear winner."""
        counts = self._names.get(fold_key(surname))
        if not counts:
            return None
        name, count = max(counts.items(), key=lambda item: (item[1], item[0]))
        if count < self.min_count or count < self.min_share * sum(counts.values()):
            return None
        return name

    def to_json(self) -> str:
        return json.dumps(
            {"min_count": self.min_count, "min_share": self.min_share, "articles": self._articles}, sort_keys=True
        )

    @classmethod
    def from_json(cls, text: str) -> PersonRegistry:
        """Read what :meth:`to_json` wrote. Raises ValueError for anything else (the caller starts over)."""
        data = json.loads(text)
        try:
            articles = data["articles"]
            registry = cls(int(data["min_count"]), float(data["min_share"]))
            for article_id, names in articles.items():
                if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                    raise ValueError(f"article {article_id!r}: names are not a list of strings")
                registry.add(article_id, names)
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a person registry: {exc!r}") from exc
        return registry

    def __len__(self) -> int:
        return len(self._names)


def resolve_persons(entities: Entities, registry: PersonRegistry) -> Entities:
    """Persons plus the lone surnames the registry resolves (deduplicated, the ones the story is about first).

    A resolved surname joins the story's persons, and its about-subset when the surname was prominent
    (``surnames_about``). Unresolved lone surnames are dropped: a bare "Smith" facet value is noise for
    users, and on Reuters-21578 keeping them lowers person precision more than it raises recall (see
    bench/entity_quality.py). The exception is a titled mononym the extractor already listed in
    ``persons`` ("Energy Minister Subroto"): it stays unless the registry resolves it to a full name.
    Mentions of resolved surnames get the full name as their value.
    """
    resolved: dict[str, str] = {}
    for surname in entities.surnames:
        name = registry.resolve(surname)
        if name is not None:
            resolved[surname] = name
    about = [p for p in entities.about.get("person", ()) if p not in resolved]
    about += [resolved[s] for s in entities.surnames_about if s in resolved]
    named = [p for p in entities.persons if p not in resolved] + list(resolved.values())
    persons = tuple(dict.fromkeys(about + named))
    mentions = tuple(
        replace(m, value=resolved[m.value]) if m.kind == "person" and m.value in resolved else m
        for m in entities.mentions
        if m.kind != "person" or m.value in resolved or m.value in entities.persons
    )
    about_all = {**entities.about, "person": tuple(dict.fromkeys(about))}
    return replace(entities, persons=persons, about=about_all, surnames=(), surnames_about=(), mentions=mentions)


def load_registry(index_path: Path) -> PersonRegistry:
    """The registry saved beside the index, or a new one (with a warning when the file can't be read)."""
    path = index_path / REGISTRY_FILE
    if not path.exists():
        return PersonRegistry()
    try:
        return PersonRegistry.from_json(path.read_text(encoding="utf-8"))
    except (ValueError, json.JSONDecodeError):
        logger.warning(
            "person registry %s is unreadable; starting a new one (`news-search index --rebuild` "
            "recounts every article)",
            path,
        )
        return PersonRegistry()


def save_registry(index_path: Path, registry: PersonRegistry) -> None:
    """Write the registry beside the index atomically (a crash leaves the old file or the new one)."""
    path = index_path / REGISTRY_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(registry.to_json(), encoding="utf-8")
    os.replace(tmp, path)
