"""Throughput of full extraction against the bare spaCy pipeline on the same texts, in one run.

    python3 bench/bench_nlp.py [--n 400] [--rounds 3] [--mode extract|inprocess] [--lang fr [--model NAME]]
                               [--bare-vocab cold|warm] [--before-src DIR]

Texts: 400 articles of the shared corpora (Guardian Syria, then India police events, then BBC
masakhane, in file order), or the generated corpus when the shared data is absent.

- ``extract`` (default, the issue-11 measurement): the texts as ``.txt`` files through the
  ``wirewatch extract`` command (a fresh process: start-up, model load, cleaning and JSON output
  included) against ``nlp.pipe(texts, batch_size=32)`` of the same model in this process (model
  already loaded);
- ``inprocess``: :func:`wirewatch.nlp.runtime.annotate` against the same ``nlp.pipe``, both in
  this process after a warm-up.

``--lang fr`` (issue 15): the first N BBC Afrique articles (``fr/news/masakhane-fra-dev.tsv``), marked
French, against the bare French model (``--model fr_core_news_md`` to measure another package; it is
passed to ``extract`` as $WIREWATCH_SPACY_MODEL_FR).

Everything runs pinned to one core; the figure is the ratio of words/s (target >= 0.80).  The
baseline uses batches of 32 (spaCy's own default): smaller batches slow bare spaCy down and
flatter the ratio.

The machine is shared, so wall time is distorted by other people's load: each side is measured in
CPU time too (``resource.getrusage``: this process's user+system time around ``nlp.pipe``, the
children's around the ``extract`` process, which ``subprocess.run`` waits for), the two sides
alternate order round by round (bare first in even rounds, full first in odd ones), and the figure
quoted is the median of the per-round ratios, CPU time first.

Both sides start each round from the vocabulary the model ships with (``--bare-vocab cold``, the
default): ``extract`` is a fresh process, and the bare side parses inside ``nlp.memory_zone()``
with its lemmatizer's memo emptied (since session 6), so neither has the lexemes, tokenizer cache
or lemmas of these very texts from an earlier round.  With ``--bare-vocab warm`` the bare side
keeps what the warm-up and earlier rounds left (the figure BENCHMARKS.md quoted before session 5):
it then parses texts it has already seen, work a fresh process cannot skip.

The bare side is the model as ``spacy.load`` gives it; ``extract`` uses the runtime's
``load_model``, which replaces the attribute ruler's Matcher by an equivalent table look-up
(``wirewatch.nlp.attrruler``) — part of what is measured, not of the baseline.

``--before-src DIR`` adds a third side in the same rounds: ``wirewatch extract`` run from another
source tree (e.g. ``git archive <commit> src | tar -x -C DIR``), so a change is measured against
the code before it under the same load.  It keeps its gazetteer cache in a directory of its own
(built once before the rounds): trees with different gazetteer code would otherwise delete each
other's cache and rebuild it in every round.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

BASE_BATCH = 32


def texts(n: int) -> tuple[list[str], str]:
    from _shared import DATA

    corpora = DATA / "corpora"
    out: list[str] = []
    guardian = corpora / "guardian-syria" / "Guardian_SDF_sample.csv"
    if guardian.exists():
        csv.field_size_limit(1 << 30)
        with guardian.open(encoding="utf-8") as fh:
            out += [r["text"] for r in csv.DictReader(fh) if r.get("text")][: n // 2]
        india = corpora / "india-police-events" / "metadata.jsonl"
        with india.open(encoding="utf-8") as fh:
            out += [json.loads(line)["full_text"] for _, line in zip(range((n - len(out)) // 2), fh)]
        with (corpora / "bbc-masakhane" / "dev.tsv").open(encoding="utf-8") as fh:
            out += [r["text"] for _, r in zip(range(n - len(out)), csv.DictReader(fh, delimiter="\t"))]
        return out[:n], "shared corpora (Guardian Syria, India police events, BBC masakhane)"
    import random

    import _corpus

    rng = random.Random(3)
    return ["\n\n".join(_corpus.story(rng, i)["paras"]) for i in range(n)], "generated corpus"


def texts_lang(n: int, lang: str) -> tuple[list[str], str]:
    """The first ``n`` dev articles of a language's shared news sample."""
    from _shared import DATA, require

    path = require(DATA / lang / "news" / "masakhane-fra-dev.tsv")
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8") as fh:
        out = [r["text"] for _, r in zip(range(n), csv.DictReader(fh, delimiter="\t"))]
    return out, f"BBC Afrique dev ({lang})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--mode", choices=("extract", "inprocess"), default="extract")
    ap.add_argument("--lang", default="en", help="language of the texts and model (en: the corpora above)")
    ap.add_argument("--model", default=None, help="spaCy package for --lang (default: the runtime's choice)")
    ap.add_argument("--bare-vocab", choices=("cold", "warm"), default="cold",
                    help="bare side: each round from the shipped vocabulary (cold) or with earlier rounds' (warm)")
    ap.add_argument("--before-src", default=None, help="also time extract from DIR/src (the code before a change)")
    args = ap.parse_args()
    if args.model:
        os.environ[f"WIREWATCH_SPACY_MODEL_{args.lang.upper()}"] = args.model
    core = None
    if hasattr(os, "sched_setaffinity"):
        core = sorted(os.sched_getaffinity(0))[0]
        os.sched_setaffinity(0, {core})

    import spacy

    from wirewatch.nlp.runtime import PIPE_BATCH, annotate, model_name
    from wirewatch.records import Article

    # The bare side is spaCy as it ships: ``spacy.load``, not the runtime's ``load_model`` (which
    # gives the attribute ruler a faster matcher).
    nlp = spacy.load(model_name(args.lang))
    docs, label = texts(args.n) if args.lang == "en" else texts_lang(args.n, args.lang)
    words = sum(len(t.split()) for t in docs)

    lemma_cache = getattr(nlp.get_pipe("lemmatizer"), "cache", None) if "lemmatizer" in nlp.pipe_names else None

    def bare() -> tuple[float, float]:
        zone = nlp.memory_zone() if args.bare_vocab == "cold" else contextlib.nullcontext()
        if args.bare_vocab == "cold" and isinstance(lemma_cache, dict):
            lemma_cache.clear()  # what the lemmatizer memoised from these very texts in earlier rounds
        c0, t0 = _cpu(resource.RUSAGE_SELF), time.perf_counter()
        with zone:
            for _ in nlp.pipe(docs, batch_size=BASE_BATCH):
                pass
        return time.perf_counter() - t0, _cpu(resource.RUSAGE_SELF) - c0

    def inprocess() -> tuple[float, float]:
        arts = [Article(source=f"doc{i}", text=t, published="2019-06-01", language=None if args.lang == "en"
                        else args.lang) for i, t in enumerate(docs)]
        c0, t0 = _cpu(resource.RUSAGE_SELF), time.perf_counter()
        for _ in annotate(arts, batch_size=PIPE_BATCH):
            pass
        return time.perf_counter() - t0, _cpu(resource.RUSAGE_SELF) - c0

    tmp = tempfile.TemporaryDirectory(prefix="wirewatch-bench-nlp-")
    before_cache = tempfile.TemporaryDirectory(prefix="wirewatch-bench-nlp-cache-")
    for i, t in enumerate(docs):
        Path(tmp.name, f"a{i:04d}.txt").write_text(t, encoding="utf-8")

    def extract(src: str | None = None) -> tuple[float, float]:
        cmd = [sys.executable, "-c", "from wirewatch.cli import main; main()", "extract", tmp.name,
               "--published", "2019-06-01"]
        if core is not None and Path("/usr/bin/taskset").exists():
            cmd = ["taskset", "-c", str(core), *cmd]
        env = None
        if src is not None:
            # its own gazetteer cache: a tree with other gazetteer code has another cache key, and each
            # tree would otherwise delete the other's cache and rebuild it (seconds) in every round
            env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(src, "src").resolve()),
                                                               os.environ.get("PYTHONPATH", "")]),
                       WIREWATCH_CACHE_DIR=before_cache.name)
        c0, t0 = _cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True, env=env)
        return time.perf_counter() - t0, _cpu(resource.RUSAGE_CHILDREN) - c0

    full = extract if args.mode == "extract" else inprocess
    if args.mode == "inprocess":
        full()  # warm-up: gazetteer, matchers and lexicons load once per process
    if args.before_src:  # build the before tree's gazetteer cache once, outside the timed rounds
        one = tempfile.TemporaryDirectory(prefix="wirewatch-bench-nlp-1-")
        Path(one.name, "a.txt").write_text(docs[0], encoding="utf-8")
        subprocess.run([sys.executable, "-c", "from wirewatch.cli import main; main()", "extract", one.name],
                       stdout=subprocess.DEVNULL, check=True,
                       env=dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(args.before_src, "src").resolve()),
                                                                        os.environ.get("PYTHONPATH", "")]),
                                WIREWATCH_CACHE_DIR=before_cache.name))
        one.cleanup()
    bare()
    what = "wirewatch extract (start-up included)" if args.mode == "extract" else "annotate() in process"
    print(f"{len(docs)} texts ({label}), {words} words, one core, {args.rounds} alternating round(s); "
          f"load average at start {os.getloadavg()[0]:.1f}")
    rows, before = [], []
    for r in range(args.rounds):
        sides = ["bare", "full"] + (["before"] if args.before_src else [])
        shift = r % len(sides)  # each side takes each place in the order in turn
        got = {}
        for side in sides[shift:] + sides[:shift]:
            got[side] = bare() if side == "bare" else full() if side == "full" else extract(args.before_src)
        (bw, bc), (fw, fc) = got["bare"], got["full"]
        rows.append((bw, bc, fw, fc))
        extra = ""
        if "before" in got:
            before.append(got["before"])
            extra = f" | before {got['before'][1]:6.1f}s CPU ratio {bc / got['before'][1]:.2f}"
        print(f"  round {r + 1}: bare {bc:6.1f}s CPU {bw:6.1f}s wall | full {fc:6.1f}s CPU {fw:6.1f}s wall | "
              f"ratio CPU {bc / fc:.2f} wall {bw / fw:.2f}{extra}  (load {os.getloadavg()[0]:.1f})", flush=True)
    med = statistics.median
    print(f"  bare spaCy ({nlp.meta['name']} {nlp.meta['version']}, batch {BASE_BATCH}, {args.bare_vocab} vocab): "
          f"{words / med(r[1] for r in rows):8.0f} words per CPU-second, "
          f"{words / med(r[0] for r in rows):8.0f} words/s wall")
    print(f"  {what:42}: {words / med(r[3] for r in rows):8.0f} words per CPU-second, "
          f"{words / med(r[2] for r in rows):8.0f} words/s wall")
    print(f"  ratio full/bare, median of rounds: CPU time {med(r[1] / r[3] for r in rows):.2f}, "
          f"wall {med(r[0] / r[2] for r in rows):.2f}  (target >= 0.80)")
    if before:
        print(f"  extract from {args.before_src}: {words / med(b[1] for b in before):8.0f} words per CPU-second; "
              f"ratio to bare, median of rounds: CPU time {med(r[1] / b[1] for r, b in zip(rows, before)):.2f}")
    tmp.cleanup()
    before_cache.cleanup()


def _cpu(who: int) -> float:
    """User + system CPU seconds of this process (RUSAGE_SELF) or of its waited-for children."""
    ru = resource.getrusage(who)
    return ru.ru_utime + ru.ru_stime


if __name__ == "__main__":
    main()
