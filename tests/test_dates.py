from __future__ import annotations

import re

import pytest

from wirewatch.nlp import dates
from wirewatch.nlp.dates.timex import find
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


def test_seed_dates(seed_path, seed_text, nlp):
    text = seed_text
    art = Article(source=str(seed_path), text=text, published="2020-11-15")
    dates.annotate(nlp(text), art)
    pairs = {(d.text, d.value) for d in art.dates}
    assert ("Aug. 18", "2020-08-18") in pairs
    assert ("last week", "2020-W45") in pairs
    assert ("August", "2020-08") in pairs
    assert ("1991", "1991") in pairs
    assert ("2012", "2012") in pairs
    assert ("the end of September", "2020-09") in pairs


# --------------------------------------------------------------------------- REF values, spelled forms, holidays

def _values(text: str, published: str | None = "2021-03-10", nlp=None) -> dict[str, str]:
    doc = nlp(text) if nlp is not None else None
    return {d.text: d.value for d in dates.extract(text, published, doc=doc)}


def test_present_past_future_ref():
    text = ("The mill now employs 300 people and currently exports most of its output. It recently "
            "opened a second line, and in recent years sales doubled. In the past, the town relied on "
            "fishing. Managers worry about the future and expect losses in the near term.")
    values = _values(text)
    assert values["now"] == "PRESENT_REF"
    assert values["currently"] == "PRESENT_REF"
    assert values["recently"] == "PAST_REF"
    assert values["recent years"] == "PAST_REF"
    assert values["the past"] == "PAST_REF"
    assert values["the future"] == "FUTURE_REF"
    assert values["the near term"] == "FUTURE_REF"


def test_ref_words_that_are_not_times():
    text = "The current account deficit grew. The future of the port is unclear. In the past two months it shrank."
    values = _values(text)
    assert "current" not in values
    assert "the future" not in values
    assert "the past" not in values  # "the past two months" is a duration, not PAST_REF


def test_ref_values_need_no_publication_date():
    assert [d.value for d in dates.extract("Prices are now falling.", None)] == ["PRESENT_REF"]


def test_spelled_years_decades_and_centuries():
    text = ("In nineteen ninety-six the ferry sank. The pier was rebuilt in the nineties, before the year "
            "two thousand. Two thousand people came. The church dates from the 12th century; the canal "
            "from the nineteenth century.")
    values = _values(text)
    assert values["nineteen ninety-six"] == "1996"
    assert values["the nineties"] == "199"
    assert values["the year two thousand"] == "2000"
    assert "Two thousand" not in values
    assert values["the 12th century"] == "11"
    assert values["the nineteenth century"] == "18"


def test_holidays():
    values = _values("Shops closed on Thanksgiving Day and reopened after Christmas. Eastern Freight paid on "
                     "Election Day.", published="2020-12-30")
    assert values["Thanksgiving Day"] == "2020-11-26"
    assert values["Christmas"] == "2020-12-25"
    assert values["Election Day"] == "2020-11-03"
    assert not any(k.startswith("Easter") for k in values)
    easter = _values("Pilgrims arrived for Easter.", published="2021-03-20", nlp=None)
    assert easter["Easter"] == "2021-04-04"  # nearest occurrence: two weeks ahead
    assert _values("Pilgrims came last Easter.", published="2021-03-20")["last Easter"] == "2020-04-12"


# --------------------------------------------------------------------------- temporal anaphora

EARNINGS = (
    "Brightwater Mills Inc. said third-quarter net income rose 12% to $4.1 million from $3.6 million "
    "a year earlier. Sales in the quarter climbed to $80 million from $71 million a year ago. "
    "In the year-ago quarter, the company took a $2 million charge. The latest period included a gain "
    "on the sale of a warehouse. For the year, Brightwater expects sales of $300 million."
)


def test_results_frame_quarters():
    values = _values(EARNINGS, published="2021-10-27")
    assert values["third-quarter"] == "2021-Q3"
    assert values["a year earlier"] == "2020-Q3"
    assert values["the quarter"] == "2021-Q3"
    assert values["a year ago"] == "2020-Q3"
    assert values["the year-ago quarter"] == "2020-Q3"
    assert values["The latest period"] == "2021-Q3"
    assert values["the year"] == "2021"


def test_quarter_without_ordinal_uses_the_reporting_quarter_or_its_end_month():
    assert _values("Profit fell in the quarter.", published="2021-10-20")["the quarter"] == "2021-Q3"
    values = _values("In the quarter ended July 31, sales rose.", published="2021-09-02")
    assert values["the quarter"] == "2021-Q2"  # May to July


def test_a_year_ago_outside_a_results_frame_is_a_year():
    assert _values("The bridge opened a year ago.", published="2021-10-27")["a year ago"] == "2020"


def test_anaphora_on_the_last_mentioned_date():
    text = ("The dam failed on March 3, 1995. Two days later the army arrived. Rain fell again that day "
            "and again the following week. The town was rebuilt the following year. In 2012 it flooded "
            "again; a year earlier, levees had been raised.")
    values = _values(text)
    assert values["March 3, 1995"] == "1995-03-03"
    assert values["Two days later"] == "1995-03-05"
    assert values["that day"] == "1995-03-05"
    assert values["the following week"] == "1995-W10"
    assert values["the following year"] == "1996"
    assert values["a year earlier"] == "2011"


def test_unit_finer_than_the_reference_gives_nothing():
    values = _values("The strike began in 1995. Two days later it ended.")
    assert values["1995"] == "1995"
    assert "Two days later" not in values


def test_the_year_and_year_end():
    values = _values("Sales will rise by year-end, and for the year they will top 1992 levels.",
                     published="2021-03-10")
    assert values["year-end"] == "2021"
    assert values["the year"] == "2021"
    assert "the year" not in _values("She was named player of the year.")


def test_period_arithmetic():
    from wirewatch.nlp.dates.anaphora import Period, coarsen, shift

    q = Period.parse("2021-Q1")
    assert shift(q, "year", -1).value() == "2020-Q1"
    assert shift(q, "quarter", -1).value() == "2020-Q4"
    assert shift(Period.parse("2021-01"), "month", -2).value() == "2020-11"
    assert shift(Period.parse("2021-03-31"), "month", -1).value() == "2021-02-28"
    assert shift(Period.parse("2021"), "day", 1) is None
    assert coarsen(Period.parse("2021-08-18"), "quarter").value() == "2021-Q3"
    assert coarsen(Period.parse("2021-08-18"), "week").value() == "2021-W33"


def test_future_cues_for_weekdays(nlp):
    text = "The envoy could arrive as early as Tuesday. Talks are set to resume Monday."
    values = _values(text, published="2021-03-10", nlp=nlp)  # a Wednesday
    assert values["Tuesday"] == "2021-03-16"
    assert values["Monday"] == "2021-03-15"


def test_quarter_of_a_relative_year():
    values = _values("The merger could close in next year's first quarter, after last year's fourth quarter.",
                     published="2021-10-27")
    assert values["next year's first quarter"] == "2022-Q1"
    assert values["last year's fourth quarter"] == "2020-Q4"


# --------------------------------------------------------------------------- French (nlp/dates/data/fr)

FR_STORY = (
    "BAMAKO — Le ministre malien de la Défense, Amadou Traoré, a annoncé hier la fin des opérations "
    "lancées le 18 août dans la région de Tombouctou.\n\n"
    "Les combats avaient commencé mardi dernier, selon l'armée, et 2000 soldats ont été déployés fin "
    "septembre. La mission avait été créée il y a deux ans, en 2012 selon d'autres sources.\n\n"
    "Une conférence se tiendra le mois prochain à Niamey et une autre début 2021. L'an dernier, la ville "
    "avait déjà connu des violences, comme la semaine dernière. Le pays vit au XXe siècle une longue crise."
)
FR_PUBLISHED = "2020-11-15"  # a Sunday


@pytest.fixture(scope="module")
def fr_values():
    from wirewatch.nlp.runtime import load_model

    nlp_fr = load_model(lang="fr")
    art = Article(source="t", text=FR_STORY, published=FR_PUBLISHED, language="fr")
    dates.annotate(nlp_fr(FR_STORY), art)
    return {d.text: d.value for d in art.dates}


@pytest.mark.parametrize("expr, value", [
    ("hier", "2020-11-14"),
    ("18 août", "2020-08-18"),
    ("mardi dernier", "2020-11-10"),
    ("fin septembre", "2020-09"),
    ("il y a deux ans", "2018"),
    ("2012", "2012"),
    ("le mois prochain", "2020-12"),
    ("début 2021", "2021"),
    ("L'an dernier", "2019"),
    ("la semaine dernière", "2020-W45"),
    ("au XXe siècle", "19"),
])
def test_french_expressions_resolve_to_the_same_timeml_values(fr_values, expr, value):
    assert fr_values[expr] == value


def test_french_counts_are_not_years(fr_values):
    assert "2000" not in fr_values  # "2000 soldats" counts soldiers


@pytest.mark.parametrize("text, published, expected", [
    ("Il a été élu le 6 mai dernier.", "1999-05-27", {"6 mai dernier": "1999-05-06"}),
    ("La réunion aura lieu le 3 mars.", "2020-11-15", {"3 mars": "2021-03-03"}),
    ("Il est arrivé le 6 mai. La veille, il avait parlé. Deux jours plus tard, il est reparti.", "2020-11-15",
     {"6 mai": "2020-05-06", "La veille": "2020-05-05", "Deux jours plus tard": "2020-05-07"}),
    ("Aujourd'hui, le 1er août, et demain, dimanche 29 août, ce matin.", "2021-08-25",
     {"Aujourd'hui": "2021-08-25", "1er août": "2021-08-01", "demain": "2021-08-26",
      "dimanche 29 août": "2021-08-29", "ce matin": "2021-08-25"}),
    ("Les années 90, octobre 98, le premier trimestre 2020, les 15/11/2020, récemment.", "2021-08-25",
     {"Les années 90": "199", "octobre 98": "1998-10", "le premier trimestre 2020": "2020-Q1",
      "15/11/2020": "2020-11-15", "récemment": "PAST_REF"}),
])
def test_french_grammar_without_a_parse(text, published, expected):
    got = {d.text: d.value for d in dates.extract(text, published, lang="fr")}
    assert got == expected


def test_french_names_that_look_like_months_and_verbs_that_look_like_seasons():
    got = {d.text for d in dates.extract("Selon Mars Traoré, il a été reçu par Mai Traoré en été 2019.", "2020-11-15",
                                         lang="fr")}
    assert got == {"en été 2019"}


def test_a_language_without_a_grammar_file_uses_the_default_grammar():
    assert [d.value for d in dates.extract("They met yesterday.", "2020-11-15", lang="xx")] == ["2020-11-14"]


def test_keyword_windows_are_those_of_a_case_insensitive_search():
    """The grammar's keyword scan runs case-sensitively on a folded copy of the text: the hits must be
    exactly those of the case-insensitive search, offsets included (capitals, İ ı ſ K, accents)."""
    import re

    from wirewatch.nlp.dates import timex as T

    texts = ["LAST YEAR the army said", "İt was \u212aTODAY, not Yesterday, this WEE\u212a",
             "ſpring of 1999 and the NINETIES", "a Later  Date", "Émile said in the 1990S that the Century ended",
             "weekEND in Ağrı, TONIGHT"]
    for text in texts:
        folded = text.translate(T._FOLD)
        assert len(folded) == len(text)
        for kind, trig in T._TRIGGERS.items():
            want = [m.span() for m in re.compile(trig.pattern, re.I).finditer(text)]
            assert [m.span() for m in trig.finditer(folded)] == want, (kind, text)
    assert [c.kind for c in T.find("LAST YEAR and last week")] == ["rel_unit", "rel_unit"]
