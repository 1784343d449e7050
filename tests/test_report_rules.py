"""The rules that make a situation report readable, each on a constructed (fictional) store:
headlines for untitled stories, a summarised "what is new", developments apart from background
history, one row per actor (aliases, demonyms, filtered roles), stated positions by named
speakers only, and who-does-what-to-whom rows with at least one known actor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_report import event_keys  # noqa: F401  (fixture re-used)
from wirewatch.dedup import Deduper
from wirewatch.records import Actor, Article, Entity, Event, Mention, Place, Quote
from wirewatch.report import build_report, render
from wirewatch.report.actors import collect, pick_roles, resolve_aliases
from wirewatch.report.build import NEW_TOP
from wirewatch.report.text import headline
from wirewatch.report.timeline import is_background, latest_day
from wirewatch.store import Batch, Store

CHAD = Place("Chad", country="TD", lat=15.0, lon=19.0, kind="country", mentions=[Mention("Chad", 0, 4)])
FAYA = Place("Faya", country="TD", lat=17.93, lon=19.10, kind="city", mentions=[Mention("Faya", 0, 4)])
REBELS = Actor("rebels", country="TD", sector="REB")

S1 = ("N'DJAMENA, Chad (AP) — Chadian troops attacked rebel positions near Faya on Wednesday, the army said, "
      "in a push ordered by the president after weeks of raids on northern villages.\n\n"
      "\"We will restore order in the north,\" Kabir said. \"I saw the columns leave,\" one resident said.")
S2 = ("Omar al-Kabir, Chad's president, said talks with the rebels would resume next week, after fresh fighting "
      "near Faya on Saturday.\n\nAn unnamed official said more troops were on the way.")
S3 = ("FAYA, Chad — The army will stay in Faya until the rebels leave, president Omar al-Kabir said on Sunday. "
      "The town was last contested in 1990, when a coup brought the army to power, and again in November.")


def ent(name: str, typ: str, roles: list[str] | None = None) -> Entity:
    return Entity(name, typ, roles or [], [Mention(name, 0, len(name))])


def ev(src: str | None, tgt: Actor | None, plover: str, date: str, text: str, *, typ: str = "ARMED_CLASH") -> Event:
    return Event(typ, plover, Actor(src, country="TD", sector="GOV") if src else None, tgt, date, "text", "Faya",
                 text, 0, len(text))


def quote(text: str, speaker: str | None, *, direct: bool = True) -> Quote:
    return Quote(text, 0, len(text), speaker=speaker, cue="said", direct=direct)


def story1() -> Article:
    return Article(
        source="s1.txt", text=S1, published="2024-03-01", language="en",  # no title
        entities=[ent("Kabir", "PERSON", ["President"]), ent("Chadian", "NORP"), ent("Islamist", "NORP"),
                  ent("Amina Tall", "PERSON", ["cabinet colleague Joseph Okafor"]), ent("Joseph Okafor", "PERSON")],
        quotes=[quote("We will restore order in the north,", "Kabir"), quote("I saw the columns leave,", "I"),
                quote("the raids had emptied the villages", "they", direct=False),
                quote("Nobody knows when this will end.", None)],
        places=[CHAD, FAYA],
        events=[ev("Kabir", REBELS, "FIGHT", "2024-02-28", "Chadian troops attacked rebel positions near Faya."),
                ev(None, None, "ASSAULT", "2024-02-27", "Weeks of raids hit northern villages.", typ="ATTACK")])


def story2() -> Article:
    return Article(
        source="s2.txt", text=S2, title="Chad to resume talks with rebels", published="2024-03-02", language="en",
        entities=[ent("Omar al-Kabir", "ORG", ["president"]), ent("Chad", "GPE"), ent("Chadian", "NORP")],
        quotes=[quote("talks with the rebels would resume next week", "Omar al-Kabir", direct=False),
                quote("more troops were on the way", None, direct=False)],
        places=[CHAD, FAYA],
        events=[ev("Omar al-Kabir", REBELS, "FIGHT", "2024-03-02", "Fresh fighting near Faya on Saturday.")])


def story3() -> Article:
    return Article(
        source="s3.txt", text=S3, title="Army to stay in Faya", published="2024-03-03", language="en",
        entities=[ent("Omar al-Kabir", "PERSON", ["President", "army chief"]), ent("Chad", "GPE")],
        quotes=[quote("The army will stay in Faya until the rebels leave,", "Omar al-Kabir")],
        places=[CHAD, FAYA],
        events=[ev("army", None, "COERCE", "1990", "A coup brought the army to power in 1990.", typ="OTHER"),
                ev("army", REBELS, "FIGHT", "2023-11", "The town was contested in November.")])


def filler(i: int) -> Article:
    text = (f"ABECHE, Chad — Aid convoy number {i} reached camps in eastern Chad on day {i} of the month, "
            f"officials said, as rains cut roads to the border for the {i}th time this season.")
    return Article(source=f"f{i}.txt", text=text, title=f"Aid convoy {i} reaches eastern Chad",
                   published=f"2024-03-{10 + i:02d}", language="en", places=[CHAD])


N_FILLERS = NEW_TOP + 2


@pytest.fixture
def db(tmp_path: Path, event_keys) -> Path:  # noqa: F811
    """One ingest run: three stories on the fighting, and more aid stories than "what is new" lists."""
    path = tmp_path / "rules.duckdb"
    with Store(path) as store:
        dd = Deduper()
        run = store.begin_ingest()
        arts = [story1(), story2(), story3(), *(filler(i) for i in range(N_FILLERS))]
        store.write_batch(Batch(articles=[(a, dd.judge(a)) for a in arts]))
        store.finish_ingest(run, {"seen": len(arts), "stored": len(arts), "duplicates": 0, "rejected": 0})
    return path


@pytest.fixture
def rep(db: Path):
    with Store(db, read_only=True) as store:
        return build_report(store.con, "Chad")


# 1. headlines ------------------------------------------------------------------------------
def test_untitled_story_is_named_by_its_lead_sentence(rep):
    sources = [s for it in rep.timeline if it["kind"] == "event" for s in it["sources"]]
    first = next(s for s in sources if s["story_id"] and s.get("title_from_lead"))
    assert first["title"].startswith("Chadian troops attacked rebel positions near Faya")
    assert "N'DJAMENA" not in first["title"] and len(first["title"]) <= 91
    text = render(rep, "md")
    assert "untitled" not in text
    assert "Chadian troops attacked rebel positions near Faya" in render(rep, "html")


def test_headline_rules():
    lead = "PARIS (Reuters) — France accused Chad of stalling. More follows."
    assert headline(lead) == "France accused Chad of stalling"
    long = "Officials in the capital said on Tuesday that " + "talks " * 30 + "would go on."
    cut = headline(long)
    assert cut.endswith("…") and len(cut) <= 91 and not cut[:-1].endswith(" ")
    assert headline("") is None and headline(None) is None


# 2. what is new ----------------------------------------------------------------------------
def test_new_since_after_a_first_ingest_is_a_summary_with_the_top_few(rep):
    ns = rep.new_since
    total = 3 + N_FILLERS
    assert ns["all_new"] and ns["stories_total"] == total
    assert ns["summary"].startswith(f"All {total} stories and {ns['events_total']} events")
    assert len(ns["stories"]) == NEW_TOP  # most important few, newest first when copies tie
    assert ns["stories"][0]["published"] == max(s["published"] for s in ns["stories"])
    assert ns["background_total"] == 2 and all(e["date"] not in ("1990", "2023-11") for e in ns["events"])
    text = render(rep, "md")
    assert f"+{total - NEW_TOP} more" in text
    assert text.count("\n- ") < 40  # not one line per story and event
    assert f"+{total - NEW_TOP:,} more" in render(rep, "html")


def test_new_since_an_explicit_later_date_is_nothing_new(db):
    with Store(db, read_only=True) as store:
        later = build_report(store.con, "Chad", new_since="2999-01-01")
    assert later.new_since["stories"] == [] and later.new_since["summary"] == "Nothing new."


# 3. developments and background ------------------------------------------------------------
def test_history_cited_by_stories_is_background_not_timeline(rep):
    dates = [it["date"] for it in rep.timeline if it["kind"] == "event"]
    assert "1990" not in dates and "2023-11" not in dates
    assert "2024-02-28" in dates and "2024-02-27" in dates  # days before its report: a development
    assert sorted(it["date"] for it in rep.background) == ["1990", "2023-11"]
    assert rep.counts["background"] == 2 and rep.counts["developments"] == rep.counts["events"] - 2
    md = render(rep, "md")
    assert "## Background" in md and md.index("## Background") > md.index("## Timeline")
    html = render(rep, "html")
    assert '<section id="background">' in html and "<details>" in html.split('<section id="background">')[1]
    assert "background" in json.loads(render(rep, "json"))


def test_background_rule_on_timeml_values():
    assert latest_day("2011") .isoformat() == "2011-12-31" and latest_day("2024-02").isoformat() == "2024-02-29"
    assert latest_day("2020-W45").isoformat() == "2020-11-08" and latest_day("198X").isoformat() == "1989-12-31"
    assert latest_day("PAST_REF") is None
    kw = {"reported": "2024-03-03", "coverage_start": "2024-03-01"}
    assert is_background("1925", "text", **kw) and is_background("2023-12-01", "text", **kw)
    assert not is_background("2024-01-15", "text", **kw)  # within 60 days of its report
    assert not is_background("2024", "text", **kw)  # the year of the report
    assert not is_background("1925", "published", **kw) and not is_background("PAST_REF", "text", **kw)
    # inside the period the report covers: a development however old its report
    assert not is_background("2023-06-01", "text", reported="2024-03-03", coverage_start="2023-01-01")


# 4. actors ---------------------------------------------------------------------------------
def test_one_row_per_actor_with_majority_type_and_folded_roles(rep):
    names = [a["name"] for a in rep.actors]
    assert "Kabir" not in names and names.count("Omar al-Kabir") == 1
    kabir = next(a for a in rep.actors if a["name"] == "Omar al-Kabir")
    assert kabir["stories"] == 3 and kabir["type"] == "PERSON"  # PERSON in 2 stories, ORG in 1
    assert kabir["aliases"] == ["Kabir"]
    assert kabir["roles"][0] == "president"  # "President"/"president" in 3 stories, shown once
    assert kabir["as_source"] == 2  # its events under both names
    chad = next(a for a in rep.actors if a["name"] == "Chad")
    assert "Chadian" in chad["aliases"] and "Chadian" not in names  # a demonym counts with its country
    assert "Islamist" not in names  # a group adjective with no country and no events is not an actor
    tall = next(a for a in rep.actors if a["name"] == "Amina Tall")
    assert tall["roles"] == []  # a role naming another person is not hers
    assert names.index("Omar al-Kabir") < names.index("Amina Tall")  # events and stories rank actors


def test_alias_resolution_rules():
    rows = [("Assad", "PERSON", 86), ("Bashar al-Assad", "ORG", 82), ("Bashar al-Assad", "PERSON", 3),
            ("Hafez al-Assad", "PERSON", 2), ("Donald Trump", "PERSON", 80), ("Beyond Donald Trump", "PERSON", 1),
            ("Trump", "PERSON", 12), ("UN", "ORG", 60), ("Kim Jong-un", "PERSON", 3), ("Isis", "ORG", 150),
            ("Baghuz, Isis", "PERSON", 1), ("American Isis", "PERSON", 1), ("Erdoğan", "PERSON", 15),
            ("Tayyip Erdogan", "PERSON", 2), ("Recep Tayyip Erdoğan", "PERSON", 48), ("TRUMP", "ORG", 1),
            ("Jordan", "GPE", 30), ("Michael Jordan", "PERSON", 2)]
    al = resolve_aliases(collect(rows))
    assert al.of("Assad") == "Bashar al-Assad"  # the most frequent full name ending with it
    assert al.of("Trump") == "Donald Trump" and al.of("TRUMP") == "Donald Trump"
    assert al.of("Donald Trump") == "Donald Trump"  # a junk longer span never swallows the real name
    assert al.of("UN") == "UN" and al.of("Isis") == "Isis" and al.of("Jordan") == "Jordan"
    assert al.of("Erdoğan") == al.of("Tayyip Erdogan") == "Recep Tayyip Erdoğan"


def test_role_selection_rules():
    cands = [("president", 30, "president"), ("although president", 1, "Although President"),
             ("federal reserve chair jerome powell", 2, "Federal Reserve chair Jerome Powell"),
             ("businessman", 9, "businessman"), ("candidate", 3, "candidate"), ("host", 2, "host"),
             ("envoy", 1, "envoy")]
    roles = pick_roles(cands, stories=40, own=["Donald Trump"], persons={"jerome powell", "donald trump"})
    assert roles == ["president", "businessman", "candidate"]  # top 3, none naming another person
    assert pick_roles([("envoy", 1, "envoy")], stories=3, own=["X Y"], persons=set()) == ["envoy"]  # 1 of 3 >= 20%
    assert pick_roles([("envoy", 1, "envoy")], stories=40, own=["X Y"], persons=set()) == []


# 5. stated positions -----------------------------------------------------------------------
def test_positions_only_by_named_speakers_direct_first_newest_first(rep):
    speakers = [g["speaker"] for g in rep.quotes]
    assert "I" not in speakers and "they" not in speakers and None not in speakers
    assert speakers == ["Omar al-Kabir"]  # "Kabir" folded into the full name
    g = rep.quotes[0]
    assert g["quotes_total"] == 3 and g["roles"][0] == "president"
    assert [(q["direct"], q["published"]) for q in g["quotes"]] == [
        (True, "2024-03-03"), (True, "2024-03-01"), (False, "2024-03-02")]
    assert rep.counts["quotes"] == 3 and rep.counts["unattributed_quotes"] == 4
    assert "4 further quotes have no named speaker" in render(rep, "md")


def test_positions_are_capped_per_speaker(db, monkeypatch):
    from wirewatch.store import situations as sq

    real = sq.quotes
    monkeypatch.setattr(sq, "quotes", lambda *a, **kw: real(*a, **{**kw, "per_speaker": 1}))
    with Store(db, read_only=True) as store:
        g = build_report(store.con, "Chad").quotes[0]
    assert g["quotes_total"] == 3 and len(g["quotes"]) == 1 and g["quotes"][0]["published"] == "2024-03-03"


# 6. who does what to whom ------------------------------------------------------------------
def test_interactions_need_a_known_actor_and_fold_aliases(rep):
    rows = {(i["source"], i["plover"], i["target"]): i["events"] for i in rep.interactions}
    assert rows[("Omar al-Kabir", "FIGHT", "rebels")] == 2  # "Kabir" and "Omar al-Kabir": one actor
    assert all(i["source"] or i["target"] for i in rep.interactions)
    assert not any(p == "ASSAULT" for _, p, _ in rows)  # its only event has neither actor
    assert "| ? | ASSAULT | ? |" not in render(rep, "md")


def test_background_history_is_left_out_of_interactions_and_actor_counts(rep):
    rows = {(i["source"], i["plover"], i["target"]) for i in rep.interactions}
    assert ("army", "FIGHT", "rebels") not in rows and ("army", "COERCE", None) not in rows  # 2023-11 and 1990
    assert "COERCE" not in rep.counts["plover"] and rep.counts["plover"]["FIGHT"] == 2


def test_the_same_words_in_two_stories_are_shown_once(tmp_path, event_keys):  # noqa: F811
    words = "We will not negotiate with armed groups."
    arts = []
    bodies = ("MOUSSORO, Chad — Talks with northern rebel factions stalled on Friday after a dispute over "
              "prisoners, delegates said.", "ABECHE, Chad — Flooding closed three schools in the east this week "
              "while the government and its opponents traded blame over the collapse of the ceasefire.")
    for i, day in enumerate(("2024-03-01", "2024-03-05")):
        text = f"{bodies[i]}\n\n\"{words}\" said Omar al-Kabir, the president."
        arts.append(Article(source=f"q{i}.txt", text=text, title=f"Talks stall {i}", published=day, language="en",
                            entities=[ent("Omar al-Kabir", "PERSON", ["president"])], places=[CHAD],
                            quotes=[quote(words, "Omar al-Kabir")]))
    with Store(tmp_path / "q.duckdb") as store:
        dd = Deduper()
        store.write_batch(Batch(articles=[(a, dd.judge(a)) for a in arts]))
        g = build_report(store.con, "Chad").quotes[0]
    assert g["quotes_total"] == 2 and len(g["quotes"]) == 1 and g["quotes"][0]["published"] == "2024-03-05"
