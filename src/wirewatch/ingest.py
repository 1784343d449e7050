"""The local runner: sources -> clean -> dedup -> nlp -> store, one transaction per batch.

Exact copies of a body already stored are counted as duplicates and not stored again; other
copies of a known story are stored under its ``story_id``.  Always
``seen == stored + duplicates + rejected``.  ``on_commit`` is called after every committed
batch with the articles it stored (alerts hook in there, after the data is safe on disk).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
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
    duplicates: int = 0
    rejected: int = 0
    new_stories: int = 0
    stories: list[str] = field(default_factory=list)  # story ids touched by this run, first-seen order

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
    summary = Summary()
    deduper = store.load_deduper()
    batch = Batch()
    pending: list[tuple[Article, Verdict]] = []
    fine: list[str] = []
    touched: set[str] = set()
    ingest_id = store.begin_ingest()

    def flush() -> None:
        if nlp:
            annotate_all([a for a, _ in pending])
        batch.articles = list(pending)
        batch.cleared = list(fine)
        store.write_batch(batch)
        stored = [a for a, _ in pending]
        pending.clear()
        batch.rejects.clear()
        fine.clear()
        if on_commit and stored:
            on_commit(stored)

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
            verdict = deduper.judge(rec)
            rec.story_id = verdict.story_id
            fine.append(rec.source)
            if verdict.story_id not in touched:
                touched.add(verdict.story_id)
                summary.stories.append(verdict.story_id)
            if verdict.duplicate:
                summary.duplicates += 1
            else:
                summary.stored += 1
                summary.new_stories += verdict.new_story
                pending.append((rec, verdict))
        if on_progress:
            on_progress(summary)
        if len(pending) >= batch_size or len(batch.rejects) >= batch_size:
            flush()
    flush()
    if summary.stored:
        store.rebuild_search_index()
    store.finish_ingest(ingest_id, summary.to_dict())
    return summary
