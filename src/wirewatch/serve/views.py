"""What each page shows, as plain data: the HTML page and its JSON twin render the same dict.

Every function takes a DuckDB cursor on the current snapshot (see ``snapshot.py``) and returns
JSON-ready data, or raises ``NotFound``.  Situations are the report stage's reports
(``situation.py``).
"""

from __future__ import annotations

import logging
from typing import Any

import duckdb

from .. import validation as check
from ..errors import UsageError
from ..records import Article
from ..store import queries
from ..store import search as fulltext

log = logging.getLogger(__name__)

MAX_QUERY = check.MAX_QUERY


class NotFound(LookupError):
    """The thing asked for is not in the store."""


class BadRequest(UsageError):
    """A request makes no sense as a whole; the message says why (parameters: ``validation``)."""


def check_date(value: str | None, name: str) -> str | None:
    return check.date(value, name)


def check_query(q: str | None) -> str | None:
    return check.query(q, "q")


def search(cur: duckdb.DuckDBPyConnection, q: str | None, *, limit: int = 20, offset: int = 0,
           since: str | None = None, until: str | None = None,
           index: fulltext.SearchIndex | None = None) -> dict[str, Any]:
    """The search page's data; ``index`` is the snapshot's search index (the same BM25 as
    ``queries.search_articles``, without looking the index up again)."""
    q = check.query(q, "q")
    since, until = check.period(since, until)
    limit, offset = check.limit(limit, hi=100), check.offset(offset)
    rows = None
    if q and index is not None:
        rows = fulltext.bm25(cur, q, limit=limit, offset=offset, since=since, until=until, index=index)
    if rows is None:
        rows = queries.search_articles(cur, q, limit=limit, offset=offset, since=since, until=until)
    for r in rows:
        if r.get("score") is not None:
            r["score"] = round(float(r["score"]), 4)
    total = None
    if not q:  # the latest articles: the total is known (a ranked search pages without one)
        from ..store import web  # noqa: PLC0415

        total = web.article_total(cur, since=since, until=until)
    return {"query": q, "limit": limit, "offset": offset, "since": since, "until": until,
            "count": len(rows), "total": total, "articles": rows}


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
    from ..store import events as ev  # noqa: PLC0415
    from ..store import web  # noqa: PLC0415

    by_article = ev.of_articles(cur, [c["id"] for c in copies])
    events: dict[str, dict[str, Any]] = {}
    for c in copies:  # each event once, from the first copy that reports it
        for e in by_article.get(c["id"], []):
            events.setdefault(e["event_id"], e)
    return {"story_id": story_id, "copies": copies, "count": len(copies),
            "events": sorted(events.values(), key=lambda e: (e["date"] or "", e["event_id"])),
            "quotes": web.story_quotes(cur, story_id)}


def article_events(cur: duckdb.DuckDBPyConnection, article_id: str) -> list[dict[str, Any]]:
    """The stored events one article reports, with their ids and offsets (to anchor them)."""
    from ..store import events as ev  # noqa: PLC0415

    return ev.of_articles(cur, [article_id]).get(article_id, [])


def events(cur: duckdb.DuckDBPyConnection, *, q: str | None = None, since: str | None = None,
           until: str | None = None, type_: str | None = None, plover: str | None = None,
           country: str | None = None, limit: int | str | None = 50, offset: int | str | None = 0,
           max_limit: int = 1000) -> dict[str, Any]:
    """One page of the event table (``store.events``) with its total: the events page, ``/api/events``
    and its CSV/GeoJSON downloads.  ``q`` keeps the events of the articles a situation on ``q`` covers."""
    from ..report.build import select  # noqa: PLC0415 - the one query-to-selection step
    from ..store import events as ev  # noqa: PLC0415

    q = check.query(q, "q")
    since, until = check.period(since, until)
    filters = ev.Filters(since=since, until=until, type=check.code(type_, "type"),
                         plover=check.code(plover, "plover"), country=check.country(country))
    limit, offset = check.limit(limit, default=50, hi=max_limit), check.offset(offset)
    echo = {"q": q, "since": since, "until": until, "type": filters.type, "plover": filters.plover,
            "country": filters.country}
    if not q:
        return {**echo, **ev.page(cur, filters, limit=limit, offset=offset)}
    with select(cur, q) as (sel, _names, _code):
        filters.selection = sel.table
        return {**echo, **ev.page(cur, filters, limit=limit, offset=offset)}


CONTEXT_CHARS = 400


def event(cur: duckdb.DuckDBPyConnection, event_id: str) -> dict[str, Any]:
    """One event: its codebook row, every report, and the evidence sentence in its context (the
    paragraph around it in the first report), with the trigger located inside the sentence."""
    from ..store import events as ev  # noqa: PLC0415

    row = ev.get(cur, event_id)
    if row is None:
        raise NotFound(f"no event with id {event_id!r}")
    art = queries.get_article(cur, row["article_id"]) if row.get("article_id") else None
    ctx: dict[str, Any] = {"before": "", "sentence": row.get("evidence") or "", "after": "", "article_id": None,
                           "trigger": None}
    start, end = row.get("evidence_start"), row.get("evidence_end")
    if art is not None and isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(art.text):
        text = art.text
        lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
        if lo > 0:  # start and end the context on whole words
            cut = text.find(" ", lo, start)
            lo = cut + 1 if cut >= 0 else start
        if hi < len(text):
            cut = text.rfind(" ", end, hi)
            hi = cut if cut >= 0 else end
        ctx.update(before=("…" if lo > 0 else "") + text[lo:start], sentence=text[start:end],
                   after=text[end:hi] + ("…" if hi < len(text) else ""),
                   article_id=art.id, title=art.title)
    trig = row.get("trigger")
    if trig:
        at = ctx["sentence"].lower().find(trig.lower())
        if at >= 0:
            ctx["trigger"] = {"start": at, "end": at + len(trig)}
    row["context"] = ctx
    return row
