"""The clean stage: one ``Document`` (HTML page or text dump) in, one ``Article`` out.

HTML is parsed once: trafilatura extracts the body from the tree, our reader takes the page
metadata from the same tree (``clean.htmlmeta``), and our post-cleaning follows (``clean.html``).
Text dumps go through our own line-level cleaner (``clean.text``).  Both share the chrome filter
(``clean.lines``) and the metadata readers (``clean.metadata``).  The NLP fields of the article are left empty.

Publication date, most trusted first:

1. what the page itself says: the wire credit line ("... was first published Nov. 15, 2020"),
   then the page's metadata (meta tags, JSON-LD, htmldate; HTML only), then a "Published ..."
   line, a bare date line, an "Updated ..." line;
2. ``doc.published``, what the source knew (a feed item's date, a JSON record's field);
3. the caller's ``published=`` fallback (``--published``).

The page comes first because a source's date is often the crawl or re-post date, while the
credit line and the page metadata date the story itself.
"""

from __future__ import annotations

import re
import unicodedata

from wirewatch.clean.html import clean_html_page
from wirewatch.clean.language import detect_language
from wirewatch.clean.lines import filter_paragraphs, is_chrome
from wirewatch.clean.metadata import normalise_agency, parse_date, read_dateline, split_authors
from wirewatch.clean.text import Extracted, clean_text_dump
from wirewatch.errors import EMPTY, NO_ARTICLE, InputError
from wirewatch.records import Article, Document

__all__ = [
    "clean_document", "sniff_format", "detect_language", "is_chrome", "filter_paragraphs",
    "normalise_agency", "parse_date", "read_dateline", "split_authors",
]

_HTML_SNIFF = re.compile(r"<(?:!doctype\s+html|html|head|body|article|div|p|meta|title)\b", re.I)
_DATE_ORDER = ("credit", "meta", "published", "dated", "updated")
MIN_WORDS = 10  # fewer words than this is a stub or an error page, not an article


def sniff_format(content: str) -> str:
    """"html" when the start of the content looks like markup, else "text"."""
    return "html" if _HTML_SNIFF.search(content[:4000]) else "text"


def _as_date(value: str | None) -> str | None:
    if not value:
        return None
    return value if re.fullmatch(r"\d{4}-\d\d-\d\d", value) else parse_date(value)


def _pick_published(found: Extracted, doc: Document, fallback: str | None) -> str | None:
    for kind in _DATE_ORDER:
        if found.dates.get(kind):
            return found.dates[kind]
    return _as_date(doc.published) or _as_date(fallback)


_MOJIBAKE = re.compile("[\u00c2\u00c3\u00e2][\u0080-\u00bf\u2018-\u201e\u20ac\u2122]")


def repair_text(text: str) -> str:
    """Undo mojibake ("FranÃ§ois", "â€œ") with ftfy where its marks appear, and compose accents
    (NFC), so names and offsets are the same whichever way a page was encoded."""
    if _MOJIBAKE.search(text):
        import ftfy

        text = ftfy.fix_text(text, normalization="NFC")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def clean_document(doc: Document, *, published: str | None = None) -> Article:
    """Turn one document into an article: clean body text plus metadata.

    Raises ``InputError`` with code EMPTY (nothing but whitespace) or NO_ARTICLE (no body
    text of at least ``MIN_WORDS`` words once chrome is gone).
    """
    content = doc.content if isinstance(doc.content, str) else doc.content.decode("utf-8", "replace")
    content = repair_text(content)
    if not content or content.isspace():
        raise InputError(EMPTY, "the document is empty", source=doc.source)
    fmt = doc.format if doc.format in ("html", "text") else sniff_format(content)
    if fmt == "html":
        found = clean_html_page(content, url=doc.url)
        if found is None:
            raise InputError(NO_ARTICLE, "no article text found in the HTML page", source=doc.source)
        found.title = found.title or doc.title
    else:
        found = clean_text_dump(content, title_hint=doc.title)
    text = "\n\n".join(found.paragraphs)
    words = len(text.split(None, MIN_WORDS))  # stops splitting once the article is long enough
    if words < MIN_WORDS:
        raise InputError(
            NO_ARTICLE, f"no article text found ({words} words of body after cleaning)", source=doc.source,
        )
    return Article(
        source=doc.source,
        text=text,
        url=found.url or doc.url,
        title=found.title,
        authors=found.authors,
        agency=found.agency,
        dateline=found.dateline,
        published=_pick_published(found, doc, published),
        language=detect_language(text) or found.language,
    )
