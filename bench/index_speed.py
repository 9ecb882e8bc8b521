"""Indexing speed and memory on the full Reuters-21578 corpus (target: first index <= 120 s wall,
re-run with nothing changed <= 10 s, peak memory <= 1.5 GB).

Runs ``news-search index`` as a child process, as a user would, and samples the resident memory of
its whole process tree (the writer and the extraction workers) every 100 ms from /proc.

    python bench/index_speed.py [--corpus ../shared/corpora/reuters21578] [--index-dir bench/out/index]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "reuters21578"


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm") as f:
                total += int(f.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
        stack.extend(children.get(current, []))
    return total


def run_indexer(args: list[str]) -> tuple[float, int, str]:
    """(wall seconds, peak tree RSS bytes, output) of one indexer run."""
    command = [str(Path(sys.executable).with_name("news-search")), "index", *args]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_bytes(process.pid))
        time.sleep(0.1)
    wall = time.perf_counter() - started
    output = process.stdout.read() if process.stdout else ""
    if process.returncode != 0:
        raise SystemExit(f"indexer failed ({process.returncode}):\n{output}")
    return wall, peak, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--index-dir", type=Path, default=ROOT / "bench" / "out" / "index")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="Don't delete an existing index first.")
    options = parser.parse_args()

    files = sorted(str(p) for p in options.corpus.glob("*.sgm"))
    if not files:
        raise SystemExit(f"no .sgm files in {options.corpus}")
    if options.index_dir.exists() and not options.keep:
        shutil.rmtree(options.index_dir)
    common = [*files, "--index-dir", str(options.index_dir)]
    if options.workers:
        common += ["--workers", str(options.workers)]

    print(f"corpus: {len(files)} files in {options.corpus}; cores: {os.cpu_count()}")
    wall, peak, output = run_indexer(common)
    print(output.strip().splitlines()[0] if output.strip() else "")
    print(f"first index:  {wall:7.1f} s wall   peak memory {peak / 2**20:7.0f} MiB   (target <= 120 s, <= 1536 MiB)")
    wall, peak, output = run_indexer(common)
    print(output.strip().splitlines()[0] if output.strip() else "")
    print(f"re-run:       {wall:7.1f} s wall   peak memory {peak / 2**20:7.0f} MiB   (target <= 10 s)")


if __name__ == "__main__":
    main()
