"""store.events: the codebook table over hand-written records (no NLP): one row per event, counts,
period overlap for coarse dates, outlets, coordinates, filters."""

from __future__ import annotations

import pytest

from test_serve_support import write_articles
from wirewatch.records import Actor, Article, Event, Mention, Place
from wirewatch.store import Store
from wirewatch.store import events as ev

TEXT = ("ORVILLE, Estavia — Militia fighters attacked a police post in Orville in March 2031, officials said. "
        "Protesters marched in Port Adel on Friday.")


def _article(i: int, *, url: str | None, agency: str | None, published: str, month_event: bool = True) -> Article:
    t = TEXT + f" Copy {i} adds a line of its own."
    s1 = t.index("Militia")
    e1 = t.index("officials said.") + len("officials said.")
    s2 = t.index("Protesters")
    e2 = t.index("on Friday.") + len("on Friday.")
    events = [Event("PEACE_PROTEST", "PROTEST", Actor("protesters", "EV", "CVL"), None, None, "published",
                    "Port Adel", t[s2:e2], s2, e2, place_country="EV")]
    if month_event:
        events.insert(0, Event("ATTACK", "ASSAULT", Actor("militia", None, "REB"), Actor("Estavia police", "EV", "COP"),
                               "2031-03", "text", "Orville", t[s1:e1], s1, e1, place_country="EV"))
    return Article(source=f"fixtures/orville-{i}.txt", text=t, title=f"Orville attack {i}", url=url, agency=agency,
                   published=published, language="en",
                   places=[Place("Orville", "EV", 41.0, 12.0, 990001, [Mention("Orville", 0, 7)], kind="city",
                                 admin1="Northmarch"),
                           Place("Port Adel", "EV", 40.75, 13.5, 990002, [])],
                   events=events)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db = tmp_path_factory.mktemp("ev") / "e.duckdb"
    write_articles(db, [
        _article(1, url="https://www.northwire.example/a", agency="Northwire", published="2031-04-02"),
        _article(2, url="https://daily.example/b?x=1", agency="Northwire", published="2031-04-03"),
        _article(3, url=None, agency="Coastline", published="2031-04-05", month_event=False),
    ])
    with Store(db, read_only=True) as store:
        yield store.con


def test_one_row_per_event_with_its_reports_and_outlets(con):
    rows = ev.rows(con)
    assert len(rows) == 2 and ev.count(con) == 2
    attack = next(r for r in rows if r["event_type"] == "ATTACK")
    assert (attack["reports"], attack["outlets"]) == (2, 2)  # two hosts: northwire.example, daily.example
    assert attack["first_reported"] == "2031-04-02" and attack["last_reported"] == "2031-04-03"
    assert attack["urls"] == ["https://daily.example/b?x=1", "https://www.northwire.example/a"]
    assert (attack["latitude"], attack["longitude"], attack["country"]) == (41.0, 12.0, "EV")
    assert attack["admin1"] == "Northmarch"  # the place's first-order division (issue 13)
    assert attack["actor2_sector"] == "COP" and attack["status"] == "reported" and attack["confidence"] is None
    protest = next(r for r in rows if r["event_type"] == "PEACE_PROTEST")
    assert protest["reports"] == 3 and protest["outlets"] == 3  # the third report has no URL: its agency
    # no date in the text: the first report's publication day, and the basis says so
    assert (protest["date"], protest["date_basis"]) == ("2031-04-02", "published")
    assert (protest["latitude"], protest["longitude"]) == (40.75, 13.5)


def test_a_month_level_date_overlaps_every_day_of_its_month(con):
    def types(**kw):
        return sorted(r["event_type"] for r in ev.rows(con, ev.Filters(**kw)))

    assert types(since="2031-03-31") == ["ATTACK", "PEACE_PROTEST"]
    assert types(until="2031-03-01") == ["ATTACK"]
    assert types(since="2031-04-01") == ["PEACE_PROTEST"]
    assert types(type="attack") == ["ATTACK"] and types(plover="PROTEST") == ["PEACE_PROTEST"]
    assert types(country="EV") == ["ATTACK", "PEACE_PROTEST"] and types(country="ML") == []


def test_paging_keeps_the_total(con):
    page = ev.page(con, limit=1, offset=1)
    assert (page["total"], page["count"], page["offset"]) == (2, 1, 1)


def test_geojson_has_a_point_per_located_event(con):
    data = ev.geojson(ev.rows(con))
    assert [f["geometry"]["coordinates"] for f in data["features"]] == [[12.0, 41.0], [13.5, 40.75]]


def test_an_event_coded_from_a_french_report_says_its_evidence_language(tmp_path):
    import httpx

    from test_serve_support import live_server
    from wirewatch.serve.app import create_app

    text = "ORVILLE (AFP) — Des miliciens ont attaqué un poste de police à Orville en mars 2031."
    s, e = 0, len(text)
    fr = Article(source="fixtures/orville-fr.txt", text=text, title="Attaque à Orville", language="fr",
                 published="2031-04-02",
                 events=[Event("ATTACK", "ASSAULT", Actor("miliciens", None, "REB"), Actor("police", "EV", "COP"),
                               "2031-03", "text", "Orville", text, s, e, place_country="EV")])
    en = _article(1, url=None, agency="Northwire", published="2031-04-03", month_event=False)
    db = tmp_path / "fr.duckdb"
    write_articles(db, [fr, en])
    with Store(db, read_only=True) as store:
        rows = {r["event_type"]: r for r in ev.rows(store.con)}
        [full] = [ev.get(store.con, rows["ATTACK"]["event_id"])]
    assert rows["ATTACK"]["evidence_language"] == "fr" and rows["PEACE_PROTEST"]["evidence_language"] == "en"
    assert [r["language"] for r in full["report_list"]] == ["fr"]
    with live_server(create_app(db, deliver=False)) as base, httpx.Client(base_url=base, timeout=60) as c:
        table = c.get("/events").text
        page = c.get(f"/events/{rows['ATTACK']['event_id']}").text
        csv_head = c.get("/api/events", params={"format": "csv"}).text.splitlines()[0]
    assert table.count('<span class="lang" lang="fr">FR</span>') == 1  # the English row has no tag
    assert 'id="evidence" lang="fr"' in page and "evidence_language" in csv_head.split(",")
