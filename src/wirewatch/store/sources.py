"""SQL of followed sources (``wirewatch sources ...``, ``wirewatch follow``): the only SQL on ``sources``.

Functions take a DuckDB connection or cursor and plain values, and return plain dicts; the
``follow`` package builds its records from them.  Which items of a source were already read is
answered from ``feed_state`` (``seen_items``): the follower marks each item there through
``Store.put`` in the transaction that stores it, so a poll killed at any moment re-reads exactly
the items whose batch never committed.  Marks of items no longer listed are forgotten after a
while (``prune_marks``; marks of items still listed are confirmed, ``confirm_marks``), so the seen
set follows what the sources list now, not everything they ever listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

COLUMNS = ("id", "name", "url", "kind", "every_s", "added_at", "next_due", "last_polled", "last_status",
           "last_error", "failures", "last_new_item", "items_stored")
_SELECT = ", ".join(f"s.{c}" for c in COLUMNS)


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def insert_source(con: duckdb.DuckDBPyConnection, *, id: str, name: str, url: str, kind: str, every_s: int,
                  at: datetime) -> None:
    con.execute("INSERT INTO sources (id, name, url, kind, every_s, added_at, next_due) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [id, name, url, kind, every_s, at, at])


def update_settings(con: duckdb.DuckDBPyConnection, source_id: str, *, name: str, every_s: int) -> None:
    con.execute("UPDATE sources SET name = ?, every_s = ? WHERE id = ?", [name, every_s, source_id])


def all_sources(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return _dicts(con.execute(f"SELECT {_SELECT} FROM sources s ORDER BY s.added_at, s.id"))


def find_source(con: duckdb.DuckDBPyConnection, ref: str) -> dict[str, Any] | None:
    """A source by id, name or URL/path (the id wins)."""
    rows = _dicts(con.execute(f"SELECT {_SELECT} FROM sources s WHERE s.id = ? OR s.name = ? OR s.url = ? "
                              "ORDER BY (s.id = ?) DESC, (s.name = ?) DESC LIMIT 1", [ref, ref, ref, ref, ref]))
    return rows[0] if rows else None


def name_taken(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return con.execute("SELECT 1 FROM sources WHERE name = ?", [name]).fetchone() is not None


def delete_source(con: duckdb.DuckDBPyConnection, source_id: str) -> bool:
    before = con.execute("SELECT count(*) FROM sources WHERE id = ?", [source_id]).fetchone()[0]
    con.execute("DELETE FROM sources WHERE id = ?", [source_id])
    return bool(before)


def due_sources(con: duckdb.DuckDBPyConnection, at: datetime) -> list[dict[str, Any]]:
    """Sources whose next poll is due at ``at``, most overdue first, with their remembered
    validators (``etag``, ``last_modified``) for a conditional GET."""
    return _dicts(con.execute(
        f"SELECT {_SELECT}, f.etag, f.last_modified FROM sources s LEFT JOIN feed_state f ON f.url = s.url "
        "WHERE s.next_due <= ? ORDER BY s.next_due, s.id", [at]))


def next_due(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the next source is due (None without sources)."""
    row = con.execute("SELECT min(next_due) FROM sources").fetchone()
    return row[0] if row else None


def record_poll(con: duckdb.DuckDBPyConnection, source_id: str, *, at: datetime, status: str, error: str | None,
                failures: int, next_due: datetime, stored: int = 0, kind: str | None = None) -> None:
    """The outcome of one poll: health, next attempt, and (when items were stored) the time of the last one."""
    con.execute(
        "UPDATE sources SET last_polled = ?, last_status = ?, last_error = ?, failures = ?, next_due = ?, "
        "items_stored = items_stored + ?, last_new_item = CASE WHEN ? > 0 THEN ? ELSE last_new_item END, "
        "kind = coalesce(?, kind) WHERE id = ?",
        [at, status, error, failures, next_due, stored, stored, at, kind, source_id])


def seen_items(con: duckdb.DuckDBPyConnection, keys: Iterable[str]) -> dict[str, str | None]:
    """Of ``keys`` (item URLs, file paths), those already marked, with the mark (etag) they carry."""
    return {url: etag for url, (etag, _) in seen_marks(con, keys).items()}


def seen_marks(con: duckdb.DuckDBPyConnection, keys: Iterable[str]) -> dict[str, tuple[str | None, datetime]]:
    """Of ``keys``, those already marked: (mark, when the mark was last written or confirmed)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    con.register("_wirewatch_keys", pa.table({"k": pa.array(wanted, pa.string())}))
    try:
        rows = con.execute("SELECT f.url, f.etag, f.checked_at FROM feed_state f JOIN _wirewatch_keys k "
                           "ON f.url = k.k").fetchall()
    finally:
        con.unregister("_wirewatch_keys")
    return {url: (etag, at) for url, etag, at in rows}


def confirm_marks(con: duckdb.DuckDBPyConnection, keys: Iterable[str], *, at: datetime) -> None:
    """The items ``keys`` were listed again (still in their feed or folder): their marks are kept."""
    wanted = sorted(set(keys))
    if not wanted:
        return
    con.register("_wirewatch_keys", pa.table({"k": pa.array(wanted, pa.string())}))
    try:
        con.execute("UPDATE feed_state SET checked_at = ? WHERE url IN (SELECT k FROM _wirewatch_keys)", [at])
    finally:
        con.unregister("_wirewatch_keys")


def prune_marks(con: duckdb.DuckDBPyConnection, *, before: datetime) -> int:
    """Forget item marks last written or confirmed before ``before`` (items that left their feed long
    ago); a followed source's own validators stay.  Returns how many were forgotten."""
    row = con.execute("DELETE FROM feed_state WHERE checked_at < ? AND url NOT IN (SELECT url FROM sources)",
                      [before]).fetchone()
    return int(row[0]) if row else 0
