"""When and where of an event: the date and place nearest its trigger, with explicit fallbacks.

Events are dated by what the text says about them ("the Aug. 18 coup" is 2020-08-18 whatever day
the story ran); only when the sentence says nothing is the publication date used, and the event
says so (``date_basis="published"``).  The dates component normally fills ``article.dates``;
when it has not run (events used alone), a small resolver reads spaCy's DATE entities so the
component stays useful on its own.  Places come from ``article.places`` (or spaCy GPE/LOC
entities), falling back to the dateline; each carries its country (``Event.place_country``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ...records import Article, DateExpr
from .actors import country_of

_TIMEX_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?|-W\d{2})?$")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MONTH_RE = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
             r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_MD = re.compile(_MONTH_RE + r"\s+(\d{1,2})(?!\d)(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?", re.I)
_DM = re.compile(r"\b(\d{1,2})(?!\d)(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE + r"(?:,?\s+(\d{4}))?", re.I)
_M = re.compile(r"(?:^|\b)" + _MONTH_RE + r"(?:\s+(\d{4}))?\b", re.I)
_Y = re.compile(r"\b(1[89]\d{2}|20\d{2})\b")


BACKGROUND_DAYS = 60  # an event whose own date ends this long before publication is history (report.timeline's too)


def date_end(value: str | None) -> dt.date | None:
    """The last day a TimeML date value can mean ("2016" -> 2016-12-31, "2020-W45" -> its Sunday)."""
    if not value:
        return None
    try:
        if "-W" in value:
            y, w = value.split("-W")
            return dt.date.fromisocalendar(int(y), int(w[:2]), 7)
        parts = value.split("-")
        y = int(parts[0])
        if len(parts) == 1:
            return dt.date(y, 12, 31)
        m = int(parts[1])
        if len(parts) == 2:
            nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date(y, m, int(parts[2][:2]))
    except (ValueError, IndexError):
        return None


def background_date(value: str | None, published: str | None, *, days: int = BACKGROUND_DAYS) -> bool:
    """Whether an event dated ``value`` is history for an article published on ``published``."""
    end, pub = date_end(value), parse_published(published)
    return end is not None and pub is not None and end < pub - dt.timedelta(days=days)


def parse_published(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _month(name: str) -> int:
    return _MONTHS[name.lower()[:3]]


def _before(year: int | None, month: int, day: int | None, pub: dt.date | None) -> tuple[int, int, int | None] | None:
    """Complete a date without a year: news reports the past, so the latest such date not after publication."""
    if year is None:
        if pub is None:
            return None
        year = pub.year
        probe = dt.date(year, month, min(day or 1, 28))
        if probe > pub + dt.timedelta(days=7):
            year -= 1
    return year, month, day


def resolve_date(text: str, published: str | None) -> str | None:
    """TimeML value of a simple date expression (fallback when no dates component ran)."""
    pub = parse_published(published)
    low = text.lower().strip()
    if low in ("today", "this morning", "tonight") and pub:
        return pub.isoformat()
    if low == "yesterday" and pub:
        return (pub - dt.timedelta(days=1)).isoformat()
    if low in ("last week", "the previous week") and pub:
        y, w, _ = (pub - dt.timedelta(days=7)).isocalendar()
        return f"{y}-W{w:02d}"
    for day_name, idx in _WEEKDAYS.items():
        if low.endswith(day_name) and pub:
            delta = (pub.weekday() - idx) % 7
            return (pub - dt.timedelta(days=delta)).isoformat()
    for rx, order in ((_MD, "md"), (_DM, "dm")):
        m = rx.search(text)
        if m:
            mon, day = (m.group(1), m.group(2)) if order == "md" else (m.group(2), m.group(1))
            year = int(m.group(3)) if m.group(3) else None
            try:
                got = _before(year, _month(mon), int(day), pub)
                if got:
                    return dt.date(got[0], got[1], got[2]).isoformat()
            except ValueError:
                return None
    m = _M.search(text)
    if m:
        got = _before(int(m.group(2)) if m.group(2) else None, _month(m.group(1)), None, pub)
        if got:
            return f"{got[0]}-{got[1]:02d}"
    m = _Y.search(text)
    if m:
        return m.group(1)
    return None


def article_dates(doc, article: Article) -> list[DateExpr]:
    """Dates usable for events: the dates component's where present, else our fallback over spaCy DATE entities."""
    if article.dates:
        return [d for d in article.dates if d.value and _TIMEX_DATE.match(d.value)]
    out = []
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        value = resolve_date(ent.text, article.published)
        if value and _TIMEX_DATE.match(value):
            out.append(DateExpr(ent.text, value, ent.start_char, ent.end_char))
    return out


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """One mention of a place, with the place's canonical name and country (ISO2) where known."""

    name: str
    start: int
    end: int
    country: str | None = None


def article_places(doc, article: Article) -> list[PlaceMention]:
    """Place mentions: the places component's where present (geocoded: they carry its country), else
    spaCy GPE/LOC/FAC entities, whose country is known only for countries, capitals and demonyms."""
    if article.places:
        return sorted((PlaceMention(p.name, m.start, m.end, p.country) for p in article.places for m in p.mentions),
                      key=lambda m: m.start)
    return [PlaceMention(e.text, e.start_char, e.end_char, country_of(e.text))
            for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC")]


def nearest(items, start: int, end: int, anchor: int, *, exclude: list[tuple[int, int]] = ()):
    """The item inside [start, end) closest to ``anchor`` whose span overlaps none of ``exclude``."""
    best, best_d = None, None
    for it in items:
        if it.start < start or it.end > end:
            continue
        if any(it.start < e and s < it.end for s, e in exclude):
            continue
        d = min(abs(it.start - anchor), abs(it.end - anchor))
        if best_d is None or d < best_d:
            best, best_d = it, d
    return best


def dateline_place(article: Article) -> str | None:
    """The place of the dateline ("OTTAWA —" -> "Ottawa"), the fallback location of a story's events."""
    line = (article.dateline or "").strip()
    if not line:
        return None
    name = re.split(r"[,(—–-]", line)[0].strip()
    return name.title() if name.isupper() else name or None


def dateline_country(article: Article) -> str | None:
    """Country of the dateline place: a country, capital or demonym in the dateline ("OTTAWA",
    "TAMSA, Niger"), else the country the places component gave the place of that name."""
    line = (article.dateline or "").strip()
    if not line:
        return None
    iso = country_of(re.split(r"[(—–]", line)[0])
    if iso:
        return iso
    key = (dateline_place(article) or "").casefold()
    for p in article.places:
        if p.country and (p.name.casefold() == key or any(m.text.casefold() == key for m in p.mentions)):
            return p.country
    return None
