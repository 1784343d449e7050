"""The Typer application and the one place where errors become one-line messages."""

from __future__ import annotations

import logging
import os
import sys

import typer

from ..errors import WirewatchError

app = typer.Typer(
    name="wirewatch",
    help="Read news pages, collapse syndicated copies, extract who said and did what, when and where.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DB_HELP = "DuckDB store file (default: $WIREWATCH_DB or ./wirewatch.duckdb)."


def fail(message: str, code: int = 2) -> None:
    """Print one line on stderr and exit: the CLI's only way to report an error."""
    typer.echo(f"wirewatch: {message}", err=True)
    raise typer.Exit(code)


def main() -> None:
    logging.basicConfig(level=os.environ.get("WIREWATCH_LOG", "WARNING").upper(),
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except WirewatchError as exc:
        typer.echo(f"wirewatch: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("wirewatch: interrupted", err=True)
        sys.exit(130)
