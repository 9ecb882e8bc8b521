"""Stage 4, retrieve: ``SearchRequest`` -> ``SearchPage`` over the index.

``index`` opens it once per process and pools Whoosh searchers; ``generation`` holds what every search of
one index generation shares; ``searcher`` is the one coordinator of a request, calling ``validation`` (every
rule about a request), ``query`` (the language), ``scoring`` (BM25F over cached postings, top-k),
``filters`` (selections, exclusions, about), ``facet_counts``, ``dedupe``, ``snippets``, ``suggest`` and
``respell`` (did you mean), ``timeline`` (results over time) and ``cooccurrence`` (entity pages: who is
named with whom).
"""

from search.retrieve.index import NewsIndex, open_index
from search.retrieve.searcher import NewsSearcher

__all__ = ["NewsIndex", "NewsSearcher", "open_index"]
