"""Read-side SQL for situation reports: which articles a query selects, and what they say.

A report is built in two steps: ``select_articles`` turns a query (a country, actor or topic)
into the ids of the stored copies it concerns, then each section function aggregates over those
ids.  Counting rules live here, in SQL, so every front end counts alike:

* a *story* is counted once however many copies the store holds (``story_id``);
* an *event* is counted once however many reports carry it (``events`` is one row per
  ``event_key``; ``event_reports`` lists the reports);
* a *quote* is counted once per story (copies repeat the same words).

Functions take a DuckDB connection or cursor and return plain dicts/tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb

_IDS = "(SELECT unnest(CAST(? AS VARCHAR[])))"


@dataclass(slots=True)
class Selection:
    """The stored copies a report covers and how they were found."""

    article_ids: list[str] = field(default_factory=list)
    method: str = "none"  # "names" (entities/places/actors) or "fulltext" or "none"
    names: list[str] = field(default_factory=list)
    country: str | None = None


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


def select_articles(con: duckdb.DuckDBPyConnection, names: list[str], *, country: str | None = None,
                    text: str | None = None, since: str | None = None,
                    until: str | None = None) -> Selection:
    """Ids of the copies whose entities, places or event actors carry one of ``names``
    (case- and accent-insensitive; a PERSON also matches by surname), or whose places/actors are
    in ``country``; failing that, copies whose title or text contains ``text``."""
    folded = sorted({n.strip().lower() for n in names if n and n.strip()})
    period, pparams = _period("a", since, until)
    ids: list[str] = []
    if folded:
        cc = [country] if country else []
        country_place = "OR p.country = ?" if country else ""
        country_actor = "OR e.source_country = ? OR e.target_country = ?" if country else ""
        sql = f"""
        WITH q AS (SELECT unnest(CAST(? AS VARCHAR[])) AS n),
        hit AS (
            SELECT article_id FROM entities en
            WHERE {_fold('en.name')} IN (SELECT strip_accents(n) FROM q)
               OR (en.type = 'PERSON' AND EXISTS (
                   SELECT 1 FROM q WHERE {_fold('en.name')} LIKE '% ' || strip_accents(q.n)))
            UNION
            SELECT article_id FROM places p
            WHERE {_fold('p.name')} IN (SELECT strip_accents(n) FROM q) {country_place}
            UNION
            SELECT r.article_id FROM events e JOIN event_reports r USING (event_key)
            WHERE {_fold('e.source_name')} IN (SELECT strip_accents(n) FROM q)
               OR {_fold('e.target_name')} IN (SELECT strip_accents(n) FROM q) {country_actor}
        )
        SELECT a.id FROM articles a WHERE a.id IN (SELECT article_id FROM hit) {period}
        ORDER BY a.id"""
        params = [folded, *cc, *(cc * 2), *pparams]
        ids = [r[0] for r in con.execute(sql, params).fetchall()]
        if ids:
            return Selection(ids, "names", folded, country)
    if text and text.strip():
        like = f"%{text.strip()}%"
        sql = f"SELECT a.id FROM articles a WHERE (a.title ILIKE ? OR a.text ILIKE ?) {period} ORDER BY a.id"
        ids = [r[0] for r in con.execute(sql, [like, like, *pparams]).fetchall()]
        if ids:
            return Selection(ids, "fulltext", folded, country)
    return Selection([], "none", folded, country)


def totals(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, Any]:
    """Copies, stories, events and the span of publication dates of the selection."""
    row = con.execute(f"""
        SELECT count(*), count(DISTINCT story_id), min(published), max(published)
        FROM articles WHERE id IN {_IDS}""", [ids]).fetchone()
    n_events = con.execute(f"SELECT count(DISTINCT event_key) FROM event_reports WHERE article_id IN {_IDS}",
                           [ids]).fetchone()[0]
    return {"articles": row[0], "stories": row[1], "events": n_events,
            "first_published": _iso(row[2]), "last_published": _iso(row[3])}


def timeline_events(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[dict[str, Any]]:
    """Distinct events reported by the selection, each once, with the earliest publication date
    of its reports (the fallback date when the event has none of its own)."""
    cur = con.execute(f"""
        WITH ev AS (SELECT DISTINCT event_key FROM event_reports WHERE article_id IN {_IDS})
        SELECT e.event_key, e.type, e.plover, e.source_name, e.source_country, e.source_sector,
               e.target_name, e.target_country, e.target_sector, e.date, e.date_basis, e.place, e.text,
               e.first_seen, min(a.published) AS first_published
        FROM events e JOIN ev USING (event_key)
        JOIN event_reports r USING (event_key) JOIN articles a ON a.id = r.article_id
        GROUP BY ALL""", [ids])
    return _dicts(cur)


def event_sources(con: duckdb.DuckDBPyConnection, keys: list[str]) -> list[dict[str, Any]]:
    """Every story that reported each event: its first copy's title/url/agency, the number of
    copies carrying the event, and the agencies of those copies."""
    cur = con.execute(f"""
        SELECT r.event_key, r.story_id, count(DISTINCT r.article_id) AS copies,
               arg_min(a.title, (a.ingested_at, a.id)) AS title, arg_min(a.url, (a.ingested_at, a.id)) AS url,
               arg_min(a.source, (a.ingested_at, a.id)) AS source,
               arg_min(a.agency, (a.ingested_at, a.id)) AS agency, min(a.published) AS published,
               list(DISTINCT a.agency) FILTER (WHERE a.agency IS NOT NULL) AS agencies
        FROM event_reports r JOIN articles a ON a.id = r.article_id
        WHERE r.event_key IN {_IDS}
        GROUP BY r.event_key, r.story_id
        ORDER BY r.event_key, published NULLS LAST, r.story_id""", [keys])
    return _dicts(cur)


def stories(con: duckdb.DuckDBPyConnection, ids: list[str], *, lead_chars: int = 400) -> list[dict[str, Any]]:
    """One row per story in the selection: first copy's metadata and lead, copy count, first
    publication date and when the store first saw it, and how many events it reported."""
    cur = con.execute(f"""
        WITH sel AS (SELECT * FROM articles WHERE id IN {_IDS}),
        evs AS (SELECT story_id, count(DISTINCT event_key) AS n FROM event_reports
                WHERE article_id IN (SELECT id FROM sel) GROUP BY story_id)
        SELECT s.story_id, count(*) AS copies,
               arg_min(s.title, (s.ingested_at, s.id)) AS title, arg_min(s.url, (s.ingested_at, s.id)) AS url,
               arg_min(s.source, (s.ingested_at, s.id)) AS source,
               arg_min(s.agency, (s.ingested_at, s.id)) AS agency,
               arg_min(substr(s.text, 1, ?), (s.ingested_at, s.id)) AS lead,
               min(s.published) AS published, min(s.ingested_at) AS first_seen,
               list(DISTINCT s.agency) FILTER (WHERE s.agency IS NOT NULL) AS agencies,
               coalesce(any_value(evs.n), 0) AS events
        FROM sel s LEFT JOIN evs USING (story_id)
        GROUP BY s.story_id
        ORDER BY published NULLS LAST, s.story_id""", [ids, int(lead_chars) * 2])
    return _dicts(cur)


def actors(con: duckdb.DuckDBPyConnection, ids: list[str], *, limit: int = 25) -> list[dict[str, Any]]:
    """Named people and organisations in the selection, by the number of stories naming them,
    with their roles (titles, functions) and how often they act in events."""
    cur = con.execute(f"""
        WITH en AS (SELECT * FROM entities WHERE article_id IN {_IDS}
                    AND type IN ('PERSON', 'ORG', 'NORP', 'GPE')),
        roles AS (SELECT name, role, count(DISTINCT story_id) AS n
                  FROM (SELECT name, story_id, unnest(roles) AS role FROM en) GROUP BY name, role),
        top_roles AS (SELECT name, list(role ORDER BY n DESC, role) AS roles FROM roles GROUP BY name)
        SELECT en.name, mode(en.type) AS type, count(DISTINCT en.story_id) AS stories,
               sum(en.n_mentions) AS mentions, coalesce(any_value(tr.roles), []) AS roles
        FROM en LEFT JOIN top_roles tr USING (name)
        GROUP BY en.name
        ORDER BY stories DESC, mentions DESC, en.name
        LIMIT ?""", [ids, int(limit)])
    return _dicts(cur)


def actor_event_counts(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, tuple[int, int]]:
    """name -> (distinct events as source, distinct events as target) within the selection."""
    rows = con.execute(f"""
        WITH ev AS (SELECT DISTINCT event_key FROM event_reports WHERE article_id IN {_IDS}),
        e AS (SELECT * FROM events WHERE event_key IN (SELECT event_key FROM ev)),
        s AS (SELECT source_name AS name, count(*) AS n FROM e WHERE source_name IS NOT NULL GROUP BY 1),
        t AS (SELECT target_name AS name, count(*) AS n FROM e WHERE target_name IS NOT NULL GROUP BY 1)
        SELECT coalesce(s.name, t.name), coalesce(s.n, 0), coalesce(t.n, 0)
        FROM s FULL OUTER JOIN t ON s.name = t.name""", [ids]).fetchall()
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}


def quotes(con: duckdb.DuckDBPyConnection, ids: list[str], *, per_speaker: int = 8,
           speakers: int = 20) -> list[dict[str, Any]]:
    """Quotes grouped by speaker, each distinct quote once per story (copies repeat it), the
    most quoted speakers first; ``per_speaker`` quotes each, earliest first."""
    cur = con.execute(f"""
        WITH q AS (
            SELECT q.speaker, q.story_id, q.text, q.direct, q.cue, a.title, a.url, a.agency, a.published,
                   a.ingested_at, a.id AS article_id,
                   lower(regexp_replace(q.text, '\\s+', ' ', 'g')) AS norm
            FROM quotes q JOIN articles a ON a.id = q.article_id
            WHERE q.article_id IN {_IDS} AND q.speaker IS NOT NULL),
        d AS (
            SELECT speaker, story_id, norm, count(DISTINCT article_id) AS copies,
                   arg_min(text, (ingested_at, article_id)) AS text, bool_or(direct) AS direct,
                   arg_min(cue, (ingested_at, article_id)) AS cue,
                   arg_min(title, (ingested_at, article_id)) AS title,
                   arg_min(url, (ingested_at, article_id)) AS url,
                   arg_min(agency, (ingested_at, article_id)) AS agency, min(published) AS published
            FROM q GROUP BY speaker, story_id, norm),
        ranked AS (
            SELECT *, count(*) OVER (PARTITION BY speaker) AS n_quotes,
                   count(DISTINCT story_id) OVER (PARTITION BY speaker) AS n_stories,
                   row_number() OVER (PARTITION BY speaker ORDER BY published NULLS LAST, story_id, norm) AS rk
            FROM d)
        SELECT speaker, n_quotes, n_stories, story_id, text, direct, cue, title, url, agency, published, copies
        FROM ranked WHERE rk <= ?
        ORDER BY n_quotes DESC, speaker, rk""", [ids, int(per_speaker)])
    out: list[dict[str, Any]] = []
    for row in _dicts(cur):
        if not out or out[-1]["speaker"] != row["speaker"]:
            if len(out) >= speakers:
                break
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


def interactions(con: duckdb.DuckDBPyConnection, ids: list[str], *, limit: int = 40) -> list[dict[str, Any]]:
    """Who does what to whom: distinct events per (source, PLOVER type, target)."""
    cur = con.execute(f"""
        WITH ev AS (SELECT DISTINCT event_key FROM event_reports WHERE article_id IN {_IDS})
        SELECT source_name AS source, target_name AS target, plover, count(*) AS events,
               list(DISTINCT type) FILTER (WHERE type IS NOT NULL) AS types,
               min(date) AS first_date, max(date) AS last_date
        FROM events WHERE event_key IN (SELECT event_key FROM ev)
              AND plover IS NOT NULL AND (source_name IS NOT NULL OR target_name IS NOT NULL)
        GROUP BY ALL
        ORDER BY events DESC, source NULLS LAST, plover, target NULLS LAST
        LIMIT ?""", [ids, int(limit)])
    return _dicts(cur)


def plover_totals(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, int]:
    rows = con.execute(f"""
        WITH ev AS (SELECT DISTINCT event_key FROM event_reports WHERE article_id IN {_IDS})
        SELECT coalesce(plover, '(none)'), count(*) FROM events
        WHERE event_key IN (SELECT event_key FROM ev) GROUP BY 1 ORDER BY 2 DESC, 1""", [ids]).fetchall()
    return {r[0]: int(r[1]) for r in rows}


def places(con: duckdb.DuckDBPyConnection, ids: list[str], *, limit: int = 60) -> list[dict[str, Any]]:
    """Places named by the selection: stories and mentions per place, with coordinates."""
    cur = con.execute(f"""
        SELECT name, mode(country) AS country, avg(lat) AS lat, avg(lon) AS lon,
               count(DISTINCT story_id) AS stories, sum(n_mentions) AS mentions
        FROM places WHERE article_id IN {_IDS}
        GROUP BY name
        ORDER BY stories DESC, mentions DESC, name
        LIMIT ?""", [ids, int(limit)])
    return _dicts(cur)


def volume(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[dict[str, Any]]:
    """Per publication day: new stories (a story counts once, on its first day) and copies."""
    cur = con.execute(f"""
        WITH sel AS (SELECT story_id, published FROM articles WHERE id IN {_IDS} AND published IS NOT NULL),
        first AS (SELECT story_id, min(published) AS day FROM sel GROUP BY story_id),
        s AS (SELECT day, count(*) AS stories FROM first GROUP BY day),
        c AS (SELECT published AS day, count(*) AS copies FROM sel GROUP BY published)
        SELECT coalesce(s.day, c.day) AS day, coalesce(s.stories, 0) AS stories, coalesce(c.copies, 0) AS copies
        FROM s FULL OUTER JOIN c ON s.day = c.day ORDER BY day""", [ids])
    return _dicts(cur)


def latest_ingest_start(con: duckdb.DuckDBPyConnection) -> tuple[datetime | None, str]:
    """When the latest ingest run started; else when the latest batch was written."""
    row = con.execute("SELECT max(started_at) FROM ingests").fetchone()
    if row and row[0] is not None:
        return row[0], "latest ingest run"
    row = con.execute("SELECT max(ingested_at) FROM articles").fetchone()
    return (row[0], "latest stored batch") if row and row[0] is not None else (None, "empty store")


def new_events(con: duckdb.DuckDBPyConnection, ids: list[str], after: datetime) -> list[str]:
    """Keys of the selection's events first stored at or after ``after``."""
    rows = con.execute(f"""
        SELECT DISTINCT e.event_key FROM events e JOIN event_reports r USING (event_key)
        WHERE r.article_id IN {_IDS} AND e.first_seen >= ? ORDER BY 1""", [ids, after]).fetchall()
    return [r[0] for r in rows]


def story_first_seen(con: duckdb.DuckDBPyConnection, story_ids: list[str]) -> dict[str, datetime]:
    """When the store first saw each story (over all its copies, selected or not)."""
    rows = con.execute(f"SELECT story_id, min(ingested_at) FROM articles WHERE story_id IN {_IDS} GROUP BY 1",
                       [story_ids]).fetchall()
    return {r[0]: r[1] for r in rows}


def _iso(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [{k: _iso(v) for k, v in zip(names, row)} for row in cur.fetchall()]


__all__ = [
    "Selection", "select_articles", "totals", "timeline_events", "event_sources", "stories", "actors",
    "actor_event_counts", "quotes", "speaker_roles", "interactions", "plover_totals", "places", "volume",
    "latest_ingest_start", "new_events", "story_first_seen",
]
