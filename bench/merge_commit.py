"""The first search after a commit that merges segments, and a restart after it, on an index ``bench/scale.py`` built.

The bounded merge policy (``search/indexing/merging.py``) merges up to 50,000 stories in one commit; the
first search in a web worker after such a commit has to take in the merged segment. This measures it:

1. the index (``--index-dir``, default the 50x one) is copied to ``--work-dir``: segment files hard-linked
   (Whoosh never writes into one), everything else copied, so the original is left as it was;
2. a process opens the copy and serves a search, as a web worker that served the generation before;
3. the real ``news-search index`` adds 100 new stories (Reuters' first 100 as ``bench/scale.py`` makes a
   copy, ``--copy`` of them), its merge policy told to merge the ``--merge`` smallest segments into the
   commit's own (the only change: which segments the policy picks);
4. that process's first search ("oil prices") after the commit is timed, split into taking in the new
   generation and the search itself;
5. new processes time a restart to the first results page, twice (the second finds the groups the first
   saved).

    NLTK_DATA=../shared/nltk_data .venv/bin/python bench/merge_commit.py --merge 7

About 2 minutes at 50x (the merge itself is most of it). Runs vary by 10-20 % on the 2-core machine:
compare code by alternating runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scale import COMMIT_STORIES, mixed_copy, restart_cost, reuters_articles  # noqa: E402

from search.models import SearchRequest  # noqa: E402
from search.retrieve import open_index  # noqa: E402

FORCED_MERGE = """
import sys
from search.indexing import merging

def smallest(sizes, count=int(sys.argv[1])):
    return sorted(sorted(range(len(sizes)), key=lambda i: sizes[i][0])[:count])

merging.choose_merge = smallest
from search.cli import cli
cli(sys.argv[2:])
"""


def copy_index(source: Path, target: Path) -> None:
    """``source`` at ``target``: segment files hard-linked, the rest (saved segment data included) copied."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for path in source.iterdir():
        if path.suffix == ".seg":
            os.link(path, target / path.name)
        elif path.is_dir():
            shutil.copytree(path, target / path.name)
        elif path.name != "indexer.lock":
            shutil.copy2(path, target / path.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=ROOT / "bench" / "out" / "scale" / "index-50x")
    parser.add_argument("--work-dir", type=Path, default=ROOT / "bench" / "out" / "merge-commit")
    parser.add_argument("--merge", type=int, default=7, help="how many of the smallest segments to merge")
    parser.add_argument("--copy", type=int, default=51, help="the copy number of the 100 new stories' ids")
    options = parser.parse_args()
    if not options.index_dir.is_dir():
        raise SystemExit(f"{options.index_dir} is missing: build it with bench/scale.py")
    index_dir, corpus = options.work_dir / "index", options.work_dir / "corpus"
    copy_index(options.index_dir, index_dir)
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    with (corpus / "new.jsonl").open("w", encoding="utf-8") as out:
        for record in mixed_copy(reuters_articles()[:COMMIT_STORIES], options.copy):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")

    serving = open_index(index_dir)
    with serving.searcher() as searcher:
        segments_before = len(list(searcher._s.reader().leaf_readers()))
        searcher.search(SearchRequest(q="oil prices"))
    started = time.perf_counter()
    command = [
        sys.executable,
        "-c",
        FORCED_MERGE,
        str(options.merge),
        "index",
        str(corpus),
        "--index-dir",
        str(index_dir),
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0 or f"added {COMMIT_STORIES}," not in done.stdout:
        raise SystemExit(f"the indexer failed:\n{done.stdout[-800:]}\n{done.stderr[-800:]}")
    print(f"indexer: {time.perf_counter() - started:.1f} s, merging {options.merge} of {segments_before} segments")
    started = time.perf_counter()
    with serving.searcher() as searcher:
        opened = time.perf_counter()
        searcher.search(SearchRequest(q="oil prices"))
        segments_after = len(list(searcher._s.reader().leaf_readers()))
    finished = time.perf_counter()
    serving.close()
    print(
        f"first search after the merging commit: {(finished - started) * 1000:.0f} ms "
        f"(new generation {(opened - started) * 1000:.0f} ms, search {(finished - opened) * 1000:.0f} ms; "
        f"{segments_after} segments now)"
    )
    for attempt in ("restart", "restart with the groups saved"):
        print(f"{attempt}: {restart_cost(index_dir):.0f} ms")


if __name__ == "__main__":
    main()
