"""Regex grammar of English temporal expressions (the detection half of ``dates``).

Why our own grammar rather than ``dateparser.search``: it is ~100x faster, never invents dates
from phrases like "a year after", and gives exact character spans.  The grammar only *finds*
expressions and names their parts; ``dates`` turns them into TimeML values against the
publication date and checks ambiguous ones (bare years, "May") against the parse.

Every pattern is compiled once at import.  ``find(text)`` returns non-overlapping candidates,
longest first, in text order.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from .. import lang as L

_WORDS = L.resource("dates", "en", "words")  # the word tables (nlp/dates/data/en/words.json)
MONTHS: dict[str, int] = {name: num for num, names in enumerate(_WORDS["months"], start=1) for name in names}
WEEKDAYS: dict[str, int] = dict(_WORDS["weekdays"])
NUMBER_WORDS: dict[str, int] = dict(_WORDS["number_words"])
ORDINALS: dict[str, int] = dict(_WORDS["ordinals"])
SEASONS: dict[str, str] = dict(_WORDS["seasons"])

# Full month names, and abbreviations (with or without a dot).  Capitalised only: "may" and
# "march" in lower case are a verb and a noun.
_MONTH = (
    r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|"
    r"December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
_DAY = r"(?P<day>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)"
_END = r"(?![\d,]\d|\d|%)"  # not the start of a longer number ("18,000", "2012%")
_PART = (
    r"(?P<part>(?i:(?:the\s+)?(?:very\s+)?(?:end|beginning|start|middle|close|turn)\s+of\s+|"
    r"(?:early|late|mid)[\s-]+|mid-|(?:the\s+)?(?:first|second|last)\s+(?:half|week|days)\s+of\s+))?"
)
_REL = (
    r"(?P<rel>(?i:last|this|next|this\s+past|this\s+coming|the\s+coming|past|coming|previous|following|"
    r"the\s+current))"
)
_UNIT = r"(?P<unit>week(?:end)?|month|year|quarter|decade|century)"
_NUM = (
    r"(?P<num>\d{1,3}|a\s+couple\s+of|a\s+few|several|an?|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|fifteen|twenty|thirty)"
)
_TOD = r"(?:\s+(?P<tod>morning|afternoon|evening|night))?"
_WEEKDAY = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_SPELLED_YY = (
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
    r"(?:oh|o)[\s-](?:one|two|three|four|five|six|seven|eight|nine)"
)
_HOLIDAYS = (
    r"Christmas(?:\s+(?i:Day|Eve))?|New\s+Year's(?:\s+(?i:Day|Eve))?|Thanksgiving(?:\s+(?i:Day))?|"
    r"Easter(?:\s+(?:Sunday|Monday|(?i:week)))?|"
    r"Good\s+Friday|Halloween|Independence\s+Day|Fourth\s+of\s+July|July\s+Fourth|Labor\s+Day|Memorial\s+Day|"
    r"Election\s+Day|Valentine's\s+Day|Veterans\s+Day|Boxing\s+Day|Canada\s+Day|Bastille\s+Day"
)

I = re.IGNORECASE  # noqa: E741 - the re module's own short name

# (kind, pattern).  Kinds are what ``dates`` knows how to resolve.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>1[5-9]\d\d|20\d\d)-(?P<month>0[1-9]|1[0-2])-(?P<day>[0-2]\d|3[01])\b")),
    ("numeric", re.compile(
        r"(?<![\d/.])(?P<month>1[0-2]|0?[1-9])/(?P<day>3[01]|[12]\d|0?[1-9])/(?P<year>(?:19|20)\d\d)(?![\d/])")),
    ("mdy", re.compile(
        r"\b" + _MONTH + r"\s+" + _DAY + r"(?:\s*[-–]\s*\d{1,2})?" + _END
        + r"(?:(?:,\s*|\s+)" + _YEAR + r"\b)?" + _END)),
    ("dmy", re.compile(
        r"\b" + _DAY + r"(?:\s+of)?\s+" + _MONTH + r"(?:,?\s+" + _YEAR + r"\b)?" + _END)),
    ("month_year", re.compile(
        r"\b" + _MONTH + r"(?:,?\s+(?:of\s+)?)" + _YEAR + r"\b" + _END)),
    ("rel_month", re.compile(r"\b" + _REL + r"\s+" + _MONTH + r"(?!\s+\d)")),
    ("month", re.compile(r"\b" + _MONTH + r"(?!-)")),
    ("quarter", re.compile(
        r"\b(?:the\s+)?(?:(?P<year0>1[5-9]\d\d|20\d\d)(?:'s)?\s+|(?P<yrel>last|this|next)\s+year's\s+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+(?P<q>quarter|half)"
        r"(?:\s+(?:of\s+)?(?:fiscal\s+)?" + _YEAR + r"\b)?" + _END, I)),
    ("q_year", re.compile(r"\b(?P<q>Q|H)(?P<ord>[1-4])\s*(?:of\s+)?" + _YEAR + r"\b")),
    ("season", re.compile(
        r"\b(?:(?P<rel>last|this|next|this\s+past|this\s+coming|the\s+coming)\s+)?"
        r"(?:(?P<pmod>early|late|mid)[\s-]+)?(?P<season>spring|summer|fall|autumn|winter)"
        r"(?:(?:\s+of)?,?\s+" + _YEAR + r"\b)?" + _END, I)),
    ("decade", re.compile(
        r"(?:\b(?:the\s+)?(?:(?:early|late|mid)[\s-]+|mid-)?)?(?:(?P<cent>1[5-9]|20)(?P<dec>\d)0s\b|'(?P<dec2>\d)0s\b)")),
    ("relday", re.compile(
        r"\b(?P<word>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|today|yesterday|tomorrow|tonight)"
        + _TOD + r"\b", I)),
    ("this_tod", re.compile(r"\b(?P<rel>this|last)\s+(?P<tod>morning|afternoon|evening|night)\b", I)),
    ("weekday", re.compile(
        r"(?:\b(?P<rel>(?i:last|this|next|this\s+past|this\s+coming|the\s+coming))\s+)?\b" + _WEEKDAY
        + r"(?:'s)?" + _TOD + r"\b")),
    ("rel_unit", re.compile(
        r"\b(?:(?P<part>(?:the\s+)?(?:end|beginning|start|middle|close)\s+of|earlier|later|early|late)\s+)?"
        + _REL + r"\s+" + _UNIT + r"\b", I)),
    ("weekend", re.compile(r"\bthe\s+(?P<unit>weekend)\b", I)),
    ("part_unit", re.compile(
        r"\b(?P<part>(?:the\s+)?(?:end|beginning|start|middle|close)\s+of)\s+the\s+"
        r"(?P<unit>week|month|year|quarter)\b", I)),
    ("ago", re.compile(
        r"\b" + _NUM + r"\s+(?P<unit>day|week|month|year|decade)s?\s+(?P<dir>ago)\b", I)),
    ("ref", re.compile(
        r"\b(?P<ref>right\s+now|now(?![-'])|currently|nowadays|these\s+days|at\s+present|presently|"
        r"(?:more\s+|most\s+|until\s+)?recently|then[\s-]+current|current(?=\s+[a-z])|"
        r"(?:the\s+)?(?:near\s+|distant\s+|immediate\s+)?future(?=\s+(?:years|months|quarters|decades|generations)\b)|"
        r"recent\s+(?:years|months|weeks|days|decades|times|quarters)|"
        r"the\s+(?:near\s+|distant\s+|immediate\s+)?future(?!\s+(?:of|for|looks|is|was)\b)|"
        r"(?:(?<=\bin\s)|(?<=\bfor\s)|(?<=\bover\s))the\s+(?:near|short)[\s-]+term|"
        r"(?:(?<=\bin\s)|(?<=\bfrom\s)|(?<=\bthan\s))the\s+past(?=\s*[,.;:)'\"]|\s+(?:and|or|but|when|as|that|have|has)\b)|"
        r"as\s+soon\s+as\s+possible|a\s+later\s+date)\b", I)),
    ("spelled_year", re.compile(
        r"\b(?:(?P<yprefix>the\s+year)\s+)?(?:(?P<cent_w>eighteen|nineteen)[\s-]+(?P<yy_w>" + _SPELLED_YY + r")"
        r"|(?P<two_k>two[\s-]+thousand)(?:(?:\s+and)?[\s-]+(?P<yy_k>" + _SPELLED_YY + r"))?)\b", I)),
    ("spelled_decade", re.compile(
        r"\b(?:the\s+)?(?:(?P<pmod>early|late|mid)[\s-]+)?(?:(?P<cent_w>eighteen|nineteen)[\s-]+)?"
        r"(?P<tens_w>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b", I)),
    ("century", re.compile(
        r"\b(?:the\s+)?(?:(?P<pmod>early|late|mid)[\s-]+)?(?P<cent_n>\d{1,2})(?:st|nd|rd|th)[\s-]+century\b"
        r"|\b(?:the\s+)?(?P<cent_w>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
        r"twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
        r"twenty[\s-]+first)[\s-]+century\b", I)),
    ("holiday", re.compile(
        r"\b(?:(?P<rel>last|this|next|this\s+past|this\s+coming)\s+)?(?P<hol>" + _HOLIDAYS + r")\b"
        r"(?:,?\s+(?:of\s+)?" + _YEAR + r"\b)?" + _END)),
    ("year_shift", re.compile(
        r"\b(?:(?:the|a|its|their)\s+)?(?:(?:comparable|corresponding|same|prior)\s+)?"
        r"(?P<shift>year[\s-]+(?:earlier|ago)|prior[\s-]+year|year[\s-]+before)"
        r"(?:\s+(?:(?P<ord>first|second|third|fourth)[\s-]+)?(?P<aunit>quarter|period|half))?\b"
        r"|\b(?:the\s+)?(?:(?:comparable|corresponding|same)\s+)(?P<aunit2>quarter|period|half)\s+"
        r"(?:of\s+)?(?:(?P<shift2>last\s+year|a\s+year\s+(?:ago|earlier)|the\s+(?:previous|prior)\s+year))\b"
        r"|\b(?P<shift3>last\s+year's)\s+(?:(?P<ord3>first|second|third|fourth)[\s-]+)?(?P<aunit3>quarter|period)\b"
        r"|\bthe\s+(?P<aunit4>quarter|period)\s+(?P<shift4>a\s+year\s+(?:ago|earlier))\b", I)),
    ("period_ref", re.compile(
        r"\b(?:the|that|this)\s+(?:(?P<pyear>1[5-9]\d\d|20\d\d)\s+)?(?:(?P<qmod>latest|most\s+recent|same|"
        r"just[\s-]+(?:ended|completed)|recent|fiscal)\s+)?(?:fiscal\s+)?(?P<aunit>quarter|period)\b"
        r"(?=\s+(?P<ended>ended|ending)\s+(?P<ended_mon>(?-i:January|February|March|April|May|June|July|August|"
        r"September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec))\b)?", I)),
    ("shift_n", re.compile(
        r"\b" + _NUM + r"\s+(?P<unit>day|week|month|year|decade)s?\s+(?P<dir>earlier|later)\b", I)),
    ("ref_unit", re.compile(
        r"\b(?:(?P<side>earlier|later)\s+(?:that|the\s+same|in\s+the)\s+|(?P<that>that|the\s+same|that\s+same)\s+"
        r"|the\s+(?P<rel>following|next|previous|preceding|prior)\s+)(?P<unit>day|week|month|year)\b(?!-)", I)),
    ("the_year", re.compile(
        r"\b(?:(?:the\s+)?(?P<yend>year(?:'s)?[\s-]+end)\b|(?P<the>the)\s+(?:(?P<ymod>full|whole|entire|fiscal|latest\s+fiscal|current\s+fiscal)\s+)?(?P<unit>year)\b"
        r"(?!\s+(?:end(?:ed|ing)|before|after|earlier|later|ago|to|two|\d)|\s*-|'s\s+(?:end|worst|best)))", I)),
    ("year", re.compile(
        r"(?:\b(?P<ymod>(?i:(?:the\s+)?(?:early|late|mid)[\s-]+|mid-|pre-|post-|fiscal\s+(?:year\s+)?|FY\s*))"
        r"|(?<![\d$€£¥#.,:/-]))" + _YEAR + r"(?:[-–/](?:\d\d)(?!\d))?" + _END + r"(?![.,]\d)")),
]


# Prefixes of month expressions, matched backwards from the month (a leading optional group
# in the month patterns themselves made every character a match start: 5x slower).
_PART_BEFORE = re.compile(r"\b" + _PART[:-1] + r"$")
_WEEKDAY_BEFORE = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+$")
_MONTH_KINDS = frozenset({"mdy", "month_year", "month"})


@dataclass(slots=True)
class Candidate:
    """One match of the grammar: its kind, span, and the named groups that matched."""

    kind: str
    start: int
    end: int
    parts: dict[str, str] = field(default_factory=dict)

    @property
    def length(self) -> int:
        return self.end - self.start


# Keywords every match of a kind contains.  Patterns that open with optional groups ("the",
# "early", "last") cannot use the regex engine's literal-prefix scan and try every word boundary;
# running them only in windows around their keyword made the grammar ~2x faster on news.
# The keywords are searched case-sensitively in a case-folded copy of the text (``_FOLD``, one
# character for one, so offsets hold): a case-insensitive scan disables the engine's first-letter
# skip and cost as much as all the patterns together.  The folding is what ``re.I`` does to these
# lowercase words: ASCII letters plus the four other characters that match one (İ ı ſ K).
_FOLD = str.maketrans({**{c: c.lower() for c in string.ascii_uppercase},
                       "\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_TRIGGERS: dict[str, re.Pattern[str]] = {
    kind: re.compile(words) for kind, words in {
        "ref": r"now|current|recent|future|present|days|term|past|possible|later\s+date",
        "century": r"century", "year_shift": r"year", "spelled_decade": r"ties\b",
        "spelled_year": r"thousand|nineteen|eighteen", "shift_n": r"earlier|later",
        "period_ref": r"quarter|period", "the_year": r"year", "ref_unit": r"day|week|month|year",
        "rel_unit": r"week|month|year|quarter|decade|century", "ago": r"\bago\b",
        "season": r"spring|summer|fall|autumn|winter", "quarter": r"quarter|half",
        "part_unit": r"week|month|year|quarter", "weekend": r"weekend", "this_tod": r"morning|afternoon|evening|night",
        "relday": r"today|yesterday|tomorrow|tonight", "decade": r"0s\b",
    }.items()
}
_WINDOW = 80  # characters around a keyword that hold any match of its kind


def _windows(folded: str, trigger: re.Pattern[str]) -> list[tuple[int, int]]:
    """Merged character windows around the keyword hits of one kind (in the ``_FOLD``-ed text)."""
    spans: list[tuple[int, int]] = []
    for m in trigger.finditer(folded):
        lo, hi = max(0, m.start() - _WINDOW), min(len(folded), m.end() + _WINDOW)
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans


def _matches(kind: str, pattern: re.Pattern[str], text: str, folded: str,
             windows: dict[str, list[tuple[int, int]]]):
    trigger = _TRIGGERS.get(kind)
    if trigger is None:
        yield from pattern.finditer(text)
        return
    spans = windows.get(trigger.pattern)
    if spans is None:  # kinds with the same keywords share their windows
        spans = windows[trigger.pattern] = _windows(folded, trigger)
    for lo, hi in spans:
        yield from pattern.finditer(text, lo, hi)


def find(text: str) -> list[Candidate]:
    """All non-overlapping temporal expressions in ``text``, longest match winning, in order."""
    found: list[Candidate] = []
    folded, windows = text.translate(_FOLD), {}
    for kind, pattern in PATTERNS:
        for m in _matches(kind, pattern, text, folded, windows):
            start, end = m.span()
            # trim leading whitespace captured by optional prefixes
            while start < end and text[start].isspace():
                start += 1
            if end <= start:
                continue
            parts = {k: v for k, v in m.groupdict().items() if v is not None}
            if kind in _MONTH_KINDS:
                start, parts = _extend_back(text, start, parts, weekday=kind == "mdy")
            found.append(Candidate(kind, start, end, parts))
    return non_overlapping(found)


def non_overlapping(found: list[Candidate]) -> list[Candidate]:
    """Longest candidates first, each kept if it overlaps none kept before; in text order."""
    found = sorted(found, key=lambda c: (-c.length, c.start))
    taken: list[Candidate] = []
    for cand in found:
        if all(cand.end <= t.start or cand.start >= t.end for t in taken):
            taken.append(cand)
    taken.sort(key=lambda c: c.start)
    return taken


def _extend_back(text: str, start: int, parts: dict[str, str], *, weekday: bool) -> tuple[int, dict[str, str]]:
    """Grow a month match over "the end of" / "early" / "mid-" and, for full dates, "Monday, "."""
    lo = max(0, start - 40)
    m = _PART_BEFORE.search(text, lo, start)
    if m and m.group("part"):
        parts["part"] = m.group("part")
        start = m.start("part")
    if weekday:
        w = _WEEKDAY_BEFORE.search(text, lo, start)
        if w:
            start = w.start()
    return start, parts


def month_number(name: str) -> int:
    """Month number of a name or abbreviation ("Sept." -> 9)."""
    return MONTHS[name.rstrip(".").lower()]


def number_value(word: str) -> int:
    """Integer value of a count word or digits ("a couple of" -> 2)."""
    key = " ".join(word.lower().split())
    if key.isdigit():
        return int(key)
    return NUMBER_WORDS[key]
