"""``wirewatch batch``: the per-document function at scale (process pool or Spark), to Parquet.

``run_batch`` picks the engine; ``load_parquet`` brings batch output into a DuckDB store;
``diagnose`` names the probable cause when a whole job was rejected for one reason.  Inputs and
outputs are local paths or ``s3://`` URIs (see ``storage``).
"""

from __future__ import annotations

import os

from ..errors import UsageError
from .common import BatchSummary, Options
from .load import load_parquet

ENGINES = ("local", "spark")


def run_batch(inputs: list[str], out: str | os.PathLike, *, engine: str = "local", workers: int | None = None,
              master: str | None = None, published: str | None = None, allow_private: bool = False,
              nlp: bool = True) -> BatchSummary:
    options = Options(published=published, allow_private=allow_private, nlp=nlp)
    if engine == "local":
        from .local import run_local

        return run_local(inputs, out, workers=workers, options=options)
    if engine == "spark":
        from .spark import run_spark

        return run_spark(inputs, out, master=master, workers=workers, options=options)
    raise UsageError(f"unknown engine {engine!r} (use one of {', '.join(ENGINES)})")


# Probable causes of a job whose every document was rejected with the same code.
CAUSES = {
    "not_found": "the workers cannot see the inputs: give paths on storage every executor mounts at the same "
                 "place, or s3:// URIs",
    "fetch": "the URLs could not be fetched from the workers (no network there, or the sites refused)",
    "blocked_address": "the URLs point at private addresses (use --allow-private for servers you trust)",
    "unsupported": "wirewatch does not read these file types",
    "no_article": "none of the pages has an article body (are these news article pages?)",
    "binary": "the inputs are not text (images, PDFs, archives)",
    "gzip": "the gzip files are truncated or corrupt",
    "warc": "the WARC files are malformed or truncated",
    "json": "the JSON inputs are invalid",
    "empty": "the inputs are empty",
    "too_large": "every document is over the size cap",
    "internal": "an error in wirewatch itself: please report it with the reason above",
}


def diagnose(summary: BatchSummary) -> str | None:
    """A one-line message when the job produced no article and every reject has the same code, else None."""
    codes = summary.reject_codes or {}
    if summary.articles or len(codes) != 1:
        return None
    (code, count), = codes.items()
    cause = CAUSES.get(code, "see the rejects in the output's rejects/ folder")
    sample = summary.reject_sample[:160]
    return f"all {count} documents were rejected as {code!r}: probably {cause} (first: {sample})"


__all__ = ["ENGINES", "BatchSummary", "diagnose", "load_parquet", "run_batch"]
