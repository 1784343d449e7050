"""The FastAPI application: ``create_app(db_path, token=...)`` builds it, ``serve`` runs it.

Concurrency design (see ``snapshot.py`` and ``writer.py``):

* requests read a private, coherent snapshot copy of the store, one cursor per request, so
  a ``wirewatch ingest`` running in another process never makes a request fail with a lock
  error (requests see its commits within ``refresh_interval`` seconds of their landing on disk);
* the server's own writes (POST /api/ingest, watch admin, background alert delivery) go through
  one writer thread that opens the store only while it has work, so it never locks the command
  line out for long, and waits politely when the command line holds the file.
"""

from __future__ import annotations

import contextlib
import logging
import os
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import StoreError, UsageError
from ..store import default_path
from . import api, docs, pages, sources
from .context import Context, ctx, http_url, page_context, readable_time
from .security import CSRF_COOKIE, SECURITY_HEADERS, Guard, RateLimiter, resolve_token
from .snapshot import SnapshotReader
from .views import BadRequest, NotFound
from .writer import Writer, open_for_writing

log = logging.getLogger(__name__)

PACKAGE = resources.files("wirewatch")


def create_app(db_path: str | os.PathLike | None = None, *, token: str | None = None,
               allow_private: bool = False, refresh_interval: float = 0.5,
               subscribe_rate: tuple[int, float] = (5, 60.0), deliver_interval: float = 5.0,
               deliver: bool = True, snapshot_dir: str | os.PathLike | None = None,
               follow: bool = False, base_url: str | None = None) -> FastAPI:
    """The wirewatch web app and API over the store at ``db_path``.

    ``token`` guards write endpoints (else ``$WIREWATCH_TOKEN``, else a random one, readable as
    ``app.state.ww.guard.token``); ``allow_private`` lets ingest and alert delivery reach private
    and loopback addresses (tests); ``deliver`` runs alert delivery in the background; ``follow``
    polls the followed sources in the background (``serve --follow``, see ``sources.py``).
    """
    path = Path(db_path or default_path())
    if base_url:  # the public address alert links start with (else $WIREWATCH_BASE_URL)
        from ..alerts.messages import set_base_url  # noqa: PLC0415

        set_base_url(base_url)
    _prepare_store(path)
    secret, generated = resolve_token(token)
    reader = SnapshotReader(path, workdir=snapshot_dir, min_interval=refresh_interval)
    writer = Writer(path, on_write=lambda: reader.refresh(force=True))
    templates = Jinja2Templates(directory=str(PACKAGE / "templates"))
    templates.env.autoescape = True  # every template escapes by default: article text is hostile
    templates.env.filters["http_url"] = http_url
    templates.env.filters["when"] = readable_time
    context = Context(db_path=path, reader=reader, writer=writer, guard=Guard(secret),
                      subscribe_limit=RateLimiter(*subscribe_rate),
                      login_limit=RateLimiter(10, 60.0), templates=templates,
                      allow_private=allow_private, deliver_interval=deliver_interval,
                      token_generated=generated)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        _warm_up()
        reader.start()
        if deliver:
            from .background import start_delivery  # noqa: PLC0415

            start_delivery(context)
        if follow:
            sources.start_follower(context)
        try:
            yield
        finally:
            shutdown(context)

    app = FastAPI(title="wirewatch", version=_version(), lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Search news articles, read them with what was extracted, follow situations, "
                              "and be told when a story breaks. Write endpoints need the server token.")
    app.state.ww = context
    app.mount("/static", StaticFiles(directory=str(PACKAGE / "static")), name="static")
    _add_middleware(app)
    _add_error_handlers(app)

    docs.mount(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(sources.router)

    @app.get("/sw.js", include_in_schema=False)
    def service_worker() -> Response:
        """The service worker must be served from the root to control every page."""
        return FileResponse(str(PACKAGE / "static" / "sw.js"), media_type="text/javascript",
                            headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"})

    return app


def shutdown(context: Context) -> None:
    context.stop.set()
    for t in context.threads:
        t.join(timeout=10)
    context.writer.close()
    context.reader.close()


def _prepare_store(path: Path) -> None:
    """Create or migrate the store once at start (unless another process holds it: then it is
    used as it is, and must exist)."""
    try:
        open_for_writing(path, timeout=2.0).close()
    except StoreError as exc:
        if not path.exists():
            raise
        log.warning("could not migrate %s now (%s); serving it as it is", path, exc)


def _warm_up() -> None:
    """Import what requests would otherwise import on first use, all at once and under Python's
    import lock (the alerts stage with its crypto, the report stage with its country names): one
    second at startup instead of seconds of stalled requests on a busy server."""
    from . import alerting  # noqa: PLC0415

    alerting.available()
    try:
        from ..report import resolve_names  # noqa: PLC0415

        resolve_names("warm-up")
    except Exception as exc:  # noqa: BLE001 - only a warm-up: the first report would say what is wrong
        log.info("report warm-up failed: %s", exc)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("wirewatch")
    except Exception:  # noqa: BLE001
        return "0"


class SecurityHeaders:
    """Security headers on every response, and the CSRF cookie on pages that lack it.

    A plain ASGI middleware that edits the response head as it passes (Starlette's
    ``@app.middleware("http")`` runs every request through an extra task and a stream: a
    noticeable share of a search request's CPU time)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        wants_csrf = not path.startswith(("/api/", "/static/")) and not Request(scope).cookies.get(CSRF_COOKIE)

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for k, v in SECURITY_HEADERS.items():
                    if k not in headers:
                        headers[k] = v
                if path in ("/docs", "/redoc"):  # the docs page loads its own scripts
                    del headers["Content-Security-Policy"]
                if wants_csrf:
                    token = scope.get("state", {}).get("csrf") or Guard.new_csrf()
                    cookie = Response()
                    cookie.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/",
                                      secure=scope.get("scheme") == "https")
                    headers.append("set-cookie", cookie.headers["set-cookie"])
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _add_middleware(app: FastAPI) -> None:
    app.add_middleware(SecurityHeaders)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", "")


def _error(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
    context = ctx(request)
    return context.templates.TemplateResponse(
        request, "error.html.j2", page_context(request, title=f"Error {status}", status=status, message=message),
        status_code=status, headers=headers)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        return _error(request, 404, str(exc))

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest):
        return _error(request, 400, str(exc))

    @app.exception_handler(UsageError)
    async def usage(request: Request, exc: UsageError):
        return _error(request, 400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return _error(request, exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body"))
        # a malformed query-string or path parameter is a bad request like any other (400); a JSON
        # body that does not fit its model keeps FastAPI's 422
        status = 422 if first.get("loc", ("",))[0] == "body" else 400
        return _error(request, status, f"{where or 'request'}: {first.get('msg', 'invalid')}")

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError):
        log.warning("store error on %s: %s", request.url.path, exc)
        return _error(request, 503, f"the store is not available right now: {exc}")
