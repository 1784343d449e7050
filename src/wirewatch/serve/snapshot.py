"""Readers on a private snapshot of the store, so a concurrent ingest never locks a request out.

DuckDB lets one process hold a database file for writing, and while it does, no other process
may open the file at all (not even read-only).  A server that kept the store open would lock
``wirewatch ingest`` out; a server that opened it per request would fail while an ingest runs.

So the server never reads the store file itself.  It reads a *snapshot*: a private copy of the
file (and of its write-ahead log, when there is one) taken without any lock, kept only when the
copy is coherent — the size and modification time of both files are the same before and after
the copy, so no write happened while copying and the pair is exactly what a crash at that
instant would have left on disk, which DuckDB recovers by design.  The copy is opened read-only
in this process; every request gets its own cursor on it (DuckDB connections are not shared
between threads).  A poller thread refreshes the snapshot when the files change (at most every
``min_interval`` seconds); the server's own writes force a refresh at once.  Old snapshots are
closed and deleted when the last request that uses them is done.

Each snapshot also carries the in-memory search index of its store (``store.search``), built
before the snapshot is put in service, so no request waits for it; a snapshot whose full-text
index is unchanged keeps the previous snapshot's search index, and one with new batches extends it
with their docs only (``search.extend_index``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from ..errors import StoreError
from ..store import Store, search

log = logging.getLogger(__name__)

T = TypeVar("T")
_MISS = object()
Stat = tuple[int, int] | None  # (size, mtime_ns) of a file, None when absent


def _stat(path: Path) -> Stat:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_size, st.st_mtime_ns)


@dataclass(eq=False)
class _Snap:
    """One opened copy, with the number of requests currently reading it."""

    path: Path
    store: Store
    version: tuple[Stat, Stat]
    taken_at: float
    generation: int = 0
    index: search.SearchIndex | None = None
    users: int = 0
    retired: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def release(self) -> None:
        with self.lock:
            self.users -= 1
            done = self.retired and self.users == 0
        if done:
            self.dispose()

    def retire(self) -> None:
        with self.lock:
            self.retired = True
            done = self.users == 0
        if done:
            self.dispose()

    def dispose(self) -> None:
        try:
            self.store.close()
        except duckdb.Error as exc:  # pragma: no cover - closing never matters for correctness
            log.debug("closing snapshot %s: %s", self.path, exc)
        for p in (self.path, Path(f"{self.path}.wal")):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()


class SnapshotReader:
    """Read access to ``db_path`` through coherent private copies (see the module docstring)."""

    def __init__(self, db_path: str | os.PathLike, *, workdir: str | os.PathLike | None = None,
                 min_interval: float = 0.5, copy_attempts: int = 8, cache_size: int = 512) -> None:
        self.db_path = Path(db_path)
        self.wal_path = Path(f"{self.db_path}.wal")
        self.min_interval = min_interval
        self.copy_attempts = copy_attempts
        self._own_dir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="wirewatch-snap-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._current: _Snap | None = None
        self._swap = threading.Lock()  # guards _current
        self._refresh_lock = threading.Lock()  # one copy at a time
        self._counter = 0
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self.refreshes = 0
        self.cache_size = cache_size
        self.cache_hits = 0
        self._cache: OrderedDict[tuple[int, Hashable], Any] = OrderedDict()
        self._cache_lock = threading.Lock()
        if not self.refresh(force=True):
            raise StoreError(f"{self.db_path}: could not take a coherent snapshot of the store")

    # -- reading ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _in_use(self) -> Iterator[Any]:
        """The current snapshot, kept open (not deleted by a swap) until the block ends."""
        with self._swap:
            snap = self._current
            if snap is None:
                raise StoreError("the snapshot reader is closed")
            with snap.lock:
                snap.users += 1
        try:
            yield snap
        finally:
            snap.release()

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the current snapshot for this request; the snapshot stays open until it closes."""
        with self._in_use() as snap:
            cur = snap.store.cursor()
            try:
                yield cur
            finally:
                with contextlib.suppress(duckdb.Error):
                    cur.close()

    def read(self, fn: Callable[..., T], *, key: Hashable | None = None, with_index: bool = False) -> T:
        """``fn(cursor)`` on the current snapshot (``fn(cursor, search_index)`` with ``with_index``);
        with ``key``, answered from a cache of recent results of *this* snapshot (exact: a snapshot
        never changes; a new one starts a new cache)."""
        with self._in_use() as snap:
            if key is not None:
                with self._cache_lock:
                    hit = self._cache.get((snap.generation, key), _MISS)
                    if hit is not _MISS:
                        self._cache.move_to_end((snap.generation, key))
                        self.cache_hits += 1
                        return hit
            cur = snap.store.cursor()
            try:
                value = fn(cur, snap.index) if with_index else fn(cur)
            finally:
                with contextlib.suppress(duckdb.Error):
                    cur.close()
            if key is not None:
                with self._cache_lock:
                    self._cache[(snap.generation, key)] = value
                    while len(self._cache) > self.cache_size:
                        self._cache.popitem(last=False)
            return value

    def has_search_index(self) -> bool:
        """Whether the current snapshot carries an in-memory search index (searches need no I/O)."""
        snap = self._current
        return snap is not None and snap.index is not None

    @property
    def taken_at(self) -> float:
        snap = self._current
        return snap.taken_at if snap else 0.0

    # -- refreshing ---------------------------------------------------------------------------
    def changed(self) -> bool:
        snap = self._current
        return snap is None or (_stat(self.db_path), _stat(self.wal_path)) != snap.version

    def refresh(self, *, force: bool = False) -> bool:
        """Take a new snapshot if the store changed (or ``force``); False if no coherent copy
        could be taken this time (the old snapshot stays in use)."""
        with self._refresh_lock:
            if not force and not self.changed():
                return True
            for attempt in range(self.copy_attempts):
                snap = self._try_copy()
                if snap is not None:
                    self._install(snap)
                    return True
                time.sleep(min(0.05 * (attempt + 1), 0.3))
            log.warning("%s kept changing while being copied; serving the previous snapshot", self.db_path)
            return False

    def _try_copy(self) -> _Snap | None:
        before = (_stat(self.db_path), _stat(self.wal_path))
        if before[0] is None:
            raise StoreError(f"{self.db_path}: no such store (run `wirewatch ingest` first)")
        self._counter += 1
        target = self.workdir / f"snap-{self._counter}.duckdb"
        target_wal = Path(f"{target}.wal")
        try:
            shutil.copyfile(self.db_path, target)
            if before[1] is not None:
                shutil.copyfile(self.wal_path, target_wal)
        except FileNotFoundError:  # the WAL was checkpointed away while copying
            before = None
        after = (_stat(self.db_path), _stat(self.wal_path))
        if before != after:
            for p in (target, target_wal):
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()
            return None
        try:
            store = Store(target, read_only=True)
        except StoreError as exc:
            log.info("snapshot %s did not open (%s); retrying", target, exc)
            return None
        return _Snap(target, store, after, time.time(), generation=self._counter, index=self._search_index(store))

    def _search_index(self, store: Store) -> search.SearchIndex | None:
        """The search index for a new snapshot: the current one's when the store's index is the same,
        else the current one extended with the docs indexed since (``search.extend_index``: the cost
        of the new batches, not of the store)."""
        cur = store.cursor()
        try:
            old = self._current.index if self._current is not None else None
            started = time.perf_counter()
            index = search.extend_index(cur, old)
            if index is not None and index is not old:
                log.info("search index: %d docs, %d postings in %d segment(s), %s in %.2fs", index.num_docs,
                         index.postings, len(index.segments), "extended" if old is not None else "built",
                         time.perf_counter() - started)
            return index
        except duckdb.Error as exc:  # search then falls back to building on demand
            log.warning("search index not built for %s: %s", store.path, exc)
            return None
        finally:
            with contextlib.suppress(duckdb.Error):
                cur.close()

    def _install(self, snap: _Snap) -> None:
        with self._swap:
            old, self._current = self._current, snap
        self.refreshes += 1
        with self._cache_lock:
            self._cache.clear()
        if old is not None:
            old.retire()

    # -- background poller --------------------------------------------------------------------
    def start(self) -> None:
        """Poll the store files and refresh the snapshot when they change."""
        if self._poller is None:
            self._poller = threading.Thread(target=self._poll, name="wirewatch-snapshot", daemon=True)
            self._poller.start()

    def _poll(self) -> None:
        while not self._stop.wait(self.min_interval):
            try:
                if self.changed():
                    self.refresh()
            except Exception:  # noqa: BLE001 - the poller must survive anything; requests keep the old copy
                log.exception("snapshot refresh failed")

    def close(self) -> None:
        self._stop.set()
        if self._poller is not None:
            self._poller.join(timeout=5)
        with self._swap:
            old, self._current = self._current, None
        if old is not None:
            old.retire()
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)
