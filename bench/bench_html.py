"""Speed of the clean stage.

``python3 bench/bench_html.py [--rounds 5]``: the HTML path (body + metadata + post-cleaning)
against trafilatura's default ``extract``, trafilatura doing the same body extraction (raw), and
trafilatura's own body + metadata, on the fundus-eval pages (CPU seconds, median of interleaved
rounds; skips when the data is absent).  The target: at most 1.2x the default ``extract``.

``python3 bench/bench_html.py --text [--n 2000]``: the text-dump cleaner alone on the seed (or
the project's own text fixtures when the seed is absent), in ms per article and articles/s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

from _shared import DATA, SEED, require  # noqa: E402
from extraction import ANCHOR, EXTRACTORS, load_pages, ratios, run_all  # noqa: E402

from wirewatch.clean import clean_document  # noqa: E402
from wirewatch.records import Document  # noqa: E402


def bench_html(rounds: int) -> None:
    pages, _ = load_pages(require(DATA / "extraction" / "fundus-eval"))
    results = run_all(pages, EXTRACTORS, rounds)
    print(f"fundus-eval, {len(pages)} pages, CPU seconds, median of {rounds} interleaved rounds")
    for label, (_, seconds) in results.items():
        print(f"{label:34} {seconds:6.2f} cpu s  {1000 * seconds / len(pages):6.1f} ms/page")
    print(ratios({label: seconds for label, (_, seconds) in results.items()}))
    print(f"quality anchor (eval/extraction.py measures F1): {ANCHOR}")


def bench_text(n: int) -> None:
    paths = [SEED] if SEED.exists() else sorted((ROOT / "tests" / "fixtures" / "clean").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    timings = []
    for _ in range(5):
        start = time.process_time()
        for i in range(n):
            clean_document(Document(source=f"doc-{i}", content=texts[i % len(texts)], format="text"))
        timings.append((time.process_time() - start) / n)
    per = statistics.median(timings)
    print(f"text-dump clean ({', '.join(p.name for p in paths)}): {1000 * per:.3f} ms/article "
          f"(CPU, median of 5 x {n}); {1 / per:,.0f} articles/s on one core")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--text", action="store_true", help="time the text-dump cleaner instead")
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args(argv)
    if args.text:
        bench_text(args.n)
    else:
        bench_html(args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
