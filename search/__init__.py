"""news-search core: a news corpus becomes a Whoosh index that answers faceted searches.

The data flows one way::

    search.corpus.iter_articles(root)      -> Article          (one reader per file format)
    search.entities.EntityExtractor        -> Entities         (NLTK tagger + binary NE chunker, typed here)
    search.document.to_document            -> dict             (schema.py names the fields)
    search.indexer.build_index             -> IndexReport      (worker processes extract, one writer)
    search.index.NewsIndex.searcher()      -> NewsSearcher     (per request; caches per index generation)
    NewsSearcher.search(SearchRequest)     -> SearchPage       (hits, exact facet counts, snippets)

No Flask in here: ``web/`` parses requests into ``SearchRequest`` and serialises ``SearchPage``.
"""
