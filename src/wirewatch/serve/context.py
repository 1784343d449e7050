"""What every route shares, in its own module so the app reads top-down.

``app.py`` builds a ``Context`` and puts it on ``app.state.ww``; the routers (``api.py``,
``pages.py``) and helpers reach it with ``ctx(request)``.  Nothing here imports the app or
its routers.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.templating import Jinja2Templates

from .security import CSRF_COOKIE, Guard, RateLimiter
from .snapshot import SnapshotReader
from .writer import Writer


@dataclass
class Context:
    """Everything the routes share: reader, writer, guard, limits, templates, options."""

    db_path: Path
    reader: SnapshotReader
    writer: Writer
    guard: Guard
    subscribe_limit: RateLimiter
    login_limit: RateLimiter
    templates: Jinja2Templates
    allow_private: bool = False
    deliver_interval: float = 5.0
    token_generated: bool = False
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    vapid_key: str | None = None


def ctx(request: Request) -> Context:
    return request.app.state.ww


def http_url(value: str | None) -> str:
    """``value`` if it is an http(s) URL, else "" (a stored ``javascript:`` URL must never become a link)."""
    if not value:
        return ""
    parsed = urlsplit(value.strip())
    return value.strip() if parsed.scheme in ("http", "https") and parsed.netloc else ""


def page_context(request: Request, **values: Any) -> dict[str, Any]:
    """Values every template gets: the CSRF token for forms, admin state, the query."""
    context = ctx(request)
    csrf = request.cookies.get(CSRF_COOKIE)
    if not csrf:
        csrf = Guard.new_csrf()
        request.state.csrf = csrf  # the middleware sets the same value as the cookie
    return {"csrf": csrf, "is_admin": context.guard.is_admin(request), **values}


def readable_time(value: Any) -> str:
    """An ISO timestamp as people read it: ``2026-12-03 08:12 UTC`` (a day stays a day; "" for none)."""
    if value in (None, ""):
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if len(text) <= 10:
        return text
    from datetime import datetime, timezone  # noqa: PLC0415

    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc)
    return when.strftime("%Y-%m-%d %H:%M UTC")
