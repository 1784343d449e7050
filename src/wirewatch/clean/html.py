"""Cleaning HTML pages: one parse, trafilatura's fast body extraction, our metadata and post-cleaning.

trafilatura is the best open extractor on public benchmarks, but its default settings spend
most of their time on things a news page rarely needs: a second, fallback extraction
(readability + jusText) that only matters when the main one went wrong, and a metadata pass
that deep-copies the tree and runs htmldate.  So the page is parsed once (trafilatura's own
``load_html``, so the tree is the one it would build); our reader takes title, authors, date,
site name and URL from that tree (``clean.htmlmeta``); trafilatura extracts the body from the
same tree with ``fast=True``; and only when that body looks truncated (a small fraction of the
page's paragraph text) is the full extraction run.  trafilatura's output still carries chrome
the page marked up as content (the headline repeated, "Our Standards: ...", teasers, photo
credits, author bios, embedded posts): the same line-level filter as the text dumps removes
it, and the body's own byline, credit line and dateline improve the metadata.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import trafilatura
from lxml.html import HtmlElement

from wirewatch.clean.htmlmeta import read_page_metadata
from wirewatch.clean.lines import filter_paragraphs, norm
from wirewatch.clean.metadata import normalise_agency, read_dateline
from wirewatch.clean.text import Extracted, read_special_lines

log = logging.getLogger(__name__)

# Body extraction settings (see eval/extraction.py): trafilatura's fast extractor, without
# comments and tables (rarely part of a story's body); metadata is read by ``clean.htmlmeta``.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "fast": True,
    "include_comments": False,
    "include_tables": False,
    "with_metadata": False,
}
# The fast body is "truncated" when it holds less than this share of the text in the page's
# <p> elements (and that text is long enough to be an article): then the full extraction runs.
TRUNCATED_SHARE = 0.25
_MIN_PAGE_TEXT = 1000
_TITLE_SEP = re.compile(r"\s+[|–—-]\s+")


def parse_html(content: str) -> HtmlElement | None:
    """The page's tree, as trafilatura itself would parse it (encoding repair, no comments)."""
    try:
        return trafilatura.load_html(content)
    except (ValueError, TypeError) as exc:
        log.debug("unparseable HTML: %s", exc)
        return None


def _paragraph_chars(tree: HtmlElement) -> int:
    """Characters of text in the page's <p> elements: the yardstick for a truncated body."""
    return sum(len(p.text_content()) for p in tree.iter("p"))


def _extract(tree: HtmlElement, url: str | None, *, fast: bool) -> str:
    try:
        doc = trafilatura.bare_extraction(tree, url=url, **{**TRAFILATURA_OPTIONS, "fast": fast})
    except (ValueError, TypeError, AttributeError) as exc:  # malformed trees deep in lxml
        log.debug("trafilatura failed on %s: %s", url, exc)
        return ""
    return (doc.text or "") if doc is not None else ""


def extract_body(tree: HtmlElement, *, url: str | None = None) -> str:
    """The page's main text: the fast extraction, or the full one when the fast one looks cut short.

    Why not always the full one: it costs half again as much and gives the same text on almost
    every news page; when the fast extractor picks a wrong, small block (a caption, a teaser),
    its output is a sliver of the page's paragraph text, which is cheap to detect.
    """
    text = _extract(tree, url, fast=True)
    page_chars = _paragraph_chars(tree)
    if len(text) < TRUNCATED_SHARE * page_chars and page_chars >= _MIN_PAGE_TEXT or not text.strip():
        full = _extract(tree, url, fast=False)
        if len(full) > len(text):
            log.debug("fast extraction looked truncated (%d of %d chars); full: %d", len(text), page_chars,
                      len(full))
            return full
    return text


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


def _drop_headline(paras: list[str], *titles: str | None) -> list[str]:
    """trafilatura keeps the page's <h1>: drop leading paragraphs that repeat the title."""
    keys = [norm(t) for t in titles if t]
    if not keys or not paras:
        return paras
    out = list(paras)
    for i in range(min(3, len(out)) - 1, -1, -1):
        k = norm(out[i])
        for key in keys:
            if k == key or (len(k) >= 20 and (key.startswith(k) or k.startswith(key) and len(k) - len(key) < 30)):
                del out[i]
                break
    return out


def clean_html_page(content: str, *, url: str | None = None) -> Extracted | None:
    """Extract body and metadata from one HTML page; None when the page holds no article."""
    tree = parse_html(content)
    if tree is None:
        return None
    text = extract_body(tree, url=url)
    if not text.strip():
        return None
    meta = read_page_metadata(tree, url=url)
    title = _clean_title(meta.title, meta.sitename)
    found = Extracted(paragraphs=[], title=title, authors=list(meta.authors), agency=meta.agency, url=meta.url)
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    paras = _drop_headline(paras, title, meta.headline)
    paras = read_special_lines(paras, found)
    found.paragraphs = filter_paragraphs(paras, authors=found.authors, caps_promo=True)
    if meta.date:
        found.dates.setdefault("meta", meta.date)
    if found.paragraphs:
        found.dateline, line_agency = read_dateline(found.paragraphs[0])
        found.agency = found.agency or line_agency
    if not found.agency and meta.sitename:
        found.agency = normalise_agency(meta.sitename)
    found.language = meta.language
    return found
