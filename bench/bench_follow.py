"""How long other processes wait for the store while new items come in: `wirewatch follow` against
`wirewatch ingest` of the same feed (the baseline: one run that holds the store from start to end).

A local site on 127.0.0.1 serves an RSS feed of N synthetic article pages (sentences drawn from a
fixed word list with a seeded generator: no shared data needed), each page answered after
``--delay`` seconds, as a remote site would.  For each command a reader process
opens the store read-only and counts the articles every 50 ms, as `wirewatch articles` would, and
records how long each open + query took.  Reported: the command's wall time, the reader's longest
and median wait, and how many reads succeeded while the command ran.  Both commands run with
`--no-nlp` (the store's lock hold is what is measured, not NLP).

    python3 bench/bench_follow.py              # N = 24 items, 0.3 s per page
    python3 bench/bench_follow.py --items 48
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CLI = [sys.executable, "-c", "from wirewatch.cli import main; main()"]
WORDS = ("council harbour river bridge market minister police village school court rain flood election "
         "ferry station archive farmers union workers hospital road tunnel mayor governor district budget "
         "contract strike protest storm harvest prices fuel water power grid border patrol village town "
         "officials residents engineers doctors teachers drivers families children report inquiry vote "
         "talks agreement plan review audit license permit shelter aid supplies convoy route valley coast "
         "island mountain desert plain forest north south east west morning evening night week month").split()

READER = r"""
import json, sys, time
from wirewatch.store import Store
db, stop = sys.argv[1], sys.argv[2]
import os
waits = []
while not os.path.exists(stop):
    t = time.perf_counter()
    try:
        with Store(db, read_only=True, lock_timeout=120) as s:
            s.con.execute("SELECT count(*) FROM articles").fetchone()
        waits.append(time.perf_counter() - t)
    except Exception as exc:
        waits.append(-1.0)
    time.sleep(0.05)
print(json.dumps(waits))
"""


def article(rng: random.Random, n: int) -> tuple[str, bytes]:
    title = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {rng.choice(WORDS)} report number {n}"
    paras = []
    for _ in range(4):
        sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 20))).capitalize() + "."
                     for _ in range(3)]
        paras.append(" ".join(sentences))
    body = "".join(f"<p>{p}</p>" for p in paras)
    return title, (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                   f"{body}</article></body></html>").encode()


def serve(items: int, delay: float) -> tuple[ThreadingHTTPServer, str]:
    rng = random.Random(20261203)
    pages = {f"/item/{i}": article(rng, i) for i in range(items)}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/feed.xml":
                entries = "".join(f"<item><title>{t}</title><link>{base}{p}</link></item>"
                                  for p, (t, _) in pages.items())
                body, ctype = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title>'
                               f"{entries}</channel></rss>").encode(), "application/rss+xml"
            elif self.path in pages:
                time.sleep(delay)
                body, ctype = pages[self.path][1], "text/html; charset=utf-8"
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def measure(label: str, command: list[str], db: Path, work: Path) -> dict:
    stop = work / f"{label}.stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], stdout=subprocess.PIPE, text=True)
    time.sleep(3.0)  # the reader is up and reading
    started = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    stop.touch()
    waits = json.loads(reader.communicate(timeout=300)[0])
    ok = [w for w in waits if w >= 0]
    return {"command": label, "exit": run.returncode, "wall_s": round(wall, 1), "reads": len(ok),
            "failed_reads": len(waits) - len(ok), "reader_max_wait_s": round(max(ok), 2),
            "reader_median_wait_s": round(statistics.median(ok), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=24)
    ap.add_argument("--delay", type=float, default=0.3, help="seconds each item page takes to answer")
    args = ap.parse_args()
    httpd, base = serve(args.items, args.delay)
    with tempfile.TemporaryDirectory(prefix="wirewatch-bench-follow-") as tmp:
        work = Path(tmp)
        env_db = {}
        for name in ("ingest", "follow"):
            db = work / f"{name}.duckdb"
            subprocess.run([*CLI, "sources", "add", f"{base}/feed.xml", "--every", "1h", "--db", str(db)],
                           check=True, capture_output=True)
            env_db[name] = db
        rows = [
            measure("ingest", [*CLI, "ingest", f"{base}/feed.xml", "--db", str(env_db["ingest"]), "--no-nlp",
                               "--allow-private", "--quiet"], env_db["ingest"], work),
            measure("follow --once", [*CLI, "follow", "--once", "--db", str(env_db["follow"]), "--no-nlp",
                                      "--allow-private", "--quiet"], env_db["follow"], work),
        ]
    httpd.shutdown()
    print(f"{args.items} new feed items, pages answered after {args.delay}s, "
          f"load average {os.getloadavg()[0]:.1f}")
    for r in rows:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
