"""The web app's bridge to ``wirewatch.alerts``: reads on the snapshot, writes through the writer.

The alerts stage owns watches, subscribers and deliveries (and checks webhook and push URLs);
this module only decides *where* each call runs: listing reads the request's snapshot cursor,
anything that writes is queued to the server's one writer thread.
"""

from __future__ import annotations

import importlib
import logging
from types import ModuleType
from typing import TYPE_CHECKING, Any

from fastapi import HTTPException

from ..store import Store

if TYPE_CHECKING:
    from .app import Context

log = logging.getLogger(__name__)


def _module() -> ModuleType | None:
    try:
        mod = importlib.import_module("wirewatch.alerts")
    except ImportError:
        return None
    return mod if hasattr(mod, "list_watches") else None


def available() -> bool:
    return _module() is not None


def _alerts() -> ModuleType:
    mod = _module()
    if mod is None:
        raise HTTPException(503, "watches and alerts are not installed on this server")
    return mod


class ReadStore:
    """A ``Store``-shaped view of one snapshot cursor, for alerts functions that only read."""

    read_only = True

    def __init__(self, cur, path: str) -> None:
        self.con = cur
        self.path = path

    def cursor(self):
        return self.con


def list_watches(context: Context, *, details: bool = False) -> list[dict[str, Any]]:
    alerts = _alerts()
    with context.reader.cursor() as cur:
        watches = alerts.list_watches(ReadStore(cur, str(context.db_path)))
    out = []
    for w in watches:
        d = w.to_dict() if hasattr(w, "to_dict") else dict(w)
        if not details:  # visitors see what they can follow, never who else is told where
            d.pop("subscribers", None)
        out.append(d)
    return out


def add_watch(context: Context, *, query: str, name: str | None = None, digest: str | None = None,
              webhook: str | None = None, secret: str | None = None, email: str | None = None) -> dict[str, Any]:
    alerts = _alerts()

    def job(store: Store) -> dict[str, Any]:
        w = alerts.add_watch(store, query, name=name, digest=digest, webhook=webhook, secret=secret,
                             email=email, allow_private=context.allow_private)
        return w.to_dict() if hasattr(w, "to_dict") else dict(w)

    return context.writer.run(job, timeout=120)


def remove_watch(context: Context, watch_id: str) -> dict[str, Any]:
    alerts = _alerts()
    removed = context.writer.run(lambda store: alerts.remove_watch(store, watch_id), timeout=120)
    if not removed:
        raise HTTPException(404, f"no watch {watch_id!r}")
    return {"removed": watch_id}


def vapid_public_key(context: Context) -> str:
    alerts = _alerts()
    return context.writer.run(lambda store: alerts.vapid_public_key(store), timeout=120)


def subscribe_push(context: Context, watch_id: str, *, endpoint: str, p256dh: str, auth: str) -> dict[str, Any]:
    alerts = _alerts()

    def job(store: Store) -> dict[str, Any]:
        sub = alerts.subscribe(store, watch_id, push={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
                               allow_private=context.allow_private)
        d = sub.to_dict() if hasattr(sub, "to_dict") else dict(sub)
        d["token"] = getattr(sub, "token", d.get("token"))  # the subscriber's own unsubscribe token
        return d

    return context.writer.run(job, timeout=120)


def unsubscribe(context: Context, *, token: str | None = None, endpoint: str | None = None) -> dict[str, Any]:
    alerts = _alerts()
    n = context.writer.run(lambda store: alerts.unsubscribe(store, token=token, endpoint=endpoint), timeout=120)
    if not n:
        raise HTTPException(404, "no such subscription")
    return {"unsubscribed": int(n)}


def ingest_job(context: Context, inputs: list[str], *, published: str | None):
    """A writer job: ingest ``inputs`` and notify watches as each batch commits (like the CLI)."""
    from ..ingest import ingest  # noqa: PLC0415

    def job(store: Store):
        hook = None
        mod = _module()
        if mod is not None and hasattr(mod, "on_commit_hook"):
            hook = mod.on_commit_hook(store, allow_private=context.allow_private)
        return ingest(inputs, store=store, published=published, allow_private=context.allow_private,
                      on_commit=hook)

    return job


def deliver(context: Context) -> Any:
    """One background delivery round (run in the writer)."""
    mod = _module()
    if mod is None or not hasattr(mod, "deliver_pending"):
        return None
    return context.writer.run(lambda store: mod.deliver_pending(store, allow_private=context.allow_private),
                              timeout=600)
