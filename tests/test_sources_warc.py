from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wirewatch.records import Document, Rejected
from wirewatch.sources import iter_documents

STORY_1 = (b"<html><head><title>Fire at depot</title></head><body><p>A fire broke out at a fictional fuel depot.</p>"
           b"</body></html>")
STORY_2 = "<html><body><p>Caf\u00e9 owners in the fictional town of Ostra protest \u2014 again.</p></body></html>"


def write_warc(path: Path, *, gz: bool) -> None:
    """A small crawl: warcinfo, request, two HTML pages, an image, a redirect, a 404, a plain-text file."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gz)

        def response(url: str, body: bytes, ctype: str | None, status: str = "200 OK") -> None:
            headers = [("Content-Type", ctype)] if ctype else []
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=http))

        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "wirewatch-tests"}))
        request = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "news.example.org")], is_http_request=True)
        writer.write_record(writer.create_warc_record("https://news.example.org/a", "request",
                                                      payload=io.BytesIO(b""), http_headers=request))
        response("https://news.example.org/a", STORY_1, "text/html; charset=utf-8")           # 3
        response("https://news.example.org/logo.png", b"\x89PNG\r\n\x1a\n0000", "image/png")  # 4
        response("https://news.example.org/old", b"", "text/html", "301 Moved Permanently")   # 5
        response("https://news.example.org/b", STORY_2.encode("cp1252"), "text/html; charset=windows-1252")  # 6
        response("https://news.example.org/missing", b"<html>gone</html>", "text/html", "404 Not Found")  # 7
        response("https://news.example.org/robots.txt", b"User-agent: *\nDisallow:\n", "text/plain")  # 8
        response("https://news.example.org/c", b"<!DOCTYPE html><html><body><p>No type.</p></body></html>", None)  # 9


@pytest.mark.parametrize("name,gz", [("crawl.warc.gz", True), ("crawl.warc", False)])
def test_warc_html_responses_only(tmp_path: Path, name: str, gz: bool) -> None:
    path = tmp_path / name
    write_warc(path, gz=gz)
    items = list(iter_documents([str(path)]))
    assert all(isinstance(d, Document) for d in items)
    assert [(d.source, d.url) for d in items] == [
        (f"{path}#3", "https://news.example.org/a"),
        (f"{path}#6", "https://news.example.org/b"),
        (f"{path}#9", "https://news.example.org/c"),
    ]
    assert all(d.format == "html" and isinstance(d.content, str) for d in items)
    assert "Caf\u00e9 owners" in items[1].content and "\u2014" in items[1].content
    assert items[0].meta["warc_date"] and items[0].meta["warc_record_id"]


def test_warc_record_over_cap_is_rejected_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, gz=True)
    items = list(iter_documents([str(path)], max_bytes=100))
    assert [(r.source, r.code) for r in items if isinstance(r, Rejected)] == [(f"{path}#3", "too_large")]
    assert [d.source for d in items if isinstance(d, Document)] == [f"{path}#6", f"{path}#9"]


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_warc_keeps_records_before_the_fault(tmp_path: Path, gz: bool) -> None:
    whole = tmp_path / "whole.warc"
    write_warc(whole, gz=gz)
    data = whole.read_bytes()
    cut = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    cut.write_bytes(data[: len(data) - 40])
    items = list(iter_documents([str(cut)]))
    assert [d.source for d in items if isinstance(d, Document)] == [f"{cut}#3", f"{cut}#6"]
    bad = [r for r in items if isinstance(r, Rejected)]
    assert len(bad) == 1 and bad[0].code == "warc" and bad[0].source.startswith(f"{cut}#")


def test_garbage_warc_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "junk.warc"
    path.write_text("this is not an archive\nat all\n")
    items = list(iter_documents([str(path), str(tmp_path / "junk.warc")]))
    assert {(r.code) for r in items if isinstance(r, Rejected)} == {"warc"}
    assert "malformed WARC" in items[0].reason and "\n" not in items[0].reason


def test_warc_without_extension_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    write_warc(path, gz=False)
    renamed = tmp_path / "crawl-dump"
    path.rename(renamed)
    items = list(iter_documents([str(renamed)]))
    assert [d.url for d in items] == ["https://news.example.org/a", "https://news.example.org/b",
                                      "https://news.example.org/c"]
