"""The corpus-wide person registry: the indexer's memory of which full names the index's articles give, and of
which person-like names they show to be firms.

An article that only says "Volcker said ..." can't tell who Volcker is; the corpus can. The registry counts,
per surname, the full names every indexed article gives, and :func:`resolve_persons` replaces an
article's unresolved lone surnames by the corpus' clear winner. Likewise an article that only says "Bear
Stearns said ..." can't tell a firm from a person; articles that write "Bear Stearns and Co" or "brokers Bear
Stearns" can, and its :class:`FirmRegistry` remembers them so that :func:`resolve_persons` drops such a name
from every article's persons. It is the indexer's state, kept beside the index in ``persons.json`` and
``firms.json`` and updated as articles are added, changed and deleted, not an entity rule.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from search.entities.persons import fold_key, surname_of
from search.models import Entities

logger = logging.getLogger(__name__)

REGISTRY_FILE = "persons.json"
FIRMS_FILE = "firms.json"
T = TypeVar("T")


class FirmRegistry:
    """Corpus-wide person-like names shown to be firms ("Bear Stearns and Co", "<Wells Fargo>", "brokers Hoare
    Govett"), so that a person value an article could not tell from a firm is dropped.

    A name is a firm when at least ``min_count`` articles show it to be one and none names it after a person's
    title ("trader Ivan Boesky" keeps Ivan Boesky a person however many articles name "Ivan Boesky and Co").
    Names compare accent- and case-insensitively. Like :class:`PersonRegistry` it remembers which article
    showed what, so changed and deleted articles take their evidence back.
    """

    def __init__(self, min_count: int = 1) -> None:
        self.min_count = min_count
        self._articles: dict[str, dict[str, bool]] = {}
        self._counts: dict[bool, Counter[str]] = {True: Counter(), False: Counter()}

    def add(self, article_id: str, evidence: Mapping[str, bool]) -> None:
        """Record what one article shows (name -> True a firm, False a titled person), replacing what it gave."""
        self.remove(article_id)
        self._record(article_id, evidence)

    def _record(self, article_id: str, evidence: Mapping[str, bool]) -> None:
        if evidence:
            self._articles[article_id] = dict(evidence)
            for name, firm in evidence.items():
                self._counts[bool(firm)][fold_key(name)] += 1

    def remove(self, article_id: str) -> None:
        """Take back what a deleted (or changing) article showed; unknown ids are ignored."""
        for name, firm in self._articles.pop(article_id, {}).items():
            counts = self._counts[bool(firm)]
            counts[fold_key(name)] -= 1
            if counts[fold_key(name)] <= 0:
                del counts[fold_key(name)]

    def is_firm(self, name: str) -> bool:
        key = fold_key(name)
        return self._counts[True][key] >= self.min_count and not self._counts[False][key]

    def to_json(self) -> str:
        return json.dumps({"min_count": self.min_count, "articles": self._articles}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> FirmRegistry:
        """Read what :meth:`to_json` wrote. Raises ValueError for anything else (the caller starts over)."""
        data = json.loads(text)
        try:
            registry = cls(int(data["min_count"]))
            for article_id, evidence in data["articles"].items():
                if not isinstance(evidence, dict) or not all(
                    isinstance(n, str) and isinstance(f, bool) for n, f in evidence.items()
                ):
                    raise ValueError(f"article {article_id!r}: evidence is not a name -> bool mapping")
                registry._record(article_id, evidence)  # a new registry: nothing to take back first
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a firm registry: {exc!r}") from exc
        return registry

    def __len__(self) -> int:
        return sum(1 for key in self._counts[True] if not self._counts[False][key])


class PersonRegistry:
    """Corpus-wide surname -> most frequent full name, to resolve lone surnames an article could not resolve.

    A surname resolves only when the full name was seen in at least ``min_count`` articles and accounts
    for at least half of the full names with that surname (so a common "Smith" stays unresolved). It
    remembers which article contributed which names, so re-indexing a changed article replaces its
    contribution and deleting one takes it back: the counts always describe the articles in the index.
    Beside it, ``firms`` (a :class:`FirmRegistry`, saved in its own file) follows the same articles.
    """

    def __init__(self, min_count: int = 2, min_share: float = 0.5) -> None:
        self.min_count = min_count
        self.min_share = min_share
        self._articles: dict[str, tuple[str, ...]] = {}
        self._names: dict[str, Counter[str]] = {}
        self.firms = FirmRegistry()

    def add(self, article_id: str, persons: Iterable[str], firm_evidence: Mapping[str, bool] | None = None) -> None:
        """Record the full (multi-word) names one article mentions and what it shows of firms
        (``Entities.firm_evidence``), replacing what it gave before."""
        self.remove(article_id)
        self.firms.add(article_id, firm_evidence or {})
        self._record(article_id, persons)

    def _record(self, article_id: str, persons: Iterable[str]) -> None:
        names = tuple(n for n in dict.fromkeys(persons) if len(n.split()) > 1)
        self._articles[article_id] = names
        for name in names:
            self._names.setdefault(fold_key(surname_of(name)), Counter())[name] += 1

    def remove(self, article_id: str) -> None:
        """Take back what a deleted (or changing) article contributed; unknown ids are ignored."""
        self.firms.remove(article_id)
        for name in self._articles.pop(article_id, ()):
            key = fold_key(surname_of(name))
            counts = self._names[key]
            counts[name] -= 1
            if counts[name] <= 0:
                del counts[name]
            if not counts:
                del self._names[key]

    def resolve(self, surname: str) -> str | None:
        """The most frequent full name with this surname, or None when there is none or no clear winner. Names
        known as firms don't count ("Merrill Lynch" is no Lynch)."""
        counts = {name: n for name, n in self._names.get(fold_key(surname), {}).items() if not self.firms.is_firm(name)}
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
                registry._record(article_id, names)  # a new registry: nothing to take back first
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a person registry: {exc!r}") from exc
        return registry

    def __len__(self) -> int:
        return len(self._names)


def resolve_persons(entities: Entities, registry: PersonRegistry) -> Entities:
    """Persons plus the lone surnames the registry resolves (deduplicated, the ones the story is about first),
    minus the names the corpus shows to be firms.

    A resolved surname joins the story's persons, and its about-subset when the surname was prominent
    (``surnames_about``). Unresolved lone surnames are dropped: a bare "Smith" facet value is noise for
    users, and on Reuters-21578 keeping them lowers person precision more than it raises recall (see
    bench/entity_quality.py). The exception is a titled mononym the extractor already listed in
    ``persons`` ("Energy Minister Subroto"): it stays unless the registry resolves it to a full name.
    A person value that other articles show to be a firm (``registry.firms``) is dropped, unless this article
    names it after a person's title. Mentions of resolved surnames get the full name as their value.
    """
    resolved: dict[str, str] = {}
    for surname in entities.surnames:
        name = registry.resolve(surname)
        if name is not None:
            resolved[surname] = name
    titled = {name for name, firm in entities.firm_evidence.items() if not firm}
    firms = {p for p in (*entities.persons, *resolved.values()) if p not in titled and registry.firms.is_firm(p)}
    about = [p for p in entities.about.get("person", ()) if p not in resolved]
    about += [resolved[s] for s in entities.surnames_about if s in resolved]
    about = [p for p in about if p not in firms]
    named = [p for p in entities.persons if p not in resolved] + list(resolved.values())
    persons = tuple(p for p in dict.fromkeys(about + named) if p not in firms)
    mentions = tuple(
        replace(m, value=resolved[m.value]) if m.kind == "person" and m.value in resolved else m
        for m in entities.mentions
        if m.kind != "person" or resolved.get(m.value, m.value) in persons
    )
    about_all = {**entities.about, "person": tuple(dict.fromkeys(about))}
    return replace(entities, persons=persons, about=about_all, surnames=(), surnames_about=(), mentions=mentions)


def load_registry(index_path: Path) -> PersonRegistry:
    """The registry saved beside the index (its firms too), or a new one; a file that can't be read is started
    over with a warning."""
    registry = _load(index_path / REGISTRY_FILE, PersonRegistry.from_json) or PersonRegistry()
    registry.firms = _load(index_path / FIRMS_FILE, FirmRegistry.from_json) or FirmRegistry()
    return registry


def _load(path: Path, parse: Callable[[str], T]) -> T | None:
    if not path.exists():
        return None
    try:
        return parse(path.read_text(encoding="utf-8"))
    except (ValueError, json.JSONDecodeError):
        logger.warning(
            "%s registry %s is unreadable; starting a new one (`news-search index --rebuild` recounts every article)",
            "firm" if path.name == FIRMS_FILE else "person",
            path,
        )
        return None


def save_registry(index_path: Path, registry: PersonRegistry) -> None:
    """Write the registry and its firms beside the index, each atomically (a crash leaves the old file or the
    new one)."""
    for name, text in ((REGISTRY_FILE, registry.to_json()), (FIRMS_FILE, registry.firms.to_json())):
        path = index_path / name
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
