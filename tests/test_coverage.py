"""Coverage clusters (one real-world happening, any outlet) and happenings (one event, every report)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from wirewatch import coverage as cov
from wirewatch.coverage import happenings as hp
from wirewatch.dedup import Deduper
from wirewatch.records import Actor, Article, DateExpr, Entity, Event, Mention, Place, Quote
from wirewatch.store import Batch, Store
from wirewatch.store import coverage as sc

# Fictional reports: two look-alike happenings (two floods in two towns of one country, weeks
# apart) and one unrelated one.
FLOOD_A = [
    ("Flood sweeps Korvany as the Mirel river bursts its banks",
     "The Mirel river burst its banks in Korvany on Tuesday, flooding the old town. Mayor Ilse Vantorp said "
     "two hundred families were moved to the Korvany sports hall. Rescuers in boats searched the Dunmere "
     "district through the night."),
    ("Korvany flood: Dunmere district under water",
     "Rescuers in boats searched Korvany's Dunmere district after the Mirel river burst its banks on Tuesday. "
     "Mayor Ilse Vantorp thanked the volunteers and said the sports hall would stay open for the families."),
    ("Mirel floods Korvany old town; mayor Vantorp asks for help",
     "Ilse Vantorp, the mayor of Korvany, asked the region for pumps after the Mirel flooded the old town and "
     "the Dunmere district. Families spent the night in the sports hall."),
]
FLOOD_B = [
    ("Floods hit Tessaly after storm on the Brannock hills",
     "Flash floods hit Tessaly on Sunday after a storm over the Brannock hills. Fire chief Oren Maddox said "
     "forty houses on Quillan Street were flooded and a bridge over the Saffer brook collapsed."),
    ("Tessaly counts the cost of the Saffer brook flood",
     "Shopkeepers on Quillan Street in Tessaly cleared mud on Monday after the Saffer brook flooded the town. "
     "Fire chief Oren Maddox said the Brannock storm dropped a month of rain in three hours."),
]
SUMMIT = [
    ("Harbour ministers meet in Velmora on fishing quotas",
     "Fisheries ministers of six harbour states met in Velmora to set next year's herring quotas. Minister "
     "Petra Lindqvist chaired the talks at the Velmora maritime hall and said a deal on cod was close."),
]


def article(title: str, text: str, *, published: str, source: str, names: list[tuple[str, str]] = (),
            places: list[str] = (), events: list[Event] = ()) -> Article:
    ents = [Entity(name=n, type=t, mentions=[Mention(n, text.find(n), text.find(n) + len(n))])
            for n, t in names if n in text]
    pls = [Place(name=p, country="XX", kind="city", mentions=[Mention(p, text.find(p), text.find(p) + len(p))])
           for p in places if p in text]
    return Article(source=source, text=text, title=title, published=published, entities=ents, places=pls,
                   dates=[DateExpr(text="Tuesday", value=published, start=0, end=1)], events=list(events))


def corpus() -> list[Article]:
    out = []
    for i, (t, x) in enumerate(FLOOD_A):
        out.append(article(t, x, published="2031-03-04", source=f"a{i}.html",
                           names=[("Ilse Vantorp", "PERSON"), ("Mirel", "LOC")], places=["Korvany", "Dunmere"]))
    for i, (t, x) in enumerate(FLOOD_B):
        out.append(article(t, x, published="2031-03-10", source=f"b{i}.html",
                           names=[("Oren Maddox", "PERSON")], places=["Tessaly", "Quillan Street"]))
    for i, (t, x) in enumerate(SUMMIT):
        out.append(article(t, x, published="2031-03-05", source=f"c{i}.html",
                           names=[("Petra Lindqvist", "PERSON")], places=["Velmora"]))
    return out


def gold_groups(arts: list[Article]) -> list[set[str]]:
    return [{a.source for a in arts if a.source[0] == g} for g in "abc"]


def partition(arts: list[Article]) -> list[set[str]]:
    by: dict[str, set[str]] = {}
    for a in arts:
        by.setdefault(a.coverage_id, set()).add(a.source)
    return sorted(by.values(), key=lambda s: sorted(s))


def write(store: Store, arts: list[Article], deduper: Deduper) -> None:
    store.write_batch(Batch(articles=[(a, deduper.judge(a)) for a in arts]))


# -- the decision logic ------------------------------------------------------------------------------
def test_reports_of_one_happening_are_more_alike_than_look_alikes():
    arts = corpus()
    p = [cov.profile(a) for a in arts]
    same = cov.similarity(p[0], p[1])
    look_alike = max(cov.similarity(x, y) for x in p[:3] for y in p[3:5])
    assert same > cov.DEFAULT.join > look_alike
    assert len(p[0].keys) == cov.DEFAULT.n_keys and all(k in p[0].vector for k in p[0].keys)
    assert p[0].days == ["2031-03-04"]


def test_assign_groups_a_batch_and_keeps_look_alikes_apart():
    arts = corpus()
    for a in arts:
        a.story_id = a.id
    decisions = cov.assign([cov.profile(a) for a in arts], [[] for _ in arts])
    for a, d in zip(arts, decisions):
        a.coverage_id = d.coverage_id
    assert partition(arts) == sorted(gold_groups(arts), key=lambda s: sorted(s))
    assert all(not d.merged for d in decisions)


FIGHTS = [  # one champion, two title defences against two challengers, months apart: look-alike happenings
    ("a", "Dravik Olsund stops Marten Quayle in Harnwick",
     "Dravik Olsund stopped Marten Quayle in the sixth round at the Harnwick arena. The referee waved it off "
     "after Quayle, a southpaw from Tolleby, went down twice."),
    ("a", "Quayle falls to Olsund",
     "Marten Quayle was beaten in six rounds by Dravik Olsund in Harnwick. Quayle, the Tolleby southpaw, "
     "blamed a cut over his left eye."),
    ("b", "Olsund beats Ferro Baltane on points",
     "Dravik Olsund beat Ferro Baltane on points after twelve rounds in Castellor. Baltane, the former "
     "cruiserweight champion, was cheered by a home crowd."),
    ("b", "Baltane loses to Olsund in Castellor",
     "Ferro Baltane lost on points to Dravik Olsund in Castellor on a night the home crowd booed the judges' "
     "cards. Baltane had moved up from cruiserweight."),
]


def test_reports_leading_with_names_the_other_never_gives_are_look_alikes():
    arts = []
    for i, (g, title, text) in enumerate(FIGHTS):
        names = [(n, "PERSON") for n in ("Dravik Olsund", "Marten Quayle", "Ferro Baltane") if n in text]
        a = article(title, text, published="2031-05-10" if g == "a" else "2031-05-24", source=f"{g}{i}.html",
                    names=names)
        a.dates, a.story_id = [], f"s{i}"
        arts.append(a)
    p = [cov.profile(a) for a in arts]
    assert "quayle" in p[0].who and "baltane" in p[2].who
    conflicts = cov._who_conflicts(p)
    assert conflicts[0, 1] == 0 and conflicts[2, 3] == 0  # the same fight: each names the other's lead names
    assert conflicts[0, 2] == 1 and conflicts[1, 3] == 1
    # short texts are more alike than real reports: a join level where the champion's name alone joins them
    decisions = cov.assign(p, [[] for _ in p], params=cov.Params(join=0.35))
    assert decisions[0].coverage_id == decisions[1].coverage_id
    assert decisions[2].coverage_id == decisions[3].coverage_id
    assert decisions[0].coverage_id != decisions[2].coverage_id
    off = cov.assign(p, [[] for _ in p], params=cov.Params(join=0.35, who_penalty=0.0))
    assert len({d.coverage_id for d in off}) == 1


ARRESTS = [  # one team, two players arrested on the same charge weeks apart; the later reports recall the first
    ("a", "Torvel Ransby arrested on suspicion of drunk driving",
     "Wingback Torvel Ransby of the Harnwick Gulls was arrested on suspicion of drunk driving early Tuesday. "
     "Ransby was stopped on the coast road and booked at the county jail. The Gulls said Ransby will play."),
    ("a", "Gulls' Ransby faces drunk driving charge",
     "The Harnwick Gulls wingback Torvel Ransby faces a drunk driving charge after officers stopped him on the "
     "coast road on Tuesday. Ransby was released on bail; the Gulls will not suspend him."),
    ("b", "Second Gulls player arrested: Dane Okafor held on drunk driving suspicion",
     "Harnwick Gulls lineman Dane Okafor was arrested on suspicion of drunk driving on Sunday, the team's "
     "second such arrest this season after Torvel Ransby. Okafor was booked at the county jail. Okafor's "
     "agent said he would fight the charge."),
    ("b", "Okafor arrest embarrasses the Gulls",
     "Dane Okafor, the Gulls lineman, was held overnight after his drunk driving arrest on Sunday. The Gulls "
     "said Okafor would meet the coach; Okafor has not commented."),
]


def mentioned(name: str, text: str, words: list[str]) -> Entity:
    """A PERSON with a mention at each place the text gives the name or one of its words."""
    import re

    spans = [m.span() for m in re.finditer("|".join(map(re.escape, [name, *words])), text)]
    return Entity(name=name, type="PERSON", mentions=[Mention(text[s:e], s, e) for s, e in spans])


def test_reports_whose_protagonist_the_other_never_names_are_look_alikes():
    arts = []
    for i, (g, title, text) in enumerate(ARRESTS):
        a = article(title, text, published="2031-05-10" if g == "a" else "2031-05-24", source=f"{g}{i}.html")
        a.entities = [mentioned(n, text, [n.split()[-1]]) for n in ("Torvel Ransby", "Dane Okafor") if n in text]
        a.dates, a.story_id = [], f"s{i}"
        arts.append(a)
    p = [cov.profile(a) for a in arts]
    assert p[0].main == p[1].main == ["torvel"] and p[2].main == p[3].main == ["okafor"]  # each name's rarest word
    conflicts = cov._main_conflicts(p)
    assert conflicts[0, 1] == 0 and conflicts[2, 3] == 0
    # the second arrest's report recalls the first player: one way is enough
    assert conflicts[0, 2] == conflicts[2, 0] == 1 and conflicts[1, 3] == 1
    params = cov.Params(join=0.3, join_single=0.3, who_penalty=0.0)
    decisions = cov.assign(p, [[] for _ in p], params=params)
    assert decisions[0].coverage_id == decisions[1].coverage_id != decisions[2].coverage_id
    assert decisions[2].coverage_id == decisions[3].coverage_id
    off = cov.assign(p, [[] for _ in p], params=cov.Params(join=0.3, join_single=0.3, who_penalty=0.0,
                                                           main_penalty=0.0))
    assert len({d.coverage_id for d in off}) == 1


def test_an_undated_report_is_dated_by_the_latest_year_it_names():
    a = article("Harbour strike ends", "The strike that began in 2027 ended after the 2029 talks.",
                published="2031-03-04", source="y.html")
    assert cov.profile(a).year is None  # dated by its publication
    a.published = None
    a.dates = [DateExpr(text="2027", value="2027", start=23, end=27), DateExpr(text="2029", value="2029-05",
                                                                               start=43, end=47)]
    assert cov.profile(a).year == 2029


def test_an_undated_group_that_names_other_years_than_a_dated_groups_is_kept_apart():
    from datetime import date

    day = date(2034, 6, 1).toordinal()
    sim = np.array([[1.0, 0.2], [0.2, 1.0]])

    def groups(named_year: int | None) -> int:
        return len(cov._average_link(sim, [[0], [1]], [True, True], 0.18, span=[(day, day), None], max_span=60,
                                     named=[None, named_year], year_gap=2, year_penalty=0.25))

    assert groups(None) == 1  # names no year: nothing to conflict with
    assert groups(2034) == 1 and groups(2033) == 1  # its year, or the one before
    assert groups(2031) == 2  # written in 2031 or later, and naming nothing since: another year's happening
    assert groups(2036) == 2  # names a year after the dated group's last publication


def test_a_lone_report_joins_a_group_at_a_lower_bar_than_two_groups_merge():
    sim = np.full((4, 4), 0.15)  # every link across the two pairs at 0.15: above join_single, below join
    sim[0, 1] = sim[1, 0] = sim[2, 3] = sim[3, 2] = 0.6
    np.fill_diagonal(sim, 1.0)

    def groups(units: list[list[int]], has_new: list[bool]) -> int:
        return len(cov._average_link(sim, units, has_new, 0.18, span=[None] * len(units), max_span=60,
                                     join_single=0.13))

    assert groups([[0, 1], [2]], [False, True]) == 1  # a stored group of two and one new report: it joins
    assert groups([[0, 1], [2, 3]], [False, True]) == 2  # a stored group and a new group of two: apart
    assert groups([[0], [2]], [True, True]) == 2  # two lone reports need the full bar


def test_a_copy_of_a_stored_story_takes_its_cluster():
    a = corpus()[0]
    a.story_id = "story-1"
    [d] = cov.assign([cov.profile(a)], [[]], known={"story-1": "cluster-9"})
    assert d.coverage_id == "cluster-9" and not d.new


def test_profile_round_trips():
    p = cov.profile(corpus()[0])
    assert cov.Profile.from_dict(json.loads(json.dumps(p.to_dict()))) == p


def test_word_rarity_is_wordfreqs_without_its_tokenizer():
    from wordfreq import zipf_frequency

    words = ["the", "flood", "korvany", "douma", "al-assad", "u.s", "2018", "1,000", "3.5", "covid-19",
             "o'brien", "isn't", "mp3"]
    assert [cov._zipf(w) for w in words] == pytest.approx([zipf_frequency(w, "en") for w in words], abs=0.011)
    assert cov._zipf("armée", "fr") == pytest.approx(zipf_frequency("armée", "fr"), abs=0.011)
    assert cov._zipf("armée", "fr") > cov._zipf("armée", "en")  # rare in English, common in French


def test_tokens_drop_possessives_and_french_elision():
    assert cov.tokens("Lohan’s U.S. visit: al-Assad, 1,000 troops") == ["lohan", "u.s", "visit", "al-assad",
                                                                       "1,000", "troops"]
    assert cov.tokens("L'armée a frappé jusqu'à Douma qu'il", "fr") == ["armée", "a", "frappé", "à", "douma", "il"]
    assert cov.tokens("O'Brien's car", "en") == ["o'brien", "car"]  # no elision rule in English


# -- in the store ------------------------------------------------------------------------------------
@pytest.mark.parametrize("order", [[0, 1, 2, 3, 4, 5], [5, 3, 0, 4, 2, 1], [4, 1, 5, 2, 0, 3]])
def test_clusters_do_not_depend_on_order_or_batches(tmp_path, order):
    arts = corpus()
    shuffled = [arts[i] for i in order]
    with Store(tmp_path / "s.duckdb") as store:
        dd = Deduper()
        for k in range(0, len(shuffled), 2):  # three batches of two
            write(store, shuffled[k:k + 2], dd)
        rows = store.con.execute("SELECT source, coverage_id, record->>'coverage_id' FROM articles").fetchall()
    assert all(col == rec for _, col, rec in rows)
    by: dict[str, set[str]] = {}
    for source, cid, _ in rows:
        by.setdefault(cid, set()).add(source)
    assert sorted(by.values(), key=sorted) == sorted(gold_groups(arts), key=sorted)


def test_a_bridging_report_merges_two_clusters_and_the_merge_is_recorded(tmp_path):
    # two reports that share too little to be joined on their own, then one that has both
    kw = {"published": "2031-03-04", "names": [("Ilse Vantorp", "PERSON"), ("Mirel", "LOC")],
          "places": ["Korvany", "Dunmere"]}
    first = article("Korvany flood", "The Mirel river burst its banks in Korvany, flooding the old town.",
                    source="first.html", **kw)
    second = article("Families in sports hall", "Mayor Ilse Vantorp said two hundred families slept in the "
                     "Dunmere sports hall.", source="second.html", **kw)
    first.dates = second.dates = []
    bridge = article("Korvany flood: mayor Vantorp opens the Dunmere sports hall",
                     "The Mirel river burst its banks in Korvany, flooding the old town. Mayor Ilse Vantorp said "
                     "two hundred families slept in the Dunmere sports hall.", source="bridge.html", **kw)
    first.id, second.id = "first", "second"
    with Store(tmp_path / "s.duckdb") as store:
        dd = Deduper()
        write(store, [first], dd)
        write(store, [second], dd)
        before = dict(store.con.execute("SELECT id, coverage_id FROM articles").fetchall())
        assert before["first"] != before["second"]
        write(store, [bridge], dd)
        after = dict(store.con.execute("SELECT id, coverage_id FROM articles").fetchall())
        merges = store.con.execute("SELECT from_id, into_id, article_id FROM coverage_merges").fetchall()
        record = json.loads(store.con.execute("SELECT record FROM articles WHERE id = 'second'").fetchone()[0])
    assert len(set(after.values())) == 1
    assert len(merges) == 1 and merges[0][2] == bridge.id
    assert {merges[0][0], merges[0][1]} == {before["first"], before["second"]}
    assert record["coverage_id"] == after["second"]


def test_candidates_are_looked_up_in_the_week_window_only(tmp_path):
    arts = corpus()[:2]
    arts[1].published = "2031-06-20"  # the same words, months later: not a candidate
    arts[1].dates = []
    with Store(tmp_path / "s.duckdb") as store:
        dd = Deduper()
        write(store, [arts[0]], dd)
        write(store, [arts[1]], dd)
        n = store.con.execute("SELECT count(DISTINCT coverage_id) FROM articles").fetchone()[0]
        keys = store.con.execute("SELECT count(*) FROM coverage_keys").fetchone()[0]
    assert n == 2
    assert keys == 2 * cov.DEFAULT.n_keys


# -- happenings --------------------------------------------------------------------------------------
def event(date: str | None, *, basis: str = "text", place: str | None = "Korvany", type_: str = "NATURAL_DISASTER",
          status: str = "reported", text: str = "The river flooded the town.") -> Event:
    return Event(type=type_, plover=None, source=None, target=None, date=date, date_basis=basis, place=place,
                 place_country="XX" if place else None, text=text, start=0, end=len(text), status=status)


def test_one_happening_however_its_reports_date_or_place_it():
    first = hp.facts(event("2031-03-04"), event_key="k", coverage_id="c1")
    h = hp.Happening(happening_id="h1", kind="NATURAL_DISASTER", place="korvany", country="XX",
                     country_level=False, day=first.day, month="2031-03", coverage_id="c1", span=first.span)
    same_cluster_later = hp.facts(event("2031-03-05"), event_key="k2", coverage_id="c1")
    days_later = hp.facts(event("2031-03-08"), event_key="k8", coverage_id="c1")  # fresh flooding: another one
    country_only = hp.facts(event("2031-03", place="Xland"), event_key="k3", coverage_id="c2",
                            country_names={"xland"})
    other_town_elsewhere = hp.facts(event("2031-03-04", place="Tessaly"), event_key="k4", coverage_id="c2")
    other_kind = hp.facts(event("2031-03-04", type_="ARREST"), event_key="k5", coverage_id="c1")
    history = hp.facts(event("2031-03-04", status="background"), event_key="k6", coverage_id="c1")
    far = hp.facts(event("2031-05-20"), event_key="k7", coverage_id="c1")
    other_year = hp.facts(event("2029"), event_key="k9", coverage_id="c1")  # "the 2029 flood": history
    same_week = hp.facts(event("2031-W10"), event_key="k10", coverage_id="c1")
    assert hp.choose(same_cluster_later, [h]) == "h1"
    assert hp.choose(country_only, [h]) == "h1"
    assert hp.choose(other_town_elsewhere, [h]) is None
    assert hp.choose(other_kind, [h]) is None
    assert hp.choose(history, [h]) is None
    assert hp.choose(far, [h]) is None
    assert hp.choose(days_later, [h]) is None
    assert hp.choose(other_year, [h]) is None
    assert hp.choose(same_week, [h]) == "h1"
    assert hp.date_span("2031-02") == (hp.date_span("2031-02-01")[0], hp.date_span("2031-02-28")[0])
    assert "c|c1|NATURAL_DISASTER" in hp.probe_keys(same_cluster_later)
    assert set(hp.probe_keys(same_cluster_later)) & set(hp.file_keys(h))


def dated(text: str, *, trigger: str, when: str, value: str, quote: str | None = None,
          type_: str = "NATURAL_DISASTER", place: str | None = "Korvany") -> tuple[Article, Event]:
    """An article of one sentence with one event (its trigger word) and one date mention."""
    a = Article(source=f"{abs(hash(text))}.html", text=text, title="t", published="2031-03-12")
    a.dates = [DateExpr(text=when, value=value, start=text.index(when), end=text.index(when) + len(when))]
    if quote:
        a.quotes = [Quote(text=quote, start=text.index(quote), end=text.index(quote) + len(quote), speaker="X",
                          cue="said", direct=False)]
    ev = event(value, place=place, type_=type_, text=text)
    ev.trigger = trigger
    a.events = [ev]
    return a, ev


def test_a_statement_day_is_not_the_happenings_day():
    own = [dated("The Mirel flooded Korvany on Tuesday, rescuers said.", trigger="flooded", when="Tuesday",
                 value="2031-03-04"),
           dated("Tuesday's flood in Korvany left 200 families homeless.", trigger="flood", when="Tuesday",
                 value="2031-03-04")]
    said = [dated("On Friday the mayor said the region would pay for the damage of the flood in Korvany.",
                  trigger="flood", when="Friday", value="2031-03-07",
                  quote="the region would pay for the damage of the flood in Korvany"),
            dated("The governor on Friday called for an inquiry into the flooding of the old town.",
                  trigger="flooding", when="Friday", value="2031-03-07")]
    assert all(hp.own_date(ev, a) for a, ev in own)
    assert not any(hp.own_date(ev, a) for a, ev in said)
    f_own = hp.facts(own[0][1], event_key="k1", coverage_id="c1", article=own[0][0])
    f_said = hp.facts(said[0][1], event_key="k2", coverage_id="c1", article=said[0][0])
    assert f_own.span is not None and f_said.span is None and f_said.said == hp.date_span("2031-03-07")
    h = hp.Happening(happening_id="h1", kind="NATURAL_DISASTER", place="korvany", country="XX", country_level=False,
                     day=f_own.day, month="2031-03", coverage_id="c1", span=f_own.span)
    assert hp.choose(f_said, [h]) == "h1"  # the same cluster: statements about it three days later
    f_elsewhere = hp.facts(said[0][1], event_key="k3", coverage_id="c9", article=said[0][0])
    assert hp.choose(f_elsewhere, [h]) == "h1"  # another cluster, the same town, after it
    before = hp.Happening(happening_id="h2", kind="NATURAL_DISASTER", place="korvany", country="XX",
                          country_level=False, day=f_own.day + 10, month="2031-03", coverage_id="c8",
                          span=(f_own.span[0] + 10, f_own.span[1] + 10))
    assert hp.choose(f_elsewhere, [before]) is None  # a statement is not about a later happening
    other_town = hp.Happening(happening_id="h3", kind="NATURAL_DISASTER", place="tessaly", country="XX",
                              country_level=False, day=f_own.day, month="2031-03", coverage_id="c8", span=f_own.span)
    assert hp.choose(f_elsewhere, [other_town]) is None


def test_statements_dated_by_their_day_join_the_happening_in_the_store(tmp_path):
    arts = corpus()[:3]  # one coverage cluster
    text0 = arts[0].text
    arts[0].events = [event("2031-03-04", text=text0[:text0.index(".") + 1])]
    arts[0].events[0].trigger = "burst"
    arts[0].dates = [DateExpr(text="Tuesday", value="2031-03-04", start=text0.index("Tuesday"),
                              end=text0.index("Tuesday") + 7)]
    for a in arts[1:]:
        a.text = a.text + " On Friday the mayor said the region would pay for the damage of the flood in Korvany."
        i = a.text.index("On Friday")
        a.dates = [DateExpr(text="Friday", value="2031-03-07", start=i + 3, end=i + 9)]
        q = a.text.index("the region would")
        a.quotes = [Quote(text=a.text[q:-1], start=q, end=len(a.text) - 1, speaker="Ilse Vantorp", cue="said",
                          direct=False)]
        a.events = [event("2031-03-07", text=a.text[i:])]
        a.events[0].start, a.events[0].end, a.events[0].trigger = i, len(a.text), "flood"
    with Store(tmp_path / "s.duckdb") as store:
        dd = Deduper()
        write(store, arts[:1], dd)
        write(store, arts[1:], dd)
        assert len({cid for (cid,) in store.con.execute("SELECT coverage_id FROM articles").fetchall()}) == 1
        keys = [k for (k,) in store.con.execute("SELECT event_key FROM events").fetchall()]
        of = sc.happenings_of(store.con, keys)
    assert len(keys) == 2 and len(set(of.values())) == 1


def test_merging_two_clusters_merges_their_happenings_and_records_it(tmp_path):
    kw = {"published": "2031-03-04", "names": [("Ilse Vantorp", "PERSON"), ("Mirel", "LOC")],
          "places": ["Korvany", "Dunmere"]}
    first = article("Korvany flood", "The Mirel river burst its banks in Korvany, flooding the old town.",
                    source="first.html", **kw)
    second = article("Families in sports hall", "Mayor Ilse Vantorp said two hundred families slept in the "
                     "Dunmere sports hall after the flood.", source="second.html", **kw)
    first.dates = second.dates = []
    first.events = [event("2031-03-04", text=first.text)]
    second.events = [event("2031-03-04", place=None, text=second.text)]  # no place: only its cluster can join it
    bridge = article("Korvany flood: mayor Vantorp opens the Dunmere sports hall",
                     "The Mirel river burst its banks in Korvany, flooding the old town. Mayor Ilse Vantorp said "
                     "two hundred families slept in the Dunmere sports hall.", source="bridge.html", **kw)
    first.id, second.id = "first", "second"
    with Store(tmp_path / "s.duckdb") as store:
        dd = Deduper()
        write(store, [first], dd)
        write(store, [second], dd)
        keys = [k for (k,) in store.con.execute("SELECT event_key FROM events").fetchall()]
        before = sc.happenings_of(store.con, keys)
        write(store, [bridge], dd)
        after = sc.happenings_of(store.con, keys)
        recorded = store.con.execute("SELECT from_id, into_id FROM happening_merges").fetchall()
        left = store.con.execute("SELECT count(*) FROM happenings").fetchone()[0]
    assert len(set(before.values())) == 2
    assert len(set(after.values())) == 1 and left == 1
    assert len(recorded) == 1 and set(recorded[0]) == set(before.values())


def test_happening_date_is_the_most_reported_day_and_conflicts_are_listed():
    s = hp.happening_summary([
        {"date": "2031-03-04", "date_basis": "text", "place": "Korvany", "reports": 3},
        {"date": "2031-03-07", "date_basis": "text", "place": "Korvany", "reports": 1},
        {"date": "2031-03", "date_basis": "text", "place": "Xland", "reports": 2},
        {"date": "2031-W10", "date_basis": "text", "place": "Xland", "reports": 1},
        {"date": "2031-03-12", "date_basis": "published", "place": None, "reports": 5},
    ])
    assert s.date == "2031-03-04" and s.date_basis == "text" and s.place == "Korvany"
    assert s.conflicting_dates == ["2031-03-07"]  # the month contains the day; publication dates are no claim
    assert hp.happening_summary([{"date": "2031-03-04", "date_basis": "text", "place": "Xland", "reports": 5},
                                 {"date": "2031-03-04", "date_basis": "text", "place": "Korvany", "reports": 1}],
                                country_names={"xland"}).place == "Korvany"  # the town, not its country
    only_published = hp.happening_summary([{"date": "2031-03-12", "date_basis": "published", "reports": 1}])
    assert only_published.date == "2031-03-12" and only_published.date_basis == "published"


def test_events_of_one_cluster_become_one_happening_in_the_store(tmp_path):
    arts = corpus()
    arts[0].events = [event("2031-03-04")]
    arts[1].events = [event("2031-03-05", text="The Mirel flooded Korvany.")]  # another key: another day
    arts[2].events = [event("2031-03-04", basis="published", place=None)]
    arts[3].events = [event("2031-03-09", place="Tessaly")]
    arts[0].events[0].source = Actor(name="Mirel")
    with Store(tmp_path / "s.duckdb") as store:
        dd = Deduper()
        write(store, arts[:2], dd)
        write(store, arts[2:], dd)
        rows = store.con.execute("SELECT count(*) FROM events").fetchone()[0]
        keys = [k for (k,) in store.con.execute("SELECT event_key FROM events").fetchall()]
        of = sc.happenings_of(store.con, keys)
    assert rows == 4
    assert len(set(of.values())) == 2  # the Korvany flood (three keys) and the Tessaly flood


def test_a_cluster_spans_weeks_not_months():
    a, b = corpus()[:2]
    b.published = "2031-07-20"  # the same words four months later: another happening
    for x in (a, b):
        x.story_id = x.id
    da, db = cov.assign([cov.profile(a), cov.profile(b)], [[], []])
    assert da.coverage_id != db.coverage_id
    b.published = "2031-03-06"
    da, db = cov.assign([cov.profile(a), cov.profile(b)], [[], []])
    assert da.coverage_id == db.coverage_id


def test_coverage_id_is_listed_searched_and_exported(tmp_path):
    from wirewatch.store import queries

    arts = corpus()
    with Store(tmp_path / "s.duckdb") as store:
        write(store, arts, Deduper())
        listed = queries.search_articles(store.con, limit=50)
        found = queries.search_articles(store.con, "Korvany", limit=50)
        n = queries.export(store.con, tmp_path / "a.jsonl")
        stored = dict(store.con.execute("SELECT id, coverage_id FROM articles").fetchall())
    assert {r["id"]: r["coverage_id"] for r in listed} == stored
    assert found and all(r["coverage_id"] == stored[r["id"]] for r in found)
    exported = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert n == len(arts) and {r["id"]: r["coverage_id"] for r in exported} == stored


def test_a_watch_is_woken_once_per_happening_not_per_outlet(tmp_path):
    from wirewatch.alerts import service
    from wirewatch.alerts.messages import build_message

    arts = corpus()
    with Store(tmp_path / "s.duckdb") as store:
        service.add_watch(store, "Korvany", name="floods")
        service.subscribe(store, "floods", webhook="http://127.0.0.1:9/hook", secret="s", allow_private=True)
        dd = Deduper()
        for a in arts[:3]:  # three outlets' reports of the Korvany flood, one batch each
            write(store, [a], dd)
            service.notify(store, [a])
        rows = store.con.execute("SELECT status, item FROM deliveries ORDER BY created_at, story_id").fetchall()
    statuses = [r[0] for r in rows]
    items = [json.loads(r[1]) for r in rows]
    assert statuses == ["pending", "covered", "covered"]
    assert items[0]["happening"]["new"] and not items[1]["happening"]["new"]
    assert items[2]["happening"]["stories"] == 3 and items[2]["happening"]["of"] == arts[0].title
    first = build_message(watch={"id": "w", "name": "floods", "query": "Korvany"}, items=[items[0]], token="t")
    later = build_message(watch={"id": "w", "name": "floods", "query": "Korvany"}, items=[items[1]], token="t")
    assert first["body"].startswith("New happening.") and first["title"] == arts[0].title
    assert later["body"].startswith(f"More coverage of “{arts[0].title}”")


def test_a_large_batch_is_decided_in_chunks_that_see_each_other(tmp_path, monkeypatch):
    monkeypatch.setattr(sc, "CHUNK", 2)
    arts = corpus()
    with Store(tmp_path / "s.duckdb") as store:
        write(store, arts, Deduper())
        rows = store.con.execute("SELECT source, coverage_id FROM articles").fetchall()
    by: dict[str, set[str]] = {}
    for source, cid in rows:
        by.setdefault(cid, set()).add(source)
    assert sorted(by.values(), key=sorted) == sorted(gold_groups(arts), key=sorted)


def test_report_timeline_lists_a_happening_once_with_its_conflicting_dates(tmp_path):
    from wirewatch.report.build import build_report
    from wirewatch.report.render import render

    arts = corpus()[:3]
    arts[0].events = [event("2031-03-04", text="The Mirel flooded Korvany on Tuesday.")]
    arts[1].events = [event("2031-03-04", place="Xland", text="The river flooded the town in Xland.")]
    arts[2].events = [event("2031-03-05", text="The Mirel flooded Korvany overnight.")]
    arts[2].events[0].source = Actor(name="Mirel")
    with Store(tmp_path / "s.duckdb") as store:
        write(store, arts, Deduper())
        rep = build_report(store.con, "Korvany")
    floods = [it for it in rep.timeline if it["kind"] == "event" and it["type"] == "NATURAL_DISASTER"]
    assert len(floods) == 1
    [flood] = floods
    assert flood["date"] == "2031-03-04" and flood["conflicting_dates"] == ["2031-03-05"]
    assert flood["stories"] == 3 and flood["merged_events"] == 2  # the first two share one event key (day, country)
    assert "also dated by its reports: 2031-03-05" in render(rep, "md")


# -- stores written before migration 008 -------------------------------------------------------------
def old_store(path, arts, monkeypatch) -> None:
    """A store as wirewatch wrote it before coverage clusters: migrations up to 006, no clustering."""
    from wirewatch.store import db

    every = db.migrations()
    with monkeypatch.context() as m:
        m.setattr(db, "migrations", lambda: [x for x in every if x[0] < 8])
        m.setattr(sc, "assign", lambda *args, **kwargs: None)
        m.setattr(sc, "catch_up", lambda *args, **kwargs: 0)
        with Store(path) as store:
            dd = Deduper()
            for a in arts:
                write(store, [a], dd)
            assert store.schema_version() < 8


def test_an_upgraded_store_gets_coverage_clusters_on_its_first_writable_open(tmp_path, monkeypatch):
    arts = corpus()
    arts[0].events = [event("2031-03-04")]
    arts[1].events = [event("2031-03-05", text="The Mirel flooded Korvany.")]
    old_store(tmp_path / "s.duckdb", arts, monkeypatch)
    with Store(tmp_path / "s.duckdb", read_only=True) as store:  # reading does not change it
        assert len({c for (c,) in store.con.execute("SELECT coverage_id FROM articles").fetchall()}) == len(arts)
    monkeypatch.setattr(sc, "BACKFILL_CHUNK", 2)  # three chunks, each its own transaction
    with Store(tmp_path / "s.duckdb") as store:
        rows = store.con.execute("SELECT source, coverage_id, record->>'coverage_id' FROM articles").fetchall()
        profiles = store.con.execute("SELECT count(*) FROM coverage_profiles").fetchone()[0]
        keys = [k for (k,) in store.con.execute("SELECT event_key FROM events").fetchall()]
        of = sc.happenings_of(store.con, keys)
        filed = store.con.execute("SELECT count(*) FROM event_happenings").fetchone()[0]
        log = store.con.execute("SELECT articles, finished_at IS NOT NULL FROM coverage_backfill").fetchall()
    assert all(col == rec for _, col, rec in rows)
    by: dict[str, set[str]] = {}
    for source, cid, _ in rows:
        by.setdefault(cid, set()).add(source)
    assert sorted(by.values(), key=sorted) == sorted(gold_groups(arts), key=sorted)
    assert profiles == len(arts) and filed == 2 and len(set(of.values())) == 1
    assert log == [(len(arts), True)]
    with Store(tmp_path / "s.duckdb") as store:  # once: later opens find nothing to do
        assert sc.catch_up(store) == 0
        new = article("Korvany: the Mirel falls back", "The Mirel river fell back in Korvany on Thursday and "
                      "mayor Ilse Vantorp said families could leave the Dunmere sports hall.",
                      published="2031-03-06", source="late.html", names=[("Ilse Vantorp", "PERSON")],
                      places=["Korvany", "Dunmere"])
        write(store, [new], Deduper())
        cid = dict(store.con.execute("SELECT source, coverage_id FROM articles").fetchall())
    assert cid["late.html"] == cid["a0.html"]  # new reports join the backfilled clusters


def test_an_interrupted_backfill_resumes_where_it_stopped(tmp_path, monkeypatch):
    arts = corpus()
    old_store(tmp_path / "s.duckdb", arts, monkeypatch)
    monkeypatch.setattr(sc, "BACKFILL_CHUNK", 2)
    real = sc._backfill_chunk
    calls = []

    def flaky(store, ids, known):
        calls.append(ids)
        if len(calls) == 2:
            raise KeyboardInterrupt  # killed during the second chunk
        real(store, ids, known)

    monkeypatch.setattr(sc, "_backfill_chunk", flaky)
    with pytest.raises(KeyboardInterrupt):
        Store(tmp_path / "s.duckdb")
    monkeypatch.setattr(sc, "_backfill_chunk", real)
    with Store(tmp_path / "s.duckdb") as store:
        n = store.con.execute("SELECT count(*) FROM coverage_profiles").fetchone()[0]
        ids = store.con.execute("SELECT count(DISTINCT article_id) FROM coverage_profiles").fetchone()[0]
        rows = store.con.execute("SELECT source, coverage_id FROM articles").fetchall()
        finished = store.con.execute("SELECT count(*) FROM coverage_backfill WHERE finished_at IS NOT NULL"
                                     ).fetchone()[0]
    assert n == ids == len(arts) and finished == 1
    by: dict[str, set[str]] = {}
    for source, cid in rows:
        by.setdefault(cid, set()).add(source)
    assert sorted(by.values(), key=sorted) == sorted(gold_groups(arts), key=sorted)


def test_history_in_a_report_is_never_the_happening_news_reports_join(tmp_path):
    arts = corpus()[:2]  # one coverage cluster
    arts[0].events = [event("2029", status="background", text="The Mirel flooded Korvany in 2029 too.")]
    arts[1].events = [event("2031-03-04", text="The Mirel flooded Korvany.")]
    with Store(tmp_path / "s.duckdb") as store:
        dd = Deduper()
        write(store, arts[:1], dd)
        write(store, arts[1:], dd)
        keys = [k for (k,) in store.con.execute("SELECT event_key FROM events").fetchall()]
        of = sc.happenings_of(store.con, keys)
    assert len(keys) == 2 and len(set(of.values())) == 2


# -- French ------------------------------------------------------------------------------------------
def bilingual(title: str, text: str, *, lang: str, names: list[str], places: list[tuple[str, int]], day: str,
              source: str) -> Article:
    ents = [Entity(name=n, type="PERSON", mentions=[Mention(n, text.find(n), text.find(n) + len(n))])
            for n in names if n in text]
    pls = [Place(name=shown, country="XX", kind="city", geonameid=gid,  # one gazetteer id whatever the language
                 mentions=[Mention(shown, text.find(shown), text.find(shown) + len(shown))])
           for shown, gid in places if shown in text]
    return Article(source=source, text=text, title=title, published=day, language=lang, entities=ents, places=pls,
                   dates=[DateExpr(text="Tuesday", value=day, start=0, end=1)])


def reports_in_two_languages() -> list[Article]:
    return [
        bilingual("Flood sweeps Korvany as the Mirel bursts its banks",
                  "The Mirel river burst its banks in Korvany on Tuesday, flooding the old town. Mayor Ilse Vantorp "
                  "said two hundred families were moved to the sports hall. Rescuers in boats searched the Dunmere "
                  "district through the night.", lang="en", names=["Ilse Vantorp"],
                  places=[("Korvany", 9001), ("Dunmere", 9002)], day="2031-03-04", source="a-en.html"),
        bilingual("Korvany inondée par la crue de la Mirel",
                  "La Mirel est sortie de son lit mardi à Korvany et a inondé la vieille ville. La maire, Ilse "
                  "Vantorp, a annoncé que deux cents familles avaient été relogées au gymnase. Des secouristes en "
                  "bateau ont fouillé le quartier de Dunmere toute la nuit.", lang="fr", names=["Ilse Vantorp"],
                  places=[("Korvany", 9001), ("Dunmere", 9002)], day="2031-03-04", source="a-fr.html"),
        bilingual("Tessaly sous les eaux après l'orage sur les collines de Brannock",
                  "Des crues soudaines ont frappé Tessaly dimanche après un orage sur les collines de Brannock. Le "
                  "chef des pompiers, Oren Maddox, a indiqué que quarante maisons de la rue Quillan avaient été "
                  "inondées et qu'un pont sur le ruisseau Saffer s'était effondré.", lang="fr", names=["Oren Maddox"],
                  places=[("Tessaly", 9003)], day="2031-03-09", source="b-fr.html"),
        bilingual("Flash floods hit Tessaly after a storm over the Brannock hills",
                  "Flash floods hit Tessaly on Sunday after a storm over the Brannock hills. Fire chief Oren Maddox "
                  "said forty houses on Quillan Street were flooded.", lang="en", names=["Oren Maddox"],
                  places=[("Tessaly", 9003)], day="2031-03-09", source="b-en.html"),
    ]


def test_french_words_are_weighed_by_french_frequencies():
    fr = reports_in_two_languages()[1]
    as_french = cov.profile(fr).vector
    fr.language = "en"
    as_english = cov.profile(fr).vector
    # common French words are no evidence of a happening in French; read as English they look rare
    for w in ("la", "et", "est", "de"):
        assert w not in as_french and as_english[w] > 0.04
    for w in ("deux", "nuit", "ville"):
        assert as_french[w] < 0.7 * as_english[w]
    assert as_french["korvany"] > 1.4 * as_english["korvany"]  # the names carry the French profile
    assert max(as_french, key=as_french.get) in {"e:ilse vantorp", "d:2031-03-04", "korvany", "mirel", "vantorp"}
    fr.language = "xx"  # a language without a word list reads as English
    assert cov.profile(fr).vector == as_english


def test_an_english_and_a_french_report_of_one_happening_share_a_cluster(tmp_path):
    arts = reports_in_two_languages()
    with Store(tmp_path / "s.duckdb") as store:
        dd = Deduper()
        for a in arts:  # one at a time: each finds the other language's report by key
            write(store, [a], dd)
        rows = store.con.execute("SELECT source, coverage_id FROM articles").fetchall()
    by: dict[str, set[str]] = {}
    for source, cid in rows:
        by.setdefault(cid, set()).add(source)
    assert sorted(by.values(), key=sorted) == [{"a-en.html", "a-fr.html"}, {"b-en.html", "b-fr.html"}]
