"""Fan-out: send many messages at once, so that one failing endpoint never delays the others.

A fixed pool of worker threads takes jobs (one message to one endpoint) from a queue; every
attempt is bounded by the policy's timeout.  A failed attempt that is worth retrying is not
retried in the worker (that would hold the worker hostage): it goes back to the coordinating
thread, which re-queues it after an exponential backoff (``backoff * factor ** (n - 1)``)
while the workers carry on with everybody else.  After the last attempt the job's outcome is
final and the caller writes a dead letter.

Web Push encryption is CPU-bound (an ECDH key agreement per message); the threads overlap it
with the network waits of other jobs, and each thread reuses its kept-alive connection to the
push service (``_http.Poster``).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import queue
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import email as email_mod
from . import webhook
from ._http import Poster
from .messages import Outcome
from .webpush import PushSender

log = logging.getLogger(__name__)


@dataclass(slots=True, frozen=True)
class RetryPolicy:
    """How hard to try: ``attempts`` in all, waiting ``backoff * factor**(n-1)`` s after try n."""

    attempts: int = 4
    backoff: float = 0.5
    factor: float = 2.0
    timeout: float = 10.0

    def delay(self, attempt: int) -> float:
        return self.backoff * self.factor ** max(0, attempt - 1)


@dataclass(slots=True)
class Job:
    """One message to one subscriber, covering one or more deliveries (a digest covers several)."""

    subscriber: dict[str, Any]
    message: dict[str, Any]
    data: bytes
    keys: list[tuple[str, str, str]]
    attempts: int = 0  # attempts made so far, including earlier rounds
    outcome: Outcome | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.subscriber["kind"]


class Dispatcher:
    """Runs jobs on ``workers`` threads with per-endpoint timeouts and off-thread backoff."""

    def __init__(self, *, push: PushSender | None = None, smtp: email_mod.SmtpSettings | None = None,
                 policy: RetryPolicy | None = None, workers: int = 8, allow_private: bool = False) -> None:
        self.push = push
        self.smtp = smtp or email_mod.SmtpSettings.from_env()
        self.policy = policy or RetryPolicy()
        self.workers = max(1, workers)
        self.allow_private = allow_private
        self.first_post_at: float | None = None  # perf_counter() when the first attempt finished

    def attempt(self, poster: Poster, job: Job) -> Outcome:
        """One try of one job; never raises."""
        sub = job.subscriber
        allow = self.allow_private or bool(sub.get("allow_private"))
        try:
            if job.kind == "push":
                if self.push is None:
                    return Outcome(ok=False, error="no VAPID key available")
                return self.push.send(poster, sub, job.data, allow_private=allow)
            if job.kind == "webhook":
                delivery = f"{sub['id']}:{job.keys[0][2]}" if len(job.keys) == 1 else f"{sub['id']}:digest"
                return webhook.send(poster, sub, job.data, event=job.message["type"], delivery=delivery,
                                    allow_private=allow)
            if job.kind == "email":
                return email_mod.send(self.smtp, sub["target"], job.message)
            return Outcome(ok=False, error=f"unknown subscriber kind {job.kind!r}")
        except Exception as exc:  # a bug must not kill the round; the job goes to the dead letters
            log.exception("delivery to subscriber %s failed", sub.get("id"))
            return Outcome(ok=False, error=f"internal error: {type(exc).__name__}: {exc}")

    def run(self, jobs: Iterable[Job], *, deadline: float | None = None) -> list[Job]:
        """Deliver ``jobs`` (retrying per the policy); set each job's final ``outcome``; return them.

        ``jobs`` may be a generator: workers start on the first job while later ones are built.
        With ``deadline`` (seconds), jobs still waiting for a retry when it passes are left with
        ``outcome.retry`` True so that a later round picks them up.
        """
        poster = Poster(timeout=self.policy.timeout)
        work: queue.SimpleQueue = queue.SimpleQueue()
        results: queue.SimpleQueue = queue.SimpleQueue()
        threads: list[threading.Thread] = []
        fed: list[Job] = []
        try:
            for job in jobs:
                work.put(job)
                fed.append(job)
                if len(threads) < self.workers:
                    t = threading.Thread(target=self._worker, args=(poster, work, results), daemon=True,
                                         name=f"wirewatch-alerts-{len(threads)}")
                    t.start()
                    threads.append(t)
            self._coordinate(len(fed), work, results, deadline)
        finally:
            for _ in threads:
                work.put(None)
            for t in threads:
                t.join()
            poster.close()
        return fed

    def _worker(self, poster: Poster, work: queue.SimpleQueue, results: queue.SimpleQueue) -> None:
        while (job := work.get()) is not None:
            out = self.attempt(poster, job)
            job.attempts += 1
            if self.first_post_at is None:
                self.first_post_at = time.perf_counter()
            results.put((job, out))

    def _coordinate(self, n_jobs: int, work: queue.SimpleQueue, results: queue.SimpleQueue,
                    deadline: float | None) -> None:
        started = time.monotonic()
        waiting: list[tuple[float, int, Job]] = []
        seq = itertools.count()
        open_jobs = n_jobs
        while open_jobs:
            now = time.monotonic()
            if deadline is not None and waiting and now - started >= deadline:
                for _, _, job in waiting:  # left for a later round, as they are
                    job.outcome = Outcome(ok=False, error=job.errors[-1] if job.errors else None, retry=True)
                open_jobs -= len(waiting)
                waiting.clear()
                continue
            while waiting and waiting[0][0] <= now:
                work.put(heapq.heappop(waiting)[2])
            timeout = None
            if waiting:
                timeout = max(0.0, waiting[0][0] - now)
                if deadline is not None:
                    timeout = min(timeout, max(0.0, started + deadline - now))
            try:
                job, out = results.get(timeout=timeout)
            except queue.Empty:
                continue
            if out.retry and job.attempts < self.policy.attempts:
                job.errors.append(out.error or "")
                heapq.heappush(waiting, (time.monotonic() + self.policy.delay(job.attempts), next(seq), job))
                continue
            job.outcome = out
            open_jobs -= 1
