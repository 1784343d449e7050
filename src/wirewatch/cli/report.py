"""``wirewatch report QUERY``: a situation report on a country, actor or topic."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import validation
from ..errors import WirewatchError
from ._app import DB_HELP, app, fail

def _date(value: str | None, option: str) -> str | None:
    try:
        return validation.date(value, option)
    except validation.ParamError as exc:
        fail(str(exc))
        return None


@app.command()
def report(
    query: Annotated[str, typer.Argument(
        help="A country (\"Mali\"), an actor (\"ECOWAS\") or a topic (\"coup\").")],
    db: Annotated[str | None, typer.Option("--db", help=DB_HELP)] = None,
    since: Annotated[str | None, typer.Option(
        help="Only articles published on or after this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(
        help="Only articles published on or before this date (YYYY-MM-DD).")] = None,
    new_since: Annotated[str | None, typer.Option(
        "--new-since", help="'What is new' since this date (default: the start of the latest ingest run).")] = None,
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="md (terminal), html (one self-contained file) or json.")] = "md",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """A situation report: timeline of distinct events with their sources, key actors and their
    stated positions, who does what to whom, places on a map, coverage volume, and what is new."""
    from ..report import FORMATS, build_report, render
    from ..store import Store

    for value, option in ((since, "--since"), (until, "--until"), (new_since, "--new-since")):
        _date(value, option)
    try:
        validation.period(since, until, names=("--since", "--until"))
    except validation.ParamError as exc:
        fail(str(exc))
    if fmt.lower() not in (*FORMATS, "markdown"):
        fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    try:
        with Store(db, read_only=True) as store:
            rep = build_report(store.con, query, since=since, until=until, new_since=new_since)
        text = render(rep, fmt)
    except WirewatchError as exc:
        fail(str(exc))
        return
    if out is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{out}: cannot write the report: {exc.strerror or exc}")
    typer.echo(f"wrote {out} ({rep.counts.get('stories', 0)} stories, {rep.counts.get('events', 0)} events)", err=True)
