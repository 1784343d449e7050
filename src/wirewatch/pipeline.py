"""The per-document function: one document in, one article record (or a reject) out.

``process`` maps it over a stream, batching the NLP stage so spaCy sees many texts at once; the
local runner (``extract``, ``ingest``) and the batch engines (``wirewatch batch``) call this very
function, so the same inputs give the same records everywhere.  Story grouping is a stream-level
step (``dedup``) applied on top by whoever owns the stream.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from .clean import clean_document
from .dedup import Deduper
from .errors import INTERNAL, InputError
from .records import Article, Document, Rejected

log = logging.getLogger(__name__)


def clean_one(doc: Document, *, published: str | None = None) -> Article | Rejected:
    """Clean one document; every failure becomes a ``Rejected`` record, never an exception."""
    try:
        return clean_document(doc, published=published)
    except InputError as exc:
        return Rejected(doc.source, exc.code, exc.reason)
    except Exception as exc:  # a bug must cost one document, not the batch
        log.debug("cleaning %s failed", doc.source, exc_info=True)
        return Rejected(doc.source, INTERNAL, f"unexpected error while cleaning: {type(exc).__name__}: {exc}")


def annotate_all(articles: list[Article], *, batch_size: int | None = None) -> list[Article]:
    """Run the NLP components over a list of articles (in place; returns the list)."""
    if articles:
        from .nlp.runtime import PIPE_BATCH, annotate

        for _ in annotate(articles, batch_size=batch_size or PIPE_BATCH):
            pass
    return articles


def process(items: Iterable[Document | Rejected], *, published: str | None = None, nlp: bool = True,
            batch_size: int = 64) -> Iterator[Article | Rejected]:
    """Clean (and annotate) every document of a stream, in order."""
    chunk: list[Article | Rejected] = []
    for item in items:
        chunk.append(item if isinstance(item, Rejected) else clean_one(item, published=published))
        if len(chunk) >= batch_size:
            yield from _finish(chunk, nlp=nlp)
            chunk = []
    if chunk:
        yield from _finish(chunk, nlp=nlp)


def _finish(chunk: list[Article | Rejected], *, nlp: bool) -> list[Article | Rejected]:
    if nlp:
        annotate_all([a for a in chunk if isinstance(a, Article)])
    return chunk


def extract(items: Iterable[Document | Rejected], *, published: str | None = None,
            nlp: bool = True) -> Iterator[Article | Rejected]:
    """``process`` plus story grouping within the stream: what ``wirewatch extract`` prints."""
    deduper = Deduper()
    for rec in process(items, published=published, nlp=nlp):
        if isinstance(rec, Article):
            rec.story_id = deduper.judge(rec).story_id
        yield rec
