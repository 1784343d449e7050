"""Reading metadata out of the words of a story: agency, dateline, authors, dates.

Both the HTML path and the text-dump path end up with the same kinds of evidence (a byline,
a credit line, a first paragraph opening with "CITY (AP) —"), so the readers live here and
are shared.  Everything is regex-based and precompiled: this runs once per article on the
hot path of ingestion, so it must cost microseconds, not a date-parser call.
"""

from __future__ import annotations

import re
from datetime import date

from wirewatch.clean import lang as _lang

# --- wire agencies -------------------------------------------------------------------------

# Normalised name for each spelling a byline, credit line or dateline may use.  Keys are
# case-folded and stripped of a leading "the ".
_AGENCY_NAMES: dict[str, str] = {
    "canadian press": "The Canadian Press",
    "cp": "The Canadian Press",
    "la presse canadienne": "The Canadian Press",
    "associated press": "The Associated Press",
    "ap": "The Associated Press",
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "dpa": "dpa",
    "deutsche presse-agentur": "dpa",
    "pa": "PA Media",
    "pa media": "PA Media",
    "press association": "PA Media",
    "pa wire": "PA Media",
    "ansa": "ANSA",
    "efe": "EFE",
    "xinhua": "Xinhua",
    "kyodo": "Kyodo News",
    "kyodo news": "Kyodo News",
    "yonhap": "Yonhap",
    "tass": "TASS",
    "upi": "UPI",
    "united press international": "UPI",
    "bloomberg": "Bloomberg",
    "bloomberg news": "Bloomberg",
    "aap": "AAP",
    "australian associated press": "AAP",
    "pti": "PTI",
    "press trust of india": "PTI",
    "ians": "IANS",
    "ani": "ANI",
    "anadolu": "Anadolu Agency",
    "anadolu agency": "Anadolu Agency",
    "europa press": "Europa Press",
    "belga": "Belga",
    "apa": "APA",
    "ntb": "NTB",
    "tt": "TT",
    "ritzau": "Ritzau",
    "sda": "SDA",
    "keystone-sda": "SDA",
    "cna": "CNA",
    "bernama": "Bernama",
    "antara": "Antara",
    "pap": "PAP",
    "ctk": "CTK",
    "mti": "MTI",
    "ukrinform": "Ukrinform",
    "interfax": "Interfax",
    "ria novosti": "RIA Novosti",
}

# other languages' agencies and spellings (clean/data/<lang>.json: "La Presse Canadienne", "AIB", "APS")
_AGENCY_NAMES.update({k.casefold(): v for k, v in _lang.table("agencies").items()})

_THE = re.compile(r"^the\s+", re.I)
_AGENCY_MAX = 48  # longer than any spelling above with "The", brackets and stray spaces
_SPACE = re.compile(r"\s+")


def normalise_agency(name: str | None) -> str | None:
    """Return the canonical name of a wire agency, or None when ``name`` is not one.

    Why: "AP", "The Associated Press" and "ASSOCIATED PRESS" must count as one agency for
    filtering and for grouping syndicated copies.
    """
    if not name or len(name) > _AGENCY_MAX:  # a sentence is no agency name: skip the normalising
        return None
    key = _SPACE.sub(" ", _THE.sub("", name.strip().strip(".,;:()[]"))).casefold()
    return _AGENCY_NAMES.get(key)


_AGENCY_ALT = "|".join(
    sorted((re.escape(k) for k in _AGENCY_NAMES), key=len, reverse=True)
)
# An agency name anywhere in a short string (whole words, optional leading "The").
AGENCY_RE = re.compile(rf"(?<![\w-])(?:the\s+)?(?:{_AGENCY_ALT})(?![\w-])", re.I)

# --- dates ---------------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
          r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_YEAR = r"(?P<year>(?:19|20)\d\d)\b"
_DATE_MDY = re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}", re.I)
_DATE_DMY = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}", re.I)
_DATE_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)(?!\d)")
_DATE_SLASH = re.compile(r"\b(?P<year>(?:19|20)\d\d)/(?P<month>\d\d)/(?P<day>\d\d)(?!\d)")
# other languages' month names, day first ("15 novembre 2020", "1er mars 2021")
_MONTH_WORDS = {k.casefold(): int(v) for k, v in _lang.table("months").items()}
_MONTH_WORD_ALT = "|".join(sorted(map(re.escape, _MONTH_WORDS), key=len, reverse=True))
_DATE_DMY_WORDS = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:er|e|º)?\s+(?P<wmon>{_MONTH_WORD_ALT})\.?,?\s+{_YEAR}", re.I) if _MONTH_WORDS else None


def _ymd(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str | None) -> str | None:
    """Find the first full calendar date in ``text`` and return it as YYYY-MM-DD.

    Handles "Nov. 15, 2020", "15 November 2020", "2020-11-15", "2020/11/15".  Only full
    dates count: a publication date without a day is no anchor for relative dates.
    """
    if not text:
        return None
    best: tuple[int, str] | None = None
    for rx in (_DATE_MDY, _DATE_DMY, _DATE_ISO, _DATE_SLASH, _DATE_DMY_WORDS):
        m = rx.search(text) if rx is not None else None
        if not m:
            continue
        gd = m.groupdict()
        if gd.get("wmon"):
            month = _MONTH_WORDS[gd["wmon"].casefold()]
        else:
            month = _MONTHS[gd["mon"][:3].lower()] if gd.get("mon") else int(gd["month"])
        value = _ymd(int(gd["year"]), month, int(gd["day"]))
        if value and (best is None or m.start() < best[0]):
            best = (m.start(), value)
    return best[1] if best else None


# --- dateline ------------------------------------------------------------------------------

_DASH = r"(?:—|–|--|-|‒|―)"
# "OTTAWA —", "NEW YORK (AP) —", "WASHINGTON, March 4 (Reuters) -", "KYIV, Ukraine (AP) —",
# "ST. JOHN'S, N.L. —", "Paris (AFP) -".  The city part is at most five words.
_DATELINE = re.compile(
    rf"^(?P<place>(?P<city>[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){{0,4}})"
    rf"(?:,\s*(?P<region>[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){{0,3}}))?)"
    rf"(?:,?\s+(?P<date>{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?))?"
    rf"\s*(?:\((?P<agency>[^()]{{1,40}})\))?"
    rf"\s*{_DASH}\s*(?=\S)"
)
_UPPER_WORD = re.compile(r"^[A-Z][A-Z.'’\-]+$")


def title_case(words: str) -> str:
    """OTTAWA -> Ottawa, NEW YORK -> New York, ST. JOHN'S -> St. John's (str.title breaks the last)."""
    out = []
    for word in words.split():
        parts = re.split(r"(-)", word)
        out.append("".join(p[:1].upper() + p[1:].lower() if p != "-" else p for p in parts))
    return " ".join(out)


def read_dateline(paragraph: str) -> tuple[str | None, str | None]:
    """Return (city, agency) from a first paragraph opening with a wire dateline.

    Why so strict: a title-case phrase before a dash ("Officials — including ...") is not a
    dateline; we accept an all-caps city, or a city followed by an agency or a date, or a city
    the gazetteer knows ("Ottawa —", "Bamako —").
    """
    m = _DATELINE.match(paragraph[:160])
    if not m:
        return None, None
    city = m.group("city")
    agency_raw = m.group("agency")
    agency = normalise_agency(agency_raw) if agency_raw else None
    words = city.split()
    all_caps = all(_UPPER_WORD.match(w) or len(w) == 1 for w in words)
    if not (all_caps or agency or m.group("date") or _lang.known_place(city)):
        return None, None
    if agency_raw and not agency and not re.fullmatch(r"[A-Z][\w .&-]{0,30}", agency_raw):
        return None, None
    if len(words) > 4 or any(w.lower() in {"the", "a", "an", "and", "but", "in", "on"} for w in words):
        return None, None
    return (title_case(city) if all_caps else city), agency


# --- authors -------------------------------------------------------------------------------

_ORG_WORDS = frozenset(
    "staff reporters reporter news media times press desk editors editorial team agency wire "
    "wires services service digital magazine publications inc ltd llc online newsroom".split()
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|&|\band\b|\|)\s*", re.I)
_PARTICLES = "de|da|van|von|der|del|la|le|bin|al|el|du|dos"
_NAME_RE = re.compile(rf"^[A-Z][\w'’.\-]*(?:\s+(?:[A-Z][\w'’.\-]*|{_PARTICLES})){{1,4}}$")


def clean_name(name: str) -> str:
    """Title-case an all-caps name ("MELISSA GOLDIN"); keep mixed-case names as written."""
    name = _SPACE.sub(" ", name).strip(" .,;:-–—")
    if name.isupper():
        return title_case(name)
    return name


def split_authors(raw: str | None, *, sitename: str | None = None) -> tuple[list[str], str | None]:
    """Split an author string into person names and pick out a wire agency among them.

    Why: metadata often says "Jane Doe; John Roe", "THE ASSOCIATED PRESS" or lists the site
    and its URL as authors; the record wants persons, and the agency in its own field.
    """
    names, agency, _desk = split_byline(raw, sitename=sitename)
    return names, agency


_DESK_TAIL = re.compile(
    r"(?:\s*(?:\.com|\.co\.uk))?\s+(?:staff(?:\s+(?:reporters?|writers?))?|reporters?|correspondents?|"
    r"writers?|desk|newsroom|editors?|editorial(?:\s+(?:team|board))?|team|wires?|wire\s+services?)$", re.I)
_DESK_ONLY = re.compile(r"^(?:staff|reporters?|editors?|newsroom|desk|editorial|team|wires?)$", re.I)


def split_byline(raw: str | None, *, sitename: str | None = None,
                 orgs: set[str] | frozenset[str] = frozenset()) -> tuple[list[str], str | None, str | None]:
    """(persons, wire agency, organisation credited) of an author string.

    Organisation bylines are not lost: "Guardian staff reporter" -> "Guardian", "BBC News" -> "BBC
    News", "Staff" -> the site's name.  ``orgs`` are names of the publisher (case-folded): never persons.
    """
    if not raw:
        return [], None, None
    raw = re.sub(r"^\s*by\s+", "", raw, flags=re.I)
    authors: list[str] = []
    agency: str | None = None
    desk: str | None = None
    site = (sitename or "").casefold().strip()
    for part in _AUTHOR_SPLIT.split(raw):
        part = part.strip(" .")
        if not part:
            continue
        found = normalise_agency(part)
        if found:
            agency = agency or found
            continue
        low = part.casefold()
        if "http" in low or "www" in low or "@" in part:
            continue
        if (low == site or low in orgs or low.startswith("the ") or _ORG_WORDS & set(low.split())
                or low.endswith((".com", ".co.uk"))):
            if desk is None:
                if _DESK_ONLY.match(part):
                    desk = sitename or None
                else:
                    org = _DESK_TAIL.sub("", part).strip(" .") or part
                    desk = title_case(org) if org.isupper() and len(org) > 5 else org
            continue
        name = clean_name(part)
        if _NAME_RE.match(name) and name not in authors:
            authors.append(name)
    return authors, agency, desk
