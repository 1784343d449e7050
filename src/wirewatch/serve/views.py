"""What each page shows, as plain data: the HTML page and its JSON twin render the same dict.

Every function takes a DuckDB cursor on the current snapshot (see ``snapshot.py``) and returns
JSON-ready data, or raises ``NotFound``.  Situations are the report stage's reports
(``situation.py``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import duckdb

from ..records import Article
from ..store import queries
from ..store import search as fulltext

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
           since: str | None = None, until: str | None = None,
           index: fulltext.SearchIndex | None = None) -> dict[str, Any]:
    """The search page's data; ``index`` is the snapshot's search index (the same BM25 as
    ``queries.search_articles``, without looking the index up again)."""
    q = check_query(q)
    since, until = check_date(since, "since"), check_date(until, "until")
    rows = None
    if q and index is not None:
        rows = fulltext.bm25(cur, q, limit=limit, offset=offset, since=since, until=until, index=index)
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
