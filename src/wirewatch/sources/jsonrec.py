"""JSON / JSON Lines records: one document per record, metadata taken from the record's fields.

News corpora come as JSON in many dialects (news-please ``maintext``/``date_publish``, scraper
dumps with ``full_text``/``date``, ``headline``...).  We accept the documented names (``text`` or
``html``, ``url``, ``title``, ``published``) first, then the common synonyms, so a corpus loads
without a conversion step.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, BinaryIO

from wirewatch.errors import EMPTY, JSON, TOO_LARGE, InputError
from wirewatch.records import Document, Rejected
from wirewatch.sources.decode import decode_bytes, sniff_format

HTML_KEYS = ("html", "raw_html", "content_html", "body_html")
TEXT_KEYS = ("text", "full_text", "maintext", "body", "content", "article", "article_text", "story")
URL_KEYS = ("url", "link", "canonical_url", "source_url", "uri")
TITLE_KEYS = ("title", "headline")
DATE_KEYS = ("published", "date", "date_publish", "publish_date", "published_at", "pubdate",
             "datePublished", "publication_date", "pub_date", "timestamp")
CONTAINER_KEYS = ("articles", "records", "items", "documents", "docs", "data", "results")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_META_MAX_CHARS = 500


def normalise_day(value: Any) -> str | None:
    """A record's date field as ``YYYY-MM-DD`` (ISO strings, RFC 2822, epoch seconds/ms), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%d")
        except (OverflowError, ValueError, OSError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    match = _ISO_DAY.match(value)
    if match:
        try:
            return datetime(int(match[1]), int(match[2]), int(match[3])).strftime("%Y-%m-%d")
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(value.strip()).strftime("%Y-%m-%d")
    except (TypeError, ValueError, IndexError):
        return None


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> tuple[str | None, Any]:
    for key in keys:
        if key in record and record[key] not in (None, ""):
            return key, record[key]
    return None, None


def _meta(record: dict[str, Any], used: set[str]) -> dict[str, Any]:
    """Short scalar fields (and lists of strings, like authors) the record carries besides the body."""
    meta: dict[str, Any] = {}
    for key, value in record.items():
        if key in used:
            continue
        if isinstance(value, (str, int, float, bool)) and len(str(value)) <= _META_MAX_CHARS:
            meta[key] = value
        elif isinstance(value, list) and all(isinstance(v, str) for v in value) and len(value) <= 50:
            meta[key] = value
    return meta


def record_to_document(record: Any, *, source: str) -> Document:
    """One JSON record as a Document; ``InputError`` (``json`` / ``empty``) when it holds no article."""
    if not isinstance(record, dict):
        raise InputError(JSON, f"JSON record is a {type(record).__name__}, not an object", source=source)
    body_key, body = _first(record, HTML_KEYS)
    fmt = "html"
    if body_key is None:
        body_key, body = _first(record, TEXT_KEYS)
        fmt = "text"
    if body_key is None:
        present = [k for k in HTML_KEYS + TEXT_KEYS if k in record]
        if present:
            raise InputError(EMPTY, f"JSON record has an empty {present[0]!r} field", source=source)
        raise InputError(JSON, "JSON record has no 'text' or 'html' field", source=source)
    if not isinstance(body, str):
        raise InputError(JSON, f"JSON field {body_key!r} is a {type(body).__name__}, not a string", source=source)
    if not body.strip():
        raise InputError(EMPTY, f"JSON record has an empty {body_key!r} field", source=source)
    if fmt == "text":
        fmt = sniff_format(body)
    url_key, url = _first(record, URL_KEYS)
    title_key, title = _first(record, TITLE_KEYS)
    date_key, date = _first(record, DATE_KEYS)
    published = normalise_day(date)
    used = {k for k in (body_key, url_key, title_key) if k} | ({date_key} if published else set())
    return Document(
        source=source, content=body, format=fmt,
        url=url if isinstance(url, str) else None,
        title=title.strip() if isinstance(title, str) and title.strip() else None,
        published=published, meta=_meta(record, used),
    )


def _records_of(value: Any) -> list[Any] | None:
    """The list of records a parsed JSON document holds (a list, or a dict wrapping one), else None."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and not any(k in value for k in HTML_KEYS + TEXT_KEYS):
        for key in CONTAINER_KEYS:
            if isinstance(value.get(key), list):
                return value[key]
    return None


def iter_json(data: bytes, *, source: str) -> Iterator[Document | Rejected]:
    """Records of one JSON document (one object, a list, or ``{"articles": [...]}``); JSON Lines also accepted."""
    try:
        text = decode_bytes(data, source=source)
    except InputError as exc:
        yield Rejected(source, exc.code, exc.reason)
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several objects, one per line: JSON Lines saved as .json
            yield from _iter_lines(iter(text.encode("utf-8").splitlines(keepends=True)), source=source)
            return
        yield Rejected(source, JSON, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")
        return
    records = _records_of(value)
    if records is None:
        yield _to_doc(value, source)
        return
    if not records:
        yield Rejected(source, EMPTY, "JSON document holds no records")
    for index, record in enumerate(records, start=1):
        yield _to_doc(record, f"{source}#{index}")


def _to_doc(record: Any, source: str) -> Document | Rejected:
    try:
        return record_to_document(record, source=source)
    except InputError as exc:
        return Rejected(source, exc.code, exc.reason)


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


def _iter_lines(lines: Iterator[bytes], *, source: str) -> Iterator[Document | Rejected]:
    for number, line in enumerate(lines, start=1):
        where = f"{source}#{number}"
        if isinstance(line, _Oversized):
            yield Rejected(where, TOO_LARGE, f"JSON line is over the {line.cap:,}-byte cap")
            continue
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if not line.strip():
            continue
        try:
            record = json.loads(_decode_line(line))
        except json.JSONDecodeError as exc:
            yield Rejected(where, JSON, f"invalid JSON on line {number}: {exc.msg} (column {exc.colno})")
            continue
        yield _to_doc(record, where)


class _Oversized(bytes):
    """Marker for a line cut at the size cap (its content is dropped)."""

    cap: int = 0


def capped_lines(stream: BinaryIO, *, max_bytes: int) -> Iterator[bytes]:
    """Lines of a binary stream, each read with a cap; an over-long line becomes one ``_Oversized`` marker."""
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # skip the rest of the over-long line without holding it
                more = stream.readline(1 << 20)
                if not more or more.endswith(b"\n"):
                    break
            marker = _Oversized(b"x")
            marker.cap = max_bytes
            yield marker
            continue
        yield line


def iter_jsonl(stream: BinaryIO, *, source: str, max_bytes: int) -> Iterator[Document | Rejected]:
    """Records of a JSON Lines stream, streamed: a bad line is rejected as ``source#N`` and reading goes on."""
    yield from _iter_lines(capped_lines(stream, max_bytes=max_bytes), source=source)
