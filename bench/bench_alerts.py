"""Alert delivery benchmarks: Web Push fan-out rate, and ingest commit -> first push POST.

    python3 bench/bench_alerts.py [--subscribers 10000] [--workers 8] [--baseline 300]

The push-service stand-in (http.server on 127.0.0.1, keep-alive) runs in its own process so it
does not share the interpreter lock with the sender.  Every subscriber has its own browser key
pair and auth secret, so every push is encrypted separately (RFC 8291, as in production); a
sample of the received pushes is decrypted with the subscribers' keys to prove they are real.
The baseline is pywebpush's own ``webpush()`` called per subscriber (new connection and VAPID
signature per message), measured in the same run on the same stand-in.  Rates are wall-clock
(``push_per_s_*``) and per CPU-second of the sending process (``push_per_sender_cpu_s``): on a
shared machine the first depends on what else runs, the second on our code.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SAMPLE = 5


def _stand_in(conn) -> None:
    """Child process: a push service that answers 201 and counts; reports on request."""
    state = {"n": 0, "first": None, "last": None, "sample": []}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            at = time.perf_counter()
            state["n"] += 1
            state["first"] = state["first"] or at
            state["last"] = at
            if len(state["sample"]) < SAMPLE and self.path.startswith("/push/"):
                state["sample"].append((self.path, body))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    import threading

    threading.Thread(target=srv.serve_forever, daemon=True).start()
    conn.send(srv.server_address[1])
    while True:
        cmd = conn.recv()
        if cmd == "stop":
            break
        if cmd == "reset":
            state.update(n=0, first=None, last=None, sample=[])
        conn.send(dict(state))
    srv.shutdown()


class StandIn:
    def __enter__(self) -> StandIn:
        ctx = mp.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_stand_in, args=(child,), daemon=True)
        self.proc.start()
        self.url = f"http://127.0.0.1:{self.conn.recv()}"
        return self

    def ask(self, cmd: str = "stats") -> dict:
        self.conn.send(cmd)
        return self.conn.recv()

    def __exit__(self, *exc) -> None:
        self.conn.send("stop")
        self.proc.join(5)


def _story():
    from wirewatch.records import Article, Entity, Place

    body = ("BAMAKO, Mali (Wirewire) - Soldiers said on Tuesday they had retaken the river town of Kessoumba "
            "after two days of fighting with an armed group that had held it since March. ") * 6
    a = Article(source="bench/mali.txt", text=body, title="Mali army says it retook river town",
                url="https://news.example.org/mali", published="2031-04-08", agency="Wirewire")
    a.entities = [Entity(name="Mali", type="GPE")]
    a.places = [Place(name="Mali", country="ML")]
    return a


def _setup(store, stand_in_url: str, n: int):
    """One watch on "Mali" with ``n`` push subscribers, each with its own browser keys."""
    from wirewatch.alerts import add_watch, subscribe
    from wirewatch.alerts.testing import Browser
    from wirewatch.store import watches as sql

    w = add_watch(store, "Mali")
    browsers = {}
    first = Browser(endpoint=f"{stand_in_url}/push/0")
    subscribe(store, w.id, push_subscription=first.subscription(), allow_private=True)  # the checked path
    browsers["/push/0"] = first
    rows = []
    for i in range(1, n):
        b = Browser(endpoint=f"{stand_in_url}/push/{i}")
        keys = b.subscription()["keys"]
        rows.append({"id": f"s{i:06d}", "watch_id": w.id, "kind": "push", "target": b.endpoint,
                     "token": os.urandom(18).hex(), "p256dh": keys["p256dh"], "auth": keys["auth"],
                     "allow_private": True})
        if i <= SAMPLE * 4:
            browsers[f"/push/{i}"] = b
    sql.insert_subscribers(store.con, rows)
    return browsers


def _commit(store, article):
    from wirewatch.store import Batch

    dd = store.load_deduper()
    v = dd.judge(article)
    article.story_id = v.story_id
    store.write_batch(Batch(articles=[(article, v)]))
    return [article]


def fan_out(n: int, workers: int) -> dict:
    from wirewatch.alerts import deliver_pending, notify
    from wirewatch.store import Store

    with tempfile.TemporaryDirectory() as tmp, StandIn() as si, Store(Path(tmp) / "b.duckdb") as store:
        t = time.perf_counter()
        browsers = _setup(store, si.url, n)
        setup_s = time.perf_counter() - t
        committed = _commit(store, _story())
        t0 = time.perf_counter()
        notify(store, committed)
        t1, c1 = time.perf_counter(), time.process_time()
        report = deliver_pending(store, allow_private=True, workers=workers)
        t2, c2 = time.perf_counter(), time.process_time()
        stats = si.ask()
        decrypted = 0
        for path, body in stats["sample"]:
            if path in browsers:
                msg = json.loads(browsers[path].decrypt(body))
                decrypted += msg["story_id"] == committed[0].story_id
        return {"subscribers": n, "workers": workers, "setup_s": round(setup_s, 2),
                "match_and_record_s": round(t1 - t0, 3), "deliver_s": round(t2 - t1, 3),
                "sent": report.sent, "received": stats["n"],
                "push_per_s_delivery_round": round(report.sent / (t2 - t1)),
                "sender_cpu_ms_per_push": round((c2 - c1) / max(1, report.sent) * 1000, 3),
                "push_per_sender_cpu_s": round(report.sent / max(1e-9, c2 - c1)),
                "push_per_s_commit_to_last": round(stats["n"] / (stats["last"] - t0)),
                "commit_to_first_post_s": round(stats["first"] - t0, 4),
                "sample_decrypted": f"{decrypted}/{len(stats['sample'])}"}


def commit_to_first_post(tmp: str, url: str) -> float:
    """Real ``ingest()`` of a fixture file (no NLP): time from its commit to the push service's first POST."""
    from wirewatch.alerts import add_watch, on_commit_hook, subscribe
    from wirewatch.alerts.testing import Browser
    from wirewatch.ingest import ingest
    from wirewatch.store import Store

    path = Path(tmp) / "mali.txt"
    path.write_text("Mali army says it retook river town\n\n" + _story().text, encoding="utf-8")
    with Store(Path(tmp) / "c.duckdb") as store:
        add_watch(store, "Mali")
        subscribe(store, "Mali", push_subscription=Browser(endpoint=f"{url}/push/x").subscription(),
                  allow_private=True)
        hook = on_commit_hook(store, allow_private=True)
        marks = {}

        def timed(articles):
            marks["commit"] = time.perf_counter()
            hook(articles)

        ingest([str(path)], store=store, nlp=False, on_commit=timed)
    return marks["commit"]


def baseline(n: int, url: str) -> float:
    """pywebpush.webpush() per subscriber, as its README shows: notifications per second."""
    from pywebpush import webpush

    from wirewatch.alerts.testing import Browser
    from wirewatch.alerts.webpush import load_vapid

    with tempfile.TemporaryDirectory() as tmp:
        vapid = load_vapid(tmp)
        pem = vapid.private_pem().decode()
        subs = [Browser(endpoint=f"{url}/push/b{i}").subscription() for i in range(n)]
        data = json.dumps({"title": "Mali army says it retook river town", "story_id": "x" * 24}).encode()
        from py_vapid import Vapid02

        key = Vapid02.from_pem(pem.encode())
        t = time.perf_counter()
        for s in subs:
            webpush(s, data, vapid_private_key=key, vapid_claims={"sub": "mailto:bench@example.org"})
        return n / (time.perf_counter() - t)


def encryption_cpu(n: int = 2000) -> dict:
    """CPU ms per RFC 8291 encryption: our one-shot encoder vs pywebpush's WebPusher.encode."""
    from pywebpush import WebPusher

    from wirewatch.alerts.testing import Browser
    from wirewatch.alerts.webpush import Receiver, encrypt

    sub = Browser(endpoint="https://push.example.org/x").subscription()
    keys = Receiver.of(sub["keys"]["p256dh"], sub["keys"]["auth"])
    pusher = WebPusher(sub)
    data = b"x" * 700
    c0 = time.process_time()
    for _ in range(n):
        encrypt(keys, data)
    c1 = time.process_time()
    for _ in range(n):
        pusher.encode(data, content_encoding="aes128gcm")
    c2 = time.process_time()
    return {"fast_ms": round((c1 - c0) / n * 1000, 3), "pywebpush_ms": round((c2 - c1) / n * 1000, 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--subscribers", type=int, default=10_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[8])
    ap.add_argument("--baseline", type=int, default=300, help="subscribers for the pywebpush baseline (0: skip)")
    args = ap.parse_args()
    out = {"cpus": os.cpu_count(), "load_avg": os.getloadavg()[0], "encryption_cpu": encryption_cpu()}
    with StandIn() as si:
        if args.baseline:
            out["baseline_pywebpush_per_s"] = round(baseline(args.baseline, si.url))
        with tempfile.TemporaryDirectory() as tmp:
            si.ask("reset")
            commit = commit_to_first_post(tmp, si.url)
            out["ingest_commit_to_first_push_post_s"] = round(si.ask()["first"] - commit, 4)
    out["fan_out"] = [fan_out(args.subscribers, w) for w in args.workers]
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    sys.exit(main())
