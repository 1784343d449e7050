"""Read queries of the web app that the shared ``queries`` module does not have.

``situation`` is the web app's own, simple view of a situation (stories matching a query, their
distinct events, places on a map, a timeline); the full situation report of the ``report`` stage
replaces it where that stage is installed.  A query matches article titles and text, entity and
place names and event types, like a watch does.
"""

from __future__ import annotations

from typing import Any

import duckdb

MAX_STORIES = 2000


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        rec = dict(zip(names, row))
        for k, v in rec.items():
            if hasattr(v, "isoformat"):
                rec[k] = v.isoformat()
        out.append(rec)
    return out


def matching_stories(con: duckdb.DuckDBPyConnection, query: str, *, since: str | None = None,
                     until: str | None = None, limit: int = MAX_STORIES) -> list[str]:
    """Story ids whose copies mention ``query`` (title, text, entity, place or event type)."""
    like = f"%{query}%"
    dates, params = "", [like, like, like, like, like, like]
    if since:
        dates += " AND published >= CAST(? AS DATE)"
        params.append(since)
    if until:
        dates += " AND published <= CAST(? AS DATE)"
        params.append(until)
    sql = f"""
        WITH hits AS (
            SELECT story_id FROM articles WHERE title ILIKE ? OR text ILIKE ?
            UNION SELECT story_id FROM entities WHERE name ILIKE ?
            UNION SELECT story_id FROM places WHERE name ILIKE ?
            UNION SELECT r.story_id FROM event_reports r JOIN events e USING (event_key)
                  WHERE e.type ILIKE ? OR e.plover ILIKE ?
        )
        SELECT story_id, max(published) AS latest FROM articles
        WHERE story_id IN (SELECT story_id FROM hits) {dates}
        GROUP BY story_id ORDER BY latest DESC NULLS LAST, story_id LIMIT ?"""
    params.append(int(limit))
    return [r[0] for r in con.execute(sql, params).fetchall()]


def situation(con: duckdb.DuckDBPyConnection, query: str, *, since: str | None = None,
              until: str | None = None, max_events: int = 300) -> dict[str, Any]:
    """Stories, distinct events, places and a timeline for ``query`` (counts of events, not reprints)."""
    stories = matching_stories(con, query, since=since, until=until)
    base: dict[str, Any] = {"query": query, "since": since, "until": until, "stories": len(stories),
                            "articles": [], "events": [], "places": [], "timeline": [], "entities": []}
    if not stories:
        return base
    con.execute("CREATE TEMP TABLE IF NOT EXISTS _ww_sit (story_id VARCHAR)")
    try:
        return _situation(con, base, stories, max_events)
    finally:
        con.execute("DELETE FROM _ww_sit")


def _situation(con: duckdb.DuckDBPyConnection, out: dict[str, Any], stories: list[str],
               max_events: int) -> dict[str, Any]:
    con.execute("DELETE FROM _ww_sit")
    con.execute("INSERT INTO _ww_sit SELECT unnest(?)", [stories])
    out["articles"] = _dicts(con.execute("""
        SELECT story_id, arg_min(id, ingested_at) AS id, arg_min(title, ingested_at) AS title,
               max(published) AS published, count(*) AS copies,
               list(DISTINCT agency) FILTER (WHERE agency IS NOT NULL) AS agencies
        FROM articles WHERE story_id IN (SELECT story_id FROM _ww_sit)
        GROUP BY story_id ORDER BY published DESC NULLS LAST, story_id LIMIT 50"""))
    out["events"] = _dicts(con.execute("""
        SELECT e.event_key, e.type, e.plover, e.source_name, e.target_name, e.date, e.date_basis, e.place,
               e.text, e.first_article_id, count(DISTINCT r.story_id) AS stories,
               count(DISTINCT r.article_id) AS reports
        FROM events e JOIN event_reports r USING (event_key)
        WHERE r.story_id IN (SELECT story_id FROM _ww_sit)
        GROUP BY ALL ORDER BY e.date NULLS LAST, e.event_key LIMIT ?""", [int(max_events)]))
    out["places"] = _dicts(con.execute("""
        SELECT name, any_value(country) AS country, avg(lat) AS lat, avg(lon) AS lon,
               count(DISTINCT story_id) AS stories
        FROM places WHERE story_id IN (SELECT story_id FROM _ww_sit) AND lat IS NOT NULL AND lon IS NOT NULL
        GROUP BY name ORDER BY stories DESC, name LIMIT 200"""))
    out["entities"] = _dicts(con.execute("""
        SELECT name, any_value(type) AS type, count(DISTINCT story_id) AS stories
        FROM entities WHERE story_id IN (SELECT story_id FROM _ww_sit)
        GROUP BY name ORDER BY stories DESC, name LIMIT 30"""))
    out["timeline"] = _timeline(con)
    return out


def _timeline(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Distinct events per day (the event's own date where it names a day), else stories per
    publication day when there are no dated events."""
    rows = _dicts(con.execute("""
        SELECT substr(e.date, 1, 10) AS day, count(DISTINCT e.event_key) AS n
        FROM events e JOIN event_reports r USING (event_key)
        WHERE r.story_id IN (SELECT story_id FROM _ww_sit) AND regexp_matches(e.date, '^\\d{4}-\\d{2}-\\d{2}')
        GROUP BY day ORDER BY day"""))
    if rows:
        return [{"day": r["day"], "n": r["n"], "what": "events"} for r in rows]
    rows = _dicts(con.execute("""
        SELECT CAST(published AS VARCHAR) AS day, count(DISTINCT story_id) AS n FROM articles
        WHERE story_id IN (SELECT story_id FROM _ww_sit) AND published IS NOT NULL
        GROUP BY day ORDER BY day"""))
    return [{"day": r["day"], "n": r["n"], "what": "stories"} for r in rows]


def store_status(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Counts and the last ingest run, for the page footer and /api/status."""
    row = con.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT story_id) FROM articles), "
                      "(SELECT count(*) FROM events), (SELECT max(finished_at) FROM ingests)").fetchone()
    return {"articles": row[0], "stories": row[1], "events": row[2],
            "last_ingest": row[3].isoformat() if row[3] else None}



# -- search ------------------------------------------------------------------------------------
# The same BM25 (k=1.2, b=0.75, disjunctive) as the fts extension's ``match_bm25`` macro, computed
# once for the documents that hold a query term instead of once per article row: the macro scores
# every row of ``articles`` (~100 ms on 10k articles here), this touches only the matching postings.
_BM25 = """
WITH tokens AS (
    SELECT DISTINCT stem(unnest(fts_main_articles.tokenize(?)), 'porter') AS t),
qterms AS (
    SELECT terms.termid, terms.docid FROM fts_main_articles.terms AS terms
    JOIN fts_main_articles.dict AS dict ON dict.termid = terms.termid
    JOIN tokens ON dict.term = tokens.t),
term_tf AS (SELECT termid, docid, count(*) AS tf FROM qterms GROUP BY docid, termid),
stats AS (SELECT num_docs, avgdl FROM fts_main_articles.stats),
scores AS (
    SELECT docs.name AS id, sum(log(((stats.num_docs - dict.df) + 0.5) / (dict.df + 0.5) + 1)
           * ((tf * (1.2 + 1)) / (tf + 1.2 * ((1 - 0.75) + 0.75 * (docs.len / stats.avgdl))))) AS score
    FROM term_tf JOIN fts_main_articles.docs AS docs ON docs.docid = term_tf.docid
    JOIN fts_main_articles.dict AS dict ON dict.termid = term_tf.termid, stats
    GROUP BY docs.name)
"""


def has_fts(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'fts_main_articles' "
                      "AND table_name = 'terms'").fetchone()
    return bool(row[0])


def search_bm25(con: duckdb.DuckDBPyConnection, query: str, *, limit: int = 20, offset: int = 0,
                since: str | None = None, until: str | None = None) -> list[dict[str, Any]] | None:
    """``queries.search_articles`` for a non-empty query where the BM25 index exists (same columns,
    scores and order); None where there is no index (the caller falls back)."""
    if not query or not has_fts(con):
        return None
    where, params = [], [query]
    if since:
        where.append("a.published >= CAST(? AS DATE)")
        params.append(since)
    if until:
        where.append("a.published <= CAST(? AS DATE)")
        params.append(until)
    cond = (" WHERE " + " AND ".join(where)) if where else ""
    sql = (f"{_BM25} SELECT a.id, a.story_id, a.source, a.url, a.title, a.authors, a.agency, a.dateline, "
           f"a.published, a.language, substr(a.text, 1, 240) AS snippet, s.score "
           f"FROM scores s JOIN articles a USING (id){cond} "
           f"ORDER BY s.score DESC, a.published DESC NULLS LAST, a.id LIMIT ? OFFSET ?")
    params += [int(limit), int(offset)]
    return _dicts(con.execute(sql, params))
