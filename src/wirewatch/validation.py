"""Parameters from people, checked once: dates, periods, limits, offsets, queries, choices.

The web app (query strings), the JSON API and the command line all call these functions, so a
date such as ``2019-02-30`` gets the same one-line answer everywhere: ``ParamError`` (a
``UsageError``), which the web app turns into a 400 (JSON ``{"error", "status"}`` or an HTML
error page) and the CLI into one line on stderr and exit code 2.  Nothing past this module ever
sees an unchecked value, so the store never fails on a cast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date as _date

from .errors import UsageError

MAX_QUERY = 300
MAX_OFFSET = 1_000_000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


class ParamError(UsageError):
    """A parameter is malformed; the message names it and says what it takes."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name} {message}")
        self.name = name


def date(value: str | None, name: str) -> str | None:
    """``value`` as a real calendar day ``YYYY-MM-DD`` (None or "" for none)."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    if not _DATE.match(value):
        raise ParamError(name, f"takes a date as YYYY-MM-DD, not {value!r}")
    try:
        _date.fromisoformat(value)
    except ValueError:
        raise ParamError(name, f"is not a day of the calendar: {value!r} (YYYY-MM-DD)") from None
    return value


def period(since: str | None, until: str | None, *, names: tuple[str, str] = ("since", "until")
           ) -> tuple[str | None, str | None]:
    """Both ends checked, and ``since`` not after ``until``."""
    since, until = date(since, names[0]), date(until, names[1])
    if since and until and since > until:
        raise ParamError(names[0], f"({since}) is after {names[1]} ({until}): the period is empty")
    return since, until


def integer(value: int | str | None, name: str, *, default: int, lo: int, hi: int) -> int:
    """A whole number in ``lo..hi`` (``default`` when absent)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        n = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise ParamError(name, f"takes a whole number, not {value!r}") from None
    if not lo <= n <= hi:
        raise ParamError(name, f"must be between {lo:,} and {hi:,}, not {n:,}")
    return n


def limit(value: int | str | None, name: str = "limit", *, default: int = 20, hi: int = 100) -> int:
    return integer(value, name, default=default, lo=1, hi=hi)


def offset(value: int | str | None, name: str = "offset") -> int:
    return integer(value, name, default=0, lo=0, hi=MAX_OFFSET)


def query(value: str | None, name: str = "query", *, required: bool = False) -> str | None:
    """Whitespace collapsed, at most ``MAX_QUERY`` characters; ``required`` refuses an empty one."""
    q = " ".join((value or "").split())
    if len(q) > MAX_QUERY:
        raise ParamError(name, f"is too long ({len(q)} characters, at most {MAX_QUERY})")
    if required and not q:
        raise ParamError(name, "is needed: a name, place, event type or keywords")
    return q or None


def choice(value: str | None, name: str, choices: Iterable[str], *, upper: bool = False) -> str | None:
    """One of ``choices`` (case-insensitive; returned as spelled in ``choices``)."""
    if value is None or not str(value).strip():
        return None
    allowed = list(choices)
    folded = {c.casefold(): c for c in allowed}
    got = folded.get(str(value).strip().casefold())
    if got is None:
        shown = ", ".join(allowed) if len(allowed) <= 12 else ", ".join(allowed[:12]) + ", ..."
        raise ParamError(name, f"is one of {shown}; not {value!r}")
    return got.upper() if upper else got


def code(value: str | None, name: str) -> str | None:
    """An event-type code as people type it: ``armed clash`` -> ``ARMED_CLASH``."""
    if value is None or not str(value).strip():
        return None
    text = re.sub(r"[\s\-]+", "_", str(value).strip()).upper()
    if not re.fullmatch(r"[A-Z][A-Z_]{1,40}", text):
        raise ParamError(name, f"takes a type code such as ARMED_CLASH, not {value!r}")
    return text


def country(value: str | None, name: str = "country") -> str | None:
    """An ISO 3166 alpha-2 code (``ML``)."""
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    if not _COUNTRY.match(value):
        raise ParamError(name, f"takes a two-letter ISO 3166 country code such as ML, not {value!r}")
    return value.upper()


__all__ = ["MAX_QUERY", "ParamError", "choice", "code", "country", "date", "integer", "limit", "offset", "period",
           "query"]
