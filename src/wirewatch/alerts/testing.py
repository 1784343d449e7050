"""Stand-ins for the far ends of alert delivery, for tests, benchmarks and local trials.

``Receiver`` is a threaded HTTP server on 127.0.0.1 that records every POST (a webhook
receiver, or a push service); ``answer`` sets the status it replies with per path (a list is
used up in order, then its last value stays).  ``Browser`` plays a browser's side of Web Push:
it makes the key pair and auth secret of a subscription and decrypts what the push service got,
exactly as a service worker's browser would (RFC 8291, via ``http_ece``).
"""

from __future__ import annotations

import base64
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


@dataclass(slots=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.perf_counter() when it arrived


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a real push service

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        srv: Receiver = self.server.receiver  # type: ignore[attr-defined]
        status = srv._record(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body,
                                      time.perf_counter()))
        delay = srv.delays.get(self.path, srv.delay)
        if delay:
            time.sleep(delay)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


class Receiver:
    """A recording HTTP endpoint on 127.0.0.1 (use as a context manager)."""

    def __init__(self, *, default: int = 201, delay: float = 0.0) -> None:
        self.default = default
        self.delay = delay
        self.delays: dict[str, float] = {}  # per-path delay before answering (a hanging endpoint)
        self.received: list[Received] = []
        self._answers: dict[str, list[int]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.receiver = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, path: str, *statuses: int) -> None:
        with self._lock:
            self._answers[path] = list(statuses)

    def _record(self, item: Received) -> int:
        with self._lock:
            self.received.append(item)
            queue = self._answers.get(item.path)
            if not queue:
                return self.default
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def at(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.path == path]

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


@dataclass
class Browser:
    """A browser's Web Push keys for one subscription, and the decryption of what it is sent."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def subscription(self) -> dict[str, Any]:
        """The JSON a browser's ``PushManager.subscribe()`` returns."""
        point = self.private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                           serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": _b64(point), "auth": _b64(self.auth)}}

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm")
