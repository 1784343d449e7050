"""Helpers for the event-layer tests: the events of one sentence, read as an article published
2025-03-12 (a plain module beside the tests, imported by them; pytest puts this folder on the path)."""

from __future__ import annotations

from wirewatch.nlp.events import extract_events
from wirewatch.records import Article, Quote


def events_of(nlp, text: str, quotes: list[Quote] = ()):
    """The events ``extract_events`` finds in ``text``, with ``quotes`` already on the article."""
    art = Article(source="t", text=text, published="2025-03-12", quotes=list(quotes))
    return extract_events(nlp(text), art)


def plovers_of(nlp, text: str) -> set:
    """The PLOVER types of those events."""
    return {e.plover for e in events_of(nlp, text)}
