"""CASE 2021 task 2 (event type of a news snippet, 30 types): wirewatch's rules vs. the published best.

Two runs over ``DATA/events/case2021-task2-dev.tsv``:

- ``snippet``: :func:`wirewatch.nlp.event_types.classify_event_type` on the whole snippet (cue
  lexicons + combination rules, no parse);
- ``pipeline``: end to end, spaCy + :func:`wirewatch.nlp.events.extract_events` on the snippet as an
  article, the type of its best event (what ``wirewatch extract`` would produce).

Prints weighted and macro F1 over the 30 types, the share of snippets without any type, a
per-type table, and the anchor (best published system, fine-tuned RoBERTa: weighted F1 0.771).

    python3 eval/events.py [--mode snippet|pipeline|both] [--errors]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import DATA, require  # noqa: E402

from wirewatch.nlp.event_types import CASE_TYPES, classify_event_type  # noqa: E402

ANCHOR_WEIGHTED_F1 = 0.771  # best CASE 2021 task 2 system (all 30 types)


def load(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r["EventSnippet"], r["SubType"].strip()) for r in rows if r.get("SubType")]


def f1_table(gold: list[str], pred: list[str | None]) -> tuple[float, float, dict[str, tuple[float, float, float, int]]]:
    """Weighted and macro F1 over the 30 types (a missing prediction counts as wrong)."""
    per: dict[str, tuple[float, float, float, int]] = {}
    support = Counter(gold)
    for t in CASE_TYPES:
        tp = sum(1 for g, p in zip(gold, pred) if g == t and p == t)
        fp = sum(1 for g, p in zip(gold, pred) if g != t and p == t)
        fn = sum(1 for g, p in zip(gold, pred) if g == t and p != t)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[t] = (prec, rec, f1, support[t])
    n = len(gold)
    weighted = sum(per[t][2] * per[t][3] for t in CASE_TYPES) / n if n else 0.0
    present = [t for t in CASE_TYPES if support[t]]
    macro = sum(per[t][2] for t in present) / len(present) if present else 0.0
    return weighted, macro, per


def run_snippet(rows: list[tuple[str, str]]) -> list[str | None]:
    return [classify_event_type(text) for text, _ in rows]


def run_pipeline(rows: list[tuple[str, str]]) -> list[str | None]:
    from wirewatch.nlp.events import best_event, extract_events
    from wirewatch.nlp.runtime import load_model
    from wirewatch.records import Article

    nlp = load_model()
    out: list[str | None] = []
    for (text, _), doc in zip(rows, nlp.pipe((t for t, _ in rows), batch_size=32)):
        art = Article(source="case2021", text=text)
        ev = best_event(extract_events(doc, art))
        out.append(ev.type if ev else None)
    return out


def report(name: str, rows: list[tuple[str, str]], pred: list[str | None], seconds: float, *, errors: bool) -> None:
    gold = [g for _, g in rows]
    weighted, macro, per = f1_table(gold, pred)
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    none = sum(p is None for p in pred) / len(pred)
    print(f"\n== {name}: {len(rows)} snippets, {seconds:.2f}s")
    print(f"weighted F1 {weighted:.3f}   macro F1 {macro:.3f}   accuracy {acc:.3f}   no type {none:.1%}   "
          f"(anchor: best published weighted F1 {ANCHOR_WEIGHTED_F1})")
    print(f"{'type':32} {'P':>5} {'R':>5} {'F1':>5} {'n':>4}")
    for t in CASE_TYPES:
        p, r, f, n = per[t]
        print(f"{t:32} {p:5.2f} {r:5.2f} {f:5.2f} {n:4d}")
    if errors:
        for (text, g), p in zip(rows, pred):
            if g != p:
                print(f"  gold {g:30} got {str(p):30} {text[:100]!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=("snippet", "pipeline", "both"), default="both")
    ap.add_argument("--errors", action="store_true", help="list misclassified snippets")
    args = ap.parse_args(argv)
    rows = load(require(DATA / "events" / "case2021-task2-dev.tsv"))
    if args.mode in ("snippet", "both"):
        t0 = time.perf_counter()
        pred = run_snippet(rows)
        report("snippet classifier (classify_event_type)", rows, pred, time.perf_counter() - t0, errors=args.errors)
    if args.mode in ("pipeline", "both"):
        t0 = time.perf_counter()
        pred = run_pipeline(rows)
        report("pipeline (spaCy + extract_events, best event)", rows, pred, time.perf_counter() - t0,
               errors=args.errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
