"""Watches in the web app and API: admin with the token, push subscribe with CSRF, background delivery."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from test_serve_support import hostile_article, html_client, live_server, plain_article, write_articles
from wirewatch.serve import create_app

alerts = pytest.importorskip("wirewatch.alerts")
from wirewatch.alerts.testing import Browser, Receiver  # noqa: E402
from wirewatch.store import Batch, queries  # noqa: E402

TOKEN = "watch-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture()
def site(tmp_path):
    db = tmp_path / "watch.duckdb"
    story = plain_article(7, place="Korvana")
    write_articles(db, [hostile_article(), story])
    app = create_app(db, token=TOKEN, allow_private=True, deliver=True, deliver_interval=0.2)
    with Receiver() as rx, live_server(app) as base:
        yield {"base": base, "app": app, "rx": rx, "story": story}


def _csrf(c: httpx.Client) -> str:
    c.get("/watches", headers={"accept": "text/html"})
    return c.cookies["ww_csrf"]


def test_watch_admin_subscribe_and_background_delivery(site):
    base, rx, app = site["base"], site["rx"], site["app"]
    with httpx.Client(base_url=base, timeout=60) as c:
        bad = c.post("/api/watches", json={"query": "Korvana", "webhook": "ftp://example.org/x"}, headers=AUTH)
        assert bad.status_code == 400
        r = c.post("/api/watches", json={"query": "Korvana", "name": "korvana", "webhook": f"{rx.url}/hook",
                                         "secret": "s3cret"}, headers=AUTH)
        assert r.status_code == 201, r.text
        watch = r.json()
        assert watch["subscribers"][0]["kind"] == "webhook"
        public = c.get("/api/watches").json()["watches"]
        assert [w["name"] for w in public] == ["korvana"] and "subscribers" not in public[0]
        assert c.get("/api/watches", headers=AUTH).json()["watches"][0]["subscribers"][0]["target"] == f"{rx.url}/hook"

        browser = Browser(endpoint=f"{rx.url}/push/one")
        no_csrf = c.post(f"/api/watches/{watch['id']}/subscribe", json=browser.subscription())
        assert no_csrf.status_code == 403
        csrf = _csrf(c)
        sub = c.post(f"/api/watches/{watch['id']}/subscribe", json=browser.subscription(),
                     headers={"X-CSRF-Token": csrf})
        assert sub.status_code == 201, sub.text
        assert sub.json()["token"]
        assert c.get("/api/push/key").json()["key"]
        missing = c.post("/api/watches/nope/subscribe", json=browser.subscription(), headers={"X-CSRF-Token": csrf})
        assert missing.status_code == 404

    # an ingest elsewhere recorded the story for the watch; the server's background thread delivers it
    context = app.state.ww

    fresh = plain_article(99, place="Korvana")

    def record(store):  # what `wirewatch ingest --no-alerts` leaves: a stored story, deliveries recorded
        dd = store.load_deduper()
        store.write_batch(Batch(articles=[(fresh, dd.judge(fresh))]))
        return alerts.notify(store, [queries.get_article(store.con, fresh.id)])

    assert len(context.writer.run(record)) == 2  # one delivery per subscriber, not sent yet
    deadline = time.monotonic() + 15
    while len({r.path for r in rx.received}) < 2:
        assert time.monotonic() < deadline, [r.path for r in rx.received]
        time.sleep(0.05)
    hook = next(r for r in rx.received if r.path == "/hook")
    assert alerts.verify_webhook(hook.body, "s3cret", hook.headers["x-wirewatch-signature"])
    push = next(r for r in rx.received if r.path == "/push/one")
    payload = json.loads(browser.decrypt(push.body))
    assert payload["story_id"] == json.loads(hook.body)["story_id"] == fresh.story_id
    assert len(rx.received) == 2  # once per subscriber
    assert payload["link"].startswith("/stories/")
    with html_client(base) as c:  # the link in the payload is a page of this server
        assert c.get(payload["link"]).status_code == 200
        assert c.get(f"/watches/{watch['id']}").status_code == 200


def test_unsubscribe_link_and_form_admin(site):
    base, rx = site["base"], site["rx"]
    with httpx.Client(base_url=base, timeout=60) as c:
        watch = c.post("/api/watches", json={"query": "Lumeria"}, headers=AUTH).json()
        csrf = _csrf(c)
        sub = c.post(f"/api/watches/{watch['id']}/subscribe", json=Browser(endpoint=f"{rx.url}/p").subscription(),
                     headers={"X-CSRF-Token": csrf}).json()
        page = c.get(f"/watches/unsubscribe/{sub['token']}", headers={"accept": "text/html"})
        assert page.status_code == 200 and "Unsubscribe" in page.text
        assert c.get("/api/watches", headers=AUTH).json()["watches"][0]["subscribers"]  # a GET changed nothing
        done = c.post(f"/watches/unsubscribe/{sub['token']}", data={"csrf": csrf}, headers={"accept": "text/html"})
        assert done.status_code == 200 and "Unsubscribed" in done.text
        assert c.get("/api/watches", headers=AUTH).json()["watches"][0]["subscribers"] == []
        again = c.post("/api/unsubscribe", json={"token": sub["token"]}, headers={"X-CSRF-Token": csrf})
        assert again.status_code == 404

    with html_client(base) as c:
        csrf = _csrf(c)
        assert c.post(f"/watches/{watch['id']}/delete", data={"csrf": csrf}).status_code == 401  # not unlocked
        c.post("/login", data={"token": TOKEN, "csrf": csrf})
        page = c.get("/watches")
        assert "Add a watch" in page.text and "Remove" in page.text
        added = c.post("/watches", data={"csrf": csrf, "query": "place:Korvana", "name": "k2"}, follow_redirects=False)
        assert added.status_code == 303
        gone = c.post(f"/watches/{watch['id']}/delete", data={"csrf": csrf}, follow_redirects=False)
        assert gone.status_code == 303
    with httpx.Client(base_url=base) as c:
        assert [w["name"] for w in c.get("/api/watches").json()["watches"]] == ["k2"]


def test_situation_page_offers_the_opt_in_for_a_watched_situation(site):
    with httpx.Client(base_url=site["base"]) as c:
        c.post("/api/watches", json={"query": "Korvana"}, headers=AUTH)
    with html_client(site["base"]) as c:
        page = c.get("/situations/Korvana").text
        assert 'id="optin"' in page and "Be the first to read breaking stories on Korvana." in page
        assert "No thanks" in page and "Disable anytime." in page
        assert 'id="optin"' not in c.get("/situations/Lumeria").text  # nobody watches it
