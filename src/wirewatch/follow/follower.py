"""The follower: poll every due source, hand new items to ``ingest``, record each source's health.

One round: read which sources are due (a short read session), list them concurrently (conditional
GETs, no store open), look up which listed items are already marked (a short read session), read
the new ones in chunks of ``chunk`` items (item pages fetched with bounded concurrency, politely),
and hand each chunk to ``wirewatch.ingest.ingest`` in a short write session: one transaction that
stores the chunk's articles together with the marks of its items (``Store.put``) and, with the
source's last chunk, its feed validators.  Alerts go out after that commit (``on_commit``).  The
store is therefore held for writing only while a chunk is written, so ``articles``, ``report``,
``ingest``, ``watch`` and ``serve`` keep working on the same file between chunks; a follower
killed at any moment re-reads, next time, exactly the items whose chunk never committed.

A source that fails (timeout, HTTP error, garbage XML, a redirect to a private address, robots.txt)
is recorded, not raised: last status and error, consecutive failures, and the next attempt after
an exponential backoff with jitter.  ``stop`` (an Event: SIGTERM/SIGINT in the CLI, shutdown in
``serve --follow``) stops new fetches at once; the chunk in hand is still written.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import duckdb

from ..errors import FETCH, INTERNAL, InputError, StoreError
from ..ingest import Summary, ingest
from ..records import Document, Rejected
from ..store import Batch, Store
from ..store import sources as sql
from ..store.db import now
from .fetcher import ROBOTS, PoliteFetcher, map_bounded
from .listing import Item, Listing, Produced, list_source

log = logging.getLogger(__name__)

T = TypeVar("T")
CHUNK = 16  # items per transaction: short write sessions, prompt alerts
WORKERS = 4  # item pages fetched at once (each host still gets at most one request a second)
MAX_BACKOFF = 6 * 3600.0
IDLE_MAX = 5.0  # look for new or newly due sources at least this often
DELIVER_EVERY = 30.0  # look for alert retries that came due (CLI follower)
KEEP_SEEN = 30 * 86400.0  # an item's mark is kept this long after the item was last listed
PRUNE_EVERY = 3600.0  # marks of items gone for longer than ``keep_seen`` are forgotten this often
_TRANSIENT = {FETCH, ROBOTS, INTERNAL}  # item failures worth another try next poll
_MISSING = object()


def backoff(every_s: float, failures: int, *, rng: random.Random | None = None) -> float:
    """Seconds until the next attempt after ``failures`` consecutive failures: the period doubled per
    failure, capped at six hours (never below the period), times a jitter of ±25 %."""
    base = min(every_s * 2.0 ** min(failures, 30), max(every_s, MAX_BACKOFF))
    return base * (rng or random).uniform(0.75, 1.25)


@dataclass
class StoreAccess:
    """How the follower reaches the store: ``read(fn(con))`` and ``write(fn(store))`` sessions."""

    read: Callable[[Callable[[Any], Any]], Any]
    write: Callable[[Callable[[Store], Any]], Any]


def file_access(db_path: str, *, lock_timeout: float | None = None) -> StoreAccess:
    """Sessions that open the store file only for their duration (waiting while another process holds
    it), one at a time in this process (DuckDB opens a file once per process, read-only or not)."""
    one_at_a_time = threading.Lock()

    def read(fn: Callable[[Any], T]) -> T:
        with one_at_a_time, Store(db_path, read_only=True, lock_timeout=lock_timeout) as store:
            return fn(store.con)

    def write(fn: Callable[[Store], T]) -> T:
        with one_at_a_time, Store(db_path, lock_timeout=lock_timeout) as store:
            return fn(store)

    return StoreAccess(read=read, write=write)


@dataclass(slots=True)
class PollReport:
    """What one poll of one source did."""

    id: str
    name: str
    url: str
    kind: str
    status: str  # ok | not_modified | error | interrupted | store_busy
    error: str | None = None
    listed: int = 0
    new: int = 0
    seen: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    failures: int = 0
    next_due: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["next_due"] = self.next_due.isoformat(timespec="seconds") + "Z" if self.next_due else None
        return d


class Follower:
    """Polls due sources into the store (see the module docstring).  ``on_poll`` hears every poll."""

    def __init__(self, access: StoreAccess, *, allow_private: bool = False, nlp: bool = True, alerts: bool = True,
                 stop: threading.Event | None = None, per_host_interval: float = 1.0, timeout: float = 10.0,
                 workers: int = WORKERS, chunk: int = CHUNK, deliver_retries: bool = True,
                 on_poll: Callable[[PollReport], None] | None = None, rng: random.Random | None = None,
                 keep_seen: float = KEEP_SEEN, prune_every: float = PRUNE_EVERY) -> None:
        self.access = access
        self.allow_private = allow_private
        self.nlp = nlp
        self.alerts = alerts
        self.stop = stop or threading.Event()
        self.workers = workers
        self.chunk = max(1, chunk)
        self.deliver_retries = deliver_retries
        self.on_poll = on_poll
        self.rng = rng or random.Random()
        self._health: list[tuple[PollReport, datetime]] = []  # recorded at the end of the round
        self.keep_seen = keep_seen
        self.prune_every = prune_every
        self._confirm: set[str] = set()  # marks of items listed again, confirmed at the end of the round
        self._last_prune: float | None = None
        self._health_lock = threading.Lock()
        self.fetcher = PoliteFetcher(allow_private=allow_private, timeout=timeout,
                                     per_host_interval=per_host_interval, stop=self.stop)

    def close(self) -> None:
        self.fetcher.close()

    # -- the loop ------------------------------------------------------------------------------
    def run(self, *, once: bool = False, store_retry: float = 2.0) -> None:
        """Poll until ``stop`` is set (or one round with ``once``)."""
        last_deliver = 0.0
        while not self.stop.is_set():
            try:
                self.poll_due()
            except StoreError as exc:
                if once:
                    raise
                log.warning("store not available (%s); trying again shortly", exc)
                self.stop.wait(store_retry)
                continue
            if once:
                return
            if self.deliver_retries and self.alerts and time.monotonic() - last_deliver >= DELIVER_EVERY:
                last_deliver = time.monotonic()
                self._deliver_due()
            self.stop.wait(self._idle())

    def _idle(self) -> float:
        try:
            nxt = self.access.read(sql.next_due)
        except (StoreError, duckdb.Error) as exc:
            log.debug("next due time unknown: %s", exc)
            return IDLE_MAX
        if nxt is None:
            return IDLE_MAX
        return min(IDLE_MAX, max(0.2, (nxt - now()).total_seconds()))

    def poll_due(self) -> list[PollReport]:
        """Poll every source due now, a few at a time (a slow or large source does not hold the others
        up; each host still gets one request a second); return what each poll did."""
        try:
            due = self.access.read(lambda con: sql.due_sources(con, now()))
        except duckdb.CatalogException:  # a store from before sources existed (read through a snapshot)
            return []
        # once stopped, no new source is started, and the polls under way finish their batch in hand
        reports = map_bounded(self._poll_one, due, workers=self.workers, stop=self.stop, wait_running=True)
        self._write_health()
        return reports

    def _write_health(self) -> None:
        """The health of the round's polls that stored nothing, the marks of items listed again, and
        (every ``prune_every`` seconds) the marks of items gone for longer than ``keep_seen``
        forgotten, in one write session (a round of unchanged sources writes once, not once per source)."""
        with self._health_lock:
            pending, self._health = self._health, []
            confirm, self._confirm = self._confirm, set()
        prune = self._last_prune is None or time.monotonic() - self._last_prune >= self.prune_every
        if not pending and not confirm and not prune:
            return

        def write(store: Store) -> None:
            at = now()
            for report, polled in pending:
                self._record(store.con, report, polled)
            sql.confirm_marks(store.con, confirm, at=at)
            if prune:
                gone = sql.prune_marks(store.con, before=at - timedelta(seconds=self.keep_seen))
                if gone:
                    log.info("forgot the marks of %d item(s) not listed for %.0f days", gone, self.keep_seen / 86400)

        try:
            self.access.write(write)
            if prune:
                self._last_prune = time.monotonic()
        except StoreError as exc:  # those sources stay due: polled again next round
            log.warning("health of %d source(s) not recorded, the store is busy (%s)", len(pending), exc)
            with self._health_lock:
                self._confirm |= confirm

    def _poll_one(self, row: dict[str, Any]) -> PollReport:
        try:
            report = self._poll(row, self._list(row))
        except Exception as exc:  # noqa: BLE001 - a bug costs this poll, never the follower
            log.exception("polling %s failed", row["url"])
            report = PollReport(id=row["id"], name=row["name"], url=row["url"], kind=row["kind"], status="error",
                                error=f"{INTERNAL}: {type(exc).__name__}: {exc}")
        if self.on_poll:
            self.on_poll(report)
        return report

    # -- one source ----------------------------------------------------------------------------
    def _list(self, row: dict[str, Any]) -> Listing | InputError:
        try:
            return list_source(url=row["url"], kind=row["kind"], fetcher=self.fetcher, etag=row.get("etag"),
                               last_modified=row.get("last_modified"), allow_private=self.allow_private)
        except InputError as exc:
            return exc
        except Exception as exc:  # noqa: BLE001 - a bug costs this poll, not the follower
            log.debug("listing %s failed", row["url"], exc_info=True)
            return InputError(INTERNAL, f"unexpected error ({type(exc).__name__}: {exc})", source=row["url"])

    def _poll(self, row: dict[str, Any], listing: Listing | InputError) -> PollReport:
        at = now()
        report = PollReport(id=row["id"], name=row["name"], url=row["url"], kind=row["kind"], status="ok")
        try:
            if isinstance(listing, InputError):
                report.status, report.error = "error", f"{listing.code}: {listing.reason}"
                report.failures = row["failures"] + 1
                wait = backoff(row["every_s"], report.failures, rng=self.rng)
                wait = max(wait, getattr(listing, "retry_after", None) or 0.0)  # a 429/503's Retry-After
                report.next_due = at + timedelta(seconds=wait)
                self._later(report, at)
                return report
            report.kind = listing.kind
            report.listed = len(listing.items)
            if listing.not_modified:
                report.status = "not_modified"
                report.next_due = at + timedelta(seconds=row["every_s"])
                self._later(report, at)
                return report
            new = self._unseen(listing.items)
            report.new = len(new)
            self._read_and_store(row, listing, new, report, at)
        except StoreError as exc:
            log.warning("%s: not recorded, the store is busy (%s); next round tries again", row["url"], exc)
            report.status, report.error = "store_busy", str(exc)
        return report

    def _later(self, report: PollReport, at: datetime) -> None:
        with self._health_lock:
            self._health.append((report, at))

    def _unseen(self, items: list[Item]) -> list[Item]:
        """The listed items not read before.  Items read before are still listed: their marks are
        confirmed (at the end of the round, when older than a quarter of ``keep_seen``), so only
        marks of items that left their source are ever forgotten."""
        keys = [it.key for it in items if it.remember]
        seen = self.access.read(lambda con: sql.seen_marks(con, keys)) if keys else {}
        stale = now() - timedelta(seconds=self.keep_seen / 4)
        old = {k for k, (_, at) in seen.items() if at is None or at < stale}
        if old:
            with self._health_lock:
                self._confirm |= old
        return [it for it in items if not it.remember or seen.get(it.key, (_MISSING,))[0] != it.mark]

    def _read_and_store(self, row: dict[str, Any], listing: Listing, new: list[Item], report: PollReport,
                        at: datetime) -> None:
        parts = [new[i:i + self.chunk] for i in range(0, len(new), self.chunk)] or [[]]
        for n, part in enumerate(parts):
            produced = map_bounded(lambda it: it.read(), part, workers=self.workers, stop=self.stop)
            complete = len(produced) == len(part)
            last = complete and n == len(parts) - 1
            if not complete or (self.stop.is_set() and not last):
                report.status = "interrupted"
            done = part[:len(produced)]
            final = last or report.status == "interrupted"
            self.access.write(functools.partial(self._commit, row=row, listing=listing, items=done,
                                                produced=produced, report=report, at=at, validators=last,
                                                final=final))
            if final:
                return

    def _commit(self, store: Store, *, row: dict[str, Any], listing: Listing, items: list[Item],
                produced: list[Produced], report: PollReport, at: datetime, validators: bool, final: bool) -> None:
        """One write session: the chunk's documents, its item marks and (with the last chunk) the
        source's validators in one ingest transaction; then, with the last chunk, the source's health."""
        def documents() -> Iterator[Document | Rejected]:
            for item, out in zip(items, produced):
                yield from out
                if item.remember and not any(isinstance(d, Rejected) and d.code in _TRANSIENT for d in out):
                    store.put(item.key, item.mark, None)
            if validators and listing.kind != "folder" and (listing.etag or listing.last_modified):
                store.put(row["url"], listing.etag, listing.last_modified)

        if items:
            summary = ingest([], store=store, documents=documents(), nlp=self.nlp, on_commit=self._hook(store))
            _add(report, summary)
        else:
            for _ in documents():
                pass
            store.write_batch(Batch())  # the validators alone
        if final:
            report.next_due = at if report.status == "interrupted" else at + timedelta(seconds=row["every_s"])
            self._record(store.con, report, at)

    def _record(self, con: Any, report: PollReport, at: datetime) -> None:
        sql.record_poll(con, report.id, at=at, status="error" if report.status == "error" else (
                            "not_modified" if report.status == "not_modified" else "ok"),
                        error=report.error, failures=report.failures, next_due=report.next_due or at,
                        stored=report.stored, kind=report.kind if report.kind != "auto" else None)

    # -- alerts --------------------------------------------------------------------------------
    def _hook(self, store: Store) -> Callable[[list], None] | None:
        if not self.alerts:
            return None
        try:
            from ..alerts import on_commit_hook
        except ImportError:
            return None
        return on_commit_hook(store, allow_private=self.allow_private)

    def _deliver_due(self) -> None:
        """Deliver alert retries that came due since the last commit (the CLI follower has no server)."""
        try:
            from ..alerts import deliver_pending
            from ..store import watches as watch_sql
        except ImportError:
            return
        try:
            if not self.access.read(lambda con: bool(watch_sql.due_deliveries(con, now()))):
                return
            self.access.write(lambda store: deliver_pending(store, allow_private=self.allow_private))
        except (StoreError, duckdb.Error) as exc:
            log.info("alert retries not delivered now: %s", exc)


def _add(report: PollReport, summary: Summary) -> None:
    report.seen += summary.seen
    report.stored += summary.stored
    report.duplicates += summary.duplicates
    report.rejected += summary.rejected

