"""Stage 3, indexing: ``Article`` + ``Entities`` -> the Whoosh index.

``schema`` names the index fields, ``document`` turns an article into a document and stored fields back
into values, ``pipeline`` runs extraction in worker processes, ``indexer`` plans, writes and commits,
and ``registry`` is the corpus-wide state the indexer keeps between runs (who a lone surname is).

Nothing is imported here: the query side reads ``schema`` and ``document`` and must not load the indexer
(and with it NLTK) in every web worker.
"""
