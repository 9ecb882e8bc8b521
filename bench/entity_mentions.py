"""Entity quality against every labelled mention: CoNLL-2003 English (Reuters 1996), persons and countries.

Usage:  NLTK_DATA=../shared/nltk_data .venv/bin/python bench/entity_mentions.py [--split testa|train|PATH]
        [--processes 2] [--show 25] [--dump FILE]

Where bench/entity_quality.py scores what a story is *about* against the editors' document labels, this
scores everything a story *names* (``Entities.persons`` and ``Entities.countries``) against CoNLL-2003's
mention labels, per document, micro-averaged over the split (``eng.testa`` by default; ``--split train``
for study; ``--split PATH`` reads any file in the same format).

Rebuilding the text. CoNLL-2003 is tokenized; the extractor reads prose, so each document is rebuilt:

- documents: a ``-DOCSTART-`` line starts one (the first document of ``eng.train`` has none; text before
  the first ``-DOCSTART-`` is a document too); sentences are separated by blank lines.
- the document's first sentence is the headline: ``Article.title`` (often ALL CAPS, as on the wire).
- the rest is the body, one sentence per line, starting with the dateline sentence as CoNLL gives it
  ("LONDON 1996-08-30"): it stays in the body, as it is in the story; its ISO date, when there is one,
  is the article's publication date (so historical-state rules see 1996).
- within a sentence tokens are joined by one space, except: no space before ``. , ; : ! ? % ) ] }`` and
  ``...``, nor before the clitics ``'s 'S n't 're 've 'll 'm 'd`` or a possessive ``'`` (POS tag ``POS``:
  "Farmers' Union"); no space after ``( [ { $``; double quotes (and non-possessive single quotes)
  alternate opening (no space after) and closing (no space before). Everything else keeps its spaces
  ("all-rounder" and "1996-08-30" are single tokens already; a dash "-" is a token between spaces).

Persons. Gold: the document's distinct PER mentions, variants of one person folded: a mention whose words
end a longer PER mention of the same document ("Simmons", "van Gaal" of "Louis van Gaal") is that person.
Names compare accent- and case-insensitively, dots and middle initials dropped (as the extractor's canonical
names are), a particle hyphened to a family name too ("Kabariti" folds into "Abdul-Karim al-Kabariti").
Predicted: ``Entities.persons`` after the corpus-wide step the indexer runs (a PersonRegistry, with its
FirmRegistry, built from every document of the split, then ``resolve_persons``), folded the same way. A
prediction matches a gold person with the same name, or a gold lone surname (a document that never gives the
full name) that its full name ends with (the registry resolved it). Micro P/R/F1 over documents.

Countries. Gold: the countries of the document's LOC mentions, mapped with the project's own gazetteer:
country names, aliases, US states and regions (``gazetteer.country_keys()``), then capitals and big
cities (``major_cities()``), then any city of 15,000+ people (``dateline_cities()``); ALL-CAPS mentions
are title-cased first. LOC mentions that map to no country (rivers, continents, "Europe") are left out
of the gold and counted in the report. Predicted: ``Entities.countries``. Recall is the target;
precision is printed too, with how many of the extra countries come from the document's MISC mentions
(demonyms: "Japanese", "West Indian"), which CoNLL does not label as places.

Speed: CPU time of ``extract`` only, per process, like bench/entity_quality.py.
"""

from __future__ import annotations

import argparse
import pickle
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from entity_quality import extract_in_processes  # noqa: E402

from search.entities import gazetteer  # noqa: E402
from search.entities.persons import fold_key, particle_name  # noqa: E402
from search.indexing.registry import PersonRegistry, resolve_persons  # noqa: E402
from search.models import Article, Entities  # noqa: E402

CONLL = ROOT.parent / "shared" / "corpora" / "conll2003"
NO_SPACE_BEFORE = {".", ",", ";", ":", "!", "?", "%", ")", "]", "}", "...", "'s", "'S", "n't", "'re", "'ve", "'ll"}
NO_SPACE_BEFORE |= {"'m", "'d", "N'T"}
NO_SPACE_AFTER = {"(", "[", "{", "$"}
_DATELINE_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})$")


@dataclass
class Doc:
    """One CoNLL document: its sentences as (token, POS, NER) triples."""

    id: str
    sentences: list[list[tuple[str, str, str]]] = field(default_factory=list)

    def mentions(self, kind: str) -> list[list[str]]:
        """The token lists of the mentions of one type ("PER", "LOC", ...), IOB1 as CoNLL-2003 writes it."""
        found: list[list[str]] = []
        for sentence in self.sentences:
            current: list[str] | None = None
            for token, _, tag in sentence:
                prefix, _, label = tag.partition("-")
                if label == kind and prefix == "I" and current is not None:
                    current.append(token)
                elif label == kind:
                    current = [token]
                    found.append(current)
                else:
                    current = None
        return found


def read_conll(path: Path) -> list[Doc]:
    docs: list[Doc] = [Doc(f"{path.name}-0000")]
    sentence: list[tuple[str, str, str]] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        parts = line.split()
        if not parts:
            if sentence:
                docs[-1].sentences.append(sentence)
            sentence = []
        elif parts[0] == "-DOCSTART-":
            docs.append(Doc(f"{path.name}-{len(docs):04d}"))
        else:
            sentence.append((parts[0], parts[1], parts[-1]))
    return [d for d in docs if d.sentences]


def detokenize(tokens: list[tuple[str, str, str]]) -> str:
    """One sentence as prose (the rules are in the module docstring)."""
    out: list[str] = []
    glue = True  # no space before the next token
    quote_open = {'"': False, "'": False}
    for token, pos, _ in tokens:
        attach = token in NO_SPACE_BEFORE or (token == "'" and pos == "POS")
        opening = False
        if token in quote_open and not attach:
            opening = not quote_open[token]
            quote_open[token] = opening
            attach = not opening
        out.append(token if glue or attach or not out else " " + token)
        glue = token in NO_SPACE_AFTER or opening
    return "".join(out)


def to_article(doc: Doc) -> Article:
    """Headline = title; body = the other sentences, one per line, dateline first (its date = published)."""
    title = detokenize(doc.sentences[0])
    lines = [detokenize(s) for s in doc.sentences[1:]]
    published = None
    match = _DATELINE_DATE.search(lines[0]) if lines else None
    if match:
        published = datetime(*map(int, match.groups()), tzinfo=timezone.utc)
    return Article(id=doc.id, title=title, body="\n".join(lines), published=published)


# -- names ---------------------------------------------------------------------------------------


def name_key(words: list[str]) -> tuple[str, ...]:
    """Accent/case-insensitive words of a name, dots and middle initials dropped ("James A. Baker"), a hyphened
    particle too ("al-Turabi" = "Turabi")."""
    kept = [fold_key(w.partition("-")[2] if particle_name(w) else w).rstrip(".") for w in words if w.strip(".")]
    if len(kept) > 2:
        kept = [kept[0]] + [w for w in kept[1:-1] if len(w) > 1] + [kept[-1]]
    return tuple(kept)


def fold_names(names: list[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """Distinct people: a name that ends a longer name of the same document is that person."""
    kept: list[tuple[str, ...]] = []
    for name in sorted(set(names), key=lambda n: (-len(n), n)):
        if name and not any(len(k) > len(name) and k[-len(name) :] == name for k in kept):
            kept.append(name)
    return set(kept)


def match_persons(gold: set[tuple[str, ...]], pred: set[tuple[str, ...]]) -> tuple[set, set, set]:
    """(matched pairs, missed gold, extra predictions); a full name also matches a gold lone surname."""
    pairs = {(g, g) for g in gold & pred}
    missed, extra = gold - pred, pred - gold
    for g in sorted(n for n in missed if len(n) == 1):
        p = next((p for p in sorted(extra) if len(p) > 1 and p[-1] == g[0]), None)
        if p is not None:
            pairs.add((g, p))
            missed.discard(g)
            extra.discard(p)
    return pairs, missed, extra


# -- places --------------------------------------------------------------------------------------


def _title_case(text: str) -> str:
    return " ".join(w.capitalize() if w.isupper() and w.isalpha() and len(w) > 2 else w for w in text.split())


def country_of(words: list[str], when: datetime | None) -> str | None:
    """The country a LOC mention is in, by the project's gazetteer, or None (river, continent, unknown)."""
    keys = gazetteer.country_keys()
    text = " ".join(words)
    for candidate in dict.fromkeys((text, _title_case(text))):
        place = keys.get(gazetteer.key(candidate))
        country = place.country if place else None
        if country == gazetteer.NOT_A_COUNTRY:
            return None
        country = country or gazetteer.major_cities().get(candidate) or gazetteer.dateline_cities().get(candidate)
        if country:
            return gazetteer.in_period(country, when.date() if when else None)
    return None


def misc_countries(doc: Doc) -> set[str]:
    """Countries the document's MISC mentions are demonyms or names of ("Japanese", "West Indian")."""
    keys = gazetteer.country_keys()
    out = set()
    for words in doc.mentions("MISC"):
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                place = keys.get(gazetteer.key(_title_case(" ".join(words[i:j]))))
                if place and place.country != gazetteer.NOT_A_COUNTRY:
                    out.add(place.country)
    return out


# -- the corpus-wide step ----------------------------------------------------------------------


def corpus_wide(results: dict[str, Entities], firms: bool = True) -> dict[str, Entities]:
    """What the indexer stores: lone surnames resolved and firms dropped with the corpus-wide registry (built
    from every document of the split, as ``news-search index`` builds it; ``firms=False``: no firm evidence)."""
    registry = PersonRegistry()
    for doc_id, ents in results.items():
        registry.add(doc_id, ents.persons, ents.firm_evidence if firms else None)
    return {doc_id: resolve_persons(ents, registry) for doc_id, ents in results.items()}


# -- scoring -------------------------------------------------------------------------------------


def _prf(tp: int, gold: int, pred: int) -> str:
    p, r = tp / max(pred, 1), tp / max(gold, 1)
    f = 2 * p * r / max(p + r, 1e-9)
    return f"P {p:.3f} ({tp}/{pred})  R {r:.3f} ({tp}/{gold})  F1 {f:.3f}"


def _other_type(doc: Doc, name: tuple[str, ...]) -> str:
    """What CoNLL calls an extra person's words: "ORG", "LOC", "MISC", "PER-part" or "" (unlabelled)."""
    for kind in ("ORG", "LOC", "MISC"):
        for words in doc.mentions(kind):
            key = name_key(words)
            if any(key[i : i + len(name)] == name for i in range(len(key) - len(name) + 1)):
                return kind
    for words in doc.mentions("PER"):
        key = name_key(words)
        if set(name) & set(key):
            return "PER-part"
    return "unlabelled"


def score_persons(docs: list[Doc], results: dict[str, Entities], show: int) -> None:
    tp = gold_n = pred_n = 0
    missed: Counter[str] = Counter()
    extra: Counter[str] = Counter()
    miss_shape: Counter[str] = Counter()
    extra_kind: Counter[str] = Counter()
    for doc in docs:
        gold = fold_names([name_key(m) for m in doc.mentions("PER")])
        pred = fold_names([name_key(p.split()) for p in results[doc.id].persons])
        pairs, miss, more = match_persons(gold, pred)
        tp += len(pairs)
        gold_n += len(gold)
        pred_n += len(pred)
        for g in miss:
            missed[" ".join(g)] += 1
            miss_shape["one word" if len(g) == 1 else "two words" if len(g) == 2 else "three+ words"] += 1
        for p in more:
            kind = _other_type(doc, p)
            extra[f"{' '.join(p)} [{kind}]"] += 1
            extra_kind[kind] += 1
    print(f"persons: {_prf(tp, gold_n, pred_n)}")
    print(f"  missed by shape: {dict(miss_shape.most_common())}")
    print(f"  extra by what CoNLL labels their words: {dict(extra_kind.most_common())}")
    print(f"  most missed: {missed.most_common(show)}")
    print(f"  most extra:  {extra.most_common(show)}")


def score_countries(docs: list[Doc], articles: dict[str, Article], results: dict[str, Entities], show: int) -> None:
    tp = gold_n = pred_n = from_misc = 0
    unmapped: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    extra: Counter[str] = Counter()
    for doc in docs:
        when = articles[doc.id].published
        gold = set()
        for words in doc.mentions("LOC"):
            country = country_of(words, when)
            if country:
                gold.add(country)
            else:
                unmapped[" ".join(words)] += 1
        pred = set(results[doc.id].countries)
        tp += len(gold & pred)
        gold_n += len(gold)
        pred_n += len(pred)
        missed.update(gold - pred)
        extra.update(pred - gold)
        from_misc += len((pred - gold) & misc_countries(doc))
    print(f"countries: {_prf(tp, gold_n, pred_n)}")
    print(
        f"  LOC mentions mapping to no country (excluded from gold): {sum(unmapped.values())}, "
        f"commonest {unmapped.most_common(12)}"
    )
    print(f"  extra countries that are the document's MISC demonyms/names: {from_misc} of {pred_n - tp}")
    print(f"  most missed: {missed.most_common(show)}")
    print(f"  most extra:  {extra.most_common(show)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="testa", help="testa (default), train, or a path to a CoNLL file")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--show", type=int, default=25, help="how many misses / extras to list")
    parser.add_argument("--dump", type=Path, default=None, help="pickle (docs, articles, results) here")
    args = parser.parse_args()
    path = Path(args.split) if Path(args.split).is_file() else CONLL / f"eng.{args.split}"
    docs = read_conll(path)
    articles = {d.id: to_article(d) for d in docs}
    print(f"{path.name}: {len(docs)} documents, {sum(len(d.sentences) for d in docs)} sentences")
    batch = max(1, len(docs) // (4 * args.processes))
    batches = [list(articles.values())[i : i + batch] for i in range(0, len(docs), batch)]
    results, busy, wall = extract_in_processes(batches, args.processes)
    print(
        f"extraction: {wall:.1f} s wall with {args.processes} processes (incl. model loading), "
        f"{len(docs) / busy:.1f} stories/s per process (CPU time of extract only)"
    )
    if args.dump:
        with args.dump.open("wb") as fh:
            pickle.dump((docs, articles, results), fh)
    resolved = corpus_wide(results)
    score_persons(docs, resolved, args.show)
    score_countries(docs, articles, resolved, args.show)


if __name__ == "__main__":
    main()
