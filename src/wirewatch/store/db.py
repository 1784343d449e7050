"""The embedded DuckDB store: opening, migrations, and the one writer.

Every write goes through ``Store.write_batch`` in a single transaction, so a run killed at any
moment leaves the file as it was after the last committed batch; a rerun skips what is already
stored (ids and content hashes) and completes the rest.  Migrations are the numbered ``.sql``
files beside this module, applied in order and recorded in ``schema_migrations``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from ..dedup import Deduper, Verdict
from ..errors import StoreError
from ..records import Article, Rejected
from . import coverage

log = logging.getLogger(__name__)

DEFAULT_DB = "wirewatch.duckdb"
_MIGRATION = re.compile(r"^(\d{3})_[\w-]+\.sql$")


def default_path() -> str:
    """``$WIREWATCH_DB`` or ``./wirewatch.duckdb``."""
    return os.environ.get("WIREWATCH_DB") or DEFAULT_DB


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration shipped with the package, in order."""
    found = []
    for entry in resources.files(__package__).joinpath("migrations").iterdir():
        m = _MIGRATION.match(entry.name)
        if m:
            found.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass(slots=True)
class Batch:
    """What one transaction writes: new copies (with their dedup verdicts), rejects, and the
    sources that now read fine (no longer listed as rejected)."""

    articles: list[tuple[Article, Verdict]] = field(default_factory=list)
    rejects: list[Rejected] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.articles) + len(self.rejects) + len(self.cleared)


class Store:
    """A wirewatch DuckDB file.  ``Store(path)`` opens (creating and migrating) it for writing;
    ``Store(path, read_only=True)`` opens an existing file for reading only."""

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False,
                 lock_timeout: float | None = None) -> None:
        self.path = str(path or default_path())
        self.read_only = read_only
        if read_only and not Path(self.path).exists():
            raise StoreError(f"{self.path}: no such store (run `wirewatch ingest` first)")
        self.con = _connect(self.path, read_only=read_only, lock_timeout=lock_timeout)
        self.fts = _load_fts(self.con)
        self._feed_state: dict[str, tuple[str | None, str | None]] = {}  # written with the next batch
        if not read_only:
            self.migrate()

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for another thread (DuckDB connections are not shared across threads)."""
        return self.con.cursor()

    def migrate(self) -> list[int]:
        """Apply the migrations this file has not seen yet; return their versions."""
        con = self.con
        con.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                    "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)")
        done = {v for (v,) in con.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        for version, name, sql in migrations():
            if version in done:
                continue
            con.execute("BEGIN")
            try:
                con.execute(sql)
                con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, now()])
                con.execute("COMMIT")
            except duckdb.Error as exc:
                con.execute("ROLLBACK")
                raise StoreError(f"{self.path}: migration {name} failed: {exc}") from exc
            applied.append(version)
            log.info("applied migration %s", name)
        return applied

    def schema_version(self) -> int:
        row = self.con.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    # -- dedup state -------------------------------------------------------------------------
    def load_deduper(self) -> Deduper:
        """The LSH index of every stored copy, rebuilt from the signatures in the file."""
        dd = Deduper()
        rows = self.con.execute(
            "SELECT id, story_id, content_hash, minhash, n_shingles FROM articles ORDER BY ingested_at, id"
        ).fetchall()
        for aid, story, chash, blob, n in rows:
            sig = np.frombuffer(blob, dtype=np.uint32) if blob else np.zeros(0, dtype=np.uint32)
            dd.add(aid, story, chash, sig, n)
        return dd

    def has_article(self, article_id: str) -> bool:
        return self.con.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone() is not None

    # -- writing -----------------------------------------------------------------------------
    def write_batch(self, batch: Batch) -> None:
        """Write one batch of articles and rejects, with the feed validators remembered since the
        last batch, in a single transaction: a feed is marked as read only once its items are stored."""
        if not len(batch) and not self._feed_state:
            return
        con = self.con
        con.execute("BEGIN")
        try:
            if batch.articles:
                coverage.assign(self, batch.articles, at=now())  # coverage clusters and happenings (issue 12)
                self._insert_articles(batch.articles)
            if batch.rejects:
                self._upsert_rejects(batch.rejects)
            if batch.cleared:
                self.forget_rejects(batch.cleared)
            for url, (etag, modified) in self._feed_state.items():
                con.execute("INSERT OR REPLACE INTO feed_state VALUES (?, ?, ?, ?)", [url, etag, modified, now()])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        self._feed_state.clear()

    @contextmanager
    def _values(self, values: list[str]) -> Iterator[str]:
        """A one-column view ``v`` over ``values``: binding a long Python list as a parameter makes
        DuckDB inspect every element (importing pandas for each), far slower than an Arrow view."""
        self.con.register("_wirewatch_values", pa.table({"v": pa.array(values, pa.string())}))
        try:
            yield "_wirewatch_values"
        finally:
            self.con.unregister("_wirewatch_values")

    def _insert(self, table: str, rows: dict[str, list]) -> None:
        if not rows or not next(iter(rows.values())):
            return
        cols = ", ".join(f'"{c}"' for c in rows)
        # an explicitly registered view: DuckDB's replacement scan would probe every local variable
        # (trying to import pandas for each), which cost more than the insert itself
        self.con.register("_wirewatch_rows", pa.table(rows))
        try:
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _wirewatch_rows")
        finally:
            self.con.unregister("_wirewatch_rows")

    def _insert_articles(self, items: list[tuple[Article, Verdict]]) -> None:
        at = now()
        art: dict[str, list] = {k: [] for k in (
            "id", "story_id", "coverage_id", "source", "url", "title", "authors", "agency", "dateline", "published",
            "language", "text", "content_hash", "n_shingles", "minhash", "record", "ingested_at")}
        ent: dict[str, list] = {k: [] for k in ("article_id", "story_id", "name", "type", "roles", "n_mentions")}
        quo: dict[str, list] = {k: [] for k in ("article_id", "story_id", "speaker", "text", "start_char",
                                                 "end_char", "cue", "direct", "language")}
        pla: dict[str, list] = {k: [] for k in ("article_id", "story_id", "name", "country", "lat", "lon",
                                                 "geonameid", "n_mentions")}
        for a, v in items:
            a.story_id = v.story_id
            a.coverage_id = a.coverage_id or a.story_id  # until a coverage cluster says otherwise
            for k in ("id", "story_id", "coverage_id", "source", "url", "title", "authors", "agency", "dateline",
                      "language", "text"):
                art[k].append(getattr(a, k))
            art["published"].append(_date(a.published))
            art["content_hash"].append(v.hash)
            art["n_shingles"].append(v.n_shingles)
            art["minhash"].append(np.asarray(v.signature, dtype=np.uint32).tobytes())
            art["record"].append(json.dumps(a.to_dict(), ensure_ascii=False))
            art["ingested_at"].append(at + timedelta(microseconds=len(art["ingested_at"])))  # keeps arrival order
            for e in a.entities:
                _append(ent, article_id=a.id, story_id=a.story_id, name=e.name, type=e.type,
                        roles=list(e.roles), n_mentions=len(e.mentions))
            for q in a.quotes:
                _append(quo, article_id=a.id, story_id=a.story_id, speaker=q.speaker, text=q.text,
                        start_char=q.start, end_char=q.end, cue=q.cue, direct=q.direct, language=q.language)
            for p in a.places:
                _append(pla, article_id=a.id, story_id=a.story_id, name=p.name, country=p.country, lat=p.lat,
                        lon=p.lon, geonameid=p.geonameid, n_mentions=len(p.mentions))
        self._insert("articles", art)
        self._insert("entities", ent)
        self._insert("quotes", quo)
        self._insert("places", pla)
        self._insert_events(items, at)

    def _insert_events(self, items: list[tuple[Article, Verdict]], at: datetime) -> None:
        keys = [(a, ev) for a, _ in items for ev in a.events]
        if not keys:
            return
        from ..nlp.events import event_key  # the one definition of "the same event"

        new: dict[str, list] = {k: [] for k in (
            "event_key", "type", "plover", "source_name", "source_country", "source_sector", "target_name",
            "target_country", "target_sector", "date", "date_basis", "place", "place_country", "text",
            "status", "confidence", "trigger", "path", "evidence", "first_article_id", "first_seen")}
        rep: dict[str, list] = {k: [] for k in ("event_key", "article_id", "story_id", "start_char", "end_char")}
        keys = [(a, ev, event_key(ev)) for a, ev in keys]
        wanted = sorted({k for _, _, k in keys})
        with self._values(wanted) as values:
            known = {k for (k,) in self.con.execute(
                f"SELECT event_key FROM events WHERE event_key IN (SELECT v FROM {values})").fetchall()}
        for a, ev, key in keys:
            if key not in known:
                known.add(key)
                src, tgt = ev.source, ev.target
                _append(new, event_key=key, type=ev.type, plover=ev.plover,
                        source_name=src.name if src else None, source_country=src.country if src else None,
                        source_sector=src.sector if src else None, target_name=tgt.name if tgt else None,
                        target_country=tgt.country if tgt else None, target_sector=tgt.sector if tgt else None,
                        date=ev.date, date_basis=ev.date_basis, place=ev.place, place_country=ev.place_country,
                        text=ev.text, status=ev.status, confidence=ev.confidence, trigger=ev.trigger, path=ev.path,
                        evidence=json.dumps([asdict(m) for m in ev.evidence], ensure_ascii=False),
                        first_article_id=a.id, first_seen=at)
            _append(rep, event_key=key, article_id=a.id, story_id=a.story_id, start_char=ev.start, end_char=ev.end)
        self._insert("events", new)
        self._insert("event_reports", rep)

    def _upsert_rejects(self, rejects: list[Rejected]) -> None:
        at = now()
        latest = {r.source: r for r in rejects}
        with self._values(list(latest)) as values:
            self.con.execute(f"DELETE FROM rejects WHERE source IN (SELECT v FROM {values})")
        self._insert("rejects", {
            "source": list(latest), "code": [r.code for r in latest.values()],
            "reason": [r.reason for r in latest.values()], "rejected_at": [at] * len(latest)})

    def forget_rejects(self, sources: list[str]) -> None:
        """A source that now reads fine is no longer listed as rejected."""
        if sources:
            with self._values(sources) as values:
                self.con.execute(f"DELETE FROM rejects WHERE source IN (SELECT v FROM {values})")

    def rebuild_search_index(self) -> bool:
        """(Re)build the BM25 full-text index over title and text, where the fts extension loads."""
        if not self.fts:
            return False
        try:
            self.con.execute("PRAGMA create_fts_index('articles', 'id', 'title', 'text', overwrite=1)")
        except duckdb.Error as exc:
            log.warning("full-text index not built: %s", exc)
            return False
        return True

    # -- ingest runs -------------------------------------------------------------------------
    def begin_ingest(self) -> int:
        row = self.con.execute("SELECT coalesce(max(id), 0) + 1 FROM ingests").fetchone()
        self.con.execute("INSERT INTO ingests (id, started_at) VALUES (?, ?)", [row[0], now()])
        return int(row[0])

    def finish_ingest(self, ingest_id: int, counts: dict[str, int]) -> None:
        self.con.execute(
            "UPDATE ingests SET finished_at = ?, seen = ?, stored = ?, duplicates = ?, rejected = ? WHERE id = ?",
            [now(), counts["seen"], counts["stored"], counts["duplicates"], counts["rejected"], ingest_id])

    # -- feed state (conditional GET) --------------------------------------------------------
    def get(self, url: str) -> tuple[str | None, str | None] | None:
        if url in self._feed_state:
            return self._feed_state[url]
        row = self.con.execute("SELECT etag, last_modified FROM feed_state WHERE url = ?", [url]).fetchone()
        return (row[0], row[1]) if row else None

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Remember a feed's validators; they are committed with the batch holding its last items."""
        self._feed_state[url] = (etag, last_modified)


def _connect(path: str, *, read_only: bool, lock_timeout: float | None) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting (up to ``lock_timeout`` s, default $WIREWATCH_LOCK_TIMEOUT or 30) while
    another process holds DuckDB's single-writer lock, e.g. `wirewatch serve` writing briefly."""
    if lock_timeout is None:
        lock_timeout = float(os.environ.get("WIREWATCH_LOCK_TIMEOUT", "30"))
    deadline = time.monotonic() + lock_timeout
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(path, read_only=read_only)
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0]
            if "lock" not in first.lower() or time.monotonic() + delay > deadline:
                raise StoreError(f"{path}: cannot open the store: {first}") from exc
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
            continue
        # no progress bar: DuckDB draws it on stdout, where `--json` output and pipes expect records
        con.execute("SET enable_progress_bar = false")
        return con


def _append(cols: dict[str, list], **values) -> None:
    for k, v in values.items():
        cols[k].append(v)


def _date(value: str | None):
    if not value:
        return None
    try:
        return datetime.strptime(value[:10], "%Y-%m-%d").date()
    except ValueError:
        return None


def _load_fts(con: duckdb.DuckDBPyConnection) -> bool:
    """Load DuckDB's fts extension from the ``duckdb-extension-fts`` package (never downloads)."""
    try:
        import duckdb_extension_fts
    except ImportError:
        return False
    base = Path(duckdb_extension_fts.__file__).parent / "extensions"
    for path in sorted(base.glob(f"v{duckdb.__version__}/fts.duckdb_extension*")):
        try:
            con.execute(f"LOAD '{path.as_posix()}'")
            return True
        except duckdb.Error as exc:
            log.info("fts extension did not load: %s", exc)
    return False
