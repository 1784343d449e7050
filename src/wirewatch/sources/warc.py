"""WARC / WARC.gz (and ARC) crawls: one document per HTML response record.

A crawl holds far more than articles (DNS records, requests, metadata, images, scripts, redirects):
everything that is not a successful HTML response is skipped silently, since it was never a
document.  A damaged archive is rejected (``warc``) at the record where reading failed, and every
record read before the fault has already been handed on.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from wirewatch.errors import TOO_LARGE, WARC, InputError
from wirewatch.records import Document, Rejected
from wirewatch.sources.decode import SNIFF_BYTES, decode_bytes, sniff_format
from wirewatch.sources.decode import media_type as split_content_type

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
# warcio reports damage in many ways (ArchiveLoadFailed, zlib/EOF errors, and plain AttributeError or
# ValueError when a header block is cut short), so any exception while parsing means a malformed archive.
_READ_ERRORS = (ArchiveLoadFailed, EOFError, zlib.error, OSError, Exception)


def _content_type(record: Any) -> tuple[str | None, str | None]:
    """(media type, charset) of the payload: the HTTP header for responses, the WARC header for resources."""
    if record.rec_type == "response" and record.http_headers is not None:
        value = record.http_headers.get_header("Content-Type")
    else:
        value = record.rec_headers.get_header("Content-Type")
    return split_content_type(value)


def _is_candidate(record: Any) -> bool:
    """A successful response (or a stored resource) that may hold a page."""
    if record.rec_type == "response":
        if record.http_headers is None:
            return False
        status = record.http_headers.get_statuscode() or ""
        return status.startswith("2")
    return record.rec_type == "resource"


def _document(record: Any, *, where: str, max_bytes: int) -> Document | Rejected | None:
    """The record's page as a Document, a Rejected, or None when it is not HTML (skipped)."""
    media_type, charset = _content_type(record)
    if media_type is not None and media_type not in HTML_TYPES and not media_type.startswith("text/"):
        return None
    payload = record.content_stream().read(max_bytes + 1)
    if len(payload) > max_bytes:
        return Rejected(where, TOO_LARGE, f"WARC record payload is over the {max_bytes:,}-byte cap")
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        return Rejected(where, WARC, f"truncated WARC record: {missing:,} bytes of its block are missing")
    declared_html = media_type in HTML_TYPES
    try:
        text = decode_bytes(payload, declared=charset, source=where)
    except InputError as exc:
        return Rejected(where, exc.code, exc.reason) if declared_html else None
    if not declared_html and sniff_format(text[:SNIFF_BYTES]) != "html":
        return None  # plain text, CSS, JS, robots.txt...: not a page
    headers = record.rec_headers
    meta = {
        "warc_record_id": headers.get_header("WARC-Record-ID"),
        "warc_date": headers.get_header("WARC-Date"),
    }
    return Document(
        source=where, content=text, format="html", url=headers.get_header("WARC-Target-URI"),
        encoding=charset, meta={k: v for k, v in meta.items() if v},
    )


class _QuietArchiveIterator(ArchiveIterator):
    """warcio writes a warning to stderr when a record is not followed by a blank line; we count
    those (``err_count``) and reject the archive instead, so the message template is emptied."""

    INC_RECORD = ""


def _drain(record: Any) -> int:
    """Read what is left of a record's block; return how many of its declared bytes never came."""
    stream = record.raw_stream
    while stream.read(1 << 16):
        pass
    return int(getattr(stream, "limit", 0) or 0)


def iter_warc(stream: BinaryIO, *, source: str, max_bytes: int) -> Iterator[Document | Rejected]:
    """Documents of a WARC/ARC stream (gzip or not); ``source#N`` numbers records from 1 in file order."""
    number = 0
    try:
        records = _QuietArchiveIterator(stream, arc2warc=True)
        for record in records:
            number += 1
            where = f"{source}#{number}"
            length = str(record.rec_headers.get_header("Content-Length") or "")
            if record.length is None or not length.isdigit():
                yield Rejected(where, WARC, f"malformed WARC record: bad Content-Length {length[:40]!r}")
                return
            if records.err_count:
                yield Rejected(where, WARC, f"malformed WARC: record {number - 1} is not followed by a blank "
                                            "line (wrong Content-Length or a damaged file)")
                return
            doc = _document(record, where=where, max_bytes=max_bytes) if _is_candidate(record) else None
            missing = _drain(record) if doc is None else 0
            if missing:
                doc = Rejected(where, WARC, f"truncated WARC record: {missing:,} bytes of its block are missing")
            if doc is not None:
                yield doc
            if isinstance(doc, Rejected) and doc.code == WARC:
                return  # nothing after a cut record can be trusted
    except _READ_ERRORS as exc:
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        where = "in the archive header" if number == 0 else f"after record {number}"
        yield Rejected(f"{source}#{number + 1}", WARC, f"malformed WARC: reading failed {where} ({reason})")
        return
    if number == 0:
        yield Rejected(source, WARC, "not a WARC archive: no records found")
    elif records.err_count:
        yield Rejected(f"{source}#{number}", WARC, "malformed WARC: trailing bytes after the last record")
