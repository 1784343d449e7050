"""The options every reader of the sources stage shares, gathered once per run."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from wirewatch.sources.feeds import FeedState
from wirewatch.sources.web import DEFAULT_MAX_BYTES


@dataclass(slots=True, kw_only=True)
class Options:
    """How to read: size cap, network policy, feed state; one HTTP client reused for the whole run."""

    max_bytes: int = DEFAULT_MAX_BYTES
    allow_private: bool = False
    timeout: float = 20.0
    feed_state: FeedState | None = None
    fetch_items: bool | None = None  # feed item pages: None = automatic (see feeds.py)
    client: httpx.Client | None = None
