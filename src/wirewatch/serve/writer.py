"""The server's one writer: a thread that runs queued write jobs against the store file.

DuckDB allows one writing process per file, and the server must not keep the file locked (a
``wirewatch ingest`` run from the command line has to be able to open it).  So the server opens
the store for writing only while it has write jobs to run (POST /api/ingest, watch admin, alert
delivery), runs every queued job in that one session, closes it, and tells the snapshot reader
to refresh so the next request sees the change.  When another process holds the file, the
writer waits and retries (with backoff, up to ``lock_timeout`` seconds) instead of failing.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from ..errors import StoreError
from ..store import Store

log = logging.getLogger(__name__)

T = TypeVar("T")
Job = tuple[Callable[[Store], Any], Future]

_STOP = object()


def is_lock_error(exc: BaseException) -> bool:
    """Whether opening failed because another process holds the file (worth retrying)."""
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def open_for_writing(path: str | os.PathLike, *, timeout: float, stop: threading.Event | None = None) -> Store:
    """``Store(path)``, retrying while another process holds the write lock."""
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        try:
            return Store(path)
        except StoreError as exc:
            if not is_lock_error(exc) or time.monotonic() >= deadline or (stop and stop.is_set()):
                raise
            log.debug("store busy (%s); retrying in %.2fs", exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


class Writer:
    """Runs ``fn(store)`` jobs one after another in a dedicated thread (see the module docstring)."""

    def __init__(self, db_path: str | os.PathLike, *, on_write: Callable[[], None] | None = None,
                 lock_timeout: float = 120.0) -> None:
        self.db_path = Path(db_path)
        self.on_write = on_write
        self.lock_timeout = lock_timeout
        self._queue: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wirewatch-writer", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[[Store], T]) -> Future[T]:
        """Queue a write job; the future holds its result (or its exception)."""
        if self._stop.is_set():
            raise StoreError("the server is shutting down")
        fut: Future[T] = Future()
        self._queue.put((fn, fut))
        return fut

    def run(self, fn: Callable[[Store], T], *, timeout: float | None = None) -> T:
        """Queue a job and wait for its result."""
        return self.submit(fn).result(timeout=timeout)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            jobs = [item]
            while True:  # run everything already queued in one session
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is _STOP:
                    self._queue.put(_STOP)
                    break
                jobs.append(nxt)
            self._session(jobs)

    def _session(self, jobs: list[Job]) -> None:
        live = [(fn, fut) for fn, fut in jobs if fut.set_running_or_notify_cancel()]
        if not live:
            return
        try:
            store = open_for_writing(self.db_path, timeout=self.lock_timeout, stop=self._stop)
        except Exception as exc:  # noqa: BLE001 - every waiting caller gets the reason
            for _, fut in live:
                fut.set_exception(exc)
            return
        outcomes: list[tuple[Future, bool, Any]] = []
        try:
            for fn, fut in live:
                try:
                    outcomes.append((fut, True, fn(store)))
                except BaseException as exc:  # noqa: BLE001 - handed to the caller
                    outcomes.append((fut, False, exc))
        finally:
            store.close()
        if self.on_write:  # before answering, so a caller reads its own write
            try:
                self.on_write()
            except Exception:  # noqa: BLE001
                log.exception("refresh after write failed")
        for fut, ok, value in outcomes:
            if ok:
                fut.set_result(value)
            else:
                fut.set_exception(value)

    def close(self, *, timeout: float = 30.0) -> None:
        self._stop.set()
        self._queue.put(_STOP)
        self._thread.join(timeout=timeout)
