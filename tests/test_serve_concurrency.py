"""Ingest keeps working while the server serves: no request ever fails with a lock error."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from test_serve_support import live_server, plain_article, write_articles
from wirewatch.serve import create_app
from wirewatch.serve.snapshot import SnapshotReader
from wirewatch.serve.writer import Writer

TOKEN = "concurrency-token"

# A separate process holding the store for writing (what `wirewatch ingest` does), committing
# batches of new stories for a few seconds, without NLP so the test stays fast.
WRITER = r"""
import os, sys, time
sys.path.insert(0, sys.argv[3])
from test_serve_support import plain_article
from wirewatch.store import Batch, Store
db, batches, stop = sys.argv[1], int(sys.argv[2]), sys.argv[4]
with Store(db) as store:
    print("locked", flush=True)
    dd = store.load_deduper()
    b = 0
    while b < batches and not (b >= 3 and os.path.exists(stop)):
        arts = [plain_article(1000 + b * 10 + i, place="Ostmark", day=1 + i) for i in range(10)]
        store.write_batch(Batch(articles=[(a, dd.judge(a)) for a in arts]))
        b += 1
        time.sleep(0.1)
print(b, flush=True)
"""


def _hammer(base: str, ids: list[str], n: int = 50) -> list[tuple[str, int]]:
    """``n`` requests of every kind, 10 at a time (one shared keep-alive client: a client per
    request would spend the test's time making TLS contexts, not requests)."""
    paths = []
    for i in range(n):
        kind = i % 5
        paths.append(["/api/articles?q=harbour", f"/api/articles/{ids[i % len(ids)]}", "/api/situations/Lumeria",
                      "/?q=vote", "/api/status"][kind])

    with httpx.Client(base_url=base, timeout=30, limits=httpx.Limits(max_connections=10)) as client:
        def get(path: str) -> tuple[str, int]:
            r = client.get(path, headers={"accept": "text/html"} if not path.startswith("/api") else {})
            return path, r.status_code

        with ThreadPoolExecutor(max_workers=10) as pool:
            return list(pool.map(get, paths))


def test_fifty_requests_during_an_ingest_in_another_process(tmp_path):
    db = tmp_path / "busy.duckdb"
    base_articles = [plain_article(i) for i in range(1, 21)]
    write_articles(db, base_articles)
    app = create_app(db, token=TOKEN, deliver=False, refresh_interval=0.1)
    tests_dir = str(Path(__file__).parent)
    with live_server(app) as base:
        stop = tmp_path / "stop"
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), "600", tests_dir, str(stop)],
                                stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout.readline().strip() == "locked"  # the other process holds the file now
            results = _hammer(base, [a.id for a in base_articles])
            still_writing = proc.poll() is None
            stop.touch()
            batches = int(proc.stdout.readline())
            assert proc.wait(timeout=60) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
        errors = [(p, s) for p, s in results if s != 200]
        assert errors == [] and len(results) == 50
        assert still_writing  # the requests really overlapped the ingest
        # the new stories show up once the other process has committed them
        deadline = time.monotonic() + 10
        with httpx.Client(base_url=base) as c:
            while c.get("/api/status").json()["articles"] != 20 + 10 * batches:
                assert time.monotonic() < deadline, "the snapshot never caught up"
                time.sleep(0.1)
            assert c.get("/api/situations/Ostmark").json()["counts"]["stories"] == 10 * batches


def test_server_writes_wait_for_another_writer(tmp_path):
    """A write queued while another process holds the file waits, then lands and is visible."""
    db = tmp_path / "w.duckdb"
    write_articles(db, [plain_article(1)])
    reader = SnapshotReader(db, min_interval=0.1)
    writer = Writer(db, on_write=lambda: reader.refresh(force=True), lock_timeout=30)
    tests_dir = str(Path(__file__).parent)
    try:
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), "6", tests_dir, str(tmp_path / "x")],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "locked"
        from wirewatch.store import Batch

        def job(store):
            dd = store.load_deduper()
            art = plain_article(5000, place="Quellen")
            store.write_batch(Batch(articles=[(art, dd.judge(art))]))
            return art.id

        fut = writer.submit(job)
        aid = fut.result(timeout=60)
        assert proc.wait(timeout=60) == 0
        with reader.cursor() as cur:  # the writer refreshed the snapshot before answering
            assert cur.execute("SELECT count(*) FROM articles WHERE id = ?", [aid]).fetchone()[0] == 1
            assert cur.execute("SELECT count(*) FROM articles").fetchone()[0] == 1 + 60 + 1
    finally:
        writer.close()
        reader.close()


def test_snapshot_survives_a_store_rewritten_under_it(tmp_path):
    """Old snapshots stay readable for requests in flight; they are deleted once released."""
    db = tmp_path / "s.duckdb"
    write_articles(db, [plain_article(1)])
    reader = SnapshotReader(db, min_interval=0.05)
    try:
        with reader.cursor() as old:
            first = reader._current.path
            write_articles(db, [plain_article(2)])
            assert reader.refresh() is True
            assert old.execute("SELECT count(*) FROM articles").fetchone()[0] == 1  # still the old copy
            assert first.exists()
        assert not first.exists()  # released and removed
        with reader.cursor() as cur:
            assert cur.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
    finally:
        reader.close()


FIXTURE = """Fishermen protest new port fees in Lumeria

LUMERIA CITY, March 3, 2031 (Northwire) — Hundreds of fishermen marched on the harbour council in Lumeria City \
on Monday to protest new port fees, police said.

"We cannot feed our families with these fees," said Tomas Varga, head of the Lumeria Fishers Union, speaking \
outside the council building.

The council's chairwoman, Elena Brask, said the fees would be reviewed next week.
"""

# `wirewatch ingest` in another process: the same runner on a store opened for writing, kept open
# (the lock held) until the test says so, without NLP so the test stays fast.
OTHER_INGEST = r"""
import json, sys
from wirewatch.ingest import ingest
from wirewatch.store import Store
with Store(sys.argv[1]) as store:
    print("locked", flush=True)
    summary = ingest([sys.argv[2]], store=store, published="2031-03-03", nlp=False)
    print(json.dumps(summary.to_dict()), flush=True)
    sys.stdin.readline()
"""


def test_other_process_ingest_and_api_ingest_while_serving(tmp_path):
    """An ingest in another process (holding the file's lock) and POST /api/ingest through the
    server's writer, while requests keep being answered; both ingests become searchable."""
    db = tmp_path / "e2e.duckdb"
    first = plain_article(1)
    write_articles(db, [first, *(plain_article(i) for i in range(2, 6))])
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "lumeria-protest.txt").write_text(FIXTURE, encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text(FIXTURE.replace("Monday", "Tuesday").replace("Hundreds", "Thousands")
                     .replace("Fishermen protest", "Dockers join protest"), encoding="utf-8")
    app = create_app(db, token=TOKEN, deliver=False, refresh_interval=0.1)
    with live_server(app) as base:
        proc = subprocess.Popen([sys.executable, "-c", OTHER_INGEST, str(db), str(docs)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout.readline().strip() == "locked"
            results = _hammer(base, [first.id], n=20)  # while the other process holds the file
            assert json.loads(proc.stdout.readline())["stored"] == 1
            results += _hammer(base, [first.id], n=10)
            assert proc.poll() is None  # the lock was held throughout
            proc.stdin.write("\n")
            proc.stdin.flush()
            assert proc.wait(timeout=60) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
        assert [r for r in results if r[1] != 200] == []
        with httpx.Client(base_url=base, timeout=120) as c:
            r = c.post("/api/ingest", json={"inputs": [str(other)], "published": "2031-03-04", "nlp": False},
                       headers={"Authorization": f"Bearer {TOKEN}"})
            assert r.status_code == 200, r.text
            assert r.json()["seen"] == 1 and r.json()["stored"] == 1
            hits = c.get("/api/articles", params={"q": "Varga"}).json()["articles"]
            assert len(hits) == 2  # both ingests visible, the API's one at once
            assert {h["title"] for h in hits} == {"Fishermen protest new port fees in Lumeria",
                                                  "Dockers join protest new port fees in Lumeria"}
