"""Files, folders and stdin: what each holds is decided by its extension, else by its first bytes.

Folders are walked recursively in sorted order (so reruns see the same sequence) one file at a
time, skipping hidden entries.  Whole-document formats (text, HTML, JSON, feeds) are capped at
``max_bytes`` before reading; streamed containers (JSON Lines, WARC) are capped per record, so a
large corpus file is fine.  Gzip is undone transparently, including for files with no ``.gz``
suffix, and a truncated gzip stream is a ``gzip`` rejection after whatever was read before it.
"""

from __future__ import annotations

import gzip
import io
import logging
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from wirewatch.errors import BINARY, EMPTY, GZIP, INTERNAL, NOT_FOUND, TOO_LARGE, UNSUPPORTED, InputError
from wirewatch.records import Document, Rejected
from wirewatch.sources.decode import (
    SNIFF_BYTES, binary_kind, decode_bytes, looks_like_feed, looks_like_json, looks_like_warc, sniff_format,
)
from wirewatch.sources.feeds import iter_feed
from wirewatch.sources.jsonrec import iter_json, iter_jsonl
from wirewatch.sources.options import Options
from wirewatch.sources.urls import fetch_page
from wirewatch.sources.warc import iter_warc

log = logging.getLogger(__name__)

EXTENSION_KINDS = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".warc": "warc", ".arc": "warc",
    ".rss": "feed", ".atom": "feed", ".xml": "xml",
}
# Files that are never news documents: refused by name, without reading them.
UNSUPPORTED_EXTENSIONS = frozenset(
    ".png .jpg .jpeg .gif .webp .bmp .tif .tiff .ico .svg .heic .avif .pdf .doc .docx .odt .rtf .xls .xlsx "
    ".ods .ppt .pptx .odp .csv .tsv .parquet .zip .tar .tgz .bz2 .xz .7z .rar .zst .exe .dll .so .dylib .bin "
    ".class .jar .pyc .mp3 .mp4 .m4a .wav .ogg .webm .avi .mov .mkv .flac .woff .woff2 .ttf .otf .eot "
    ".css .js .mjs .map .py .sh .sqlite .db .duckdb .epub".split()
)
_GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)
_GZIP_MAGIC = b"\x1f\x8b"


class _Prefixed(io.RawIOBase):
    """A stream that first replays bytes already read (the sniffed head), then reads on from ``rest``."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if self._head.nbytes:
            n = min(len(buffer), self._head.nbytes)
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def kind_from_name(name: str) -> tuple[str, bool]:
    """(kind, gzipped) from a file name: kind is a reader name, ``"sniff"`` or ``"unsupported"``."""
    lower = name.lower()
    gzipped = lower.endswith((".gz", ".gzip"))
    if gzipped:
        lower = lower.rsplit(".", 1)[0]
    ext = os.path.splitext(lower)[1]
    if ext in EXTENSION_KINDS:
        return EXTENSION_KINDS[ext], gzipped
    if ext in UNSUPPORTED_EXTENSIONS:
        return "unsupported", gzipped
    return "sniff", gzipped


def iter_path(path_str: str, options: Options) -> Iterator[Document | Rejected]:
    """Everything a path (file or folder) holds, as given on the command line."""
    path = Path(path_str)
    if path.is_dir():
        yield from _iter_folder(path, path_str, options)
    elif path.is_file():
        yield from _iter_file(path, path_str, options)
    elif path.exists():
        yield Rejected(path_str, UNSUPPORTED, "not a regular file or folder (device, socket or pipe)")
    else:
        yield Rejected(path_str, NOT_FOUND, "no such file or folder")


def walk_files(root_str: str) -> Iterator[str]:
    """Files under a folder as ``sources`` reads them: depth first in sorted order, hidden entries
    and symlinked folders skipped, each named as ``root_str`` joined with its relative path.
    A folder that cannot be read is yielded itself, for the reader to reject with its reason."""
    try:
        entries = sorted(os.scandir(root_str), key=lambda e: e.name)
    except OSError:
        yield root_str
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        shown = os.path.join(root_str, entry.name)
        if entry.is_dir(follow_symlinks=False):
            yield from walk_files(shown)
        elif entry.is_file():
            yield shown


def _iter_folder(root: Path, root_str: str, options: Options) -> Iterator[Document | Rejected]:
    """Every document of the files under ``root`` (see ``walk_files``)."""
    for shown in walk_files(root_str):
        path = Path(shown)
        if path.is_dir():
            yield Rejected(shown, NOT_FOUND, "folder cannot be read")
        else:
            yield from _guarded_file(path, shown, options)


def _guarded_file(path: Path, source: str, options: Options) -> Iterator[Document | Rejected]:
    """One file of a folder walk: a reader bug costs that file only, not the rest of the folder."""
    try:
        yield from _iter_file(path, source, options)
    except Exception as exc:  # noqa: BLE001 - logged with traceback; the walk goes on
        log.debug("unexpected error while reading %s", source, exc_info=True)
        yield Rejected(source, INTERNAL, f"unexpected error while reading ({type(exc).__name__}: {exc})")


def _iter_file(path: Path, source: str, options: Options) -> Iterator[Document | Rejected]:
    kind, gzipped = kind_from_name(path.name)
    if kind == "unsupported":
        yield Rejected(source, UNSUPPORTED, f"unsupported file type {path.suffix or path.name!r}")
        return
    try:
        size = path.stat().st_size
        if size == 0:
            yield Rejected(source, EMPTY, "empty file (0 bytes)")
            return
        if size > options.max_bytes and kind not in ("jsonl", "warc", "sniff"):
            yield Rejected(source, TOO_LARGE, f"file is {size:,} bytes, over the {options.max_bytes:,}-byte cap")
            return
        with open(path, "rb") as raw:
            if kind == "warc":  # warcio undoes per-record gzip itself
                yield from iter_warc(raw, source=source, max_bytes=options.max_bytes)
                return
            stream: BinaryIO = gzip.GzipFile(fileobj=raw) if gzipped else raw  # type: ignore[assignment]
            yield from read_stream(stream, source=source, kind=kind, options=options)
    except OSError as exc:  # vanished since the walk listed it, permission denied, I/O error
        yield Rejected(source, NOT_FOUND, f"file cannot be read ({exc.strerror or exc})")


def _read_head(stream: BinaryIO, source: str) -> bytes:
    """The first ``SNIFF_BYTES`` (fewer only at end of stream, even from raw streams with short reads)."""
    try:
        head = stream.read(SNIFF_BYTES)
        while head and len(head) < SNIFF_BYTES:
            more = stream.read(SNIFF_BYTES - len(head))
            if not more:
                break
            head += more
        return head
    except _GZIP_ERRORS as exc:
        raise InputError(GZIP, f"corrupt or truncated gzip data ({exc})", source=source) from None


def _read_all(stream: BinaryIO, *, source: str, max_bytes: int) -> bytes:
    """The whole stream, refusing it as soon as it passes the cap (also bounds gzip bombs)."""
    try:
        data = stream.read(max_bytes + 1)
    except _GZIP_ERRORS as exc:
        raise InputError(GZIP, f"corrupt or truncated gzip data ({exc})", source=source) from None
    if len(data) > max_bytes:
        raise InputError(TOO_LARGE, f"content is over the {max_bytes:,}-byte cap", source=source)
    return data


def sniff_kind(head: bytes) -> str:
    """The reader for content whose name says nothing: gzip, warc, feed, json(l), or a document."""
    if head.startswith(_GZIP_MAGIC):
        return "gzip"
    if looks_like_warc(head):
        return "warc"
    if looks_like_feed(head):
        return "feed"
    return looks_like_json(head) or "document"


def read_stream(stream: BinaryIO, *, source: str, kind: str, options: Options,
                depth: int = 0) -> Iterator[Document | Rejected]:
    """Read one (already opened, already un-gzipped) stream with the reader ``kind`` names."""
    try:
        head = _read_head(stream, source)
        if not head.strip():
            yield Rejected(source, EMPTY, "empty content (no bytes, or only whitespace)")
            return
        if len(head) < SNIFF_BYTES:  # the head is all there is: most single articles
            whole: BinaryIO = io.BytesIO(head)
        else:
            whole = io.BufferedReader(_Prefixed(head, stream), buffer_size=1 << 16)  # type: ignore[arg-type]
        sniffed = sniff_kind(head)
        if sniffed == "gzip" and depth == 0:  # compressed without saying so in the name
            inner = gzip.GzipFile(fileobj=whole)  # type: ignore[arg-type]
            yield from read_stream(inner, source=source, kind=kind, options=options, depth=1)  # type: ignore[arg-type]
            return
        if kind == "sniff":
            kind = sniffed
        elif kind == "xml" and sniffed == "feed":
            kind = "feed"
        yield from _dispatch(whole, head, source=source, kind=kind, options=options)
    except InputError as exc:
        yield Rejected(source, exc.code, exc.reason)
    except _GZIP_ERRORS as exc:
        yield Rejected(source, GZIP, f"corrupt or truncated gzip data ({exc})")


def _dispatch(stream: BinaryIO, head: bytes, *, source: str, kind: str,
              options: Options) -> Iterator[Document | Rejected]:
    if kind == "jsonl":
        yield from iter_jsonl(stream, source=source, max_bytes=options.max_bytes)
        return
    if kind == "warc":
        yield from iter_warc(stream, source=source, max_bytes=options.max_bytes)
        return
    what = binary_kind(head)
    if what:
        yield Rejected(source, BINARY, f"not a text document: looks like {what}")
        return
    data = _read_all(stream, source=source, max_bytes=options.max_bytes)
    if kind == "json":
        yield from iter_json(data, source=source)
    elif kind == "feed":
        yield from iter_feed(data, source=source, base_url=None, fetch_items=options.fetch_items,
                             fetch_page=lambda link: fetch_page(options, link))
    else:
        yield _document(data, source=source, kind=kind)


def _document(data: bytes, *, source: str, kind: str) -> Document:
    """A whole text or HTML document; a ``.txt`` that is really a saved web page is read as HTML."""
    text = decode_bytes(data, source=source)
    sniffed = sniff_format(text)
    if kind == "html":
        fmt = "html"
    elif kind == "xml":
        if sniffed != "html":
            raise InputError(UNSUPPORTED, "XML file that is neither an RSS/Atom feed nor an (X)HTML page",
                             source=source)
        fmt = "html"
    elif kind == "text":
        fmt = "html" if sniffed == "html" and text.lstrip()[:1] == "<" else "text"
    else:
        fmt = sniffed
    return Document(source=source, content=text, format=fmt)


def iter_stdin(stream: BinaryIO, options: Options) -> Iterator[Document | Rejected]:
    """``-``: whatever arrives on stdin, sniffed (gzip, WARC, feed, JSON Lines, JSON, HTML or text)."""
    yield from read_stream(stream, source="-", kind="sniff", options=options)
