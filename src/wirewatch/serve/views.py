"""What each page shows, as plain data: the HTML page and its JSON twin render the same dict.

Every function takes a DuckDB cursor on the current snapshot (see ``snapshot.py``) and returns
JSON-ready data, or raises ``NotFound``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import duckdb

from ..records import Article
from ..store import queries, web

log = logging.getLogger(__name__)

MAX_QUERY = 300
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class NotFound(LookupError):
    """The thing asked for is not in the store."""


class BadRequest(ValueError):
    """A parameter is malformed; the message says which and how to fix it."""


def check_date(value: str | None, name: str) -> str | None:
    if value in (None, ""):
        return None
    if not _DATE.match(value):
        raise BadRequest(f"{name} takes a date as YYYY-MM-DD, not {value!r}")
    return value


def check_query(q: str | None) -> str | None:
    q = " ".join((q or "").split())
    if len(q) > MAX_QUERY:
        raise BadRequest(f"the query is too long ({len(q)} characters, at most {MAX_QUERY})")
    return q or None


def search(cur: duckdb.DuckDBPyConnection, q: str | None, *, limit: int = 20, offset: int = 0,
           since: str | None = None, until: str | None = None) -> dict[str, Any]:
    q = check_query(q)
    since, until = check_date(since, "since"), check_date(until, "until")
    rows = web.search_bm25(cur, q, limit=limit, offset=offset, since=since, until=until) if q else None
    if rows is None:
        rows = queries.search_articles(cur, q, limit=limit, offset=offset, since=since, until=until)
    for r in rows:
        if r.get("score") is not None:
            r["score"] = round(float(r["score"]), 4)
    return {"query": q, "limit": limit, "offset": offset, "since": since, "until": until,
            "count": len(rows), "articles": rows}


def article(cur: duckdb.DuckDBPyConnection, article_id: str) -> Article:
    art = queries.get_article(cur, article_id)
    if art is None:
        raise NotFound(f"no article with id {article_id!r}")
    return art


def story(cur: duckdb.DuckDBPyConnection, story_id: str) -> dict[str, Any]:
    copies = queries.story_copies(cur, story_id)
    if not copies:
        raise NotFound(f"no story with id {story_id!r}")
    for c in copies:
        if c.get("ingested_at") is not None and hasattr(c["ingested_at"], "isoformat"):
            c["ingested_at"] = c["ingested_at"].isoformat()
    return {"story_id": story_id, "copies": copies, "count": len(copies)}


def situation(cur: duckdb.DuckDBPyConnection, q: str, *, since: str | None = None,
              until: str | None = None) -> dict[str, Any]:
    """The situation for ``q``: the report stage's report where installed, else the store view."""
    q = check_query(q)
    if not q:
        raise BadRequest("a situation needs a query (a name, place, event type or keywords)")
    since, until = check_date(since, "since"), check_date(until, "until")
    data = web.situation(cur, q, since=since, until=until)
    data["map"] = map_points(data["places"])
    data["bars"] = timeline_bars(data["timeline"])
    return data


def map_points(places: list[dict[str, Any]], *, width: int = 720, height: int = 360) -> list[dict[str, Any]]:
    """Places as points of an equirectangular map ``width`` x ``height`` (offline: no tiles)."""
    if not places:
        return []
    top = max(p["stories"] for p in places) or 1
    out = []
    for p in places:
        lat, lon = float(p["lat"]), float(p["lon"])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            continue
        out.append({"name": p["name"], "country": p.get("country"), "stories": p["stories"],
                    "x": round((lon + 180) / 360 * width, 1), "y": round((90 - lat) / 180 * height, 1),
                    "r": round(3 + 7 * (p["stories"] / top) ** 0.5, 1)})
    return out


def timeline_bars(timeline: list[dict[str, Any]], *, width: int = 720, height: int = 120) -> list[dict[str, Any]]:
    """One bar per day of the timeline, scaled to the busiest day."""
    if not timeline:
        return []
    top = max(t["n"] for t in timeline) or 1
    step = width / len(timeline)
    bar = max(1.0, step * 0.8)
    return [{"day": t["day"], "n": t["n"], "x": round(i * step, 1), "w": round(bar, 1),
             "h": round(max(2.0, (height - 20) * t["n"] / top), 1)} for i, t in enumerate(timeline)]
