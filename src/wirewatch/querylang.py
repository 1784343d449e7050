"""The query language of watches and situations (one parser for both).

A query names what a person follows.  It is a list of alternatives separated by ``OR``, ``|``
or a comma; inside one alternative every term must match.  A term is a word or a
``"quoted phrase"``, optionally scoped with a prefix:

* ``entity:`` - an entity's canonical name (``entity:"Assimi Goita"``; a bare surname matches
  the canonical full name, word for word);
* ``place:`` - a place name or its ISO country code (``place:Mali``, ``place:ML``);
* ``event:`` / ``type:`` - an event type, CASE-2021 or PLOVER code (``type:ARMED_CLASH``, ``event:protest``);
* ``kw:`` / ``keyword:`` - a whole word or phrase in the title or the text.

An unscoped term matches any of the four.  Matching is case-insensitive and on whole words.
Watches match one article at a time (``alerts.watches.match``); situation pages and the event
table select the stored articles matching the same parsed query in SQL (``store.situations``).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from .errors import UsageError

FIELDS = ("entity", "place", "event", "keyword")
_PREFIX = {"entity": "entity", "entities": "entity", "person": "entity", "org": "entity",
           "place": "place", "places": "place", "country": "place",
           "event": "event", "events": "event", "type": "event",
           "kw": "keyword", "keyword": "keyword", "word": "keyword", "text": "keyword"}
_OR = re.compile(r"\s+OR\s+|\s*[|,]\s*")


@dataclass(slots=True, frozen=True)
class Term:
    """One term of a query: its text, the field it is scoped to (None: any), and its word regex."""

    text: str
    field: str | None
    pattern: re.Pattern

    @property
    def code(self) -> str:
        """The term as an event-type code (``armed clash`` -> ``ARMED_CLASH``)."""
        return re.sub(r"[\s\-]+", "_", self.text.strip()).upper()


@dataclass(slots=True, frozen=True)
class Query:
    """A parsed query: alternatives (OR) of conjunctions (AND) of terms."""

    text: str
    alternatives: tuple[tuple[Term, ...], ...]


def _word_pattern(text: str) -> re.Pattern:
    words = text.split()
    body = r"\s+".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def parse_query(text: str) -> Query:
    """Parse a watch query (see the module docstring); ``UsageError`` when it names nothing."""
    if not text or not text.strip():
        raise UsageError("a watch needs a query (a name, place, event type or keywords)")
    alternatives = []
    for part in _OR.split(text.strip()):
        if not part.strip():
            continue
        try:
            tokens = shlex.split(part)
        except ValueError as exc:
            raise UsageError(f"cannot read the query {text!r}: {exc}") from None
        terms = []
        for tok in tokens:
            if tok == "AND":
                continue
            scope, sep, rest = tok.partition(":")
            fld = _PREFIX.get(scope.lower()) if sep else None
            value = (rest if fld else tok).strip()
            if not value or not re.search(r"\w", value):
                continue
            terms.append(Term(text=" ".join(value.split()), field=fld, pattern=_word_pattern(value)))
        if terms:
            alternatives.append(tuple(terms))
    if not alternatives:
        raise UsageError(f"the query {text!r} names nothing to match")
    return Query(text=text.strip(), alternatives=tuple(alternatives))


def is_plain(query: Query) -> bool:
    """No ``OR`` and no scoped term (``Mali``, ``Burkina Faso``, ``ceasefire talks``): a name or topic,
    which a situation resolves as a whole to its aliases (country names, demonyms) rather than word
    by word."""
    return len(query.alternatives) == 1 and all(t.field is None for t in query.alternatives[0])
