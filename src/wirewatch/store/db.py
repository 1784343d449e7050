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

from ..dedup import Deduper, Verdict, band_keys
from ..errors import StoreError
from ..records import Article, Rejected
from . import coverage, search

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
    """What one transaction writes: new articles (with their dedup verdicts), copies of stored bodies
    from other sources (recorded without their text), rejects, and the sources that now read fine
    (no longer listed as rejected)."""

    articles: list[tuple[Article, Verdict]] = field(default_factory=list)
    rejects: list[Rejected] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    copies: list[tuple[Article, Verdict]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.articles) + len(self.rejects) + len(self.cleared) + len(self.copies)


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
            self._catch_up()

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for another thread (DuckDB connections are not shared across threads)."""
        cur = self.con.cursor()
        cur.execute(f"USE {CATALOG}")  # a cursor starts in the connection's in-memory home catalog
        return cur

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
    def deduper(self) -> Deduper:
        """A deduper that asks this store for the candidates of the documents it judges (by content
        hash and LSH band key) instead of holding every signature: what an update uses."""
        return Deduper(lookup=_Lookup(self))

    def load_deduper(self) -> Deduper:
        """The LSH index of every stored copy, rebuilt in memory from the signatures in the file
        (for whole-store passes such as ``wirewatch load``; an update uses ``deduper``)."""
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

    def known_ids(self, ids: list[str]) -> set[str]:
        """Which of ``ids`` are stored, as articles or as recorded copies (the same source read before)."""
        if not ids:
            return set()
        with self._values(ids) as values:
            return {i for (i,) in self.con.execute(
                f"SELECT id FROM articles WHERE id IN (SELECT v FROM {values}) "
                f"UNION SELECT id FROM copies WHERE id IN (SELECT v FROM {values})").fetchall()}

    def _catch_up(self) -> None:
        """Bring what migrations 006 and 008 added up to date with older articles: LSH band keys, the
        search index and coverage clusters (a no-op, costing a few counts, on a store that is current)."""
        con = self.con
        if con.execute("SELECT (SELECT count(*) FROM articles) > 0 AND NOT EXISTS (SELECT 1 FROM lsh_bands)"
                       ).fetchone()[0]:
            cur = con.execute("SELECT id, minhash, n_shingles FROM articles WHERE n_shingles > 0")
            con2 = self.cursor()
            try:
                con2.execute("BEGIN")
                while rows := cur.fetchmany(5000):
                    self._insert_bands([(aid, np.frombuffer(blob, dtype=np.uint32)) for aid, blob, _ in rows],
                                       con=con2)
                con2.execute("COMMIT")
            finally:
                con2.close()
        if self.fts and search.missing_count(con) > 0:
            search.catch_up(con)
        coverage.catch_up(self)  # coverage clusters for articles stored before migration 008 (once)

    def _insert_bands(self, items: list[tuple[str, np.ndarray]], *, con=None) -> None:
        if not items:
            return
        keys = [band_keys(sig) for _, sig in items]
        table = pa.table({"key": pa.array(np.concatenate(keys), pa.uint64()),
                          "article_id": pa.array([aid for (aid, _), k in zip(items, keys) for _ in range(k.size)],
                                                 pa.string())})
        con = con or self.con
        con.register("_wirewatch_bands", table)
        try:
            con.execute("INSERT INTO lsh_bands SELECT key, article_id FROM _wirewatch_bands")
        finally:
            con.unregister("_wirewatch_bands")

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
            if batch.copies:
                self._insert_copies(batch.copies)
            if self.fts:  # search is current with this very commit (else caught up on a later open)
                search.index_documents(con, [(a.id, a.title, a.text) for a, _ in batch.articles + batch.copies])
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
                                                 "geonameid", "n_mentions", "admin1")}
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
                        lon=p.lon, geonameid=p.geonameid, n_mentions=len(p.mentions), admin1=p.admin1)
        self._insert("articles", art)
        self._insert("entities", ent)
        self._insert("quotes", quo)
        if not any(pla["admin1"]):  # no division known: the column (migration 012) is left to its default
            del pla["admin1"]
        self._insert("places", pla)
        self._insert_bands([(a.id, np.asarray(v.signature, dtype=np.uint32)) for a, v in items if v.n_shingles])
        self._insert_events(items, at)

    def _insert_copies(self, items: list[tuple[Article, Verdict]]) -> None:
        """Record copies of stored bodies from other sources: who carried it, not the text again."""
        at = now()
        self._insert("copies", {
            "id": [a.id for a, _ in items], "article_id": [v.article_id for _, v in items],
            "story_id": [v.story_id for _, v in items], "source": [a.source for a, _ in items],
            "url": [a.url for a, _ in items], "title": [a.title for a, _ in items],
            "published": [_date(a.published) for a, _ in items], "outlet": [outlet(a.url) for a, _ in items],
            "seen_at": [at + timedelta(microseconds=i) for i in range(len(items))]})

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
        """Make sure the full-text index holds every article and copy (it is kept current by each
        batch; this indexes only what is missing, e.g. batches written where the fts extension did
        not load).  False where the extension is not available."""
        if not self.fts:
            return False
        try:
            if search.missing_count(self.con) > 0:
                search.catch_up(self.con)
        except duckdb.Error as exc:
            log.warning("full-text index not brought up to date: %s", exc)
            return False
        return True

    # -- ingest runs -------------------------------------------------------------------------
    def begin_ingest(self) -> int:
        row = self.con.execute("SELECT coalesce(max(id), 0) + 1 FROM ingests").fetchone()
        self.con.execute("INSERT INTO ingests (id, started_at) VALUES (?, ?)", [row[0], now()])
        return int(row[0])

    def finish_ingest(self, ingest_id: int, counts: dict[str, int]) -> None:
        self.con.execute(
            "UPDATE ingests SET finished_at = ?, seen = ?, stored = ?, duplicates = ?, rejected = ?, copies = ?, "
            "unchanged = ? WHERE id = ?",
            [now(), counts["seen"], counts["stored"], counts["duplicates"], counts["rejected"], counts.get("copies"),
             counts.get("unchanged"), ingest_id])

    # -- feed state (conditional GET) --------------------------------------------------------
    def get(self, url: str) -> tuple[str | None, str | None] | None:
        if url in self._feed_state:
            return self._feed_state[url]
        row = self.con.execute("SELECT etag, last_modified FROM feed_state WHERE url = ?", [url]).fetchone()
        return (row[0], row[1]) if row else None

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Remember a feed's validators; they are committed with the batch holding its last items."""
        self._feed_state[url] = (etag, last_modified)


# Rows per row group of the tables (DuckDB's default is 122,880).  A table with an index (articles, coverage
# profiles, ...) takes a small append into its last row group, and the checkpoint that ends a run rewrites
# that whole row group: with the default size an update cost more the more the store held (~0.45 s of CPU
# for articles at 20,000 stored).  With small row groups it rewrites at most this many rows.  An existing
# store keeps its old row groups; what it appends from now on goes into small ones.
ROW_GROUP_ROWS = 2048
CATALOG = "store"  # the store file's name inside the connection


def _attach(path: str, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A connection whose default catalog is the store file, attached with ``ROW_GROUP_ROWS``."""
    con = duckdb.connect()
    try:
        quoted = path.replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS {CATALOG} ({'READ_ONLY, ' if read_only else ''}"
                    f"ROW_GROUP_SIZE {ROW_GROUP_ROWS})")
        con.execute(f"USE {CATALOG}")
        con.execute(f"SET temp_directory = '{quoted}.tmp'")  # as for a file opened directly (not ./.tmp)
    except BaseException:
        con.close()
        raise
    return con


def _connect(path: str, *, read_only: bool, lock_timeout: float | None) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting (up to ``lock_timeout`` s, default $WIREWATCH_LOCK_TIMEOUT or 30) while
    another process holds DuckDB's single-writer lock, e.g. `wirewatch serve` writing briefly."""
    if lock_timeout is None:
        lock_timeout = float(os.environ.get("WIREWATCH_LOCK_TIMEOUT", "30"))
    deadline = time.monotonic() + lock_timeout
    delay = 0.05
    while True:
        try:
            con = _attach(path, read_only=read_only)
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


class _Lookup:
    """The store's side of ``Deduper(lookup=...)``: candidates probed by content hash and band key."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def by_hash(self, hashes: list[str]) -> dict[str, tuple[str, str]]:
        with self.store._values(hashes) as values:
            rows = self.store.con.execute(
                "SELECT content_hash, arg_min(id, ingested_at), arg_min(story_id, ingested_at) FROM articles "
                f"WHERE content_hash IN (SELECT v FROM {values}) GROUP BY content_hash").fetchall()
        return {h: (aid, story) for h, aid, story in rows}

    def by_keys(self, keys: np.ndarray) -> list[tuple[str, np.ndarray, int]]:
        con = self.store.con
        con.register("_wirewatch_keys", pa.table({"k": pa.array(keys, pa.uint64())}))
        try:
            rows = con.execute(
                "SELECT story_id, minhash, n_shingles FROM articles WHERE id IN "
                "(SELECT article_id FROM lsh_bands WHERE key IN (SELECT k FROM _wirewatch_keys)) "
                "ORDER BY ingested_at, id").fetchall()
        finally:
            con.unregister("_wirewatch_keys")
        return [(story, np.frombuffer(blob, dtype=np.uint32), n) for story, blob, n in rows if blob]


def outlet(url: str | None) -> str | None:
    """The outlet of a copy: the host of its URL without ``www.`` (None for files)."""
    if not url:
        return None
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    return host.removeprefix("www.") or None


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
