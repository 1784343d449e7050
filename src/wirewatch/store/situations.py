"""Read-side SQL for situation reports: which articles a query selects, and what they say.

A report is built in two steps: ``select_articles`` turns a query (a country, actor or topic)
into the stored copies it concerns (a temporary table), then each section function aggregates over them.  Counting rules live here, in SQL, so every front end counts alike:

* a *story* is counted once however many copies the store holds (``story_id``);
* an *event* is counted once however many reports carry it (``events`` is one row per
  ``event_key``; ``event_reports`` lists the reports);
* a *quote* is counted once per story (copies repeat the same words).

Functions take a DuckDB connection or cursor and return plain dicts/tuples.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb


@dataclass(slots=True)
class Selection:
    """The stored copies a report covers, held in a temporary table (``id``, ``story_id``) of
    the connection: binding thousands of ids as a query parameter costs more than the query."""

    table: str
    method: str = "none"  # "names" (entities/places/actors), "fulltext" or "none"
    names: list[str] = field(default_factory=list)
    country: str | None = None
    size: int = 0


def _fold(expr: str) -> str:
    return f"lower(strip_accents({expr}))"


def _period(alias: str, since: str | None, until: str | None) -> tuple[str, list[Any]]:
    where, params = [], []
    if since:
        where.append(f"{alias}.published >= CAST(? AS DATE)")
        params.append(since)
    if until:
        where.append(f"{alias}.published <= CAST(? AS DATE)")
        params.append(until)
    return (" AND " + " AND ".join(where)) if where else "", params


def _fill(con: duckdb.DuckDBPyConnection, table: str, where: str, params: list[Any]) -> int:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS "
                f"SELECT a.id, a.story_id FROM articles a WHERE {where}", params)
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@contextmanager
def select_articles(con: duckdb.DuckDBPyConnection, names: list[str], *, country: str | None = None,
                    text: str | None = None, since: str | None = None,
                    until: str | None = None) -> Iterator[Selection]:
    """The copies whose entities, places or event actors carry one of ``names`` (case- and
    accent-insensitive; a PERSON also matches by surname), or whose places/actors are in
    ``country``; failing that, copies whose title or text contains ``text``.  The selection
    lives in a temporary table for the duration of the ``with`` block."""
    folded = sorted({n.strip().lower() for n in names if n and n.strip()})
    period, pparams = _period("a", since, until)
    sel = Selection(f"ww_sel_{uuid.uuid4().hex}", "none", folded, country)
    try:
        if folded:
            cc = [country] if country else []
            country_place = "OR p.country = ?" if country else ""
            country_actor = "OR e.source_country = ? OR e.target_country = ?" if country else ""
            hit = f"""a.id IN (
                WITH q AS (SELECT strip_accents(unnest(CAST(? AS VARCHAR[]))) AS n)
                SELECT article_id FROM entities en
                WHERE {_fold('en.name')} IN (SELECT n FROM q)
                   OR (en.type = 'PERSON' AND EXISTS (SELECT 1 FROM q WHERE {_fold('en.name')} LIKE '% ' || q.n))
                UNION
                SELECT article_id FROM places p WHERE {_fold('p.name')} IN (SELECT n FROM q) {country_place}
                UNION
                SELECT r.article_id FROM events e JOIN event_reports r USING (event_key)
                WHERE {_fold('e.source_name')} IN (SELECT n FROM q)
                   OR {_fold('e.target_name')} IN (SELECT n FROM q) {country_actor})"""
            sel.size = _fill(con, sel.table, hit + period, [folded, *cc, *(cc * 2), *pparams])
            sel.method = "names" if sel.size else "none"
        if not sel.size and text and text.strip():
            like = f"%{text.strip()}%"
            sel.size = _fill(con, sel.table, "(a.title ILIKE ? OR a.text ILIKE ?)" + period, [like, like, *pparams])
            sel.method = "fulltext" if sel.size else "none"
        if not folded and not sel.size:
            _fill(con, sel.table, "FALSE", [])
        yield sel
    finally:
        con.execute(f"DROP TABLE IF EXISTS {sel.table}")


def totals(con: duckdb.DuckDBPyConnection, sel: Selection) -> dict[str, Any]:
    """Copies, stories, events and the span of publication dates of the selection."""
    row = con.execute(f"""
        SELECT count(*), count(DISTINCT story_id), min(published), max(published)
        FROM articles WHERE id IN (SELECT id FROM {sel.table})""").fetchone()
    n_events = con.execute(f"SELECT count(DISTINCT event_key) FROM event_reports "
                           f"WHERE article_id IN (SELECT id FROM {sel.table})").fetchone()[0]
    return {"articles": row[0], "stories": row[1], "events": n_events,
            "first_published": _iso(row[2]), "last_published": _iso(row[3])}


def timeline_events(con: duckdb.DuckDBPyConnection, sel: Selection) -> list[dict[str, Any]]:
    """Distinct events reported by the selection, each once, with the earliest publication date
    of its reports (the fallback date when the event has none of its own)."""
    cur = con.execute(f"""
        WITH ev AS (SELECT DISTINCT event_key FROM event_reports WHERE article_id IN (SELECT id FROM {sel.table}))
        SELECT e.event_key, e.type, e.plover, e.source_name, e.source_country, e.source_sector,
               e.target_name, e.target_country, e.target_sector, e.date, e.date_basis, e.place, e.text,
               e.first_seen, min(a.published) AS first_published
        FROM events e JOIN ev USING (event_key)
        JOIN event_reports r USING (event_key) JOIN articles a ON a.id = r.article_id
        GROUP BY ALL""")
    return _dicts(cur)


def event_sources(con: duckdb.DuckDBPyConnection, sel: Selection, *, per_event: int = 12) -> list[dict[str, Any]]:
    """The stories that reported each event of the selection (``per_event`` earliest): the first
    copy's title/url/agency and the number of copies carrying the event."""
    cur = con.execute(f"""
        WITH ev AS (SELECT DISTINCT event_key FROM event_reports WHERE article_id IN (SELECT id FROM {sel.table})),
        g AS (SELECT r.event_key, r.story_id, count(DISTINCT r.article_id) AS copies, min(r.article_id) AS aid
              FROM event_reports r WHERE r.event_key IN (SELECT event_key FROM ev) GROUP BY 1, 2),
        j AS (SELECT g.event_key, g.story_id, g.copies, a.title, a.url, a.source, a.agency, a.published,
                     row_number() OVER (PARTITION BY g.event_key ORDER BY a.published NULLS LAST, g.story_id) AS rk,
                     count(*) OVER (PARTITION BY g.event_key) AS n_stories,
                     sum(g.copies) OVER (PARTITION BY g.event_key) AS n_reports
              FROM g JOIN articles a ON a.id = g.aid)
        SELECT * EXCLUDE (rk) FROM j WHERE rk <= ? ORDER BY event_key, rk""", [int(per_event)])
    return _dicts(cur)


def stories(con: duckdb.DuckDBPyConnection, sel: Selection, *, lead_chars: int = 400) -> list[dict[str, Any]]:
    """One row per story in the selection: first copy's metadata and lead, copy count, first
    publication date and when the store first saw it, and how many events it reported."""
    cur = con.execute(f"""
        WITH s AS (SELECT a.story_id, count(*) AS copies, arg_min(a.id, a.ingested_at) AS aid,
                          min(a.published) AS published, min(a.ingested_at) AS first_seen,
                          list(DISTINCT a.agency) FILTER (WHERE a.agency IS NOT NULL) AS agencies
                   FROM articles a WHERE a.id IN (SELECT id FROM {sel.table}) GROUP BY a.story_id),
        evs AS (SELECT story_id, count(DISTINCT event_key) AS events FROM event_reports
                WHERE article_id IN (SELECT id FROM {sel.table}) GROUP BY story_id)
        SELECT s.story_id, s.copies, a.title, a.url, a.source, a.agency, substr(a.text, 1, ?) AS lead,
               s.published, s.first_seen, s.agencies, coalesce(evs.events, 0) AS events
        FROM s JOIN articles a ON a.id = s.aid LEFT JOIN evs ON evs.story_id = s.story_id
        ORDER BY s.published NULLS LAST, s.story_id""", [int(lead_chars) * 2])
    return _dicts(cur)


def actors(con: duckdb.DuckDBPyConnection, sel: Selection, *, limit: int = 25) -> list[dict[str, Any]]:
    """Named people and organisations in the selection, by the number of stories naming them,
    with their roles (titles, functions), most frequent first."""
    cur = con.execute(f"""
        WITH en AS (SELECT name, type, story_id, n_mentions, roles FROM entities
                    WHERE article_id IN (SELECT id FROM {sel.table}) AND type IN ('PERSON', 'ORG', 'NORP', 'GPE')),
        top AS (SELECT name, mode(type) AS type, count(DISTINCT story_id) AS stories, sum(n_mentions) AS mentions
                FROM en GROUP BY name ORDER BY stories DESC, mentions DESC, name LIMIT ?),
        r AS (SELECT name, role, count(DISTINCT story_id) AS n
              FROM (SELECT name, story_id, unnest(roles) AS role FROM en WHERE name IN (SELECT name FROM top))
              GROUP BY name, role),
        rl AS (SELECT name, list(role ORDER BY n DESC, role) AS roles FROM r GROUP BY name)
        SELECT top.*, coalesce(rl.roles, []) AS roles FROM top LEFT JOIN rl USING (name)
        ORDER BY stories DESC, mentions DESC, name""", [int(limit)])
    return _dicts(cur)


def actor_event_counts(con: duckdb.DuckDBPyConnection, sel: Selection) -> dict[str, tuple[int, int]]:
    """name -> (distinct events as source, distinct events as target) within the selection."""
    rows = con.execute(f"""
        WITH ev AS (SELECT DISTINCT event_key FROM event_reports WHERE article_id IN (SELECT id FROM {sel.table})),
        e AS (SELECT * FROM events WHERE event_key IN (SELECT event_key FROM ev)),
        s AS (SELECT source_name AS name, count(*) AS n FROM e WHERE source_name IS NOT NULL GROUP BY 1),
        t AS (SELECT target_name AS name, count(*) AS n FROM e WHERE target_name IS NOT NULL GROUP BY 1)
        SELECT coalesce(s.name, t.name), coalesce(s.n, 0), coalesce(t.n, 0)
        FROM s FULL OUTER JOIN t ON s.name = t.name""").fetchall()
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}


def quotes(con: duckdb.DuckDBPyConnection, sel: Selection, *, per_speaker: int = 8,
           speakers: int = 20) -> list[dict[str, Any]]:
    """Quotes grouped by speaker, each distinct quote once per story (copies repeat it), the
    most quoted speakers first; ``per_speaker`` quotes each, earliest first."""
    cur = con.execute(f"""
        WITH d AS (
            SELECT speaker, story_id, lower(text) AS norm, count(DISTINCT article_id) AS copies,
                   min(article_id) AS aid, any_value(text) AS text, bool_or(direct) AS direct, any_value(cue) AS cue
            FROM quotes WHERE article_id IN (SELECT id FROM {sel.table}) AND speaker IS NOT NULL
            GROUP BY speaker, story_id, lower(text)),
        spk AS (SELECT speaker, count(*) AS n_quotes, count(DISTINCT story_id) AS n_stories FROM d
                GROUP BY speaker ORDER BY n_quotes DESC, speaker LIMIT ?),
        ranked AS (
            SELECT d.*, spk.n_quotes, spk.n_stories, a.title, a.url, a.agency, a.published,
                   row_number() OVER (PARTITION BY d.speaker ORDER BY a.published NULLS LAST, d.story_id, d.norm) AS rk
            FROM d JOIN spk USING (speaker) JOIN articles a ON a.id = d.aid)
        SELECT speaker, n_quotes, n_stories, story_id, text, direct, cue, title, url, agency, published, copies
        FROM ranked WHERE rk <= ?
        ORDER BY n_quotes DESC, speaker, rk""", [int(speakers), int(per_speaker)])
    out: list[dict[str, Any]] = []
    for row in _dicts(cur):
        if not out or out[-1]["speaker"] != row["speaker"]:
            out.append({"speaker": row["speaker"], "quotes_total": row["n_quotes"],
                        "stories": row["n_stories"], "quotes": []})
        out[-1]["quotes"].append({k: row[k] for k in (
            "text", "direct", "cue", "story_id", "title", "url", "agency", "published", "copies")})
    return out


def speaker_roles(con: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, list[str]]:
    """The most frequent roles of each named entity (for labelling speakers)."""
    rows = con.execute("""
        SELECT name, list(role ORDER BY n DESC, role) FROM (
            SELECT name, role, count(DISTINCT story_id) AS n
            FROM (SELECT name, story_id, unnest(roles) AS role FROM entities
                  WHERE name IN (SELECT unnest(CAST(? AS VARCHAR[]))))
            GROUP BY name, role) GROUP BY name""", [names]).fetchall()
    return {r[0]: list(r[1]) for r in rows}


def interactions(con: duckdb.DuckDBPyConnection, sel: Selection, *, limit: int = 40) -> list[dict[str, Any]]:
    """Who does what to whom: distinct events per (source, PLOVER type, target)."""
    cur = con.execute(f"""
        WITH ev AS (SELECT DISTINCT event_key FROM event_reports WHERE article_id IN (SELECT id FROM {sel.table}))
        SELECT source_name AS source, target_name AS target, plover, count(*) AS events,
               list(DISTINCT type) FILTER (WHERE type IS NOT NULL) AS types,
               min(date) AS first_date, max(date) AS last_date
        FROM events WHERE event_key IN (SELECT event_key FROM ev)
              AND plover IS NOT NULL AND (source_name IS NOT NULL OR target_name IS NOT NULL)
        GROUP BY ALL
        ORDER BY events DESC, source NULLS LAST, plover, target NULLS LAST
        LIMIT ?""", [int(limit)])
    return _dicts(cur)


def plover_totals(con: duckdb.DuckDBPyConnection, sel: Selection) -> dict[str, int]:
    rows = con.execute(f"""
        WITH ev AS (SELECT DISTINCT event_key FROM event_reports WHERE article_id IN (SELECT id FROM {sel.table}))
        SELECT coalesce(plover, '(none)'), count(*) FROM events
        WHERE event_key IN (SELECT event_key FROM ev) GROUP BY 1 ORDER BY 2 DESC, 1""").fetchall()
    return {r[0]: int(r[1]) for r in rows}


def places(con: duckdb.DuckDBPyConnection, sel: Selection, *, limit: int = 60) -> list[dict[str, Any]]:
    """Places named by the selection: stories and mentions per place, with coordinates."""
    cur = con.execute(f"""
        SELECT name, mode(country) AS country, avg(lat) AS lat, avg(lon) AS lon,
               count(DISTINCT story_id) AS stories, sum(n_mentions) AS mentions
        FROM places WHERE article_id IN (SELECT id FROM {sel.table})
        GROUP BY name
        ORDER BY stories DESC, mentions DESC, name
        LIMIT ?""", [int(limit)])
    return _dicts(cur)


def volume(con: duckdb.DuckDBPyConnection, sel: Selection) -> list[dict[str, Any]]:
    """Per publication day: new stories (a story counts once, on its first day) and copies."""
    cur = con.execute(f"""
        WITH sel AS (SELECT story_id, published FROM articles WHERE id IN (SELECT id FROM {sel.table}) AND published IS NOT NULL),
        first AS (SELECT story_id, min(published) AS day FROM sel GROUP BY story_id),
        s AS (SELECT day, count(*) AS stories FROM first GROUP BY day),
        c AS (SELECT published AS day, count(*) AS copies FROM sel GROUP BY published)
        SELECT coalesce(s.day, c.day) AS day, coalesce(s.stories, 0) AS stories, coalesce(c.copies, 0) AS copies
        FROM s FULL OUTER JOIN c ON s.day = c.day ORDER BY day""")
    return _dicts(cur)


def latest_ingest_start(con: duckdb.DuckDBPyConnection) -> tuple[datetime | None, str]:
    """When the latest ingest run started; else when the latest batch was written."""
    row = con.execute("SELECT max(started_at) FROM ingests").fetchone()
    if row and row[0] is not None:
        return row[0], "latest ingest run"
    row = con.execute("SELECT max(ingested_at) FROM articles").fetchone()
    return (row[0], "latest stored batch") if row and row[0] is not None else (None, "empty store")


def new_events(con: duckdb.DuckDBPyConnection, sel: Selection, after: datetime) -> list[str]:
    """Keys of the selection's events first stored at or after ``after``."""
    rows = con.execute(f"""
        SELECT DISTINCT e.event_key FROM events e JOIN event_reports r USING (event_key)
        WHERE r.article_id IN (SELECT id FROM {sel.table}) AND e.first_seen >= ? ORDER BY 1""", [after]).fetchall()
    return [r[0] for r in rows]


def story_first_seen(con: duckdb.DuckDBPyConnection, sel: Selection) -> dict[str, datetime]:
    """When the store first saw each story of the selection (over all its copies, selected or not)."""
    rows = con.execute(f"SELECT story_id, min(ingested_at) FROM articles "
                       f"WHERE story_id IN (SELECT story_id FROM {sel.table}) GROUP BY 1").fetchall()
    return {r[0]: r[1] for r in rows}


def _iso(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Rows as dicts, dates and timestamps as ISO strings (only those columns are converted)."""
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    if not rows:
        return []
    dated = [i for i, v in enumerate(rows[0]) if isinstance(v, (date, datetime))]
    dated += [i for i in range(len(names)) if i not in dated and any(
        isinstance(r[i], (date, datetime)) for r in rows[:50])]
    out = []
    for row in rows:
        rec = dict(zip(names, row))
        for i in dated:
            v = row[i]
            if v is not None:
                rec[names[i]] = v.isoformat()
        out.append(rec)
    return out


__all__ = [
    "Selection",
    "actor_event_counts",
    "actors",
    "event_sources",
    "interactions",
    "latest_ingest_start",
    "new_events",
    "places",
    "plover_totals",
    "quotes",
    "select_articles",
    "speaker_roles",
    "stories",
    "story_first_seen",
    "timeline_events",
    "totals",
    "volume",
]
