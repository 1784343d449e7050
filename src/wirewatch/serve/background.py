"""Alert delivery in the background of ``wirewatch serve``.

A thread looks at the snapshot every ``deliver_interval`` seconds and, only when something is due
(a retry whose backoff expired, stories recorded by an ingest that could not deliver, a queued
digest), queues one ``wirewatch.alerts.deliver_pending`` round to the writer.  Looking first keeps
the server from opening the store for writing when there is nothing to do; queued digests are
looked at once a minute, since their period is checked by the round itself.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

import duckdb

from ..store import watches as sql
from ..store.db import now
from . import alerting

if TYPE_CHECKING:
    from .context import Context

log = logging.getLogger(__name__)

DIGEST_EVERY = 60.0


def start_delivery(context: Context) -> threading.Thread | None:
    if not alerting.available():
        log.info("alerts are not installed: no background delivery")
        return None
    thread = threading.Thread(target=_loop, args=(context,), name="wirewatch-deliver", daemon=True)
    context.threads.append(thread)
    thread.start()
    return thread


def due(context: Context, *, digests: bool) -> bool:
    """Whether the snapshot shows deliveries due now (and queued digests, when ``digests``)."""
    with context.reader.cursor() as cur:
        try:
            if sql.due_deliveries(cur, now()):
                return True
            return digests and bool(sql.queued_digests(cur))
        except duckdb.CatalogException:  # a store made before the alerts tables existed
            return False


def _loop(context: Context) -> None:
    last_digest = time.monotonic()
    while not context.stop.wait(context.deliver_interval):
        try:
            digests = time.monotonic() - last_digest >= DIGEST_EVERY
            if digests:
                last_digest = time.monotonic()
            if due(context, digests=digests):
                report = alerting.deliver(context)
                log.info("background delivery: %s", report.to_dict() if hasattr(report, "to_dict") else report)
        except Exception:  # noqa: BLE001 - a failing round is retried next interval
            log.exception("background delivery failed")
