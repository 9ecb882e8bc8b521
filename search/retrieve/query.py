"""The query language: user text -> a validated Whoosh query tree, or a BadQuery a person can act on.

``parse_query`` reads and validates the text, ``check_expansion`` bounds its wildcards against the index,
and ``highlight_terms`` lists the index words a hit may contain because of it. Evaluating the tree (matches
and BM25F scores) is :mod:`search.retrieve.scoring`'s job.

The language (what ``parse_query`` accepts):

- plain words: all must match (AND), ranked by BM25F over ``title`` (boosted) and ``body``;
- ``"a phrase"``; ``AND`` / ``OR`` / ``NOT`` (upper case) and parentheses, nested at most ``MAX_DEPTH`` deep;
- fields: ``title:``, ``body:``, ``person:``, ``country:``, ``org:`` (the last three search the entity names as
  words, so ``person:putin`` and ``person:"vladimir putin"`` both find Vladimir Putin);
- ``prefix*`` (and ``?`` inside a word): at least ``MIN_PREFIX`` characters before the first wildcard, at most
  ``MAX_EXPANSION`` index words per field may match it, and twice that for all the query's wildcards. The
  prefix is stemmed like the index (``intervent*`` searches ``interv*``);
- words search every language of the index, each stemmed as its stories are (:mod:`search.retrieve.stemming`).

Refused with BadQuery: an unbalanced quote or parenthesis, text longer than ``QUERY_MAX_CHARS``, more than
``MAX_TERMS`` words, a phrase of more than ``MAX_PHRASE`` words, nesting deeper than ``MAX_DEPTH``, an
unknown field name (``foo:bar``; a colon after digits, as in ``10:30``, is just text), an over-broad
wildcard, operator soups Whoosh's parser can't read, and a query with nothing left to search ("AND OR",
single letters, only very common words).
Read leniently: control characters (NUL included) count as spaces (a query of nothing else browses, like an
empty one); ``~`` and ``-`` are not operators (they are part of the text: ``x~5`` is "x" and "5", both too
short to search); a lone leading/trailing operator is ignored.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from whoosh import qparser
from whoosh import query as wq
from whoosh.fields import Schema

from search.errors import BadQuery
from search.indexing import schema
from search.indexing.analysis import bare
from search.retrieve.stemming import in_languages

logger = logging.getLogger(__name__)

MAX_DEPTH = 8
MAX_TERMS = 64
MAX_PHRASE = 16  # words in one phrase (common words' positions are what a phrase costs)
MIN_PREFIX = 2
MAX_EXPANSION = 256

# Field names a user may type -> the index field they search.
USER_FIELDS = {"title": schema.TITLE, "body": schema.BODY, **schema.FACET_TEXT_FIELDS}
_SEARCHABLE = set(USER_FIELDS.values())
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FIELD_SYNTAX = r"(?P<text>[A-Za-z_]+):"
WILDCARD_CLASSES = (wq.Prefix, wq.Wildcard)
_PARSER_BUGS = (IndexError, KeyError, ValueError, TypeError, AttributeError, RecursionError)


@dataclass(frozen=True)
class ParsedQuery:
    """A validated query: the Whoosh tree and the text it came from."""

    text: str
    query: wq.Query


def clean_text(text: str) -> str:
    """The query text with control characters as spaces and outer whitespace trimmed."""
    return _CONTROL.sub(" ", text or "").strip()


def parse_query(text: str, index_schema: Schema, max_chars: int, languages: tuple[str, ...] = ()) -> ParsedQuery:
    """Parse and validate ``text`` (non-empty after cleaning, at most ``max_chars`` long); raises BadQuery.
    Its words search English and each of ``languages`` (codes of the index's other stemmed languages)."""
    text = clean_text(text)
    if len(text) > max_chars:
        raise BadQuery(f"The query is too long ({len(text)} characters; at most {max_chars}).")
    _check_brackets(text)
    try:
        parsed = _parser(index_schema).parse(text).normalize()
    except _PARSER_BUGS as exc:  # Whoosh's parser trips on some operator soups (" NOT  AND a")
        logger.info("query parser failed on %r: %r", text, exc)
        raise BadQuery(
            "The query can't be read: check where AND, OR and NOT stand "
            "(each needs words on both sides; NOT needs a word after it)."
        ) from None
    _check_tree(parsed)
    return ParsedQuery(text=text, query=in_languages(parsed, languages).normalize())


def check_expansion(parsed: ParsedQuery, reader) -> None:
    """Refuse wildcards that expand to too many index words: MAX_EXPANSION per wildcard and field, twice that
    for the whole query (so the work of evaluating it stays bounded)."""
    total = 0
    for leaf in _leaves(parsed.query):
        if isinstance(leaf, WILDCARD_CLASSES):
            count = 0
            for _ in leaf._btexts(reader):
                count += 1
                if count > MAX_EXPANSION:
                    raise BadQuery(
                        f"'{_shown(leaf)}' matches too many words (over {MAX_EXPANSION}); "
                        f"type more letters before the *."
                    )
            total += count
            if total > 2 * MAX_EXPANSION:
                raise BadQuery(
                    f"The wildcards of this query match too many words together (over "
                    f"{2 * MAX_EXPANSION}); use fewer of them or type more letters before each *."
                )


def term_text(term: bytes | str) -> str:
    """An index term as text (Whoosh hands out expanded wildcard terms as bytes)."""
    return term.decode("utf-8") if isinstance(term, bytes) else term


def highlight_terms(parsed: ParsedQuery, reader, field: str) -> list[str]:
    """The index terms of ``field`` that a hit may contain because of the query (NOT parts left out).

    Wildcards are expanded against the index (bounded: ``check_expansion`` has run).
    """
    terms: list[str] = []
    for leaf in _positive_leaves(parsed.query):
        if getattr(leaf, "fieldname", None) != field:
            continue
        if isinstance(leaf, wq.Phrase):
            terms.extend(leaf.words)
        elif isinstance(leaf, wq.Term):
            terms.append(leaf.text)
        elif isinstance(leaf, WILDCARD_CLASSES):
            terms.extend(term_text(t) for t in leaf._btexts(reader))
    return list(dict.fromkeys(terms))


def _positive_leaves(q: wq.Query):
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        yield from _positive_leaves(q.a)
        return
    if q.is_leaf():
        yield q
        return
    for child in q.children():
        yield from _positive_leaves(child)


def _parser(index_schema: Schema) -> qparser.QueryParser:
    """A MultifieldParser over title and body with only the syntax documented above."""
    searchable = Schema(**{name: index_schema[name] for name in _SEARCHABLE})
    parser = qparser.MultifieldParser([schema.TITLE, schema.BODY], searchable, group=qparser.AndGroup)
    for plugin in (
        qparser.SingleQuotePlugin,
        qparser.RangePlugin,
        qparser.BoostPlugin,
        qparser.EveryPlugin,
        qparser.FieldsPlugin,
    ):
        parser.remove_plugin_class(plugin)
    parser.add_plugin(qparser.FieldsPlugin(expr=_FIELD_SYNTAX, remove_unknown=False))
    aliases: dict[str, list[str]] = {}
    for user, field in USER_FIELDS.items():
        if user != field:
            aliases.setdefault(field, []).append(user)
    parser.add_plugin(qparser.FieldAliasPlugin(aliases))
    return parser


def _check_brackets(text: str) -> None:
    """Quotes must pair up; parentheses (outside quotes) must balance and nest at most MAX_DEPTH deep."""
    depth = deepest = 0
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise BadQuery("Unbalanced parentheses: a ')' has no matching '('.")
    if quoted:
        raise BadQuery('Unbalanced quote: a phrase opened with " is never closed.')
    if depth:
        raise BadQuery("Unbalanced parentheses: a '(' is never closed.")
    if deepest > MAX_DEPTH:
        raise BadQuery(f"Parentheses are nested too deeply ({deepest} levels; at most {MAX_DEPTH}).")


def _check_tree(q: wq.Query) -> None:
    """Reject trees that search nothing, name unknown fields, or are too big or too broad."""
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        raise BadQuery(
            "Nothing to search for: the query has no searchable words "
            "(operators alone, single letters and very common words such as 'the' are ignored)."
        )
    leaves = list(_leaves(q))
    if len(leaves) > MAX_TERMS * 2:  # every word searches two fields
        raise BadQuery(f"The query has too many words (at most {MAX_TERMS}).")
    for leaf in leaves:
        field = getattr(leaf, "fieldname", None)
        if field not in _SEARCHABLE:
            raise BadQuery(_unknown_field_message(str(field)))
        if isinstance(leaf, wq.Phrase) and len(leaf.words) > MAX_PHRASE:
            raise BadQuery(f"A phrase may have at most {MAX_PHRASE} words (this one has {len(leaf.words)}).")
        if isinstance(leaf, wq.Every):
            raise BadQuery("A lone * matches everything: leave the query empty to browse all articles.")
        if isinstance(leaf, WILDCARD_CLASSES):
            literal = re.split(r"[*?]", leaf.text, maxsplit=1)[0]
            if len(literal) < MIN_PREFIX:
                raise BadQuery(f"'{_shown(leaf)}' is too broad: type at least {MIN_PREFIX} letters before a * or ?.")


def _unknown_field_message(field: str) -> str:
    known = ", ".join(f"{name}:" for name in USER_FIELDS)
    hint = " Use the date filters (from / to) for dates." if field in (schema.DATE, schema.MONTH) else ""
    return f"Unknown field '{field}:'. Fields you can search: {known}.{hint}"


def _leaves(q: wq.Query):
    if q.is_leaf():
        yield q
        return
    for child in q.children():
        yield from _leaves(child)


def _shown(leaf: wq.Query) -> str:
    return bare(leaf.text) + "*" if isinstance(leaf, wq.Prefix) else bare(leaf.text)
