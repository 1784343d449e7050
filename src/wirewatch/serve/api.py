"""The JSON API: every page's twin under ``/api/``, plus the write endpoints (token-guarded)."""

from __future__ import annotations

import csv
import io
import json
import logging
from datetime import datetime, timezone
from typing import Annotated, Any, Optional

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from .. import validation as check
from . import alerting, situation, views
from .context import Context, ctx

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api")

# ranges and calendar dates are checked by ``wirewatch.validation`` (one place for the web app and
# the CLI): a bad value is a 400 with a JSON error, never a 500
Limit = Annotated[int, Query(description="How many articles (1-100).")]
Offset = Annotated[int, Query(description="Skip this many (paging).")]
DateQ = Annotated[Optional[str], Query(description="YYYY-MM-DD (a real calendar day)", max_length=40)]


def require_token(request: Request) -> None:
    ctx(request).guard.require_api_token(request)


class IngestRequest(BaseModel):
    inputs: list[str] = Field(min_length=1, max_length=1000,
                              description="Paths on the server, folders, WARC files, feeds or URLs.")
    published: Optional[str] = Field(None, description="YYYY-MM-DD for documents that carry no date.")
    nlp: bool = Field(True, description="Extract entities, quotes, dates, places and events (false: clean "
                                        "and group into stories only, much faster).")


class WatchRequest(BaseModel):
    query: str = Field(min_length=1, max_length=300, description="What to follow: names, places, event types, words.")
    name: Optional[str] = Field(None, max_length=120)
    digest: Optional[str] = Field(None, description="None (at once), 'hourly' or 'daily'.")
    webhook: Optional[str] = Field(None, max_length=2000, description="URL that receives signed JSON POSTs.")
    secret: Optional[str] = Field(None, max_length=200, description="HMAC secret of the webhook.")
    email: Optional[str] = Field(None, max_length=320)


class PushKeys(BaseModel):
    p256dh: str = Field(min_length=1, max_length=200)
    auth: str = Field(min_length=1, max_length=100)


class PushSubscription(BaseModel):
    endpoint: str = Field(min_length=8, max_length=2000)
    keys: PushKeys
    expirationTime: Optional[float] = None  # noqa: N815 - the browser's own field name


class Unsubscribe(BaseModel):
    token: str = Field(min_length=8, max_length=200, description="The token given when subscribing.")


@router.get("/articles", tags=["read"], summary="Search articles")
async def api_search(request: Request, q: Annotated[Optional[str], Query(max_length=300)] = None,
                     limit: Limit = 20, offset: Offset = 0, since: DateQ = None,
                     until: DateQ = None) -> dict[str, Any]:
    """Articles whose title or text match ``q`` (BM25 where the index exists), newest first without ``q``."""
    reader = ctx(request).reader

    def answer() -> dict[str, Any]:
        return reader.read(
            lambda cur, index: views.search(cur, q, limit=limit, offset=offset, since=since, until=until,
                                            index=index),
            key=("search", q, limit, offset, since, until), with_index=True)

    if q and reader.has_search_index():
        # A millisecond of numpy on the snapshot's in-memory index: answered on the event loop, in
        # arrival order.  Fifty such requests spread over the thread pool would take as long in
        # total but finish in a scramble (threads taking turns at the GIL), stretching the tail.
        return answer()
    return await run_in_threadpool(answer)


@router.get("/articles/{article_id}", tags=["read"], summary="One article record")
def api_article(request: Request, article_id: str) -> dict[str, Any]:
    """The full article record of DESIGN.md (text, entities, quotes, dates, places, events)."""
    with ctx(request).reader.cursor() as cur:
        return views.article(cur, article_id).to_dict()


@router.get("/stories/{story_id}", tags=["read"], summary="Every copy of one story")
def api_story(request: Request, story_id: str) -> dict[str, Any]:
    with ctx(request).reader.cursor() as cur:
        return views.story(cur, story_id)


@router.get("/situations/{query}", tags=["read"], summary="The situation report for a query")
def api_situation(request: Request, query: str, since: DateQ = None, until: DateQ = None,
                  new_since: DateQ = None) -> dict[str, Any]:
    """The situation report (as ``wirewatch report QUERY --format json``), live on the current store:
    timeline of distinct events, actors, quotes by speaker, interactions, places, volume and what
    is new since ``new_since`` (default: the latest ingest).  ``since``/``until`` bound the period."""
    rep = ctx(request).reader.read(
        lambda cur: situation.report(cur, query, since=since, until=until, new_since=new_since),
        key=("situation", query, since, until, new_since))
    return rep.to_dict()


EVENT_FILTERS = ("q", "since", "until", "type", "plover", "country")


def _event_page(request: Request, *, limit: Any, offset: Any, max_limit: int) -> dict[str, Any]:
    p = request.query_params
    args = {k: p.get(k) for k in EVENT_FILTERS}
    return ctx(request).reader.read(
        lambda cur: views.events(cur, q=args["q"], since=args["since"], until=args["until"], type_=args["type"],
                                 plover=args["plover"], country=args["country"], limit=limit, offset=offset,
                                 max_limit=max_limit),
        key=("events", *args.values(), limit, offset, max_limit))


EventQ = Annotated[Optional[str], Query(max_length=300)]


@router.get("/events", tags=["events"], summary="The event table (one row per distinct event)")
def api_events(request: Request, q: EventQ = None, since: DateQ = None, until: DateQ = None,
               type: EventQ = None, plover: EventQ = None, country: EventQ = None,  # noqa: A002
               limit: Annotated[int, Query(description="Rows per page (1-1000; CSV up to 100,000).")] = 50,
               offset: Offset = 0,
               format: Annotated[Optional[str], Query(description="json (default) or csv.")] = None,  # noqa: A002
               ) -> Any:
    """Distinct events (see the codebook at ``/codebook``), filtered like ``wirewatch events``: ``q`` (the
    articles a situation on ``q`` covers), ``since``/``until`` (the event's own date), ``type``, ``plover``,
    ``country`` (ISO code of the place or either actor).  ``total`` counts every match; ``limit``/``offset``
    page through them.  ``format=csv`` answers the same page as CSV (the columns of ``export``)."""
    fmt = check.choice(format, "format", ("json", "csv")) or "json"
    data = _event_page(request, limit=limit, offset=offset, max_limit=100_000 if fmt == "csv" else 1000)
    if fmt == "csv":
        return Response(_csv(data["events"]), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="events.csv"',
                                 "X-Total-Count": str(data["total"])})
    return data


@router.get("/events.geojson", tags=["events"], summary="Located events as GeoJSON Points")
def api_events_geojson(request: Request, q: EventQ = None, since: DateQ = None, until: DateQ = None,
                       type: EventQ = None, plover: EventQ = None, country: EventQ = None,  # noqa: A002
                       limit: Annotated[int, Query(description="Rows considered (1-100,000).")] = 10_000,
                       offset: Offset = 0) -> Response:
    """The same filters as ``/api/events``: a FeatureCollection with one Point per event that has
    coordinates (``[longitude, latitude]``), the codebook row as its properties."""
    from ..store import events as ev  # noqa: PLC0415

    data = _event_page(request, limit=limit, offset=offset, max_limit=100_000)
    body = ev.geojson(data["events"])
    body["total"] = data["total"]
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/geo+json")


@router.get("/events/{event_id}", tags=["events"], summary="One event with its reports and evidence")
def api_event(request: Request, event_id: str) -> dict[str, Any]:
    """The codebook row, every report (article, story, offsets), and the evidence sentence in context."""
    with ctx(request).reader.cursor() as cur:
        return views.event(cur, event_id)


def _csv(rows: list[dict[str, Any]]) -> str:
    from ..store import events as ev  # noqa: PLC0415

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(ev.COLUMNS)
    for r in rows:
        writer.writerow(["; ".join(map(str, r[k])) if isinstance(r.get(k), list) else
                         ("" if r.get(k) is None else r[k]) for k in ev.COLUMNS])
    return buf.getvalue()


@router.get("/status", tags=["read"], summary="Store counts and snapshot age")
def api_status(request: Request) -> dict[str, Any]:
    context = ctx(request)
    with context.reader.cursor() as cur:
        from ..store import web  # noqa: PLC0415

        status = web.store_status(cur)
    taken = context.reader.taken_at
    # ISO 8601 (UTC), like every other time of the API (it was an epoch float)
    status["snapshot_taken_at"] = (datetime.fromtimestamp(taken, timezone.utc).isoformat(timespec="seconds")
                                   if taken else None)
    status["alerts"] = alerting.available()
    return status


@router.get("/watches", tags=["watches"], summary="List watches")
def api_watches(request: Request) -> dict[str, Any]:
    """Every watch (name, query, digest); subscriber details only with the token."""
    context = ctx(request)
    admin = context.guard.is_admin(request)
    return {"watches": alerting.list_watches(context, details=admin)}


@router.get("/watches/{watch_id}", tags=["watches"], summary="One watch")
def api_watch(request: Request, watch_id: str) -> dict[str, Any]:
    context = ctx(request)
    return alerting.get_watch(context, watch_id, details=context.guard.is_admin(request))


@router.post("/watches", tags=["watches"], summary="Add a watch", status_code=201,
             dependencies=[Depends(require_token)])
def api_add_watch(request: Request, body: WatchRequest) -> dict[str, Any]:
    return alerting.add_watch(ctx(request), **body.model_dump())


@router.delete("/watches/{watch_id}", tags=["watches"], summary="Remove a watch",
               dependencies=[Depends(require_token)])
def api_remove_watch(request: Request, watch_id: str) -> dict[str, Any]:
    return alerting.remove_watch(ctx(request), watch_id)


@router.get("/push/key", tags=["watches"], summary="The VAPID public key for push subscriptions")
def api_push_key(request: Request) -> dict[str, str]:
    return {"key": alerting.vapid_public_key(ctx(request))}


@router.post("/watches/{watch_id}/subscribe", tags=["watches"], summary="Subscribe a browser to push",
             status_code=201)
def api_subscribe(request: Request, watch_id: str, body: PushSubscription) -> dict[str, Any]:
    """Rate-limited per client.  From the web app: the CSRF header; from elsewhere: the token."""
    context = _visitor_write(request)
    sub = body.model_dump()
    return alerting.subscribe_push(context, watch_id, endpoint=sub["endpoint"], p256dh=sub["keys"]["p256dh"],
                                   auth=sub["keys"]["auth"])


@router.post("/unsubscribe", tags=["watches"], summary="Unsubscribe (with the token given at subscribe)")
def api_unsubscribe(request: Request, body: Annotated[Unsubscribe, Body()]) -> dict[str, Any]:
    context = _visitor_write(request)
    return alerting.unsubscribe(context, token=body.token)


def _visitor_write(request: Request) -> Context:
    """A write any visitor may make: CSRF-checked (unless the token is given) and rate-limited."""
    context = ctx(request)
    context.subscribe_limit.check(request)
    if not context.guard.token_ok(context.guard.bearer(request)):
        context.guard.check_csrf(request, request.headers.get("x-csrf-token"))
    return context


@router.post("/ingest", tags=["write"], summary="Ingest sources into the store",
             dependencies=[Depends(require_token)])
def api_ingest(request: Request, body: IngestRequest) -> dict[str, Any]:
    """Queued to the server's one writer; answers with the run summary when it is done."""
    context = ctx(request)
    published = views.check_date(body.published, "published")
    summary = context.writer.run(alerting.ingest_job(context, list(body.inputs), published=published,
                                                     nlp=body.nlp), timeout=3600)
    return summary.to_dict()
