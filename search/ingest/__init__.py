"""Stage 1, ingest: corpus files -> ``Article`` records.

``corpus`` finds the files and applies one policy to whatever a reader parsed (ids, dates, problems);
there is one reader per format (``text``, ``jsonl``, ``sgml``, ``html``), sharing ``base``. ``dates`` reads
publication dates; ``fetch`` downloads public corpora (``news-search corpus fetch``).
"""

from search.ingest.corpus import SUFFIXES, FileResult, check_readers, discover, iter_articles, read_file

__all__ = ["SUFFIXES", "FileResult", "check_readers", "discover", "iter_articles", "read_file"]
