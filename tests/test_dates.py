from __future__ import annotations

import re

import pytest

from wirewatch.nlp import dates
from wirewatch.nlp.timex import find
from wirewatch.records import Article

STORY = (
    "HARBOURVILLE — Port workers in the fictional town of Harbourville walked off the job "
    "yesterday, two days after talks collapsed on Monday.\n\n"
    "The union said about 1991 people joined the strike, and some 2,000 troops were placed on "
    "standby. Dock owners paid $1991 in fines last month.\n\n"
    "The dispute began in December and has dragged on since 2012, union leader Tomas Brel said. "
    "Negotiators will meet on Friday and again next week.\n\n"
    "A year ago the port handled record volumes; the third quarter of 2019 was its best. "
    "A court hearing set for Jan. 14 was postponed to the end of April.\n\n"
    "The town was founded on 4 July 1854 and grew fast in the 1990s. Last summer was quiet."
)
PUBLISHED = "2021-03-10"  # a Wednesday


@pytest.fixture(scope="module")
def story_dates(nlp):
    art = Article(source="t", text=STORY, published=PUBLISHED)
    dates.annotate(nlp(STORY), art)
    return {d.text: d.value for d in art.dates}, art


def test_relative_and_partial_dates(story_dates):
    values, _ = story_dates
    assert values["yesterday"] == "2021-03-09"
    assert values["Monday"] == "2021-03-08"  # closest past Monday
    assert values["Friday"] == "2021-03-12"  # "will meet on Friday": future tense
    assert values["next week"] == "2021-W11"
    assert values["last month"] == "2021-02"
    assert values["A year ago"] == "2020"
    assert values["December"] == "2020-12"  # most recent December
    assert values["Jan. 14"] == "2021-01-14"
    assert values["the end of April"] in ("2021-04", "2020-04")
    assert values["Last summer"] == "2020-SU"


def test_absolute_dates(story_dates):
    values, _ = story_dates
    assert values["2012"] == "2012"
    assert values["the third quarter of 2019"] == "2019-Q3"
    assert values["4 July 1854"] == "1854-07-04"
    assert values["the 1990s"] == "199"


def test_numbers_that_are_not_dates(story_dates):
    _, art = story_dates
    for d in art.dates:
        assert d.text not in ("1991", "2,000", "$1991"), d
    assert not any(d.value == "1991" for d in art.dates)


def test_offsets_point_into_text(story_dates):
    _, art = story_dates
    for d in art.dates:
        assert art.text[d.start:d.end] == d.text
        assert re.fullmatch(r"\d{3,4}(-(\d\d|W\d\d|Q\d|H\d|SP|SU|FA|WI)(-\d\d|-WE)?)?", d.value), d.value


def test_without_published_only_absolute_values():
    out = dates.extract("He spoke on Tuesday about the 2012 coup and the Aug. 18, 2020 vote, last week.", None)
    assert {d.value for d in out} == {"2012", "2020-08-18"}


def test_relative_units():
    anchor = "2020-11-15"  # a Sunday in ISO week 46
    cases = {
        "last week": "2020-W45", "this year": "2020", "two days ago": "2020-11-13",
        "three weeks ago": "2020-W43", "earlier this month": "2020-11", "next month": "2020-12",
        "the day before yesterday": "2020-11-13", "in August": "2020-08", "in May": "2020-05",
    }
    for phrase, value in cases.items():
        got = dates.extract(f"It happened {phrase}.", anchor)
        assert [d.value for d in got] == [value], (phrase, got)


def test_may_and_march_need_context():
    assert dates.extract("Officials may march on the capital.", "2020-11-15") == []


def test_tense_decides_past_or_coming_month(nlp):
    past = "The port closed in March."
    future = "The port will reopen in March."
    assert [d.value for d in dates.extract(past, "2020-11-15", doc=nlp(past))] == ["2020-03"]
    assert [d.value for d in dates.extract(future, "2020-11-15", doc=nlp(future))] == ["2021-03"]


def test_grammar_prefers_longest_match():
    text = "on Monday, Oct. 26, 1998"
    (cand,) = find(text)
    assert text[cand.start:cand.end] == "Monday, Oct. 26, 1998"


def _clean_seed(raw: str) -> str:
    """Minimal chrome removal for the seed (the real cleaner lives in wirewatch.clean)."""
    keep: list[str] = []
    for line in (ln.strip() for ln in raw.splitlines()):
        if len(line.split()) < 6 or line in keep or "notifications" in line:
            continue
        keep.append(line)
    return "\n\n".join(keep)


def test_seed_dates(seed_path, nlp):
    text = _clean_seed(seed_path.read_text(encoding="utf-8"))
    art = Article(source=str(seed_path), text=text, published="2020-11-15")
    dates.annotate(nlp(text), art)
    pairs = {(d.text, d.value) for d in art.dates}
    assert ("Aug. 18", "2020-08-18") in pairs
    assert ("last week", "2020-W45") in pairs
    assert ("August", "2020-08") in pairs
    assert ("1991", "1991") in pairs
    assert ("2012", "2012") in pairs
    assert ("the end of September", "2020-09") in pairs
