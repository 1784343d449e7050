"""Cheap access to what spaCy recomputes on every call.

``Doc.text`` joins every token and ``Token.sent`` walks the whole document each time they are
read; called per entity or per token they dominated extraction time.  These helpers compute them
once per doc and keep them in ``doc.user_data``.
"""

from __future__ import annotations

import bisect
from typing import Any


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
