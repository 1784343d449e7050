"""Small text helpers shared by the report builders: safe links, leads and fallback headlines.

Many inputs carry no title (text dumps, scraped bodies, data-set records): a report that shows
"untitled" two hundred times tells the analyst nothing, so a story without a title is named by a
short headline cut from its lead sentence, and says so (``title_from_lead``).
"""

from __future__ import annotations

import re
from typing import Any

_HTTP_URL = re.compile(r"https?://[^\s/?#\\\"'<>`]+(?:[/?#][^\s\\\"'<>`]*)?\Z", re.IGNORECASE)
# "N'DJAMENA, Chad (AP) — ", "PARIS (Reuters) - ", "LIMA, Peru -- ": a dateline is not a headline
_DATELINE = re.compile(r"^[A-Z][A-Z' .\-]{1,40}(?:,\s*[A-Z][\w .'\-]{1,40})?(?:\s*\([^)]{1,40}\))?\s*(?:—|–|--|-)\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘'(]?[A-Z0-9])")
HEADLINE_CHARS = 90


def safe_url(url: Any) -> str | None:
    """The URL if it is an absolute http(s) URL, else None: a report never links to
    ``javascript:`` or ``data:`` URLs that hostile pages may carry."""
    if not url:
        return None
    text = str(url).strip()
    return text if _HTTP_URL.match(text) else None


def lead(text: str, *, limit: int = 400) -> str:
    """The first paragraph, cut at a sentence or word boundary near ``limit`` characters."""
    para = text.strip().split("\n\n", 1)[0].strip()
    para = " ".join(para.split())
    if len(para) <= limit:
        return para
    cut = para[:limit]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[:end + 1] if end > limit // 2 else cut.rsplit(" ", 1)[0] + " …"


def headline(text: str | None, *, limit: int = HEADLINE_CHARS) -> str | None:
    """A short headline from a body: its first sentence without the dateline, cut at a word
    boundary near ``limit`` characters (with "…" when cut).  None for an empty body."""
    para = " ".join((text or "").strip().split("\n\n", 1)[0].split())
    if not para:
        return None
    para = _DATELINE.sub("", para, count=1) or para
    first = _SENTENCE_END.split(para, maxsplit=1)[0].strip()
    if len(first) <= limit:
        return first.rstrip(".") if first.endswith(".") and not first.endswith("..") else first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(",;:—–- ")
    return (cut or first[:limit]) + "…"


def titled(row: dict[str, Any], *, lead_key: str = "lead") -> dict[str, Any]:
    """Give ``row`` a title: its own, else a headline from its lead (``title_from_lead`` says
    which).  The lead used for it is removed unless the row shows it (``lead_key`` = "lead")."""
    own = (row.get("title") or "").strip()
    body = row.get(lead_key) if lead_key != "lead" else row.get("lead")
    row["title_from_lead"] = not own and bool(body)
    row["title"] = own or headline(body) or None
    if lead_key != "lead":
        row.pop(lead_key, None)
    return row


def link(row: dict[str, Any]) -> dict[str, Any]:
    """``url`` made safe, falling back to the source when that is a web address."""
    row["url"] = safe_url(row.get("url")) or safe_url(row.pop("source", None))
    row.pop("source", None)
    return row
