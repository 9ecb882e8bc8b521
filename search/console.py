"""What the command line prints: the summary of an indexing run, a page of hits as text, progress bars.

The commands themselves are in :mod:`search.cli`; only these two modules write to the terminal.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import click

from search.facets import FACETS
from search.models import IndexReport, SearchPage

CHIPS_PER_FACET = 4  # entity values shown under each hit, per facet


def progress_factory():
    """tqdm bars on a terminal; nothing when output is piped or logged."""
    from tqdm import tqdm

    enabled = sys.stderr.isatty()

    def make(total: int | None, desc: str):
        return tqdm(
            total=total,
            desc=desc,
            unit=" files" if desc == "reading" else " articles",
            disable=not enabled,
            leave=False,
            dynamic_ncols=True,
        )

    return make


def echo_report(report: IndexReport, target: Path) -> None:
    """The summary line of an indexing run, then its empty records, skipped files and problems (stderr)."""
    skipped = ""
    if report.skipped:
        names = ", ".join(Path(path).name for path in report.skipped[:3]) + (", ..." if len(report.skipped) > 3 else "")
        plural = "s" if len(report.skipped) != 1 else ""
        skipped = f"skipped {len(report.skipped)} non-news file{plural} ({names}), "
    same = ""
    if report.files_not_reread:
        plural = "s" if report.files_not_reread != 1 else ""
        same = f" ({report.files_not_reread} file{plural} unchanged since the last run, not read again)"
    click.echo(
        f"Indexed into {target} in {report.seconds:.1f} s: read {report.read}{same}, added {report.added}, "
        f"updated {report.updated}, unchanged {report.unchanged}, removed {report.removed}, "
        f"empty {len(report.empty)}, {skipped}failed {len(report.failed)}."
    )
    notes = [f"  empty {path}: {record} has no title and no text" for path, record in report.empty]
    notes += [f"  not news {path}: skipped (name the file itself to index it)" for path in report.skipped]
    for note in notes[:50]:
        click.echo(note, err=True)
    if len(notes) > 50:
        click.echo(f"  ... and {len(notes) - 50} more", err=True)
    for path, reason in report.failed[:50]:
        click.secho(f"  skipped {path}: {reason}", fg="yellow", err=True)
    if len(report.failed) > 50:
        click.secho(f"  ... and {len(report.failed) - 50} more problems", fg="yellow", err=True)


def echo_page(page: SearchPage) -> None:
    """A page of hits as terminal text: count, did-you-mean, each hit with its snippet and entities, facets."""
    first = (page.page - 1) * page.per_page + 1
    last = first + len(page.hits) - 1
    click.echo(
        f"{page.total} articles ({page.took_ms:.1f} ms)"
        + (f"; showing {first}-{last}, page {page.page}" if page.hits else "")
    )
    if page.suggestion:
        click.secho(f"Did you mean: {page.suggestion}", fg="yellow")
    for hit in page.hits:
        click.echo("")
        click.secho(hit.title or "(untitled)", bold=True)
        meta = " | ".join(x for x in (hit.date or "undated", hit.source, hit.id) if x)
        click.secho(f"  {meta}", dim=True)
        click.echo(f"  {snippet_text(hit.snippet, highlight=sys.stdout.isatty())}")
        chips = ", ".join(value for facet in FACETS for value in hit.entities.get(facet.name, ())[:CHIPS_PER_FACET])
        if chips:
            click.secho(f"  [{chips}]", fg="cyan")
    for facet in FACETS:
        values = page.facets.get(facet.name, ())
        if values:
            click.echo("")
            click.echo(f"{facet.name}: " + ", ".join(f"{v.value} ({v.count})" for v in values))


def snippet_text(snippet: str, highlight: bool) -> str:
    """The HTML snippet as terminal text: <mark> becomes bold (or nothing when piped), entities unescaped."""
    on, off = ("\033[1m", "\033[0m") if highlight else ("", "")
    text = snippet.replace("<mark>", on).replace("</mark>", off)
    return html.unescape(re.sub(r"<[^>]+>", "", text))
