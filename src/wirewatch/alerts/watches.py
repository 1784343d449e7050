"""Watches: a saved query, who to tell, and how a query matches a story.

A query names what a person follows.  It is a list of alternatives separated by ``OR``, ``|``
or a comma; inside one alternative every term must match.  A term is a word or a
``"quoted phrase"``, optionally scoped with a prefix:

* ``entity:`` - an entity's canonical name (``entity:"Assimi Goita"``; a bare surname matches
  the canonical full name, word for word);
* ``place:`` - a place name or its ISO country code (``place:Mali``, ``place:ML``);
* ``event:`` - an event type, CASE-2021 or PLOVER code (``event:ARMED_CLASH``, ``event:protest``);
* ``kw:`` / ``keyword:`` - a whole word or phrase in the title or the text.

An unscoped term matches any of the four, so ``Mali`` follows the country whether it shows up
as an entity, a place, or only in the words.  Matching is case-insensitive and on whole words
("Mali" does not match "Somalia" or "Malian").  The parser is ``wirewatch.querylang``: situation
pages and the event table read the same queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..errors import UsageError
from ..querylang import FIELDS, Query, Term, parse_query  # noqa: F401 - the one parser, re-exported here
from ..records import Article

DIGESTS = ("hourly", "daily")


@dataclass(slots=True)
class Subscriber:
    """One endpoint told about a watch: a webhook URL, a browser push subscription or an email."""

    id: str
    watch_id: str
    kind: str  # "webhook", "push" or "email"
    target: str  # URL, push endpoint or address
    token: str  # unguessable unsubscribe token
    created_at: datetime | None = None
    active: bool = True
    dropped_reason: str | None = None
    secret: str | None = None
    p256dh: str | None = None
    auth: str | None = None
    allow_private: bool = False
    last_digest_at: datetime | None = None

    def to_dict(self, *, secrets: bool = False) -> dict[str, Any]:
        """Public view; webhook secrets and push keys only with ``secrets=True``."""
        d = {"id": self.id, "watch_id": self.watch_id, "kind": self.kind, "target": self.target,
             "active": self.active, "dropped_reason": self.dropped_reason,
             "created_at": self.created_at.isoformat() if self.created_at else None}
        if secrets:
            d.update(token=self.token, secret=self.secret, p256dh=self.p256dh, auth=self.auth)
        return d


@dataclass(slots=True)
class Watch:
    """A saved query; ``digest`` None sends each story at once, else one message per period."""

    id: str
    name: str
    query: str
    digest: str | None = None
    created_at: datetime | None = None
    subscribers: list[Subscriber] = field(default_factory=list)

    def to_dict(self, *, secrets: bool = False) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "query": self.query, "digest": self.digest,
                "created_at": self.created_at.isoformat() if self.created_at else None,
                "subscribers": [s.to_dict(secrets=secrets) for s in self.subscribers]}


@dataclass(slots=True)
class Match:
    """Why a story matched: the terms that did, and where each was found."""

    terms: list[str]
    where: dict[str, list[str]]


@dataclass(slots=True)
class Facts:
    """What a query can match in one article, prepared once per article for every watch."""

    entities: list[str]
    places: list[tuple[str, str | None]]
    events: set[str]
    title: str
    text: str

    @classmethod
    def of(cls, article: Article) -> Facts:
        events: set[str] = set()
        for ev in article.events:
            events.update(c.upper() for c in (ev.type, ev.plover) if c)
        return cls(entities=sorted({e.name for e in article.entities if e.name}),
                   places=sorted({(p.name, p.country) for p in article.places if p.name}, key=str),
                   events=events, title=article.title or "", text=article.text or "")


def _term_hits(term: Term, facts: Facts) -> list[str]:
    """Where ``term`` is found in one article (empty when nowhere)."""
    hits: list[str] = []
    want = term.field
    folded = term.text.casefold()
    if want in (None, "entity"):
        hits += [f"entity:{n}" for n in facts.entities if n.casefold() == folded or term.pattern.search(n)]
    if want in (None, "place"):
        hits += [f"place:{n}" for n, cc in facts.places
                 if n.casefold() == folded or term.pattern.search(n) or (cc and cc.casefold() == folded
                                                                         and len(folded) == 2 and want == "place")]
    if want in (None, "event") and term.code in facts.events:
        hits.append(f"event:{term.code}")
    if want in (None, "keyword"):
        if term.pattern.search(facts.title):
            hits.append("title")
        if term.pattern.search(facts.text):
            hits.append("text")
    return hits


def match(query: Query, facts: Facts) -> Match | None:
    """The first alternative of ``query`` whose terms all match ``facts``, with where; else None."""
    for alternative in query.alternatives:
        where: dict[str, list[str]] = {}
        for term in alternative:
            hits = _term_hits(term, facts)
            if not hits:
                break
            where[term.text] = hits
        else:
            return Match(terms=list(where), where=where)
    return None


def check_digest(digest: str | None) -> str | None:
    if digest in (None, "", "none"):
        return None
    if digest not in DIGESTS:
        raise UsageError(f"digest is one of {', '.join(DIGESTS)}, not {digest!r}")
    return digest
