"""Search speed benchmark: full results pages on Reuters-21578, against SQLite FTS5 as a yardstick.

What one timed "page" is: ``NewsSearcher.search`` for one line of ``bench/queries.txt`` (top 10 hits, exact
total, every facet count, the date histogram, snippets and the "did you mean" check), in process.

The index: pass ``--index-dir`` to time an index the project's indexer built (``news-search index``, with
extracted entities). Without it the script builds its own bench index once (under ``--work-dir``) straight
from ``../shared/corpora/reuters21578``: it reads the SGML itself because the entities come from the editors'
``<PLACES>``/``<PEOPLE>``/``<ORGS>`` labels (quick, and fine for timing; ``search.ingest`` yields articles
without those labels). Documents go through ``search.indexing.document.to_document`` exactly as the indexer sends them.

The comparison: the same articles in an SQLite FTS5 table (porter tokenizer, title weighted by bm25()),
facets counted with SQL over an entity table, snippets from FTS5 ``snippet()``.

Passes: the first searcher of an index builds the per-generation caches (facet arrays, dates, near-duplicate
groups: ~1.5 s on Reuters, not timed). The first pass over the queries is then printed on its own ("cold":
each term's postings are decoded and scored the first time a query uses it); the targets are checked on the
``--repeats`` passes after it, as FTS5's are (it, too, gets one untimed pass to warm SQLite's page cache).

Scaling: the same query list at 25 %, 50 % and 100 % of the corpus (separate indexes), printed as a table.

Usage::

    .venv/bin/python bench/search_speed.py                    # build bench indexes if missing, run all
    .venv/bin/python bench/search_speed.py --index-dir instance/index --no-scaling
"""

from __future__ import annotations

import argparse
import html
import re
import sqlite3
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from search.facets import FACET_NAMES  # noqa: E402
from search.indexing.document import to_document  # noqa: E402
from search.indexing.schema import make_schema  # noqa: E402
from search.models import Article, Entities, SearchRequest  # noqa: E402
from search.retrieve.index import open_index  # noqa: E402

REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578"
QUERIES = Path(__file__).with_name("queries.txt")

_RECORD = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_NEWID = re.compile(r'NEWID="(\d+)"')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _tag(text: str, name: str) -> str:
    m = re.search(rf"<{name}>(.*?)</{name}>", text, re.S)
    return m.group(1) if m else ""


def _labels(text: str, name: str) -> list[str]:
    return re.findall(r"<D>(.*?)</D>", _tag(text, name))


def _clean(raw: str) -> str:
    return _CONTROL.sub("", html.unescape(raw)).strip()


def _label_name(code: str, upper: bool = False) -> str:
    if upper or len(code) <= 3:
        return code.upper()
    return " ".join(part.capitalize() for part in code.split("-"))


def read_reuters(root: Path = REUTERS, limit: int | None = None) -> Iterator[tuple[Article, Entities]]:
    """Reuters-21578 records as (Article, Entities from the editors' labels), in file order."""
    count = 0
    for path in sorted(root.glob("reut2-*.sgm")):
        text = path.read_text(encoding="latin-1")
        for m in _RECORD.finditer(text):
            if limit is not None and count >= limit:
                return
            attrs, rec = m.groups()
            published = None
            try:
                published = datetime.strptime(_clean(_tag(rec, "DATE")).split(".")[0], "%d-%b-%Y %H:%M:%S")
                published = published.replace(tzinfo=timezone.utc)
            except ValueError:
                pass
            article = Article(
                id=f"reuters-{_NEWID.search(attrs).group(1)}",
                title=_clean(_tag(rec, "TITLE")),
                body=_clean(_tag(rec, "BODY")),
                published=published,
                date_source="metadata" if published else "",
                source="Reuters",
                path=f"{path.name}#{_NEWID.search(attrs).group(1)}",
            )
            entities = Entities(
                persons=tuple(_label_name(c) for c in _labels(rec, "PEOPLE")),
                countries=tuple(_label_name(c) for c in _labels(rec, "PLACES")),
                orgs=tuple(_label_name(c, upper=True) for c in _labels(rec, "ORGS")),
            )
            count += 1
            yield article, entities


# -- building the bench indexes --------------------------------------------------------------------------


def build_whoosh(directory: Path, records: list[tuple[Article, Entities]]) -> None:
    """A Whoosh index of ``records`` made as the indexer makes it (``to_document`` + one writer)."""
    from whoosh import index as whoosh_index

    directory.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(directory), make_schema())
    writer = ix.writer(limitmb=256)
    for article, entities in records:
        writer.add_document(**to_document(article, entities))
    writer.commit()
    ix.close()


def build_fts5(path: Path, records: list[tuple[Article, Entities]]) -> None:
    """The same articles in SQLite: an FTS5 table (porter), a date table and an entity table."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE VIRTUAL TABLE docs USING fts5(title, body, person, country, org, tokenize='porter unicode61');
        CREATE TABLE meta(rowid INTEGER PRIMARY KEY, id TEXT, day TEXT);
        CREATE INDEX meta_day ON meta(day);
        CREATE TABLE ent(doc INTEGER, kind TEXT, value TEXT);
        CREATE INDEX ent_value ON ent(kind, value COLLATE NOCASE, doc);
        CREATE INDEX ent_doc ON ent(doc, kind, value);
        INSERT INTO docs(docs, rank) VALUES ('rank', 'bm25(3.0, 1.0, 1.0, 1.0, 1.0)');
        """
    )
    for rowid, (article, entities) in enumerate(records, start=1):
        db.execute(
            "INSERT INTO docs(rowid, title, body, person, country, org) VALUES (?, ?, ?, ?, ?, ?)",
            (
                rowid,
                article.title,
                article.body,
                " ".join(entities.persons),
                " ".join(entities.countries),
                " ".join(entities.orgs),
            ),
        )
        day = article.published.date().isoformat() if article.published else None
        db.execute("INSERT INTO meta VALUES (?, ?, ?)", (rowid, article.id, day))
        for kind, values in (("person", entities.persons), ("country", entities.countries), ("org", entities.orgs)):
            db.executemany("INSERT INTO ent VALUES (?, ?, ?)", [(rowid, kind, v) for v in values])
    db.commit()
    db.close()


def prepare(work: Path, fraction: float, records: list[tuple[Article, Entities]]) -> tuple[Path, Path]:
    """Whoosh and FTS5 indexes of the first ``fraction`` of the corpus, built once under ``work``."""
    count = round(len(records) * fraction)
    whoosh_dir = work / f"whoosh-{count}"
    fts_path = work / f"fts5-{count}.sqlite"
    if not (whoosh_dir / "done").exists():
        started = time.perf_counter()
        build_whoosh(whoosh_dir, records[:count])
        (whoosh_dir / "done").write_text(str(count))
        print(f"  built Whoosh index of {count} articles in {time.perf_counter() - started:.0f} s")
    if not fts_path.exists():
        build_fts5(fts_path, records[:count])
    return whoosh_dir, fts_path


# -- the query list ---------------------------------------------------------------------------------------


def read_queries(path: Path = QUERIES) -> list[SearchRequest]:
    """``bench/queries.txt`` as SearchRequests (see its header for the line format)."""
    requests = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        text, _, params = line.partition("|")
        fields: dict[str, list[str]] = {}
        for pair in filter(None, (p.strip() for p in params.split(";"))):
            key, _, value = pair.partition("=")
            fields.setdefault(key.strip(), []).append(value.strip())
        requests.append(
            SearchRequest(
                q=text.strip(),
                filters={name: tuple(fields.get(name, ())) for name in FACET_NAMES},
                date_from=date.fromisoformat(fields["from"][0]) if "from" in fields else None,
                date_to=date.fromisoformat(fields["to"][0]) if "to" in fields else None,
                sort=fields.get("sort", [""])[0],
            )
        )
    return requests


# -- timing -----------------------------------------------------------------------------------------------


def time_ours(
    index_dir: Path, requests: list[SearchRequest], repeats: int
) -> tuple[list[float], list[float], list[float]]:
    """Times in ms of full results pages through NewsSearcher.search: (first pass, repeated passes, repeated
    passes including ``SearchPage.to_dict()``, the JSON-ready dict the API sends)."""
    index = open_index(index_dir)
    with index.searcher() as searcher:  # the first searcher builds the generation caches: not timed
        searcher.search(SearchRequest(q="zzzz"))
    cold, warm, as_dict = [], [], []
    for rounds, out in ((1, cold), (repeats, warm)):
        for _ in range(rounds):
            for request in requests:
                started = time.perf_counter()
                with index.searcher() as searcher:
                    result = searcher.search(request)
                searched = time.perf_counter()
                result.to_dict()
                out.append((searched - started) * 1000)
                if out is warm:
                    as_dict.append((time.perf_counter() - started) * 1000)
    index.close()
    return cold, warm, as_dict


def time_fts5(path: Path, requests: list[SearchRequest], repeats: int) -> list[float]:
    """Times in ms of the equivalent page from SQLite FTS5 (after one untimed pass)."""
    db = sqlite3.connect(path)
    db.execute("CREATE TEMP TABLE m(rowid INTEGER PRIMARY KEY)")
    times = []
    for rounds in (1, repeats):
        for _ in range(rounds):
            for request in requests:
                started = time.perf_counter()
                fts5_page(db, request)
                if rounds == repeats:
                    times.append((time.perf_counter() - started) * 1000)
    db.close()
    return times


def fts5_page(db: sqlite3.Connection, request: SearchRequest) -> dict:
    """Top 10 with snippets, total, facet counts and a monthly histogram, as SQL.

    The matching rowids go to a temp table first (filters remove rows from it: a ``rowid IN (...)`` next to
    MATCH makes FTS5 test each row on its own, 100x slower); counts then join that table.
    """
    match = _fts5_query(request.q)
    db.execute("DELETE FROM temp.m")
    if match:
        db.execute("INSERT INTO temp.m SELECT rowid FROM docs WHERE docs MATCH ?", [match])
    else:  # browsing: start from the date range's rows (an index range) rather than every row
        db.execute(
            "INSERT INTO temp.m SELECT rowid FROM meta WHERE coalesce(day >= ?, 1) AND coalesce(day <= ?, 1)",
            (request.date_from and request.date_from.isoformat(), request.date_to and request.date_to.isoformat()),
        )
    filtered = _fts5_filter(db, request)
    snippet = "snippet(docs, 1, '<mark>', '</mark>', '...', 16)"
    if match and request.sort in ("", "relevance"):
        join = " CROSS JOIN temp.m ON m.rowid = docs.rowid" if filtered else ""
        top = db.execute(
            f"SELECT docs.rowid, title, {snippet} FROM docs{join} WHERE docs MATCH ? ORDER BY rank LIMIT 10", [match]
        ).fetchall()
    else:
        order = "ASC" if request.sort == "oldest" else "DESC"
        best = [
            row[0]
            for row in db.execute(
                f"SELECT m.rowid FROM temp.m CROSS JOIN meta ON meta.rowid = m.rowid ORDER BY day {order} LIMIT 10"
            )
        ]
        if match:
            top = [
                db.execute(
                    f"SELECT rowid, title, {snippet} FROM docs WHERE docs MATCH ? AND rowid = ?", (match, rowid)
                ).fetchone()
                for rowid in best
            ]
        else:
            top = [
                db.execute("SELECT rowid, title, substr(body, 1, 200) FROM docs WHERE rowid = ?", (rowid,)).fetchone()
                for rowid in best
            ]
    total = db.execute("SELECT count(*) FROM temp.m").fetchone()[0]
    facets = {
        kind: db.execute(
            "SELECT value, count(*) AS n FROM temp.m CROSS JOIN ent ON ent.doc = m.rowid AND "
            "ent.kind = ? GROUP BY value ORDER BY n DESC, value LIMIT 10",
            (kind,),
        ).fetchall()
        for kind in ("person", "country", "org")
    }
    months = db.execute(
        "SELECT substr(day, 1, 7) AS month, count(*) FROM temp.m CROSS JOIN meta ON meta.rowid ="
        " m.rowid WHERE day IS NOT NULL GROUP BY month"
    ).fetchall()
    return {"total": total, "hits": top, "facets": facets, "months": months}


def _fts5_filter(db: sqlite3.Connection, request: SearchRequest) -> bool:
    """Remove the rows of temp.m that fail a facet or date filter; True when there was any filter."""
    for kind, values in request.filters.items():
        for value in values:
            db.execute(
                "DELETE FROM temp.m WHERE rowid NOT IN (SELECT doc FROM ent WHERE kind = ? AND value = ? "
                "COLLATE NOCASE)",
                (kind, value),
            )
    if request.date_from:
        db.execute(
            "DELETE FROM temp.m WHERE rowid NOT IN (SELECT rowid FROM meta WHERE day >= ?)",
            (request.date_from.isoformat(),),
        )
    if request.date_to:
        db.execute(
            "DELETE FROM temp.m WHERE rowid NOT IN (SELECT rowid FROM meta WHERE day <= ?)",
            (request.date_to.isoformat(),),
        )
    return request.has_filters()


def _fts5_query(text: str) -> str:
    """Our query syntax in FTS5's: the same words, phrases, operators and prefixes; entity fields renamed."""
    return text.strip()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def summary(times: list[float]) -> str:
    p50, p95, mean = percentile(times, 50), percentile(times, 95), statistics.mean(times)
    return f"p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   mean {mean:6.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index-dir", type=Path, help="time this index (built by `news-search index`)")
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=Path("/tmp/news-search-bench"),
        help="where bench indexes are built and kept (default: %(default)s)",
    )
    parser.add_argument("--corpus", type=Path, default=REUTERS)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-scaling", action="store_true", help="skip the 25 %% / 50 %% corpus runs")
    args = parser.parse_args(argv)
    requests = read_queries()
    print(f"{len(requests)} queries from {QUERIES.name}, {args.repeats} timed passes each")
    args.work_dir.mkdir(parents=True, exist_ok=True)
    records = list(read_reuters(args.corpus))
    print(f"corpus: {len(records)} Reuters-21578 stories")
    whoosh_dir, fts_path = prepare(args.work_dir, 1.0, records)
    index_dir = args.index_dir or whoosh_dir
    cold, warm, as_dict = time_ours(index_dir, requests, args.repeats)
    fts = time_fts5(fts_path, requests, args.repeats)
    print(f"\nfull results page, in process, index {index_dir}")
    print(f"  news-search, first pass (cold term caches)  {summary(cold)}")
    print(f"  news-search, repeated passes                {summary(warm)}")
    print(f"  ... plus SearchPage.to_dict() (API JSON)    {summary(as_dict)}")
    print(f"  SQLite FTS5, repeated passes                {summary(fts)}")
    ours50, ours95, fts50, fts95 = (
        percentile(warm, 50),
        percentile(warm, 95),
        percentile(fts, 50),
        percentile(fts, 95),
    )
    print("\ntargets")
    print(f"  p50 <= 5 ms: {ours50:.2f} ms  {'ok' if ours50 <= 5 else 'MISSED'}")
    print(f"  p95 <= 25 ms: {ours95:.2f} ms  {'ok' if ours95 <= 25 else 'MISSED'}")
    print(f"  p50 <= 3x FTS5 p50 ({3 * fts50:.2f} ms): {'ok' if ours50 <= 3 * fts50 else 'MISSED'}")
    print(f"  p95 <= FTS5 p95 ({fts95:.2f} ms): {'ok' if ours95 <= fts95 else 'MISSED'}")
    if not args.no_scaling:
        print("\nscaling (repeated passes; mean per page)")
        print(f"  {'articles':>9} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} {'mean / 25% mean':>16}  FTS5 p50 / p95")
        base = None
        for fraction in (0.25, 0.5, 1.0):
            wdir, fpath = prepare(args.work_dir, fraction, records)
            _, times, _ = time_ours(wdir, requests, args.repeats)
            fts_times = time_fts5(fpath, requests, args.repeats)
            mean = statistics.mean(times)
            base = base or mean
            print(
                f"  {round(len(records) * fraction):>9} {percentile(times, 50):8.2f} {percentile(times, 95):8.2f}"
                f" {mean:8.2f} {mean / base:16.2f}  {percentile(fts_times, 50):.2f} / "
                f"{percentile(fts_times, 95):.2f}"
            )
    print("\nFigures are noisy when other work shares the machine.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
