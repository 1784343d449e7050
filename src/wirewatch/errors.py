"""The one small exception tree of wirewatch.

``InputError`` is about one document: the stream records it as rejected (code + reason) and
goes on.  ``UsageError`` is about how wirewatch was called or configured: the CLI prints it as
one line and exits non-zero.  Neither should ever reach a user as a traceback.
"""

from __future__ import annotations


class WirewatchError(Exception):
    """Base class of every error wirewatch raises on purpose."""


class InputError(WirewatchError):
    """One document could not be read or turned into an article."""

    def __init__(self, code: str, reason: str, *, source: str | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}" if self.source else self.reason


class UsageError(WirewatchError):
    """Bad options, a missing file or extra, a store that cannot be opened: fix and rerun."""


class StoreError(WirewatchError):
    """The store could not be opened, migrated or written."""


# Stable reject codes (documented in README): one per kind of bad input.
EMPTY = "empty"
BINARY = "binary"
DECODE = "decode"
GZIP = "gzip"
WARC = "warc"
JSON = "json"
TOO_LARGE = "too_large"
NO_ARTICLE = "no_article"
FETCH = "fetch"
FEED = "feed"
UNSUPPORTED = "unsupported"
NOT_FOUND = "not_found"
BLOCKED_ADDRESS = "blocked_address"
INTERNAL = "internal"
