"""``wirewatch sources add|list|remove`` and ``wirewatch follow``: sources wirewatch polls by itself."""

from __future__ import annotations

import json
import signal
import threading
from datetime import datetime
from typing import Annotated, Optional

import typer

from ..errors import UsageError
from ._app import DB_HELP, app, fail

sources_app = typer.Typer(help="Sources that `wirewatch follow` polls by itself: feeds, news sitemaps, pages, "
                               "folders.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")

DbOpt = Annotated[Optional[str], typer.Option("--db", help=DB_HELP)]


@sources_app.command("add")
def add(
    target: Annotated[str, typer.Argument(help="An RSS/Atom feed, news sitemap or page URL, or a local folder.")],
    every: Annotated[Optional[str], typer.Option(help="How often to poll: 90s, 5m, 1h, 1d (default 5m).")] = None,
    name: Annotated[Optional[str], typer.Option(help="A short name (default: the host or folder name).")] = None,
    kind: Annotated[Optional[str], typer.Option(
        help="feed, sitemap, page or folder (default: told by the first poll).")] = None,
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the source as JSON.")] = False,
) -> None:
    """Follow a source (adding one already followed updates its --every and --name)."""
    from ..follow import add_source, parse_duration
    from ..store import Store

    try:
        if every is not None:
            parse_duration(every)  # a bad duration is a usage error before the store is touched
        with Store(db) as store:
            source, created = add_source(store, target, every=every, name=name, kind=kind)
    except UsageError as exc:
        fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps(source.to_dict()))
    else:
        verb = "following" if created else "updated"
        typer.echo(f"{verb} {source.id} {source.name}: {source.url} ({source.kind}, every {_span(source.every_s)})")


@sources_app.command("list")
def list_(
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per source.")] = False,
) -> None:
    """Every followed source with its health: last poll, status, failures, next attempt, last new item."""
    import duckdb

    from ..follow import list_sources
    from ..store import Store

    with Store(db, read_only=True) as store:
        try:
            found = list_sources(store.con)
        except duckdb.CatalogException:  # a store made before sources existed has none
            found = []
    if as_json:
        for s in found:
            typer.echo(json.dumps(s.to_dict()))
        return
    if not found:
        typer.echo("no sources (add one with `wirewatch sources add URL_OR_FOLDER`)")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "name", "kind", "every", "health", "last poll", "failures", "next", "last new item", "url",
                  title=f"{len(found)} source(s)")
    for s in found:
        health = s.health if not s.last_error else f"{s.health}: {s.last_error}"
        table.add_row(s.id, s.name, s.kind, _span(s.every_s), health, _when(s.last_polled), str(s.failures),
                      _when(s.next_due), _when(s.last_new_item), s.url)
    Console().print(table)


@sources_app.command("remove")
def remove(
    ref: Annotated[str, typer.Argument(help="The source's id, name or URL.")],
    db: DbOpt = None,
) -> None:
    """Stop following a source (its stored articles stay)."""
    from ..follow import remove_source
    from ..store import Store

    with Store(db) as store:
        gone = remove_source(store, ref)
    if gone is None:
        fail(f"no source {ref!r} (see `wirewatch sources list`)", 1)
    typer.echo(f"removed {gone.id} {gone.name}: {gone.url}")


@app.command()
def follow(
    db: DbOpt = None,
    once: Annotated[bool, typer.Option("--once", help="Poll what is due once and exit (for cron).")] = False,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Allow fetching (and alerting) private/loopback addresses.")] = False,
    no_nlp: Annotated[bool, typer.Option("--no-nlp", help="Store clean text and metadata only (fast).")] = False,
    no_alerts: Annotated[bool, typer.Option("--no-alerts", help="Do not notify watches of new stories.")] = False,
    batch: Annotated[int, typer.Option("--batch", min=1, max=1000,
                                       help="New items per transaction (a short hold of the store's lock).")] = 16,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per poll on stdout.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Say only what fails.")] = False,
) -> None:
    """Poll every due source until SIGINT/SIGTERM (the batch in hand is finished first); new items go
    through the same pipeline as `ingest`, one transaction per batch, alerts after each commit."""
    from ..errors import StoreError
    from ..follow import Follower, PollReport, file_access, list_sources
    from ..store import Store, default_path

    path = db or default_path()
    try:
        with Store(path) as store:  # create or migrate once, before any read-only session
            if not list_sources(store.con) and not as_json:
                typer.echo("no sources yet: add one with `wirewatch sources add URL_OR_FOLDER` "
                           "(polled from the next round on)", err=True)
    except StoreError as exc:
        fail(str(exc))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):  # finish the batch in hand, then exit 0
        signal.signal(sig, lambda *_: stop.set())

    def say(report: PollReport) -> None:
        if as_json:
            typer.echo(json.dumps(report.to_dict()))
            return
        if report.status in ("error", "store_busy"):
            typer.echo(f"{report.name}: {report.status} ({report.error}); next try {_when(report.next_due)}",
                       err=True)
        elif not quiet and (report.stored or report.rejected or report.new):
            typer.echo(f"{report.name}: {report.new} new, stored {report.stored}, duplicates {report.duplicates}, "
                       f"rejected {report.rejected}", err=True)

    follower = Follower(file_access(path), allow_private=allow_private, nlp=not no_nlp, alerts=not no_alerts,
                        stop=stop, on_poll=say, chunk=batch)
    try:
        follower.run(once=once)
    except StoreError as exc:
        fail(str(exc))
    finally:
        follower.close()


def _span(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S") if at else "-"
