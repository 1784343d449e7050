"""Core commands: ingest, extract, articles, export, demo."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .. import pipeline, validation
from ..errors import WirewatchError
from ..records import Rejected
from ..sources import iter_documents
from ._app import DB_HELP, app, fail

if TYPE_CHECKING:  # the store, ingest and alerts load with the commands that use them, not for `extract`
    from ..ingest import Summary
    from ..store import Store

DbOpt = Annotated[Optional[str], typer.Option("--db", help=DB_HELP)]


def _check_date(value: str | None, option: str) -> str | None:
    try:
        return validation.date(value, option)
    except validation.ParamError as exc:
        fail(str(exc))
        return None


def _check_period(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    try:
        return validation.period(since, until, names=("--since", "--until"))
    except validation.ParamError as exc:
        fail(str(exc))
        return None, None


def _say_reject(rec: Rejected) -> None:
    typer.echo(f"rejected: {rec.message()}", err=True)


@app.command()
def ingest(
    inputs: Annotated[list[str], typer.Argument(
        help="Files, folders, WARC, feeds (file or URL), URLs, or - for stdin.")],
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON on the last line.")] = False,
    published: Annotated[Optional[str], typer.Option(help="Date (YYYY-MM-DD) for documents that carry none.")] = None,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Allow fetching private/loopback addresses.")] = False,
    no_alerts: Annotated[bool, typer.Option("--no-alerts", help="Do not notify watches of new stories.")] = False,
    no_nlp: Annotated[bool, typer.Option("--no-nlp", help="Store clean text and metadata only (fast).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or reject lines.")] = False,
) -> None:
    """Stream sources into the store: clean, group copies into stories, extract, store."""
    from ..store import Store

    _check_date(published, "--published")
    with Store(db) as store:
        on_commit = None if no_alerts else _alert_hook(store, allow_private=allow_private)
        summary = _run_with_progress(inputs, store=store, published=published, allow_private=allow_private,
                                     nlp=not no_nlp, quiet=quiet, on_commit=on_commit)
    if as_json:
        typer.echo(json.dumps(summary.to_dict()))
    else:
        typer.echo(f"seen {summary.seen}, stored {summary.stored}, duplicates {summary.duplicates}, "
                   f"rejected {summary.rejected}, new stories {summary.new_stories}")
    if summary.seen == 0 or summary.seen == summary.rejected:
        raise typer.Exit(1)


def _alert_hook(store: Store, *, allow_private: bool):
    """Deliver watch alerts after each committed batch, when the alerts stage is installed."""
    try:
        from ..alerts import on_commit_hook
    except ImportError:
        return None
    return on_commit_hook(store, allow_private=allow_private)


def _run_with_progress(inputs, *, store, published, allow_private, nlp, quiet, on_commit) -> Summary:
    from ..ingest import ingest as run_ingest

    show_bar = not quiet and sys.stderr.isatty()
    on_reject = None if quiet else _say_reject
    if not show_bar:
        return run_ingest(inputs, store=store, published=published, allow_private=allow_private, nlp=nlp,
                          on_reject=on_reject, on_commit=on_commit)
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("ingesting")

        def progress(s: Summary) -> None:
            bar.update(task, description=f"seen {s.seen} · stored {s.stored} · duplicates {s.duplicates} "
                                         f"· rejected {s.rejected}")

        def reject(rec: Rejected) -> None:
            bar.console.print(f"rejected: {rec.message()}", markup=False, highlight=False)

        return run_ingest(inputs, store=store, published=published, allow_private=allow_private, nlp=nlp,
                          on_reject=reject, on_progress=progress, on_commit=on_commit)


@app.command()
def extract(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders, WARC, feeds, URLs, or - for stdin.")],
    published: Annotated[Optional[str], typer.Option(help="Anchor (YYYY-MM-DD) for documents with no date.")] = None,
    allow_private: Annotated[bool, typer.Option("--allow-private")] = False,
    no_nlp: Annotated[bool, typer.Option("--no-nlp", help="Only clean text and metadata (fast).")] = False,
) -> None:
    """Print one JSON article record per document (JSON Lines), no store needed."""
    _check_date(published, "--published")
    ok = seen = 0
    docs = iter_documents(inputs, allow_private=allow_private)
    for rec in pipeline.extract(docs, published=published, nlp=not no_nlp):
        seen += 1
        if isinstance(rec, Rejected):
            _say_reject(rec)
        else:
            ok += 1
        typer.echo(json.dumps(rec.to_dict(), ensure_ascii=False))
    if ok == 0:
        raise typer.Exit(1)


@app.command()
def articles(
    query: Annotated[Optional[str], typer.Argument(help="Words to search in titles and text.")] = None,
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per article.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 20,
    story: Annotated[Optional[str], typer.Option(help="Only the copies of this story_id.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Published on or after YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Published on or before YYYY-MM-DD.")] = None,
) -> None:
    """List or search stored articles."""
    from ..store import Store, queries

    since, until = _check_period(since, until)
    with Store(db, read_only=True) as store:
        rows = queries.search_articles(store.con, query, limit=limit, story_id=story, since=since, until=until)
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False, default=str))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("published", "title", "agency", "story", "source", title=f"{len(rows)} article(s)")
    for r in rows:
        table.add_row(r["published"] or "", r["title"] or "(no title)", r["agency"] or "", r["story_id"][:10],
                      r["source"])
    Console().print(table)


@app.command()
def export(
    out: Annotated[Path, typer.Argument(help="Output file: .csv, .parquet, .jsonl (events also .geojson).")],
    table: Annotated[str, typer.Option(help="articles, events, quotes or entities.")] = "articles",
    db: DbOpt = None,
    fmt: Annotated[Optional[str], typer.Option(
        "--format", help="csv, parquet, jsonl or geojson (default: by extension).")] = None,
    since: Annotated[Optional[str], typer.Option(help="events: on or after this day (YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option(help="events: on or before this day (YYYY-MM-DD).")] = None,
    type_: Annotated[Optional[str], typer.Option("--type", help="events: this event type code.")] = None,
    plover: Annotated[Optional[str], typer.Option(help="events: this PLOVER code.")] = None,
    country: Annotated[Optional[str], typer.Option(help="events: place or actor in this ISO country.")] = None,
) -> None:
    """Export a table: articles (every stored record), events (one row per distinct event, see
    docs/codebook.md; .geojson gives one Point per located event), quotes or entities."""
    from ..store import Store, queries
    from ..store import events as ev
    from .data import event_filters

    table = table.strip().lower()
    try:
        ev.export_format(out, fmt, table=table)
    except WirewatchError as exc:
        fail(str(exc))
    if table != "events" and any(v is not None for v in (since, until, type_, plover, country)):
        fail("--since, --until, --type, --plover and --country filter the events table only (--table events)")
    filters = event_filters(since=since, until=until, type_=type_, plover=plover, country=country)
    try:
        with Store(db, read_only=True) as store:
            if table == "articles":
                n = queries.export(store.con, out, fmt=fmt)
            else:
                n = ev.export(store.con, out, table=table, fmt=fmt, filters=filters)
    except OSError as exc:
        fail(f"{out}: cannot write: {exc.strerror or exc}")
        return
    what = {"articles": "article(s)", "events": "event(s)", "quotes": "quote(s)", "entities": "entity row(s)"}
    typer.echo(f"wrote {n} {what[table]} to {out}")


@app.command()
def demo(
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Ingest the bundled example pages into a store in the current folder and show what was found."""
    from ..demo import run_demo

    findings = run_demo(db=db or "wirewatch.duckdb", on_reject=_say_reject)
    if as_json:
        typer.echo(json.dumps(findings, ensure_ascii=False, default=str))
        return
    render_findings(findings)


def render_findings(f: dict) -> None:
    """Print the findings for a person at a terminal."""
    from rich.console import Console
    from rich.table import Table

    con = Console()
    s = f["summary"]
    con.print(f"[bold]wirewatch demo[/] → {f['db']}")
    con.print(f"seen {s['seen']} documents: stored {s['stored']}, exact duplicates {s['duplicates']}, "
              f"rejected {s['rejected']}; new stories {s['new_stories']}")
    t = Table("published", "story", "copies", "sources", title="Stories (syndicated copies collapsed)")
    for st in f["stories"]:
        t.add_row(st["published"] or "", st["title"] or "(no title)", str(st["copies"]),
                  "\n".join(Path(x).name if "://" not in x else x for x in st["sources"]))
    con.print(t)
    if f["entities"]:
        t = Table("name", "type", "stories", "roles", title="Actors")
        for e in f["entities"]:
            t.add_row(e["name"], e["type"] or "", str(e["stories"]), ", ".join(e["roles"] or []))
        con.print(t)
    if f["quotes"]:
        t = Table("speaker", "quote", "cue", "lang", title="Quotes (once per story)")
        for q in f["quotes"]:
            t.add_row(q["speaker"] or "?", q["text"], q["cue"] or "", q["language"] or "")
        con.print(t)
    if f["events"]:
        t = Table("date", "type", "plover", "source → target", "reports", title="Events (counted once)")
        for e in f["events"]:
            t.add_row(e["date"] or "", e["type"] or "", e["plover"] or "",
                      f"{e['source_name'] or '?'} → {e['target_name'] or '?'}", str(e["reports"]))
        con.print(t)
    if f["places"]:
        con.print("Places: " + ", ".join(
            f"{p['name']} ({p['country'] or '?'})" for p in f["places"]))
    for r in f["rejects"]:
        con.print(f"rejected: {r['source']}: {r['reason']} [{r['code']}]", markup=False)
    con.print("Next: `wirewatch articles`, `wirewatch report Niger --format html --out niger.html`, `wirewatch serve`.")
