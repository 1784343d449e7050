"""Read queries of the web app that the shared ``queries`` module does not have.

(A situation is the report stage's ``build_report`` over ``store.situations``; search is
``store.search``.  Only what is the web app's own lives here.)
"""

from __future__ import annotations

from typing import Any

import duckdb


def store_status(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Counts and the last ingest run, for the page footer and /api/status."""
    row = con.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT story_id) FROM articles), "
                      "(SELECT count(*) FROM events), (SELECT max(finished_at) FROM ingests)").fetchone()
    return {"articles": row[0], "stories": row[1], "events": row[2],
            "last_ingest": row[3].isoformat() if row[3] else None}
