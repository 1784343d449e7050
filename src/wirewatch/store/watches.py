"""SQL of the alerts stage: watches, subscribers, deliveries, dead letters and alert keys.

Functions take a DuckDB connection or cursor (``store.con``, or ``store.cursor()`` from another
thread) and plain values; the alerts package builds its records from the rows.  Deliveries are
keyed by (watch, subscriber, story): inserting one that exists does nothing, which is what makes
"once per story, never per copy" hold whatever order copies arrive in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from .db import now

SUBSCRIBER_COLUMNS = ("id", "watch_id", "kind", "target", "token", "created_at", "active", "dropped_reason",
                      "secret", "p256dh", "auth", "allow_private", "last_digest_at")
_SUB_SELECT = ", ".join(f"s.{c}" for c in SUBSCRIBER_COLUMNS)


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


# -- watches -----------------------------------------------------------------------------------
def insert_watch(con: duckdb.DuckDBPyConnection, *, id: str, name: str, query: str, digest: str | None) -> dict:
    at = now()
    con.execute("INSERT INTO watches (id, name, query, digest, created_at) VALUES (?, ?, ?, ?, ?)",
                [id, name, query, digest, at])
    return {"id": id, "name": name, "query": query, "digest": digest, "created_at": at}


def find_watch(con: duckdb.DuckDBPyConnection, ref: str) -> dict | None:
    """A watch by id or by name."""
    rows = _dicts(con.execute("SELECT id, name, query, digest, created_at FROM watches WHERE id = ? OR name = ? "
                              "ORDER BY (id = ?) DESC LIMIT 1", [ref, ref, ref]))
    return rows[0] if rows else None


def all_watches(con: duckdb.DuckDBPyConnection) -> list[dict]:
    return _dicts(con.execute("SELECT id, name, query, digest, created_at FROM watches ORDER BY created_at, id"))


def delete_watch(con: duckdb.DuckDBPyConnection, watch_id: str) -> None:
    """Remove a watch with its subscribers and its not-yet-sent deliveries (history of sent ones stays)."""
    con.execute("BEGIN")
    try:
        con.execute("DELETE FROM deliveries WHERE watch_id = ? AND status IN ('pending', 'digest')", [watch_id])
        con.execute("DELETE FROM subscribers WHERE watch_id = ?", [watch_id])
        con.execute("DELETE FROM watches WHERE id = ?", [watch_id])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


# -- subscribers -------------------------------------------------------------------------------
def subscribers(con: duckdb.DuckDBPyConnection, *, watch_id: str | None = None,
                active_only: bool = False) -> list[dict]:
    where, params = [], []
    if watch_id:
        where.append("s.watch_id = ?")
        params.append(watch_id)
    if active_only:
        where.append("s.active")
    sql = f"SELECT {_SUB_SELECT} FROM subscribers s"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return _dicts(con.execute(sql + " ORDER BY s.created_at, s.id", params))


def find_subscriber(con: duckdb.DuckDBPyConnection, *, watch_id: str, kind: str, target: str) -> dict | None:
    rows = _dicts(con.execute(f"SELECT {_SUB_SELECT} FROM subscribers s WHERE watch_id = ? AND kind = ? "
                              "AND target = ?", [watch_id, kind, target]))
    return rows[0] if rows else None


def insert_subscriber(con: duckdb.DuckDBPyConnection, row: dict) -> dict:
    row = {**row, "created_at": row.get("created_at") or now(), "active": True, "dropped_reason": None,
           "last_digest_at": None}
    cols = [c for c in SUBSCRIBER_COLUMNS if c in row]
    con.execute(f"INSERT INTO subscribers ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [row[c] for c in cols])
    return row


def insert_subscribers(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """Insert many subscribers at once (imports, benchmarks); rows as for ``insert_subscriber``."""
    if not rows:
        return
    at = now()
    cols = [c for c in SUBSCRIBER_COLUMNS if c not in ("active", "dropped_reason", "last_digest_at")]
    data = {c: [r.get(c) for r in rows] for c in cols}
    data["created_at"] = [r.get("created_at") or at for r in rows]
    data["allow_private"] = [bool(r.get("allow_private")) for r in rows]
    tab = pa.table(data)  # noqa: F841 - used in SQL
    con.execute(f"INSERT INTO subscribers ({', '.join(cols)}) SELECT {', '.join(cols)} FROM tab")


def update_subscriber(con: duckdb.DuckDBPyConnection, sub_id: str, **values: Any) -> None:
    """Refresh a subscriber that subscribes again (new keys/secret) and make it active."""
    sets = ", ".join(f"{k} = ?" for k in values)
    con.execute(f"UPDATE subscribers SET {sets}, active = TRUE, dropped_reason = NULL WHERE id = ?",
                [*values.values(), sub_id])


def delete_subscriber_by_token(con: duckdb.DuckDBPyConnection, token: str) -> bool:
    """Unsubscribe: forget the endpoint and cancel what it has not been sent yet."""
    row = con.execute("SELECT id FROM subscribers WHERE token = ?", [token]).fetchone()
    if not row:
        return False
    con.execute("BEGIN")
    try:
        con.execute("DELETE FROM deliveries WHERE subscriber_id = ? AND status IN ('pending', 'digest')", [row[0]])
        con.execute("DELETE FROM subscribers WHERE id = ?", [row[0]])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return True


def drop_subscribers(con: duckdb.DuckDBPyConnection, dropped: dict[str, str]) -> None:
    """Deactivate subscribers whose endpoint is gone (push 404/410), with the reason; cancel their queue."""
    if not dropped:
        return
    ids = list(dropped)
    tab = pa.table({"id": ids, "reason": [dropped[i] for i in ids]})  # noqa: F841 - used in SQL
    con.execute("UPDATE subscribers SET active = FALSE, dropped_reason = tab.reason FROM tab "
                "WHERE subscribers.id = tab.id")
    con.execute("UPDATE deliveries SET status = 'cancelled' WHERE subscriber_id IN (SELECT unnest(?)) "
                "AND status IN ('pending', 'digest')", [ids])


def mark_digest_sent(con: duckdb.DuckDBPyConnection, sub_ids: list[str], at: datetime) -> None:
    if sub_ids:
        con.execute("UPDATE subscribers SET last_digest_at = ? WHERE id IN (SELECT unnest(?))", [at, sub_ids])


# -- deliveries --------------------------------------------------------------------------------
def story_first_seen(con: duckdb.DuckDBPyConnection, story_ids: list[str]) -> dict[str, datetime]:
    """When each story's first copy was stored (a subscriber is told of stories newer than itself)."""
    if not story_ids:
        return {}
    rows = con.execute("SELECT story_id, min(ingested_at) FROM articles WHERE story_id IN (SELECT unnest(?)) "
                       "GROUP BY story_id", [story_ids]).fetchall()
    return dict(rows)


def record_deliveries(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> set[tuple[str, str, str]]:
    """Insert new deliveries (``item`` a dict or its JSON); return the (watch, subscriber, story) keys
    that were new."""
    if not rows:
        return set()
    at = now()
    tab = pa.table({  # noqa: F841 - used in SQL
        "watch_id": [r["watch_id"] for r in rows], "subscriber_id": [r["subscriber_id"] for r in rows],
        "story_id": [r["story_id"] for r in rows], "article_id": [r["article_id"] for r in rows],
        "item": [r["item"] if isinstance(r["item"], str) else json.dumps(r["item"], ensure_ascii=False)
                 for r in rows], "status": [r["status"] for r in rows],
        "created_at": [at] * len(rows)})
    got = con.execute(
        "INSERT INTO deliveries (watch_id, subscriber_id, story_id, article_id, item, status, created_at) "
        "SELECT watch_id, subscriber_id, story_id, article_id, item, status, created_at FROM tab "
        "ON CONFLICT DO NOTHING RETURNING watch_id, subscriber_id, story_id").fetchall()
    return {tuple(r) for r in got}


def iter_due_deliveries(con: duckdb.DuckDBPyConnection, at: datetime, *,
                        keys: set[tuple[str, str, str]] | None = None, chunk: int = 256) -> Iterator[dict]:
    """Pending immediate deliveries due at ``at`` (optionally only ``keys``), with subscriber and watch,
    fetched ``chunk`` rows at a time so that sending can start before the last row is read."""
    sql = (f"SELECT d.watch_id, d.subscriber_id, d.story_id, d.item, d.attempts, w.name AS watch_name, "
           f"w.query AS watch_query, {_SUB_SELECT} FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id "
           "JOIN watches w ON w.id = d.watch_id WHERE d.status = 'pending' AND s.active "
           "AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)")
    params: list[Any] = [at]
    if keys is not None:
        if not keys:
            return
        tab = pa.table({"w": [k[0] for k in keys], "s": [k[1] for k in keys],  # noqa: F841
                        "t": [k[2] for k in keys]})
        sql += (" AND EXISTS (SELECT 1 FROM tab WHERE tab.w = d.watch_id AND tab.s = d.subscriber_id "
                "AND tab.t = d.story_id)")
    cur = con.execute(sql + " ORDER BY d.created_at, d.subscriber_id", params)
    names = [d[0] for d in cur.description]
    while rows := cur.fetchmany(chunk):
        for row in rows:
            yield dict(zip(names, row))


def due_deliveries(con: duckdb.DuckDBPyConnection, at: datetime, *,
                   keys: set[tuple[str, str, str]] | None = None) -> list[dict]:
    """All of ``iter_due_deliveries`` as a list."""
    return list(iter_due_deliveries(con, at, keys=keys))


def subscriber_stamps(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, datetime]]:
    """(id, watch_id, created_at) of every active subscriber: all that matching needs."""
    return con.execute("SELECT id, watch_id, created_at FROM subscribers WHERE active").fetchall()


def queued_digests(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every story queued for a digest, with its subscriber and watch (period checks are the caller's)."""
    return _dicts(con.execute(
        f"SELECT d.watch_id, d.subscriber_id, d.story_id, d.item, d.attempts, d.next_attempt_at, "
        f"w.name AS watch_name, w.query AS watch_query, w.digest, {_SUB_SELECT} FROM deliveries d "
        "JOIN subscribers s ON s.id = d.subscriber_id JOIN watches w ON w.id = d.watch_id "
        "WHERE d.status = 'digest' AND s.active ORDER BY d.created_at, d.story_id"))


def finish_deliveries(con: duckdb.DuckDBPyConnection, outcomes: list[dict]) -> None:
    """Write the outcome of delivery attempts: status, attempts, next try, error, sent time."""
    if not outcomes:
        return
    tab = pa.table({k: [o.get(k) for o in outcomes] for k in (  # noqa: F841 - used in SQL
        "watch_id", "subscriber_id", "story_id", "status", "attempts", "next_attempt_at", "last_error", "sent_at")},
        schema=pa.schema([("watch_id", pa.string()), ("subscriber_id", pa.string()), ("story_id", pa.string()),
                          ("status", pa.string()), ("attempts", pa.int32()), ("next_attempt_at", pa.timestamp("us")),
                          ("last_error", pa.string()), ("sent_at", pa.timestamp("us"))]))
    con.execute(
        "UPDATE deliveries SET status = tab.status, attempts = tab.attempts, next_attempt_at = tab.next_attempt_at, "
        "last_error = tab.last_error, sent_at = tab.sent_at FROM tab WHERE deliveries.watch_id = tab.watch_id "
        "AND deliveries.subscriber_id = tab.subscriber_id AND deliveries.story_id = tab.story_id")


def add_dead_letters(con: duckdb.DuckDBPyConnection, letters: list[dict]) -> None:
    if not letters:
        return
    at = now()
    tab = pa.table({  # noqa: F841 - used in SQL
        "subscriber_id": [x["subscriber_id"] for x in letters], "kind": [x["kind"] for x in letters],
        "target": [x["target"] for x in letters], "story_ids": [x["story_ids"] for x in letters],
        "payload": [x["payload"] for x in letters], "error": [x["error"] for x in letters],
        "attempts": [x["attempts"] for x in letters], "created_at": [at] * len(letters)})
    con.execute("INSERT INTO dead_letters SELECT subscriber_id, kind, target, story_ids, payload, error, attempts, "
                "created_at FROM tab")


def dead_letters(con: duckdb.DuckDBPyConnection, *, limit: int = 100) -> list[dict]:
    return _dicts(con.execute("SELECT * FROM dead_letters ORDER BY created_at DESC LIMIT ?", [limit]))


def deliveries(con: duckdb.DuckDBPyConnection, *, watch_id: str | None = None) -> list[dict]:
    sql = ("SELECT watch_id, subscriber_id, story_id, article_id, status, attempts, last_error, created_at, "
           "sent_at FROM deliveries")
    params = []
    if watch_id:
        sql += " WHERE watch_id = ?"
        params.append(watch_id)
    return _dicts(con.execute(sql + " ORDER BY created_at, story_id, subscriber_id", params))


# -- keys --------------------------------------------------------------------------------------
def get_key(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    row = con.execute("SELECT value FROM alert_keys WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def put_key(con: duckdb.DuckDBPyConnection, name: str, value: str) -> str:
    """Store a key unless one exists; return the stored one (the first writer wins)."""
    con.execute("INSERT INTO alert_keys VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [name, value, now()])
    return get_key(con, name) or value
