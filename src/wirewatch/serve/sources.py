"""Followed sources in the web app: ``/sources`` (their health at a glance) and its JSON twin
``/api/sources``, read from the snapshot; and ``serve --follow``, the same follower as
``wirewatch follow`` on a background thread, reading through the snapshot and writing through the
server's one writer (so it never holds the store file between batches either).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import duckdb
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..follow import Follower, StoreAccess, list_sources
from .context import ctx, page_context

if TYPE_CHECKING:
    from .context import Context

log = logging.getLogger(__name__)

router = APIRouter()
THREAD_NAME = "wirewatch-follow"


def sources(context: Context) -> list[dict[str, Any]]:
    """Every followed source with its health, from the current snapshot."""
    with context.reader.cursor() as cur:
        try:
            return [s.to_dict() for s in list_sources(cur)]
        except duckdb.CatalogException:  # a store made before sources existed
            return []


def following(context: Context) -> bool:
    return any(t.name == THREAD_NAME and t.is_alive() for t in context.threads)


@router.get("/api/sources", tags=["sources"])
def api_sources(request: Request) -> dict[str, Any]:
    """Followed sources: id, name, url, kind, every_s, last_polled, last_status, last_error, failures,
    next_due, last_new_item, items_stored, health; ``following`` says whether this server polls them."""
    context = ctx(request)
    return {"following": following(context), "sources": sources(context)}


@router.get("/sources", response_class=HTMLResponse, include_in_schema=False)
def sources_page(request: Request) -> HTMLResponse:
    context = ctx(request)
    return context.templates.TemplateResponse(
        request, "sources.html.j2", page_context(request, title="Sources", sources=sources(context),
                                                 following=following(context)))


def start_follower(context: Context, *, nlp: bool = True) -> threading.Thread:
    """Run the follower until the server stops (``context.stop``)."""
    def read(fn: Callable[[Any], Any]) -> Any:
        with context.reader.cursor() as cur:
            return fn(cur)

    follower = Follower(StoreAccess(read=read, write=lambda fn: context.writer.run(fn, timeout=600)),
                        allow_private=context.allow_private, nlp=nlp, stop=context.stop,
                        deliver_retries=False)  # the server's background delivery retries alerts

    def run() -> None:
        try:
            follower.run()
        except Exception:  # noqa: BLE001 - the web app goes on; the log says why following stopped
            log.exception("the follower stopped")
        finally:
            follower.close()

    thread = threading.Thread(target=run, name=THREAD_NAME, daemon=True)
    context.threads.append(thread)
    thread.start()
    return thread
