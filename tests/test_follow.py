"""``wirewatch follow`` as a real subprocess against a feed served from 127.0.0.1 (issue 10's must-holds):
items stored, a new item stored and its watch's webhook delivered within 15 s, a failing feed recorded
with failures and backoff while the follower keeps running, readers and other writers working on the
same store meanwhile, SIGTERM ending it with exit 0, and kill -9 then a rerun giving exactly the
articles of one clean run.

The feed server (``FeedServer``) is shared with ``test_sources_registry``."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from wirewatch.store import Store

CLI = [sys.executable, "-c", "from wirewatch.cli import main; main()"]

# Short fictional wire stories, each about something else (so each is its own story).
STORIES = {
    "harbour": ("Harbour workers end strike in Port Velan",
                ["PORT VELAN (Wirewire) - Dock workers in the southern port of Velan returned to work on Monday "
                 "after a nine-day strike over night-shift pay that left grain ships waiting offshore.",
                 "The dockers' union said the port authority had agreed to a twelve percent rise for night crews "
                 "and to hire forty more crane operators before the end of the year.",
                 "Shipping agents said it would take at least a week to clear the backlog of vessels."]),
    "bridge": ("Flood waters close old bridge at Ostrava Mills",
               ["OSTRAVA MILLS (Wirewire) - Engineers closed the nineteenth-century stone bridge at Ostrava Mills "
                "on Sunday after the river rose to its highest level in thirty years.",
                "Residents of the low-lying western bank were told to move cars and livestock to higher ground, "
                "and the town school was opened as a shelter for families who could not stay with relatives.",
                "Forecasters expect the rain to ease by Wednesday, when inspectors will decide whether the "
                "bridge can reopen to lorries."]),
    "mali": ("Army says it retook river town of Kessoumba",
             ["BAMAKO, Mali (Wirewire) - Soldiers said on Tuesday they had retaken the river town of Kessoumba "
              "after two days of fighting with an armed group that had held it since March.",
              "A spokesman told reporters in the capital that the town market had reopened and that families "
              "who fled downstream were beginning to return by boat.",
              "Aid groups said they could not yet confirm how many people the clashes had displaced."]),
    "vote": ("Island council delays vote on ferry contract",
             ["KALVE ISLAND (Wirewire) - The island council postponed a vote on a new ferry contract on Thursday "
              "after two members asked for an independent review of the bids.",
              "The current operator's licence runs out in June, and islanders fear a gap in winter crossings "
              "that carry pupils, patients and the daily post to the mainland.",
              "The council chair said the review would take no more than three weeks."]),
    "library": ("Fire damages archive wing of city library in Dorn",
                ["DORN (Wirewire) - A fire broke out overnight in the archive wing of Dorn's central library, "
                 "destroying part of a collection of maps and parish records dating to the sixteenth century.",
                 "Firefighters kept the flames away from the main reading rooms, and no one was hurt, the city "
                 "said in a statement on Friday morning.",
                 "Conservators began moving water-damaged volumes to a freezer warehouse to stop mould."]),
    "orchard": ("Late frost cuts apple harvest in Tessel valley",
                ["TESSEL (Wirewire) - Growers in the Tessel valley expect to pick barely half of last year's apple "
                 "crop after three nights of frost in late April killed blossom on the lower slopes.",
                 "The regional farmers' association asked the agriculture ministry for emergency loans so that "
                 "orchards can keep seasonal pickers on for the pear harvest in September.",
                 "Cider makers said they would buy fruit from neighbouring provinces to fill their presses."]),
    "rail": ("Night trains return to the northern line after repairs",
             ["HALDEN CROSS (Wirewire) - Night trains ran again on the northern line on Saturday, four months "
              "after a landslide buried a stretch of track near the Halden Cross tunnel.",
              "The rail operator said the first sleeper service left the capital on time with every berth "
              "booked, and that freight trains would follow from next week.",
              "Geologists will keep monitoring the slope with sensors installed during the repairs."]),
}


def page(slug: str) -> bytes:
    title, paras = STORIES[slug]
    body = "".join(f"<p>{p}</p>\n" for p in paras)
    return (f"<!DOCTYPE html><html><head><title>{title} | The Test Courier</title>"
            f'<meta name="date" content="2031-04-0{1 + len(slug) % 8}"></head><body>'
            f'<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
            f"<article><h1>{title}</h1>\n{body}</article><footer>The Test Courier</footer></body></html>").encode()


class FeedServer:
    """A local news site: ``/feed.xml`` (RSS with ETag/304), ``/news-sitemap.xml``, ``/item/<slug>``
    pages, ``/robots.txt`` (disallows ``/private/``).  ``items`` and ``status`` can change at any time;
    every request is logged as (time, path, status)."""

    def __init__(self, items: list[str] | None = None) -> None:
        self.items = list(items or [])
        self.status = 200
        self.retry_after: str | None = None  # sent with an error status when set
        self.garbage = False
        self.robots = "User-agent: *\nDisallow: /private/\n"
        self.hold: set[str] = set()  # paths that answer only once ``released`` is set
        self.redirects: dict[str, str] = {}  # path -> Location of a 302
        self.released = threading.Event()
        self.log: list[tuple[float, str, int]] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                status, ctype, body, headers = outer.answer(self.path, self.headers)
                with outer.lock:
                    outer.log.append((time.monotonic(), self.path, status))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, *args: Any) -> None:
                pass

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def feed(self) -> bytes:
        entries = "".join(f"<item><title>{STORIES[s][0]}</title><link>{self.url}/item/{s}</link>"
                          f"<guid>{self.url}/item/{s}</guid><description>{STORIES[s][1][0]}</description></item>"
                          for s in self.items)
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test Courier</title>'
                f"<link>{self.url}/</link>{entries}</channel></rss>").encode()

    def sitemap(self) -> bytes:
        urls = "".join(f"<url><loc>{self.url}/item/{s}</loc><news:news><news:publication>"
                       f"<news:name>Test Courier</news:name><news:language>en</news:language></news:publication>"
                       f"<news:publication_date>2031-04-02</news:publication_date>"
                       f"<news:title>{STORIES[s][0]}</news:title></news:news></url>" for s in self.items)
        return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>').encode()

    def answer(self, path: str, headers: Any) -> tuple[int, str, bytes, dict[str, str]]:
        if path in self.hold:
            self.released.wait(60)
        if path in self.redirects:
            return 302, "text/plain", b"", {"Location": self.redirects[path]}
        if path == "/robots.txt":
            return 200, "text/plain", self.robots.encode(), {}
        if path in ("/feed.xml", "/news-sitemap.xml"):
            if self.status != 200:
                extra = {"Retry-After": self.retry_after} if self.retry_after else {}
                return self.status, "text/plain", b"server trouble", extra
            if self.garbage:
                return 200, "application/rss+xml", b'<?xml version="1.0"?><rss version="2.0"><chan<<nel>&bogus;', {}
            body = self.feed() if path == "/feed.xml" else self.sitemap()
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if headers.get("If-None-Match") == etag:
                return 304, "application/rss+xml", b"", {"ETag": etag}
            ctype = "application/rss+xml" if path == "/feed.xml" else "application/xml"
            return 200, ctype, body, {"ETag": etag, "Last-Modified": formatdate(usegmt=True)}
        slug = path.rsplit("/", 1)[-1]
        if path.startswith(("/item/", "/private/")) and slug in STORIES:
            return 200, "text/html; charset=utf-8", page(slug), {}
        return 404, "text/plain", b"not here", {}

    def requests(self, prefix: str) -> list[tuple[float, str, int]]:
        with self.lock:
            return [r for r in self.log if r[1].startswith(prefix)]

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env=_env())


def _env() -> dict[str, str]:
    return {**os.environ, "WIREWATCH_LOCK_TIMEOUT": "30"}


def start_follow(db: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([*CLI, "follow", "--db", str(db), "--allow-private", "--no-nlp", "--json", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())


def wait_for(check: Callable[[], Any], *, timeout: float, every: float = 0.25, what: str = "condition",
             proc: subprocess.Popen | None = None) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"follow exited ({proc.returncode}): {proc.stderr.read()}")
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def articles(db: Path) -> list[tuple[str, str]]:
    """(source, title) of every stored article, read the way any other reader would (read-only, waiting)."""
    with Store(db, read_only=True, lock_timeout=30) as store:
        return store.con.execute("SELECT source, title FROM articles ORDER BY source, ingested_at").fetchall()


def health(db: Path) -> list[dict]:
    """What `sources list --json` prints, read in this process (cheaper to poll than a subprocess)."""
    from wirewatch.follow import list_sources

    with Store(db, read_only=True, lock_timeout=30) as store:
        return [s.to_dict() for s in list_sources(store.con)]


def sources_json(db: Path) -> list[dict]:
    r = cli("sources", "list", "--db", db, "--json")
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


@pytest.fixture
def site() -> Iterator[FeedServer]:
    with FeedServer(["harbour", "bridge"]) as srv:
        yield srv


def test_follow_stores_alerts_survives_failures_and_stops_on_sigterm(site: FeedServer, tmp_path: Path) -> None:
    from wirewatch.alerts import add_watch, subscribe
    from wirewatch.alerts.testing import Receiver
    from wirewatch.follow import add_source
    from wirewatch.ingest import ingest

    db = tmp_path / "news.duckdb"
    with Receiver() as rx:
        with Store(db) as store:  # set up in this process: each CLI start costs seconds on a busy machine
            add_watch(store, "Kessoumba", name="kess")
            subscribe(store, "kess", webhook=rx.url + "/hook", allow_private=True)
            add_source(store, site.url + "/feed.xml", every="2s", name="courier")
        proc = start_follow(db)
        try:
            with Store(db, lock_timeout=30) as store:  # `watch` administration meanwhile
                add_watch(store, "Velan", name="velan")
            got = wait_for(lambda: len(articles(db)) >= 2 and articles(db), timeout=60, what="the first items",
                           proc=proc)
            assert sorted(s for s, _ in got) == [f"{site.url}/item/bridge", f"{site.url}/item/harbour"]
            # other commands keep working on the same file while the follower runs
            r = cli("articles", "--db", db, "--json")
            assert r.returncode == 0 and len(r.stdout.splitlines()) == 2, r.stderr
            extra = tmp_path / "rail.html"
            extra.write_bytes(page("rail"))
            with Store(db, lock_timeout=30) as store:  # another writer, as `wirewatch ingest` is
                assert ingest([str(extra)], store=store, nlp=False).stored == 1
            [src] = health(db)
            assert src["kind"] == "feed" and src["last_status"] in ("ok", "not_modified") and src["failures"] == 0
            assert src["last_new_item"] and src["every_s"] == 2

            site.items.append("mali")  # a new item: stored, and its watch's webhook delivered within 15 s
            added = time.monotonic()
            wait_for(lambda: rx.at("/hook"), timeout=15, what="the webhook", proc=proc)
            assert time.monotonic() - added < 15
            post = json.loads(rx.at("/hook")[0].body)
            assert "Kessoumba" in json.dumps(post)
            assert any(s.endswith("/item/mali") for s, _ in articles(db))
            assert len(rx.at("/hook")) == 1

            site.status = 500  # failures are data: recorded with backoff while the follower goes on
            wait_for(lambda: health(db)[0]["failures"] >= 2, timeout=45, what="two recorded failures", proc=proc)
            [failing] = sources_json(db)
            assert failing["last_status"] == "error" and "HTTP 500" in failing["last_error"]
            assert failing["health"] == "failing"
            gap = _ts(failing["next_due"]) - _ts(failing["last_polled"])
            assert gap >= 2 * 2 * 0.75 * 2 - 1  # two failures: the 2 s period doubled twice, less jitter
            assert proc.poll() is None
        finally:
            proc.send_signal(signal.SIGTERM)
            asked = time.monotonic()
            try:
                code = proc.wait(timeout=15)
                assert time.monotonic() - asked < 10  # seconds, even on a loaded machine
            finally:
                if proc.poll() is None:
                    proc.kill()
        assert code == 0, proc.stderr.read()
    polls = [json.loads(line) for line in proc.stdout.read().splitlines()]
    assert any(p["status"] == "error" for p in polls) and any(p["stored"] for p in polls)
    # robots.txt was asked, and no host got two requests within the same second
    assert site.requests("/robots.txt")
    times = [t for t, path, _ in site.log if path != "/robots.txt"]
    assert all(b - a >= 0.9 for a, b in zip(times, times[1:]))
    stored = articles(db)
    assert len(stored) == len(set(stored)) == 4


def _ts(value: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(value.rstrip("Z")).timestamp()


def test_kill_9_then_rerun_gives_the_articles_of_one_clean_run(tmp_path: Path) -> None:
    from wirewatch.follow import add_source

    slugs = ["harbour", "bridge", "vote", "library", "orchard", "rail"]
    with FeedServer(slugs) as site:
        clean, crashed = tmp_path / "clean.duckdb", tmp_path / "crashed.duckdb"
        for db in (clean, crashed):
            with Store(db) as store:
                add_source(store, site.url + "/feed.xml", every="1h")
        site.hold = {"/item/library"}  # the second batch (vote, library) stays in hand until the kill
        proc = start_follow(crashed, "--batch", "2")
        once = ["--allow-private", "--no-nlp", "--once", "--batch", "2"]
        clean_run = subprocess.Popen([*CLI, "follow", "--db", str(clean), *once], stderr=subprocess.PIPE, text=True,
                                     env=_env())  # meanwhile (each process paces its own requests)
        wait_for(lambda: site.requests("/item/vote") and len(articles(crashed)) >= 2, timeout=60,
                 what="a first committed batch", proc=proc)
        proc.kill()
        proc.wait(timeout=10)
        site.released.set()
        assert len(articles(crashed)) == 2  # killed half-way: one batch committed, one in hand
        # the crashed store's source is due again (its poll never finished): a rerun completes it
        rerun = subprocess.run([*CLI, "follow", "--db", str(crashed), *once], capture_output=True, text=True,
                               timeout=90, env=_env())
        assert rerun.returncode == 0, rerun.stderr
        assert clean_run.wait(timeout=90) == 0, clean_run.stderr.read()
        assert articles(crashed) == articles(clean)
        assert len(articles(clean)) == len(slugs)


def test_serve_shows_source_health_and_follows_in_the_background(site: FeedServer, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from wirewatch.follow import add_source
    from wirewatch.serve import sources as served
    from wirewatch.serve.app import create_app

    db = tmp_path / "web.duckdb"
    with Store(db) as store:
        add_source(store, site.url + "/feed.xml", every="1h", name="courier")
    app = create_app(db, token="t", allow_private=True, deliver=False, snapshot_dir=tmp_path / "snaps")
    with TestClient(app) as client:
        first = client.get("/api/sources").json()
        assert first["following"] is False and first["sources"][0]["health"] == "new"
        served.start_follower(app.state.ww, nlp=False)  # what `serve --follow` starts (without NLP: fast)
        got = wait_for(lambda: [s for s in client.get("/api/sources").json()["sources"] if s["items_stored"] == 2],
                       timeout=30, what="the served follower's first poll")
        assert got[0]["kind"] == "feed" and got[0]["last_status"] == "ok" and got[0]["failures"] == 0
        html = client.get("/sources", headers={"accept": "text/html"}).text
        assert "courier" in html and "this server follows them" in html and "feed" in html
        assert client.get("/api/articles").status_code == 200
    assert articles(db) and len(articles(db)) == 2


def test_serve_follow_flag_starts_the_follower(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from wirewatch.serve.app import create_app

    app = create_app(tmp_path / "f.duckdb", token="t", deliver=False, follow=True, snapshot_dir=tmp_path / "snaps")
    with TestClient(app) as client:
        assert client.get("/api/sources").json() == {"following": True, "sources": []}


def test_retry_after_of_a_429_or_503_is_honoured(tmp_path: Path) -> None:
    """A feed answering 503 with Retry-After: the source's next attempt is no earlier than asked (its
    own backoff would be seconds), and no request reaches that host before then."""
    from datetime import datetime, timezone

    from wirewatch.errors import InputError
    from wirewatch.follow import Follower, add_source, file_access
    from wirewatch.follow.fetcher import MAX_RETRY_AFTER, retry_after_seconds

    db = tmp_path / "ra.duckdb"
    with FeedServer(["harbour"]) as srv:
        with Store(db) as store:
            add_source(store, srv.url + "/feed.xml", every="2s")
        srv.status, srv.retry_after = 503, "120"
        f = Follower(file_access(str(db)), allow_private=True, nlp=False, per_host_interval=0.05)
        try:
            [report] = f.poll_due()
            assert report.status == "error" and "HTTP 503" in report.error and report.failures == 1
            [src] = health(db)
            wait = (datetime.fromisoformat(src["next_due"].rstrip("Z"))
                    - datetime.fromisoformat(src["last_polled"].rstrip("Z"))).total_seconds()
            assert 119 <= wait <= 125  # backoff alone: 2 s x 2 x jitter, at most 5 s
            asked = len(srv.requests("/feed.xml"))
            srv.status = 200
            with pytest.raises(InputError) as err:  # the host is held: fails at once, nothing sent
                f.fetcher.get(srv.url + "/feed.xml")
            assert "Retry-After" in err.value.reason and err.value.retry_after > 100
            assert len(srv.requests("/feed.xml")) == asked
        finally:
            f.close()
    at = datetime(2031, 4, 1, 12, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("Tue, 01 Apr 2031 12:02:00 GMT", at=at) == 120.0  # the HTTP-date form
    assert retry_after_seconds("Tue, 01 Apr 2031 11:00:00 GMT", at=at) == 0.0
    assert retry_after_seconds("86400000") == MAX_RETRY_AFTER
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_marks_of_items_gone_from_the_feed_are_forgotten_and_nothing_is_stored_twice(tmp_path: Path) -> None:
    """feed_state holds one mark per item read; marks of items still listed are kept, those of items
    gone from the feed for longer than keep_seen are forgotten (the seen set stays bounded by what the
    sources list); an item that comes back is read again but not stored twice."""
    from datetime import timedelta

    from wirewatch.follow import Follower, add_source, file_access
    from wirewatch.store.db import now

    db = tmp_path / "prune.duckdb"

    def marks() -> set[str]:
        with Store(db, read_only=True) as store:
            return {u for (u,) in store.con.execute("SELECT url FROM feed_state").fetchall()}

    def age_marks(days: int) -> None:
        with Store(db) as store:  # as if these marks were written or confirmed `days` ago
            store.con.execute("UPDATE feed_state SET checked_at = ? WHERE url LIKE '%/item/%'",
                              [now() - timedelta(days=days)])
            store.con.execute("UPDATE sources SET next_due = TIMESTAMP '2000-01-01'")

    with FeedServer(["harbour", "bridge"]) as srv:
        feed = srv.url + "/feed.xml"
        with Store(db) as store:
            add_source(store, feed, every="1h")
        f = Follower(file_access(str(db)), allow_private=True, nlp=False, per_host_interval=0.05,
                     keep_seen=30 * 86400, prune_every=0)
        try:
            [report] = f.poll_due()
            assert report.stored == 2
            assert marks() == {feed, srv.url + "/item/harbour", srv.url + "/item/bridge"}
            srv.items = ["harbour", "vote"]  # bridge left the feed; harbour is still listed
            age_marks(40)
            [report] = f.poll_due()
            assert (report.new, report.stored) == (1, 1)  # vote; harbour's mark was still there
            assert marks() == {feed, srv.url + "/item/harbour", srv.url + "/item/vote"}  # bridge's forgotten
            age_marks(10)  # harbour confirmed 10 days ago: kept
            [report] = f.poll_due()
            assert report.status == "not_modified" and srv.url + "/item/harbour" in marks()
            srv.items = ["harbour", "vote", "bridge"]  # bridge is listed again: read, but not stored twice
            age_marks(1)
            [report] = f.poll_due()
            assert (report.new, report.stored) == (1, 0) and report.duplicates == 1
        finally:
            f.close()
    assert sorted(s for s, _ in articles(db)) == sorted(srv.url + f"/item/{s}" for s in ("bridge", "harbour", "vote"))
