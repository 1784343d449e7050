"""Bytes to text, and what kind of text it is.

News pages arrive in every encoding the web ever used and often lie about it.  We never
reject a page for its encoding: the charset comes from a byte-order mark, then the transport
(HTTP header), then the page itself (``<meta charset>`` / XML declaration), then strict UTF-8,
then cp1252 (which is what "latin-1" means on the web), then latin-1 (which cannot fail).
What *is* rejected is content that is not text at all: images, PDFs, archives, executables.
"""

from __future__ import annotations

import codecs
import re

from wirewatch.errors import BINARY, EMPTY, InputError

SNIFF_BYTES = 8192

# Leading bytes of binary formats people drop into folders of news by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"BZh91AY&SY", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"OggS", "an Ogg media file"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Bytes below 0x20 that ordinary text contains: tab, LF, VT, FF, CR, ESC (ANSI colours).
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x1b")
_BINARY_CONTROLS = bytes(b for b in range(0x20) if b not in _TEXT_CONTROLS)
_CONTROL_RATIO = 0.05

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)["']""")

# WHATWG: these labels mean windows-1252 on the web, and cp1252 decodes them as intended.
_WEB_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii", "cp819",
               "windows-1252", "cp1252", "iso_8859-1", "x-cp1252"}


def binary_kind(head: bytes) -> str | None:
    """Say what binary thing ``head`` (the first bytes of a document) is, or None if it looks like text.

    A BOM'd UTF-16/32 text legitimately contains NUL bytes, so BOMs are checked first.
    """
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return None
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head[4:8] == b"ftyp":
        return "an MP4/QuickTime media file"
    if head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "a RIFF media file"
    sample = head[:SNIFF_BYTES]
    if not sample:
        return None
    if b"\x00" in sample:
        return "binary data (NUL bytes)"
    controls = len(sample) - len(sample.translate(None, _BINARY_CONTROLS))
    if controls / len(sample) > _CONTROL_RATIO:
        return "binary data (control characters)"
    return None


def _normalise_label(label: str | None) -> str | None:
    """A Python codec name for a declared charset label, or None when unknown or bogus."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _WEB_CP1252:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page that says utf-16 but was served as bytes without a BOM is almost always lying.
    return None if name.startswith(("utf-16", "utf-32")) else name


def declared_in_markup(data: bytes) -> str | None:
    """The charset a page declares about itself (``<meta charset>``, http-equiv, XML declaration)."""
    head = data[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "ignore") if match else None


def _try(data: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data: bytes, *, declared: str | None = None, source: str) -> str:
    """Decode one document's bytes, trying each likely charset in order; never fails on encoding.

    Raises ``InputError`` (``empty`` or ``binary``) when the bytes are not a text document.
    """
    if not data.strip():
        raise InputError(EMPTY, "empty document (no bytes, or only whitespace)", source=source)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(encoding, errors="replace")
            if not text.strip():
                raise InputError(EMPTY, "empty document (only a byte-order mark)", source=source)
            return text
    what = binary_kind(data[:SNIFF_BYTES])
    if what:
        raise InputError(BINARY, f"not a text document: looks like {what}", source=source)
    for candidate in (_normalise_label(declared), _normalise_label(declared_in_markup(data)), "utf-8", "cp1252"):
        text = _try(data, candidate)
        if text is not None:
            return text
    return data.decode("latin-1")


_HTML_START = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta[\s>]|<title[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAG = re.compile(
    r"</?(?:p|div|span|a|br|h[1-6]|article|section|main|header|footer|nav|ul|li|table|td|img|script|style|"
    r"strong|em|b|i|figure|time)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_FEED_ROOT = re.compile(rb"<(?:rss[\s>]|feed[\s>]|rdf:RDF[\s>])", re.IGNORECASE)


def sniff_format(text: str) -> str:
    """``"html"`` or ``"text"``: what a document with no telling extension or content type holds.

    Text dumps sometimes quote a tag or two, so besides an HTML prologue we want a real density of
    tags before calling something HTML.
    """
    head = text[:SNIFF_BYTES]
    if _HTML_START.match(head):
        return "html"
    tags = len(_HTML_TAG.findall(head))
    if tags >= 5 and tags * 40 >= len(head.split("\n")):
        return "html"
    return "text"


def looks_like_feed(head: bytes) -> bool:
    """True when bytes start like an RSS, Atom or RDF feed (an XML root named rss/feed/rdf:RDF)."""
    sample = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not sample.startswith(b"<"):
        return False
    if _HTML_START.match(sample[:512].decode("latin-1")):
        return False
    return bool(_FEED_ROOT.search(sample))


def looks_like_warc(head: bytes) -> bool:
    """True for an uncompressed WARC (or ARC) archive."""
    return head.startswith(b"WARC/") or head.startswith(b"filedesc://")


def looks_like_json(head: bytes) -> str | None:
    """``"jsonl"`` or ``"json"`` when bytes look like JSON records, else None (a cheap first-line check)."""
    sample = head[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if sample.startswith(b"["):
        return "json"
    if not sample.startswith(b"{"):
        return None
    lines = [ln.strip() for ln in sample.split(b"\n") if ln.strip()]
    complete = lines[:-1] if len(lines) > 1 else lines
    if len(lines) > 1 and all(ln.startswith(b"{") and ln.endswith(b"}") for ln in complete):
        return "jsonl"
    return "json"


def media_type(value: str | None) -> tuple[str | None, str | None]:
    """Split a Content-Type header into (media type, charset)."""
    if not value:
        return None, None
    parts = [p.strip() for p in value.split(";")]
    charset = None
    for param in parts[1:]:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val:
            charset = val.strip().strip("\"'") or None
    return (parts[0].lower() or None), charset
