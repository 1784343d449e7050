"""The local runner: sources -> clean -> dedup -> nlp -> store, one transaction per batch.

A document whose clean body equals a stored one is a duplicate, never stored twice: from another
source (URL, file, feed item) it is a *copy*, recorded under its story (source, url, title,
published, outlet, seen at) without its text; from the same source it is *unchanged* and records
nothing.  Other copies of a known story (other chrome, a cut, edits) are stored under its
``story_id``.  Always ``seen == stored + duplicates + rejected`` and
``duplicates == copies + unchanged``.  ``on_commit`` is called after every committed batch with the
articles it stored (alerts hook in there, after the data is safe on disk).

Each batch is judged at once against the store (``Store.deduper``: candidates looked up by content
hash and LSH band key) and written with its search index in one transaction, so an update costs
what its batch costs, whatever the size of the store.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from contextlib import contextmanager

import duckdb
from dataclasses import asdict, dataclass, field

from .dedup import Verdict
from .pipeline import annotate_all, clean_one
from .records import Article, Document, Rejected
from .sources import iter_documents
from .store import Batch, Store

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Summary:
    seen: int = 0
    stored: int = 0
    duplicates: int = 0  # copies + unchanged
    rejected: int = 0
    new_stories: int = 0
    stories: list[str] = field(default_factory=list)  # story ids touched by this run, first-seen order
    copies: int = 0  # the body of a stored article from another source: recorded, text not stored again
    unchanged: int = 0  # a source read again with the same body: nothing recorded

    def to_dict(self) -> dict:
        d = asdict(self)
        d["stories"] = len(self.stories)
        return d


def ingest(inputs: Iterable[str], *, store: Store, published: str | None = None, allow_private: bool = False,
           nlp: bool = True, batch_size: int = 64,
           on_reject: Callable[[Rejected], None] | None = None,
           on_progress: Callable[[Summary], None] | None = None,
           on_commit: Callable[[list[Article]], None] | None = None,
           documents: Iterable[Document | Rejected] | None = None) -> Summary:
    """Stream ``inputs`` (paths, folders, URLs, feeds, ``-``) into ``store``.

    ``documents``: an already-read stream to use instead of reading ``inputs`` (``wirewatch follow``
    fetches politely itself, then hands its items over here).
    """
    with _bounded_buffers(store):
        return _ingest(inputs, store=store, published=published, allow_private=allow_private, nlp=nlp,
                       batch_size=batch_size, on_reject=on_reject, on_progress=on_progress, on_commit=on_commit,
                       documents=documents)


# DuckDB's buffer manager keeps every block it has read or rewritten (up to 80% of the RAM): at the
# checkpoint that ends a run it rereads the tables it appended to, so an update's peak memory grew
# with the store (+116 MB at 10k articles).  Capped during a run, those blocks are evicted instead;
# operators that need more spill to disk.  But the cap is a hard limit for what a query cannot spill
# (the story look-up of the new documents' LSH bands needed more than 64 MB at 100k stored articles,
# and the run failed), so by default it is 64 MB plus 1.5 KB per stored article: 64 MB up to ~43k
# articles, 150 MB at 100k.  WIREWATCH_INGEST_BUFFER sets it ("256MB"), "" for no cap.
INGEST_BUFFER = os.environ.get("WIREWATCH_INGEST_BUFFER", "auto")
BUFFER_FLOOR_MB = 64
BUFFER_PER_ARTICLE_KB = 1.5


def ingest_buffer(store: Store) -> str:
    """The memory limit of a run on this store (see ``INGEST_BUFFER``); "" for none."""
    if INGEST_BUFFER != "auto":
        return INGEST_BUFFER
    stored = store.con.execute("SELECT count(*) FROM articles").fetchone()[0]
    return f"{max(BUFFER_FLOOR_MB, round(stored * BUFFER_PER_ARTICLE_KB / 1024))}MB"


@contextmanager
def _bounded_buffers(store: Store):
    cap = "" if store.read_only else ingest_buffer(store)
    if not cap:
        yield
        return
    before = store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    store.con.execute(f"SET memory_limit = '{cap}'")
    try:
        yield
    finally:
        try:
            store.con.execute("CHECKPOINT")  # while capped: the rewrite of what the run appended is bounded too
        except duckdb.Error as exc:  # e.g. another transaction of this process is open: DuckDB does it later
            log.info("no checkpoint after the run: %s", exc)
        store.con.execute(f"SET memory_limit = '{before}'")


def _ingest(inputs: Iterable[str], *, store: Store, published: str | None, allow_private: bool, nlp: bool,
            batch_size: int, on_reject, on_progress, on_commit, documents) -> Summary:
    summary = Summary()
    deduper = store.deduper()
    batch = Batch()
    cleaned: list[Article] = []
    fine: list[str] = []
    touched: set[str] = set()
    ingest_id = store.begin_ingest()

    def flush() -> None:
        verdicts = deduper.judge_many(cleaned)
        known = store.known_ids([a.id for a, v in zip(cleaned, verdicts) if v.duplicate])
        pending: list[tuple[Article, Verdict]] = []
        for rec, verdict in zip(cleaned, verdicts):
            rec.story_id = verdict.story_id
            if verdict.story_id not in touched:
                touched.add(verdict.story_id)
                summary.stories.append(verdict.story_id)
            if not verdict.duplicate:
                summary.stored += 1
                summary.new_stories += verdict.new_story
                pending.append((rec, verdict))
                known.add(rec.id)
            elif rec.id in known:
                summary.unchanged += 1
            else:
                known.add(rec.id)
                summary.copies += 1
                batch.copies.append((rec, verdict))
        summary.duplicates = summary.copies + summary.unchanged
        if nlp:
            annotate_all([a for a, _ in pending])
        batch.articles = pending
        batch.cleared = list(fine)
        store.write_batch(batch)
        deduper.settle()
        batch.rejects.clear()
        batch.copies = []
        cleaned.clear()
        fine.clear()
        if on_progress:
            on_progress(summary)
        if on_commit and pending:
            on_commit([a for a, _ in pending])

    if documents is None:
        documents = iter_documents(inputs, allow_private=allow_private, feed_state=store)
    for doc in documents:
        summary.seen += 1
        rec = doc if isinstance(doc, Rejected) else clean_one(doc, published=published)
        if isinstance(rec, Rejected):
            summary.rejected += 1
            batch.rejects.append(rec)
            if on_reject:
                on_reject(rec)
        else:
            fine.append(rec.source)
            cleaned.append(rec)
        if on_progress:
            on_progress(summary)
        if len(cleaned) >= batch_size or len(batch.rejects) >= batch_size:
            flush()
    flush()
    store.finish_ingest(ingest_id, summary.to_dict())
    return summary
