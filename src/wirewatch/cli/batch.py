"""``wirewatch batch`` and ``wirewatch load``."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from ..batch import ENGINES, load_parquet, run_batch
from ..store import Store
from ._app import DB_HELP, app, fail


@app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(help="WARC(.gz), JSONL, text, HTML files or folders, URLs.")],
    out: Annotated[str, typer.Option("--out", help="Output folder (articles/ and rejects/ are replaced).")],
    engine: Annotated[str, typer.Option(help="local (process pool) or spark.")] = "local",
    workers: Annotated[Optional[int], typer.Option(min=1, help="Worker processes / Spark cores.")] = None,
    master: Annotated[Optional[str], typer.Option(help="Spark master URL (default local[WORKERS]).")] = None,
    published: Annotated[Optional[str], typer.Option(help="Date for documents that carry none.")] = None,
    allow_private: Annotated[bool, typer.Option("--allow-private")] = False,
    no_nlp: Annotated[bool, typer.Option("--no-nlp", help="Clean and group only.")] = False,
) -> None:
    """Run the per-document pipeline at scale and write Parquet partitioned by publication month."""
    if engine not in ENGINES:
        fail(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    summary = run_batch(inputs, out, engine=engine, workers=workers, master=master, published=published,
                        allow_private=allow_private, nlp=not no_nlp)
    typer.echo(json.dumps(summary.to_dict()))


@app.command()
def load(
    folder: Annotated[str, typer.Argument(help="A `wirewatch batch` output folder.")],
    db: Annotated[Optional[str], typer.Option("--db", help=DB_HELP)] = None,
) -> None:
    """Bring batch output into the DuckDB store (reports and the web app then see it)."""
    with Store(db) as store:
        summary = load_parquet(folder, store=store)
    typer.echo(json.dumps(summary.to_dict()))
