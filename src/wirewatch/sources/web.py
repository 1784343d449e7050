"""Fetching one URL safely: http(s) only, public addresses only, bounded in time and size.

A news tool that fetches whatever URL a feed or a user hands it is a classic server-side
request forgery hole, so every hop of a redirect chain is resolved and *every* address of the
host is checked (private, loopback, link-local, multicast, reserved are refused unless
``allow_private``).  The connection then goes to the address we checked (the URL is pinned to
it, with the original Host header and TLS server name), so a DNS answer that changes between
check and connect cannot smuggle us onto the local network.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from wirewatch.errors import BLOCKED_ADDRESS, FETCH, TOO_LARGE, UNSUPPORTED, InputError
from wirewatch.sources.decode import media_type as split_content_type

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20_000_000
MAX_REDIRECTS = 10
USER_AGENT = "wirewatch/0.1 (news-intelligence reader; +https://pypi.org/project/wirewatch/)"
ACCEPT = ("text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
          "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5")
_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(slots=True)
class FetchResult:
    """What one GET brought back (after redirects): body bytes plus the headers we care about."""

    url: str  # final URL, after redirects
    status: int
    content: bytes
    content_type: str | None = None  # media type, lower-case, without parameters
    charset: str | None = None  # charset parameter of Content-Type, if any
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # 304 to a conditional request: nothing new
    redirects: tuple[str, ...] = ()


def is_public_address(address: str) -> bool:
    """True for an address on the public internet (IPv4-mapped IPv6 judged by its IPv4 part)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                or ip.is_reserved or ip.is_unspecified or not ip.is_global)


def resolve(host: str, port: int, *, source: str) -> list[str]:
    """All addresses of ``host`` (deduplicated, resolver order); ``fetch`` error when it has none."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise InputError(FETCH, f"cannot resolve host {host!r} ({exc})", source=source) from None
    addresses: list[str] = []
    for info in infos:
        addr = str(info[4][0])
        if addr not in addresses:
            addresses.append(addr)
    if not addresses:
        raise InputError(FETCH, f"host {host!r} has no address", source=source)
    return addresses


def check_url(url: str, *, allow_private: bool, source: str) -> tuple[httpx.URL, list[str]]:
    """Parse ``url``, refuse non-http(s) schemes and non-public hosts; return it and its addresses."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise InputError(FETCH, f"invalid URL ({exc})", source=source) from None
    if parsed.scheme not in ("http", "https"):
        raise InputError(UNSUPPORTED, f"only http and https URLs are fetched, not {parsed.scheme or 'no'} scheme",
                         source=source)
    if not parsed.host:
        raise InputError(FETCH, "URL has no host", source=source)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    addresses = resolve(parsed.host, port, source=source)
    if not allow_private:
        blocked = [a for a in addresses if not is_public_address(a)]
        if blocked:
            raise InputError(
                BLOCKED_ADDRESS,
                f"refused to fetch {parsed.host}: it resolves to non-public address {blocked[0]} "
                "(pass allow_private / --allow-private to fetch from a private network)",
                source=source,
            )
    return parsed, addresses


def _send_pinned(client: httpx.Client, parsed: httpx.URL, addresses: list[str], headers: dict[str, str],
                 timeout: float, source: str) -> httpx.Response:
    """Open a streamed GET to the checked addresses in turn (first that connects wins)."""
    host_header = parsed.netloc.decode("ascii").rsplit("@", 1)[-1]
    last_exc: Exception | None = None
    for address in addresses:
        pinned = parsed.copy_with(host=address)
        request = client.build_request(
            "GET", pinned, headers={**headers, "Host": host_header},
            extensions={"sni_hostname": parsed.host},
            timeout=httpx.Timeout(timeout),
        )
        try:
            return client.send(request, stream=True)
        except httpx.ConnectError as exc:
            last_exc = exc
            continue
        except httpx.TimeoutException:
            raise InputError(FETCH, f"timed out after {timeout:.0f}s", source=source) from None
        except httpx.HTTPError as exc:
            raise InputError(FETCH, f"request failed ({type(exc).__name__}: {exc})", source=source) from None
    raise InputError(FETCH, f"cannot connect to {parsed.host} ({last_exc})", source=source)


def _read_capped(response: httpx.Response, *, max_bytes: int, deadline: float, timeout: float,
                 source: str) -> bytes:
    """Stream the body, stopping as soon as it exceeds the cap or the overall deadline."""
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise InputError(TOO_LARGE, f"response is {int(length):,} bytes, over the {max_bytes:,}-byte cap",
                         source=source)
    chunks: list[bytes] = []
    total = 0
    try:
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > max_bytes:
                raise InputError(TOO_LARGE, f"response exceeds the {max_bytes:,}-byte cap", source=source)
            if time.monotonic() > deadline:
                raise InputError(FETCH, f"timed out after {timeout:.0f}s reading the body", source=source)
            chunks.append(chunk)
    except httpx.TimeoutException:
        raise InputError(FETCH, f"timed out after {timeout:.0f}s reading the body", source=source) from None
    except httpx.HTTPError as exc:
        raise InputError(FETCH, f"body could not be read ({type(exc).__name__}: {exc})", source=source) from None
    return b"".join(chunks)


def fetch(url: str, *, allow_private: bool = False, timeout: float = 20.0, max_bytes: int = DEFAULT_MAX_BYTES,
          headers: dict[str, str] | None = None, client: httpx.Client | None = None) -> FetchResult:
    """GET ``url``, following redirects (each hop checked), within ``timeout`` seconds overall.

    ``headers`` are added to the request (e.g. If-None-Match).  Raises ``InputError`` with code
    ``unsupported`` (scheme), ``blocked_address``, ``too_large`` or ``fetch`` (DNS, connection,
    HTTP status >= 400, timeout, too many redirects).
    """
    own_client = client is None
    if client is None:
        client = httpx.Client(follow_redirects=False, trust_env=False)
    try:
        return _fetch(client, url, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes,
                      headers=headers or {})
    finally:
        if own_client:
            client.close()


def _fetch(client: httpx.Client, url: str, *, allow_private: bool, timeout: float, max_bytes: int,
           headers: dict[str, str]) -> FetchResult:
    deadline = time.monotonic() + timeout
    request_headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, **headers}
    current = url
    hops: list[str] = []
    for _ in range(MAX_REDIRECTS + 1):
        parsed, addresses = check_url(current, allow_private=allow_private, source=url)
        remaining = max(0.5, deadline - time.monotonic())
        response = _send_pinned(client, parsed, addresses, request_headers, remaining, url)
        try:
            location = response.headers.get("location")
            if response.status_code in _REDIRECTS and location:
                hops.append(current)
                current = urljoin(current, location)
                log.debug("redirect %s -> %s", hops[-1], current)
                continue
            return _result(response, current, hops, max_bytes=max_bytes, deadline=deadline,
                           timeout=timeout, source=url)
        finally:
            response.close()
    raise InputError(FETCH, f"more than {MAX_REDIRECTS} redirects", source=url)


def _result(response: httpx.Response, final_url: str, hops: list[str], *, max_bytes: int, deadline: float,
            timeout: float, source: str) -> FetchResult:
    media_type, charset = split_content_type(response.headers.get("content-type"))
    common = dict(url=final_url, status=response.status_code, content_type=media_type, charset=charset,
                  etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"),
                  redirects=tuple(hops))
    if response.status_code == 304:
        return FetchResult(content=b"", not_modified=True, **common)
    if response.status_code >= 400:
        raise InputError(FETCH, f"HTTP {response.status_code} {response.reason_phrase}".strip(), source=source)
    body = _read_capped(response, max_bytes=max_bytes, deadline=deadline, timeout=timeout, source=source)
    return FetchResult(content=body, **common)
