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

    def http(self) -> httpx.Client:
        """The run's HTTP client, created on first use (local-only runs never build a TLS context)."""
        if self.client is None:
            self.client = httpx.Client(follow_redirects=False, trust_env=False)
        return self.client

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
