"""What both batch engines share: tasks, the per-task function, the output layout.

A *task* is one input (a file, a URL, a feed) with its ordinal; ``run_task`` turns it into rows
with the very same per-document function as ``wirewatch extract`` (``pipeline.process``), plus
each article's dedup signature, so that story grouping can happen afterwards over the whole crawl.

Output layout of ``wirewatch batch ... --out DIR`` (Parquet):

    DIR/articles/month=YYYY-MM/*.parquet   article records (month=unknown when undated)
    DIR/rejects/*.parquet                   source, code, reason of every rejected document

Overwrite semantics: a run writes into ``DIR/.staging`` and, only once everything is written,
replaces ``DIR/articles`` and ``DIR/rejects`` as a whole (anything else in ``DIR`` is left alone).
So rerunning over the same input gives the same rows (idempotent: nothing is appended), and a run
that fails or is interrupted leaves the previous output untouched.  Files named by the local
engine are deterministic; Spark names its files itself, so only the rows are identical there.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..dedup import signature
from ..pipeline import process
from ..records import Article, Rejected, content_hash
from ..sources import iter_documents
from ..sources.files import walk_files

NESTED = ("entities", "quotes", "dates", "places", "events")
ARTICLE_SCHEMA = pa.schema([
    ("ordinal", pa.int64()), ("id", pa.string()), ("story_id", pa.string()), ("source", pa.string()),
    ("url", pa.string()), ("title", pa.string()), ("authors", pa.list_(pa.string())), ("agency", pa.string()),
    ("dateline", pa.string()), ("published", pa.string()), ("language", pa.string()), ("text", pa.string()),
    *[(name, pa.string()) for name in NESTED],  # JSON arrays, as in the article record
    ("content_hash", pa.string()), ("n_shingles", pa.int32()), ("minhash", pa.binary()), ("month", pa.string()),
])
REJECT_SCHEMA = pa.schema([("ordinal", pa.int64()), ("source", pa.string()), ("code", pa.string()),
                           ("reason", pa.string())])
ORDINAL_STRIDE = 1 << 32  # ordinal = task index * stride + position of the document in the task


@dataclass(frozen=True, slots=True)
class Options:
    published: str | None = None
    allow_private: bool = False
    nlp: bool = True


def list_tasks(inputs: Iterable[str]) -> list[str]:
    """Inputs expanded to single files (folders walked in the order ``sources`` reads them)."""
    tasks: list[str] = []
    for item in inputs:
        path = Path(item)
        if item != "-" and path.is_dir():
            tasks.extend(walk_files(item))
        else:
            tasks.append(item)
    return tasks


def iter_task(index: int, item: str, options: Options) -> Iterator[tuple[str, dict[str, Any]]]:
    """("A", article row) and ("R", reject row) of one task, streamed: a large WARC or JSONL file
    never sits in memory whole.  The model loads once per process, not per task."""
    docs = iter_documents([item], allow_private=options.allow_private)
    for pos, rec in enumerate(process(docs, published=options.published, nlp=options.nlp)):
        ordinal = index * ORDINAL_STRIDE + pos
        if isinstance(rec, Rejected):
            yield "R", {"ordinal": ordinal, "source": rec.source, "code": rec.code, "reason": rec.reason}
        else:
            yield "A", article_row(rec, ordinal)


def run_task(index: int, item: str, options: Options) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Article rows and reject rows of one task, as two lists."""
    articles, rejects = [], []
    for kind, row in iter_task(index, item, options):
        (articles if kind == "A" else rejects).append(row)
    return articles, rejects


def article_row(a: Article, ordinal: int) -> dict[str, Any]:
    sig, n = signature(a.text)
    d = a.to_dict()
    row = {k: d[k] for k in ("id", "story_id", "source", "url", "title", "authors", "agency", "dateline",
                             "published", "language", "text")}
    row.update({k: json.dumps(d[k], ensure_ascii=False) for k in NESTED})
    row.update(ordinal=ordinal, content_hash=content_hash(a.text), n_shingles=n, minhash=sig.tobytes(),
               month=(a.published or "")[:7] or "unknown")
    return row


def row_to_article(row: dict[str, Any]) -> Article:
    """The article record back from a Parquet row."""
    data = {k: row[k] for k in ("id", "story_id", "source", "url", "title", "authors", "agency", "dateline",
                                "published", "language", "text")}
    data["authors"] = list(data["authors"] or [])
    data.update({k: json.loads(row[k]) if row[k] else [] for k in NESTED})
    return Article.from_dict(data)


@dataclass(slots=True)
class BatchSummary:
    engine: str
    workers: int
    tasks: int
    articles: int
    rejected: int
    stories: int
    seconds: float
    out: str
    worker_peak_mb: int = 0  # highest peak RSS of one worker process (Python side)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


def staging(out: Path) -> Path:
    """A fresh folder beside the output, swapped in by ``publish`` when the run succeeds."""
    tmp = out / ".staging"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    return tmp


def publish(out: Path, tmp: Path) -> None:
    """Replace ``out/articles`` and ``out/rejects`` by the staged ones."""
    for name in ("articles", "rejects"):
        target, new = out / name, tmp / name
        old = out / f".old-{name}"
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        if new.exists():
            new.rename(target)
        else:
            target.mkdir()
        shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(tmp, ignore_errors=True)
