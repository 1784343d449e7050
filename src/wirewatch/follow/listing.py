"""What one poll of a source lists: its items, each with the key that marks it as read.

* feed (RSS/Atom/RDF): one item per entry, keyed like ``ingest`` names it (its link, else its guid
  URL, else ``feed#N``); its page is fetched politely, else the entry's own content is used.
* news sitemap (``<urlset>`` with ``<news:news>``): one item per ``<url>``, its page fetched.
* page: the page itself, read again whenever it changed (conditional GET); an unchanged body is
  a duplicate to the store, a changed one a new copy of its story.
* folder: one item per file, keyed by its absolute path and marked with its size and mtime, so a
  new or rewritten file is read and an unchanged one is not.  Files still being written (modified
  within ``SETTLE_SECONDS``) wait for the next poll.

URL sources are fetched with the stored validators (If-None-Match / If-Modified-Since): a 304
lists nothing.  A source that cannot be listed raises ``InputError`` (the poll's failure).
"""

from __future__ import annotations

import logging
import os
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from ..errors import FEED, InputError
from ..records import Document, Rejected
from ..sources import iter_documents
from ..sources.decode import SNIFF_BYTES
from ..sources.feeds import _item, _item_source, is_feed_response, parse_feed  # the feed reader's own item rules
from ..sources.files import walk_files
from ..sources.urls import page_document
from ..sources.web import FetchResult
from .fetcher import PoliteFetcher

log = logging.getLogger(__name__)

SETTLE_SECONDS = 1.0
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
Produced = list[Document | Rejected]


@dataclass(slots=True)
class Item:
    """One thing a source lists: ``read()`` returns its documents (fetching when needed)."""

    key: str
    read: Callable[[], Produced]
    mark: str | None = None  # the value stored with the key (a file's size:mtime); None for web items
    remember: bool = True  # False: never marked (a page is re-read whenever it changes)


@dataclass(slots=True)
class Listing:
    kind: str
    items: list[Item] = field(default_factory=list)
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None


def list_source(*, url: str, kind: str, fetcher: PoliteFetcher, etag: str | None = None,
                last_modified: str | None = None, allow_private: bool = False) -> Listing:
    """List one source (see the module docstring); ``kind`` ``auto`` is decided by the response."""
    if kind == "folder":
        return list_folder(url, allow_private=allow_private)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    result = fetcher.get(url, headers)
    if result.not_modified:
        return Listing(kind=kind, not_modified=True, etag=etag, last_modified=last_modified)
    found = kind if kind != "auto" else detect(result)
    if found == "feed":
        items = feed_items(url, result, fetcher)
    elif found == "sitemap":
        items = sitemap_items(url, result, fetcher)
    else:
        items = [Item(key=url, read=lambda: [_page(result, url)], remember=False)]
    return Listing(kind=found, items=items, etag=result.etag, last_modified=result.last_modified)


def detect(result: FetchResult) -> str:
    """``feed``, ``sitemap`` or ``page`` from a response; XML that is neither is an error."""
    head = result.content[:SNIFF_BYTES]
    if is_feed_response(result, head):
        return "feed"
    root = _xml_root(head)
    if root in ("urlset", "sitemapindex"):
        return "sitemap"
    ctype = result.content_type or ""
    xmlish = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml") or (
        ctype.endswith("xml") and ctype != "application/xhtml+xml")
    if xmlish and root != "html":
        raise InputError(FEED, f"XML that is neither an RSS/Atom feed nor a news sitemap (root <{root or '?'}>)",
                         source=result.url)
    return "page"


def _xml_root(head: bytes) -> str | None:
    """Local name of the first element (after the prologue, comments and doctype), lower-case."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").decode("utf-8", errors="replace")
    pos = text.find("<")
    while 0 <= pos < len(text) - 1:
        if text[pos + 1] not in "?!":
            name = text[pos + 1:].split(None, 1)[0].split(">", 1)[0].rstrip("/")
            return name.rsplit(":", 1)[-1].lower() or None
        pos = text.find("<", pos + 1)
    return None


def _page(result: FetchResult, source: str) -> Document | Rejected:
    try:
        return page_document(result, source=source)
    except InputError as exc:
        return Rejected(source, exc.code, exc.reason)


def feed_items(url: str, result: FetchResult, fetcher: PoliteFetcher) -> list[Item]:
    """One item per feed entry (``garbage`` that is no feed raises ``InputError``)."""
    parsed = parse_feed(result.content, source=url)
    feed_title = parsed.feed.get("title")

    def fetch_page(link: str) -> Document:
        return page_document(fetcher.get(link), source=link)

    items = []
    for index, entry in enumerate(parsed.entries, start=1):
        link = (entry.get("link") or "").strip() or None
        if link:
            link = urljoin(result.url, link)
        key = _item_source(entry, link, url, index)

        def read(entry: Any = entry, index: int = index) -> Produced:
            return [_item(entry, index=index, source=url, base_url=result.url, fetch_items=None,
                          fetch_page=fetch_page, feed_title=feed_title)]

        items.append(Item(key=key, read=read))
    return items


def sitemap_items(url: str, result: FetchResult, fetcher: PoliteFetcher) -> list[Item]:
    """One item per ``<url>`` of a news sitemap (a plain sitemap or an index is refused: following it
    would crawl a whole site)."""
    try:
        root = ET.fromstring(result.content)
    except ET.ParseError as exc:
        raise InputError(FEED, f"sitemap is not well-formed XML ({exc})", source=url) from None
    if root.tag.rsplit("}", 1)[-1] != "urlset":
        raise InputError(FEED, "a sitemap index, not a news sitemap: follow one of its news sitemaps", source=url)
    entries = root.findall(f"{{{SITEMAP_NS}}}url") or root.findall("url")
    items = []
    news_seen = False
    for entry in entries:
        loc = (entry.findtext(f"{{{SITEMAP_NS}}}loc") or entry.findtext("loc") or "").strip()
        news = entry.find(f"{{{NEWS_NS}}}news")
        if news is None or not loc:
            continue
        news_seen = True
        loc = urljoin(result.url, loc)
        title = (news.findtext(f"{{{NEWS_NS}}}title") or "").strip() or None
        day = (news.findtext(f"{{{NEWS_NS}}}publication_date") or "").strip()[:10] or None

        def read(loc: str = loc, title: str | None = title, day: str | None = day) -> Produced:
            try:
                doc = page_document(fetcher.get(loc), source=loc)
            except InputError as exc:
                return [Rejected(loc, exc.code, exc.reason)]
            doc.title = doc.title or title
            doc.published = doc.published or day
            doc.meta.update(sitemap=url)
            return [doc]

        items.append(Item(key=loc, read=read))
    if entries and not news_seen:
        raise InputError(FEED, "a sitemap without <news:news> entries (it lists a whole site): "
                         "follow its news sitemap or a feed", source=url)
    return items


def list_folder(folder: str, *, allow_private: bool = False) -> Listing:
    """Every settled file of a folder, marked by size and modification time."""
    if not os.path.isdir(folder):
        raise InputError("not_found", "the folder no longer exists", source=folder)
    items = []
    cutoff = time.time() - SETTLE_SECONDS
    for path in walk_files(folder):
        try:
            st = os.stat(path)
        except OSError:
            continue
        if st.st_mtime > cutoff:
            continue  # still being written, perhaps: next poll

        def read(path: str = path) -> Produced:
            return list(iter_documents([path], allow_private=allow_private))

        items.append(Item(key=path, read=read, mark=f"{st.st_size}:{st.st_mtime_ns}"))
    return Listing(kind="folder", items=items)
