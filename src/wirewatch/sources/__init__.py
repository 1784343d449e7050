"""The sources stage: any input (file, folder, stdin, WARC, feed, URL) as a stream of Documents.

``iter_documents`` never raises for bad input: each problem becomes a ``Rejected`` record
(code + one-line reason) and the stream goes on, so that ``seen == stored + duplicates + rejected``
holds downstream.  Every Document it yields has ``content`` decoded to ``str`` and ``format`` set to
``"html"`` or ``"text"``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from wirewatch.errors import INTERNAL, UNSUPPORTED
from wirewatch.records import Document, Rejected
from wirewatch.sources.decode import decode_bytes, sniff_format
from wirewatch.sources.feeds import FeedState, MemoryFeedState
from wirewatch.sources.files import iter_path, iter_stdin
from wirewatch.sources.options import Options
from wirewatch.sources.urls import iter_url
from wirewatch.sources.web import DEFAULT_MAX_BYTES, FetchResult, fetch, is_public_address

__all__ = [
    "iter_documents", "FeedState", "MemoryFeedState", "fetch", "FetchResult", "decode_bytes", "sniff_format",
    "is_public_address", "DEFAULT_MAX_BYTES",
]

log = logging.getLogger(__name__)


def _is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _has_other_scheme(value: str) -> bool:
    """``ftp://x``, ``file:///x``...: a URL we do not fetch (a Windows drive ``C:\\`` is not one)."""
    scheme, sep, _ = value.partition("://")
    return bool(sep) and scheme.isalpha() and len(scheme) > 1


def iter_documents(inputs: Iterable[str], *, allow_private: bool = False, feed_state: FeedState | None = None,
                   max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = 20.0, stdin: BinaryIO | None = None,
                   fetch_items: bool | None = None) -> Iterator[Document | Rejected]:
    """Stream every document the inputs hold, in input order (folders in sorted order).

    ``inputs``: paths, folders, ``-`` (stdin), or http(s) URLs (pages, feeds, JSON, WARC).
    ``allow_private`` lets URLs reach private/loopback addresses; ``feed_state`` remembers feed
    validators for conditional re-polling; ``max_bytes`` caps each document (and each fetch);
    ``timeout`` bounds each fetch; ``fetch_items`` forces (True) or forbids (False) fetching feed item
    pages, the default fetching them for URL feeds and for file-feed items without full content.
    """
    options = Options(max_bytes=max_bytes, allow_private=allow_private, timeout=timeout,
                      feed_state=feed_state, fetch_items=fetch_items)
    try:
        for item in inputs:
            yield from _guarded(item, _iter_one(item, options, stdin))
    finally:
        options.close()


def _iter_one(item: str, options: Options, stdin: BinaryIO | None) -> Iterator[Document | Rejected]:
    if item == "-":
        return iter_stdin(stdin if stdin is not None else sys.stdin.buffer, options)
    if _is_url(item):
        return iter_url(item, options)
    if _has_other_scheme(item):
        return iter([Rejected(item, UNSUPPORTED, "only http and https URLs are fetched")])
    return iter_path(item, options)


def _guarded(item: str, documents: Iterator[Document | Rejected]) -> Iterator[Document | Rejected]:
    """Turn a bug in a reader into one ``internal`` rejection instead of ending the whole run."""
    try:
        yield from documents
    except Exception as exc:  # noqa: BLE001 - the stream must go on; the bug is logged with its traceback
        log.debug("unexpected error while reading %s", item, exc_info=True)
        yield Rejected(item, INTERNAL, f"unexpected error while reading ({type(exc).__name__}: {exc})")
