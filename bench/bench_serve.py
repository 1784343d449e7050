"""Latency of ``/api/articles?q=`` search under 50 concurrent clients on a generated 10k-article store.

    python3 bench/bench_serve.py [--articles 10000] [--clients 50] [--requests 3000] [--max-seconds 120]
                                 [--modes cli,single,distinct,repeated] [--client raw|httpx]

Makes a store of fictional generated articles (cached in --workdir), starts ``wirewatch serve`` in
a subprocess on 127.0.0.1, and runs the load generator in this process (asyncio, keep-alive
connections, bounded by a request count and a time limit; see ``load`` for the two clients).
Prints p50/p95/p99 latency, requests/s, errors and the server's and the load generator's CPU
time per request (server: /proc, user + system) as JSON, one line per mode:
``single`` is one client (latency without queueing), ``distinct`` and ``repeated`` use --clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

from wirewatch.records import Article, Entity, Mention, Place
from wirewatch.store import Batch, Store

PLACES = [("Lumeria", 10.5, 20.1), ("Korvana", 41.5, 12.2), ("Port Adel", 40.7, 13.5), ("Ostmark", 52.1, 9.9),
          ("Quellen", 47.3, 8.5), ("Saridon", 33.9, 35.5), ("Velka", 59.4, 24.7), ("Amber Bay", -33.9, 18.4)]
NAMES = ["Mira Talven", "Tomas Varga", "Elena Brask", "Ivo Relan", "Sana Okoro", "Petra Lund", "Omar Vesk"]
TOPICS = ["protest", "ceasefire", "election", "flood", "strike", "tariff", "drought", "talks", "curfew", "harvest"]
FILLER = ("officials said the council would meet again after the vote while residents waited for news of "
          "the port and the roads near the border where trucks were held").split()
QUERIES = ["protest", "ceasefire Korvana", "Mira Talven", "flood", "tariff Lumeria", "election", "strike Ostmark",
           "drought", "curfew", "talks", "harvest Quellen", "Velka"]


def make_article(i: int, rng: random.Random) -> Article:
    place, lat, lon = rng.choice(PLACES)
    who = rng.choice(NAMES)
    topic = rng.choice(TOPICS)
    words = " ".join(rng.choice(FILLER) for _ in range(rng.randint(80, 160)))
    lead = f"{place.upper()} (Northwire) — {who} said on day {i} that the {topic} in {place} would go on. "
    text = f"{lead}{words}.\n\nStory {i}: {topic} number {i * 7919 % 100003}, {' '.join(rng.sample(FILLER, 12))}."
    s = text.index(who)
    p = text.index(place, len(place) + 1) if text.count(place) > 1 else 0
    return Article(source=f"gen/{i}.txt", text=text, title=f"{topic.title()} in {place}: report {i}",
                   published=f"2031-{1 + i % 12:02d}-{1 + i % 28:02d}", agency="Northwire", language="en",
                   entities=[Entity(who, "PERSON", [], [Mention(who, s, s + len(who))])],
                   places=[Place(place, "XX", lat, lon, 900000 + PLACES.index((place, lat, lon)),
                                 [Mention(place, p, p + len(place))])])


def build_store(path: Path, n: int) -> None:
    if path.exists():
        with Store(path, read_only=True) as st:
            if st.con.execute("SELECT count(*) FROM articles").fetchone()[0] >= n:
                return
        path.unlink()
    rng = random.Random(17)
    started = time.perf_counter()
    with Store(path) as store:
        dd = store.load_deduper()
        for lo in range(0, n, 500):
            arts = [make_article(i, rng) for i in range(lo, min(n, lo + 500))]
            store.write_batch(Batch(articles=[(a, dd.judge(a)) for a in arts]))
        fts = store.rebuild_search_index()
    print(f"built {n} articles in {time.perf_counter() - started:.1f}s (fts index: {fts})", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    code = ("import sys; from wirewatch.serve import run; "
            "run(sys.argv[1], host='127.0.0.1', port=int(sys.argv[2]), token='bench-token', log_level='error')")
    proc = subprocess.Popen([sys.executable, "-c", code, str(db), str(port)])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/status", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


def pick_query(rng: random.Random, mode: str) -> tuple[str, int]:
    """``repeated``: a dozen popular queries (answered from the per-snapshot result cache after
    the first time); ``distinct``: topic + place + a common word and a varying page size, so
    almost every request is computed afresh."""
    if mode == "repeated":
        return rng.choice(QUERIES), 20
    place = rng.choice(PLACES)[0]
    return f"{rng.choice(TOPICS)} {place} {rng.choice(FILLER)}", rng.randint(5, 40)


async def _get_raw(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str,
                   path: str) -> tuple[int, bytes]:
    """One HTTP/1.1 keep-alive GET on an open connection: (status, body)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def load(base: str, *, clients: int, requests: int, max_seconds: float, mode: str,
               client: str = "raw") -> dict:
    """``clients`` closed-loop clients, each on its own keep-alive connection.  ``raw`` speaks
    HTTP/1.1 over asyncio streams (~0.2 ms of client CPU a request, so the figures are the
    server's); ``httpx`` uses httpx.AsyncClient (several ms a request: on a 2-core machine the
    load generator then takes more CPU than the server)."""
    latencies: list[float] = []
    errors: list[str] = []
    counter = iter(range(requests))
    deadline = time.perf_counter() + max_seconds
    host, port = base.rsplit("//", 1)[1].rsplit(":", 1)

    async def worker_raw(k: int) -> None:
        rng = random.Random(k)
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for _ in counter:
                if time.perf_counter() > deadline:
                    return
                q, limit = pick_query(rng, mode)
                path = "/api/articles?" + urlencode({"q": q, "limit": limit})
                t0 = time.perf_counter()
                try:
                    status, body = await _get_raw(reader, writer, host, path)
                    if status != 200 or b'"articles":[]' in body:
                        errors.append(f"{status} for {q!r}")
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    errors.append(repr(exc))
                    return
                latencies.append(time.perf_counter() - t0)
        finally:
            writer.close()

    async def run_httpx() -> None:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
            async def worker(k: int) -> None:
                rng = random.Random(k)
                for _ in counter:
                    if time.perf_counter() > deadline:
                        return
                    q, limit = pick_query(rng, mode)
                    t0 = time.perf_counter()
                    try:
                        r = await http.get("/api/articles", params={"q": q, "limit": limit})
                        if r.status_code != 200 or not r.json()["articles"]:
                            errors.append(f"{r.status_code} for {q!r}")
                    except httpx.HTTPError as exc:
                        errors.append(repr(exc))
                    latencies.append(time.perf_counter() - t0)

            await asyncio.gather(*(worker(k) for k in range(clients)))

    started = time.perf_counter()
    if client == "raw":
        await asyncio.gather(*(worker_raw(k) for k in range(clients)))
    else:
        await run_httpx()
    elapsed = time.perf_counter() - started
    qs = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"mode": mode, "client": client, "requests": len(latencies), "clients": clients,
            "errors": len(errors), "error_examples": errors[:3],
            "seconds": round(elapsed, 2), "requests_per_s": round(len(latencies) / elapsed, 1),
            "p50_ms": round(qs[49] * 1000, 1), "p95_ms": round(qs[94] * 1000, 1), "p99_ms": round(qs[98] * 1000, 1),
            "max_ms": round(max(latencies) * 1000, 1)}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cli_search(db: Path, *, queries_n: int = 30) -> dict:
    """One command-line search (``wirewatch articles QUERY``) at a time: a fresh read-only
    connection per query, as the command opens, timed around ``queries.search_articles``."""
    from wirewatch.store import queries

    rng = random.Random(5)
    wall, cpu = [], []
    for _ in range(queries_n):
        q, _limit = pick_query(rng, "distinct")
        with Store(db, read_only=True) as st:
            t0, c0 = time.perf_counter(), time.process_time()
            queries.search_articles(st.con, q, limit=20)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    return {"mode": "cli", "queries": queries_n, "p50_ms": round(statistics.median(wall) * 1000, 1),
            "max_ms": round(max(wall) * 1000, 1), "cpu_ms_median": round(statistics.median(cpu) * 1000, 1),
            "loadavg_1min": round(os.getloadavg()[0], 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--max-seconds", type=float, default=120.0)
    ap.add_argument("--modes", default="single,distinct,repeated",
                    help="single (one client, distinct queries), distinct and/or repeated queries; "
                         "cli (one command-line search at a time, no server)")
    ap.add_argument("--client", choices=("raw", "httpx"), default="raw",
                    help="load generator: raw HTTP/1.1 on asyncio streams (light) or httpx (heavy)")
    ap.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "wirewatch-bench-serve"))
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    db = work / f"bench-{args.articles}.duckdb"
    build_store(db, args.articles)
    modes = args.modes.split(",")
    if "cli" in modes:
        print(json.dumps({**cli_search(db), "articles": args.articles}), flush=True)
        modes.remove("cli")
    if not modes:
        return
    port = free_port()
    server = start_server(db, port)
    try:
        base = f"http://127.0.0.1:{port}"
        asyncio.run(load(base, clients=args.clients, requests=100, max_seconds=30, mode="distinct"))  # warm up
        for mode in modes:
            single = mode == "single"
            cpu0, own0 = cpu_seconds(server.pid), time.process_time()
            result = asyncio.run(load(base, clients=1 if single else args.clients,
                                      requests=min(args.requests, 300) if single else args.requests,
                                      max_seconds=args.max_seconds, mode="distinct" if single else mode,
                                      client=args.client))
            cpu, own = cpu_seconds(server.pid) - cpu0, time.process_time() - own0
            result.update(mode=mode, articles=args.articles, endpoint="/api/articles?q=", cpus=os.cpu_count(),
                          server_cpu_ms_per_request=round(1000 * cpu / max(1, result["requests"]), 2),
                          client_cpu_ms_per_request=round(1000 * own / max(1, result["requests"]), 2),
                          loadavg_1min=round(os.getloadavg()[0], 1))
            print(json.dumps(result), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
