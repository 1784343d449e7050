"""Watches and alert delivery: tell people once per story when something they follow breaks.

Python API (used by ``wirewatch ingest``, ``wirewatch watch ...`` and the web app)::

    on_commit_hook(store, *, allow_private=False) -> Callable[[list[Article]], None]
        # ingest's on_commit: record matches, then deliver what is due (never raises)
    add_watch(store, query, *, name=None, digest=None) -> Watch      # digest None | "hourly" | "daily"
    list_watches(con) -> list[Watch];  get_watch(con, ref) -> Watch | None
    remove_watch(store, ref) -> bool                                  # by id or name
    subscribe(store, watch_ref, *, webhook=None, secret=None, push_subscription=None, email=None,
              allow_private=False) -> Subscriber                      # exactly one channel per call
    unsubscribe(store, token) -> bool                                 # Subscriber.token, unguessable
    vapid_public_key(store_or_dir) -> str                             # applicationServerKey, base64url
    deliver_pending(store, *, allow_private=False, now=None, ...) -> DeliveryReport
    notify(store, articles) -> set of new (watch_id, subscriber_id, story_id) deliveries

Semantics.  A query (see ``watches``) matches entities, places, event types and keywords.  When an
ingest commits articles, each matching story is recorded once per (watch, subscriber, story):
later copies of a story (syndicated, re-posted) find the record and send nothing.  Immediate
watches deliver at once; digest watches queue stories and send one message per subscriber and
period.  Each message is JSON (``messages``): signed webhook POST (``X-Wirewatch-Signature:
sha256=<hex HMAC>``), Web Push encrypted per RFC 8291 (aes128gcm) with VAPID (``webpush``: a
one-shot encoder checked against pywebpush/http_ece, or pywebpush itself), or email over
SMTP (``email``).  Failures are retried with exponential backoff off the worker threads
(``dispatch``), then dead-lettered (``dead_letters`` table); push endpoints answering 404/410 are
dropped.  Webhook and push URLs must be http(s) and resolve to public addresses unless
``allow_private`` (given at subscribe time, or to the delivery round).

Threads: every function opens its own cursor on ``store`` so the web app may call them from
request threads and a background thread (DuckDB still allows a single writing process).
"""

from __future__ import annotations

from .dispatch import RetryPolicy
from .email import SmtpSettings
from .service import (DeliveryReport, add_watch, deliver_pending, get_watch, list_watches, notify,
                      on_commit_hook, remove_watch, subscribe, unsubscribe, vapid_public_key)
from .watches import Match, Query, Subscriber, Watch, match, parse_query
from .webhook import sign as sign_webhook, verify as verify_webhook

__all__ = [
    "DeliveryReport", "Match", "Query", "RetryPolicy", "SmtpSettings", "Subscriber", "Watch", "add_watch",
    "deliver_pending", "get_watch", "list_watches", "match", "notify", "on_commit_hook", "parse_query",
    "remove_watch", "sign_webhook", "subscribe", "unsubscribe", "vapid_public_key", "verify_webhook",
]
