"""Who and what appears with an entity, and how the stories write it: the counting behind an entity page.

Co-occurrence comes from the cached facet tables (one entry per document and value): the values named in
the entity's stories are counted with one ``bincount`` per facet, and so, once per index generation, are the
values of every story. A value's ``lift`` is its share among the entity's stories over its share among all
stories: "United States" is named in a third of Reuters, so its lift with anyone stays near 1, while a
finance minister's counterpart reaches 50 or more. Values are ranked by the JLH score, (share among the
entity's stories - share overall) * lift, which weighs both: a value named in one story of ten that is named
nowhere else does not outrank a frequent companion. Values named in fewer than ``MIN_COUNT`` of the
entity's stories are left out (unless it has very few stories), and so are those no likelier than at large.

Name variants are the surface forms the extractor folded into the value ("Volcker", "Paul A. Volcker",
"U.S."), counted over the mentions stored with the most recent stories naming it. The stories "most about"
an entity are those about it ranked by BM25F for the words of its name (a headline naming it weighs three
times a mention in the text), the latest those naming it, newest first.

Related articles go together too: the stories sharing an article's key body terms (``related_articles``).
"""

from __future__ import annotations

import re
import threading
import weakref
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh import query as wq

from search.errors import BadParameter, BadQuery
from search.facets import FACET_NAMES
from search.indexing import schema
from search.indexing.analysis import marked
from search.indexing.document import stored_mentions, stored_stemming
from search.models import Hit, Mention, SearchRequest, Timeline, hit_to_dict
from search.retrieve.facet_counts import FacetTable
from search.retrieve.timeline import timelines
from search.settings import MAX_RELATED

if TYPE_CHECKING:
    from search.retrieve.searcher import NewsSearcher

MIN_COUNT = 2  # stories an entity shares with a value before it is listed (for entities with FEW_STORIES or more)
FEW_STORIES = 10
LIFT_DIGITS = 2
ENTITY_STORIES = 8  # stories an entity page lists, of each kind
ENTITY_VALUES = 10  # co-occurring values listed per facet
VARIANTS_READ = 200  # the most recent stories of an entity whose stored mentions give its name variants
RELATED_TERMS = 12
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Cooccurrence:
    """A value named in the same stories as an entity: in how many, and ``lift``, how many times more often
    than in stories at large (its share among the entity's stories / its share among all stories)."""

    value: str
    count: int
    lift: float


@dataclass(frozen=True)
class NameVariant:
    """One way the stories write an entity, and in how many of the stories read it appears."""

    text: str
    count: int


@dataclass(frozen=True)
class EntityProfile:
    """An entity page (``/person/<name>``, ``/country/<name>``, ``/org/<name>``) and its JSON."""

    facet: str
    name: str  # the indexed spelling
    stories: int  # stories naming it (near-duplicates counted once)
    about: int  # of those, the stories about it
    timeline: Timeline
    cooccurring: Mapping[str, tuple[Cooccurrence, ...]]  # facet name -> values, most telling first
    variants: tuple[NameVariant, ...]
    variants_read: int  # how many of its stories (the most recent) the variants were counted over
    most_about: tuple[Hit, ...]
    latest: tuple[Hit, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "facet": self.facet,
            "name": self.name,
            "stories": self.stories,
            "about": self.about,
            "timeline": self.timeline.to_dict(),
            "cooccurring": {
                name: [{"value": c.value, "count": c.count, "lift": c.lift} for c in self.cooccurring.get(name, ())]
                for name in FACET_NAMES
            },
            "variants": [{"text": v.text, "count": v.count} for v in self.variants],
            "variants_read": self.variants_read,
            "most_about": [hit_to_dict(hit) for hit in self.most_about],
            "latest": [hit_to_dict(hit) for hit in self.latest],
        }


_BACKGROUND: weakref.WeakKeyDictionary[FacetTable, np.ndarray] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def background_counts(table: FacetTable, stories: np.ndarray) -> np.ndarray:
    """How many of ``stories`` (every story that counts) name each value; counted once per table."""
    with _LOCK:
        found = _BACKGROUND.get(table)
    if found is None:
        found = table.count(stories)
        with _LOCK:
            _BACKGROUND[table] = found
    return found


def cooccurring(
    tables: Mapping[str, FacetTable],
    docs: np.ndarray,
    stories: np.ndarray,
    own: tuple[str, int],
    limit: int,
) -> dict[str, tuple[Cooccurrence, ...]]:
    """Per facet, the ``limit`` values most telling of the stories ``docs`` (an entity's), by JLH score.

    :param stories: every story that counts (live, near-duplicates once): the background.
    :param own: (facet, value id) of the entity itself, never listed.
    """
    size, everything = int(np.count_nonzero(docs)), int(np.count_nonzero(stories))
    out: dict[str, tuple[Cooccurrence, ...]] = {}
    if not size or not everything:
        return dict.fromkeys(tables, ())
    least = MIN_COUNT if size >= FEW_STORIES else 1
    for name, table in tables.items():
        counts = table.count(docs)
        overall = background_counts(table, stories)
        ids = np.flatnonzero((counts >= least) & (overall > 0))
        if name == own[0]:
            ids = ids[ids != own[1]]
        foreground = counts[ids] / size
        background = overall[ids] / everything
        lift = foreground / background
        keep = lift > 1
        ids, foreground, background, lift = ids[keep], foreground[keep], background[keep], lift[keep]
        score = (foreground - background) * lift
        order = np.lexsort((ids, -counts[ids], -score))[:limit]
        out[name] = tuple(
            Cooccurrence(table.values[i], int(counts[i]), round(float(lift[j]), LIFT_DIGITS))
            for j, i in zip(order, ids[order])
        )
    return out


def name_variants(mentions: Iterable[Iterable[Mention]], facet: str, name: str) -> tuple[NameVariant, ...]:
    """The ways ``name`` of ``facet`` is written in the stories whose mentions are given, and in how many of
    them each appears, most frequent first. Spellings that differ only in case are one variant, shown as the
    indexed name when it is one, else as most stories write it (a headline's capitals only when nothing else is
    found)."""
    key = name.strip().lower()
    stories: Counter[str] = Counter()
    spellings: Counter[str] = Counter()
    for story in mentions:
        found = {" ".join(m.text.split()) for m in story if m.kind == facet and m.value.strip().lower() == key}
        spellings.update(found)
        stories.update({text.casefold() for text in found})
    shown: dict[str, str] = {}
    for text, _ in sorted(
        spellings.items(), key=lambda item: (item[0] != name, text_is_shouted(item[0]), -item[1], item[0])
    ):
        shown.setdefault(text.casefold(), text)
    ranked = sorted(stories.items(), key=lambda item: (-item[1], shown[item[0]]))
    return tuple(NameVariant(shown[folded], count) for folded, count in ranked)


def text_is_shouted(text: str) -> bool:
    """Whether ``text`` is written in capitals (a wire headline), so a better spelling should be shown."""
    return text.isupper() and any(c.isalpha() for c in text)


# -- coordinators: NewsSearcher's entity and related-article methods (they read its generation and searcher) --


def entity_profile(
    searcher: NewsSearcher, name: str, value: str, interval: str, normalize: bool
) -> EntityProfile | None:
    """The entity page of ``value`` of facet ``name`` (matched case-insensitively); None when no story names it."""
    gen = searcher._gen
    table = gen.facets.get(name)
    if table is None:
        raise BadParameter("facet", name, f"must be one of {', '.join(FACET_NAMES)}")
    vid = table.value_id(value) if isinstance(value, str) else None
    if vid is None:
        return None
    value, stories = table.values[vid], gen.whole.stories
    named = stories & table.docs_with((value,))
    about = named & table.docs_with((value,), about=True)
    newest = gen.newest[named[gen.newest]]
    read = newest[:VARIANTS_READ]
    variants = name_variants((stored_mentions(searcher._s.stored_fields(int(d))) for d in read), name, value)
    words = _WORD.findall(value.lower())
    try:
        parsed = searcher._parse(" OR ".join(dict.fromkeys(words)))
    except BadQuery:  # nothing searchable in the name (only very common words)
        parsed = None
    scores = None if parsed is None else searcher._filters(SearchRequest(), parsed)[1]
    pool = about if about.any() else named
    order = "newest" if scores is None else "relevance"
    most = searcher._ranked(scores, pool, order, 0, ENTITY_STORIES, np.flatnonzero(pool))
    return EntityProfile(
        facet=name,
        name=value,
        stories=int(np.count_nonzero(named)),
        about=int(np.count_nonzero(about)),
        timeline=timelines(gen.dates, [named], stories, interval, normalize)[0],
        cooccurring=cooccurring(gen.facets, named, stories, (name, vid), ENTITY_VALUES),
        variants=variants,
        variants_read=len(read),
        most_about=searcher._hits(most, parsed, named),
        latest=searcher._hits([(None, int(d)) for d in newest[:ENTITY_STORIES]], None, named),
    )


def related_articles(searcher: NewsSearcher, article_id: str, limit: int) -> tuple[Hit, ...]:
    """Articles like this one (its key body terms, BM25F), without itself or its near-duplicates."""
    if not isinstance(limit, int) or not 1 <= limit <= MAX_RELATED:
        raise BadParameter("limit", limit, f"must be a whole number from 1 to {MAX_RELATED}")
    docnum = searcher._docnum(article_id)
    whoosh_searcher, gen = searcher._s, searcher._gen
    stored = whoosh_searcher.stored_fields(docnum)
    text = stored.get(schema.BODY) or stored.get(schema.TITLE) or ""
    marked_text = marked(text, stored_stemming(stored))  # analysed as the story was when indexed
    terms = whoosh_searcher.key_terms_from_text(schema.BODY, marked_text, numterms=RELATED_TERMS)
    if not terms:
        return ()
    q = wq.Or([wq.Term(schema.BODY, word, boost=weight) for word, weight in terms])
    own = {int(d) for d in gen.duplicates.members(docnum)}
    found = whoosh_searcher.search(q, limit=limit * 3 + 10, mask=own)
    seen_groups: set[int] = set()
    picked: list[tuple[float | None, int]] = []
    for score, other in found.top_n:
        group = int(gen.duplicates.group[other])
        if group not in seen_groups:
            seen_groups.add(group)
            picked.append((score, other))
        if len(picked) == limit:
            break
    return searcher._hits(picked, None, gen.live)
