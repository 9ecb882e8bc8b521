"""The ``news-search`` command: setup, corpus fetch, index, search, serve, follow.

With :mod:`search.console` (what it prints), the only module that writes to the terminal. Domain errors
(``SearchError``) become a one-line message and exit code 1 (2 for usage errors, as click does); never a
traceback.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from search import settings
from search.console import echo_page, echo_report, progress_factory
from search.errors import SearchError
from search.facets import FACETS, MENTIONS
from search.models import SORTS, SearchRequest
from search.settings import Limits

CLUSTER_HELP = "Extract entities on the Dask cluster whose scheduler is at TCP_ADDRESS [env NEWS_SEARCH_CLUSTER]."


class _Group(click.Group):
    """Turns the core's domain errors into a clear message instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SearchError as exc:
            click.secho(f"Error: {exc.message}", fg="red", err=True)
            ctx.exit(1)


def _index_dir_option(func):
    return click.option(
        "--index-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help=f"Index folder [env NEWS_SEARCH_INDEX_DIR; default {settings.get('INDEX_DIR')}].",
    )(func)


@click.group(cls=_Group)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (to stderr).")
def cli(verbose: bool) -> None:
    """Search a news archive: full text plus person, country, organisation and date facets."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


# -- setup -----------------------------------------------------------------------------------------


@cli.command()
def setup() -> None:
    """Download the NLTK models the entity pipeline needs (skips those already present)."""
    from search.entities.nlp import download_resources

    outcome = download_resources(quiet=True)
    for name, status in outcome.items():
        click.echo(f"  {name:<34} {status}")
    failed = [name for name, status in outcome.items() if status.startswith("failed")]
    if failed:
        raise click.ClickException(
            f"could not download {', '.join(failed)}. Check the internet connection, or set NLTK_DATA "
            "to a folder that already holds them."
        )
    click.echo("NLTK resources ready.")


# -- corpus ----------------------------------------------------------------------------------------


@cli.group()
def corpus() -> None:
    """Get a public news corpus."""


@corpus.command("fetch")
@click.argument("name", type=click.Choice(["reuters21578"]))
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="A local copy (folder or .tar.gz) instead of downloading.",
)
@click.option(
    "--dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Corpus folder to put it in [default: NEWS_SEARCH_CORPUS_DIR or corpus/].",
)
def corpus_fetch(name: str, source: Path | None, dest: Path | None) -> None:
    """Download a public corpus (checked against SHA-256 sums) into the corpus folder."""
    from search.ingest.fetch import fetch_reuters

    report = fetch_reuters(dest or settings.corpus_dir(), source=source)
    click.echo(str(report))


# -- index -----------------------------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_index_dir_option
@click.option("--rebuild", is_flag=True, help="Start the index over instead of updating it.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Entity-extraction processes [default: number of cores].",
)
@click.option(
    "--wait",
    type=click.FloatRange(0),
    default=0.0,
    help="Seconds to wait for another running indexer before giving up [default: 0].",
)
@click.option("--cluster", metavar="TCP_ADDRESS", default=lambda: str(settings.get("CLUSTER")), help=CLUSTER_HELP)
def index(
    paths: tuple[Path, ...], index_dir: Path | None, rebuild: bool, workers: int | None, wait: float, cluster: str
) -> None:
    """Index the articles below PATHS (default: the corpus folder), incrementally."""
    from search.indexing.cluster import check_cluster
    from search.indexing.indexer import build_index

    roots = list(paths) or [settings.corpus_dir()]
    missing = [str(p) for p in roots if not p.exists()]
    if missing:
        raise click.BadParameter(f"no such file or folder: {', '.join(missing)}", param_hint="PATHS")
    if cluster and workers:
        raise click.UsageError("--workers sets local processes; leave it out with --cluster or NEWS_SEARCH_CLUSTER.")
    address = check_cluster(cluster) if cluster else None  # before reading the corpus: fail at once if unusable
    target = index_dir or settings.index_dir()
    report = build_index(
        roots, target, workers=workers, rebuild=rebuild, wait=wait, progress=progress_factory(), cluster=address
    )
    echo_report(report, target)


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2018-12-31") from None


def _facet_options(func):
    """Per registered facet, a repeatable ``--<facet>`` (values OR-ed) and ``--not-<facet>`` option."""
    for facet in reversed(FACETS):
        func = click.option(
            f"--not-{facet.name}",
            "not_" + facet.name,
            multiple=True,
            metavar="VALUE",
            help=f"Leave out articles {facet.stories('this ' + facet.singular)} (repeatable).",
        )(func)
        func = click.option(
            f"--{facet.name}",
            "facet_" + facet.name,
            multiple=True,
            metavar="VALUE",
            help=f"Only articles {facet.stories('this ' + facet.singular)}; repeat for any of several.",
        )(func)
    return func


@cli.command("search")
@click.argument("query", required=False, default="")
@_facet_options
@click.option("--from", "date_from", callback=_iso_date, help="Published on or after (YYYY-MM-DD).")
@click.option("--to", "date_to", callback=_iso_date, help="Published on or before (YYYY-MM-DD).")
@click.option(
    "--mentions",
    type=click.Choice(MENTIONS),
    default="any",
    show_default=True,
    help="Filters and facet counts use every entity an article names, or only those it is about.",
)
@click.option("--sort", type=click.Choice(SORTS), default=None, help="[default: relevance with a query, else newest]")
@click.option("--page", type=int, default=1)
@click.option("--per-page", type=int, default=None, help="[default: NEWS_SEARCH_PER_PAGE or 10]")
@click.option("--json", "as_json", is_flag=True, help="Print exactly the web API's JSON.")
@_index_dir_option
def search_command(
    query: str,
    date_from: date | None,
    date_to: date | None,
    mentions: str,
    sort: str | None,
    page: int,
    per_page: int | None,
    as_json: bool,
    index_dir: Path | None,
    **facets: tuple[str, ...],
) -> None:
    """Search the index: QUERY uses words, "phrases", AND/OR/NOT, title:/person:/country:/org:, prefix*."""
    from search.retrieve.index import open_index

    limits = Limits.from_env()
    request = SearchRequest(
        q=query,
        filters={facet.name: facets["facet_" + facet.name] for facet in FACETS},
        excludes={facet.name: facets["not_" + facet.name] for facet in FACETS},
        mentions=mentions,
        date_from=date_from,
        date_to=date_to,
        sort=sort or "",
        page=page,
        per_page=per_page or limits.per_page,
        facet_limit=limits.facet_limit,
    )
    ix = open_index(index_dir or settings.index_dir(), limits)
    try:
        with ix.searcher() as searcher:
            result = searcher.search(request)
    finally:
        ix.close()
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        echo_page(result)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="gunicorn workers")
@_index_dir_option
def serve(host: str, port: int, workers: int, index_dir: Path | None) -> None:
    """Serve the search site with gunicorn (the same app the Procfile runs)."""
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
    if index_dir is not None:
        os.environ["NEWS_SEARCH_INDEX_DIR"] = str(index_dir.resolve())
    click.echo(f"Serving on http://{host}:{port}/ (Ctrl-C stops)")
    args = [
        gunicorn,
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--limit-request-line",
        "8190",
        "--access-logfile",
        "-",
        "web:create_app()",
    ]
    os.execv(gunicorn, args)


# -- follow ----------------------------------------------------------------------------------------


@cli.command()
@click.argument("feeds", nargs=-1, required=True, metavar="FEED_URL...")
@click.option("--every", default="10m", show_default=True, metavar="DURATION", help="How often to poll (30s, 1h).")
@click.option("--once", is_flag=True, help="Poll the feeds that are due once, index, exit (for cron).")
@click.option("--fetch-pages", is_flag=True, help="Also index the full text of each new item's page.")
@click.option("--spool", type=click.Path(file_okay=False, path_type=Path), help="[default: <corpus folder>/feeds]")
@click.option("--timeout", default="20s", show_default=True, metavar="DURATION", help="Give up on a silent server.")
@_index_dir_option
def follow(feeds: tuple[str, ...], index_dir: Path | None, **options: Any) -> None:
    """Poll RSS/Atom feeds; index new items (written to --spool) as they appear; state beside the index."""
    from search.indexing.indexer import build_index
    from search.ingest.follow import follow_feeds

    target = index_dir or settings.index_dir()

    def index_new(paths: list[Path]) -> None:
        echo_report(build_index(paths, target, workers=1, wait=30, progress=progress_factory()), target)

    follow_feeds(feeds, target, settings.corpus_dir(), index_new, click.echo, **options)
