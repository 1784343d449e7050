"""Situation reports built from a store filled with constructed (fictional) articles."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from wirewatch.dedup import Deduper
from wirewatch.errors import UsageError
from wirewatch.records import Actor, Article, Entity, Event, Mention, Place, Quote
from wirewatch.report import build_report, render
from wirewatch.report.charts import bin_volume
from wirewatch.store import Batch, Store

BODY_A = (
    "N'DJAMENA, Chad (AP) — Chadian troops attacked rebel positions near the northern town of Faya on "
    "Saturday, the army said, in the heaviest fighting in the region this year.\n\n"
    "\"We will not let armed groups hold our towns,\" said Mahamat Idriss Deby, the transitional president, "
    "in a televised address on Sunday.\n\n"
    "The African Union asked the government in N'Djamena to open talks with the rebels. Witnesses in Faya "
    "described columns of armoured vehicles moving north before dawn, and residents said the market stayed shut."
)
BODY_B = (
    "PARIS (Reuters) — France accused Chad's rulers of ignoring calls for restraint after Chadian troops "
    "attacked rebel positions near Faya on Saturday.\n\n"
    "\"This escalation helps no one,\" foreign ministry spokeswoman Anne Claire Leroux told reporters, adding "
    "that Paris had raised the matter with the government.\n\n"
    "Aid agencies said hundreds of families had fled towards the Libyan border since the fighting began."
)
BODY_C = (
    "LIMA, Peru — Farmers blocked a highway in southern Peru for a third day to protest against fuel prices, "
    "police said, as talks with the transport ministry stalled again on Wednesday afternoon."
)
BODY_D = (
    "ABECHE, Chad — Flooding displaced thousands of people in eastern Chad this week, officials said, as "
    "heavy rains swept across refugee camps near the border with Sudan."
)

FAYA = Place("Faya", country="TD", lat=17.93, lon=19.10, kind="city", mentions=[Mention("Faya", 90, 94)])
NDJ = Place("N'Djamena", country="TD", lat=12.11, lon=15.04, kind="city", mentions=[Mention("N'DJAMENA", 0, 9)])
PARIS = Place("Paris", country="FR", lat=48.85, lon=2.35, kind="city", mentions=[Mention("PARIS", 0, 5)])
ARMY = Actor("Chadian army", country="TD", sector="MIL")
REBELS = Actor("rebels", country="TD", sector="REB")
ATTACK = {"type": "ARMED_CLASH", "plover": "FIGHT", "source": ARMY, "target": REBELS, "date": "2024-03-02",
          "date_basis": "text", "place": "Faya",
          "text": "Chadian troops attacked rebel positions near Faya on Saturday."}


def _event(**kw) -> Event:
    base = dict(ATTACK)
    base.update(kw)
    return Event(start=0, end=len(base["text"]), **base)


def _deby_quote(body: str) -> Quote:
    start = body.index("We will")
    return Quote("We will not let armed groups hold our towns,", start, start + 44, speaker="Mahamat Idriss Deby",
                 cue="said", speaker_mention=Mention("Mahamat Idriss Deby", 0, 1))


def story_a(source: str, agency: str, *, tail: str = "") -> Article:
    body = BODY_A + tail
    return Article(
        source=source, text=body, url=f"https://{agency.lower()}.example/chad-faya",
        title="Chad army attacks rebels near Faya",
        agency=agency, dateline="N'DJAMENA", published="2024-03-03", language="en",
        entities=[Entity("Mahamat Idriss Deby", "PERSON", ["transitional president"],
                         [Mention("Mahamat Idriss Deby", 1, 2)]),
                  Entity("Chadian", "NORP", [], [Mention("Chadian", 3, 4)]),
                  Entity("African Union", "ORG", [], [Mention("African Union", 5, 6)])],
        quotes=[_deby_quote(body)],
        places=[NDJ, FAYA],
        events=[_event(),
                _event(type="DIPLO", plover="REQUEST", source=Actor("African Union", sector="IGO"),
                       target=Actor("Chad", country="TD", sector="GOV"), date="2024-03-03",
                       text="The African Union asked the government in N'Djamena to open talks with the rebels.")])


def story_b() -> Article:
    start = BODY_B.index("This escalation")
    return Article(
        source="b.html", text=BODY_B, url="https://reuters.example/france-chad",
        title="France accuses Chad over Faya fighting",
        agency="Reuters", dateline="PARIS", published="2024-03-04", language="en",
        entities=[Entity("Anne Claire Leroux", "PERSON", ["foreign ministry spokeswoman"], [Mention("x", 1, 2)]),
                  Entity("France", "GPE", [], [Mention("France", 1, 2)])],
        quotes=[Quote("This escalation helps no one,", start, start + 29, speaker="Anne Claire Leroux", cue="told")],
        places=[PARIS, FAYA],
        events=[_event(),  # the same attack, reported again by another story
                _event(type="DIPLO", plover="ACCUSE", source=Actor("France", country="FR", sector="GOV"),
                       target=Actor("Chad", country="TD", sector="GOV"), date="2024-03-04",
                       text="France accused Chad's rulers of ignoring calls for restraint.")])


def story_c() -> Article:
    return Article(source="c.html", text=BODY_C, title="Peru farmers block highway", agency="AFP",
                   published="2024-03-03", language="en",
                   places=[Place("Peru", country="PE", lat=-10.0, lon=-76.0, kind="country")],
                   events=[_event(type="PEACEFUL_PROTEST", plover="PROTEST", source=Actor("farmers", country="PE"),
                                  target=Actor("Peru", country="PE", sector="GOV"), date="2024-03-01", place="Peru",
                                  text="Farmers blocked a highway in southern Peru.")])


def story_d() -> Article:
    """Hostile metadata: a title with markup and a javascript: URL."""
    return Article(source="d.html", text=BODY_D, title="<script>alert('pwned')</script>Floods <b>hit</b> Chad",
                   url="javascript:alert(1)", agency="<img src=x onerror=alert(2)>", published="2024-03-06",
                   language="en", places=[Place("Abeche", country="TD", lat=13.83, lon=20.83, kind="city")],
                   entities=[Entity("Chad", "GPE", [], [Mention("Chad", 8, 12)])])


def _fallback_event_key(ev: Event) -> str:
    parts = (ev.type, ev.plover, ev.source.name if ev.source else None, ev.target.name if ev.target else None,
             ev.date, ev.place)
    return hashlib.blake2b(repr(parts).encode(), digest_size=10).hexdigest()


@pytest.fixture
def event_keys(monkeypatch):
    """Until the events component defines ``event_key``, key events by their coded fields."""
    from wirewatch.nlp import events

    if not hasattr(events, "event_key"):
        monkeypatch.setattr(events, "event_key", _fallback_event_key, raising=False)


def write(store: Store, dd: Deduper, articles: list[Article]) -> list[str]:
    """Write copies in one batch (as ingest does); return their story ids."""
    items = [(a, dd.judge(a)) for a in articles]
    store.write_batch(Batch(articles=items))
    return [v.story_id for _, v in items]


def fill(path: Path) -> Path:
    """Batch 1: story A (3 copies) + the Peru story; batch 2 (a later ingest run): B and D."""
    with Store(path) as store:
        dd = Deduper()
        ids = write(store, dd, [story_a("a1.html", "AP"), story_a("a2.html", "Reuters", tail=" Updated."),
                                story_a("a3.html", "AFP", tail=" Corrected spelling."), story_c()])
        assert len(set(ids[:3])) == 1 and ids[3] != ids[0]
        store.con.execute("UPDATE articles SET ingested_at = ingested_at - INTERVAL 1 DAY")
        store.con.execute("UPDATE events SET first_seen = first_seen - INTERVAL 1 DAY")
        run = store.begin_ingest()
        write(store, dd, [story_b(), story_d()])
        store.finish_ingest(run, {"seen": 2, "stored": 2, "duplicates": 0, "rejected": 0})
    return path


@pytest.fixture
def db(tmp_path, event_keys) -> Path:
    return fill(tmp_path / "report.duckdb")


def _report(db: Path, query: str, **kw):
    with Store(db, read_only=True) as store:
        return build_report(store.con, query, **kw)


def test_country_query_matches_places_demonyms_and_actors(db):
    rep = _report(db, "Chad")
    assert rep.match["method"] == "names" and rep.match["country"] == "TD"
    assert "Chadian" in rep.match["names"]
    # A (3 copies), B, D; never the Peru story
    assert rep.counts["articles"] == 5 and rep.counts["stories"] == 3
    titles = {s["title"] for it in rep.timeline for s in it.get("sources", [])}
    assert not any("Peru" in t for t in titles)
    assert _report(db, "chadian").counts["stories"] == 3  # a demonym finds the country, any case


def test_event_reported_by_two_stories_appears_once_with_both_sources(db):
    rep = _report(db, "Chad")
    events = [it for it in rep.timeline if it["kind"] == "event"]
    assert rep.counts["events"] == 3 == len(events)
    attack = [e for e in events if e["plover"] == "FIGHT"]
    assert len(attack) == 1
    attack = attack[0]
    assert attack["date"] == "2024-03-02" and attack["date_basis"] == "text"
    assert attack["stories"] == 2 and attack["reports"] == 4  # 3 copies of A + B
    by_title = {s["title"]: s for s in attack["sources"]}
    assert by_title["Chad army attacks rebels near Faya"]["copies"] == 3
    assert by_title["France accuses Chad over Faya fighting"]["copies"] == 1
    dates = [it["date"] for it in rep.timeline]
    assert dates == sorted(dates)


def test_interactions_count_events_once(db):
    rep = _report(db, "Chad")
    rows = {(i["source"], i["plover"], i["target"]): i["events"] for i in rep.interactions}
    assert rows[("Chadian army", "FIGHT", "rebels")] == 1
    assert rows[("France", "ACCUSE", "Chad")] == 1
    assert rows[("African Union", "REQUEST", "Chad")] == 1
    assert rep.counts["plover"] == {"ACCUSE": 1, "FIGHT": 1, "REQUEST": 1}


def test_quotes_grouped_by_speaker_and_deduplicated_across_copies(db):
    rep = _report(db, "Chad")
    groups = {g["speaker"]: g for g in rep.quotes}
    deby = groups["Mahamat Idriss Deby"]
    assert deby["quotes_total"] == 1 and deby["stories"] == 1 and len(deby["quotes"]) == 1
    assert deby["quotes"][0]["copies"] == 3
    assert deby["roles"] == ["transitional president"]
    assert groups["Anne Claire Leroux"]["quotes"][0]["text"].startswith("This escalation")
    assert rep.counts["quotes"] == 2


def test_actors_places_and_volume(db):
    rep = _report(db, "Chad")
    actors = {a["name"]: a for a in rep.actors}
    assert actors["Mahamat Idriss Deby"]["stories"] == 1
    assert actors["Mahamat Idriss Deby"]["roles"] == ["transitional president"]
    assert actors["African Union"]["as_source"] == 1
    places = {p["name"]: p for p in rep.places}
    assert places["Faya"]["stories"] == 2 and places["Faya"]["country"] == "TD"
    assert places["N'Djamena"]["lat"] == pytest.approx(12.11)
    vol = {v["day"]: (v["stories"], v["copies"]) for v in rep.volume}
    assert vol == {"2024-03-03": (1, 3), "2024-03-04": (1, 1), "2024-03-06": (1, 1)}
    bins = bin_volume(rep.volume)
    assert [b.start.isoformat() for b in bins][:2] == ["2024-03-03", "2024-03-04"] and len(bins) == 4


def test_new_since_defaults_to_latest_ingest_run(db):
    rep = _report(db, "Chad")
    assert rep.new_since["basis"] == "latest ingest run"
    assert {s["title"] for s in rep.new_since["stories"]} == {
        "France accuses Chad over Faya fighting", "<script>alert('pwned')</script>Floods <b>hit</b> Chad"}
    assert [e["plover"] for e in rep.new_since["events"]] == ["ACCUSE"]  # the attack was known before
    old = _report(db, "Chad", new_since="2000-01-01")
    assert len(old.new_since["stories"]) == 3 and len(old.new_since["events"]) == 3


def test_actor_query_surname_period_and_fulltext_fallback(db):
    rep = _report(db, "Deby")
    assert rep.match["method"] == "names" and rep.counts["stories"] == 1
    assert _report(db, "france").counts["stories"] == 1  # the GPE entity / actor, case-insensitive
    assert _report(db, "Chad", since="2024-03-04").counts["stories"] == 2
    assert _report(db, "Chad", until="2024-03-03").counts["articles"] == 3
    ft = _report(db, "armoured vehicles")
    assert ft.match["method"] == "fulltext" and ft.counts["stories"] == 1
    none = _report(db, "zzzz-nothing")
    assert none.match["method"] == "none" and none.timeline == [] and none.counts["articles"] == 0
    render(none, "md"), render(none, "html"), render(none, "json")
    with pytest.raises(UsageError):
        _report(db, "Chad", since="March 2024")


def test_thin_event_list_brings_story_leads(db):
    rep = _report(db, "Chad")
    stories = [it for it in rep.timeline if it["kind"] == "story"]
    assert len(stories) == 3  # fewer events than THIN: every story's lead is shown
    flood = next(s for s in stories if s["date"] == "2024-03-06")
    assert flood["lead"].startswith("ABECHE, Chad") and flood["url"] is None


def test_json_form_has_the_contract_keys(db):
    data = json.loads(render(_report(db, "Chad"), "json"))
    for key in ("timeline", "actors", "quotes", "interactions", "places", "volume", "new_since",
                "query", "generated_at", "period", "counts"):
        assert key in data
    with pytest.raises(UsageError):
        render(_report(db, "Chad"), "pdf")


def test_markdown_is_readable_and_defused(db):
    text = render(_report(db, "Chad"), "md")
    assert text.startswith("# Situation report: Chad")
    for heading in ("## Timeline", "## Key actors", "## Stated positions", "## Who does what to whom",
                    "## Places", "## Coverage volume", "## What is new since"):
        assert heading in text
    assert "**2024-03-02** [ARMED_CLASH / FIGHT] Chadian army (TD/MIL) → rebels (TD/REB) in Faya" in text
    assert "<script>" not in text and "<img" not in text


def test_html_is_self_contained_and_escapes_hostile_text(db):
    html = render(_report(db, "Chad"), "html")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;Floods &lt;b&gt;hit&lt;/b&gt; Chad" in html
    assert 'href="javascript' not in html
    assert 'href="https://reuters.example/france-chad"' in html
    assert len(re.findall(r"<script\b", html)) == 1  # ours only
    # nothing is fetched: no src attributes, stylesheets, imports or url() references
    assert not re.search(r"<[a-z]+\b[^>]*\s(src|srcset|background)\s*=|<link\b|@import|url\(", html)
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "Content-Security-Policy" in html and "default-src &#39;none&#39;" in html
    assert "<svg class=\"map\"" in html and "<svg class=\"chart\"" in html
    assert html.count('class="place"') == 4  # Faya, N'Djamena, Paris, Abeche


def test_cli_report_formats_and_errors(db, tmp_path):
    from typer.testing import CliRunner

    import wirewatch.cli.report  # noqa: F401  (registers the command)
    from wirewatch.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["report", "Chad", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "# Situation report: Chad" in res.stdout
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["report", "Chad", "--db", str(db), "--format", "html", "--out", str(out)])
    assert res.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    res = runner.invoke(app, ["report", "Chad", "--db", str(db), "-f", "json", "--new-since", "2000-01-01"])
    assert json.loads(res.stdout)["counts"]["stories"] == 3
    bad = runner.invoke(app, ["report", "Chad", "--db", str(db), "--since", "yesterday"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output and "Traceback" not in bad.output
    bad = runner.invoke(app, ["report", "Chad", "--db", str(db), "--format", "pdf"])
    assert bad.exit_code == 2
    missing = runner.invoke(app, ["report", "Chad", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 2 and "no such store" in missing.output


WIRE = """{city}, Chad ({agency}) — Government troops clashed with rebels of the Front for Change near the town
of Faya in northern Chad on Tuesday, the defence ministry said, days after the group crossed the border.

"Our forces control the situation," defence minister Daoud Yaya Brahim told state radio on Wednesday.

The African Union urged both sides to respect a ceasefire and asked Chad's neighbours to help."""


@pytest.mark.slow
def test_end_to_end_ingest_then_report(tmp_path):
    """Real fixture files through the pipeline (copies of one story + another story), then a report."""
    from wirewatch.ingest import ingest

    src = tmp_path / "wire"
    src.mkdir()
    (src / "one.txt").write_text(WIRE.format(city="N'DJAMENA", agency="AP"), encoding="utf-8")
    (src / "two.txt").write_text(WIRE.format(city="N'DJAMENA", agency="AP") + "\n\nThis story was updated.",
                                 encoding="utf-8")
    (src / "three.txt").write_text(BODY_D, encoding="utf-8")
    with Store(tmp_path / "e2e.duckdb") as store:
        summary = ingest([str(src)], store=store, published="2024-03-07")
        assert summary.stored == 3 and summary.new_stories == 2
        rep = build_report(store.con, "Chad")
    assert rep.counts["articles"] == 3 and rep.counts["stories"] == 2
    assert rep.match["method"] in ("names", "fulltext")
    assert sum(v["copies"] for v in rep.volume) == 3 and sum(v["stories"] for v in rep.volume) == 2
    assert len(rep.new_since["stories"]) == 2
    for fmt in ("md", "html", "json"):
        assert render(rep, fmt)


def test_safe_url_keeps_only_plain_web_addresses():
    from wirewatch.report.build import safe_url

    assert safe_url("https://news.example/a?b=1#c") == "https://news.example/a?b=1#c"
    for bad in ("javascript:alert(1)", "data:text/html,<b>", "https://x.example/\"><script>", "//x.example",
                "https:///path", "http://x.example/a b", None, ""):
        assert safe_url(bad) is None


def test_timeline_sorts_timeml_weeks_by_their_monday():
    from wirewatch.report.build import _sort_date

    values = ["2020-11-15", "2020-W45", "2020-08", None, "2020-08-18"]
    assert sorted(values, key=_sort_date) == ["2020-08", "2020-08-18", "2020-W45", "2020-11-15", None]
