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

import contextlib
import ctypes
import ctypes.util
import gc
import json
import os
import resource
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from ..dedup import signature
from ..pipeline import process
from ..records import Article, Rejected, content_hash
from .storage import Location, Task

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


# -- bounded worker memory ------------------------------------------------------------------------------
# A worker's resident memory crept up over thousands of articles (native memory: freed blocks that glibc
# keeps in its arenas).  The bound comes from recycling (``recycle``: the process that cleans and annotates
# is replaced every RECYCLE_DOCS documents); on top of it, workers run with few malloc arenas (set in their
# environment before they start) and hand freed memory back to the system every TRIM_EVERY articles, which
# keeps each generation lower.  BENCHMARKS.md has the curves.
WORKER_ENV = {"MALLOC_ARENA_MAX": "2"}
TRIM_EVERY = 64


def worker_env() -> dict[str, str]:
    """Environment variables for worker processes (the user's own settings win)."""
    return {k: os.environ.get(k, v) for k, v in WORKER_ENV.items()}


@contextlib.contextmanager
def environ(extra: dict[str, str]) -> Iterator[None]:
    """``extra`` set in ``os.environ`` for the block (processes started inside inherit it), then the
    previous values (or their absence) restored, whatever happened inside."""
    saved = {k: os.environ.get(k) for k in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def trim_every() -> int:
    try:
        return max(0, int(os.environ.get("WIREWATCH_TRIM_EVERY", TRIM_EVERY)))
    except ValueError:
        return TRIM_EVERY


_LIBC: Any = None


def release_memory() -> None:
    """Collect garbage and return free heap pages to the system (glibc ``malloc_trim``; a no-op elsewhere)."""
    global _LIBC
    gc.collect()
    if _LIBC is None:
        try:
            _LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _LIBC.malloc_trim  # noqa: B018 - missing on musl/macOS: AttributeError
        except (OSError, AttributeError):
            _LIBC = False
    if _LIBC:
        _LIBC.malloc_trim(0)


def iter_task(index: int, item: str | Task, options: Options) -> Iterator[tuple[str, dict[str, Any]]]:
    """("A", article row) and ("R", reject row) of one task, streamed: a large WARC or JSONL file
    never sits in memory whole.  With NLP on, cleaning and NLP run in a child process replaced every
    ``recycle.RECYCLE_DOCS`` documents (bounded memory); the model loads once per child, not per task."""
    from .recycle import recycle_docs, rows_in_child
    from .storage import open_documents

    docs = open_documents(item, allow_private=options.allow_private)
    limit = recycle_docs() if options.nlp else 0
    if limit:
        yield from rows_in_child(((index * ORDINAL_STRIDE + pos, d) for pos, d in enumerate(docs)), options,
                                 limit=limit)
        return
    every = trim_every() if options.nlp else 0
    for pos, rec in enumerate(process(docs, published=options.published, nlp=options.nlp)):
        yield row_of(rec, index * ORDINAL_STRIDE + pos)
        if every and (pos + 1) % every == 0:
            release_memory()


def row_of(rec: Article | Rejected, ordinal: int) -> tuple[str, dict[str, Any]]:
    """("A", article row) or ("R", reject row) of one processed document."""
    if isinstance(rec, Rejected):
        return "R", {"ordinal": ordinal, "source": rec.source, "code": rec.code, "reason": rec.reason}
    return "A", article_row(rec, ordinal)


def run_task(index: int, item: str | Task, options: Options) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
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
    reject_codes: dict[str, int] | None = None  # rejects by code
    reject_sample: str = ""  # the first reject's reason (for the diagnosis of a job that read nothing)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


# -- staged parts: what a worker writes, and how story ids are stamped into them ---------------------------

FLUSH_ROWS = 500  # rows per staged part: bounds a worker's memory on large WARC / JSONL files
KEYS = ("ordinal", "id", "content_hash", "minhash", "n_shingles")
KEY_SCHEMA = pa.schema([(f.name, f.type) for f in ARTICLE_SCHEMA if f.name in KEYS])


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


@dataclass(slots=True)
class TaskResult:
    index: int
    articles: int
    parts: list[str]  # staged article parts (paths inside the staging location)
    keys: list[tuple]  # dedup keys, in document order (empty when spilled to ``keys_file``)
    keys_file: str | None
    rejects: list[dict[str, Any]]  # reject rows (empty when spilled to ``rejects_file``)
    reject_codes: dict[str, int]
    reject_sample: str
    peak_mb: int


def write_task(index: int, item: str | Task, options: Options, stage: Location, *, spill: bool) -> TaskResult:
    """Process one task in a worker, writing its article rows to staged Parquet parts on ``stage``
    (local disk or object storage) as they come.  The driver gets back only what story grouping
    needs (the keys) and the rejects; with ``spill`` (Spark, where a crawl's keys would not fit in
    the driver) keys and rejects are written beside the parts too and only counts come back."""
    fs = stage.arrow_fs
    for sub in ("parts", "keys", "rejects"):
        stage.makedirs(sub)
    res = TaskResult(index, 0, [], [], None, [], {}, "", 0)
    buffer: list[dict[str, Any]] = []

    def flush() -> None:
        if buffer:
            path = stage.join("parts", f"part-{index:06d}-{len(res.parts):04d}.parquet")
            pq.write_table(pa.Table.from_pylist(buffer, schema=ARTICLE_SCHEMA), path, filesystem=fs)
            res.parts.append(path)
            buffer.clear()

    for kind, row in iter_task(index, item, options):
        if kind == "R":
            res.rejects.append(row)
            res.reject_codes[row["code"]] = res.reject_codes.get(row["code"], 0) + 1
            res.reject_sample = res.reject_sample or f"{row['source']}: {row['reason']}"
            continue
        res.articles += 1
        res.keys.append(tuple(row[k] for k in KEYS))
        buffer.append(row)
        if len(buffer) >= FLUSH_ROWS:
            flush()
    flush()
    if spill:
        if res.keys:
            res.keys_file = stage.join("keys", f"keys-{index:06d}.parquet")
            table = pa.Table.from_pylist([dict(zip(KEYS, k)) for k in res.keys], schema=KEY_SCHEMA)
            pq.write_table(table, res.keys_file, filesystem=fs)
        if res.rejects:
            pq.write_table(pa.Table.from_pylist(res.rejects, schema=REJECT_SCHEMA),
                           stage.join("rejects", f"part-{index:06d}.parquet"), filesystem=fs)
        res.keys, res.rejects = [], []
    from .recycle import stats

    res.peak_mb = max(peak_mb(), stats.peak_mb)  # this worker, or the largest of its children so far
    return res


def stamp(part: str, stories: dict, *, by: str, stage: Location) -> int:
    """Write one staged part, with its story ids, into ``stage/articles/month=.../``; its row count.

    ``stories`` maps the ``by`` column (ordinal or content hash) to a story id; a content hash that is
    not in the map is the story id itself (the first copy of a story names it)."""
    fs = stage.arrow_fs
    table = pq.read_table(part, filesystem=fs)
    keys = table.column(by).to_pylist()
    ids = [stories[k] for k in keys] if by == "ordinal" else [stories.get(k, k) for k in keys]
    table = table.set_column(table.schema.get_field_index("story_id"), "story_id", pa.array(ids, pa.string()))
    stem = part.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    ds.write_dataset(table, stage.join("articles"), format="parquet", filesystem=fs,
                     basename_template=stem + "-{i}.parquet",
                     partitioning=ds.partitioning(pa.schema([("month", pa.string())]), flavor="hive"),
                     existing_data_behavior="overwrite_or_ignore")
    if fs is None:
        os.unlink(part)
    else:
        fs.delete_file(part)
    return table.num_rows
