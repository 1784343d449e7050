"""Cleaning text dumps: pages already reduced to text, page chrome and all.

No library handles scraped text with navigation lines, repeated ledes, credit lines and
bylines, so this is our own cleaner.  It works on paragraphs (blank-line separated blocks,
hard-wrapped lines re-joined), reads metadata from the lines it removes (credit line, byline,
"Published ..." lines, a stated URL), picks the headline, and hands the rest to the shared
chrome filter of ``lines``.  The HTML path reuses ``read_special_lines`` on trafilatura's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wirewatch.clean import lang as _lang
from wirewatch.clean.lines import drop_labelled_teasers, filter_paragraphs, is_chrome, norm
from wirewatch.clean.metadata import AGENCY_RE, clean_name, normalise_agency, parse_date, read_dateline

_BLOCKS = re.compile(r"\n[ \t\u00a0]*\n")
_TERMINAL = re.compile(r"[.!?:;\"”’»)\]…]$")

# "This report by The Canadian Press was first published Nov. 15, 2020."
_CREDIT = re.compile(
    r"^(?:this|the) (?:report|story|article|item|content)(?: by (?P<by>.{2,60}?))? was "
    r"(?:first |originally )?(?:published|posted|distributed)(?: by (?P<by2>.{2,60}?))?"
    r"(?: (?:on|in))?\s*(?P<when>.{0,60}?)\.?$",
    re.I,
)
_NAME = r"[A-ZÀ-Ý][\w'’.\-]*(?:\s+(?:[A-ZÀ-Ý][\w'’.\-]*|de|da|van|von|der|del|la|le|bin|al|el)){1,4}"
_NAMES = rf"{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*"
# "By Lee Berthiaume, The Canadian Press", "By JANE DOE Associated Press", "By Jane Doe"
_BY = "|".join(["by", *_lang.words("byline_prefixes")])  # "By", "Par"
# "with AFP", "avec AFP": the agency a byline credits beside its authors
_AGENCY_PREFIX = re.compile(r"^(?:" + "|".join(["with", *_lang.words("agency_prefixes")]) + r")\s+", re.I)
_AGENCY_PREFIX_END = re.compile(r"[\s,]*\b(?:" + "|".join(["with", *_lang.words("agency_prefixes")]) + r")$", re.I)
_BYLINE_BY = re.compile(
    rf"^(?:{_BY})\s+(?P<names>{_NAMES})(?:\s*(?:[,|/–—-]|\s)\s*(?P<org>[^,|]{{2,60}}))?\.?$", re.I
)
# "Lee Berthiaume, The Canadian Press" (the organisation must be a known agency)
_BYLINE_AGENCY = re.compile(rf"^(?P<names>{_NAMES})\s*[,|/–—-]\s*(?P<org>[^,|]{{2,60}}?)\.?$")
_SPLIT_NAMES = re.compile(r"\s*(?:,|\band\b|&)\s*")
_DATE_LABELS = {k.casefold(): v for k, v in _lang.table("date_labels").items()}  # "publié le" -> published
_DATE_LINE = re.compile(
    r"^(?P<kind>first published|originally published|published|updated|last updated|posted|"
    r"last modified|date|" + "|".join(sorted(map(re.escape, _DATE_LABELS), key=len, reverse=True)) + r")"
    r"(?: on| at)?\s*:?\s*(?P<rest>.{4,90})$",
    re.I,
)
_URL_LINE = re.compile(
    r"^(?:(?:canonical )?(?:url|source|link|permalink|original(?: article| story)?|"
    r"read (?:it|this) online(?: at)?)"
    r"\s*:?\s*)?<?(?P<url>https?://[^\s<>\"]+)>?$",
    re.I,
)
_DATE_ONLY_MAX = 60


@dataclass(slots=True)
class Extracted:
    """What a cleaner found: the body paragraphs and the metadata read on the way."""

    paragraphs: list[str]
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    agency: str | None = None
    dateline: str | None = None
    url: str | None = None
    dates: dict[str, str] = field(default_factory=dict)  # kind -> YYYY-MM-DD ("credit", "published", ...)
    language: str | None = None


def paragraphs_of(text: str) -> list[str]:
    """Split a text dump into paragraphs; re-join lines a hard wrap broke inside a sentence."""
    out: list[str] = []
    for block in _BLOCKS.split(text.replace("\r\n", "\n").replace("\r", "\n")):
        current = ""
        for raw in block.split("\n"):
            line = raw.strip()
            if not line:
                continue
            if current and not _TERMINAL.search(current) and line[:1].islower():
                current = f"{current} {line}"
            else:
                if current:
                    out.append(current)
                current = line
        if current:
            out.append(current)
    return out


def _add_authors(found: Extracted, names: str) -> None:
    for name in _SPLIT_NAMES.split(names):
        credited = normalise_agency(_AGENCY_PREFIX.sub("", name)) if _AGENCY_PREFIX.match(name) else None
        if credited:  # "Par Awa Keïta, avec AFP"
            found.agency = found.agency or credited
            continue
        name = clean_name(name)
        if name and not normalise_agency(name) and name not in found.authors:
            found.authors.append(name)


def _read_byline(line: str, found: Extracted) -> bool:
    """Read a byline line into ``found``; True when the line was one (and should go)."""
    if len(line) > 140:
        return False
    if normalise_agency(line) or normalise_agency(_AGENCY_PREFIX.sub("", line)):  # "The Canadian Press", "Avec AFP"
        found.agency = found.agency or normalise_agency(line) or normalise_agency(_AGENCY_PREFIX.sub("", line))
        return True
    m = _BYLINE_BY.match(line)
    if m:
        names, org = m.group("names"), m.group("org")
        org = _AGENCY_PREFIX.sub("", org) if org else org
        tail = AGENCY_RE.search(names)
        if tail and tail.end() == len(names):  # "By JANE DOE Associated Press"
            org, names = names[tail.start():], _AGENCY_PREFIX_END.sub("", names[: tail.start()].strip())
        if org and normalise_agency(org):
            found.agency = found.agency or normalise_agency(org)
        _add_authors(found, names)
        return True
    m = _BYLINE_AGENCY.match(line)
    if m and normalise_agency(m.group("org")):
        found.agency = found.agency or normalise_agency(m.group("org"))
        _add_authors(found, m.group("names"))
        return True
    return False


_META_LINE_MAX = 200  # no credit, byline, date or URL line is longer: body prose skips every regex


def _read_line(line: str, found: Extracted) -> bool:
    """Read one metadata line (credit, byline, date, URL) into ``found``; True if it goes."""
    if len(line) > _META_LINE_MAX:
        return False
    m = _CREDIT.match(line)
    if m:
        by = m.group("by") or m.group("by2")
        if by and normalise_agency(by):
            found.agency = found.agency or normalise_agency(by)
        when = parse_date(m.group("when"))
        if when:
            found.dates.setdefault("credit", when)
        return True
    if _read_byline(line, found):
        return True
    m = _DATE_LINE.match(line)
    if m:
        when = parse_date(m.group("rest"))
        if when:
            label = m.group("kind").lower()
            kind = "updated" if "updated" in label or "modified" in label else "published"
            kind = _DATE_LABELS.get(label, kind)
            found.dates.setdefault(kind, when)
            return True
    if len(line) <= _DATE_ONLY_MAX and not line.endswith("."):
        when = parse_date(line)
        if when and len(re.sub(r"[\d\W_]", "", line)) <= 25:
            found.dates.setdefault("dated", when)
            return True
    m = _URL_LINE.match(line) if "://" in line else None
    if m:
        found.url = found.url or m.group("url")
        return True
    return False


def read_special_lines(paras: list[str], found: Extracted) -> list[str]:
    """Remove credit lines, bylines, date lines and URL lines, reading them into ``found``."""
    return [p for p in paras if not _read_line(p, found)]


def _headline_like(p: str) -> bool:
    if len(p) > 250 or p.endswith("."):
        return False
    if not 2 <= len(p.split()) <= 30:
        return False
    return read_dateline(p) == (None, None)


def _label(p: str) -> bool:
    """A site or section label above a headline: short and not a sentence."""
    return len(p.split()) < 5 and not _TERMINAL.search(p)


def take_title(paras: list[str], *, hint: str | None = None) -> tuple[str | None, list[str]]:
    """Pick the headline among the leading paragraphs and remove it (and site/section labels).

    The headline is the first substantial line that is not a sentence of the body: it does
    not end with a full stop, and no later paragraph repeats or starts with it.
    """
    if hint:
        key = norm(hint)
        rest = [p for i, p in enumerate(paras) if not (i < 4 and norm(p) == key)]
        return hint.strip(), rest
    later: list[str] = []  # normalised paragraphs, computed once a candidate needs them
    for i, p in enumerate(paras[:6]):
        if len(p.split()) < 2 and len(p) <= 30:
            continue  # a section label ("Politics")
        if not _headline_like(p):
            break
        later = later or [norm(q) for q in paras]
        key = later[i]
        if any(k == key or k.startswith(key) for k in later[i + 1:]):
            continue  # a sentence of the body (a repeated lede), not a headline
        if len(p.split()) >= 4 or i + 1 >= len(paras) or not _headline_like(paras[i + 1]):
            # drop the short labels before it (site name, section), keep everything after
            return p, [q for j, q in enumerate(paras) if j > i or (j < i and not _label(q))]
    return None, paras


def clean_text_dump(content: str, *, title_hint: str | None = None) -> Extracted:
    """Clean one text dump: body paragraphs without chrome, plus the metadata found in it."""
    found = Extracted(paragraphs=[])
    paras = [p for p in drop_labelled_teasers(paragraphs_of(content)) if not is_chrome(p)]
    paras = read_special_lines(paras, found)
    found.title, paras = take_title(paras, hint=title_hint)
    found.paragraphs = filter_paragraphs(paras, authors=found.authors, drop_chrome=False)
    if found.paragraphs:
        found.dateline, agency = read_dateline(found.paragraphs[0])
        found.agency = found.agency or agency
    return found
