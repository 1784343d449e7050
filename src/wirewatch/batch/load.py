"""``wirewatch load``: batch output (Parquet) into a DuckDB store, so reports and the web app see it.

Articles are re-grouped against what the store already holds (the store's own dedup index), so
loading the output of several batch runs, or loading into a store fed by ``ingest``, keeps one
story per story; exact copies of stored bodies are counted as duplicates and skipped.  Loading
the same output twice therefore stores nothing new the second time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pyarrow.dataset as ds

from ..dedup import Deduper, Verdict
from ..errors import UsageError
from ..records import Rejected
from ..store import Batch, Store
from .common import row_to_article
from .storage import Location, storage_errors

BATCH = 500


@dataclass(slots=True)
class LoadSummary:
    articles: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0

    def to_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in self.__slots__}


def _judge_in_order(dataset: ds.Dataset, deduper: Deduper) -> dict[int, Verdict]:
    """Dedup verdicts in crawl order (the ordinal), from the key columns only: files are read in
    month order, and grouping in another order than the batch run could name stories otherwise."""
    keys = dataset.to_table(columns=["ordinal", "id", "content_hash", "minhash", "n_shingles"]).sort_by("ordinal")
    verdicts: dict[int, Verdict] = {}
    for ordinal, aid, chash, sig, n in zip(*(keys.column(i).to_pylist() for i in range(keys.num_columns))):
        verdicts[ordinal] = deduper.judge_signature(aid, chash, np.frombuffer(sig, dtype=np.uint32), n)
    return verdicts


def load_parquet(folder: str | os.PathLike, *, store: Store) -> LoadSummary:
    """Load a batch output folder (local, or ``s3://bucket/prefix``) into ``store``."""
    where = Location(folder)
    if not where.isdir("articles"):
        if where.remote:  # say "access denied" or "no such bucket" rather than "not a batch output"
            with storage_errors(where.uri):
                where.fs.ls(where.path)
        raise UsageError(f"{folder}: not a wirewatch batch output (no articles/ folder inside)")
    if not where.remote:
        return _load(where, store)
    with storage_errors(where.uri):
        return _load(where, store)


def _load(where: Location, store: Store) -> LoadSummary:
    fs = where.arrow_fs
    summary = LoadSummary()
    dataset = ds.dataset(where.join("articles"), format="parquet", partitioning="hive", filesystem=fs)
    verdicts = _judge_in_order(dataset, store.load_deduper())
    batch = Batch()
    for rb in dataset.to_batches(batch_size=BATCH):
        for row in rb.to_pylist():
            summary.articles += 1
            verdict = verdicts.pop(row["ordinal"])
            if verdict.duplicate:
                summary.duplicates += 1
                continue
            article = row_to_article(row)
            article.story_id = verdict.story_id
            batch.articles.append((article, verdict))
            summary.stored += 1
        store.write_batch(batch)
        batch = Batch()
    if where.isdir("rejects"):
        for row in ds.dataset(where.join("rejects"), format="parquet", filesystem=fs).to_table().to_pylist():
            batch.rejects.append(Rejected(row["source"], row["code"], row["reason"]))
        summary.rejected = len(batch.rejects)
        store.write_batch(batch)
    if summary.stored:
        store.rebuild_search_index()
    return summary
