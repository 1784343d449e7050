"""Typed records passed between the stages of the flow.

sources -> ``Document`` -> clean -> ``Article`` (text + metadata) -> dedup (``story_id``)
-> nlp (entities, quotes, dates, places, events) -> store.

A document that fails a stage becomes a ``Rejected`` record instead; it is stored in the
rejects table and the stream goes on.  ``Article.to_dict()`` is the JSON contract printed by
``wirewatch extract`` and returned by the API (see DESIGN.md); field names never change.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass(slots=True)
class Document:
    """Raw bytes (or text) of one document, with what its source knew about it."""

    source: str  # the path or URL as given (``archive.warc.gz#record-3`` inside containers)
    content: bytes | str
    format: str = "auto"  # "html", "text" or "auto" (sniffed by clean)
    url: str | None = None
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD when the source knows it (feed item, JSON record)
    encoding: str | None = None  # charset declared by the transport (HTTP header), if any
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Rejected:
    """A document that could not be turned into an article, with a stable code and a reason."""

    source: str
    code: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "rejected": {"code": self.code, "reason": self.reason}}

    def message(self) -> str:
        return f"{self.source}: {self.reason} [{self.code}]"


@dataclass(slots=True)
class Mention:
    text: str
    start: int
    end: int


@dataclass(slots=True)
class Entity:
    name: str
    type: str
    roles: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass(slots=True)
class Quote:
    text: str
    start: int
    end: int
    speaker: str | None = None
    speaker_mention: Mention | None = None
    cue: str | None = None
    direct: bool = True
    language: str | None = None


@dataclass(slots=True)
class DateExpr:
    text: str
    value: str
    start: int
    end: int


@dataclass(slots=True)
class Place:
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    mentions: list[Mention] = field(default_factory=list)
    kind: str | None = None  # "country", "city", "region", "admin1", ...
    admin1: str | None = None  # the first-order division (state, province, governorate) the place lies in


@dataclass(slots=True)
class Actor:
    name: str
    country: str | None = None  # ISO 3166 alpha-2
    sector: str | None = None  # GOV, MIL, REB, IGO, ...


@dataclass(slots=True)
class Event:
    type: str | None
    plover: str | None
    source: Actor | None
    target: Actor | None
    date: str | None
    date_basis: str  # "text" (from the sentence/context) or "published" (fallback)
    place: str | None
    text: str
    start: int
    end: int
    cue: str | None = None
    place_country: str | None = None  # ISO 3166 alpha-2 of ``place``, where known
    status: str = "reported"  # "reported", "planned" or "background" (history well before the news)
    confidence: float | None = None  # 0..1, how sure the coding path is; None where not scored
    trigger: str | None = None  # the word(s) that evoked the event, as in the text
    path: str | None = None  # what coded it: "rule:<name>" or "model:<name>"
    evidence: list[Mention] = field(default_factory=list)  # every sentence of the article that reports it


ARTICLE_FIELDS = (
    "id", "story_id", "coverage_id", "source", "url", "title", "authors", "agency", "dateline", "published",
    "language", "text", "entities", "quotes", "dates", "places", "events",
)


@dataclass(slots=True)
class Article:
    """One copy of one story: the record of DESIGN.md."""

    source: str
    text: str
    id: str = ""
    story_id: str = ""
    coverage_id: str = ""  # shared by every article that reports the same real-world happening
    url: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    agency: str | None = None
    dateline: str | None = None
    published: str | None = None
    language: str | None = None
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    dates: list[DateExpr] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = article_id(self.source, self.text)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Rebuild an article (with nested records) from ``to_dict`` output."""
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in data.items() if k in names}
        kw["entities"] = [
            Entity(**{**e, "mentions": [Mention(**m) for m in e.get("mentions", [])]})
            for e in data.get("entities") or []
        ]
        kw["quotes"] = [
            Quote(**{**q, "speaker_mention": Mention(**q["speaker_mention"]) if q.get("speaker_mention") else None})
            for q in data.get("quotes") or []
        ]
        kw["dates"] = [DateExpr(**d) for d in data.get("dates") or []]
        kw["places"] = [
            Place(**{**p, "mentions": [Mention(**m) for m in p.get("mentions", [])]})
            for p in data.get("places") or []
        ]
        kw["events"] = [
            Event(**{**ev,
                     "source": Actor(**ev["source"]) if ev.get("source") else None,
                     "target": Actor(**ev["target"]) if ev.get("target") else None,
                     "evidence": [Mention(**m) for m in ev.get("evidence") or []]})
            for ev in data.get("events") or []
        ]
        return cls(**kw)


def content_hash(text: str) -> str:
    """Hash of the normalised body: equal for exact copies whatever their chrome or source."""
    norm = " ".join(text.split()).casefold()
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=12).hexdigest()


def article_id(source: str, text: str) -> str:
    """Stable id of one copy: hash of its source and its content."""
    h = hashlib.blake2b(digest_size=10)
    h.update(source.encode("utf-8", "surrogateescape"))
    h.update(b"\0")
    h.update(text.encode("utf-8", "surrogateescape"))
    return h.hexdigest()
