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
