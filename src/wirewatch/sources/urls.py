"""A URL given as input: fetched once, then read as a page, a feed, JSON records or a WARC.

What the URL holds is decided by the response (Content-Type, then the bytes), not by the
URL's spelling: ``/rss`` endpoints rarely end in ``.xml``.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

from wirewatch.errors import InputError
from wirewatch.records import Document, Rejected
from wirewatch.sources.decode import SNIFF_BYTES, decode_bytes, looks_like_json, looks_like_warc, sniff_format
from wirewatch.sources.feeds import conditional_headers, is_feed_response, poll_feed_url
from wirewatch.sources.jsonrec import iter_json, iter_jsonl
from wirewatch.sources.options import Options
from wirewatch.sources.warc import iter_warc
from wirewatch.sources.web import FetchResult, fetch

log = logging.getLogger(__name__)

HTML_TYPES = {"text/html", "application/xhtml+xml"}
JSON_TYPES = {"application/json", "application/x-ndjson", "application/jsonl", "application/ld+json"}
WARC_TYPES = {"application/warc", "application/x-warc"}


def fetch_with(options: Options, url: str, headers: dict[str, str] | None = None) -> FetchResult:
    """``fetch`` with the run's policy (private addresses, timeout, cap, shared client)."""
    return fetch(url, allow_private=options.allow_private, timeout=options.timeout,
                 max_bytes=options.max_bytes, headers=headers, client=options.http())


def page_document(result: FetchResult, *, source: str) -> Document:
    """A fetched page as a Document (decoded; ``InputError`` when empty or binary)."""
    text = decode_bytes(result.content, declared=result.charset, source=source)
    if result.content_type in HTML_TYPES:
        fmt = "html"
    elif result.content_type == "text/plain":
        fmt = "text"
    else:
        fmt = sniff_format(text)
    meta = {"status": result.status, "content_type": result.content_type, "etag": result.etag,
            "last_modified": result.last_modified, "redirects": list(result.redirects)}
    return Document(source=source, content=text, format=fmt, url=result.url, encoding=result.charset,
                    meta={k: v for k, v in meta.items() if v})


def fetch_page(options: Options, url: str) -> Document:
    """Fetch one item page of a feed; ``InputError`` on any failure (the caller falls back)."""
    return page_document(fetch_with(options, url), source=url)


def iter_url(url: str, options: Options) -> Iterator[Document | Rejected]:
    """Everything one input URL yields; a 304 to a conditional poll yields nothing."""
    try:
        result = fetch_with(options, url, conditional_headers(options.feed_state, url))
    except InputError as exc:
        yield Rejected(url, exc.code, exc.reason)
        return
    if result.not_modified:
        log.info("%s: not modified since the last poll", url)
        return
    head = result.content[:SNIFF_BYTES]
    if is_feed_response(result, head):
        yield from poll_feed_url(url, result, feed_state=options.feed_state, fetch_items=options.fetch_items,
                                 fetch_page=lambda link: fetch_page(options, link))
        return
    if result.content_type in WARC_TYPES or looks_like_warc(head):
        yield from iter_warc(io.BytesIO(result.content), source=url, max_bytes=options.max_bytes)
        return
    if result.content_type in JSON_TYPES or (result.content_type in (None, "text/plain") and looks_like_json(head)):
        if looks_like_json(head) == "jsonl":
            yield from iter_jsonl(io.BytesIO(result.content), source=url, max_bytes=options.max_bytes)
        else:
            yield from iter_json(result.content, source=url)
        return
    try:
        yield page_document(result, source=url)
    except InputError as exc:
        yield Rejected(url, exc.code, exc.reason)
