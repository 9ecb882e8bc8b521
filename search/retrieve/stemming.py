"""A parsed query's words in every language of the index: each ``title``/``body`` word becomes its English
stem OR its stem in each other language the index holds (``search.indexing.analysis`` keeps those apart as
"de:haus"), so "Häuser" finds a German story's "Haus" and "running" an English story's "runs", and neither
leaks into the other language. A story has one language, so at most one alternative matches it and its
BM25F score is that alternative's, as for a single-language index.

Phrases become one phrase per language; a prefix is stemmed in each language ("intervent*" searches English
"interv*"); other wildcards are kept as typed. Entity fields (``person:``...) are names, not stemmed.
"""

from __future__ import annotations

from whoosh import query as wq

from search.indexing import schema
from search.indexing.analysis import ENGLISH, query_terms, stemmer, term

STEMMED_FIELDS = (schema.TITLE, schema.BODY)


def in_languages(q: wq.Query, codes: tuple[str, ...]) -> wq.Query:
    """``q`` with every title/body word, phrase and wildcard searched in English and in ``codes``."""
    if q.is_leaf():
        return _leaf(q, codes) if getattr(q, "fieldname", None) in STEMMED_FIELDS else q
    return q.apply(lambda child: in_languages(child, codes))


def _leaf(q: wq.Query, codes: tuple[str, ...]) -> wq.Query:
    if isinstance(q, wq.Term):
        return _any([wq.Term(q.fieldname, text, boost=q.boost) for text in query_terms(q.text, codes)])
    if isinstance(q, wq.Phrase):
        variants = dict.fromkeys(tuple(_stemmed(code, word) for word in q.words) for code in (ENGLISH, *codes))
        return _any([wq.Phrase(q.fieldname, list(words), slop=q.slop, boost=q.boost) for words in variants])
    if isinstance(q, wq.Prefix):
        texts = dict.fromkeys(_stemmed(code, q.text) for code in (ENGLISH, *codes))
        return _any([wq.Prefix(q.fieldname, text, boost=q.boost) for text in texts])
    if isinstance(q, wq.Wildcard):
        texts = dict.fromkeys(term(code, q.text) for code in (ENGLISH, *codes))
        return _any([wq.Wildcard(q.fieldname, text, boost=q.boost) for text in texts])
    return q


def _stemmed(code: str, word: str) -> str:
    return term(code, stemmer(code)(word))


def _any(alternatives: list[wq.Query]) -> wq.Query:
    return alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)
