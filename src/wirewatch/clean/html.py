"""Cleaning HTML pages: trafilatura in one pass, then our own post-cleaning.

trafilatura is the best open extractor on public benchmarks; one ``bare_extraction`` call
with ``with_metadata=True`` gives the body and the metadata (meta tags, JSON-LD, htmldate)
from a single parse.  Its output still carries chrome that the page marked up as content
(the headline repeated, "Our Standards: ...", related-story teasers, photo credits, author
bios, embedded posts): the same line-level filter as the text dumps removes it, and the
body's own byline, credit line and dateline improve the metadata.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import trafilatura

from wirewatch.clean.lines import filter_paragraphs, norm
from wirewatch.clean.metadata import normalise_agency, read_dateline, split_authors
from wirewatch.clean.text import Extracted, read_special_lines

log = logging.getLogger(__name__)

# Settings that scored best on news pages (see eval/extraction.py): the default (fallback-
# enabled) extractor, without comments and tables, which are rarely part of a story's body.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "fast": False,
    "include_comments": False,
    "include_tables": False,
    "with_metadata": True,
}
_HTML_LANG = re.compile(r"<html[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})(?:[-_][a-zA-Z]+)?", re.I)
_TITLE_SEP = re.compile(r"\s+[|–—-]\s+")


def run_trafilatura(content: str, *, url: str | None = None) -> Any:
    """One trafilatura pass over the page (body + metadata); None when it finds no article."""
    try:
        return trafilatura.bare_extraction(content, url=url, **TRAFILATURA_OPTIONS)
    except (ValueError, TypeError, AttributeError) as exc:  # malformed trees deep in lxml
        log.debug("trafilatura failed on %s: %s", url, exc)
        return None


def _clean_title(title: str | None, sitename: str | None) -> str | None:
    """Cut " | Site name | by Author" tails that page titles carry."""
    if not title:
        return None
    title = title.strip()
    if sitename:
        site = sitename.casefold().strip()
        for m in _TITLE_SEP.finditer(title):
            if title[m.end():].casefold().startswith(site):
                return title[: m.start()].strip()
    return title


def _drop_headline(paras: list[str], title: str | None) -> list[str]:
    """trafilatura keeps the page's <h1>: drop leading paragraphs that repeat the title."""
    if not title or not paras:
        return paras
    key = norm(title)
    out = list(paras)
    for i in range(min(3, len(out)) - 1, -1, -1):
        k = norm(out[i])
        if k == key or (len(k) >= 20 and (key.startswith(k) or k.startswith(key) and len(k) - len(key) < 30)):
            del out[i]
    return out


def page_language(content: str) -> str | None:
    """The language declared by ``<html lang=..>`` (a fallback when the text says too little)."""
    m = _HTML_LANG.search(content[:4000])
    return m.group(1).lower()[:2] if m else None


def clean_html_page(content: str, *, url: str | None = None) -> Extracted | None:
    """Extract body and metadata from one HTML page; None when the page holds no article."""
    doc = run_trafilatura(content, url=url)
    if doc is None or not (doc.text or "").strip():
        return None
    title = _clean_title(doc.title, doc.sitename)
    authors, agency = split_authors(doc.author, sitename=doc.sitename)
    found = Extracted(paragraphs=[], title=title, authors=authors, agency=agency, url=doc.url or url)
    paras = [p.strip() for p in doc.text.split("\n") if p.strip()]
    paras = _drop_headline(paras, title)
    paras = read_special_lines(paras, found)
    found.paragraphs = filter_paragraphs(paras, authors=found.authors, caps_promo=True)
    if doc.date:
        found.dates.setdefault("meta", doc.date[:10])
    if found.paragraphs:
        found.dateline, line_agency = read_dateline(found.paragraphs[0])
        found.agency = found.agency or line_agency
    if not found.agency and doc.sitename:
        found.agency = normalise_agency(doc.sitename)
    found.language = page_language(content)
    return found
