"""Page metadata read straight from the parsed HTML tree: meta tags, JSON-LD, ``<time>``.

Why our own reader instead of trafilatura's ``with_metadata`` pass: that pass costs about a
fifth of trafilatura's whole extraction time (it deep-copies the tree to look for authors and
runs htmldate on every page), while news pages nearly always state title, author, date, site
name and canonical URL in their ``<head>`` or in JSON-LD.  One walk over the ``<meta>`` tags and
the JSON-LD blocks of the tree that the body extraction parses anyway costs a fraction of a
millisecond; htmldate runs only on the pages that state no date at all.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from html import unescape
from typing import Any
from urllib.parse import urljoin

from htmldate import find_date
from lxml.html import HtmlElement

from wirewatch.clean.metadata import parse_date, split_byline

log = logging.getLogger(__name__)

# meta names / properties / itemprops (lower-cased) for each field, the most specific first
_TITLE_KEYS = ("og:title", "twitter:title", "headline", "parsely-title", "sailthru.title", "dc.title",
               "citation_title", "title")
_AUTHOR_KEYS = ("author", "article:author", "byl", "parsely-author", "sailthru.author", "dc.creator",
                "dcterms.creator", "citation_author", "authors", "creator", "og:article:author",
                "og:author", "rbauthors", "dcsext.author", "atc-metaauthor", "article:author_name", "author_name",
                "cxenseparse:author", "dc.contributor")
_SITE_KEYS = ("og:site_name", "application-name", "publisher", "dc.publisher", "og:site", "twitter:site",
              "article:publisher")
_DATE_KEYS = ("article:published_time", "og:article:published_time", "og:published_time", "datepublished",
              "published_time", "article.published", "publish-date", "publishdate", "pubdate",
              "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued", "dc.date",
              "dcterms.date", "dcterms.created", "date", "publication_date", "originalpublicationdate",
              "article_date_original", "datecreated", "cxenseparse:recs:publishtime")
_URL_KEYS = ("og:url", "twitter:url")
_ARTICLE_TYPES = frozenset(
    "article newsarticle reportagenewsarticle analysisnewsarticle backgroundnewsarticle "
    "opinionnewsarticle reviewnewsarticle blogposting socialmediaposting liveblogposting "
    "webpage report scholarlyarticle".split()
)
_ISO_DAY = re.compile(r"\s*((?:19|20)\d\d)-?(\d\d)-?(\d\d)")
_BYLINE_XPATH = (
    "//*[self::a or self::address or self::div or self::p or self::span or self::strong or self::li]"
    "[@rel='author' or @itemprop='author' or @class='author' or @class='byline' or @id='author'"
    " or contains(@class, 'byline') or contains(@class, 'author-name') or contains(@class, 'author__name')"
    " or contains(@class, 'article-author')]"
)
_BY_PREFIX = re.compile(r"^\s*by\s+", re.I)
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d\d)[/-](\d\d)(?:/|-|$)")
# a time of day in UTC or without a zone ("T01:10:00Z", "T11:00:29.483", " 01:10 +0000")
_UTC_STAMP = re.compile(r"[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?\s*(?:Z|[+-]00:?00)?$", re.I)


@dataclass(slots=True)
class PageMeta:
    """What the page states about itself; every field may be None."""

    title: str | None = None
    headline: str | None = None  # the page's one <h1>, which extractors keep at the top of the body
    authors: list[str] = field(default_factory=list)  # person names
    agency: str | None = None  # a wire agency named among the authors
    sitename: str | None = None
    date: str | None = None  # YYYY-MM-DD, the original publication date
    url: str | None = None
    language: str | None = None


def iso_day(value: str | None) -> str | None:
    """"2020-11-15T08:30:00-05:00", "20201115", "Nov. 15, 2020" -> "2020-11-15"; None if no full date."""
    if not value:
        return None
    m = _ISO_DAY.match(value)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:  # "2021-02-30": not a day, whatever else the value says
            return None
    return parse_date(value)


def _text(value: str) -> str:
    """Whitespace collapsed and HTML entities decoded (JSON-LD and meta values are often escaped twice)."""
    value = " ".join(value.split())
    return unescape(value) if "&" in value else value


def _first(values: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if values.get(key):
            return values[key]
    return None


def _meta_values(tree: HtmlElement) -> dict[str, str]:
    """{lower-cased name/property/itemprop: content} of the page's ``<meta>`` tags (first wins).

    Authors are the exception: several tags of one author key (``author``, ``citation_author`` ...)
    are joined with ";" (multi-author pages list one tag per person).
    """
    values: dict[str, str] = {}
    for el in tree.iter("meta"):
        content = el.get("content")
        if not content or not content.strip():
            continue
        content = _text(content)
        if content.startswith(("http://", "https://")) and "author" in (el.get("property") or el.get("name") or ""):
            continue  # a profile URL, not a name
        for attr in ("property", "name", "itemprop"):
            key = el.get(attr)
            if not key:
                continue
            key = key.strip().lower()
            if key in values and key in _AUTHOR_KEYS and content not in values[key]:
                values[key] = f"{values[key]}; {content}"
            else:
                values.setdefault(key, content)
    return values


def _names(value: Any, nodes: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Person or organisation names out of a JSON-LD ``author``/``publisher`` value; a bare
    ``{"@id": ...}`` reference (WordPress/Yoast graphs) is looked up among the page's nodes."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if "name" not in value and nodes and isinstance(value.get("@id"), str) and value["@id"] in nodes:
            value = nodes[value["@id"]]
        name = value.get("name")
        return [name] if isinstance(name, str) else _names(name) if isinstance(name, list) else []
    if isinstance(value, list):
        return [n for item in value for n in _names(item, nodes)]
    return []


def _json_objects(data: Any, depth: int = 0) -> list[dict[str, Any]]:
    """Every dict in a JSON-LD document (top-level lists and ``@graph`` included), shallow."""
    if depth > 3:
        return []
    if isinstance(data, list):
        return [o for item in data for o in _json_objects(item, depth + 1)]
    if isinstance(data, dict):
        found = [data]
        graph = data.get("@graph")
        if graph is not None:
            found.extend(_json_objects(graph, depth + 1))
        return found
    return []


def _is_article(obj: dict[str, Any]) -> bool:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds)


def _json_ld(tree: HtmlElement) -> dict[str, str]:
    """headline, author, date, sitename and url of the page's JSON-LD article object, if any."""
    out: dict[str, str] = {}
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text, strict=False)
        except ValueError:
            continue
        every = _json_objects(data)
        nodes = {o["@id"]: o for o in every if isinstance(o.get("@id"), str) and "name" in o}
        objs = sorted((o for o in every if _is_article(o)),
                      key=lambda o: str(o.get("@type")).lower() == "webpage")  # WebPage last
        for obj in objs:
            headline = obj.get("headline")
            if isinstance(headline, str) and headline.strip():
                out.setdefault("title", _text(headline))
            authors = [_text(n) for n in _names(obj.get("author") or obj.get("creator"), nodes) if n and n.strip()]
            if authors:
                out.setdefault("author", "; ".join(dict.fromkeys(authors)))
            published = obj.get("datePublished") or obj.get("dateCreated")
            if isinstance(published, str) and iso_day(published):
                out.setdefault("date", published.strip())  # the raw stamp: its zone matters
            publisher = _names(obj.get("publisher"), nodes)
            if publisher:
                out.setdefault("sitename", _text(publisher[0]))
                out["publishers"] = "; ".join(dict.fromkeys(filter(None, [out.get("publishers"), *publisher])))
            url = obj.get("url")
            if isinstance(url, str) and url.startswith("http"):
                out.setdefault("url", url)
    return out


def _canonical(tree: HtmlElement, metas: dict[str, str], base: str | None) -> str | None:
    """The canonical URL: ``<link rel=canonical>``, then og:url; relative links resolved."""
    href = None
    for link in tree.iter("link"):
        if (link.get("rel") or "").strip().lower() == "canonical" and link.get("href"):
            href = link.get("href", "").strip()
            break
    href = href or _first(metas, _URL_KEYS)
    if not href:
        return None
    if href.startswith("//"):
        href = "https:" + href
    elif not href.startswith(("http://", "https://")):
        anchor = _first(metas, _URL_KEYS) or base
        href = urljoin(anchor, href) if anchor and anchor.startswith("http") else ""
    return href or None


def _time_element_date(tree: HtmlElement) -> str | None:
    """A date from an element marked as the publication date (itemprop, ``<time pubdate>``)."""
    for el in tree.iter("time"):
        if el.get("datetime") and (el.get("pubdate") is not None or el.get("itemprop") == "datePublished"):
            return iso_day(el.get("datetime"))
    for el in tree.xpath("//*[@itemprop='datePublished']"):
        day = iso_day(el.get("datetime") or el.get("content") or (el.text or ""))
        if day:
            return day
    for el in tree.iter("time"):  # the first dated <time> of the page: usually the story's
        day = iso_day(el.get("datetime"))
        if day:
            return day
    return None


def _htmldate(tree: HtmlElement, url: str | None) -> str | None:
    """htmldate as the last resort (URL patterns, text dates): only for pages stating no date."""
    try:
        return iso_day(find_date(tree, extensive_search=False, original_date=True, url=url))
    except Exception as exc:  # noqa: BLE001 - htmldate fails in many ways on odd pages; a date is optional
        log.debug("htmldate failed: %s", exc)
        return None


def _heading_title(tree: HtmlElement) -> str | None:
    """The page's one ``<h1>``: the headline readers see (several h1s: none is reliably it).

    A one- or two-word h1 is a logo or a section name, not a headline.
    """
    h1s = list(tree.iter("h1"))
    if len(h1s) == 1:
        text = " ".join(h1s[0].text_content().split())
        return text if len(text.split()) >= 3 else None
    return None


def _byline_author(tree: HtmlElement) -> str | None:
    """The short byline elements (``rel=author``, ``itemprop=author``, byline classes), joined:
    a multi-author byline often marks each name in its own element."""
    found: list[str] = []
    for el in tree.xpath(_BYLINE_XPATH):
        name_el = el.xpath(".//*[@itemprop='name']")
        text = " ".join((name_el[0] if name_el else el).text_content().split())
        text = _BY_PREFIX.sub("", text)
        if 2 < len(text) < 120 and text not in found:
            found.append(text)
        if len(found) >= 8:
            break
    return "; ".join(found) or None


def _local_day(stamp: str | None, day: str | None, url: str | None, tree: HtmlElement | None = None) -> str | None:
    """Correct a UTC timestamp's day to the publisher's calendar day stated in the URL (or, where the
    URL states no day, in a ``<time>`` element that gives the same instant with its local offset).

    "2024-02-29T00:25:36Z" on a page whose URL reads /2024/02/28/ was published on the 28th
    where the publisher is; a URL date further away is an issue or section date, not this one.
    """
    if not (stamp and day) or not _UTC_STAMP.search(stamp.strip()):
        return day
    m = _URL_DATE.search(url or "")
    if not m:
        return (_same_instant_local(stamp, tree) if tree is not None else None) or day
    try:
        in_url = date(int(m[1]), int(m[2]), int(m[3]))
        gap = abs((date.fromisoformat(day) - in_url).days)
    except ValueError:
        return day
    return in_url.isoformat() if gap == 1 else day


def _published(tree: HtmlElement, ld: dict[str, str], metas: dict[str, str], url: str | None) -> str | None:
    """The original publication day: JSON-LD, meta tags, marked-up ``<time>``, then htmldate."""
    stamp = ld.get("date") or _first(metas, _DATE_KEYS)
    if stamp:
        return _local_day(stamp, iso_day(stamp), url, tree)
    return _time_element_date(tree) or _htmldate(tree, url)


def _same_instant_local(stamp: str, tree: HtmlElement) -> str | None:
    """The local day of a ``<time datetime>`` with a UTC offset that marks the same instant as ``stamp``.

    "2024-02-29T04:00:36+00:00" in the metadata and ``<time datetime="2024-02-28T22:00:36-06:00">``
    beside the byline: the page shows Feb. 28, where the publisher is.
    """
    from datetime import datetime

    try:
        utc = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if utc.tzinfo is None:
        return None
    for el in tree.iter("time"):
        raw = (el.get("datetime") or "").strip()
        if not _LOCAL_OFFSET.search(raw):
            continue
        try:
            local = datetime.fromisoformat(raw)
        except ValueError:
            continue
        if local.tzinfo is not None and abs((local - utc).total_seconds()) <= 60:
            return local.date().isoformat()
    return None


_LOCAL_OFFSET = re.compile(r"[+-](?!00:?00)\d\d:?\d\d$")


def _authors(
    tree: HtmlElement, ld: dict[str, str], metas: dict[str, str], sitename: str | None
) -> tuple[list[str], str | None]:
    """Persons named by the page's author markup, and the organisation credited (a wire agency, or
    the desk: "Guardian staff reporter", "BBC News"), which goes to ``agency`` instead of being lost.

    Every markup is read: JSON-LD ``author`` (lists and ``@id`` references), the author meta tags
    (several tags joined), then byline elements.  JSON-LD and meta tags are alternatives: the one
    naming the most persons wins (one lists only the first of four authors, another all four), the
    earlier on a tie.  Byline elements (a whole-tree XPath; sidebars list other articles' authors) are
    read only when neither names a person.  Names of the publisher are organisations, never persons.
    """
    orgs = {n.casefold() for n in (ld.get("publishers") or "").split("; ") if n}
    if sitename:
        orgs.add(sitename.casefold())
    agency = org = None
    best: list[str] = []
    candidates = (ld.get("author"), *(metas.get(k) for k in _AUTHOR_KEYS))
    for raw in filter(None, dict.fromkeys(candidates)):
        names, found, desk = split_byline(raw, sitename=sitename, orgs=orgs)
        agency, org = agency or found, org or desk
        if len(names) > len(best):
            best = names
    if not best:
        best, found, desk = split_byline(_byline_author(tree), sitename=sitename, orgs=orgs)
        agency, org = agency or found, org or desk
    return best, agency or (None if best else org)


def read_page_metadata(tree: HtmlElement, *, url: str | None = None) -> PageMeta:
    """Title, authors, site name, publication date, canonical URL and language of a parsed page.

    Most trusted first.  Title: the page's one ``<h1>`` (the headline as shown; og:title and
    JSON-LD headlines are often social or search variants), then meta tags, JSON-LD, ``<title>``.
    Authors: JSON-LD, meta tags, byline elements (all kept: an entry may name only the desk).
    Date: JSON-LD, meta tags, ``<time>``, htmldate.
    """
    metas = _meta_values(tree)
    ld = _json_ld(tree)
    title_el = tree.find(".//title")
    page_title = _text(title_el.text_content()) if title_el is not None else ""
    headline = _heading_title(tree)
    meta = PageMeta(
        title=headline or _first(metas, _TITLE_KEYS) or ld.get("title") or page_title or None,
        headline=headline,
        sitename=ld.get("sitename") or _first(metas, _SITE_KEYS),
    )
    meta.url = _canonical(tree, metas, url) or ld.get("url") or url
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
    meta.authors, meta.agency = _authors(tree, ld, metas, meta.sitename)
    meta.date = _published(tree, ld, metas, meta.url)
    lang = tree.get("lang") or metas.get("og:locale") or metas.get("content-language")
    meta.language = lang.strip().lower()[:2] if lang and lang.strip()[:2].isalpha() else None
    return meta
