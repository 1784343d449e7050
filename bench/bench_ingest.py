"""Speed and memory of the text-dump path: sources -> clean -> dedup -> store (no NLP), on one core.

    python3 bench/bench_ingest.py                 # throughput on 2,000 generated articles, 3 rounds
    python3 bench/bench_ingest.py --memory        # peak RSS at 1k, 5k and 10k articles (one process each)

Baseline in the same run: trafilatura's own extraction of the same dumps (each wrapped in <p>),
which is what a user without wirewatch's text cleaner would run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _corpus  # noqa: E402


def one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def ingest_once(folder: Path, db: Path) -> dict:
    from wirewatch.ingest import ingest
    from wirewatch.store import Store

    t0, c0 = time.perf_counter(), time.process_time()
    with Store(db) as store:
        s = ingest([str(folder)], store=store, nlp=False, batch_size=256)
    return {"seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0, **s.to_dict()}


def trafilatura_once(paths: list[Path]) -> float:
    import html

    import trafilatura

    t0, c0 = time.perf_counter(), time.process_time()
    for p in paths:
        text = p.read_text(encoding="utf-8")
        page = "<html><body>" + "".join(f"<p>{html.escape(x)}</p>" for x in text.split("\n\n")) + "</body></html>"
        trafilatura.extract(page, fast=True)
    return time.perf_counter() - t0, time.process_time() - c0


def throughput(n: int, rounds: int) -> None:
    one_core()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        paths = _corpus.write_corpus(folder, n)
        ours, ours_cpu, base, base_cpu = [], [], [], []
        for r in range(rounds):
            res = ingest_once(folder, Path(tmp) / f"r{r}.duckdb")
            ours.append(n / res["seconds"])
            ours_cpu.append(n / res["cpu_seconds"])
            wall, cpu = trafilatura_once(paths)
            base.append(n / wall)
            base_cpu.append(n / cpu)
        check = res["seen"] == res["stored"] + res["duplicates"] + res["rejected"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"text-dump path, {n} generated articles, one core, {rounds} rounds (median; load average {load:.1f}):")
    print("                                  wall articles/s   CPU articles/s")
    print(f"  wirewatch clean+dedup+store : {statistics.median(ours):12.0f} {statistics.median(ours_cpu):16.0f}"
          "   (target >= 500)")
    print(f"  trafilatura.extract alone   : {statistics.median(base):12.0f} {statistics.median(base_cpu):16.0f}"
          "   (baseline: extraction only, no dedup/store)")
    print(f"  last run: {json.dumps(res)}  seen==stored+duplicates+rejected: {check}")


def memory_child(n: int) -> None:
    one_core()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        _corpus.write_corpus(folder, n)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        res = ingest_once(folder, Path(tmp) / "m.duckdb")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"n": n, "peak_rss_mb": round(peak / 1024, 1), "rss_before_mb": round(before / 1024, 1),
                      "articles_per_s": round(n / res["seconds"])}))


def memory(sizes: list[int]) -> None:
    print("peak RSS of one ingest process (no NLP) as the corpus grows:")
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--memory-child", str(n)], capture_output=True, text=True,
                             check=True).stdout.strip().splitlines()[-1]
        d = json.loads(out)
        print(f"  {d['n']:6d} articles: peak RSS {d['peak_rss_mb']:7.1f} MB  ({d['articles_per_s']} articles/s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--memory", action="store_true")
    ap.add_argument("--memory-child", type=int)
    args = ap.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
    elif args.memory:
        memory([1000, 5000, 10000])
    else:
        throughput(args.n, args.rounds)


if __name__ == "__main__":
    main()
