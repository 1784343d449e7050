"""Article text with its extracted items marked in place, built from the character offsets.

Article text is hostile input (anything scraped from the web), so the markup is built from
segments: the text is cut at every annotation boundary, each piece is HTML-escaped on its own,
and only our own ``<mark>`` tags (whose attributes are escaped too) are added around them.
Overlapping items (a name inside a quote) become pieces carrying several classes.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from ..records import Article

KINDS = ("quote", "entity", "date", "place", "event")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str  # one of KINDS
    label: str  # shown on hover: "PERSON: Jane Doe", "date 2020-08-18", ...
    css: str  # extra class, e.g. "ent-PERSON"
    anchor: str = ""  # an id for the first piece of the span (``ev-<event_id>``): links land on it


def spans_of(article: Article, events: list[dict] | None = None) -> list[Span]:
    """Every item of the article that has valid offsets into its text; ``events`` are the stored
    events it reports (``store.events.of_articles``: ``event_id``, ``start``, ``end``, ``type``...),
    each anchored as ``ev-<event_id>`` so an event page can link to its sentence."""
    n = len(article.text)
    out: list[Span] = []

    def add(start: int, end: int, kind: str, label: str, css: str = "", anchor: str = "") -> None:
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= n:
            out.append(Span(start, end, kind, label, css, anchor))

    anchored: set[str] = set()
    for ev in events or []:
        what = ev.get("type") or ev.get("plover") or "event"
        who = f"{ev.get('actor1') or '?'} → {ev.get('actor2') or '?'}"
        anchor = f"ev-{ev['event_id']}" if ev.get("event_id") and ev["event_id"] not in anchored else ""
        anchored.add(ev.get("event_id") or "")
        add(ev.get("start"), ev.get("end"), "event", f"event {what}: {who}", "", anchor)

    for q in article.quotes:
        who = q.speaker or "unattributed"
        add(q.start, q.end, "quote", f"quote ({'direct' if q.direct else 'indirect'}) by {who}")
    for e in article.entities:
        roles = f" — {', '.join(e.roles)}" if e.roles else ""
        for m in e.mentions:
            add(m.start, m.end, "entity", f"{e.type}: {e.name}{roles}", f"ent-{_css(e.type)}")
    for d in article.dates:
        add(d.start, d.end, "date", f"date {d.value}")
    for p in article.places:
        where = f" ({p.country})" if p.country else ""
        for m in p.mentions:
            add(m.start, m.end, "place", f"place: {p.name}{where}")
    return out


def _css(value: str | None) -> str:
    return "".join(ch for ch in (value or "OTHER") if ch.isalnum() or ch in "-_")[:24] or "OTHER"


def highlight(article: Article, events: list[dict] | None = None) -> Markup:
    """The article text as safe HTML with every item wrapped in ``<mark>`` (newlines kept)."""
    text = article.text
    spans = spans_of(article, events)
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    parts: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        piece = escape(text[a:b])
        active = [s for s in spans if s.start <= a and s.end >= b]
        if not active:
            parts.append(str(piece))
            continue
        classes = ["hl"] + sorted({f"hl-{s.kind}" for s in active} | {s.css for s in active if s.css})
        title = " | ".join(dict.fromkeys(s.label for s in active))
        ids = [s.anchor for s in active if s.anchor and s.start == a]
        ident = f' id="{escape(ids[0])}"' if ids else ""
        parts.append(f'<mark{ident} class="{escape(" ".join(classes))}" title="{escape(title)}">{piece}</mark>')
    return Markup("".join(parts))
