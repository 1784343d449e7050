"""Read queries of the web app that the shared ``queries`` module does not have.

(A situation is the report stage's ``build_report`` over ``store.situations``; search is
``store.search``.  Only what is the web app's own lives here.)
"""

from __future__ import annotations

from typing import Any

import duckdb

from .queries import listing, period_clause


def store_status(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Counts and the last ingest run, for the page footer and /api/status."""
    row = con.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT story_id) FROM articles), "
                      "(SELECT count(*) FROM events), (SELECT max(finished_at) FROM ingests)").fetchone()
    return {"articles": row[0], "stories": row[1], "events": row[2],
            "last_ingest": row[3].isoformat() if row[3] else None}


def story_quotes(con: duckdb.DuckDBPyConnection, story_id: str) -> list[dict[str, Any]]:
    """The quotes of one story, each once however many copies repeat it, in text order, with the
    copy and offsets where they were first found (for a link to the sentence)."""
    cur = con.execute(
        "SELECT speaker, any_value(text) AS text, any_value(cue) AS cue, bool_or(direct) AS direct, "
        "min(article_id) AS article_id, count(DISTINCT article_id) AS copies, min(start_char) AS start "
        "FROM quotes WHERE story_id = ? GROUP BY speaker, lower(text) ORDER BY start, speaker", [story_id])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def article_total(con: duckdb.DuckDBPyConnection, *, since: str | None = None, until: str | None = None) -> int:
    """Listed rows (stored articles and recorded copies) published in the period (all when no period):
    the search page's total when it lists the latest articles, counted over the same rows it lists."""
    where, params = period_clause("published", since=since, until=until)
    sql = f"SELECT count(*) FROM {listing(con)}" + (" WHERE " + " AND ".join(where) if where else "")
    return int(con.execute(sql, params).fetchone()[0])
