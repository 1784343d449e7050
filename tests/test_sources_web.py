"""URLs and URL feeds, served from a local http.server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from wirewatch.errors import InputError
from wirewatch.records import Document, Rejected
from wirewatch.sources import MemoryFeedState, fetch, is_public_address, iter_documents

PAGE = ("<html><head><title>Port strike</title></head><body><p>Dock workers in fictional Vessmark struck — café shut."
        "</p></body></html>")
ITEM = "<html><body><article><p>Item page {n}: the full fictional story.</p></article></body></html>"


def feed_xml(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Local Wire</title><link>{base}/</link><description>d</description>
<item><title>One</title><link>/item/1</link><pubDate>Mon, 16 Nov 2020 08:00:00 GMT</pubDate>
<description>Teaser one.</description></item>
<item><title>Two</title><link>{base}/item/2</link><description>Teaser two.</description></item>
<item><title>Three</title><link>{base}/missing</link><pubDate>Tue, 17 Nov 2020 08:00:00 GMT</pubDate>
<description>Own content of item three, used because its page is gone.</description></item>
<item><title>Four</title><link>{base}/missing</link></item>
</channel></rss>"""


class Handler(BaseHTTPRequestHandler):
    log: list[tuple[str, dict[str, str]]] = []

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None,
              length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        Handler.log.append((self.path, dict(self.headers.items())))
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        path = self.path
        if path == "/page.html":
            self._send(200, PAGE.encode("cp1252"), "text/html; charset=windows-1252")
        elif path == "/plain":
            self._send(200, "Plain wire copy about a fictional flood.".encode(), "text/plain; charset=utf-8")
        elif path == "/noext":
            self._send(200, PAGE.encode(), "application/octet-stream")
        elif path == "/redirect":
            self._send(302, b"", "text/html", {"Location": "/page.html"})
        elif path == "/loop":
            self._send(302, b"", "text/html", {"Location": "/loop"})
        elif path == "/elsewhere":
            port = self.server.server_address[1]
            self._send(302, b"", "text/html", {"Location": f"http://127.0.0.2:{port}/page.html"})
        elif path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"<p>" + b"x" * 1000 + b"</p>")
        elif path == "/declared-big":
            self._send(200, b"<p>small</p>", "text/html", {"Content-Length": "999999999"}, length=False)
        elif path == "/slow":
            time.sleep(2.5)
            self._send(200, PAGE.encode(), "text/html")
        elif path == "/image":
            self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
        elif path == "/records":
            self._send(200, b'{"text": "one", "title": "T1"}\n{"text": "two"}\n', "application/x-ndjson")
        elif path == "/feed.xml":
            if self.headers.get("If-None-Match") == '"v1"':
                self._send(304, b"", "application/rss+xml", length=False)
            else:
                self._send(200, feed_xml(base).encode(), "application/rss+xml",
                           {"ETag": '"v1"', "Last-Modified": "Mon, 16 Nov 2020 09:00:00 GMT"})
        elif path.startswith("/item/"):
            self._send(200, ITEM.format(n=path.rsplit("/", 1)[1]).encode(), "text/html; charset=utf-8")
        else:
            self._send(404, b"not here", "text/plain")


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that gave up (timeouts, size caps) break the pipe on purpose


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def one(url: str, **kw) -> Document | Rejected:
    items = list(iter_documents([url], **kw))
    assert len(items) == 1, items
    return items[0]


def test_page_is_fetched_and_decoded_with_http_charset(server: str) -> None:
    doc = one(f"{server}/page.html", allow_private=True)
    assert isinstance(doc, Document)
    assert (doc.source, doc.url, doc.format, doc.encoding) == (
        f"{server}/page.html", f"{server}/page.html", "html", "windows-1252")
    assert "struck — café shut" in doc.content


def test_content_type_and_sniffing_set_format(server: str) -> None:
    assert one(f"{server}/plain", allow_private=True).format == "text"
    assert one(f"{server}/noext", allow_private=True).format == "html"
    image = one(f"{server}/image", allow_private=True)
    assert isinstance(image, Rejected) and image.code == "binary"


def test_private_addresses_refused_without_flag(server: str) -> None:
    Handler.log.clear()
    port = server.rsplit(":", 1)[1]
    for url in (f"{server}/page.html", f"http://localhost:{port}/page.html"):
        rejected = one(url)
        assert isinstance(rejected, Rejected) and rejected.code == "blocked_address"
        assert "127.0.0.1" in rejected.reason or "::1" in rejected.reason
    assert Handler.log == []  # the server was never contacted


def test_redirects_followed_and_every_hop_checked(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = one(f"{server}/redirect", allow_private=True)
    assert isinstance(doc, Document) and doc.url == f"{server}/page.html"
    assert doc.meta["redirects"] == [f"{server}/redirect"]
    loop = one(f"{server}/loop", allow_private=True)
    assert isinstance(loop, Rejected) and loop.code == "fetch" and "redirects" in loop.reason
    # Pretend 127.0.0.1 is public: the first hop passes, the hop to 127.0.0.2 must still be refused.
    monkeypatch.setattr("wirewatch.sources.web.is_public_address", lambda a: a == "127.0.0.1")
    hop = one(f"{server}/elsewhere")
    assert isinstance(hop, Rejected) and hop.code == "blocked_address" and "127.0.0.2" in hop.reason


def test_size_cap_and_timeouts(server: str) -> None:
    big = one(f"{server}/big", allow_private=True, max_bytes=20_000)
    assert isinstance(big, Rejected) and big.code == "too_large"
    declared = one(f"{server}/declared-big", allow_private=True, max_bytes=20_000)
    assert isinstance(declared, Rejected) and declared.code == "too_large"
    started = time.monotonic()
    slow = one(f"{server}/slow", allow_private=True, timeout=0.5)
    assert isinstance(slow, Rejected) and slow.code == "fetch" and "timed out" in slow.reason
    assert time.monotonic() - started < 2.0


def test_http_errors_and_unreachable_hosts(server: str) -> None:
    missing = one(f"{server}/nothing-here", allow_private=True)
    assert isinstance(missing, Rejected) and missing.code == "fetch" and "404" in missing.reason
    closed = one("http://127.0.0.1:9/", allow_private=True, timeout=2)
    assert isinstance(closed, Rejected) and closed.code == "fetch"
    unresolvable = one("http://no-such-host.invalid/x", allow_private=True, timeout=2)
    assert isinstance(unresolvable, Rejected) and unresolvable.code == "fetch"


def test_fetch_api_raises_input_error(server: str) -> None:
    result = fetch(f"{server}/page.html", allow_private=True)
    assert result.status == 200 and result.content_type == "text/html" and result.charset == "windows-1252"
    with pytest.raises(InputError) as info:
        fetch(f"{server}/page.html")
    assert info.value.code == "blocked_address"
    with pytest.raises(InputError) as info:
        fetch("gopher://example.org/")
    assert info.value.code == "unsupported"


def test_json_lines_url(server: str) -> None:
    items = list(iter_documents([f"{server}/records"], allow_private=True))
    assert [(d.source, d.title) for d in items] == [(f"{server}/records#1", "T1"), (f"{server}/records#2", None)]


def test_url_feed_fetches_items_falls_back_and_polls_conditionally(server: str) -> None:
    state = MemoryFeedState()
    feed = f"{server}/feed.xml"
    items = list(iter_documents([feed], allow_private=True, feed_state=state))
    docs = [d for d in items if isinstance(d, Document)]
    assert [d.source for d in docs] == [f"{server}/item/1", f"{server}/item/2", f"{server}/missing"]
    assert "Item page 1" in docs[0].content and docs[0].meta["content_from"] == "page"
    assert docs[0].title == "One" and docs[0].published == "2020-11-16" and docs[0].format == "html"
    assert docs[2].meta["content_from"] == "feed" and "404" in docs[2].meta["fetch_error"]
    assert "Own content of item three" in docs[2].content and docs[2].published == "2020-11-17"
    assert [(r.source, r.code) for r in items if isinstance(r, Rejected)] == [(f"{server}/missing", "fetch")]
    assert state.get(feed) == ('"v1"', "Mon, 16 Nov 2020 09:00:00 GMT")

    Handler.log.clear()
    assert list(iter_documents([feed], allow_private=True, feed_state=state)) == []
    assert [p for p, _ in Handler.log] == ["/feed.xml"]  # one conditional request, no item fetched
    assert Handler.log[0][1].get("If-None-Match") == '"v1"'
    assert Handler.log[0][1].get("If-Modified-Since") == "Mon, 16 Nov 2020 09:00:00 GMT"


def test_feed_items_on_private_addresses_fall_back_without_flag(server: str, tmp_path: Path) -> None:
    path = tmp_path / "saved.rss"
    path.write_text(feed_xml(server))
    Handler.log.clear()
    items = list(iter_documents([str(path)], fetch_items=True))
    assert Handler.log == []
    docs = [d for d in items if isinstance(d, Document)]
    assert [d.meta["content_from"] for d in docs] == ["feed", "feed", "feed"]
    assert docs[0].source == f"{path}#1" and "fetch_error" not in docs[0].meta  # relative link: no URL
    assert all(d.meta["fetch_error"].startswith("blocked_address") for d in docs[1:])
    assert [(r.source, r.code) for r in items if isinstance(r, Rejected)] == [(f"{server}/missing", "blocked_address")]


@pytest.mark.parametrize("address,public", [
    ("8.8.8.8", True), ("2606:4700:4700::1111", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
    ("240.0.0.1", False), ("::1", False), ("fe80::1", False), ("fc00::1", False), ("::ffff:127.0.0.1", False),
    ("ff02::1", False),
])
def test_public_address_rules(address: str, public: bool) -> None:
    assert is_public_address(address) is public
