"""Stage 1, ingest: corpus files -> ``Article`` records.

``corpus`` finds the files and applies one policy to whatever a reader parsed (ids, dates, problems);
``readers`` picks the reader by suffix (and ``.xml`` by root element). There is one reader per format
(``text``, ``jsonl``, ``sgml``, ``html``, ``newsml``, ``nitf``, ``feed``, ``warc``), sharing ``base`` (and
``xml``, safe XML parsing). ``dates`` reads publication dates; ``fetch`` downloads public corpora
(``news-search corpus fetch``); ``follow`` polls live feeds into a spool folder (``news-search follow``).
"""

from search.ingest.corpus import FileResult, discover, iter_articles, read_file, resolved_path
from search.ingest.readers import SUFFIXES, check_readers

__all__ = ["SUFFIXES", "FileResult", "check_readers", "discover", "iter_articles", "read_file", "resolved_path"]
