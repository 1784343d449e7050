"""The follow package in this process: durations, the registry, backoff, polite fetching, and one
poll of each kind of source (feed, news sitemap, page, folder) against a local site, with failures
recorded as data."""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from test_follow import STORIES, FeedServer, page
from wirewatch.cli import app
from wirewatch.errors import UsageError
from wirewatch.follow import (Follower, add_source, backoff, file_access, get_source, list_sources, parse_duration,
                              remove_source)
from wirewatch.follow.fetcher import Pacer, map_bounded
from wirewatch.store import Store


def test_durations() -> None:
    assert [parse_duration(v) for v in ("90s", "5m", "1h", "1d", "45", " 2M ")] == [90, 300, 3600, 86400, 45, 120]
    for bad in ("", "5 minutes", "1h30m", "-5s", "0s", "5w", "99d"):
        with pytest.raises(UsageError, match="--every"):
            parse_duration(bad)


def test_cli_bad_duration_is_a_one_line_usage_error(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["sources", "add", "https://example.org/rss", "--every", "soon",
                                 "--db", str(tmp_path / "x.duckdb")])
    assert r.exit_code == 2
    assert r.output.strip().splitlines() == ["wirewatch: --every takes a duration such as 90s, 5m, 1h or 1d, "
                                             "not 'soon'"]
    assert not (tmp_path / "x.duckdb").exists()


def test_add_list_remove(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    with Store(tmp_path / "s.duckdb") as store:
        feed, created = add_source(store, "https://example.org/rss", every="2m")
        assert created and (feed.kind, feed.name, feed.every_s, feed.health) == ("auto", "example.org", 120, "new")
        again, created = add_source(store, "https://example.org/rss", every="1h", name="example")
        assert not created and again.id == feed.id and (again.every_s, again.name) == (3600, "example")
        other, _ = add_source(store, "https://example.org/atom")
        assert other.name == "example.org" and other.every_s == 300 and other.id != feed.id
        local, _ = add_source(store, str(folder))
        assert (local.kind, local.url, local.name) == ("folder", str(folder.resolve()), "inbox")
        with pytest.raises(UsageError, match="already exists"):
            add_source(store, "https://example.net/feed", name="example")
        with pytest.raises(UsageError, match="does not exist"):
            add_source(store, str(tmp_path / "missing"))
        with pytest.raises(UsageError, match="only http"):
            add_source(store, "ftp://example.org/feed")
        assert [s.id for s in list_sources(store.con)] == [feed.id, other.id, local.id]
        assert remove_source(store, "example").id == feed.id
        assert remove_source(store, local.id).id == local.id
        assert remove_source(store, "example") is None
        assert [s.url for s in list_sources(store.con)] == ["https://example.org/atom"]
        row = list_sources(store.con)[0].to_dict()
        for key in ("id", "url", "kind", "every_s", "last_polled", "last_status", "failures", "next_due",
                    "last_new_item"):
            assert key in row


def test_backoff_grows_with_jitter_and_a_cap() -> None:
    rng = random.Random(7)
    delays = [backoff(60, n, rng=rng) for n in range(1, 6)]
    for n, d in enumerate(delays, start=1):
        assert 60 * 2 ** n * 0.75 <= d <= 60 * 2 ** n * 1.25
    assert len({round(backoff(60, 3, rng=rng), 3) for _ in range(5)}) > 1  # jittered
    assert backoff(60, 40, rng=rng) <= 6 * 3600 * 1.25
    assert backoff(86400, 3, rng=rng) <= 86400 * 1.25  # never above the period's own scale... nor below it
    assert backoff(86400, 3, rng=rng) >= 86400 * 0.75


def test_pacer_spaces_requests_per_host_and_map_bounded_stops() -> None:
    pacer = Pacer(0.2)
    started: list[tuple[str, float]] = []
    waited: dict[str, float] = {}

    def hit(host: str) -> None:
        asked = time.monotonic()
        with pacer.slot(host) as go:
            assert go
            started.append((host, time.monotonic()))
            waited[host] = time.monotonic() - asked

    threads = [threading.Thread(target=hit, args=(h,)) for h in ("a", "a", "a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a_times = sorted(t for h, t in started if h == "a")
    assert all(y - x >= 0.19 for x, y in zip(a_times, a_times[1:]))
    assert waited["b"] < 0.19  # another host does not wait for "a"

    stop = threading.Event()

    def slow(i: int) -> int:
        if i == 2:
            stop.set()
        time.sleep(0.05)
        return i

    assert map_bounded(lambda i: i * 2, range(7), workers=3) == [0, 2, 4, 6, 8, 10, 12]
    done = map_bounded(slow, range(20), workers=1, stop=stop)
    assert done == list(range(len(done))) and len(done) < 20  # a prefix, in order


def follower(db: Path, **kw) -> Follower:
    return Follower(file_access(str(db)), allow_private=kw.pop("allow_private", True), nlp=False,
                    per_host_interval=0.05, **kw)


def stored(db: Path) -> list[tuple[str, str]]:
    with Store(db, read_only=True) as store:
        return store.con.execute("SELECT source, title FROM articles ORDER BY source").fetchall()


def source(db: Path):
    with Store(db, read_only=True) as store:
        return list_sources(store.con)[0]


def make_due(db: Path) -> None:
    with Store(db) as store:  # as if the period had passed
        store.con.execute("UPDATE sources SET next_due = TIMESTAMP '2000-01-01'")


def test_feed_poll_conditional_get_robots_and_failures(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    with FeedServer(["harbour", "bridge"]) as site:
        with Store(db) as store:
            add_source(store, site.url + "/feed.xml", every="1h")
        f = follower(db)
        [report] = f.poll_due()
        assert (report.kind, report.status, report.new, report.stored) == ("feed", "ok", 2, 2)
        assert [s for s, _ in stored(db)] == [f"{site.url}/item/bridge", f"{site.url}/item/harbour"]
        assert f.poll_due() == []  # not due for an hour
        src = source(db)
        assert (src.kind, src.last_status, src.failures, src.items_stored) == ("feed", "ok", 0, 2)
        assert src.last_new_item is not None and src.next_due > src.last_polled

        make_due(db)
        [report] = f.poll_due()
        assert report.status == "not_modified" and report.new == 0  # the stored ETag gave a 304
        assert site.requests("/feed.xml")[-1][2] == 304

        site.items.append("vote")
        make_due(db)
        [report] = f.poll_due()
        assert (report.status, report.listed, report.new, report.stored) == ("ok", 3, 1, 1)
        assert len(site.requests("/item/harbour")) == 1  # items already read are not fetched again

        site.garbage = True  # garbage XML, then HTTP 500: recorded, with growing backoff
        make_due(db)
        [report] = f.poll_due()
        assert report.status == "error" and report.error.startswith("feed:") and report.failures == 1
        site.garbage, site.status = False, 500
        make_due(db)
        [report] = f.poll_due()
        assert report.failures == 2 and "HTTP 500" in report.error
        src = source(db)
        assert (src.last_status, src.failures, src.health) == ("error", 2, "failing")
        assert (src.next_due - src.last_polled).total_seconds() >= 3600 * 4 * 0.75
        site.status = 200
        make_due(db)
        [report] = f.poll_due()
        assert report.status in ("ok", "not_modified") and source(db).failures == 0
        f.close()

        assert len(stored(db)) == 3
        assert not site.requests("/private/")


def test_robots_txt_is_honoured(tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    with FeedServer(["harbour"]) as site:
        site.robots = "User-agent: *\nDisallow: /item/\n"
        with Store(db) as store:
            add_source(store, site.url + "/feed.xml")
        f = follower(db)
        [report] = f.poll_due()
        f.close()
        assert report.status == "ok"
        assert not site.requests("/item/")  # the page was never asked for; the item's own text was used
        site.robots = "User-agent: *\nDisallow: /\n"
        g = follower(db)
        make_due(db)
        [report] = g.poll_due()
        g.close()
        assert report.status == "error" and report.error.startswith("robots:")


def test_private_addresses_need_allow_private(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    with FeedServer(["harbour"]) as site:
        with Store(db) as store:
            add_source(store, site.url + "/feed.xml")
        f = follower(db, allow_private=False)
        [report] = f.poll_due()
        f.close()
        assert report.status == "error" and report.error.startswith("blocked_address:")
        assert not site.log and not stored(db)


def test_news_sitemap_and_page_sources(tmp_path: Path) -> None:
    db = tmp_path / "m.duckdb"
    with FeedServer(["library", "orchard"]) as site:
        with Store(db) as store:
            add_source(store, site.url + "/news-sitemap.xml")
            add_source(store, site.url + "/item/rail", name="rail page")
        f = follower(db)
        reports = {r.kind: r for r in f.poll_due()}
        assert reports["sitemap"].stored == 2 and reports["page"].stored == 1
        titles = dict(stored(db))
        assert titles[f"{site.url}/item/library"] == STORIES["library"][0]
        make_due(db)
        reports = {r.kind: r for r in f.poll_due()}
        f.close()
        assert reports["sitemap"].status == "not_modified"
        assert reports["page"].stored == 0 and reports["page"].duplicates == 1  # unchanged page: nothing new
        assert len(stored(db)) == 3


def test_folder_reads_new_files_only(tmp_path: Path) -> None:
    db, inbox = tmp_path / "d.duckdb", tmp_path / "inbox"
    inbox.mkdir()
    past = time.time() - 60

    def drop(name: str, slug: str) -> None:
        path = inbox / name
        path.write_bytes(page(slug))
        os.utime(path, (past, past))

    drop("a.html", "harbour")
    (inbox / ".hidden.html").write_bytes(page("bridge"))
    with Store(db) as store:
        add_source(store, str(inbox), every="1s")
    f = follower(db)
    [report] = f.poll_due()
    assert (report.kind, report.new, report.stored) == ("folder", 1, 1)
    make_due(db)
    [report] = f.poll_due()
    assert report.new == 0 and report.seen == 0  # nothing re-read
    drop("b.html", "vote")
    (inbox / "c.html").write_bytes(page("rail"))  # still being written: left for the next poll
    os.utime(inbox / "c.html", (time.time() + 30, time.time() + 30))  # "just now", however slow this machine is
    make_due(db)
    [report] = f.poll_due()
    assert report.new == 1 and report.stored == 1
    f.close()
    assert sorted(Path(s).name for s, _ in stored(db)) == ["a.html", "b.html"]
    with Store(db, read_only=True) as store:
        assert get_source(store.con, "inbox").items_stored == 2


def test_cli_sources_add_list_remove(tmp_path: Path) -> None:
    import json

    db = str(tmp_path / "c.duckdb")
    run = CliRunner().invoke
    r = run(app, ["sources", "add", "https://example.org/rss", "--every", "90s", "--name", "ex", "--db", db])
    assert r.exit_code == 0 and "following" in r.output and "every 90s" in r.output
    r = run(app, ["sources", "list", "--db", db, "--json"])
    [row] = [json.loads(line) for line in r.output.splitlines()]
    assert (row["name"], row["every_s"], row["kind"], row["failures"], row["last_polled"]) == ("ex", 90, "auto", 0,
                                                                                               None)
    assert run(app, ["sources", "add", str(tmp_path / "nowhere"), "--db", db]).exit_code == 2
    assert run(app, ["sources", "remove", "ex", "--db", db]).exit_code == 0
    assert run(app, ["sources", "remove", "ex", "--db", db]).exit_code == 1
    assert "no sources" in run(app, ["sources", "list", "--db", db]).output


def test_timeouts_and_redirects_to_private_addresses_are_recorded(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "t.duckdb"
    with FeedServer(["harbour"]) as site:
        with Store(db) as store:
            add_source(store, site.url + "/feed.xml", name="slow")
            add_source(store, site.url + "/moved.xml", name="moved")
        site.hold = {"/feed.xml"}  # answers only after the follower has given up
        site.redirects["/moved.xml"] = "http://127.0.0.2/feed.xml"
        # 127.0.0.1 passes as public, so only the redirect's target is refused
        monkeypatch.setattr("wirewatch.sources.web.is_public_address", lambda a: a == "127.0.0.1")
        f = follower(db, allow_private=False, timeout=0.5)
        reports = {r.name: r for r in f.poll_due()}
        f.close()
        site.released.set()
        assert reports["slow"].status == "error" and reports["slow"].error.startswith("fetch: timed out")
        assert reports["moved"].status == "error" and reports["moved"].error.startswith("blocked_address:")
        assert "127.0.0.2" in reports["moved"].error
        with Store(db, read_only=True) as store:
            assert {s.name: s.failures for s in list_sources(store.con)} == {"slow": 1, "moved": 1}
