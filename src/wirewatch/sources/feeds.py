"""RSS / Atom / RDF feeds: one document per item, the item's page when we can get it.

Rule for items: fetch the item's link when it is http(s) and fetching is on; when there is no
link, or the fetch fails, or fetching is off, fall back to the item's own content
(``content:encoded``, else the summary) and say so in ``meta``.  By default (``fetch_items=None``)
fetching is on for feeds that came from a URL, and for local feed files only for items that carry
no full content of their own: a saved feed file with full ``content:encoded`` reads offline.

Re-polling: the feed's ETag / Last-Modified are remembered in a ``FeedState`` (the store implements
it; ``MemoryFeedState`` is for one process) and sent back as If-None-Match / If-Modified-Since, so an
unchanged feed answers 304 and yields nothing.  The state is only written once every item of the
feed has been handed on, so a run stopped half-way re-reads the feed next time.
"""

from __future__ import annotations

import calendar
import logging
import re
import time
from datetime import datetime, timezone
from collections.abc import Callable, Iterator
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urljoin

import feedparser

from wirewatch.errors import FEED, InputError
from wirewatch.records import Document, Rejected
from wirewatch.sources.decode import looks_like_feed, sniff_format
from wirewatch.sources.web import FetchResult

log = logging.getLogger(__name__)

FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+xml"}
# Below this many characters an item's own content is a teaser, not the story.
FULL_CONTENT_CHARS = 400
_ANY_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


@runtime_checkable
class FeedState(Protocol):
    """Where a feed's validators are remembered between polls (the store implements this)."""

    def get(self, url: str) -> tuple[str | None, str | None] | None:
        """(etag, last_modified) remembered for ``url``, or None if never polled."""

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Remember the validators of the latest successful poll of ``url``."""


class MemoryFeedState:
    """A ``FeedState`` held in a dict: re-polling within one process fetches nothing unchanged."""

    def __init__(self) -> None:
        self._state: dict[str, tuple[str | None, str | None]] = {}

    def get(self, url: str) -> tuple[str | None, str | None] | None:
        return self._state.get(url)

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self._state[url] = (etag, last_modified)

    def __len__(self) -> int:
        return len(self._state)


def conditional_headers(feed_state: FeedState | None, url: str) -> dict[str, str]:
    """If-None-Match / If-Modified-Since for a URL polled before."""
    remembered = feed_state.get(url) if feed_state is not None else None
    if not remembered:
        return {}
    etag, last_modified = remembered
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def is_feed_response(result: FetchResult, head: bytes) -> bool:
    """A fetched body is a feed if its type says so, or it is XML whose root is rss/feed/rdf."""
    if result.content_type in FEED_TYPES:
        return True
    return looks_like_feed(head)


def _day(struct: time.struct_time | None) -> str | None:
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), tz=timezone.utc).strftime("%Y-%m-%d")
    except (OverflowError, ValueError, OSError):
        return None


def _format_of(value: str, declared: str | None) -> str:
    """Feed content declared as HTML is HTML as soon as it holds one tag (teasers are short)."""
    if declared == "text/plain":
        return "text"
    if declared in ("text/html", "application/xhtml+xml") and _ANY_TAG.search(value):
        return "html"
    return sniff_format(value)


def _own_content(entry: Any) -> tuple[str | None, str, bool]:
    """(content, format, is_full) from the item itself: content:encoded beats the summary."""
    for block in entry.get("content") or []:
        value = (block.get("value") or "").strip()
        if value:
            return value, _format_of(value, block.get("type")), len(value) >= FULL_CONTENT_CHARS
    summary = (entry.get("summary") or "").strip()
    if summary:
        detail = entry.get("summary_detail") or {}
        return summary, _format_of(summary, detail.get("type")), False
    return None, "text", False


def _item_source(entry: Any, link: str | None, feed_source: str, index: int) -> str:
    """Stable, distinct name of an item: its link, else its guid when that is a URL, else feed#N."""
    for candidate in (link, entry.get("id")):
        if candidate and candidate.startswith(("http://", "https://")):
            return candidate
    return f"{feed_source}#{index}"


def parse_feed(data: bytes, *, source: str) -> Any:
    """Parse feed bytes (never a URL string: feedparser would fetch it); ``feed`` error if not a feed."""
    parsed = feedparser.parse(data)
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        problem = parsed.get("bozo_exception") or "no feed items found"
        raise InputError(FEED, f"not a readable RSS/Atom feed ({problem})".replace("\n", " "), source=source)
    return parsed


def iter_feed(data: bytes, *, source: str, base_url: str | None, fetch_items: bool | None,
              fetch_page: Callable[[str], Document]) -> Iterator[Document | Rejected]:
    """Yield one Document (or Rejected) per item of a parsed feed.

    ``fetch_page(url) -> Document`` fetches an item page (raising InputError); ``base_url`` is set
    when the feed itself came from the web (relative links are resolved against it).
    """
    try:
        parsed = parse_feed(data, source=source)
    except InputError as exc:
        yield Rejected(source, exc.code, exc.reason)
        return
    feed_title = parsed.feed.get("title")
    for index, entry in enumerate(parsed.entries, start=1):
        yield _item(entry, index=index, source=source, base_url=base_url, fetch_items=fetch_items,
                    fetch_page=fetch_page, feed_title=feed_title)


def _item(entry: Any, *, index: int, source: str, base_url: str | None, fetch_items: bool | None,
          fetch_page: Callable[[str], Document], feed_title: str | None) -> Document | Rejected:
    link = (entry.get("link") or "").strip() or None
    if link and base_url:
        link = urljoin(base_url, link)
    item_source = _item_source(entry, link, source, index)
    content, fmt, is_full = _own_content(entry)
    meta: dict[str, Any] = {"feed": source, "feed_item": index}
    if feed_title:
        meta["feed_title"] = feed_title
    if entry.get("author"):
        meta["author"] = entry.get("author")
    title = entry.get("title") or None
    published = _day(entry.get("published_parsed") or entry.get("updated_parsed"))
    web_link = bool(link and link.startswith(("http://", "https://")))
    want_fetch = fetch_items if fetch_items is not None else (base_url is not None or not is_full)
    if web_link and want_fetch:
        try:
            doc = fetch_page(link)
        except InputError as exc:
            meta["fetch_error"] = f"{exc.code}: {exc.reason}"
            log.info("feed item %s: fetch failed (%s), using the item's own content", link, exc.reason)
            if content is None:
                return Rejected(item_source, exc.code, f"item page could not be fetched ({exc.reason}) "
                                "and the item has no content of its own")
        else:
            doc.source = item_source
            doc.title = doc.title or title
            doc.published = doc.published or published
            doc.meta.update(meta, content_from="page")
            return doc
    if content is None:
        return Rejected(item_source, FEED, "feed item has neither content nor a fetchable http(s) link")
    meta["content_from"] = "feed"
    return Document(source=item_source, content=content, format=fmt, url=link if web_link else None, title=title,
                    published=published, meta=meta)


def poll_feed_url(url: str, result: FetchResult, *, feed_state: FeedState | None, fetch_items: bool | None,
                  fetch_page: Callable[[str], Document]) -> Iterator[Document | Rejected]:
    """Items of a feed fetched from ``url``; remember its validators once all items are out."""
    yield from iter_feed(result.content, source=url, base_url=result.url, fetch_items=fetch_items,
                         fetch_page=fetch_page)
    if feed_state is not None and (result.etag or result.last_modified):
        feed_state.put(url, result.etag, result.last_modified)

