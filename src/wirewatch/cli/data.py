"""Data out: ``wirewatch events`` (the event table, one row per distinct event).

``wirewatch export FILE --table events|articles|quotes|entities`` lives beside ``articles`` in
``core.py``; both read the same filters through ``event_filters``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .. import validation
from ..errors import WirewatchError
from ._app import DB_HELP, app, fail

if TYPE_CHECKING:  # the store (DuckDB) loads with the commands that use it
    from ..store import events as ev

SinceOpt = Annotated[Optional[str], typer.Option(help="Events on or after this day (YYYY-MM-DD).")]
UntilOpt = Annotated[Optional[str], typer.Option(help="Events on or before this day (YYYY-MM-DD).")]
TypeOpt = Annotated[Optional[str], typer.Option("--type", help="Event type code (ARMED_CLASH, PEACEFUL_PROTEST...).")]
PloverOpt = Annotated[Optional[str], typer.Option(help="PLOVER code (FIGHT, PROTEST, ...).")]
CountryOpt = Annotated[Optional[str], typer.Option(help="ISO 3166 code of the place or of either actor (ML).")]


def event_filters(*, since: str | None, until: str | None, type_: str | None, plover: str | None,
                  country: str | None) -> ev.Filters:
    """The filters, checked by ``wirewatch.validation`` (one line and exit 2 when one is wrong)."""
    from ..store import events as ev

    try:
        since, until = validation.period(since, until, names=("--since", "--until"))
        return ev.Filters(since=since, until=until, type=validation.code(type_, "--type"),
                          plover=validation.code(plover, "--plover"), country=validation.country(country, "--country"))
    except validation.ParamError as exc:
        fail(str(exc))
        raise  # unreachable: fail exits


@contextlib.contextmanager
def selected(con, query: str | None, filters: ev.Filters) -> Iterator[ev.Filters]:
    """``filters`` narrowed to the events of the articles ``query`` selects (the situation's)."""
    if not query:
        yield filters
        return
    from ..report.build import select  # noqa: PLC0415 - the one query-to-selection step

    try:
        q = validation.query(query, "QUERY", required=True)
    except validation.ParamError as exc:
        fail(str(exc))
    with select(con, q) as (sel, _names, _code):
        filters.selection = sel.table
        yield filters


@app.command()
def events(
    query: Annotated[Optional[str], typer.Argument(
        help="Only the events of the articles this query selects (as on a situation page: "
             "`Mali`, `Mali OR place:Niger`, `type:ARMED_CLASH`).")] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    type_: TypeOpt = None,
    plover: PloverOpt = None,
    country: CountryOpt = None,
    limit: Annotated[Optional[int], typer.Option(help="At most this many rows (default: all).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per event (the codebook's columns).")]
    = False,
    db: Annotated[Optional[str], typer.Option("--db", help=DB_HELP)] = None,
) -> None:
    """List distinct events: one row per event however many reports carry it (docs/codebook.md)."""
    from ..store import Store
    from ..store import events as ev

    filters = event_filters(since=since, until=until, type_=type_, plover=plover, country=country)
    if limit is not None:
        try:
            limit = validation.integer(limit, "--limit", default=0, lo=1, hi=10_000_000)
        except validation.ParamError as exc:
            fail(str(exc))
    try:
        with Store(db, read_only=True) as store, selected(store.con, query, filters) as f:
            rows = ev.rows(store.con, f, limit=limit)
            total = ev.count(store.con, f) if limit is not None else len(rows)
    except WirewatchError as exc:
        fail(str(exc))
        return
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False, default=str))
        return
    from rich.console import Console
    from rich.table import Table

    title = f"{len(rows):,} event(s)" + (f" of {total:,}" if total != len(rows) else "")
    table = Table("date", "type", "actor1 → actor2", "place", "reports", "evidence", title=title)
    for r in rows:
        table.add_row(f"{r['date'] or ''}{'*' if r['date_basis'] == 'published' else ''}", r["event_type"] or "",
                      f"{r['actor1'] or '?'} → {r['actor2'] or '?'}", r["place"] or "", str(r["reports"]),
                      (r["evidence"] or "")[:120])
    Console().print(table)
