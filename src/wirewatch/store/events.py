"""The event table: one row per distinct event, as researchers use event data (see docs/codebook.md).

``events`` holds one row per ``event_key`` however many reports carry it; ``event_reports``
lists every report (article, story, offsets).  This module turns them into the flat table of
the codebook, with the same filters everywhere (CLI ``wirewatch events`` / ``export --table
events``, ``/api/events``, situation downloads):

* ``since``/``until`` bound the event's own date (a month or year-level date overlaps a day
  range when any of its days do; an event with no date of its own falls back to the first
  report's publication day, and ``date_basis`` says so);
* ``type``/``plover`` are codes; ``country`` is the ISO code of the place or of either actor;
* ``selection`` (a temporary table of article ids from ``store.situations``) keeps the events
  reported by the articles a query selects (the situation's events).

It also exports the other tables (articles live in ``queries.export``): quotes and entities,
one row per item and copy.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from ..errors import UsageError

COLUMNS = ("event_id", "date", "date_basis", "status", "event_type", "plover", "actor1", "actor1_country",
           "actor1_sector", "actor2", "actor2_country", "actor2_sector", "place", "admin1", "country", "latitude",
           "longitude", "geonameid", "reports", "stories", "outlets", "first_reported", "last_reported",
           "confidence", "trigger", "path", "evidence", "evidence_language", "evidence_start", "evidence_end",
           "article_id", "story_id", "coverage_id", "urls")
TABLES = ("articles", "events", "quotes", "entities")
FORMATS = ("csv", "parquet", "jsonl", "geojson")
SORTS = {"date": "date NULLS LAST, event_id", "-date": "date DESC NULLS LAST, event_id",
         "reports": "reports DESC, date NULLS LAST, event_id", "first_reported": "first_reported, event_id"}

# The outlet of a report: its URL's host (www. dropped), else the source's host, else the wire agency,
# else the source as given (a file).
_OUTLET = ("coalesce(nullif(regexp_extract(a.url, '^[a-zA-Z]+://(www\\.)?([^/:?#]+)', 2), ''), "
           "nullif(regexp_extract(a.source, '^[a-zA-Z]+://(www\\.)?([^/:?#]+)', 2), ''), a.agency, a.source)")


@dataclass(slots=True)
class Filters:
    """What to keep (every value already checked by ``wirewatch.validation``)."""

    since: str | None = None
    until: str | None = None
    type: str | None = None
    plover: str | None = None
    country: str | None = None
    status: str | None = None
    selection: str | None = None  # a temporary table with an ``id`` column of article ids
    event_id: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        where, params = [], []
        if self.selection:
            where.append(f"t.event_id IN (SELECT DISTINCT event_key FROM event_reports "
                         f"WHERE article_id IN (SELECT id FROM {self.selection}))")
        if self.event_id:
            where.append("t.event_id = ?")
            params.append(self.event_id)
        if self.since:
            where.append("t.date_end >= ?")
            params.append(self.since)
        if self.until:
            where.append("t.date_start <= ?")
            params.append(self.until)
        if self.type:
            where.append("upper(t.event_type) = ?")
            params.append(self.type.upper())
        if self.plover:
            where.append("upper(t.plover) = ?")
            params.append(self.plover.upper())
        if self.country:
            where.append("(t.country = ? OR t.actor1_country = ? OR t.actor2_country = ?)")
            params += [self.country.upper()] * 3
        if self.status:
            where.append("t.status = ?")
            params.append(self.status)
        return (" WHERE " + " AND ".join(where)) if where else "", params


def _table_sql() -> str:
    """Every distinct event as a codebook row, plus ``date_start``/``date_end`` for period filters."""
    return f"""
    WITH rep AS (
        SELECT r.event_key, count(DISTINCT r.article_id) AS reports, count(DISTINCT r.story_id) AS stories,
               count(DISTINCT {_OUTLET}) AS outlets, min(a.published) AS first_reported,
               max(a.published) AS last_reported,
               list(DISTINCT a.url ORDER BY a.url) FILTER (WHERE a.url IS NOT NULL) AS urls
        FROM event_reports r JOIN articles a ON a.id = r.article_id GROUP BY r.event_key),
    first AS (
        SELECT r.event_key, min(r.start_char) AS evidence_start, min(r.end_char) AS evidence_end
        FROM event_reports r JOIN events e ON e.event_key = r.event_key AND r.article_id = e.first_article_id
        GROUP BY r.event_key),
    geo_own AS (
        SELECT e.event_key, first(p.lat ORDER BY p.geonameid NULLS LAST) AS lat,
               first(p.lon ORDER BY p.geonameid NULLS LAST) AS lon,
               first(p.geonameid ORDER BY p.geonameid NULLS LAST) AS geonameid,
               first(p.admin1 ORDER BY p.geonameid NULLS LAST) AS admin1
        FROM events e JOIN event_reports r ON r.event_key = e.event_key
        JOIN places p ON p.article_id = r.article_id AND p.name = e.place
        WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL GROUP BY e.event_key),
    geo_any AS (
        SELECT p.name, first(p.lat ORDER BY p.geonameid NULLS LAST) AS lat,
               first(p.lon ORDER BY p.geonameid NULLS LAST) AS lon,
               first(p.geonameid ORDER BY p.geonameid NULLS LAST) AS geonameid,
               first(p.admin1 ORDER BY p.geonameid NULLS LAST) AS admin1
        FROM places p WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL
          AND p.name IN (SELECT place FROM events WHERE place IS NOT NULL) GROUP BY p.name),
    base AS (
        SELECT e.event_key AS event_id,
               coalesce(e.date, strftime(rep.first_reported, '%Y-%m-%d')) AS date,
               CASE WHEN e.date IS NULL AND rep.first_reported IS NOT NULL THEN 'published'
                    ELSE e.date_basis END AS date_basis,
               coalesce(e.status, 'reported') AS status, e.type AS event_type, e.plover,
               e.source_name AS actor1, e.source_country AS actor1_country, e.source_sector AS actor1_sector,
               e.target_name AS actor2, e.target_country AS actor2_country, e.target_sector AS actor2_sector,
               e.place, coalesce(go.admin1, ga.admin1) AS admin1, e.place_country AS country,
               coalesce(go.lat, ga.lat) AS latitude, coalesce(go.lon, ga.lon) AS longitude,
               coalesce(go.geonameid, ga.geonameid) AS geonameid,
               rep.reports, rep.stories, rep.outlets,
               strftime(rep.first_reported, '%Y-%m-%d') AS first_reported,
               strftime(rep.last_reported, '%Y-%m-%d') AS last_reported,
               e.confidence, e.trigger, e.path, e.text AS evidence, fa.language AS evidence_language,
               first.evidence_start, first.evidence_end,
               e.first_article_id AS article_id, fa.story_id, fa.coverage_id, rep.urls
        FROM events e JOIN rep ON rep.event_key = e.event_key
        LEFT JOIN first ON first.event_key = e.event_key
        LEFT JOIN articles fa ON fa.id = e.first_article_id
        LEFT JOIN geo_own go ON go.event_key = e.event_key
        LEFT JOIN geo_any ga ON ga.name = e.place),
    t AS (
        SELECT *,
               CASE WHEN length(date) = 10 THEN date WHEN length(date) = 7 THEN date || '-01'
                    WHEN length(date) = 4 THEN date || '-01-01' ELSE date END AS date_start,
               CASE WHEN length(date) = 10 THEN date WHEN length(date) = 7 THEN date || '-31'
                    WHEN length(date) = 4 THEN date || '-12-31' ELSE date END AS date_end
        FROM base)"""


def _select(filters: Filters, order: str = "date") -> tuple[str, list[Any]]:
    where, params = filters.where()
    cols = ", ".join(f"t.{c}" for c in COLUMNS)
    return f"{_table_sql()} SELECT {cols} FROM t{where} ORDER BY {SORTS.get(order, SORTS['date'])}", params


def count(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> int:
    where, params = (filters or Filters()).where()
    return int(con.execute(f"{_table_sql()} SELECT count(*) FROM t{where}", params).fetchone()[0])


def rows(con: duckdb.DuckDBPyConnection, filters: Filters | None = None, *, limit: int | None = None,
         offset: int = 0, order: str = "date") -> list[dict[str, Any]]:
    """The codebook rows (dicts, JSON-ready) that ``filters`` keep, paged."""
    sql, params = _select(filters or Filters(), order)
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [_jsonable(dict(zip(names, r))) for r in cur.fetchall()]


def page(con: duckdb.DuckDBPyConnection, filters: Filters | None = None, *, limit: int = 50, offset: int = 0,
         order: str = "date") -> dict[str, Any]:
    """One page of rows with the total, so every list can say "showing N of M"."""
    filters = filters or Filters()
    items = rows(con, filters, limit=limit, offset=offset, order=order)
    return {"total": count(con, filters), "count": len(items), "limit": limit, "offset": offset, "events": items}


def get(con: duckdb.DuckDBPyConnection, event_id: str) -> dict[str, Any] | None:
    """One event's row, with every report (article, story, offsets, title, url, published)."""
    found = rows(con, Filters(event_id=event_id), limit=1)
    if not found:
        return None
    row = found[0]
    cur = con.execute(
        "SELECT r.article_id, r.story_id, r.start_char, r.end_char, a.title, a.url, a.source, a.agency, "
        "strftime(a.published, '%Y-%m-%d') AS published, a.language "
        "FROM event_reports r JOIN articles a ON a.id = r.article_id "
        "WHERE r.event_key = ? ORDER BY a.published NULLS LAST, a.ingested_at, r.article_id", [event_id])
    names = [d[0] for d in cur.description]
    row["report_list"] = [dict(zip(names, r)) for r in cur.fetchall()]
    ev = con.execute("SELECT evidence FROM events WHERE event_key = ?", [event_id]).fetchone()
    try:
        row["evidence_sentences"] = json.loads(ev[0]) if ev and ev[0] else []
    except (TypeError, ValueError):
        row["evidence_sentences"] = []
    return row


def of_articles(con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """article id -> the events it reports (event id, offsets, type, actors), for article and story pages."""
    if not article_ids:
        return {}
    cur = con.execute(
        "SELECT r.article_id, r.event_key, r.start_char, r.end_char, e.type, e.plover, e.source_name, "
        "e.target_name, e.date, e.place, e.text FROM event_reports r JOIN events e USING (event_key) "
        "WHERE r.article_id IN (SELECT unnest(CAST(? AS VARCHAR[]))) ORDER BY r.article_id, r.start_char",
        [list(article_ids)])
    out: dict[str, list[dict[str, Any]]] = {}
    for r in cur.fetchall():
        out.setdefault(r[0], []).append(dict(zip(
            ("article_id", "event_id", "start", "end", "type", "plover", "actor1", "actor2", "date", "place",
             "evidence"), r)))
    return out


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    if row.get("urls") is None:
        row["urls"] = []
    if row.get("confidence") is not None:
        row["confidence"] = round(float(row["confidence"]), 4)
    return row


# -- export ------------------------------------------------------------------------------------
def export_format(path: str | Path, fmt: str | None, *, table: str) -> str:
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    fmt = {"json": "jsonl", "ndjson": "jsonl"}.get(fmt, fmt)
    if table not in TABLES:
        raise UsageError(f"--table is one of {', '.join(TABLES)}, not {table!r}")
    allowed = FORMATS if table == "events" else FORMATS[:3]
    if fmt not in allowed:
        raise UsageError(f"{path}: unknown export format {fmt!r} for the {table} table "
                         f"(use one of {', '.join('.' + f for f in allowed)})")
    return fmt


def export(con: duckdb.DuckDBPyConnection, path: str | Path, *, table: str = "events", fmt: str | None = None,
           filters: Filters | None = None) -> int:
    """Write the events, quotes or entities table to CSV, Parquet, JSON Lines or (events) GeoJSON;
    return the number of rows (GeoJSON: features) written."""
    path = Path(path)
    fmt = export_format(path, fmt, table=table)
    if table == "events":
        sql, params = _select(filters or Filters())
    elif table == "quotes":
        sql, params = _quotes_sql(), []
    elif table == "entities":
        sql, params = _entities_sql(), []
    else:
        raise UsageError("articles are exported by store.queries.export")
    if fmt == "geojson":
        data = geojson(rows(con, filters or Filters()))
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return len(data["features"])
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    n = 0
    if fmt == "parquet":
        table_ = cur.fetch_arrow_table()
        import pyarrow.parquet as pq  # noqa: PLC0415

        pq.write_table(table_, str(path))
        return table_.num_rows
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh) if fmt == "csv" else None
        if writer:
            writer.writerow(names)
        while batch := cur.fetchmany(2000):
            for r in batch:
                n += 1
                rec = dict(zip(names, r))
                if writer:
                    writer.writerow([_cell(rec[k]) for k in names])
                else:
                    fh.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
    return n


def _cell(value: Any) -> Any:
    """A CSV cell: lists as ``a; b``, None as empty."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return value


def geojson(items: list[dict[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection with one Point per event that has coordinates (RFC 7946: lon, lat)."""
    features = []
    for row in items:
        if row.get("latitude") is None or row.get("longitude") is None:
            continue
        props = {k: v for k, v in row.items() if k not in ("latitude", "longitude")}
        features.append({"type": "Feature", "id": row["event_id"],
                         "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _quotes_sql() -> str:
    return ("SELECT q.article_id, q.story_id, a.coverage_id, strftime(a.published, '%Y-%m-%d') AS published, "
            "a.url, a.title, q.speaker, q.text, q.cue, q.direct, q.language, q.start_char, q.end_char "
            "FROM quotes q JOIN articles a ON a.id = q.article_id ORDER BY a.published NULLS LAST, q.article_id, "
            "q.start_char")


def _entities_sql() -> str:
    return ("SELECT e.article_id, e.story_id, strftime(a.published, '%Y-%m-%d') AS published, e.name, e.type, "
            "e.roles, e.n_mentions FROM entities e JOIN articles a ON a.id = e.article_id "
            "ORDER BY a.published NULLS LAST, e.article_id, e.name")


__all__ = ["COLUMNS", "FORMATS", "TABLES", "Filters", "count", "export", "geojson", "get", "of_articles", "page",
           "rows"]
