"""Cheap access to what spaCy recomputes on every call.

``Doc.text`` joins every token and ``Token.sent`` walks the whole document each time they are
read; called per entity or per token they dominated extraction time.  These helpers compute them
once per doc and keep them in ``doc.user_data``.  ``collector_paused`` holds Python's cyclic
collector off while lasting objects are built (models, the gazetteer), restoring the state it found.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; afterwards the collector is as it was (a block
    inside another one leaves it off)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def doc_text(doc: Any) -> str:
    """``doc.text``, computed once per doc."""
    text = doc.user_data.get("wirewatch.text")
    if text is None:
        text = doc.user_data["wirewatch.text"] = doc.text
    return text


def sentence(tok: Any) -> Any:
    """The sentence (a ``Span``) holding a token, found by bisection over cached sentence starts."""
    doc = tok.doc
    cached = doc.user_data.get("wirewatch.sents")
    if cached is None:
        sents = list(doc.sents)
        cached = doc.user_data["wirewatch.sents"] = ([sp.start for sp in sents], sents)
    starts, sents = cached
    return sents[bisect.bisect_right(starts, tok.i) - 1]
