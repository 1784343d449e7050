"""``--engine local``: the per-task function over a process pool, on every core of one machine.

Workers are spawned (not forked) and load the spaCy model once each, in the pool initializer.
Each worker writes the rows of its task to staged Parquet parts itself and sends the driver only
what story grouping needs (ordinal, id, content hash, signature): pickling whole records back
through one pipe would make the driver the bottleneck as workers are added.  Results come back in
task order, so the driver groups stories with the very same ``Deduper`` that ``wirewatch extract``
uses, in the same order: same story ids.  A second pool pass stamps the story ids into the parts
and writes them partitioned by month.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from ..dedup import Deduper
from .common import (
    ARTICLE_SCHEMA,
    REJECT_SCHEMA,
    BatchSummary,
    Options,
    iter_task,
    list_tasks,
    publish,
    staging,
)

FLUSH_ROWS = 500  # rows per staged part: bounds a worker's memory on large WARC / JSONL files
KEYS = ("ordinal", "id", "content_hash", "minhash", "n_shingles")


def _warm(options: Options) -> None:
    if options.nlp:
        from ..nlp import load_model

        load_model()


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _task(args: tuple[int, str, Options, str]) -> tuple[list[tuple], list[dict[str, Any]], list[str], int]:
    """Process one task in a worker: (dedup keys, reject rows, staged part paths, worker peak MB)."""
    index, item, options, parts_dir = args
    keys: list[tuple] = []
    rejects: list[dict[str, Any]] = []
    parts: list[str] = []
    buffer: list[dict[str, Any]] = []

    def flush() -> None:
        if buffer:
            path = os.path.join(parts_dir, f"part-{index:06d}-{len(parts):04d}.parquet")
            pq.write_table(pa.Table.from_pylist(buffer, schema=ARTICLE_SCHEMA), path)
            parts.append(path)
            buffer.clear()

    for kind, row in iter_task(index, item, options):
        if kind == "R":
            rejects.append(row)
            continue
        keys.append(tuple(row[k] for k in KEYS))
        buffer.append(row)
        if len(buffer) >= FLUSH_ROWS:
            flush()
    flush()
    return keys, rejects, parts, _peak_mb()


def _stamp(args: tuple[str, dict[int, str], str]) -> int:
    """Write one staged part with its story ids into the month-partitioned output; its row count."""
    part, stories, target = args
    table = pq.read_table(part)
    ids = [stories[o] for o in table.column("ordinal").to_pylist()]
    table = table.set_column(table.schema.get_field_index("story_id"), "story_id", pa.array(ids, pa.string()))
    ds.write_dataset(table, target, format="parquet", basename_template=Path(part).stem + "-{i}.parquet",
                     partitioning=ds.partitioning(pa.schema([("month", pa.string())]), flavor="hive"),
                     existing_data_behavior="overwrite_or_ignore")
    os.unlink(part)
    return table.num_rows


def run_local(inputs: list[str], out: str | os.PathLike, *, workers: int | None = None,
              options: Options | None = None) -> BatchSummary:
    options = options or Options()
    t0 = time.perf_counter()
    out = Path(out)
    tmp = staging(out)
    parts_dir = tmp / "parts"
    parts_dir.mkdir()
    tasks = list_tasks(inputs)
    workers = max(1, workers or os.cpu_count() or 1)
    deduper = Deduper()
    stories: dict[int, str] = {}
    rejects: list[dict[str, Any]] = []
    parts: list[str] = []
    peak = 0
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers, initializer=_warm, initargs=(options,)) as pool:
        jobs = ((i, item, options, str(parts_dir)) for i, item in enumerate(tasks))
        for keys, rejs, task_parts, task_peak in pool.imap(_task, jobs, chunksize=1):
            for ordinal, aid, chash, sig, n in keys:  # task order, then document order: the order extract sees
                verdict = deduper.judge_signature(aid, chash, np.frombuffer(sig, dtype=np.uint32), n)
                stories[ordinal] = verdict.story_id
            rejects.extend(rejs)
            parts.extend(task_parts)
            peak = max(peak, task_peak)
        target = str(tmp / "articles")
        n_articles = sum(pool.imap_unordered(_stamp, ((p, _stories_of(p, stories), target) for p in parts)))
    (tmp / "articles").mkdir(exist_ok=True)
    (tmp / "rejects").mkdir()
    pq.write_table(pa.Table.from_pylist(rejects, schema=REJECT_SCHEMA), tmp / "rejects" / "part-00000.parquet")
    parts_dir.rmdir()
    publish(out, tmp)
    return BatchSummary("local", workers, len(tasks), n_articles, len(rejects), len(set(stories.values())),
                        round(time.perf_counter() - t0, 3), str(out), worker_peak_mb=peak)


def _stories_of(part: str, stories: dict[int, str]) -> dict[int, str]:
    """The story ids one part needs (sent to the worker that stamps it, not the whole map)."""
    ordinals = pq.read_table(part, columns=["ordinal"]).column("ordinal").to_pylist()
    return {o: stories[o] for o in ordinals}
