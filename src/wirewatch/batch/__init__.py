"""``wirewatch batch``: the per-document function at scale (process pool or Spark), to Parquet.

``run_batch`` picks the engine; ``load_parquet`` brings batch output into a DuckDB store.
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


__all__ = ["ENGINES", "BatchSummary", "load_parquet", "run_batch"]
