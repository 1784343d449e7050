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
    from .context import Context

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


def _public(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def list_watches(context: Context, *, details: bool = False) -> list[dict[str, Any]]:
    """Every watch, read from the request's snapshot; subscribers only for the admin."""
    alerts = _alerts()
    with context.reader.cursor() as cur:
        watches = alerts.list_watches(cur)
    out = []
    for w in watches:
        d = _public(w)
        if details:
            d["subscribers"] = [s for s in d.get("subscribers", [])]
        else:  # visitors see what they can follow, never who else is told where
            d.pop("subscribers", None)
        out.append(d)
    return out


def get_watch(context: Context, ref: str, *, details: bool = False) -> dict[str, Any]:
    """One watch by id or name (404 when unknown)."""
    alerts = _alerts()
    with context.reader.cursor() as cur:
        watch = alerts.get_watch(cur, ref)
    if watch is None:
        raise HTTPException(404, f"no watch {ref!r}")
    d = _public(watch)
    if not details:
        d.pop("subscribers", None)
    return d


def add_watch(context: Context, *, query: str, name: str | None = None, digest: str | None = None,
              webhook: str | None = None, secret: str | None = None, email: str | None = None) -> dict[str, Any]:
    """Add a watch and the endpoints given with it, in one writer session."""
    alerts = _alerts()

    def job(store: Store) -> dict[str, Any]:
        existed = alerts.get_watch(store.con, (name or query).strip()) is not None
        watch = alerts.add_watch(store, query, name=name, digest=digest)
        subs = []
        try:
            if webhook:
                sub = alerts.subscribe(store, watch.id, webhook=webhook, secret=secret,
                                       allow_private=context.allow_private)
                subs.append(sub.to_dict(secrets=True))  # the caller needs the (maybe generated) secret once
            if email:
                subs.append(alerts.subscribe(store, watch.id, email=email).to_dict())
        except Exception:
            if not existed:  # a refused endpoint leaves no half-made watch behind
                alerts.remove_watch(store, watch.id)
            raise
        d = _public(watch)
        d["subscribers"] = d.get("subscribers", []) + subs
        return d

    return context.writer.run(job, timeout=120)


def remove_watch(context: Context, watch_id: str) -> dict[str, Any]:
    alerts = _alerts()
    removed = context.writer.run(lambda store: alerts.remove_watch(store, watch_id), timeout=120)
    if not removed:
        raise HTTPException(404, f"no watch {watch_id!r}")
    return {"removed": watch_id}


def vapid_public_key(context: Context) -> str:
    """The push ``applicationServerKey`` (made on first use by the writer, then cached)."""
    alerts = _alerts()
    key = getattr(context, "vapid_key", None)
    if key is None:
        key = context.writer.run(lambda store: alerts.vapid_public_key(store), timeout=120)
        context.vapid_key = key
    return key


def subscribe_push(context: Context, watch_id: str, *, endpoint: str, p256dh: str, auth: str) -> dict[str, Any]:
    """Add a browser's push subscription to a watch; the answer holds its unsubscribe token."""
    alerts = _alerts()

    def job(store: Store) -> dict[str, Any]:
        if alerts.get_watch(store.con, watch_id) is None:
            raise HTTPException(404, f"no watch {watch_id!r}")
        sub = alerts.subscribe(store, watch_id, push_subscription={"endpoint": endpoint,
                                                                    "keys": {"p256dh": p256dh, "auth": auth}},
                               allow_private=context.allow_private)
        return {**sub.to_dict(), "token": sub.token}

    return context.writer.run(job, timeout=120)


def unsubscribe(context: Context, *, token: str) -> dict[str, Any]:
    alerts = _alerts()
    if not context.writer.run(lambda store: alerts.unsubscribe(store, token), timeout=120):
        raise HTTPException(404, "no subscription holds this token")
    return {"unsubscribed": True}


def ingest_job(context: Context, inputs: list[str], *, published: str | None, nlp: bool = True):
    """A writer job: ingest ``inputs`` and notify watches as each batch commits (like the CLI)."""
    from ..ingest import ingest  # noqa: PLC0415

    def job(store: Store):
        hook = None
        mod = _module()
        if mod is not None and hasattr(mod, "on_commit_hook"):
            hook = mod.on_commit_hook(store, allow_private=context.allow_private)
        return ingest(inputs, store=store, published=published, allow_private=context.allow_private,
                      nlp=nlp, on_commit=hook)

    return job


def deliver(context: Context) -> Any:
    """One background delivery round (run in the writer)."""
    mod = _module()
    if mod is None or not hasattr(mod, "deliver_pending"):
        return None
    return context.writer.run(lambda store: mod.deliver_pending(store, allow_private=context.allow_private),
                              timeout=600)
