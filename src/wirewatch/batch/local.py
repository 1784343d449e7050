"""``--engine local``: the per-task function over a process pool, on every core of one machine.

Workers are spawned (not forked) and load the spaCy model once each, in the pool initializer.
Results come back in task order, so the driver groups stories with the very same ``Deduper``
that ``wirewatch extract`` and ``wirewatch ingest`` use, in the same order: same story ids.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from ..dedup import Deduper
from .common import ARTICLE_SCHEMA, REJECT_SCHEMA, BatchSummary, Options, list_tasks, publish, run_task, staging

FLUSH_ROWS = 2000


def _warm(options: Options) -> None:
    if options.nlp:
        from ..nlp import load_model

        load_model()


def _task(args: tuple[int, str, Options]):
    return run_task(*args)


def run_local(inputs: list[str], out: str | os.PathLike, *, workers: int | None = None,
              options: Options = Options()) -> BatchSummary:
    t0 = time.perf_counter()
    out = Path(out)
    tmp = staging(out)
    parts_dir = tmp / "parts"
    parts_dir.mkdir()
    tasks = list_tasks(inputs)
    workers = max(1, workers or os.cpu_count() or 1)
    deduper = Deduper()
    stories: dict[int, str] = {}
    buffer: list[dict] = []
    rejects: list[dict] = []
    parts: list[Path] = []

    def flush() -> None:
        if buffer:
            path = parts_dir / f"part-{len(parts):05d}.parquet"
            pq.write_table(pa.Table.from_pylist(buffer, schema=ARTICLE_SCHEMA), path)
            parts.append(path)
            buffer.clear()

    ctx = mp.get_context("spawn")
    with ctx.Pool(workers, initializer=_warm, initargs=(options,)) as pool:
        jobs = ((i, item, options) for i, item in enumerate(tasks))
        for arts, rejs in pool.imap(_task, jobs, chunksize=1):
            for row in arts:  # task order, then document order: the order extract sees
                verdict = deduper.judge_signature(row["id"], row["content_hash"],
                                                  np.frombuffer(row["minhash"], dtype=np.uint32), row["n_shingles"])
                stories[row["ordinal"]] = verdict.story_id
                buffer.append(row)
            rejects.extend(rejs)
            if len(buffer) >= FLUSH_ROWS:
                flush()
    flush()
    n_articles = _write_articles(parts, stories, tmp / "articles")
    (tmp / "rejects").mkdir()
    pq.write_table(pa.Table.from_pylist(rejects, schema=REJECT_SCHEMA), tmp / "rejects" / "part-00000.parquet")
    publish(out, tmp)
    return BatchSummary("local", workers, len(tasks), n_articles, len(rejects), len(set(stories.values())),
                        round(time.perf_counter() - t0, 3), str(out))


def _write_articles(parts: list[Path], stories: dict[int, str], target: Path) -> int:
    """Rewrite the staged parts with their story ids, partitioned by publication month."""
    n = 0
    for i, part in enumerate(parts):
        table = pq.read_table(part)
        ids = [stories[o] for o in table.column("ordinal").to_pylist()]
        table = table.set_column(table.schema.get_field_index("story_id"), "story_id", pa.array(ids, pa.string()))
        ds.write_dataset(table, target, format="parquet", partitioning=ds.partitioning(
            pa.schema([("month", pa.string())]), flavor="hive"), basename_template=f"part-{i:05d}-{{i}}.parquet",
            existing_data_behavior="overwrite_or_ignore")
        n += table.num_rows
        part.unlink()
    return n
