"""Read-side queries over the store: search, one article, one story, rejects, export.

Functions take a DuckDB connection or cursor (``store.con`` or ``store.cursor()`` for another
thread) and return plain records, so the CLI, the web app and reports share one query each.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from ..errors import UsageError
from ..records import Article
from . import search

SUMMARY_COLUMNS = "id, story_id, source, url, title, authors, agency, dateline, published, language, coverage_id"


def _rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        rec = dict(zip(names, row))
        if rec.get("published") is not None:
            rec["published"] = rec["published"].isoformat()
        out.append(rec)
    return out


def listing(con: duckdb.DuckDBPyConnection) -> str:
    """The relation with one row per listed copy: ``article_rows`` (stored articles and recorded copies,
    migration 006), or ``articles`` in a store older than that (opened read-only)."""
    row = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'article_rows' "
                      "AND schema_name = 'main'").fetchone()
    return "article_rows" if row[0] else "articles"


def period_clause(column: str, *, since: str | None, until: str | None) -> tuple[list[str], list[str]]:
    """SQL conditions (and their parameters) that keep ``column`` (a DATE) inside the validated period."""
    where, params = [], []
    if since:
        where.append(f"{column} >= CAST(? AS DATE)")
        params.append(since)
    if until:
        where.append(f"{column} <= CAST(? AS DATE)")
        params.append(until)
    return where, params


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    row = con.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT story_id) FROM articles), "
        "(SELECT count(*) FROM rejects), (SELECT count(*) FROM events)").fetchone()
    return {"articles": row[0], "stories": row[1], "rejects": row[2], "events": row[3]}


def search_articles(con: duckdb.DuckDBPyConnection, query: str | None = None, *, limit: int = 20,
                    offset: int = 0, since: str | None = None, until: str | None = None,
                    story_id: str | None = None) -> list[dict[str, Any]]:
    """Articles matching ``query`` (BM25 over title and text where the index exists, see
    ``store.search``; else a case-insensitive substring match), newest first when there is no query."""
    if query:
        hits = search.bm25(con, query, limit=limit, offset=offset, since=since, until=until, story_id=story_id)
        if hits is not None:
            return hits
    where, params = period_clause("a.published", since=since, until=until)
    if story_id:
        where.append("a.story_id = ?")
        params.append(story_id)
    cols = ", ".join(f"a.{c.strip()}" for c in SUMMARY_COLUMNS.split(","))
    sql = f"SELECT {cols}, substr(a.text, 1, 240) AS snippet, NULL AS score FROM {listing(con)} a WHERE TRUE"
    if query:
        sql += " AND (a.title ILIKE ? OR a.text ILIKE ?)"
        params[:0] = [f"%{query}%", f"%{query}%"]
    if where:
        sql += " AND " + " AND ".join(where)
    sql += " ORDER BY a.published DESC NULLS LAST, a.id LIMIT ? OFFSET ?"
    params += [int(limit), int(offset)]
    return _rows(con.execute(sql, params))


def get_article(con: duckdb.DuckDBPyConnection, article_id: str) -> Article | None:
    """One article by id; a recorded copy's id gives the stored article's record under the copy's own
    id, source, url, title and date."""
    row = con.execute("SELECT record FROM articles WHERE id = ?", [article_id]).fetchone()
    if row:
        return Article.from_dict(json.loads(row[0]))
    if listing(con) == "articles":
        return None
    row = con.execute("SELECT a.record, c.source, c.url, c.title, CAST(c.published AS VARCHAR) FROM copies c "
                      "JOIN articles a ON a.id = c.article_id WHERE c.id = ?", [article_id]).fetchone()
    if not row:
        return None
    art = Article.from_dict(json.loads(row[0]))
    art.id, art.source, art.url = article_id, row[1], row[2]
    art.title, art.published = row[3] or art.title, row[4] or art.published
    return art


def story_copies(con: duckdb.DuckDBPyConnection, story_id: str) -> list[dict[str, Any]]:
    """Every copy of one story (stored articles and recorded copies), first ingested first."""
    return _rows(con.execute(
        f"SELECT {SUMMARY_COLUMNS}, ingested_at FROM {listing(con)} WHERE story_id = ? ORDER BY ingested_at, id",
        [story_id]))


def rejects(con: duckdb.DuckDBPyConnection, *, limit: int = 100) -> list[dict[str, Any]]:
    cur = con.execute("SELECT source, code, reason, rejected_at FROM rejects ORDER BY rejected_at DESC, source LIMIT ?",
                      [limit])
    return [dict(zip(("source", "code", "reason", "rejected_at"), (*r[:3], r[3].isoformat()))) for r in cur.fetchall()]


EXPORT_FORMATS = ("parquet", "csv", "jsonl")


def export(con: duckdb.DuckDBPyConnection, path: str | Path, *, fmt: str | None = None) -> int:
    """Write every stored article record to Parquet, CSV or JSON Lines; return the row count."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt == "json":
        fmt = "jsonl"
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"{path}: unknown export format {fmt!r} (use one of {', '.join(EXPORT_FORMATS)})")
    n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    target = path.as_posix().replace("'", "''")
    if fmt == "jsonl":
        with path.open("w", encoding="utf-8") as fh:
            cur = con.execute("SELECT record FROM articles ORDER BY published NULLS LAST, id")
            while rows := cur.fetchmany(1000):
                for (rec,) in rows:
                    fh.write(json.dumps(json.loads(rec), ensure_ascii=False) + "\n")
        return n
    select = (f"SELECT {SUMMARY_COLUMNS}, text, record->'entities' AS entities, record->'quotes' AS quotes, "
              "record->'dates' AS dates, record->'places' AS places, record->'events' AS events "
              "FROM articles ORDER BY published NULLS LAST, id")
    if fmt == "csv":
        select = select.replace("authors,", "array_to_string(authors, '; ') AS authors,", 1)
    opts = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER"
    con.execute(f"COPY ({select}) TO '{target}' ({opts})")
    return n


def stories(con: duckdb.DuckDBPyConnection, *, limit: int = 50) -> list[dict[str, Any]]:
    """Stories with their copies: title of the first copy, number of copies, every source."""
    cur = con.execute(
        "SELECT story_id, arg_min(title, ingested_at) AS title, min(published) AS published, count(*) AS copies, "
        "list(source ORDER BY ingested_at, id) AS sources, list(DISTINCT agency) FILTER (WHERE agency IS NOT NULL) "
        f"AS agencies FROM {listing(con)} GROUP BY story_id ORDER BY published DESC NULLS LAST, story_id LIMIT ?",
        [limit])
    return _rows(cur)


def top_entities(con: duckdb.DuckDBPyConnection, *, limit: int = 15) -> list[dict[str, Any]]:
    """Actors (people, organisations, countries, groups) by the number of stories (not copies)
    that name them, with their roles."""
    cur = con.execute(
        "SELECT name, mode(type) AS type, count(DISTINCT story_id) AS stories, "
        "list_distinct(flatten(list(roles))) AS roles FROM entities "
        "WHERE type IN ('PERSON', 'ORG', 'GPE', 'NORP') GROUP BY name "
        "ORDER BY stories DESC, name LIMIT ?", [limit])
    return _rows(cur)


def story_quotes(con: duckdb.DuckDBPyConnection, *, limit: int = 20) -> list[dict[str, Any]]:
    """Quotes, each once per story however many copies carry it."""
    cur = con.execute(
        "SELECT speaker, text, any_value(cue) AS cue, any_value(language) AS language, bool_or(direct) AS direct, "
        "story_id FROM quotes GROUP BY story_id, speaker, text ORDER BY story_id, min(start_char) LIMIT ?", [limit])
    return _rows(cur)


def event_list(con: duckdb.DuckDBPyConnection, *, limit: int = 30) -> list[dict[str, Any]]:
    """Distinct events with the number of stories and copies that report them."""
    cur = con.execute(
        "SELECT e.event_key, e.type, e.plover, e.source_name, e.target_name, e.date, e.date_basis, e.place, e.text, "
        "count(DISTINCT r.story_id) AS stories, count(DISTINCT r.article_id) AS reports FROM events e "
        "JOIN event_reports r USING (event_key) GROUP BY ALL ORDER BY e.date NULLS LAST, e.event_key LIMIT ?", [limit])
    return _rows(cur)


def place_counts(con: duckdb.DuckDBPyConnection, *, limit: int = 20) -> list[dict[str, Any]]:
    cur = con.execute(
        "SELECT name, any_value(country) AS country, any_value(lat) AS lat, any_value(lon) AS lon, "
        "count(DISTINCT story_id) AS stories FROM places GROUP BY name ORDER BY stories DESC, name LIMIT ?", [limit])
    return _rows(cur)
