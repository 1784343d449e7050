"""POSTing to subscriber endpoints: checked addresses, pinned connections, kept alive per thread.

A webhook or push endpoint is a URL a stranger gave us, so it gets the same treatment as a URL we
fetch: http(s) only, every address of the host checked (private/loopback refused unless allowed),
and the connection goes to the address that was checked (with the original Host header and TLS
server name), so a DNS answer that changes after the check cannot move us onto the local network.

Fan-out to thousands of subscribers of one push service is dominated by connection set-up when
each POST opens a connection, so each worker thread keeps one connection per (host, address)
alive and reuses it.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import InputError
from ..sources.web import check_url

USER_AGENT = "wirewatch-alerts/0.1"
MAX_RESPONSE = 65536


@dataclass(slots=True)
class Response:
    status: int
    body: bytes
    headers: dict[str, str]


class Refused(Exception):
    """The endpoint may not be contacted (bad scheme, private address): retrying will not help."""


class _Pinned(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedTLS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class Poster:
    """Sends POSTs for one delivery round; safe to share between the round's worker threads."""

    def __init__(self, *, timeout: float = 10.0) -> None:
        self.timeout = timeout
        self._local = threading.local()
        self._checked: dict[tuple[str, str, int, bool], str] = {}
        self._lock = threading.Lock()
        self._tls = ssl.create_default_context()
        self._all: list[http.client.HTTPConnection] = []

    def address(self, url: str, *, allow_private: bool) -> tuple[str, str, int, str]:
        """(scheme, host, port, checked address) of ``url``; ``Refused`` when it may not be contacted."""
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), parts.hostname or ""
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError as exc:
            raise Refused(f"invalid URL ({exc})") from None
        key = (scheme, host, port, allow_private)
        with self._lock:
            found = self._checked.get(key)
        if found is None:
            try:
                _, addresses = check_url(url, allow_private=allow_private, source=url)
            except InputError as exc:
                raise Refused(exc.reason) from None
            found = addresses[0]
            with self._lock:
                self._checked[key] = found
        return scheme, host, port, found

    def _connection(self, scheme: str, host: str, port: int, address: str) -> http.client.HTTPConnection:
        pool = getattr(self._local, "pool", None)
        if pool is None:
            pool = self._local.pool = {}
        key = (scheme, host, port, address)
        con = pool.get(key)
        if con is None:
            if scheme == "https":
                con = _PinnedTLS(host, port, address, self.timeout, self._tls)
            else:
                con = _Pinned(host, port, address, self.timeout)
            pool[key] = con
            with self._lock:
                self._all.append(con)
        return con

    def post(self, url: str, body: bytes, headers: dict[str, str], *, allow_private: bool) -> Response:
        """POST ``body``; raise ``Refused`` for forbidden endpoints, ``OSError``/``HTTPException`` on failure."""
        scheme, host, port, address = self.address(url, allow_private=allow_private)
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"User-Agent": USER_AGENT, "Content-Length": str(len(body)), **headers}
        con = self._connection(scheme, host, port, address)
        reused = con.sock is not None
        try:
            return self._exchange(con, path, body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            con.close()
            if not reused:
                raise
            return self._exchange(con, path, body, headers)  # the kept-alive connection had gone stale
        except Exception:
            con.close()
            raise

    @staticmethod
    def _exchange(con: http.client.HTTPConnection, path: str, body: bytes, headers: dict[str, str]) -> Response:
        """One request written with a single send (headers and body together: one packet, one syscall)."""
        if con.sock is None:
            con.connect()
        host = con.host if con.port in (80, 443) else f"{con.host}:{con.port}"
        head = [f"POST {path} HTTP/1.1", f"Host: {host}"] + [f"{k}: {v}" for k, v in headers.items()]
        con.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        resp = http.client.HTTPResponse(con.sock, method="POST")
        resp.begin()
        data = resp.read(MAX_RESPONSE + 1)
        if len(data) > MAX_RESPONSE or resp.will_close or not resp.isclosed():
            con.close()  # do not keep a connection with unread bytes or that the server is closing
        return Response(status=resp.status, body=data[:MAX_RESPONSE], headers={k.lower(): v for k, v in resp.getheaders()})

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for con in conns:
            try:
                con.close()
            except OSError:
                pass
