"""Alert delivery in the background of ``wirewatch serve``.

A thread looks at the snapshot every ``deliver_interval`` seconds and, only when deliveries are
due (an ingest from the command line with ``--no-alerts``, a retry whose backoff expired, a digest
period that ended), queues one ``wirewatch.alerts.deliver_pending`` round to the writer.  Looking
first keeps the server from opening the store for writing when there is nothing to do.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from ..store import web
from . import alerting

if TYPE_CHECKING:
    from .app import Context

log = logging.getLogger(__name__)


def start_delivery(context: Context) -> threading.Thread | None:
    if not alerting.available():
        log.info("alerts are not installed: no background delivery")
        return None
    thread = threading.Thread(target=_loop, args=(context,), name="wirewatch-deliver", daemon=True)
    context.threads.append(thread)
    thread.start()
    return thread


def due(context: Context) -> int:
    with context.reader.cursor() as cur:
        return web.deliveries_due(cur)


def _loop(context: Context) -> None:
    while not context.stop.wait(context.deliver_interval):
        try:
            if due(context):
                result = alerting.deliver(context)
                log.info("background delivery: %s", result)
        except Exception:  # noqa: BLE001 - a failing round is retried next interval
            log.exception("background delivery failed")
