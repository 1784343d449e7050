"""``wirewatch batch`` and ``wirewatch load``."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from ._app import DB_HELP, app, fail


BATCH_HELP = (
    "Run the per-document pipeline at scale and write Parquet partitioned by publication month.\n\n"
    "Writes OUT/articles/month=YYYY-MM/*.parquet (article records with story ids; month=unknown when undated) "
    "and OUT/rejects/*.parquet (source, code, reason); one bad document is a reject row, never a failed job.\n\n"
    "Overwrite semantics: the run is staged in OUT/.staging and swapped in only when complete, replacing "
    "OUT/articles and OUT/rejects as a whole. A rerun over the same input gives the same rows (nothing is "
    "appended); a failed or interrupted run leaves the previous output untouched; other files in OUT are left "
    "alone. `wirewatch load OUT --db FILE` then brings the output into a store."
)


@app.command(help=BATCH_HELP)
def batch(
    inputs: Annotated[list[str], typer.Argument(
        help="WARC(.gz), JSONL, text, HTML files or folders, s3://bucket/prefix, URLs.")],
    out: Annotated[str, typer.Option("--out", help="Output folder or s3://bucket/prefix: its articles/ and "
                                     "rejects/ are replaced as a whole when the run succeeds, and left as "
                                     "they were when it fails.")],
    engine: Annotated[str, typer.Option(help="local (process pool) or spark.")] = "local",
    workers: Annotated[Optional[int], typer.Option(min=1, help="Worker processes / Spark cores.")] = None,
    master: Annotated[Optional[str], typer.Option(
        help="Spark master URL, e.g. spark://host:7077 or yarn (default local[WORKERS]); wirewatch and its "
             "model must be installed on the executors (see docs/deploy.md). Relative paths are made absolute "
             "here; local inputs/--out must be mounted at the same place on every executor, or use s3://.")] = None,
    published: Annotated[Optional[str], typer.Option(help="Date for documents that carry none.")] = None,
    allow_private: Annotated[bool, typer.Option("--allow-private")] = False,
    no_nlp: Annotated[bool, typer.Option("--no-nlp", help="Clean and group only.")] = False,
) -> None:
    """Run the per-document pipeline at scale and write Parquet partitioned by publication month."""
    from ..batch import ENGINES, diagnose, run_batch

    if engine not in ENGINES:
        fail(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    summary = run_batch(inputs, out, engine=engine, workers=workers, master=master, published=published,
                        allow_private=allow_private, nlp=not no_nlp)
    typer.echo(json.dumps(summary.to_dict()))
    problem = diagnose(summary)
    if problem:
        fail(problem, code=1)


@app.command()
def load(
    folder: Annotated[str, typer.Argument(help="A `wirewatch batch` output folder or s3://bucket/prefix.")],
    db: Annotated[Optional[str], typer.Option("--db", help=DB_HELP)] = None,
) -> None:
    """Bring batch output into the DuckDB store (reports and the web app then see it)."""
    from ..batch import load_parquet
    from ..store import Store

    with Store(db) as store:
        summary = load_parquet(folder, store=store)
    typer.echo(json.dumps(summary.to_dict()))
