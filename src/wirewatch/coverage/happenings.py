"""Happenings: the events of many reports that describe one real-world happening, as one.

The event coder keys an event by what coders compare (type, actors, date, country: see
``nlp.events.keys``), so reports that date or place one attack differently ("Saturday's attack",
"the attack in April", "in Douma", "in Syria") give several events.  Here they are grouped: an
event joins a stored happening when

* it has the same kind (CASE-2021 type, else PLOVER class) and no other PLOVER class, and
* its place is compatible (either is unknown, or both name the same place, or they are in one
  country and one of them names only the country), and
* its date is compatible (two text-given days at most ``SAME_DAY_SLACK`` apart: a clash on Saturday
  and fresh fighting on Tuesday at the same town are two happenings; a month contains the day; an
  event dated only by its article's publication has no date to conflict with), and
* it is reported in the same coverage cluster (for verbal events, a statement, request or accusation,
  by the same actors), or (across clusters) it names the same place and neither actor contradicts
  the happening's.

Background history ("the 2013 sarin attack") is never merged with the news.  The happening's own
date and place are read from its events (``happening_summary``): the day most reports give, the
others listed as conflicting, never averaged.  Pure logic on typed records; ``store.coverage``
looks candidates up by key and writes the result.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ..records import Article, Event

__all__ = ["EventFacts", "Happening", "choose", "facts", "file_keys", "happening_summary", "probe_keys", "refine"]

SAME_DAY_SLACK = 1  # days two text-given dates of one happening may differ by (overnight, time zones)
STATEMENT_LAG = 14  # days after a happening that a statement dated by its saying may still be about it
VERBAL = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "REQUEST", "ACCUSE", "REJECT", "THREATEN",
          "SANCTION", "PROTEST"}
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})")


@dataclass(slots=True)
class EventFacts:
    """What identifies the happening of one event."""

    event_key: str
    kind: str | None  # CASE type, else "plover:<class>"; None: not an event kind we group
    place: str | None  # normalised place name
    country: str | None  # ISO 3166 alpha-2 of the place
    country_level: bool  # the place names only a country
    day: int | None  # ordinal of the text-given day
    month: str | None  # YYYY-MM of the text-given date
    coverage_id: str | None
    span: tuple[int, int] | None = None  # first and last day (ordinals) the text-given date can mean
    source: str | None = None  # normalised actor names
    target: str | None = None
    background: bool = False
    plover: str | None = None
    said: tuple[int, int] | None = None  # first and last day (ordinals) of a statement's date: the saying's


@dataclass(slots=True)
class Happening:
    """A stored happening as compared with new events (its first event's facts)."""

    happening_id: str
    kind: str | None
    place: str | None
    country: str | None
    country_level: bool
    day: int | None
    month: str | None
    coverage_id: str | None
    span: tuple[int, int] | None = None
    source: str | None = None
    target: str | None = None
    plover: str | None = None


def _norm(name: str | None) -> str | None:
    if not name:
        return None
    out = " ".join(name.casefold().replace("’", "'").split()).strip(" .'")
    return out or None


OWN_BEFORE = 25  # a date mention ending this close before the trigger dates it ("Saturday's attack")
OWN_AFTER = 60  # ... or starting this close after it ("the attack on Douma on Saturday")


def own_date(event: Event, article: Article | None) -> bool:
    """Whether the text-given date of ``event`` is its trigger's own, not a statement's about it.

    "On Tuesday the minister said Moscow would propose an inquiry into the chemical attack": the
    sentence's date is the day of the saying.  The date is the trigger's own when a mention of it
    sits right beside the trigger (``OWN_BEFORE``/``OWN_AFTER`` characters) and is not outside the
    reported speech (a quote span of the article) the trigger is in.  Without the article (or a
    trigger to find) the date is taken as given."""
    if article is None or event.date_basis != "text" or not event.date:
        return True
    if not event.trigger:
        return True  # nothing to tell the saying from the deed by (records from older stores)
    at = article.text.find(event.trigger, event.start, event.end)
    if at < 0:
        return True
    end = at + len(event.trigger)
    speech = [(q.start, q.end) for q in article.quotes if q.start <= at < q.end]
    for d in article.dates:
        if d.value != event.date or d.start < event.start or d.start >= event.end:
            continue
        if speech and not any(s <= d.start < e for s, e in speech):
            continue  # the trigger is reported speech, the date is the saying's
        if at - OWN_BEFORE <= d.end <= at + 1 or end - 1 <= d.start <= end + OWN_AFTER:
            return True
    return False


def facts(event: Event, *, event_key: str, coverage_id: str | None,
          country_names: set[str] | None = None, article: Article | None = None) -> EventFacts:
    """The facts of one extracted event (``country_names``: normalised names that are countries;
    ``article``: its article, to tell the trigger's own date from a statement's, ``own_date``)."""
    kind = event.type or (f"plover:{event.plover}" if event.plover else None)
    day = month = None
    own = own_date(event, article)
    if event.date and event.date_basis == "text":
        m = _DAY.match(event.date)
        if m:
            try:
                day = date(int(m.group(1)), int(m.group(2)), int(m.group(3))).toordinal()
            except ValueError:
                day = None
        m = _MONTH.match(event.date)
        month = f"{m.group(1)}-{m.group(2)}" if m else None
    span = date_span(event.date) if event.date and event.date_basis == "text" and own else None
    said = None
    if not own:  # a statement's day: no claim about the happening's (its month still finds it)
        said, day = date_span(event.date), None
    place = _norm(event.place)
    country = event.place_country
    level = bool(place and (country_names and place in country_names))
    return EventFacts(event_key=event_key, kind=kind, place=place, country=country, country_level=level, day=day,
                      month=month, coverage_id=coverage_id, span=span,
                      source=_norm(event.source.name if event.source else None),
                      target=_norm(event.target.name if event.target else None),
                      background=event.status == "background", plover=event.plover, said=said)


_YEAR = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def date_span(value: str) -> tuple[int, int] | None:
    """First and last day (ordinals) a TimeML value can mean: "2018" -> the year, "2018-04" -> the
    month, "2018-W14" -> the week, "2018-04-07" -> the day; None for anything else."""
    try:
        m = _WEEK.match(value)
        if m:
            first = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1).toordinal()
            return first, first + 6
        m = _YEAR.match(value)
        if not m:
            return None
        y = int(m.group(1))
        if m.group(3):
            d = date(y, int(m.group(2)), int(m.group(3))).toordinal()
            return d, d
        if m.group(2):
            mo = int(m.group(2))
            nxt = date(y + 1, 1, 1) if mo == 12 else date(y, mo + 1, 1)
            return date(y, mo, 1).toordinal(), nxt.toordinal() - 1
        return date(y, 1, 1).toordinal(), date(y, 12, 31).toordinal()
    except ValueError:
        return None


def _months_around(month: str) -> list[str]:
    y, m = int(month[:4]), int(month[5:7])
    prev = f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"
    nxt = f"{y + 1}-01" if m == 12 else f"{y}-{m + 1:02d}"
    return [prev, month, nxt]


def file_keys(f: EventFacts | Happening) -> list[str]:
    """The keys a happening is filed under (its cluster and kind; its kind, place and month)."""
    if not f.kind:
        return []
    keys = []
    if f.coverage_id:
        keys.append(f"c|{f.coverage_id}|{f.kind}")
    if f.month:
        for where in {f.place, f.country} - {None}:
            keys.append(f"p|{f.kind}|{where}|{f.month}")
    return keys


def probe_keys(f: EventFacts) -> list[str]:
    """The keys a new event looks up (neighbouring months too: the 31st is next to the 1st)."""
    if not f.kind or f.background:
        return []
    keys = [f"c|{f.coverage_id}|{f.kind}"] if f.coverage_id else []
    if f.month:
        for where in {f.place, f.country} - {None}:
            keys += [f"p|{f.kind}|{where}|{m}" for m in _months_around(f.month)]
    return keys


def _places_agree(f: EventFacts, h: Happening) -> bool:
    if not f.place or not h.place:
        return True
    if f.place == h.place:
        return True
    return bool(f.country and f.country == h.country and (f.country_level or h.country_level))


def _dates_agree(f: EventFacts, h: Happening, days: int) -> bool:
    """Two text-given days at most ``days`` apart; a month, week or year that contains the other's
    date; no text-given date on either side: no conflict."""
    if f.span is None or h.span is None:
        return True
    return f.span[0] <= h.span[1] + days and h.span[0] <= f.span[1] + days


def _actors_agree(f: EventFacts, h: Happening) -> bool:
    for a, b in ((f.source, h.source), (f.target, h.target)):
        if a and b and a != b and a not in b and b not in a:
            return False
    return True


def choose(f: EventFacts, candidates: list[Happening]) -> str | None:
    """The stored happening this event describes, or None (a new happening)."""
    if not f.kind or f.background:
        return None
    best: tuple | None = None
    for h in candidates:
        if h.kind != f.kind or not _places_agree(f, h):
            continue
        if f.plover and h.plover and f.plover != h.plover:
            continue  # a request and an accusation are two happenings
        same = bool(f.coverage_id and f.coverage_id == h.coverage_id)
        if same:  # who said or asked what is the happening itself for verbal events
            ok = (_dates_agree(f, h, SAME_DAY_SLACK) and (f.plover not in VERBAL or _actors_agree(f, h))
                  and (f.said is None or h.span is None or h.span[0] <= f.said[1] + SAME_DAY_SLACK))
        elif f.said is not None:  # a statement about a happening before it, at that very place
            ok = (bool(f.place) and f.place == h.place and not h.country_level and h.span is not None
                  and h.span[0] <= f.said[1] + SAME_DAY_SLACK and f.said[0] - h.span[1] <= STATEMENT_LAG
                  and _actors_agree(f, h))
        else:
            ok = (bool(f.place) and bool(h.place) and _dates_agree(f, h, SAME_DAY_SLACK)
                  and f.span is not None and _actors_agree(f, h))
        if not ok:
            continue
        gap = abs(f.day - h.day) if f.day is not None and h.day is not None else 99
        rank = (not same, f.place != h.place, gap, h.happening_id)
        if best is None or rank < best[0]:
            best = (rank, h.happening_id)
    return best[1] if best else None


def refine(h: Happening, f: EventFacts) -> bool:
    """A happening first known without a date of its own takes the first one an event that joins it
    gives (``h`` updated in place; True when it changed).  Dates and places are not narrowed further:
    reports place one attack in a suburb or in the city it belongs to, and date it by day or by week."""
    if h.span is None and f.span is not None:
        h.span, h.day, h.month = f.span, f.day, f.month or h.month
        return True
    return False


@dataclass(slots=True)
class Summary:
    """A happening as shown: its date and place (what most of its reports say) and the others."""

    date: str | None
    date_basis: str
    place: str | None
    dates: list[dict] = field(default_factory=list)  # [{date, reports}] most reported first
    places: list[dict] = field(default_factory=list)
    conflicting_dates: list[str] = field(default_factory=list)
    conflicting_places: list[str] = field(default_factory=list)


def happening_summary(events: list[dict], *, country_names: set[str] | None = None) -> Summary:
    """Date and place of a happening from its events (dicts with ``date``, ``date_basis``,
    ``place`` and ``reports``, the number of reports of that event).  The date is the day the texts
    give most often (reports counted; a month or week only where no day is given); dates that fall
    outside it are listed as conflicting, not averaged.  The place is the most reported one below
    country level (``country_names``: normalised names of countries), else the most reported."""
    votes: Counter[str] = Counter()
    places: Counter[str] = Counter()
    for ev in events:
        n = int(ev.get("reports") or 1)
        if ev.get("date") and ev.get("date_basis") == "text":
            votes[ev["date"]] += n
        if ev.get("place"):
            places[ev["place"]] += n
    days = {d: n for d, n in votes.items() if _DAY.match(d)}
    pool = days or votes
    if pool:
        main = sorted(pool.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        basis = "text"
    else:
        fallback = sorted(ev["date"] for ev in events if ev.get("date"))
        main, basis = (fallback[0] if fallback else None), "published"
    main_span = date_span(main) if main else None

    def contains(d: str) -> bool:  # a month, week or year that holds the happening's day is no conflict
        span = date_span(d)
        return bool(span and main_span and span[0] <= main_span[0] and main_span[1] <= span[1])

    conflicting = sorted(d for d in votes if d != main and not contains(d))
    place_list = sorted(places.items(), key=lambda kv: (-kv[1], kv[0]))
    # the most specific place the reports give: a town over the country it is in
    specific = [p for p, _ in place_list if _norm(p) not in (country_names or set())]
    main_place = specific[0] if specific else (place_list[0][0] if place_list else None)
    return Summary(date=main, date_basis=basis, place=main_place,
                   dates=[{"date": d, "reports": n} for d, n in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))],
                   places=[{"place": p, "reports": n} for p, n in place_list],
                   conflicting_dates=conflicting,
                   conflicting_places=[p for p in specific if p != main_place])  # other towns, not countries
