"""Coverage clusters on ECB+: B-cubed P/R/F1 of ``coverage_id`` beside a TF-IDF baseline, same run.

Data: ``../shared/data/clustering/<set>/`` holds plain-text news reports ``<topic>_<n>ecb[plus].txt``
and ``gold.json`` (file -> real-world event; each topic has two look-alike events).

Split (deterministic, by topic): a topic is in the *tuning* half when the SHA-1 of its number is
even, else in the *checking* half.  The method's parameters (``wirewatch.coverage.Params``) and the
baseline's threshold were tuned on the tuning half of the dev set; figures are reported on the
checking half.  On another set (``--data``: topics we never saw) every topic is reported, with the
baseline's threshold still tuned on the dev set's tuning half.

Method: every file goes through the real pipeline (clean + NLP, once; ``--cache FILE`` keeps the
annotated records for reruns), then each seed shuffles the
files and writes them in ``--batches`` batches into a fresh store through ``Store.write_batch`` (the
path ``wirewatch ingest`` takes), and ``coverage_id`` is read back from the store.  A file the
pipeline rejects is its own cluster.  Baseline: TF-IDF over the raw text (scikit-learn's default
tokens, smooth IDF, L2) and complete-link agglomerative clustering on cosine distance.

    nice -n 10 python3 eval/coverage.py [--data DIR] [--seeds 1,2,3] [--batches 4] [--json]

``--cost RECORDS [--sizes 0,2000,8000,20000]`` instead measures the CPU time of the coverage step per
article of a 50-article update as the store grows (clustering on throughout).

``--guardian`` instead shows, on the Guardian Syria sample (``corpora/guardian-syria``), the Douma
chemical attack (7 April 2018) and the Afrin offensive (January 2018) before (distinct event rows)
and after (happening entries of the situation report's timeline).  ``--cache FILE`` keeps the
annotated records (JSON Lines, outside the repository) so a rerun skips the NLP.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from eval._shared import DATA, require  # noqa: E402

DEV = DATA / "clustering" / "ecbplus-dev"
THRESHOLDS = [round(0.50 + 0.02 * i, 2) for i in range(25)]  # cosine distance cut of the baseline
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def tuning_half(name: str) -> bool:
    topic = name.split("_", 1)[0]
    return int(hashlib.sha1(topic.encode()).hexdigest(), 16) % 2 == 0


def load(folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    texts = {n: (folder / f"{n}.txt").read_text(encoding="utf-8", errors="replace") for n in gold}
    return gold, texts


def bcubed(pred: dict[str, str], gold: dict[str, str], names: list[str]) -> tuple[float, float, float]:
    pc, gc = defaultdict(set), defaultdict(set)
    for n in names:
        pc[pred[n]].add(n)
        gc[gold[n]].add(n)
    p = sum(len(pc[pred[n]] & gc[gold[n]]) / len(pc[pred[n]]) for n in names) / len(names)
    r = sum(len(pc[pred[n]] & gc[gold[n]]) / len(gc[gold[n]]) for n in names) / len(names)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def tfidf_complete_link(texts: list[str], thresholds: list[float]) -> list[list[int]]:
    """Cluster labels of the baseline at each threshold."""
    from scipy.cluster.hierarchy import fcluster, linkage

    docs = [_TOKEN.findall(t.lower()) for t in texts]
    df = Counter(w for d in docs for w in set(d))
    vocab = {w: i for i, w in enumerate(sorted(df))}
    n = len(docs)
    x = np.zeros((n, len(vocab)))
    for i, d in enumerate(docs):
        for w, c in Counter(d).items():
            x[i, vocab[w]] = c * (math.log((1 + n) / (1 + df[w])) + 1)
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    z = linkage(x, "complete", metric="cosine")
    return [list(fcluster(z, t, criterion="distance")) for t in thresholds]


def baseline(names: list[str], texts: dict[str, str], gold: dict[str, str], threshold: float) -> tuple:
    [labels] = tfidf_complete_link([texts[n] for n in names], [threshold])
    return bcubed({n: str(lab) for n, lab in zip(names, labels)}, gold, names)


def tune_baseline(names: list[str], texts: dict[str, str], gold: dict[str, str]) -> tuple[float, float]:
    runs = tfidf_complete_link([texts[n] for n in names], THRESHOLDS)
    scored = [(bcubed({n: str(lab) for n, lab in zip(names, labels)}, gold, names)[2], t)
              for labels, t in zip(runs, THRESHOLDS)]
    f1, t = max(scored, key=lambda s: (s[0], -s[1]))
    return t, f1


def annotate(folder: Path, names: list[str], cache: Path | None = None) -> dict[str, dict]:
    """Clean + NLP every file once (the pipeline of `wirewatch ingest`): name -> record or reject.
    ``cache``: JSON Lines of annotated records (outside the repository) reused when it has them all."""
    if cache and cache.exists():
        cached = {Path(r["source"]).stem: r for r in map(json.loads, cache.read_text(encoding="utf-8").splitlines())}
        if all(n in cached for n in names):
            return {n: ({"rejected": cached[n]["rejected"]} if "rejected" in cached[n] else cached[n]) for n in names}
    out = _annotate(folder, names)
    if cache:
        cache.write_text("".join(json.dumps({**r, "source": r.get("source") or str(folder / f"{n}.txt")},
                                            ensure_ascii=False) + "\n" for n, r in out.items()), encoding="utf-8")
    return out


def _annotate(folder: Path, names: list[str]) -> dict[str, dict]:
    from wirewatch.pipeline import annotate_all, clean_one
    from wirewatch.records import Rejected
    from wirewatch.sources import iter_documents

    out: dict[str, dict] = {}
    arts = []
    for doc in iter_documents([str(folder / f"{n}.txt") for n in names]):
        rec = doc if isinstance(doc, Rejected) else clean_one(doc)
        name = Path(rec.source).stem
        if isinstance(rec, Rejected):
            out[name] = {"rejected": rec.code}
        else:
            arts.append((name, rec))
    annotate_all([a for _, a in arts])
    for name, a in arts:
        out[name] = a.to_dict()
    return out


def run_store(records: dict[str, dict], names: list[str], *, seed: int,
              batches: int) -> tuple[dict[str, str], float]:
    """Write the files in ``batches`` shuffled batches into a fresh store; name -> coverage_id."""
    from wirewatch.dedup import Deduper
    from wirewatch.records import Article
    from wirewatch.store import Batch, Store

    order = list(names)
    random.Random(seed).shuffle(order)
    size = -(-len(order) // batches)
    pred: dict[str, str] = {}
    seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "eval.duckdb") as store:
        dd = Deduper()
        for b in range(batches):
            chunk = order[b * size:(b + 1) * size]
            items = []
            for n in chunk:
                if "rejected" in records[n]:
                    pred[n] = "rejected:" + n
                    continue
                a = Article.from_dict(records[n])
                v = dd.judge(a)
                if not v.duplicate:
                    items.append((a, v))
            t = time.perf_counter()
            store.write_batch(Batch(articles=items))
            seconds += time.perf_counter() - t
        by_source = dict(store.con.execute("SELECT source, coverage_id FROM articles").fetchall())
    for n in names:
        if n not in pred:
            src = records[n]["source"]
            pred[n] = by_source.get(src, "missing:" + n)  # an exact duplicate body: its own cluster
    return pred, seconds


def guardian_records(cache: Path | None) -> list[dict]:
    """The Guardian sample through clean + NLP (or the cached records)."""
    import csv

    from wirewatch.pipeline import process
    from wirewatch.records import Document, Rejected

    if cache and cache.exists():
        return [json.loads(line) for line in cache.read_text(encoding="utf-8").splitlines()]
    csv.field_size_limit(sys.maxsize)
    path = require(DATA / "corpora" / "guardian-syria" / "Guardian_SDF_sample.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        docs = [Document(source=f"guardian/{row['']}", content=row["text"], format="text", published=row["date"])
                for row in csv.DictReader(fh)]
    out = [r.to_dict() for r in process(docs) if not isinstance(r, Rejected)]
    if cache:
        cache.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    return out


HAPPENINGS = {  # what to show: (name, event types, words the place or sentence names, months)
    "Douma chemical attack": ({"CHEM_WEAP"}, ("douma",), ("2018-04",)),
    "Afrin offensive": (None, ("afrin",), ("2018-01", "2018-02")),
}


def show_guardian(cache: Path | None) -> int:
    from wirewatch.dedup import Deduper
    from wirewatch.records import Article
    from wirewatch.report.build import build_report
    from wirewatch.store import Batch, Store

    arts = sorted((Article.from_dict(r) for r in guardian_records(cache)), key=lambda a: (a.published or "", a.id))
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "g.duckdb") as store:
        dd = Deduper()
        for i in range(0, len(arts), 32):
            store.write_batch(Batch(articles=[(a, dd.judge(a)) for a in arts[i:i + 32]]))
        rows = store.con.execute("""
            SELECT e.event_key, e.type, e.date, e.date_basis, e.place, e.text, count(DISTINCT r.article_id)
            FROM events e JOIN event_reports r USING (event_key) JOIN articles a ON a.id = r.article_id
            GROUP BY ALL ORDER BY e.date, e.event_key""").fetchall()
        rep = build_report(store.con, "Syria")
        items = [it for it in rep.timeline + rep.background if it["kind"] == "event"]
        for name, (types, words, months) in HAPPENINGS.items():
            def hit(typ, date, place, text, types=types, words=words, months=months):
                return ((types is None or typ in types) and any(m in (date or "") for m in months)
                        and any(w in f"{place or ''} {text or ''}".lower() for w in words))
            before = [r for r in rows if hit(r[1], r[2], r[4], r[5])]
            after = [it for it in items if hit(it["type"], it["date"], it["place"], it["text"])
                     or (types is None or it["type"] in types)
                     and any(w in (p["place"] or "").lower() for p in it.get("places", []) for w in words)
                     and any(m in (it["date"] or "") for m in months)]
            print(f"\n## {name}\nbefore: {len(before)} event rows")
            for r in before:
                print(f"  {r[2]} ({r[3]}) {r[1]} at {r[4]}: {r[6]} report(s) | {r[5][:90]}")
            listed = {k for it in after for k in it.get("event_keys") or [it.get("event_key")]}
            covered = sum(1 for r in before if r[0] in listed)
            print(f"after: {len(after)} timeline entries (holding {covered} of the {len(before)} event rows above)")
            for it in after:
                print(f"  {it['date']} ({it['date_basis']}) {it['type']} at {it['place']}: {it['stories']} stories, "
                      f"{it['reports']} reports, {it.get('outlets')} outlets, {it.get('merged_events')} event rows; "
                      f"also dated {', '.join(it.get('conflicting_dates') or []) or '-'}")
    return 0


def measure_cost(records_file: Path, sizes: list[int], *, update: int = 50, per_day: int = 100) -> int:
    """CPU time of the coverage step (``store.coverage.assign``, clusters and happenings) for one
    ``update`` of new articles as the store grows to each of ``sizes`` (clustering on throughout).
    Articles are the annotated records of ``records_file`` (e.g. this script's ``--cache``) reissued
    with new ids, ``per_day`` published a day, so a week of a large store holds what a week of a
    monitor would; each is its own story (no dedup shortcut).  Prints one line per size."""
    from datetime import date, timedelta

    from wirewatch.dedup import Verdict
    from wirewatch.records import Article
    from wirewatch.store import Batch, Store
    from wirewatch.store import coverage as sc
    from wirewatch.store import db

    base = [r for r in map(json.loads, records_file.read_text(encoding="utf-8").splitlines()) if "text" in r]
    spent = [0.0]
    real = sc.assign

    def timed(*args, **kwargs):
        t = time.process_time()
        try:
            return real(*args, **kwargs)
        finally:
            spent[0] += time.process_time() - t

    def issue(i: int, day: int) -> tuple[Article, Verdict]:
        a = Article.from_dict(base[i % len(base)])
        a.id = a.story_id = a.coverage_id = f"syn{i:07d}"
        a.source = f"synthetic/{i}"
        a.published = (date(2030, 1, 1) + timedelta(days=day)).isoformat()
        return a, Verdict(story_id=a.id, duplicate=False, new_story=True, hash=a.id,
                          signature=np.zeros(1, dtype=np.uint32), n_shingles=0)

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "warm.duckdb") as store:  # one-time loads
        store.write_batch(Batch(articles=[issue(-1 - j, 0) for j in range(5)]))
    db.coverage.assign = timed
    try:
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "cost.duckdb") as store:
            n = 0
            for size in sorted(sizes):
                while n < size:
                    k = min(500, size - n)
                    store.write_batch(Batch(articles=[issue(n + j, (n + j) // per_day) for j in range(k)]))
                    n += k
                spent[0] = 0.0
                items = [issue(n + j, n // per_day) for j in range(update)]
                store.write_batch(Batch(articles=items))
                n += update
                print(f"store of {size:>7} articles: coverage step {spent[0] * 1000 / update:.2f} ms CPU an article "
                      f"({update}-article update)", flush=True)
    finally:
        db.coverage.assign = real
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEV, help="folder with *.txt and gold.json")
    ap.add_argument("--seeds", default="1,2,3", help="shuffles (comma-separated seeds)")
    ap.add_argument("--batches", type=int, default=4)
    ap.add_argument("--half", choices=("checking", "tuning", "all"), default=None,
                    help="which topics to report (default: checking on the dev set, all on another set)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--guardian", action="store_true", help="show Douma and Afrin before/after instead")
    ap.add_argument("--cache", type=Path, default=None,
                    help="annotated records (JSON Lines, outside the repository): reused by a rerun, skipping the NLP")
    ap.add_argument("--cost", type=Path, default=None, metavar="RECORDS",
                    help="instead: CPU of the coverage step per article of an update as the store grows, on these "
                         "annotated records (JSON Lines, e.g. a --cache file)")
    ap.add_argument("--sizes", default="0,2000,8000,20000", help="store sizes for --cost")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.cost:
        return measure_cost(require(args.cost), [int(x) for x in args.sizes.split(",") if x.strip()])
    if args.guardian:
        return show_guardian(args.cache)
    require(DEV)
    data = require(args.data)
    dev_gold, dev_texts = load(DEV)
    tune_names = sorted(n for n in dev_gold if tuning_half(n))
    threshold, tune_f1 = tune_baseline(tune_names, dev_texts, dev_gold)
    gold, texts = load(data)
    is_dev = data.resolve() == DEV.resolve()
    half = args.half or ("checking" if is_dev else "all")
    names = sorted(n for n in gold if half == "all" or tuning_half(n) == (half == "tuning"))
    t0 = time.perf_counter()
    records = annotate(data, names, args.cache)
    nlp_s = time.perf_counter() - t0
    base = baseline(names, texts, gold, threshold)
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    ours, write_s = [], []
    for seed in seeds:
        pred, secs = run_store(records, names, seed=seed, batches=args.batches)
        ours.append(bcubed(pred, gold, names))
        write_s.append(secs)
    mean = [statistics.mean(x[i] for x in ours) for i in range(3)]
    result = {
        "data": str(data), "half": half, "files": len(names), "events": len({gold[n] for n in names}),
        "topics": len({n.split("_")[0] for n in names}),
        "rejected": sum(1 for n in names if "rejected" in records[n]),
        "batches": args.batches, "seeds": seeds,
        "coverage_id": {"precision": mean[0], "recall": mean[1], "f1": mean[2],
                        "f1_min": min(x[2] for x in ours), "f1_max": max(x[2] for x in ours),
                        "per_seed": [{"seed": s, "p": x[0], "r": x[1], "f1": x[2]} for s, x in zip(seeds, ours)]},
        "baseline_tfidf_complete_link": {"threshold": threshold, "tuned_f1_on_dev_tuning_half": tune_f1,
                                         "precision": base[0], "recall": base[1], "f1": base[2]},
        "seconds": {"nlp": round(nlp_s, 1), "write_batches_mean": round(statistics.mean(write_s), 2)},
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        c, b = result["coverage_id"], result["baseline_tfidf_complete_link"]
        print(f"{data.name} ({half} half: {result['files']} files, {result['events']} events, "
              f"{result['topics']} topics; {result['rejected']} rejected), {args.batches} shuffled batches, "
              f"seeds {args.seeds}")
        print(f"  coverage_id        B3 P {c['precision']:.3f}  R {c['recall']:.3f}  F1 {c['f1']:.3f} "
              f"(seeds {c['f1_min']:.3f}-{c['f1_max']:.3f})")
        print(f"  TF-IDF complete-link (t={b['threshold']}, tuned on dev tuning half: F1 "
              f"{b['tuned_f1_on_dev_tuning_half']:.3f})  B3 P {b['precision']:.3f}  R {b['recall']:.3f}  "
              f"F1 {b['f1']:.3f}")
        print(f"  NLP {result['seconds']['nlp']} s; store writes {result['seconds']['write_batches_mean']} s a run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
