"""The timeline: distinct events by their own dates, split into developments and background.

News stories explain the present with the past: "the 1925 Geneva Protocol", "the 2003
invasion".  The event coder rightly dates those events in 1925 and 2003, but in a situation
report they are not developments of the situation: they would flood its timeline with history.
An event is *background* when its date ends well before the story that reports it (more than
``RECENT_DAYS`` days before its first report) and before the period the report covers; every
other event (and every event dated by its article) is a *development*.  Background is kept, in
its own short section: it is the context an analyst may want, never the news.

Entries are *happenings* (``coverage.happenings``): the events that many reports give of one
attack, with their different dates, places and actors, are one entry listing every report; its date
is the day most reports give, and other days the texts give are listed as conflicting.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..coverage.happenings import happening_summary
from ..nlp.events.shown import split_shown
from .text import lead, link, safe_url, titled

RECENT_DAYS = 60
THIN = 8  # fewer developments than this: every story's lead joins the timeline
MAX_TIMELINE = 300
MAX_BACKGROUND = 200
MAX_HAPPENING_SOURCES = 12  # stories listed under one happening (its counts say how many in all)

_WEEK = re.compile(r"^(\d{4})-W(\d{2})")
_YEAR = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])")
_DECADE = re.compile(r"^(\d{3})X?$")


def event_date(ev: dict[str, Any]) -> tuple[str | None, str]:
    """The event's own date; the publication date only where the record says it fell back."""
    if ev.get("date"):
        return ev["date"], ev.get("date_basis") or "text"
    return ev.get("first_published"), "published"


def latest_day(value: str | None) -> date | None:
    """The last day a TimeML value can mean: "2011" -> 2011-12-31, "2011-03" -> 2011-03-31,
    "2020-W45" -> its Sunday, "2018-Q1" -> 2018-03-31, "198X"/"198" -> 1989-12-31; None when
    the value names no calendar time ("PAST_REF")."""
    if not value:
        return None
    try:
        m = _WEEK.match(value)
        if m:
            return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 7)
        m = _QUARTER.match(value)
        if m:
            y, q = int(m.group(1)), int(m.group(2))
            return date(y, 3 * q, calendar.monthrange(y, 3 * q)[1])
        m = _DECADE.match(value)
        if m:
            return date(int(m.group(1)) * 10 + 9, 12, 31)
        m = _YEAR.match(value)
        if not m:
            return None
        y = int(m.group(1))
        if m.group(2) and m.group(3):
            return date(y, int(m.group(2)), int(m.group(3)))
        if m.group(2):
            mo = int(m.group(2))
            return date(y, mo, calendar.monthrange(y, mo)[1])
        return date(y, 12, 31)
    except ValueError:
        return None


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def is_background(value: str | None, basis: str, *, reported: Any, coverage_start: Any,
                  recent_days: int = RECENT_DAYS) -> bool:
    """Whether an event dated ``value`` is history cited by the story (see the module doc)."""
    if basis == "published" or not value:
        return False
    end = latest_day(value)
    ref = _as_date(reported) or _as_date(coverage_start)
    if end is None or ref is None:
        return False
    cutoff = ref - timedelta(days=recent_days)
    start = _as_date(coverage_start)
    if start is not None:
        cutoff = min(cutoff, start)
    return end < cutoff


def sort_date(value: str | None) -> str:
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


def importance(it: dict[str, Any]) -> tuple:
    """How much a timeline entry matters to a reader (larger first): reported by more stories and
    copies, with known actors, dated by its own text, then more recent."""
    known = bool(it.get("source")) + bool(it.get("target"))
    return (it.get("stories", 1), it.get("reports", it.get("copies", 1)), known, it.get("date_basis") == "text",
            sort_date(it.get("date")) if it.get("date") else "", it.get("event_key") or it.get("story_id") or "")


def most_important(items: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """The ``n`` most important of ``items``, in their original (chronological) order."""
    keep = {id(it) for it in sorted(items, key=importance, reverse=True)[:n]}
    return [it for it in items if id(it) in keep]


def _actor(name: str | None, country: str | None, sector: str | None) -> dict[str, Any] | None:
    return {"name": name, "country": country, "sector": sector} if name else None


def event_item(ev: dict[str, Any], sources: list[dict[str, Any]], counts: tuple[int, int]) -> dict[str, Any]:
    when, basis = event_date(ev)
    return {
        "kind": "event", "date": when, "date_basis": basis, "event_key": ev["event_key"], "type": ev["type"],
        "plover": ev["plover"], "source": _actor(ev["source_name"], ev["source_country"], ev["source_sector"]),
        "target": _actor(ev["target_name"], ev["target_country"], ev["target_sector"]), "place": ev["place"],
        "text": ev["text"], "first_seen": ev["first_seen"], "first_published": ev.get("first_published"),
        "stories": int(counts[0]), "reports": int(counts[1]), "sources": sources,
    }


def story_item(st: dict[str, Any]) -> dict[str, Any]:
    item = {
        "kind": "story", "date": st["published"], "date_basis": "published", "story_id": st["story_id"],
        "title": st["title"], "url": safe_url(st["url"]) or safe_url(st["source"]),
        "agency": st["agency"], "agencies": st["agencies"] or [], "copies": st["copies"],
        "lead": lead(st["lead"] or ""), "events": st["events"], "language": st.get("language"),
    }
    return titled(item)


@dataclass(slots=True)
class Timeline:
    """Developments and background as shown (both capped), and every event item (uncapped)."""

    developments: list[dict[str, Any]] = field(default_factory=list)
    background: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0  # timeline entries before the cap (developments shown are ``len(developments)`` of it)
    background_total: int = 0
    left_out: int = 0  # events not shown by default: planned or hypothetical, or below the confidence threshold

    @property
    def n_background(self) -> int:
        return sum(1 for it in self.events if it.get("background"))


def _chronological(it: dict[str, Any]) -> tuple:
    return (sort_date(it["date"]), 0 if it["kind"] == "event" else 1, it.get("event_key") or it.get("story_id") or "")


def _merged_sources(keys: list[str], by_key: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for k in keys:
        for src in by_key.get(k, []):
            sid = src.get("story_id") or src.get("url") or src.get("title")
            if sid not in seen:
                seen[sid] = src
    return sorted(seen.values(), key=lambda s: (str(s.get("published") or "9999"), str(s.get("story_id") or "")))[
        :MAX_HAPPENING_SOURCES]


def _country_names() -> set[str]:
    """Lower-cased country names (a happening's place is the most specific one its reports give)."""
    try:
        from ..nlp.events.actors import tables

        return set(tables().names)
    except (ImportError, OSError, ValueError, KeyError):  # a help, never a reason to fail a report
        return set()


def happening_item(members: list[dict[str, Any]], by_key: dict[str, list[dict[str, Any]]],
                   counts: dict[str, tuple[int, int]], happening_id: str,
                   totals: tuple[int, int, int] | None = None) -> dict[str, Any]:
    """One timeline entry for the events of one happening: the most reported event speaks for it;
    date and place are the happening's (see ``coverage.happenings.happening_summary``)."""
    def weight(ev: dict[str, Any]) -> tuple:
        n = counts.get(ev["event_key"], (0, 0))
        return (-n[0], -n[1], ev.get("date_basis") != "text", ev["event_key"])

    members = sorted(members, key=weight)
    rep = members[0]
    keys = [ev["event_key"] for ev in members]
    stories = max((counts.get(k, (0, 0))[0] for k in keys), default=0)
    reports = max((counts.get(k, (0, 0))[1] for k in keys), default=0)
    outlets = None
    if totals is not None:
        stories, reports, outlets = totals
    item = event_item(rep, _merged_sources(keys, by_key), (stories, reports))
    summary = happening_summary([{"date": event_date(ev)[0], "date_basis": event_date(ev)[1], "place": ev.get("place"),
                                  "reports": counts.get(ev["event_key"], (1, 1))[1] or 1} for ev in members],
                                country_names=_country_names())
    if summary.date:
        item["date"], item["date_basis"] = summary.date, summary.date_basis
    item["place"] = summary.place or item["place"]
    firsts = [ev.get("first_published") for ev in members if ev.get("first_published")]
    item.update(happening_id=happening_id, event_keys=keys, merged_events=len(members), outlets=outlets,
                first_published=min(firsts, key=str) if firsts else None, dates=summary.dates,
                conflicting_dates=summary.conflicting_dates, places=summary.places)
    return item


def build(events: list[dict[str, Any]], stories: list[dict[str, Any]], sources: list[dict[str, Any]], *,
          coverage_start: Any, rename: Any = None, happenings: dict[str, str] | None = None,
          happening_totals: dict[str, tuple[int, int, int]] | None = None) -> Timeline:
    """Happenings with their sources, by date, split into developments and background; story leads
    join the developments where events are thin.  ``happenings`` maps event keys to their happening
    (an event missing from it is its own); ``happening_totals`` gives each happening's (stories,
    reports, outlets).  ``rename`` maps actor names to canonical ones."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    counts: dict[str, tuple[int, int]] = {}
    for src in sources:
        src = dict(src)
        key = src.pop("event_key")
        counts[key] = (src.pop("n_stories"), src.pop("n_reports"))
        by_key.setdefault(key, []).append(titled(link(src), lead_key="lead_text"))
    events, left_out = split_shown(events)  # planned, unsure events: counted, not shown (issue 11)
    groups: dict[str, list[dict[str, Any]]] = {}
    for ev in events:
        groups.setdefault((happenings or {}).get(ev["event_key"], ev["event_key"]), []).append(ev)
    developments, background, every = [], [], []
    for hid, members in groups.items():
        item = happening_item(members, by_key, counts, hid, (happening_totals or {}).get(hid))
        if rename is not None:
            for side in ("source", "target"):
                if item[side]:
                    item[side]["name"] = rename(item[side]["name"])
        every.append(item)
        if is_background(item["date"], item["date_basis"], reported=item.get("first_published"),
                         coverage_start=coverage_start):
            item["background"] = True
            background.append(item)
        else:
            developments.append(item)
    thin = len(developments) < THIN
    developments += [story_item(st) for st in stories if thin or not st["events"]]
    developments.sort(key=_chronological)
    background.sort(key=_chronological)
    total, background_total = len(developments), len(background)
    if len(developments) > MAX_TIMELINE:  # keep the most important, over the whole period
        developments = most_important(developments, MAX_TIMELINE)
    if len(background) > MAX_BACKGROUND:  # keep the most reported history
        keep = {id(it) for it in sorted(background, key=lambda it: -it["stories"])[:MAX_BACKGROUND]}
        background = [it for it in background if id(it) in keep]
    return Timeline(developments, background, every, total=total, background_total=background_total,
                    left_out=left_out)
