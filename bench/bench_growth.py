"""Cost of one update as the store grows: 50 new articles (`ingest --no-nlp`, JSON Lines) into a store
that already holds N articles, for several N.  Time and peak RSS of that one `wirewatch ingest`
process, then whether `wirewatch articles QUERY` finds the 50 right after.

    python3 bench/bench_growth.py                          # N = 0, 1k, 10k, 20k, 100k (stores cached)
    python3 bench/bench_growth.py --sizes 0,1000 --rounds 1
    python3 bench/bench_growth.py --src /tmp/old/src --label before   # another checkout's code

Articles are synthetic but realistic: each body is a window of sentences of one real article of
the shared corpora (`../shared/data/corpora`: Guardian, BBC, Times of India), with sentences of
other articles spliced in, a new headline, outlet, URL and date; so stores of any size can be built
offline, with near-duplicate stories among them as in real news.  Nothing from the corpora is
written outside the temporary working folder.  Skips (exit 0) where the shared data is absent.

Base stores are built once per (code, N) with that code's own `ingest` (large batches, no NLP, the
coverage clustering of issue 12 on unless ``--build-coverage off``) and cached in ``--workdir``
(``--cache NAME``); the measured code opens the base store once first (its migrations are not an
update's cost); every measured update runs on a fresh copy of the base store, in its own process
(CPU time and peak RSS from ``wait4``), ``--rounds`` times (medians).  Dates are spread over seven
years, so the weeks an update probes hold more stored articles the larger the store.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("WIREWATCH_SHARED", ROOT.parent / "shared"))
CORPORA = SHARED / "data" / "corpora"
PROBE_QUERY = "government police killed"  # a search whose words many stored articles hold
MARKER = "quillfeatherly"  # an invented word only the update articles carry (the search check)
OUTLETS = ["harbour-post", "daily-ledger", "the-courier", "wire-digest", "evening-star", "metro-times",
           "river-gazette", "north-herald", "capital-news", "coast-observer"]
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"'])")


def load_texts() -> list[str]:
    csv.field_size_limit(1 << 30)
    texts: list[str] = []
    with (CORPORA / "guardian-syria" / "Guardian_SDF_sample.csv").open(encoding="utf-8") as fh:
        texts += [r["text"] for r in csv.DictReader(fh)]
    for name in ("dev.tsv", "test.tsv"):
        with (CORPORA / "bbc-masakhane" / name).open(encoding="utf-8") as fh:
            texts += [r["text"] for r in csv.DictReader(fh, delimiter="\t")]
    with (CORPORA / "india-police-events" / "metadata.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            t = json.loads(line).get("full_text") or ""
            texts.append(t[0].upper() + t[1:] if t else t)
    return [t for t in texts if len(t) > 400]


def sentences_of(texts: list[str]) -> list[list[str]]:
    out = []
    for t in texts:
        sents = [s.strip() for s in _SENT.split(" ".join(t.split())) if len(s.strip()) > 30]
        if len(sents) >= 4:
            out.append(sents)
    return out


def make_article(rng: random.Random, docs: list[list[str]], i: int, *, tag: str, marker: bool = False) -> dict:
    base = rng.choice(docs)
    size = rng.randint(4, 12)
    start = rng.randint(0, max(0, len(base) - size))
    sents = list(base[start:start + size])
    for _ in range(rng.randint(2, 4)):  # other articles' sentences spliced in: every body differs
        other = rng.choice(docs)
        sents.insert(rng.randint(0, len(sents)), rng.choice(other))
    if marker:
        sents.insert(1, f"The {MARKER} inquiry, case {i}, was reported by correspondents on the ground.")
    paras = [" ".join(sents[k:k + 3]) for k in range(0, len(sents), 3)]
    words = sents[0].split()[:9]
    outlet = rng.choice(OUTLETS)
    day = f"20{rng.randint(19, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return {"url": f"https://{outlet}.example/{tag}/{i}", "title": " ".join(words).rstrip(",.;:"),
            "published": day, "text": "\n\n".join(paras)}


def write_jsonl(folder: Path, articles: list[dict], *, per_file: int = 1000) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(0, len(articles), per_file):
        with (folder / f"part-{k // per_file:05d}.jsonl").open("w", encoding="utf-8") as fh:
            for a in articles[k:k + per_file]:
                fh.write(json.dumps(a, ensure_ascii=False) + "\n")


def code_key(src: Path) -> str:
    h = hashlib.sha1()
    for p in sorted(src.rglob("*")):
        if p.suffix in (".py", ".sql") and "__pycache__" not in p.parts:
            h.update(p.relative_to(src).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:10]


def run(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """Wall seconds, 0.0 (no RSS) and stdout of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=env, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])}... failed ({proc.returncode}): {proc.stderr.strip()[-800:]}")
    return time.perf_counter() - t0, 0.0, proc.stdout


def run_measured(cmd: list[str], env: dict) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system), peak RSS (MB) and stdout of one child process
    (``wait4``: its own figures, not mixed with other children's).  CPU time is the steadier figure
    on a shared machine, where wall time also counts waiting for a core."""
    out_path = Path(env["WIREWATCH_BENCH_TMP"]) / f"child-{os.getpid()}.out"  # runs may share a cache folder
    err_path = Path(env["WIREWATCH_BENCH_TMP"]) / f"child-{os.getpid()}.err"
    with out_path.open("w") as out, err_path.open("w") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])}... failed ({proc.returncode}): {err_path.read_text()[-800:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out_path.read_text()


CLI = "import sys; from wirewatch.cli import main; sys.argv[0] = 'wirewatch'; main()"
BUILD = """
import sys, time
from wirewatch.ingest import ingest
from wirewatch.store import Store
if sys.argv[3] == "off":  # --build-coverage off: no coverage clusters (issue 12) in the base store
    try:
        from wirewatch.store import coverage
        coverage.assign = lambda *args, **kwargs: None
    except ImportError:
        pass
t0 = time.perf_counter()
with Store(sys.argv[1]) as store:
    s = ingest([sys.argv[2]], store=store, nlp=False, batch_size=2000)
print(s.stored, round(time.perf_counter() - t0, 1))
"""


def base_store(n: int, *, docs, src: Path, work: Path, env: dict, coverage: bool = True) -> Path:
    db = work / f"base-{n}{'' if coverage else '-nocov'}.duckdb"
    if db.exists() or n == 0:
        return db
    rng = random.Random(1000 + n)
    folder = work / f"base-{n}-jsonl"
    write_jsonl(folder, [make_article(rng, docs, i, tag=f"b{n}") for i in range(n)])
    tmp = work / f"building-{n}.duckdb"
    for p in (tmp, Path(f"{tmp}.wal")):
        p.unlink(missing_ok=True)
    # built without ingest's buffer cap (meant for updates; on a whole build it only makes DuckDB reread blocks)
    wall, cpu, peak, out = run_measured([sys.executable, "-c", BUILD, str(tmp), str(folder),
                                         "on" if coverage else "off"], {**env, "WIREWATCH_INGEST_BUFFER": ""})
    for p in _siblings(tmp):  # renamed, the store file last: another run sees it only when complete
        if p != tmp and p.is_file():
            os.replace(p, db.parent / (db.name + p.name[len(tmp.name):]))
    os.replace(tmp, db)
    _remove_store(tmp)
    shutil.rmtree(folder)
    print(f"  built base store of {n} articles (coverage {'on' if coverage else 'off'}) in {wall:.0f} s wall, "
          f"{cpu:.0f} s CPU, peak RSS {peak:.0f} MB ({out.strip()})", flush=True)
    return db


def _siblings(db: Path) -> list[Path]:
    """The store file and what lives beside it (WAL, any side index named after it)."""
    return sorted(p for p in db.parent.glob(db.name + "*"))


def _copy_store(src: Path, dst: Path) -> None:
    for p in _siblings(src):
        target = dst.parent / (dst.name + p.name[len(src.name):])
        if p.is_dir():
            shutil.copytree(p, target, dirs_exist_ok=True)
        else:
            shutil.copyfile(p, target)


def _remove_store(db: Path) -> None:
    for p in _siblings(db):
        shutil.rmtree(p) if p.is_dir() else p.unlink()


OPEN = "import sys; from wirewatch.store import Store; Store(sys.argv[1]).close()"
PROBES = """
import json, sys, time
import numpy as np
from wirewatch.dedup import band_keys, signature
from wirewatch.records import article_id, content_hash
from wirewatch.store import Store, search
from wirewatch.store.db import _Lookup

docs = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
out = {}
with Store(sys.argv[1], read_only=True) as store:
    look = _Lookup(store)
    ids = [article_id(d["url"], d["text"]) for d in docs]
    hashes = [content_hash(d["text"]) for d in docs]
    keys = np.unique(np.concatenate([band_keys(signature(d["text"])[0]) for d in docs]))
    terms = search.query_terms(store.con, sys.argv[3])
    probes = {"known ids (articles + copies)": lambda: store.known_ids(ids),
              "content hashes": lambda: look.by_hash(hashes),
              "band keys -> candidate signatures": lambda: look.by_keys(keys),
              "next docid": lambda: store.con.execute("SELECT max(docid) FROM search_docs").fetchone(),
              "search: postings of a query": lambda: search.build_index(store.con, terms=list(terms))}
    for name, fn in probes.items():
        fn()  # warm: the file's blocks read once
        times = []
        for _ in range(5):
            c0 = time.process_time()
            fn()
            times.append(time.process_time() - c0)
        out[name] = round(1000 * sorted(times)[2], 2)
print(json.dumps(out))
"""

REFRESH = """
import json, sys, time
from wirewatch.store import Store, search

with Store(sys.argv[1], read_only=True) as store:  # what `serve` holds before the update
    old = search.build_index(store.con)
with Store(sys.argv[2], read_only=True) as store:  # the store after the update
    c0 = time.process_time()
    whole = search.build_index(store.con)
    c1 = time.process_time()
    ext = search.extend_index(store.con, old)
    c2 = time.process_time()
    assert ext is not old and ext.num_docs == whole.num_docs == old.num_docs + 50, (ext.num_docs, whole.num_docs)
print(json.dumps({"read whole": round(1000 * (c1 - c0), 1), "extended": round(1000 * (c2 - c1), 1)}))
"""


def measure(n: int, *, docs, src: Path, work: Path, env: dict, rounds: int, update: Path, coverage: bool) -> dict:
    base = base_store(n, docs=docs, src=src, work=work, env=env, coverage=coverage)
    probes = {}
    if n:  # the measured code opens the base store once (its migrations, if any, are not an update's cost)
        run([sys.executable, "-c", OPEN, str(base)], env)
        try:  # CPU ms (median of 5, warm) of each lookup an update or a search makes, on the base store
            probes = json.loads(run([sys.executable, "-c", PROBES, str(base), str(update), PROBE_QUERY], env)[2])
        except SystemExit:  # code without these lookups (before issue 10)
            probes = {}
    times, cpus, rss, found = [], [], [], []
    refresh: dict = {}
    for r in range(rounds):
        db = work / f"run-{n}-{r}-{os.getpid()}.duckdb"
        _remove_store(db)
        if n:
            _copy_store(base, db)
        wall, cpu, peak, out = run_measured([sys.executable, "-c", CLI, "ingest", str(update), "--no-nlp", "--json",
                                        "--quiet", "--no-alerts", "--db", str(db)], env)
        summary = json.loads(out.strip().splitlines()[-1])
        _, _, hits = run([sys.executable, "-c", CLI, "articles", MARKER, "--json", "--limit", "100", "--db",
                          str(db)], env)
        rows = [json.loads(line) for line in hits.splitlines() if line.strip()]
        if n and r == 0:  # the web app's search index after this update: read whole vs extended (CPU ms)
            try:
                refresh = json.loads(run([sys.executable, "-c", REFRESH, str(base), str(db)], env)[2])
            except SystemExit:  # code without extend_index
                refresh = {}
        times.append(wall)
        cpus.append(cpu)
        rss.append(peak)
        found.append(sum(1 for row in rows if "/u/" in (row.get("url") or "")))
        _remove_store(db)
    return {"n": n, "seconds": statistics.median(times), "cpu_seconds": statistics.median(cpus),
            "peak_rss_mb": statistics.median(rss),
            "stored": summary.get("stored"), "found": min(found), "runs": [round(t, 2) for t in times],
            "cpu_runs": [round(c, 2) for c in cpus], "rss_runs": [round(r) for r in rss], "probes_ms": probes,
            "serve_index_refresh_ms": refresh}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="0,1000,10000,20000,100000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="the wirewatch source tree to measure")
    ap.add_argument("--label", default="this checkout")
    ap.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "wirewatch-growth")
    ap.add_argument("--cache", default="", help="name of the base-store cache folder (default: hash of --src)")
    ap.add_argument("--build-coverage", choices=("on", "off"), default="on",
                    help="coverage clustering (issue 12) while building base stores (on: key tables populated)")
    ap.add_argument("--build-only", action="store_true", help="build the base stores, measure nothing")
    args = ap.parse_args()
    if not CORPORA.is_dir():
        print(f"skipped: no shared corpora at {CORPORA}")
        return
    src = args.src.resolve()
    work = args.workdir / (args.cache or code_key(src))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(src), "WIREWATCH_BENCH_TMP": str(work), "WIREWATCH_CACHE_DIR": ""}
    docs = sentences_of(load_texts())
    update = work / "update.jsonl"
    if not update.exists():  # the same 50 articles every time (several runs may share a cache folder)
        rng = random.Random(99)
        tmp = work / f"update-{os.getpid()}"
        write_jsonl(tmp, [make_article(rng, docs, i, tag="u", marker=True) for i in range(50)])
        os.replace(tmp / "part-00000.jsonl", update)
        shutil.rmtree(tmp)
    sizes = [int(s) for s in args.sizes.split(",")]
    coverage = args.build_coverage == "on"
    if args.build_only:
        for n in sizes:
            base_store(n, docs=docs, src=src, work=work, env=env, coverage=coverage)
        return
    print(f"one update of 50 articles (ingest --no-nlp, JSON Lines) by store size; code: {args.label} ({src}); "
          f"{args.rounds} round(s), median; load average {os.getloadavg()[0]:.1f}", flush=True)
    results = []
    for n in sizes:
        res = measure(n, docs=docs, src=src, work=work, env=env, rounds=args.rounds, update=update,
                      coverage=coverage)
        results.append(res)
        print(f"  {n:7d} stored: {res['seconds']:6.2f} s wall  {res['cpu_seconds']:6.2f} s CPU  "
              f"peak RSS {res['peak_rss_mb']:6.0f} MB  "
              f"stored {res['stored']}, found by `articles {MARKER}`: {res['found']}/50  runs {res['runs']} "
              f"CPU {res['cpu_runs']} RSS {res['rss_runs']}", flush=True)
        if res["serve_index_refresh_ms"]:
            print(f"           serve's search index after the update (CPU ms): {res['serve_index_refresh_ms']}",
                  flush=True)
        if res["probes_ms"]:
            print("           lookups (CPU ms): " + ", ".join(f"{k} {v}" for k, v in res["probes_ms"].items()),
                  flush=True)
    empty = next((r for r in results if r["n"] == 0), None)
    if empty:
        for r in results:
            if r["n"]:
                print(f"  ratio to empty at {r['n']}: wall {r['seconds'] / empty['seconds']:.2f}x, "
                      f"CPU {r['cpu_seconds'] / empty['cpu_seconds']:.2f}x, "
                      f"peak RSS {r['peak_rss_mb'] / empty['peak_rss_mb']:.2f}x")
    print(json.dumps({"label": args.label, "results": results}))


if __name__ == "__main__":
    main()
