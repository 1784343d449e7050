"""Security helpers: the admin token, CSRF double-submit, a per-client rate limit, headers.

* Write endpoints (ingest, watch admin) need the server's token: ``Authorization: Bearer T``
  or ``X-Wirewatch-Token: T`` for the API; in the web app, an admin cookie set by entering the
  token once (HttpOnly, SameSite=Strict, holding an HMAC of the token, never the token).
* Every HTML form and every browser ``fetch`` that changes something carries a CSRF token that
  must equal the ``ww_csrf`` cookie (double submit; the cookie is SameSite=Strict, so another
  site can neither send it nor read it).
* Subscribing is open to visitors, so it is rate-limited per client address (token bucket).
* A strict Content-Security-Policy (no inline script, same-origin only) makes any markup that
  slipped through escaping inert as well.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import threading
import time

from fastapi import HTTPException, Request

log = logging.getLogger(__name__)

CSRF_COOKIE = "ww_csrf"
ADMIN_COOKIE = "ww_admin"
CSRF_HEADER = "x-csrf-token"
TOKEN_HEADER = "x-wirewatch-token"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def resolve_token(token: str | None) -> tuple[str, bool]:
    """The admin token: given, else ``$WIREWATCH_TOKEN``, else a new random one (second item True)."""
    if token:
        return token, False
    env = os.environ.get("WIREWATCH_TOKEN")
    if env:
        return env, False
    return secrets.token_urlsafe(24), True


class Guard:
    """Checks the admin token and CSRF tokens for one app."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.admin_value = hmac.new(token.encode(), b"wirewatch-admin-session", hashlib.sha256).hexdigest()

    # -- admin token --------------------------------------------------------------------------
    def token_ok(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())

    def bearer(self, request: Request) -> str | None:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return request.headers.get(TOKEN_HEADER)

    def require_api_token(self, request: Request) -> None:
        """For API writes: the token in a header (never a cookie, so no CSRF is possible)."""
        if not self.token_ok(self.bearer(request)):
            raise HTTPException(401, "this endpoint needs the server token (Authorization: Bearer <token>)",
                                headers={"WWW-Authenticate": "Bearer"})

    def is_admin(self, request: Request) -> bool:
        """An API token header, or the admin cookie of the web app."""
        if self.token_ok(self.bearer(request)):
            return True
        cookie = request.cookies.get(ADMIN_COOKIE)
        return bool(cookie) and hmac.compare_digest(cookie.encode(), self.admin_value.encode())

    # -- CSRF (double submit) -----------------------------------------------------------------
    @staticmethod
    def csrf_cookie(request: Request) -> str | None:
        return request.cookies.get(CSRF_COOKIE)

    @staticmethod
    def new_csrf() -> str:
        return secrets.token_urlsafe(24)

    def check_csrf(self, request: Request, submitted: str | None) -> None:
        """The submitted token (form field or header) must equal the cookie, and a browser that
        says where the request comes from must say it comes from this server."""
        cookie = self.csrf_cookie(request)
        if not cookie or not submitted or not hmac.compare_digest(cookie.encode(), submitted.encode()):
            raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
        origin = request.headers.get("origin")
        if origin and origin != "null":
            expected = f"{request.url.scheme}://{request.headers.get('host', '')}"
            if origin != expected:
                raise HTTPException(403, f"cross-origin request from {origin} refused")


class RateLimiter:
    """Token bucket per client key: ``rate`` requests per ``per`` seconds, bursts up to ``rate``."""

    def __init__(self, rate: int, per: float, *, max_clients: int = 10_000) -> None:
        self.rate = float(rate)
        self.per = float(per)
        self.max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds to wait before the next request would be allowed)."""
        now = time.monotonic()
        refill = self.rate / self.per
        with self._lock:
            tokens, last = self._buckets.get(key, (self.rate, now))
            tokens = min(self.rate, tokens + (now - last) * refill)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                ok, wait = True, 0.0
            else:
                self._buckets[key] = (tokens, now)
                ok, wait = False, (1.0 - tokens) / refill
            if len(self._buckets) > self.max_clients:
                self._evict(now)
        return ok, wait

    def _evict(self, now: float) -> None:
        full = [k for k, (t, last) in self._buckets.items() if now - last > self.per]
        for k in full or list(self._buckets)[: len(self._buckets) // 2]:
            self._buckets.pop(k, None)

    def check(self, request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        ok, wait = self.allow(client)
        if not ok:
            raise HTTPException(429, "too many requests: try again later",
                                headers={"Retry-After": str(max(1, int(wait + 0.999)))})
