"""TimeML values of the less common expression kinds: REF words, spelled-out years, centuries, holidays.

Kept apart from ``dates`` (which resolves the everyday kinds and runs the extraction) so that each
module stays small.  Every resolver has the signature of ``dates``' own:
``(candidate, anchor, tense) -> value or None``.

* "now", "currently", "current" → ``PRESENT_REF``; "recently", "in the past", "recent years" →
  ``PAST_REF``; "the future", "in the near term" → ``FUTURE_REF``: TimeML's values for times that
  are only placed relative to the speech time.  They carry no calendar date; consumers that need
  one (events) already skip values that are not calendar values.
* "nineteen ninety-six", "the year two thousand" (broadcast transcripts) → ``1996``, ``2000``;
  "the nineties" → ``199``; "the 20th century" → ``19`` (TimeML truncates to the known digits).
* Fixed and movable holidays ("Christmas", "Thanksgiving Day", "Easter Week", "Election Day")
  → their day (week) in the year the tense or the nearest occurrence implies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from .anaphora import week_value
from .timex import Candidate

Date = dt.date

_PRESENT = frozenset({"now", "right now", "currently", "current", "nowadays", "these days", "at present",
                      "presently"})
_FUTURE_HEADS = ("future", "the future", "the near", "the distant", "the immediate", "near", "distant",
                 "immediate", "as soon", "a later", "the short")

_UNITS_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 2, "thirty": 3, "forty": 4, "fifty": 5, "sixty": 6, "seventy": 7, "eighty": 8,
         "ninety": 9}
_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
                  "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
                  "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
                  "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
                  "twenty first": 21}


def _norm(words: str) -> str:
    return " ".join(words.lower().replace("-", " ").split())


def resolve_ref(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    """PRESENT_REF / PAST_REF / FUTURE_REF: need no anchor, so kept even without a publication date."""
    word = _norm(c.parts["ref"])
    if word in _PRESENT:
        return "PRESENT_REF"
    if word.startswith(_FUTURE_HEADS) or "future" in word:
        return "FUTURE_REF"
    return "PAST_REF"  # recently, more recently, recent years, the past, then current


def _two_digits(words: str) -> int | None:
    """"ninety six" → 96, "twelve" → 12, "oh five" → 5."""
    tokens = _norm(words).split()
    if not tokens:
        return None
    if tokens[0] in ("oh", "o") and len(tokens) == 2:
        return _UNITS_WORDS.get(tokens[1])
    if tokens[0] in _TEENS and len(tokens) == 1:
        return _TEENS[tokens[0]]
    if tokens[0] in _TENS:
        unit = _UNITS_WORDS.get(tokens[1], 0) if len(tokens) > 1 else 0
        return _TENS[tokens[0]] * 10 + unit
    return None


def resolve_spelled_year(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    if "two_k" in c.parts:
        rest = _two_digits(c.parts["yy_k"]) if "yy_k" in c.parts else 0
        if rest is None:
            rest = _UNITS_WORDS.get(_norm(c.parts["yy_k"]))
        return None if rest is None else f"{2000 + rest:04d}"
    yy = _two_digits(c.parts["yy_w"])
    century = 18 if c.parts["cent_w"].lower() == "eighteen" else 19
    return None if yy is None else f"{century}{yy:02d}"


def resolve_spelled_decade(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    century = 18 if c.parts.get("cent_w", "").lower() == "eighteen" else 19
    return f"{century}{_TENS[c.parts['tens_w'].lower()[:-3] + 'y']}"


def resolve_century(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    """"the 20th century" → ``19``: the two digits its years start with."""
    n = int(c.parts["cent_n"]) if "cent_n" in c.parts else _ORDINAL_WORDS.get(_norm(c.parts["cent_w"]))
    if not n or n > 21:
        return None
    return f"{n - 1:02d}"


# --------------------------------------------------------------------------- holidays

def _easter(year: int) -> Date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return Date(year, month, day)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> Date:
    """The n-th (1-based; -1 = last) given weekday of a month."""
    if n > 0:
        first = Date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = Date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _fixed(month: int, day: int) -> Callable[[int], Date]:
    return lambda year: Date(year, month, day)


_HOLIDAY_DAYS: dict[str, Callable[[int], Date]] = {
    "christmas": _fixed(12, 25), "christmas day": _fixed(12, 25), "christmas eve": _fixed(12, 24),
    "new year's": _fixed(1, 1), "new year's day": _fixed(1, 1), "new year's eve": _fixed(12, 31),
    "halloween": _fixed(10, 31), "independence day": _fixed(7, 4), "fourth of july": _fixed(7, 4),
    "july fourth": _fixed(7, 4), "valentine's day": _fixed(2, 14), "veterans day": _fixed(11, 11),
    "boxing day": _fixed(12, 26), "canada day": _fixed(7, 1), "bastille day": _fixed(7, 14),
    "thanksgiving": lambda y: _nth_weekday(y, 11, 3, 4), "thanksgiving day": lambda y: _nth_weekday(y, 11, 3, 4),
    "labor day": lambda y: _nth_weekday(y, 9, 0, 1), "memorial day": lambda y: _nth_weekday(y, 5, 0, -1),
    "election day": lambda y: _nth_weekday(y, 11, 0, 1) + dt.timedelta(days=1),
    "easter": _easter, "easter sunday": _easter, "easter monday": lambda y: _easter(y) + dt.timedelta(days=1),
    "easter week": lambda y: _easter(y) - dt.timedelta(days=6),  # Holy Week: Monday to Easter Sunday
    "good friday": lambda y: _easter(y) - dt.timedelta(days=2),
}


def _pick_occurrence(anchor: Date, day_of: Callable[[int], Date], direction: str, *, strict: bool) -> Date:
    """The occurrence the context means: last/next by modifier or tense, else the nearest (past favoured).

    ``strict``: "last Christmas" said on Christmas Day is the one before; "celebrated Christmas" is today's.
    """
    days = [day_of(anchor.year + k) for k in (-1, 0, 1)]
    past = max(d for d in days if d <= anchor) if any(d <= anchor for d in days) else days[0]
    future = min(d for d in days if d >= anchor) if any(d >= anchor for d in days) else days[-1]
    if direction == "past":
        return max(d for d in days if d < anchor) if strict and past == anchor else past
    if direction == "future":
        return future
    if direction == "this":
        return day_of(anchor.year)
    return past if (anchor - past).days <= (future - anchor).days * 1.5 else future


def resolve_holiday(c: Candidate, anchor: Date | None, tense: str | None, *, direction: str) -> str | None:
    name = " ".join(c.parts["hol"].lower().split())
    day_of = _HOLIDAY_DAYS.get(name)
    if day_of is None:
        return None
    if "year" in c.parts:
        day = day_of(int(c.parts["year"]))
    elif anchor is None:
        return None
    else:
        day = _pick_occurrence(anchor, day_of, direction, strict="rel" in c.parts)
    return week_value(day) if name == "easter week" else day.isoformat()
