"""HTML pages (Jinja2, autoescaped): search, article, story, situation, watches.

Each page renders the same data as its ``/api/`` twin.  Forms post back with the CSRF token of
the ``ww_csrf`` cookie; watch admin needs the admin cookie, set by entering the server token.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Optional
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from .. import validation as check
from ..store import web
from . import alerting, situation, views
from .context import ctx, page_context
from .highlight import highlight
from .security import ADMIN_COOKIE

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

DateQ = Annotated[Optional[str], Query(max_length=40)]


def render(request: Request, name: str, *, status_code: int = 200, **values: Any) -> HTMLResponse:
    context = ctx(request)
    return context.templates.TemplateResponse(request, name, page_context(request, **values), status_code=status_code)


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, q: Annotated[Optional[str], Query(max_length=300)] = None,
                offset: Annotated[int, Query()] = 0,
                since: DateQ = None, until: DateQ = None) -> HTMLResponse:
    reader = ctx(request).reader
    data = reader.read(
        lambda cur, index: views.search(cur, q, limit=20, offset=offset, since=since, until=until, index=index),
        key=("search", q, 20, offset, since, until), with_index=True)
    status = reader.read(web.store_status, key=("status",))
    return render(request, "search.html.j2", title=f"{data['query']} — search" if data["query"] else "wirewatch",
                  data=data, status=status)


def back_to(request: Request) -> dict[str, Any] | None:
    """The situation a visitor came from (``?situation=Q&since=&until=``, carried by every link the
    situation page makes), checked, with its URL: pages show a link back to it."""
    p = request.query_params
    q = check.query(p.get("situation"), "situation")
    if not q:
        return None
    since, until = check.period(p.get("since"), p.get("until"))
    pairs = [(k, v) for k, v in (("since", since), ("until", until)) if v]
    carry = urlencode([("situation", q), *pairs])
    return {"query": q, "since": since, "until": until, "carry": carry,
            "url": f"/situations/{quote(q, safe='')}" + (("?" + urlencode(pairs)) if pairs else "")}


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    back = back_to(request)
    with ctx(request).reader.cursor() as cur:
        art = views.article(cur, article_id)
        copies = views.story(cur, art.story_id)["copies"] if art.story_id else []
        events = views.article_events(cur, art.id)
    return render(request, "article.html.j2", title=art.title or "(untitled)", article=art,
                  body=highlight(art, events), copies=copies, events=events, back=back)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> HTMLResponse:
    back = back_to(request)
    with ctx(request).reader.cursor() as cur:
        data = views.story(cur, story_id)
    first = data["copies"][0]
    return render(request, "story.html.j2", title=first.get("title") or "story", data=data, back=back)


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, q: Annotated[Optional[str], Query(max_length=300)] = None,
                since: DateQ = None, until: DateQ = None, type: Annotated[Optional[str], Query(max_length=60)] = None,  # noqa: A002
                plover: Annotated[Optional[str], Query(max_length=60)] = None,
                country: Annotated[Optional[str], Query(max_length=10)] = None,
                offset: Annotated[int, Query()] = 0, limit: Annotated[int, Query()] = 50) -> HTMLResponse:
    """The event table with filters, a date range, paging ("showing N of M") and downloads."""
    back = back_to(request)
    data = ctx(request).reader.read(
        lambda cur: views.events(cur, q=q, since=since, until=until, type_=type, plover=plover, country=country,
                                 limit=limit, offset=offset, max_limit=500),
        key=("events", q, since, until, type, plover, country, limit, offset, 500))
    filters = [(k, data[k]) for k in ("q", "since", "until", "type", "plover", "country") if data.get(k)]
    return render(request, "events.html.j2", title="Events" + (f": {data['q']}" if data["q"] else ""), data=data,
                  filters=urlencode(filters), back=back, carry=back["carry"] if back else "")


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str) -> HTMLResponse:
    """One event: the evidence sentence highlighted in its context, trigger, actors, place, date basis,
    and every report (``/api/events/{id}`` is its JSON twin)."""
    back = back_to(request)
    with ctx(request).reader.cursor() as cur:
        data = views.event(cur, event_id)
    title = f"Event: {data['event_type'] or data['plover'] or 'event'} {data['date'] or ''}".strip()
    return render(request, "event.html.j2", title=title, e=data, back=back, carry=back["carry"] if back else "")


@router.get("/codebook", response_class=HTMLResponse)
def codebook_page(request: Request) -> HTMLResponse:
    """The codebook of the event table (the text of docs/codebook.md)."""
    from .. import codebook  # noqa: PLC0415

    return render(request, "codebook.html.j2", title="Codebook", cb=codebook)


@router.get("/situations", response_class=HTMLResponse)
def situation_form(q: Annotated[Optional[str], Query(max_length=300)] = None) -> Response:
    """``/situations?q=Mali`` (the form on every page) goes to ``/situations/Mali``."""
    q = views.check_query(q)
    if not q:
        raise views.BadRequest("a situation needs a query (a name, place, event type or keywords)")
    return RedirectResponse(f"/situations/{quote(q, safe='')}", status_code=303)


@router.get("/situations/{query}", response_class=HTMLResponse)
def situation_page(request: Request, query: str, since: DateQ = None, until: DateQ = None,
                   new_since: DateQ = None) -> HTMLResponse:
    """The situation report of ``/api/situations/{query}`` inside the app, with its map and charts."""
    view = ctx(request).reader.read(
        lambda cur: situation.page(cur, query, since=since, until=until, new_since=new_since),
        key=("situation-page", query, since, until, new_since))
    rep = view.report
    watches = []
    if alerting.available():
        watches = [w for w in alerting.list_watches(ctx(request))
                   if w.get("query", "").casefold() == rep.query.casefold()]
    period = [(k, v) for k, v in (("since", rep.period.get("since")), ("until", rep.period.get("until"))) if v]
    return render(request, "situation.html.j2", title=f"Situation: {rep.query}", r=rep, view=view,
                  map_svg=Markup(view.map_svg), chart_svg=Markup(view.chart_svg),
                  plover=rep.counts.get("plover") or {}, watch=watches[0] if watches else None,
                  query_string=_period_query(since, until, new_since),
                  carry=urlencode([("situation", rep.query), *period]),
                  events_query=urlencode([("q", rep.query), *period, ("situation", rep.query)]))


def _period_query(since: str | None, until: str | None, new_since: str | None) -> str:
    """``?since=..`` etc. for the JSON link, so it shows the same report."""
    pairs = [(k, v) for k, v in (("since", since), ("until", until), ("new_since", new_since)) if v]
    return ("?" + urlencode(pairs)) if pairs else ""


@router.get("/watches", response_class=HTMLResponse)
def watches_page(request: Request) -> HTMLResponse:
    context = ctx(request)
    available = alerting.available()
    admin = context.guard.is_admin(request)
    watches = alerting.list_watches(context, details=admin) if available else []
    return render(request, "watches.html.j2", title="Watches", watches=watches, available=available)


@router.get("/watches/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, token: str) -> HTMLResponse:
    """The link in every alert: a page with one button (a GET never changes anything)."""
    return render(request, "unsubscribe.html.j2", title="Unsubscribe", token=token, done=False)


@router.post("/watches/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_form(request: Request, token: str, csrf: Annotated[str, Form()]) -> HTMLResponse:
    context = ctx(request)
    context.guard.check_csrf(request, csrf)
    context.subscribe_limit.check(request)
    alerting.unsubscribe(context, token=token)
    return render(request, "unsubscribe.html.j2", title="Unsubscribed", token=token, done=True)


@router.get("/watches/{watch_id}", response_class=HTMLResponse)
def watch_page(request: Request, watch_id: str) -> HTMLResponse:
    """One watch (digest messages link here): its query and the way to its situation."""
    context = ctx(request)
    watch = alerting.get_watch(context, watch_id, details=context.guard.is_admin(request))
    return render(request, "watches.html.j2", title=f"Watch: {watch['name']}", watches=[watch], available=True,
                  single=True)


@router.post("/watches")
def add_watch_form(request: Request, csrf: Annotated[str, Form()], query: Annotated[str, Form(max_length=300)],
                   name: Annotated[str, Form(max_length=120)] = "",
                   digest: Annotated[str, Form(max_length=10)] = "",
                   webhook: Annotated[str, Form(max_length=2000)] = "",
                   secret: Annotated[str, Form(max_length=200)] = "",
                   email: Annotated[str, Form(max_length=320)] = "") -> Response:
    context = _admin_form(request, csrf)
    alerting.add_watch(context, query=query, name=name or None, digest=digest or None, webhook=webhook or None,
                       secret=secret or None, email=email or None)
    return RedirectResponse("/watches", status_code=303)


@router.post("/watches/{watch_id}/delete")
def remove_watch_form(request: Request, watch_id: str, csrf: Annotated[str, Form()]) -> Response:
    context = _admin_form(request, csrf)
    alerting.remove_watch(context, watch_id)
    return RedirectResponse("/watches", status_code=303)


@router.post("/login")
def login(request: Request, csrf: Annotated[str, Form()], token: Annotated[str, Form(max_length=500)]) -> Response:
    """Exchange the server token for an admin cookie (HttpOnly, SameSite=Strict)."""
    context = ctx(request)
    context.guard.check_csrf(request, csrf)
    context.login_limit.check(request)  # guessing the token is rate-limited too
    if not context.guard.token_ok(token):
        raise HTTPException(401, "wrong token: it is printed by `wirewatch serve` or set with --token")
    resp = RedirectResponse("/watches", status_code=303)
    resp.set_cookie(ADMIN_COOKIE, context.guard.admin_value, httponly=True, samesite="strict", path="/",
                    secure=request.url.scheme == "https", max_age=12 * 3600)
    return resp


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()]) -> Response:
    ctx(request).guard.check_csrf(request, csrf)
    resp = RedirectResponse("/watches", status_code=303)
    resp.delete_cookie(ADMIN_COOKIE, path="/")
    return resp


def _admin_form(request: Request, csrf: str):
    context = ctx(request)
    context.guard.check_csrf(request, csrf)
    if not context.guard.is_admin(request):
        raise HTTPException(401, "managing watches needs the server token: unlock on the watches page")
    return context
