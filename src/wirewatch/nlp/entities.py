"""entities component (being written)."""

from __future__ import annotations


def annotate(doc, article) -> None:
    """Fill article.entities from the spaCy doc."""
    return None
