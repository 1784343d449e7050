"""Throughput of full extraction against the bare spaCy pipeline on the same texts, in one run.

    python3 bench/bench_nlp.py [--n 120] [--rounds 3]

Texts: the Guardian Syria sample of the shared corpora (real news, ~940 words each), or the
generated corpus when the shared data is absent.  Both measurements run in one process on one
core, alternating, after a warm-up; the figure is the ratio of medians (target >= 0.80).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval"))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def texts(n: int) -> tuple[list[str], str]:
    from _shared import DATA

    path = DATA / "corpora" / "guardian-syria" / "Guardian_SDF_sample.csv"
    if path.exists():
        csv.field_size_limit(1 << 30)
        with path.open(encoding="utf-8") as fh:
            rows = [r["text"] for r in csv.DictReader(fh) if r.get("text")]
        return rows[:n], "guardian-syria sample"
    import random

    import _corpus

    rng = random.Random(3)
    return ["\n\n".join(_corpus.story(rng, i)["paras"]) for i in range(n)], "generated corpus"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=120)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    from wirewatch.nlp.runtime import PIPE_BATCH, annotate, load_model
    from wirewatch.records import Article

    nlp = load_model()
    docs, label = texts(args.n)
    words = sum(len(t.split()) for t in docs)

    def bare() -> float:
        t0 = time.perf_counter()
        for _ in nlp.pipe(docs, batch_size=PIPE_BATCH):
            pass
        return time.perf_counter() - t0

    def full() -> float:
        arts = [Article(source=f"doc{i}", text=t, published="2019-06-01") for i, t in enumerate(docs)]
        t0 = time.perf_counter()
        for _ in annotate(arts, batch_size=PIPE_BATCH):
            pass
        return time.perf_counter() - t0

    full()  # warm-up: gazetteer, matchers and lexicons load once per process
    b, f = [], []
    for _ in range(args.rounds):
        b.append(bare())
        f.append(full())
    wb, wf = words / statistics.median(b), words / statistics.median(f)
    print(f"{len(docs)} texts ({label}), {words} words, one core, median of {args.rounds} rounds:")
    print(f"  bare spaCy ({nlp.meta['name']} {nlp.meta['version']}): {wb:8.0f} words/s")
    print(f"  full wirewatch extraction      : {wf:8.0f} words/s")
    print(f"  ratio full/bare                : {wf / wb:8.2f}  (target >= 0.80)")


if __name__ == "__main__":
    main()
