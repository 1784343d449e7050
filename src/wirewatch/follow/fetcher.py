"""Polite fetching for the follower: robots.txt honoured, at most one request per second per host,
bounded concurrency, every fetch through ``sources.web.fetch`` (private-address guard, size cap, time limit).

``PoliteFetcher.get`` waits for the host's turn (one request at a time per host, the next one a
second after the previous one ended, so threads sharing a host queue up instead of racing);
``map_bounded`` runs a function over items with a few daemon threads and stops handing out work
when told to stop, so a SIGTERM never waits for a queue of pages, at most for the requests already
on the wire.

A 429 or 503 answer with ``Retry-After`` (seconds or an HTTP date) is honoured: no request goes to
that host before the time it asked for (a fetch that would wait longer than ``MAX_WAIT`` fails at
once instead, and is retried on a later poll), and the error carries ``retry_after`` (seconds) so
the follower puts the source's next attempt no earlier.
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from typing import TypeVar
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from ..errors import FETCH, InputError
from ..sources.web import DEFAULT_MAX_BYTES, FetchResult, fetch

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

ROBOTS_AGENT = "wirewatch"
ROBOTS_TTL = 3600.0  # a robots.txt is trusted for an hour
ROBOTS_RETRY = 300.0  # an unreachable robots.txt is asked again after five minutes
ROBOTS_MAX_BYTES = 500_000
MAX_CRAWL_DELAY = 60.0
ROBOTS = "robots"  # the code of a fetch refused by robots.txt
RETRY_STATUSES = (429, 503)  # answers whose Retry-After is honoured
MAX_RETRY_AFTER = 6 * 3600.0  # a longer Retry-After is taken as six hours
MAX_WAIT = 30.0  # a fetch waits at most this long for a host's Retry-After; longer: fails, retried next poll
_HTTP_STATUS = re.compile(r"\bHTTP (\d{3})\b")


def retry_after_seconds(value: str | None, *, at: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait: delta-seconds or an HTTP date (RFC 9110 10.2.3),
    capped at ``MAX_RETRY_AFTER``; None when absent or unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return min(max(0.0, (when - (at or datetime.now(timezone.utc))).total_seconds()), MAX_RETRY_AFTER)


def _origin(url: str) -> tuple[str, str]:
    """(scheme://host[:port], host[:port]) of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}", parts.netloc.lower()


class Pacer:
    """One request at a time per host, the next starting ``interval`` seconds (more where robots.txt
    asks) after the previous one ended: ``with pacer.slot(host, stop) as go: if go: ...``."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._next: dict[str, float] = {}
        self._delay: dict[str, float] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def set_delay(self, host: str, seconds: float) -> None:
        with self._lock:
            self._delay[host] = min(MAX_CRAWL_DELAY, max(self.interval, seconds))

    def hold(self, host: str, seconds: float) -> None:
        """No request to ``host`` for ``seconds`` (a Retry-After)."""
        with self._lock:
            self._next[host] = max(self._next.get(host, 0.0), time.monotonic() + seconds)

    def wait_for(self, host: str) -> float:
        """Seconds until ``host``'s next turn (0: now)."""
        with self._lock:
            return max(0.0, self._next.get(host, 0.0) - time.monotonic())

    @contextlib.contextmanager
    def slot(self, host: str, stop: threading.Event | None = None) -> Iterator[bool]:
        """Hold the host's turn; yields False (make no request) when ``stop`` was set while waiting."""
        with self._lock:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            pause = self._next.get(host, 0.0) - time.monotonic()
            if pause > 0:
                if stop is not None:
                    stop.wait(pause)
                else:
                    time.sleep(pause)
            go = stop is None or not stop.is_set()
            try:
                yield go
            finally:
                if go:
                    with self._lock:  # (a hold set during the request stays)
                        self._next[host] = max(self._next.get(host, 0.0),
                                               time.monotonic() + self._delay.get(host, self.interval))


class PoliteFetcher:
    """``get(url)`` with robots.txt, per-host pacing and one shared HTTP client (thread-safe)."""

    def __init__(self, *, allow_private: bool = False, timeout: float = 10.0, max_bytes: int = DEFAULT_MAX_BYTES,
                 per_host_interval: float = 1.0, stop: threading.Event | None = None) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.stop = stop
        self.pacer = Pacer(per_host_interval)
        self._robots: dict[str, tuple[float, RobotFileParser | None, InputError | None]] = {}
        self._robots_lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._last = threading.local()  # the status and Retry-After of this thread's last answer
        self._client = httpx.Client(follow_redirects=False, trust_env=False,
                                    event_hooks={"response": [self._remember]})

    def close(self) -> None:
        self._client.close()

    def _remember(self, response: httpx.Response) -> None:
        self._last.status = response.status_code
        self._last.retry_after = response.headers.get("retry-after")

    def _fetch(self, url: str, headers: dict[str, str] | None = None, *, max_bytes: int | None = None) -> FetchResult:
        _, host = _origin(url)
        held = self.pacer.wait_for(host)
        if held > MAX_WAIT:  # the host asked us (Retry-After) to come back later than we will wait
            exc = InputError(FETCH, f"not fetched: the host asked to wait {held:.0f}s more (Retry-After)", source=url)
            exc.retry_after = held
            raise exc
        with self.pacer.slot(host, self.stop) as go:
            if not go:
                raise InputError(FETCH, "not fetched: the follower is stopping", source=url)
            self._last.status = self._last.retry_after = None
            try:
                return fetch(url, allow_private=self.allow_private, timeout=self.timeout,
                             max_bytes=max_bytes or self.max_bytes, headers=headers, client=self._client)
            except InputError as exc:
                wait = retry_after_seconds(self._last.retry_after) if self._last.status in RETRY_STATUSES else None
                if wait:
                    self.pacer.hold(host, wait)
                    exc.retry_after = wait
                    log.info("%s answered %s with Retry-After %s: no request to %s for %.0fs", url,
                             self._last.status, self._last.retry_after, host, wait)
                raise

    def _rules(self, url: str) -> tuple[RobotFileParser | None, InputError | None]:
        """The host's parsed robots.txt (None: everything allowed), or why nothing may be fetched."""
        origin, host = _origin(url)
        with self._robots_lock:
            lock = self._host_locks.setdefault(host, threading.Lock())
        with lock:  # one robots.txt request per host, however many threads ask
            cached = self._robots.get(host)
            if cached and cached[0] > time.monotonic():
                return cached[1], cached[2]
            rules, problem, ttl = self._load_robots(origin, host)
            self._robots[host] = (time.monotonic() + ttl, rules, problem)
            return rules, problem

    def _load_robots(self, origin: str, host: str) -> tuple[RobotFileParser | None, InputError | None, float]:
        try:
            result = self._fetch(f"{origin}/robots.txt", max_bytes=ROBOTS_MAX_BYTES)
        except InputError as exc:
            m = _HTTP_STATUS.search(exc.reason)
            if m and 400 <= int(m.group(1)) < 500:  # RFC 9309: no robots.txt, no restriction
                return None, None, ROBOTS_TTL
            if m:  # a server error: RFC 9309 says assume everything is disallowed, for now
                return None, InputError(ROBOTS, f"robots.txt answered {exc.reason}: nothing is fetched from "
                                        "this host until it can be read"), ROBOTS_RETRY
            return None, exc, 0.0  # the host cannot be reached (or is refused): that is the error, asked anew
        rules = RobotFileParser()
        rules.parse(result.content.decode("utf-8", errors="replace").splitlines())
        delay = rules.crawl_delay(ROBOTS_AGENT)
        if delay:
            self.pacer.set_delay(host, float(delay))
        return rules, None, ROBOTS_TTL

    def allowed(self, url: str) -> None:
        """Raise ``InputError`` (code ``robots``) when robots.txt forbids ``url`` or cannot be read."""
        rules, problem = self._rules(url)
        if problem is not None:
            raise InputError(problem.code, problem.reason, source=url)
        if rules is not None and not rules.can_fetch(ROBOTS_AGENT, url):
            raise InputError(ROBOTS, "disallowed by the site's robots.txt", source=url)

    def get(self, url: str, headers: dict[str, str] | None = None) -> FetchResult:
        """GET ``url`` politely; ``InputError`` on any failure (robots, address, HTTP status, time, size)."""
        if not url.lower().startswith(("http://", "https://")):
            raise InputError(FETCH, "only http(s) URLs are fetched", source=url)
        self.allowed(url)
        return self._fetch(url, headers)


def map_bounded(fn: Callable[[T], R], items: Iterable[T], *, workers: int = 4,
                stop: threading.Event | None = None, wait_running: bool = False) -> list[R]:
    """``[fn(x) for x in items]`` on up to ``workers`` daemon threads, in input order.

    Once ``stop`` is set no new item is started; the result then holds only the leading items that
    finished (a prefix, so what is handed on next is exactly what was read, in order).  Items under
    way are left behind, or with ``wait_running`` waited for.
    """
    items = list(items)
    if not items:
        return []
    todo: queue.Queue[int] = queue.Queue()
    for i in range(len(items)):
        todo.put(i)
    results: dict[int, R] = {}
    errors: dict[int, BaseException] = {}
    done = threading.Condition()

    def work() -> None:
        while not (stop is not None and stop.is_set()):
            try:
                i = todo.get_nowait()
            except queue.Empty:
                break
            try:
                value = fn(items[i])
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                with done:
                    errors[i] = exc
                    done.notify_all()
                continue
            with done:
                results[i] = value
                done.notify_all()
        with done:
            done.notify_all()

    threads = [threading.Thread(target=work, name="wirewatch-follow-fetch", daemon=True)
               for _ in range(min(workers, len(items)))]
    for t in threads:
        t.start()
    with done:
        while len(results) + len(errors) < len(items):
            if stop is not None and stop.is_set() and not wait_running:
                break
            if not any(t.is_alive() for t in threads):
                break
            done.wait(0.2)
    if errors:
        raise errors[min(errors)]
    out: list[R] = []
    for i in range(len(items)):
        if i not in results:
            break
        out.append(results[i])
    return out
