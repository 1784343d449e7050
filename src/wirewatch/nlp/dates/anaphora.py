"""Temporal anaphora: expressions whose value depends on a date mentioned earlier in the text.

TimeML resolves "a year earlier", "that day", "the following week" against the *reference
time* of the discourse (the last date the text mentioned), not against the publication date;
and in results reporting, "the quarter", "the latest period", "the year-ago quarter" and "a year
ago" name the fiscal period under discussion (TimeBank annotates "a year ago" after a
third-quarter result as the third quarter of the previous year).  ``Discourse`` follows these
references through one document, in text order; ``dates.extract`` feeds it every value it
resolves and asks it for the anaphoric ones.

Values here are TimeML calendar values: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, ``YYYY-Www``,
``YYYY-Qn``, ``YYYY-Hn``; ``Period`` is their parsed form, and ``shift`` moves one by whole units.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .timex import Candidate, month_number, number_value

Date = dt.date

_VALUE = re.compile(r"^(\d{4})(?:-(?:(\d\d)(?:-(\d\d))?|W(\d\d)|Q([1-4])|H([12])))?$")
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4}
# how far back (characters) a results period still frames "a year ago" / "a year earlier"
QUARTER_SCOPE = 400


# --------------------------------------------------------------------------- calendar values

def week_value(d: Date) -> str:
    """ISO week of a day, TimeML style (``2020-W45``)."""
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) ``delta`` months away."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


@dataclass(frozen=True, slots=True)
class Period:
    """A parsed calendar value: its granularity ('Y', 'Q', 'H', 'M', 'W', 'D') and position."""

    gran: str
    year: int
    sub: int = 0  # quarter, half, month or week number
    day: Date | None = None

    @classmethod
    def parse(cls, value: str) -> Period | None:
        m = _VALUE.match(value or "")
        if not m:
            return None
        year = int(m.group(1))
        if m.group(3):
            try:
                return cls("D", year, int(m.group(2)), Date(year, int(m.group(2)), int(m.group(3))))
            except ValueError:
                return None
        if m.group(2):
            return cls("M", year, int(m.group(2)))
        if m.group(4):
            return cls("W", year, int(m.group(4)))
        if m.group(5):
            return cls("Q", year, int(m.group(5)))
        if m.group(6):
            return cls("H", year, int(m.group(6)))
        return cls("Y", year)

    def value(self) -> str:
        if self.gran == "D" and self.day is not None:
            return self.day.isoformat()
        if self.gran == "M":
            return f"{self.year:04d}-{self.sub:02d}"
        if self.gran == "W":
            return f"{self.year:04d}-W{self.sub:02d}"
        if self.gran in ("Q", "H"):
            return f"{self.year:04d}-{self.gran}{self.sub}"
        return f"{self.year:04d}"

    def representative_day(self) -> Date:
        """A day inside the period (its first), to move between granularities."""
        if self.day is not None:
            return self.day
        if self.gran == "M":
            return Date(self.year, self.sub, 1)
        if self.gran == "Q":
            return Date(self.year, 3 * self.sub - 2, 1)
        if self.gran == "H":
            return Date(self.year, 6 * self.sub - 5, 1)
        if self.gran == "W":
            return Date.fromisocalendar(self.year, self.sub, 1)
        return Date(self.year, 1, 1)


def coarsen(p: Period, unit: str) -> Period:
    """The period of granularity ``unit`` that contains ``p`` (e.g. the year of a day)."""
    d = p.representative_day()
    if unit == "year":
        return Period("Y", p.year)
    if unit == "quarter":
        return Period("Q", p.year, p.sub) if p.gran == "Q" else Period("Q", d.year, (d.month - 1) // 3 + 1)
    if unit == "month":
        return Period("M", d.year, d.month)
    if unit == "week":
        y, w, _ = d.isocalendar()
        return Period("W", y, w)
    return Period("D", d.year, d.month, d)


_FINER = {"Y": 0, "H": 1, "Q": 2, "M": 3, "W": 4, "D": 5}
_UNIT_GRAN = {"year": "Y", "quarter": "Q", "month": "M", "week": "W", "day": "D"}


def shift(p: Period, unit: str, n: int) -> Period | None:
    """``p`` moved by ``n`` units ("a year earlier" = shift(p, "year", -1)), keeping its granularity.

    A unit finer than the period cannot move it ("two days later" after "in May"): None.
    """
    if unit == "decade":
        unit, n = "year", 10 * n
    if _FINER[_UNIT_GRAN.get(unit, "D")] > _FINER[p.gran]:
        return None
    if p.gran == "Y":
        return Period("Y", p.year + n)
    if p.gran in ("Q", "H"):
        per_year = 4 if p.gran == "Q" else 2
        step = {"year": per_year * n, "quarter": n if p.gran == "Q" else 0}.get(unit, 0)
        if unit == "quarter" and p.gran == "H":
            return None
        index = p.year * per_year + p.sub - 1 + step
        return Period(p.gran, index // per_year, index % per_year + 1)
    if p.gran == "M":
        months = {"year": 12 * n, "quarter": 3 * n, "month": n}[unit]
        return Period("M", *add_months(p.year, p.sub, months))
    d = p.representative_day()
    if unit in ("week", "day"):
        d = d + dt.timedelta(days=n * (7 if unit == "week" else 1))
    else:
        y, m = add_months(d.year, d.month, {"year": 12 * n, "quarter": 3 * n, "month": n}[unit])
        d = _clamp_day(y, m, d.day)
    if p.gran == "W":
        y, w, _ = d.isocalendar()
        return Period("W", y, w)
    return Period("D", d.year, d.month, d)


def _clamp_day(year: int, month: int, day: int) -> Date:
    while day > 28:
        try:
            return Date(year, month, day)
        except ValueError:
            day -= 1
    return Date(year, month, day)


def reporting_quarter(anchor: Date) -> Period:
    """The quarter a results story most likely reports: the one just ended early in a quarter."""
    q = (anchor.month - 1) // 3 + 1
    first_month = anchor.month in (1, 4, 7, 10)
    if first_month or (anchor.month in (2, 5, 8, 11) and anchor.day <= 15):
        q -= 1
    year = anchor.year
    if q == 0:
        year, q = year - 1, 4
    return Period("Q", year, q)


# --------------------------------------------------------------------------- the discourse

@dataclass
class Discourse:
    """Reference times of one document, updated in text order."""

    anchor: Date | None
    ref: Period | None = None
    quarter: Period | None = None
    quarter_pos: int = -10**9  # end offset of the last expression naming a fiscal period

    def observe(self, value: str, c: Candidate) -> None:
        """Take a resolved non-anaphoric value as the new reference time."""
        p = Period.parse(value)
        if p is None:
            return
        self.ref = p
        if p.gran in ("Q", "H"):
            self.quarter = p
            self.quarter_pos = c.end

    def touch_quarter(self, c: Candidate) -> None:
        """An anaphoric period expression keeps the fiscal frame alive."""
        self.quarter_pos = c.end

    def in_quarter_frame(self, c: Candidate) -> bool:
        return self.quarter is not None and c.start - self.quarter_pos <= QUARTER_SCOPE

    def base(self) -> Period | None:
        """The reference time, falling back to the publication date."""
        if self.ref is not None:
            return self.ref
        return Period("D", self.anchor.year, self.anchor.month, self.anchor) if self.anchor else None

    def current_quarter(self) -> Period | None:
        if self.quarter is not None:
            return self.quarter
        return reporting_quarter(self.anchor) if self.anchor else None


# --------------------------------------------------------------------------- resolvers

def _year_shift(c: Candidate, disc: Discourse) -> str | None:
    """"the year-earlier quarter", "year-ago", "the same period last year": the frame, a year back."""
    parts = c.parts
    unit = parts.get("aunit") or parts.get("aunit2") or parts.get("aunit3") or parts.get("aunit4")
    ordinal = parts.get("ord") or parts.get("ord3")
    if ordinal:
        frame = disc.current_quarter() or disc.base()
        disc.touch_quarter(c)
        return None if frame is None else f"{frame.year - 1:04d}-Q{_ORDINAL[ordinal.lower()]}"
    if unit or disc.in_quarter_frame(c):
        q = disc.current_quarter()
        if unit and unit.lower() == "half" and q is not None and q.gran == "Q":
            q = Period("H", q.year, (q.sub + 1) // 2)
        disc.touch_quarter(c)
        moved = shift(q, "year", -1) if q else None
        return moved.value() if moved else None
    base = disc.base()
    return None if base is None else f"{base.year - 1:04d}"


def _quarter_ended(c: Candidate, disc: Discourse) -> Period | None:
    """"the quarter ended Sept. 30": the calendar quarter of that month, its last (next) occurrence."""
    if "ended_mon" not in c.parts or disc.anchor is None:
        return None
    month = month_number(c.parts["ended_mon"])
    year = disc.anchor.year
    if c.parts["ended"].lower() == "ended" and month > disc.anchor.month:
        year -= 1
    elif c.parts["ended"].lower() == "ending" and month < disc.anchor.month:
        year += 1
    # a quarter ending in July runs May-July: mostly the second calendar quarter
    y, m = add_months(year, month, -1)
    return Period("Q", y, (m - 1) // 3 + 1)


def _period_ref(c: Candidate, disc: Discourse) -> str | None:
    """"the quarter", "the latest period", "the 1988 period": the fiscal period under discussion."""
    ended = _quarter_ended(c, disc)
    if ended is not None:
        disc.quarter = ended
    q = disc.current_quarter()
    disc.touch_quarter(c)
    if "pyear" in c.parts:
        year = int(c.parts["pyear"])
        return f"{year:04d}-Q{q.sub}" if q is not None and q.gran == "Q" else f"{year:04d}"
    return q.value() if q is not None else None


def _shift_n(c: Candidate, disc: Discourse) -> str | None:
    """"two days later", "a year earlier": the reference time moved; in a results frame, its quarter."""
    n = number_value(c.parts["num"])
    sign = -1 if c.parts["dir"].lower() == "earlier" else 1
    unit = c.parts["unit"].lower()
    if unit == "year" and disc.in_quarter_frame(c):
        disc.touch_quarter(c)
        moved = shift(disc.quarter, "year", sign * n)  # type: ignore[arg-type]
        return moved.value() if moved else None
    base = disc.base()
    if base is None:
        return None
    if unit in ("year", "decade") and base.gran != "Y":
        base = coarsen(base, "year")
    moved = shift(base, unit, sign * n)
    if moved is None:
        return None
    if unit in ("day", "week"):
        disc.ref = moved  # the narrative moves on: "Two days later ... that day"
    return moved.value()


def _ref_unit(c: Candidate, disc: Discourse) -> str | None:
    """"that day", "later that year", "the following week": the unit of the reference time."""
    base = disc.base()
    if base is None:
        return None
    unit = c.parts["unit"].lower()
    if _FINER[_UNIT_GRAN[unit]] > _FINER[base.gran]:
        return None  # "that day" after "in 1998" names no day we know
    period = coarsen(base, unit)
    rel = (c.parts.get("rel") or "").lower()
    if rel in ("following", "next"):
        period = shift(period, unit, 1) or period
    elif rel in ("previous", "preceding", "prior"):
        period = shift(period, unit, -1) or period
    if rel:
        disc.ref = period
    return period.value()


def _the_year(c: Candidate, disc: Discourse) -> str | None:
    """"the year", "the full year", "year-end": the year of the results frame, else of publication.

    Not the last year mentioned: "the year" after "sales should reach $2 billion by 1992" is still
    the current one.
    """
    if disc.in_quarter_frame(c):
        return f"{disc.quarter.year:04d}"  # type: ignore[union-attr]
    return None if disc.anchor is None else f"{disc.anchor.year:04d}"


def a_year_ago(c: Candidate, disc: Discourse, n: int) -> str | None:
    """"a year ago" inside a results frame: the quarter under discussion, ``n`` years back."""
    if not disc.in_quarter_frame(c):
        return None
    disc.touch_quarter(c)
    moved = shift(disc.quarter, "year", -n)  # type: ignore[arg-type]
    return moved.value() if moved else None


ANAPHORIC_KINDS = {
    "year_shift": _year_shift, "period_ref": _period_ref, "shift_n": _shift_n,
    "ref_unit": _ref_unit, "the_year": _the_year,
}


def resolve_anaphor(c: Candidate, disc: Discourse) -> str | None:
    """TimeML value of an anaphoric expression, or None when the discourse gives no reference."""
    return ANAPHORIC_KINDS[c.kind](c, disc)
