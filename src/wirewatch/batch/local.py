"""``--engine local``: the per-task function over a process pool, on every core of one machine.

Workers are spawned (not forked) and load the spaCy model once each, in the pool initializer.
Each worker writes the rows of its task to staged Parquet parts itself and sends the driver only
what story grouping needs (ordinal, id, content hash, signature): pickling whole records back
through one pipe would make the driver the bottleneck as workers are added.  Results come back in
task order, so the driver groups stories with the very same ``Deduper`` that ``wirewatch extract``
uses, in the same order: same story ids.  A second pool pass stamps the story ids into the parts
and writes them partitioned by month.  The output may be a local folder or an ``s3://`` prefix.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..dedup import Deduper
from .common import REJECT_SCHEMA, BatchSummary, Options, TaskResult, environ, stamp, worker_env, write_task
from .storage import Location, Task, publish, resolve_inputs, staging


def _warm(options: Options) -> None:
    """Load the model before the first task: in this worker's child (``recycle``), or here without one."""
    from .recycle import recycle_docs, warm

    if options.nlp and recycle_docs():
        warm(options)
    elif options.nlp:
        from ..nlp import load_model

        load_model()


def _task(args: tuple[int, Task, Options, Location]) -> TaskResult:
    index, item, options, stage = args
    return write_task(index, item, options, stage, spill=False)


def _stamp(args: tuple[str, dict[int, str], Location]) -> int:
    part, stories, stage = args
    return stamp(part, stories, by="ordinal", stage=stage)


def run_local(inputs: list[str], out: str | os.PathLike, *, workers: int | None = None,
              options: Options | None = None) -> BatchSummary:
    options = options or Options()
    t0 = time.perf_counter()
    tasks = resolve_inputs(inputs)
    target = Location(out)
    target.check_writable()
    stage = staging(target)
    workers = max(1, workers or os.cpu_count() or 1)
    deduper = Deduper()
    stories: dict[int, str] = {}
    rejects: list[dict[str, Any]] = []
    codes: dict[str, int] = {}
    sample = ""
    parts: list[str] = []
    peak = 0
    ctx = mp.get_context("spawn")
    with environ(worker_env()):
        pool = ctx.Pool(workers, initializer=_warm, initargs=(options,))
    with pool:
        jobs = ((i, item, options, stage) for i, item in enumerate(tasks))
        for res in pool.imap(_task, jobs, chunksize=1):
            for ordinal, aid, chash, sig, n in res.keys:  # task order, then document order: what extract sees
                verdict = deduper.judge_signature(aid, chash, np.frombuffer(sig, dtype=np.uint32), n)
                stories[ordinal] = verdict.story_id
            rejects.extend(res.rejects)
            for code, count in res.reject_codes.items():
                codes[code] = codes.get(code, 0) + count
            sample = sample or res.reject_sample
            parts.extend(res.parts)
            peak = max(peak, res.peak_mb)
        n_articles = sum(pool.imap_unordered(_stamp, ((p, _stories_of(p, stories, stage), stage) for p in parts)))
    stage.makedirs("articles")
    stage.makedirs("rejects")
    pq.write_table(pa.Table.from_pylist(rejects, schema=REJECT_SCHEMA), stage.join("rejects", "part-00000.parquet"),
                   filesystem=stage.arrow_fs)
    stage.rmtree("parts")
    stage.rmtree("keys")
    publish(target, stage)
    return BatchSummary("local", workers, len(tasks), n_articles, len(rejects), len(set(stories.values())),
                        round(time.perf_counter() - t0, 3), target.uri, worker_peak_mb=peak,
                        reject_codes=codes, reject_sample=sample)


def _stories_of(part: str, stories: dict[int, str], stage: Location) -> dict[int, str]:
    """The story ids one part needs (sent to the worker that stamps it, not the whole map)."""
    ordinals = pq.read_table(part, columns=["ordinal"], filesystem=stage.arrow_fs).column("ordinal").to_pylist()
    return {o: stories[o] for o in ordinals}
