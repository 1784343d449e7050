"""The web app and API on a real uvicorn server (127.0.0.1, a free port), hit with httpx."""

from __future__ import annotations

from html.parser import HTMLParser

import httpx
import pytest

from test_serve_support import (
    HOSTILE_TEXT,
    hostile_article,
    html_client,
    live_server,
    plain_article,
    syndicated_copy,
    write_articles,
)
from wirewatch.serve import create_app
from wirewatch.serve.highlight import highlight, spans_of

TOKEN = "test-token-123"


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


def parse(html: str) -> Elements:
    p = Elements()
    p.feed(html)
    return p


def assert_inert(html: str) -> None:
    """No injected element, handler or javascript: link: only our own script tag exists."""
    doc = parse(html)
    scripts = [a for t, a in doc.tags if t == "script"]
    assert scripts == [{"src": "/static/app.js", "defer": None}]
    assert doc.script_text == []
    assert not [t for t, _ in doc.tags if t in ("img", "iframe", "object", "embed")]
    for tag, attrs in doc.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        for k in ("href", "src", "action"):
            assert not (attrs.get(k) or "").strip().lower().startswith("javascript:"), (tag, attrs)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A store with a hostile story, a syndicated copy of a plain story and a few others."""
    db = tmp_path_factory.mktemp("serve") / "site.duckdb"
    hostile = hostile_article()
    plains = [plain_article(i, day=1 + i) for i in range(1, 6)]
    copy = syndicated_copy(plains[0], "fixtures/plain-1-repost.html")
    write_articles(db, [hostile, *plains, copy])
    app = create_app(db, token=TOKEN, deliver=False, subscribe_rate=(5, 60.0))
    with live_server(app) as base:
        yield {"base": base, "db": db, "hostile": hostile, "plains": plains, "copy": copy, "app": app}


def test_search_api_finds_by_words_and_pages(site):
    with httpx.Client(base_url=site["base"]) as c:
        r = c.get("/api/articles", params={"q": "Korvana"})
        assert r.status_code == 200
        ids = [a["id"] for a in r.json()["articles"]]
        assert ids == [site["hostile"].id]
        r = c.get("/api/articles", params={"q": "harbour", "limit": 2})
        body = r.json()
        assert body["count"] == 2 and all("harbour" in a["snippet"].lower() for a in body["articles"])
        page2 = c.get("/api/articles", params={"q": "harbour", "limit": 2, "offset": 2}).json()["articles"]
        assert not {a["id"] for a in page2} & {a["id"] for a in body["articles"]}
        assert c.get("/api/articles", params={"limit": 0}).status_code == 400
        bad = c.get("/api/articles", params={"since": "yesterday"})
        assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["error"]


def test_article_api_is_the_record(site):
    a = site["hostile"]
    with httpx.Client(base_url=site["base"]) as c:
        rec = c.get(f"/api/articles/{a.id}").json()
        assert rec["text"] == a.text and rec["title"] == a.title
        assert rec["entities"][0]["mentions"][0]["start"] == a.entities[0].mentions[0].start
        assert rec["story_id"]
        missing = c.get("/api/articles/nope")
        assert missing.status_code == 404 and missing.json()["error"].startswith("no article")


def test_story_lists_every_copy(site):
    first, copy = site["plains"][0], site["copy"]
    with httpx.Client(base_url=site["base"]) as c:
        rec = c.get(f"/api/articles/{copy.id}").json()
        story = c.get(f"/api/stories/{rec['story_id']}").json()
        assert {x["id"] for x in story["copies"]} == {first.id, copy.id}
    with html_client(site["base"]) as c:
        page = c.get(f"/stories/{rec['story_id']}")
        assert page.status_code == 200 and f"/articles/{copy.id}" in page.text and f"/articles/{first.id}" in page.text


def test_situation_is_the_live_report(site):
    """/api/situations is ``report.build_report`` on the current store (one implementation)."""
    from wirewatch.report import build_report
    from wirewatch.store import Store

    with httpx.Client(base_url=site["base"]) as c:
        sit = c.get("/api/situations/Port Adel").json()
        with Store(site["db"], read_only=True) as store:
            direct = build_report(store.cursor(), "Port Adel").to_dict()
        assert {k: v for k, v in sit.items() if k != "generated_at"} == \
            {k: v for k, v in direct.items() if k != "generated_at"}
        assert sit["counts"]["stories"] == 1 and sit["counts"]["events"] == 1
        assert [t["type"] for t in sit["timeline"] if t["kind"] == "event"] == ["ARMED_CLASH"]
        assert {p["name"] for p in sit["places"]} == {"Korvana", "Port Adel"}
        harbour = c.get("/api/situations/harbour").json()  # matched by full text: copies count once
        assert harbour["match"]["method"] == "fulltext"
        assert (harbour["counts"]["stories"], harbour["counts"]["articles"]) == (5, 6)
        later = c.get("/api/situations/harbour", params={"since": "2031-04-04", "until": "2031-04-05"}).json()
        assert later["counts"]["stories"] == 2 and later["period"]["since"] == "2031-04-04"
        fresh = c.get("/api/situations/harbour", params={"new_since": "2000-01-01"}).json()["new_since"]
        assert fresh["basis"] == "--new-since" and len(fresh["stories"]) == 5
        bad = c.get("/api/situations/harbour", params={"new_since": "last week"})
        assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["error"]


def test_situation_page_shows_the_report_in_the_app(site):
    with html_client(site["base"]) as c:
        page = c.get("/situations/Port%20Adel")
        assert page.status_code == 200
        html = page.text
        for section in ('id="new"', 'id="timeline"', 'id="actors"', 'id="interactions"', 'id="quotes"',
                        'id="map"', 'id="volume"', '<svg class="map"', '<svg class="chart"', 'class="brand"'):
            assert section in html, section
        assert "ARMED_CLASH" in html and "Mira Talven" in html
        assert "Estavia army" in html and "<circle" in html
        assert " style=" not in html  # the CSP forbids inline styles: none may be left
        assert_inert(html)
        dated = c.get("/situations/harbour", params={"since": "2031-04-04"}).text
        assert 'href="/api/situations/harbour?since=2031-04-04"' in dated
        go = c.get("/situations", params={"q": "Port Adel"}, follow_redirects=False)
        assert go.status_code == 303 and go.headers["location"] == "/situations/Port%20Adel"


def test_map_labels_that_would_overlap_are_dropped():
    from wirewatch.report.worldmap import declutter, map_svg

    shaded = map_svg([{"name": "Port Adel", "country": "ML", "lat": 12.6, "lon": -8.0, "stories": 3}])
    assert 'fill-opacity="' in shaded and " style=" not in shaded  # nothing the app's CSP would block

    svg = ('<svg><circle/><text class="label" x="100.0" y="50.0">Small Town</text>'
           '<circle/><text class="label" x="104.0" y="52.0">Big City</text>'
           '<circle/><text class="label" x="300.0" y="50.0">Far &amp; Away</text></svg>')
    out = declutter(svg)
    assert "Big City" in out and "Far &amp; Away" in out  # the later (bigger) place keeps its label
    assert "Small Town" not in out and out.count("<circle/>") == 3


def test_search_is_one_implementation_ordered_by_score_date_id(site):
    """The API answers exactly what ``queries.search_articles`` (the CLI's search) answers."""
    from wirewatch.store import Store, queries

    with Store(site["db"], read_only=True) as store, httpx.Client(base_url=site["base"]) as c:
        for q, params in (("harbour vote", {}), ("quota", {"limit": 3, "offset": 1}),
                          ("harbour", {"since": "2031-04-03", "until": "2031-04-05"}), ("Korvana fighting", {})):
            api = c.get("/api/articles", params={"q": q, **params}).json()["articles"]
            cli = queries.search_articles(store.con, q, **params)
            assert [a["id"] for a in api] == [a["id"] for a in cli], q
            assert [a["score"] for a in api] == [round(a["score"], 4) for a in cli]
        rows = queries.search_articles(store.con, "harbour", limit=10)
    keys = [(-round(r["score"], 9), tuple(-ord(ch) for ch in r["published"]), r["id"]) for r in rows]
    assert keys == sorted(keys) and len(rows) == 6


def test_hostile_article_renders_inert_everywhere(site):
    a = site["hostile"]
    with html_client(site["base"]) as c:
        for path in ("/", "/?q=Korvana", f"/articles/{a.id}", f"/stories/{a.story_id}",
                     "/situations/Korvana", "/articles/%3Cscript%3Ealert(1)%3C%2Fscript%3E"):
            r = c.get(path)
            assert r.status_code in (200, 404), path
            assert_inert(r.text)
            assert "script-src 'self'" in r.headers["content-security-policy"]
            assert r.headers["x-content-type-options"] == "nosniff"
        page = c.get(f"/articles/{a.id}").text
        assert "&lt;script&gt;window.__pwned=2" in page  # shown as text, not run
        assert 'href="javascript:' not in page


def test_highlight_marks_items_at_their_offsets():
    a = hostile_article()
    html = str(highlight(a))
    doc = parse(html)
    marks = [attrs for t, attrs in doc.tags if t == "mark"]
    assert any("hl-date" in m["class"] for m in marks)
    assert any("ent-PERSON" in m["class"] and "Mira Talven" in m["title"] for m in marks)
    # the quote contains the (escaped) script: it is one or more quote segments, never a tag
    assert [t for t, _ in doc.tags if t != "mark"] == []
    # removing the marks gives back the escaped text exactly
    import re

    from markupsafe import escape
    assert re.sub(r"</?mark[^>]*>", "", html) == str(escape(HOSTILE_TEXT))
    # out-of-range offsets are ignored, not rendered
    a.dates.append(type(a.dates[0])("x", "2031", 5, 10_000))
    assert len(spans_of(a)) == len(spans_of(hostile_article()))


def test_write_endpoints_need_the_token(site):
    with httpx.Client(base_url=site["base"]) as c:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"X-Wirewatch-Token": "nope"}):
            r = c.post("/api/ingest", json={"inputs": ["/etc/hostname"]}, headers=headers)
            assert r.status_code == 401, headers
            assert c.post("/api/watches", json={"query": "Mali"}, headers=headers).status_code == 401
            assert c.delete("/api/watches/x", headers=headers).status_code == 401


def test_forms_need_csrf_and_login_sets_admin_cookie(site):
    with html_client(site["base"]) as c:
        page = c.get("/watches")
        csrf = c.cookies.get("ww_csrf")
        assert csrf and f'content="{csrf}"' in page.text
        assert c.post("/login", data={"token": TOKEN, "csrf": "forged"}).status_code == 403
        cross = c.post("/login", data={"token": TOKEN, "csrf": csrf}, headers={"Origin": "http://evil.example"})
        assert cross.status_code == 403
        assert c.post("/login", data={"token": "wrong", "csrf": csrf}).status_code == 401
        ok = c.post("/login", data={"token": TOKEN, "csrf": csrf}, follow_redirects=False)
        assert ok.status_code == 303
        cookie = ok.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and TOKEN.lower() not in cookie
    with html_client(site["base"]) as other:  # a fresh client (another site's form) has no CSRF cookie
        assert other.post("/watches", data={"query": "x", "csrf": csrf}).status_code == 403


def test_subscribe_is_rate_limited_per_client(site):
    sub = {"endpoint": "https://push.example/abc", "keys": {"p256dh": "x" * 20, "auth": "y" * 10}}
    with httpx.Client(base_url=site["base"]) as c:
        codes = [c.post("/api/watches/none/subscribe", json=sub).status_code for _ in range(7)]
    assert 429 not in codes[:5] and codes[5:] == [429, 429]
    assert all(code in (403, 404, 503) for code in codes[:5])  # no CSRF token: refused, never served


def test_openapi_lists_every_twin(site):
    with httpx.Client(base_url=site["base"]) as c:
        paths = c.get("/openapi.json").json()["paths"]
        for p in ("/api/articles", "/api/articles/{article_id}", "/api/stories/{story_id}",
                  "/api/situations/{query}", "/api/watches", "/api/ingest"):
            assert p in paths
        assert c.get("/docs").status_code == 200
        sw = c.get("/sw.js")
        assert sw.status_code == 200 and sw.headers["service-worker-allowed"] == "/"


@pytest.mark.parametrize("day", ["2019-02-30", "2019-13-45", "2019-99-99"])
def test_impossible_dates_are_400_never_500(site, day):
    """Every date parameter of every page and API answers 400 naming itself: JSON for the API and
    for clients that do not ask for HTML, an error page for browsers."""
    api = [("/api/articles", "since"), ("/api/articles", "until"), ("/api/situations/harbour", "since"),
           ("/api/situations/harbour", "until"), ("/api/situations/harbour", "new_since")]
    pages = [("/", "since"), ("/", "until"), ("/situations/harbour", "since"), ("/situations/harbour", "new_since")]
    with httpx.Client(base_url=site["base"]) as c:
        for path, name in api:
            r = c.get(path, params={name: day})
            assert r.status_code == 400, (path, name, r.text)
            assert r.json() == {"error": r.json()["error"], "status": 400} and name in r.json()["error"]
    with html_client(site["base"]) as c:
        for path, name in pages:
            r = c.get(path, params={name: day})
            assert r.status_code == 400 and r.headers["content-type"].startswith("text/html"), (path, name)
            assert day in r.text and "Traceback" not in r.text


def test_bad_limits_and_offsets_are_400(site):
    with httpx.Client(base_url=site["base"]) as c:
        for params in ({"limit": 0}, {"limit": 1000}, {"limit": "many"}, {"offset": -3}):
            r = c.get("/api/articles", params=params)
            assert r.status_code == 400 and r.json()["status"] == 400, params


@pytest.mark.parametrize("query", ["type:ARMED_CLASH", "event:fight", "harbour OR Korvana", "place:EV",
                                   "place:Lumeria kw:quota", "Mira OR place:Nowhere", "type:PROTEST"])
def test_situation_pages_read_watch_queries_as_watches_do(site, query):
    """One parser: the stored copies a situation covers are those a watch with the same query
    would be told about (``alerts.watches.match`` on each article)."""
    from wirewatch.alerts.watches import Facts, match, parse_query

    arts = [site["hostile"], *site["plains"], site["copy"]]
    parsed = parse_query(query)
    want = sum(1 for a in arts if match(parsed, Facts.of(a)))
    with httpx.Client(base_url=site["base"]) as c:
        rep = c.get(f"/api/situations/{query}").json()
    assert rep["counts"]["articles"] == want, rep["match"]
    with html_client(site["base"]) as c:
        page = c.get("/situations/" + query.replace(" ", "%20"))
    assert page.status_code == 200


def test_event_table_api_pages_and_downloads(site):
    """/api/events: one row per distinct event with the total, paging, CSV and GeoJSON twins."""
    with httpx.Client(base_url=site["base"]) as c:
        body = c.get("/api/events").json()
        assert body["total"] == body["count"] == 1
        row = body["events"][0]
        assert row["event_type"] == "ARMED_CLASH" and row["place"] == "Port Adel"
        assert (row["latitude"], row["longitude"]) == (40.75, 13.5)
        assert row["evidence"] == "after two days of fighting." and row["status"] == "reported"
        assert c.get("/api/events", params={"type": "PROTEST"}).json()["total"] == 0
        assert c.get("/api/events", params={"q": "harbour"}).json()["total"] == 0
        assert c.get("/api/events", params={"q": "Korvana", "since": "2031-03-01"}).json()["total"] == 1
        assert c.get("/api/events", params={"until": "2031-03-01"}).json()["total"] == 0
        csv_ = c.get("/api/events", params={"format": "csv"})
        assert csv_.headers["content-type"].startswith("text/csv")
        lines = csv_.text.strip().splitlines()
        assert lines[0].startswith("event_id,date,date_basis") and len(lines) == 2
        geo = c.get("/api/events.geojson").json()
        assert geo["type"] == "FeatureCollection" and geo["features"][0]["geometry"] == {
            "type": "Point", "coordinates": [13.5, 40.75]}
        one = c.get(f"/api/events/{row['event_id']}").json()
        t, start = site["hostile"].text, site["hostile"].events[0].start
        assert one["context"]["sentence"] == t[start:site["hostile"].events[0].end]  # the stored offsets
        assert one["context"]["before"].endswith(t[start - 20:start]) and "two days" not in one["context"]["before"]
        assert [r["article_id"] for r in one["report_list"]] == [site["hostile"].id]
        assert c.get("/api/events/nope").status_code == 404
        for bad in ({"since": "2019-02-30"}, {"country": "Estavia"}, {"limit": 0}, {"format": "xml"},
                    {"type": "1;DROP"}):
            r = c.get("/api/events", params=bad)
            assert r.status_code == 400 and r.json()["status"] == 400, bad


def test_event_article_and_story_pages_link_back_to_the_situation(site):
    with httpx.Client(base_url=site["base"]) as c:
        eid = c.get("/api/events").json()["events"][0]["event_id"]
    carry = "situation=Port+Adel&since=2031-01-01"
    with html_client(site["base"]) as c:
        ev = c.get(f"/events/{eid}?{carry}").text
        assert 'class="hl hl-event evidence-sentence"' in ev and "after two days of fighting" in ev
        assert 'href="/situations/Port%20Adel?since=2031-01-01"' in ev
        assert f'/articles/{site["hostile"].id}?situation=Port+Adel&amp;since=2031-01-01#ev-{eid}' in ev
        art = c.get(f"/articles/{site['hostile'].id}?{carry}").text
        assert f'id="ev-{eid}"' in art and 'id="back-to-situation"' in art
        assert_inert(art)
        story_id = c.get(f"/api/articles/{site['hostile'].id}").json()["story_id"]
        story = c.get(f"/stories/{story_id}?{carry}").text
        assert 'id="story-events"' in story and 'id="story-quotes"' in story and "UTC" in story
        assert c.get("/events?since=2031-03-01").status_code == 200
        assert c.get("/codebook").status_code == 200
        assert c.get(f"/events/{eid}?situation=x&since=2019-02-30").status_code == 400


def test_docs_page_uses_only_local_assets(site):
    import re

    with httpx.Client(base_url=site["base"]) as c:
        page = c.get("/docs").text
        refs = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert refs and all(ref.startswith("/") for ref in refs), refs
        assert "//" not in "".join(refs)
        for ref in refs:
            assert c.get(ref).status_code == 200, ref


def test_numbers_are_totals_with_what_is_shown(tmp_path):
    """Headline numbers count everything; a capped list says "N of M"; the page and its JSON agree."""
    from wirewatch.report.build import NEW_TOP
    from wirewatch.store.situations import places as place_rows

    n = 66
    arts = [plain_article(100 + i, place=f"Harbour Town {i}", day=1 + i % 28) for i in range(n)]
    db = tmp_path / "many.duckdb"
    write_articles(db, arts)
    app = create_app(db, token=TOKEN, deliver=False)
    limit = place_rows.__kwdefaults__["limit"]
    with live_server(app) as base:
        with httpx.Client(base_url=base) as c:
            rep = c.get("/api/situations/harbour", params={"new_since": "2000-01-01"}).json()
            assert rep["counts"]["stories"] == n and rep["counts"]["places"] == n
            assert len(rep["places"]) == limit < n and rep["counts"]["places_shown"] == limit
            assert rep["new_since"]["stories_total"] == n and len(rep["new_since"]["stories"]) == NEW_TOP
            assert rep["counts"]["timeline_total"] >= len(rep["timeline"])
            latest = c.get("/api/articles", params={"limit": 20}).json()
            assert latest["total"] == n and latest["count"] == 20
        with html_client(base) as c:
            page = c.get("/situations/harbour", params={"new_since": "2000-01-01"}).text
            assert f"{n} new stories" in page and f"(showing the {NEW_TOP} most copied)" in page
            assert f"<b>{n}</b> places" in page and f"{limit} most named of {n} places" in page
            assert rep["new_since"]["summary"] in page.replace("&#39;", "'")
            home = c.get("/").text
            assert f"showing 1–20 of {n} articles" in home


def test_status_times_are_iso(site):
    from datetime import datetime

    with httpx.Client(base_url=site["base"]) as c:
        status = c.get("/api/status").json()
    assert datetime.fromisoformat(status["snapshot_taken_at"]).tzinfo is not None
