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
        status, resp_headers, data, keep = _read_response(con.sock)
        if not keep:
            con.close()  # the server is closing it, or bytes we did not read are left on it
        return Response(status=status, body=data, headers=resp_headers)

    def close(self) -> None:
        with self._lock:
            conns, self._all = self._all, []
        for con in conns:
            try:
                con.close()
            except OSError:
                pass


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes, bool]:
    """Read one HTTP/1.1 response: (status, headers, body up to MAX_RESPONSE, connection reusable).

    A lean reader (http.client's goes through the email parser): push services answer 201 with a
    few headers, and at thousands of pushes a second that parsing is a sizeable share of the CPU.
    """
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise http.client.RemoteDisconnected("the endpoint closed the connection without a response")
        buf += chunk
        if len(buf) > MAX_RESPONSE:
            raise http.client.HTTPException("response headers too long")
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise http.client.BadStatusLine(lines[0])
    status = int(parts[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    keep = parts[0] == "HTTP/1.1" and "close" not in headers.get("connection", "").lower()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        return status, headers, rest[:MAX_RESPONSE], False  # not worth parsing: read what came, reconnect
    if "content-length" not in headers:
        if status in (204, 304):
            return status, headers, b"", keep
        return status, headers, rest[:MAX_RESPONSE], False  # the body ends when the server closes: no reuse
    length = int(headers["content-length"])
    want = min(length, MAX_RESPONSE)
    while len(rest) < want:
        chunk = sock.recv(65536)
        if not chunk:
            return status, headers, rest, False
        rest += chunk
    return status, headers, rest[:want], keep and length <= MAX_RESPONSE and len(rest) == length
