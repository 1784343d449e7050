"""Signed webhooks: a JSON POST whose ``X-Wirewatch-Signature`` proves it came from us.

The signature is ``sha256=<hex HMAC-SHA256 of the exact body bytes, keyed with the subscriber's
secret>``; a receiver recomputes it over the raw body it read (before parsing any JSON) and
compares in constant time (``verify``).  Non-2xx answers other than 408/425/429 and 5xx are
permanent (the receiver said no): no retries, straight to the dead letters.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets as _secrets
from typing import Any

from ._http import Poster, Refused
from .messages import Outcome

HEADER = "X-Wirewatch-Signature"


def new_secret() -> str:
    return _secrets.token_urlsafe(32)


def sign(body: bytes, secret: str) -> str:
    """The signature header value for ``body``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str | None) -> bool:
    """Whether ``header`` is the signature of ``body`` with ``secret`` (constant-time)."""
    return bool(header) and hmac.compare_digest(sign(body, secret), header)


def send(poster: Poster, subscriber: dict[str, Any], body: bytes, *, event: str, delivery: str,
         allow_private: bool) -> Outcome:
    headers = {"Content-Type": "application/json; charset=utf-8", HEADER: sign(body, subscriber["secret"] or ""),
               "X-Wirewatch-Event": event, "X-Wirewatch-Delivery": delivery}
    try:
        resp = poster.post(subscriber["target"], body, headers, allow_private=allow_private)
    except Refused as exc:
        return Outcome(ok=False, error=f"refused: {exc}")
    except Exception as exc:  # network errors, timeouts, HTTP protocol errors: try again later
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}", retry=True)
    if 200 <= resp.status < 300:
        return Outcome.sent(resp.status)
    retry = resp.status in (408, 425, 429) or resp.status >= 500
    return Outcome(ok=False, status=resp.status, error=f"webhook answered {resp.status}", retry=retry)
