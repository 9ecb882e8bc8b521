"""The index schema and its field names. Field names live here only (the facets' come from the facet
registry, :mod:`search.facets`).

- ``title`` and ``body``: full text stemmed in the story's language (:mod:`search.indexing.analysis`:
  English bare, others prefixed with their code), BM25F with the title boosted; both stored (hits,
  snippets). Positions only, no character offsets: snippets are found with one regex per query over the
  ten stored bodies shown, which measured faster than unpickling offset postings.
- per facet: ``person`` (every person the story names; multi-valued, comma-separated KEYWORD, stored with
  the canonical spelling, the terms lowercased), ``person_about`` (the subset the story is about, stored
  only: filters and counts read stored values once per index generation) and ``person_text`` (the named
  values as words, so ``person:putin`` finds "Vladimir Putin"). Likewise ``country`` and ``org``.
- ``date`` (sortable) and ``month`` ("YYYY-MM") for histograms.
- No field for "did you mean": its dictionary (each story's distinct unstemmed words) is counted from the
  stored title and body once per segment (:mod:`search.indexing.segments`); an older index's ``spell``
  field is dropped by ``--rebuild``.
- ``byline`` and ``codes`` (the agency's): stored only; an older index without them reads as none.

The analyzers (Whoosh pickles them into the index with the schema):

>>> [t.text for t in news_analyzer()("Israeli officers visited Moscow")]
['isra', 'offic', 'visit', 'moscow']
>>> [t.text for t in news_analyzer()(marked("Israelische Offiziere besuchten Moskau", "de"))]
['de:israel', 'de:offizi', 'de:besucht', 'de:moskau']
>>> [t.text for t in plain_analyzer()("Netanyahu's officers")]
["netanyahu's", 'officers']
"""

from __future__ import annotations

from whoosh.analysis import Analyzer, LowercaseFilter, RegexTokenizer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from search.facets import FACETS
from search.indexing import storage
from search.indexing.analysis import NewsAnalyzer, marked  # noqa: F401 (marked: for the doctest)

storage.read_in_place()  # every process that opens an index imports this module

ID_FIELD = "id"
TITLE = "title"
BODY = "body"
DATE = "date"
MONTH = "month"
DATE_SOURCE = "date_source"
SOURCE = "source"
URL = "url"
PATH = "path"
HASH = "hash"
SIMHASH = "simhash"
MENTIONS = "mentions"
BYLINE = "byline"  # stored only: shown on the article, never searched (the reporter is no person the story names)
CODES = "codes"  # stored only: the agency's codes as (kind, code, name) tuples

FACET_FIELDS = {facet.name: facet.field for facet in FACETS}  # facet name -> its keyword field
FACET_TEXT_FIELDS = {facet.name: facet.text_field for facet in FACETS}  # facet name -> its words field
TITLE_BOOST = 3.0


def news_analyzer() -> Analyzer:
    """Each story stemmed in its language (English: Porter, stop words removed), large stem caches."""
    return NewsAnalyzer()


def plain_analyzer() -> Analyzer:
    """Lowercased words, unstemmed: names in field queries and the spelling dictionary."""
    return RegexTokenizer(r"\w+(?:['.]\w+)*") | LowercaseFilter()


def is_current(index_schema: Schema) -> bool:
    """Whether an index was built with this schema's fields and analyzer (an older one lacks the ``*_about``
    fields, its facet values the about-subsets only, or stems every language as English: rebuild it)."""
    return all(facet.about_field in index_schema for facet in FACETS) and isinstance(
        index_schema[BODY].analyzer, NewsAnalyzer
    )


def make_schema() -> Schema:
    """A fresh schema object (Whoosh pickles it into the index)."""
    text = news_analyzer()
    plain = plain_analyzer()
    return Schema(
        **{
            ID_FIELD: ID(stored=True, unique=True),
            TITLE: TEXT(analyzer=text, stored=True, field_boost=TITLE_BOOST),
            BODY: TEXT(analyzer=text, stored=True),
            DATE: DATETIME(stored=True, sortable=True),
            MONTH: ID(stored=True),
            DATE_SOURCE: STORED(),
            SOURCE: ID(stored=True),
            URL: STORED(),
            PATH: ID(stored=True),
            HASH: STORED(),
            SIMHASH: STORED(),
            **{facet.field: KEYWORD(stored=True, commas=True, lowercase=True, scorable=True) for facet in FACETS},
            **{facet.about_field: STORED() for facet in FACETS},
            **{facet.text_field: TEXT(analyzer=plain) for facet in FACETS},
            MENTIONS: STORED(),
            BYLINE: STORED(),
            CODES: STORED(),
        }
    )
