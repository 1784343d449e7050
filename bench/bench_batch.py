"""Throughput and memory of ``wirewatch batch``: local 1 worker, local 2 workers, Spark ``local[2]``.

    python3 bench/bench_batch.py [--n 20000] [--no-nlp] [--per-file 100] [--engines local1,local2,spark2]
    python3 bench/bench_batch.py --rss-curve 20000 [--every 250] [--rss-configs unbounded,bounded] --work DIR
    python3 bench/bench_batch.py --rss-table --work DIR --rss-configs unbounded,bounded   # curves so far

The shared corpora (guardian-syria CSV, india-police-events JSONL, bbc-masakhane TSV) are converted to
JSON Lines input files in a temporary folder (never in the repository) and replicated to ``--n``
articles.  Every replica after the first is lightly edited (a paragraph dropped or a sentence and a
number changed, its own URL), as syndicated copies are, so the dedup stage has real near-duplicates
to group instead of exact copies only.  Each configuration runs end to end (read, clean, NLP unless
``--no-nlp``, dedup, Parquet) on the same input.

Peak memory per worker: a sampler thread reads ``VmHWM`` (the kernel's peak resident set) of every
descendant process of this benchmark every 0.2 s; pool workers, Spark's Python workers and the JVM
are reported separately.  Scaling efficiency = rate(2 workers) / (2 x rate(1 worker)).
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import random
import re
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from eval._shared import DATA, require

csv.field_size_limit(sys.maxsize)
CONFIGS = {"local1": ("local", 1), "local2": ("local", 2), "spark2": ("spark", 2), "cluster2": ("spark", 2)}
# cluster2: a Spark standalone cluster on this machine (master + 2 workers of 1 core, batch.cluster), relative paths


def source_records() -> list[dict]:
    """The three shared corpora as article records (title, text, published, url)."""
    corpora = require(DATA / "corpora")
    records: list[dict] = []
    with open(corpora / "guardian-syria" / "Guardian_SDF_sample.csv", newline="", encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            records.append({"text": row["text"], "published": row["date"],
                            "url": f"https://guardian.example/syria/{i}"})
    with open(corpora / "india-police-events" / "metadata.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            records.append({"text": row["full_text"], "published": row["date"], "url": row["url"]})
    for split in ("dev", "test"):
        with open(corpora / "bbc-masakhane" / f"{split}.tsv", newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                records.append({"title": row["headline"], "text": row["text"], "url": row["url"]})
    return [r for r in records if r["text"] and r["text"].strip()]


_NUMBER = re.compile(r"\b\d+\b")


def edited(record: dict, copy: int, rng: random.Random) -> dict:
    """A syndicated-looking copy: its own URL, and a dropped last paragraph or a changed number."""
    out = dict(record, url=f"{record['url']}?copy={copy}")
    paras = [p for p in re.split(r"\n\s*\n|\n", record["text"]) if p.strip()]
    if len(paras) > 3 and rng.random() < 0.5:
        paras = paras[:-1]
    text = "\n\n".join(paras)
    numbers = list(_NUMBER.finditer(text))
    if numbers:
        m = rng.choice(numbers)
        text = text[:m.start()] + str(int(m.group()) + copy) + text[m.end():]
    out["text"] = text
    return out


def write_inputs(folder: Path, n: int, per_file: int, *, seed: int = 3) -> tuple[int, int]:
    """``n`` records in JSONL files of ``per_file`` records; (records, words) written."""
    base = source_records()
    rng = random.Random(seed)
    rng.shuffle(base)  # the three corpora mixed, so a small --n is representative of all three
    folder.mkdir(parents=True, exist_ok=True)
    words = 0
    for start in range(0, n, per_file):
        with open(folder / f"part-{start // per_file:05d}.jsonl", "w", encoding="utf-8") as fh:
            for i in range(start, min(n, start + per_file)):
                copy, k = divmod(i, len(base))
                rec = base[k] if copy == 0 else edited(base[k], copy, rng)
                words += len(rec["text"].split())
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return n, words


class PeakSampler(threading.Thread):
    """Peak RSS (VmHWM) of every descendant process, sampled until stopped."""

    def __init__(self, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peaks: dict[int, tuple[str, int]] = {}  # pid -> (kind, peak kB)
        self.cpu: dict[int, tuple[str, float]] = {}  # pid -> (kind, user + system CPU seconds, last seen)
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            for pid, under_jvm in _descendants(os.getpid()):
                hwm, kind = _status(pid)
                if under_jvm and kind != "jvm":
                    kind = "spark python worker"  # the daemon and the workers it forks
                if hwm and hwm > self.peaks.get(pid, ("", 0))[1]:
                    self.peaks[pid] = (kind, hwm)
                if kind:
                    self.cpu[pid] = (kind, _cpu_seconds(pid) or self.cpu.get(pid, ("", 0.0))[1])
            self._stop_event.wait(self.interval)

    def stop(self) -> dict[str, float]:
        """Peak MB per process kind (the CPU seconds per kind are in ``cpu_by_kind``)."""
        self._stop_event.set()
        self.join()
        self.cpu_by_kind: dict[str, float] = {}
        for kind, secs in self.cpu.values():
            self.cpu_by_kind[kind] = round(self.cpu_by_kind.get(kind, 0.0) + secs, 1)
        by_kind: dict[str, list[int]] = {}
        for kind, kb in self.peaks.values():
            by_kind.setdefault(kind, []).append(kb)
        return {kind: round(max(v) / 1024, 1) for kind, v in by_kind.items()}


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            tree.setdefault(ppid, []).append(int(entry))
    return tree


def _descendants(root: int) -> list[tuple[int, bool]]:
    """(pid, whether a JVM is among its ancestors) of every process below ``root``."""
    tree, out, todo = _children(), [], [(root, False)]
    while todo:
        parent, under_jvm = todo.pop()
        for child in tree.get(parent, []):
            flag = under_jvm or _is_jvm(parent)
            out.append((child, flag))
            todo.append((child, flag))
    return out


def _is_jvm(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/comm") as fh:
            return fh.read().strip() == "java"
    except OSError:
        return False


_TICK = os.sysconf("SC_CLK_TCK")


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime


def _status(pid: int) -> tuple[int, str]:
    try:
        with open(f"/proc/{pid}/status") as fh:
            fields = dict(line.split(":", 1) for line in fh if ":" in line)
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmd = fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return 0, ""
    kind = "jvm" if "java" in fields.get("Name", "") else "python worker"
    if kind != "jvm" and "pyspark" in cmd:
        kind = "spark python worker"
    return int(fields.get("VmHWM", "0 kB").split()[0]), kind


def run_config(name: str, inputs: Path, out: Path, *, nlp: bool) -> dict:
    from wirewatch.batch import run_batch

    engine, workers = CONFIGS[name]
    load_before = round(os.getloadavg()[0], 1)
    driver_before = _self_cpu()
    sampler = PeakSampler()
    sampler.start()
    t0 = time.perf_counter()
    if name == "cluster2":
        from wirewatch.batch.cluster import standalone_cluster

        with standalone_cluster(workers=2, cores=1, memory="2g", executor_memory="1g") as cluster:
            started = time.perf_counter() - t0
            cwd = os.getcwd()
            os.chdir(inputs.parent)  # relative input and output paths, as a user would type them
            try:
                summary = run_batch([inputs.name], out.name, engine=engine, master=cluster.url, nlp=nlp)
            finally:
                os.chdir(cwd)
        print(f"cluster2: master and workers up in {started:.1f} s (included below)", flush=True)
    else:
        summary = run_batch([str(inputs)], out, engine=engine, workers=workers,
                            master=f"local[{workers}]" if engine == "spark" else None, nlp=nlp)
    wall = time.perf_counter() - t0
    peaks = sampler.stop()
    sampler.cpu_by_kind["driver"] = round(_self_cpu() - driver_before, 1)
    cpu = sum(sampler.cpu_by_kind.values())
    return {"config": name, "engine": engine, "workers": workers, "nlp": nlp, "articles": summary.articles,
            "rejected": summary.rejected, "stories": summary.stories, "seconds": round(wall, 1),
            "articles_per_s": round(summary.articles / wall, 2), "peak_mb": peaks,
            "worker_peak_mb_self": summary.worker_peak_mb, "cpu_s": sampler.cpu_by_kind,
            "articles_per_cpu_s": round(summary.articles / cpu, 2) if cpu else None,
            "load_avg_before": load_before}


def paper_estimate(per_cpu_s: float, words_per_article: float, *, month: float, html_ms: float = 21.4,
                   efficiency: float = 0.8, headroom: float = 1.5, hours: float = 24.0) -> str:
    """Cores needed for one month of CC-News within ``hours``, from the measured per-core rate.

    ``html_ms`` adds the HTML-to-text step a WARC page needs and this JSONL benchmark skips (the
    wirewatch HTML path's CPU time per page in ``eval/extraction.py``); ``headroom`` covers stragglers,
    retries, the grouping and writing stages."""
    per_article = 1.0 / per_cpu_s + html_ms / 1000.0
    core_hours = month * per_article / 3600.0
    cores = core_hours / hours / efficiency * headroom
    nodes = -(-cores // 16)
    return (f"Paper estimate: one month of CC-News = {month / 1e6:.0f} M articles (assumed) of "
            f"~{words_per_article:.0f} words; measured {per_cpu_s:.2f} articles per CPU-second end to end "
            f"with NLP (1 worker) + {html_ms:.1f} ms/page for HTML extraction (eval/extraction.py) = "
            f"{per_article * 1000:.0f} CPU-ms/article -> "
            f"{core_hours:,.0f} core-hours; within {hours:.0f} h at {efficiency:.0%} scaling efficiency and "
            f"x{headroom} headroom: {cores:,.0f} cores, i.e. {nodes:.0f} nodes of 16 vCPU (RAM: each Python "
            f"worker's peak above, plus the executor JVM).")


# -- a worker's resident memory over one long task (issue 16) ----------------------------------------------
# Each configuration runs in a fresh process with its own environment (glibc reads MALLOC_ARENA_MAX at
# start) and goes through the real worker code path (``common.write_task``: read, clean, NLP, staged
# Parquet) over one task of N articles, as a pool or Spark worker does with one large WARC.
# "unbounded" is the worker as it was in session 2 (everything in one process, no trimming, default arenas);
# "trimmed" adds the allocator settings alone (MALLOC_ARENA_MAX=2, gc + malloc_trim every 64 articles; the
# session-3 bound); "bounded" is the batch default: cleaning and NLP in a child process replaced every
# recycle.RECYCLE_DOCS documents, plus the allocator settings.  Run side by side on the same input file,
# they see the same machine load.
RSS_CONFIGS = {"unbounded": {"WIREWATCH_TRIM_EVERY": "0", "MALLOC_ARENA_MAX": None, "WIREWATCH_RECYCLE_DOCS": "0"},
               "trimmed": {"WIREWATCH_RECYCLE_DOCS": "0"}, "bounded": {}}


def _vm(field: str, pid: int | str = "self") -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def rss_child(path: str, every: int) -> None:
    """Print one JSON line every ``every`` articles of one task (a JSONL file) run through ``write_task``:
    the worker's RSS and peak, and (with recycling) the current child's RSS, the highest peak of any child
    so far and how many children were started; then a last line with the CPU seconds of all of them."""
    from wirewatch.batch import common, recycle
    from wirewatch.batch.storage import Location

    t0, n = time.perf_counter(), 0
    inner = common.iter_task

    def sample() -> dict:
        child = recycle.current_pid()
        return {"n": n, "rss_mb": _vm("VmRSS"), "hwm_mb": _vm("VmHWM"),
                "child_rss_mb": _vm("VmRSS", child) if child else None,
                "child_hwm_mb": max(recycle.stats.peak_mb, _vm("VmHWM", child) if child else 0) or None,
                "children": recycle.stats.started, "s": round(time.perf_counter() - t0, 1),
                "load": round(os.getloadavg()[0], 1)}

    def sampled(*args, **kwargs):
        nonlocal n
        for kind, row in inner(*args, **kwargs):
            yield kind, row
            if kind == "A":
                n += 1
                if n % every == 0:
                    print(json.dumps(sample()), flush=True)

    common.iter_task = sampled
    options = common.Options()
    if recycle.recycle_docs():
        recycle.warm(options)  # as the pool initializer does
    else:
        from wirewatch.nlp import load_model

        load_model()
    print(json.dumps(sample()), flush=True)
    with tempfile.TemporaryDirectory(prefix="wirewatch-rss-") as stage:
        res = common.write_task(0, path, options, Location(stage), spill=True)
    last = sample()
    recycle.shutdown()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # the children, once waited for
    last.update(final=True, articles=res.articles, cpu_s=round(usage.ru_utime + usage.ru_stime, 1),
                children_cpu_s=round(kids.ru_utime + kids.ru_stime, 1), child_docs=recycle.stats.docs)
    print(json.dumps(last), flush=True)


def rss_curve(n: int, every: int, work: Path, configs: list[str]) -> None:
    import subprocess

    inputs = work / "rss-input"
    if not inputs.exists():
        write_inputs(inputs, n, n)  # one file: one task, as a large WARC is
    path = next(inputs.iterdir())
    procs = {}
    for name in configs:
        env = RSS_CONFIGS[name]
        child_env = {k: v for k, v in os.environ.items() if k not in env or env[k] is not None}
        child_env.update({k: v for k, v in env.items() if v is not None})
        if "MALLOC_ARENA_MAX" not in env:
            from wirewatch.batch.common import worker_env

            child_env.update(worker_env())
        with open(work / f"rss-{name}.jsonl", "w") as log:  # watch it grow: tail -f WORK/rss-NAME.jsonl
            procs[name] = subprocess.Popen([sys.executable, __file__, "--_rss-child", str(path), "--every",
                                            str(every)], env=child_env, stdout=log, text=True)
    for p in procs.values():
        p.wait()
    print(rss_table(work, configs))


def rss_table(work: Path, configs: list[str]) -> str:
    """The curves written so far (also of runs still going, or stopped), as a Markdown table."""
    curves = {}
    for name in configs:
        path = work / f"rss-{name}.jsonl"
        if path.exists():
            curves[name] = [json.loads(line) for line in open(path) if line.strip()]
    out = [f"RSS in MB over one task of articles (load average now {os.getloadavg()[0]:.1f}); for 'bounded' "
           "the worker (I/O) and its NLP child (max peak of all children so far)\n"]
    cols = []
    for name in curves:
        cols += [f"{name} RSS", f"{name} peak"] + (["child RSS", "child peak", "children"] if name == "bounded" else [])
    out.append("| articles | " + " | ".join(cols) + " |")
    out.append("|---:|" + "---:|" * len(cols))
    by_n: dict[int, dict] = {}
    for name, rows in curves.items():
        for r in rows:
            if not r.get("final"):
                by_n.setdefault(r["n"], {})[name] = r
    for k in sorted(by_n):
        cells = []
        for name in curves:
            r = by_n[k].get(name)
            extra = ["child_rss_mb", "child_hwm_mb", "children"] if name == "bounded" else []
            cells += [str(r.get(f)) if r else "" for f in ["rss_mb", "hwm_mb", *extra]]
        out.append(f"| {k:,} | " + " | ".join(cells) + " |")
    for name, rows in curves.items():
        fin = [r for r in rows if r.get("final")]
        if fin:
            f = fin[0]
            out.append(f"\n{name}: {f['articles']:,} articles; CPU {f['cpu_s']} s (worker) + {f['children_cpu_s']} s "
                       f"(children); {f['children']} children, documents each {f['child_docs']}; wall {f['s']} s")
    return "\n".join(out)


def main() -> None:
    if "--_rss-child" in sys.argv:
        i = sys.argv.index("--_rss-child")
        rss_child(sys.argv[i + 1], int(sys.argv[sys.argv.index("--every") + 1]))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20000, help="articles after replication (issue target: 20000)")
    ap.add_argument("--per-file", type=int, default=100, help="records per JSONL input file (one task each)")
    ap.add_argument("--no-nlp", action="store_true", help="clean + dedup only")
    ap.add_argument("--engines", default="local1,local2,spark2", help=f"any of {', '.join(CONFIGS)}")
    ap.add_argument("--work", help="working folder (default: a temporary one, removed afterwards)")
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("--month-articles", type=float, default=15e6,
                    help="articles in one month of CC-News, for the paper estimate (default 15 M)")
    ap.add_argument("--rss-curve", type=int, metavar="N",
                    help="instead: one worker's RSS over one task of N articles, unbounded vs bounded")
    ap.add_argument("--every", type=int, default=250, help="--rss-curve: articles between samples")
    ap.add_argument("--rss-configs", default="unbounded,bounded", help=f"--rss-curve: any of {', '.join(RSS_CONFIGS)}")
    ap.add_argument("--rss-table", action="store_true", help="print the table of the curves in --work so far")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    work_ctx = tempfile.TemporaryDirectory(prefix="wirewatch-bench-") if not args.work else None
    work = Path(args.work or work_ctx.name)
    if args.rss_table:
        print(rss_table(work, args.rss_configs.split(",")))
        return
    if args.rss_curve:
        rss_curve(args.rss_curve, args.every, work, args.rss_configs.split(","))
        if work_ctx:
            work_ctx.cleanup()
        return
    inputs = work / "input"
    n, words = write_inputs(inputs, args.n, args.per_file)
    print(f"input: {n} articles, {words} words ({words / n:.0f} words/article), "
          f"{len(list(inputs.iterdir()))} JSONL files; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores", flush=True)
    results = []
    for name in args.engines.split(","):
        res = run_config(name, inputs, work / f"out-{name}", nlp=not args.no_nlp)
        res["words_per_s"] = round(words / res["seconds"])
        res["load_avg_after"] = round(os.getloadavg()[0], 1)
        results.append(res)
        print(json.dumps(res), flush=True)
    rates = {r["config"]: r["articles_per_s"] for r in results}
    if "local1" in rates and "local2" in rates:
        print(f"scaling efficiency 1 -> 2 workers (wall clock): {rates['local2'] / (2 * rates['local1']):.2f}")
        per_cpu = {r["config"]: r["articles_per_cpu_s"] for r in results}
        if per_cpu.get("local1") and per_cpu.get("local2"):
            print(f"CPU cost ratio (articles per CPU-second, 2 workers / 1 worker): "
                  f"{per_cpu['local2'] / per_cpu['local1']:.2f} (1.0 = no overhead from the second worker; "
                  "on a shared machine wall-clock efficiency also depends on the cores other jobs leave free)")
    print("\n| config | articles | s | articles/s | words/s | articles per CPU-s | peak MB per process | load avg |"
          "\n|---|---|---|---|---|---|---|---|")
    for r in results:
        peaks = ", ".join(f"{k} {v}" for k, v in sorted(r["peak_mb"].items()))
        print(f"| {r['config']} | {r['articles']} | {r['seconds']} | {r['articles_per_s']} | {r['words_per_s']} "
              f"| {r['articles_per_cpu_s']} | {peaks} | {r['load_avg_before']} → {r['load_avg_after']} |")
    one = next((r for r in results if r["config"] == "local1" and r["articles_per_cpu_s"]), None)
    if one and not args.no_nlp:  # the estimate is about the full pipeline
        print("\n" + paper_estimate(one["articles_per_cpu_s"], words / n, month=args.month_articles))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    if work_ctx:
        work_ctx.cleanup()


if __name__ == "__main__":
    main()
