"""dates component: every temporal expression with a TimeML value resolved against ``published``.

Detection is the regex grammar of ``timex``; this module decides what each match *means*:

* absolute expressions ("Nov. 15, 2020", "August 2012", "1991", "the 1990s") keep their value
  whether or not the article has a date;
* anchored ones ("Aug. 18", "in August", "on Tuesday", "last week", "two days ago", "the third
  quarter") need ``published`` and are dropped without it.  News mostly reports the past, so an
  expression without a year means its most recent occurrence not after publication, unless the
  sentence is about the future ("will meet on Tuesday", "next month");
* numbers that only look like years ("2,000 troops", "$1991", "1991 people") are rejected by
  their context: the parse and NER of spaCy when a ``Doc`` is given, the surrounding characters
  otherwise.

"now", "recently", "the future" get TimeML's ``PRESENT_REF``/``PAST_REF``/``FUTURE_REF`` (see
``values``).  Expressions that refer back to a date mentioned earlier ("a year earlier", "that
day", "the quarter", "the year-ago period") are resolved against the discourse's reference time
(``anaphora``), in text order.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from ...records import Article, DateExpr
from .. import lang as L
from . import anaphora as date_anaphora
from . import grammar as date_grammar
from . import values as date_values
from . import timex
from .anaphora import Discourse
from .anaphora import add_months as _add_months
from .anaphora import week_value as _week
from .timex import Candidate

log = logging.getLogger(__name__)

Date = dt.date

# words that, just before a bare month or year, make it a time expression
_TEMPORAL_PREPS = frozenset(
    ["in", "since", "by", "until", "till", "through", "throughout", "from", "during", "before", "after", "early",
     "late", "mid", "of", "to", "last", "this", "next", "past", "around", "between", "and", "or", "since", "circa",
     "on", "as"]
)
_COUNT_WORDS = frozenset(
    ["some", "about", "around", "nearly", "almost", "over", "approximately", "roughly", "only", "just", "least",
     "than", "up", "another", "additional", "extra"]
)
_NON_DATE_ENTS = frozenset({"MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"})
_FUTURE_AUX = frozenset({"will", "'ll", "shall", "wo"})
_FUTURE_LEMMAS = frozenset({"schedule", "slate", "due", "plan", "expect", "intend"})
# "set to resume Monday", "agreed to meet on Friday": the infinitive's date lies ahead
_FUTURE_HEADS = _FUTURE_LEMMAS | {"go", "want", "hope", "set", "prepare", "promise", "vow", "agree", "aim"}
_STATIVE = frozenset({"be", "have", "say", "tell", "report", "know", "think", "believe", "remain", "seem"})
_FORWARD_PREPS = frozenset({"until", "till", "through", "by", "before", "to"})
_AS_SOON = re.compile(r"\bas (?:soon|early) as\s*$")
_PREV_WORD = re.compile(r"([A-Za-z']+)\W*$")
_QUARTER_MONTH = {1: 1, 2: 4, 3: 7, 4: 10}
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def parse_published(value: str | None) -> Date | None:
    """The publication date as a ``date`` (accepts ``YYYY-MM-DD`` and longer ISO stamps)."""
    if not value:
        return None
    try:
        return Date.fromisoformat(value[:10])
    except ValueError:
        log.debug("unparseable published date %r", value)
        return None


# --------------------------------------------------------------------------- calendar helpers

def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _safe_date(year: int, month: int, day: int) -> Date | None:
    try:
        return Date(year, month, day)
    except ValueError:
        return None


def _quarter_of(d: Date) -> int:
    return (d.month - 1) // 3 + 1


def _season_of(d: Date) -> tuple[int, str]:
    """The season a day falls in, with the year it started in (winter starts in December)."""
    m = d.month
    if m in (3, 4, 5):
        return d.year, "SP"
    if m in (6, 7, 8):
        return d.year, "SU"
    if m in (9, 10, 11):
        return d.year, "FA"
    return (d.year if m == 12 else d.year - 1), "WI"


# --------------------------------------------------------------------------- resolvers

def _direction(rel: str | None, tense: str | None) -> str:
    """'past', 'future' or 'this' from a modifier ("last", "next", ...) and the sentence's tense."""
    rel = " ".join((rel or "").lower().split())
    if rel in ("last", "this past", "past", "previous"):
        return "past"
    if rel in ("next", "this coming", "the coming", "coming", "following"):
        return "future"
    if rel in ("this", "the current"):
        return "this"
    return tense or "default"


def _pick_year_for_month(anchor: Date, month: int, day: int | None, direction: str) -> int:
    """Year of a month (and day) given without a year.

    "last"/past tense: the most recent one before publication; "next"/future tense: the next
    one; otherwise the nearest occurrence, a future one counting 1.5 times its distance (news
    reports the past more often than it announces), so "Aug. 18" in a November story is this
    August and "Jan. 14" in a December one is next January.
    """
    if direction == "this":
        return anchor.year
    if day is None:  # compare whole months: the current month counts as both past and future
        now = anchor.year * 12 + anchor.month - 1
        past = max(i for i in (now - 12 + k for k in range(13)) if i % 12 == month - 1)
        future = min(i for i in (now + k for k in range(12)) if i % 12 == month - 1)
        back, ahead = now - past, future - now
        past_year, future_year = past // 12, future // 12
    else:
        days = [_safe_date(anchor.year + k, month, day) or Date(anchor.year + k, month, 28) for k in (-1, 0, 1)]
        past_d = max(d for d in days if d <= anchor)
        future_d = min(d for d in days if d >= anchor)
        back, ahead = (anchor - past_d).days, (future_d - anchor).days
        past_year, future_year = past_d.year, future_d.year
    if direction == "past":
        return past_year
    if direction == "future":
        return future_year
    return past_year if back <= ahead * 1.5 else future_year


def _resolve_day_month(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    month = timex.month_number(c.parts["mon"])
    day = int(c.parts["day"])
    if "year" in c.parts:
        year = int(c.parts["year"])
    elif anchor is None:
        return None
    else:
        # "le 6 mai dernier": the expression's own modifier, else the tense
        year = _pick_year_for_month(anchor, month, day, _direction(c.parts.get("rel"), tense))
    d = _safe_date(year, month, day)
    return d.isoformat() if d else None


def _resolve_month(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    month = timex.month_number(c.parts["mon"])
    if "year" in c.parts:
        return _month(int(c.parts["year"]), month)
    if anchor is None:
        return None
    return _month(_pick_year_for_month(anchor, month, None, _direction(c.parts.get("rel"), tense)), month)


def _resolve_weekday(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    if anchor is None:
        return None
    target = timex.WEEKDAYS[c.parts["wd"].lower()]
    back = (anchor.weekday() - target) % 7
    ahead = (target - anchor.weekday()) % 7
    direction = _direction(c.parts.get("rel"), tense)
    if direction == "past":  # "last Tuesday" is never today; "met Tuesday" may be
        d = anchor - dt.timedelta(days=(back or 7) if c.parts.get("rel") else back)
    elif direction == "future":
        d = anchor + dt.timedelta(days=ahead)
    elif direction == "this":
        d = anchor + dt.timedelta(days=ahead) if ahead <= 3 else anchor - dt.timedelta(days=back)
    else:
        d = anchor - dt.timedelta(days=back)
    return d.isoformat()


_RELDAY = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1,
           "the day before yesterday": -2, "the day after tomorrow": 2}


def _resolve_relday(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    if anchor is None:
        return None
    if c.kind == "this_tod":
        offset = -1 if c.parts["rel"].lower() == "last" else 0
    else:
        offset = _RELDAY[" ".join(c.parts["word"].lower().split())]
    return (anchor + dt.timedelta(days=offset)).isoformat()


def _shift_unit(anchor: Date, unit: str, step: int) -> str | None:
    unit = unit.lower()
    if unit in ("week", "weekend"):
        value = _week(anchor + dt.timedelta(weeks=step))
        return value + "-WE" if unit == "weekend" else value
    if unit == "month":
        return _month(*_add_months(anchor.year, anchor.month, step))
    if unit == "year":
        return f"{anchor.year + step:04d}"
    if unit == "quarter":
        index = anchor.year * 4 + _quarter_of(anchor) - 1 + step
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    if unit == "decade":
        return f"{anchor.year // 10 + step:03d}"
    if unit == "century":
        return f"{anchor.year // 100 + step:02d}"
    return None


def _resolve_rel_unit(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    if anchor is None:
        return None
    rel = " ".join(c.parts.get("rel", "this").lower().split())
    if rel in ("past", "previous", "following", "coming"):  # durations or anaphora, not dates
        return None
    step = {"last": -1, "this past": -1, "next": 1, "this coming": 1, "the coming": 1}.get(rel, 0)
    return _shift_unit(anchor, c.parts["unit"], step)


def _resolve_ago(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    if anchor is None:
        return None
    n = timex.number_value(c.parts["num"])
    unit = c.parts["unit"].lower()
    if unit == "day":
        return (anchor - dt.timedelta(days=n)).isoformat()
    if unit == "week":
        return _week(anchor - dt.timedelta(weeks=n))
    if unit == "month":
        return _month(*_add_months(anchor.year, anchor.month, -n))
    if unit == "year":
        return f"{anchor.year - n:04d}"
    return f"{(anchor.year - 10 * n) // 10:03d}"


def _resolve_quarter(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    n = timex.ORDINALS.get(c.parts["ord"].lower()) or int(c.parts["ord"])
    half = c.parts["q"].lower() in ("half", "h")
    if half and n > 2:
        return None
    letter = "H" if half else "Q"
    year_given = c.parts.get("year") or c.parts.get("year0")
    if year_given:
        return f"{year_given}-{letter}{n}"
    if anchor is None:
        return None
    if "yrel" in c.parts:  # "next year's first quarter"
        step = {"last": -1, "this": 0, "next": 1}[c.parts["yrel"].lower()]
        return f"{anchor.year + step:04d}-{letter}{n}"
    current = (anchor.month - 1) // 6 + 1 if half else _quarter_of(anchor)
    year = anchor.year
    if tense == "future" and n < current:
        year += 1
    elif tense != "future" and n > current:
        year -= 1
    return f"{year:04d}-{letter}{n}"


def _resolve_season(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    code = timex.SEASONS[c.parts["season"].lower()]
    if "year" in c.parts:
        return f"{c.parts['year']}-{code}"
    if anchor is None:
        return None
    cur_year, cur_code = _season_of(anchor)
    start = _SEASON_START[code]
    direction = _direction(c.parts.get("rel"), tense)
    if direction == "this":
        year = cur_year if code == cur_code else anchor.year
    elif direction == "future":
        year = anchor.year if start > anchor.month else anchor.year + 1
    elif code == cur_code:
        year = cur_year - 1 if direction == "past" else cur_year
    else:
        year = anchor.year if start < anchor.month else anchor.year - 1
    return f"{year:04d}-{code}"


def _resolve_decade(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    if "cent" in c.parts:
        return f"{c.parts['cent']}{c.parts['dec']}"
    dec = int(c.parts["dec2"])
    century = 20 if anchor is not None and 2000 + dec * 10 <= anchor.year else 19
    return f"{century}{dec}"


def _resolve_fixed(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    if c.kind == "year":
        return c.parts["year"]
    if c.kind == "q_year":
        return f"{c.parts['year']}-{c.parts['q'].upper()}{c.parts['ord']}"
    d = _safe_date(int(c.parts["year"]), int(c.parts["month"]), int(c.parts["day"]))
    return d.isoformat() if d else None


def _resolve_weekend(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    """"the weekend": the coming one in future tense, else the last one (this one on Sat/Sun)."""
    if anchor is None:
        return None
    if tense == "future" or anchor.weekday() >= 5:
        return _week(anchor) + "-WE"
    return _week(anchor - dt.timedelta(days=anchor.weekday() + 1)) + "-WE"


def _resolve_part_unit(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    return None if anchor is None else _shift_unit(anchor, c.parts["unit"], 0)


def _resolve_holiday(c: Candidate, anchor: Date | None, tense: str | None) -> str | None:
    return date_values.resolve_holiday(c, anchor, tense, direction=_direction(c.parts.get("rel"), tense))


_RESOLVERS = {
    "iso": _resolve_fixed, "numeric": _resolve_fixed, "year": _resolve_fixed, "q_year": _resolve_fixed,
    "mdy": _resolve_day_month, "dmy": _resolve_day_month,
    "month_year": _resolve_month, "rel_month": _resolve_month, "month": _resolve_month,
    "weekday": _resolve_weekday, "relday": _resolve_relday, "this_tod": _resolve_relday,
    "rel_unit": _resolve_rel_unit, "part_unit": _resolve_part_unit, "ago": _resolve_ago, "weekend": _resolve_weekend,
    "quarter": _resolve_quarter, "season": _resolve_season, "decade": _resolve_decade,
    "ref": date_values.resolve_ref, "spelled_year": date_values.resolve_spelled_year,
    "spelled_decade": date_values.resolve_spelled_decade, "century": date_values.resolve_century,
    "holiday": _resolve_holiday,
}


def resolve(c: Candidate, anchor: Date | None, *, tense: str | None = None) -> str | None:
    """TimeML value of one grammar match, or None when it cannot be anchored."""
    try:
        return _RESOLVERS[c.kind](c, anchor, tense)
    except (KeyError, ValueError, OverflowError):
        log.debug("could not resolve %s %s", c.kind, c.parts)
        return None


# --------------------------------------------------------------------------- context checks

def _prev_word(text: str, start: int) -> str:
    m = _PREV_WORD.search(text, max(0, start - 25), start)
    return m.group(1).lower() if m else ""


def _next_text(text: str, end: int) -> str:
    return text[end:end + 12].lstrip()


def _plausible_text(c: Candidate, text: str) -> bool:
    """Checks that need only characters (used with or without a parse)."""
    if c.kind == "month" and "part" not in c.parts:
        mon = c.parts["mon"]
        prev = _prev_word(text, c.start)
        if not mon.endswith(".") and len(mon) <= 4 and mon not in ("June", "July", "May"):
            return False  # "Jan", "Dec" alone are more often names than months
        if mon in ("May", "March") and prev not in _TEMPORAL_PREPS:
            return False
        nxt = _next_text(text, c.end)
        if nxt[:1].isupper() and prev not in _TEMPORAL_PREPS:
            return False  # "June Carter", "August Wilson"
    if c.kind == "year" and "ymod" not in c.parts:
        nxt = _next_text(text, c.end).lower()
        if nxt.startswith(("%", "percent", "per cent")):
            return False
        if _prev_word(text, c.start) in _COUNT_WORDS:
            return False
    if c.kind == "season" and "rel" not in c.parts and "year" not in c.parts:
        return _prev_word(text, c.start) in ("the", "in", "this", "during", "by", "until", "since")
    return _plausible_new_kind(c, text)


_NOT_PRESENT_AFTER_CURRENT = frozenset({"account", "accounts", "affairs", "flow", "flows", "assets",
                                        "liabilities", "carrying"})
_OF_THE_YEAR_AWARDS = frozenset({"man", "woman", "person", "player", "coach", "team", "book", "album",
                                 "song", "car", "word", "rookie", "manager", "executive", "athlete"})
_WORD_AFTER = re.compile(r"\s*([A-Za-z]+)")


def _plausible_new_kind(c: Candidate, text: str) -> bool:
    """Context checks of the REF, spelled-out and anaphoric kinds."""
    if c.kind == "ref" and c.parts["ref"].lower() == "current":
        m = _WORD_AFTER.match(text, c.end)
        return not (m and m.group(1).lower() in _NOT_PRESENT_AFTER_CURRENT)
    if c.kind == "spelled_year" and "two_k" in c.parts and "yprefix" not in c.parts:
        return _prev_word(text, c.start) in _TEMPORAL_PREPS
    if c.kind == "period_ref":
        unit = c.parts["aunit"]
        if unit != unit.lower():
            return False  # "the Latin Quarter"
        return unit == "quarter" or "qmod" in c.parts or "pyear" in c.parts
    if c.kind == "the_year":
        before = text[max(0, c.start - 30):c.start].lower().split()
        return not (len(before) >= 2 and before[-1] == "of" and before[-2] in _OF_THE_YEAR_AWARDS)
    return True


def _plausible_year(c: Candidate, doc: Any) -> bool:
    """A bare four-digit number is a year unless the parse says it counts something."""
    span = doc.char_span(c.start, c.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return True
    tok = span[0]
    if tok.ent_type_ in _NON_DATE_ENTS:
        return False
    prev = doc[tok.i - 1] if tok.i > 0 else None
    nxt = doc[span.end] if span.end < len(doc) else None
    if prev is not None and prev.tag_ == "$":
        return False
    if nxt is not None and nxt.tag_ in ("NNS", "NNPS") and tok.dep_ == "nummod":
        # "the 2016 elections" is a year; "won 1998 votes" counts votes
        return prev is not None and (prev.tag_ in ("DT", "PRP$", "POS") or prev.lower_ in _TEMPORAL_PREPS)
    return True


def _tense(c: Candidate, doc: Any, text: str) -> str | None:
    """'future', 'past' or None (unknown) for the verb the expression directly modifies.

    Only a verb within two arcs counts ("met on Tuesday", "will meet Tuesday", "plans to vote
    on Nov. 8"): a past main verb further up says little about a date inside its object
    ("extended the loans through January").  "until"/"through"/"by" point forward from a past
    verb, so they leave the tense unknown.
    """
    if doc is None:
        return None
    span = doc.char_span(c.start, c.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    if _AS_SOON.search(text, max(0, c.start - 16), c.start):
        return "future"  # "as early as Tuesday"
    tok = span.root
    prep = tok.head if tok.dep_ == "pobj" else None
    verb = prep.head if prep is not None else tok.head
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    auxes = [ch for ch in verb.children if ch.dep_ in ("aux", "auxpass")]
    if any(a.lower_ in _FUTURE_AUX for a in auxes):
        return "future"
    if verb.lemma_ in _FUTURE_LEMMAS:
        return "future"  # "is scheduled for", "planned a rally on Saturday"
    if any(a.lower_ == "to" for a in auxes) and verb.head.lemma_ in _FUTURE_HEADS:
        return "future"
    if prep is not None and prep.lower_ in _FORWARD_PREPS:
        return None
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
        return "past"
    if c.kind == "weekday" and verb.tag_ in ("VBP", "VBZ") and not auxes and verb.lemma_ not in _STATIVE:
        return "future"  # news present for schedules: "Albright meets Arafat on Monday"
    if verb.tag_ == "VBN" and any(a.lemma_ == "have" for a in auxes):
        return "past"
    return None


_NEEDS_TENSE = frozenset({"mdy", "dmy", "month", "rel_month", "weekday", "season", "weekend", "holiday"})


def _value_in_discourse(c: Candidate, anchor: Date | None, disc: Discourse, doc: Any, text: str,
                        grammar: date_grammar.Grammar) -> str | None:
    """Value of one candidate, reading and updating the discourse's reference time."""
    if c.kind in date_anaphora.ANAPHORIC_KINDS:
        return date_anaphora.resolve_anaphor(c, disc) if anchor is not None else None
    if c.kind == "ago" and c.parts["unit"].lower() == "year" and anchor is not None:
        framed = date_anaphora.a_year_ago(c, disc, timex.number_value(c.parts["num"]))
        if framed:
            return framed
    anchored = c.kind in _NEEDS_TENSE and "year" not in c.parts
    tense = grammar.tense(c, doc, text) if anchored and anchor is not None else None
    value = resolve(c, anchor, tense=tense)
    if value:
        disc.observe(value, c)
    return value


def extract(text: str, published: str | Date | None, *, doc: Any = None, lang: str | None = None) -> list[DateExpr]:
    """All temporal expressions of ``text`` with TimeML values (``doc`` = its spaCy parse, optional).

    ``lang`` picks the grammar (default: the language of ``doc``, else English); every language's
    matches are resolved by the same resolvers, so the values follow the same conventions."""
    anchor = published if isinstance(published, Date) else parse_published(published)
    grammar = date_grammar.grammar_for(lang or (L.doc_language(doc) if doc is not None else None))
    disc = Discourse(anchor)
    out: list[DateExpr] = []
    for c in grammar.find(text):
        if not grammar.plausible(c, text):
            continue
        if c.kind == "year" and "ymod" not in c.parts and doc is not None and not grammar.plausible_year(c, doc):
            continue
        value = _value_in_discourse(c, anchor, disc, doc, text, grammar)
        if value:
            out.append(DateExpr(text=text[c.start:c.end], value=value, start=c.start, end=c.end))
    return out


def annotate(doc: Any, article: Article) -> None:
    """Fill ``article.dates`` from the text, anchored on ``article.published``."""
    article.dates = extract(article.text, article.published, doc=doc,
                            lang=L.doc_language(doc) if doc is not None else article.language)


date_grammar.register(L.DEFAULT, date_grammar.english(_plausible_text, _plausible_year, _tense))
