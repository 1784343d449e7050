"""Sources that wirewatch follows by itself: ``wirewatch sources add|list|remove`` and ``wirewatch follow``.

Python API::

    add_source(store, "https://example.org/rss", every="5m", name=None, kind=None) -> (Source, created)
    list_sources(con) -> list[Source];  get_source(con, ref);  remove_source(store, ref) -> Source | None
    parse_duration("90s" | "5m" | "1h" | "1d") -> seconds
    Follower(file_access("news.duckdb"), allow_private=False).run(once=False)   # until .stop is set

See ``registry`` (sources and their health), ``listing`` (what a poll of each kind lists),
``fetcher`` (robots.txt, one request per second per host, bounded concurrency) and ``follower``
(rounds, chunks, transactions, backoff).
"""

from __future__ import annotations

from .follower import Follower, PollReport, StoreAccess, backoff, file_access
from .registry import KINDS, Source, add_source, get_source, list_sources, parse_duration, remove_source

__all__ = [
    "KINDS", "Follower", "PollReport", "Source", "StoreAccess", "add_source", "backoff", "file_access",
    "get_source", "list_sources", "parse_duration", "remove_source",
]
