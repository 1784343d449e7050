"""``wirewatch batch`` / ``load``: the same records and stories as ``extract``, on both engines.

The Spark tests are marked ``slow`` (deselect with ``-m "not slow"``) and share one session."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from wirewatch.batch import load_parquet, run_batch
from wirewatch.batch import local as local_engine
from wirewatch.batch.common import row_to_article
from wirewatch.errors import UsageError
from wirewatch.pipeline import extract
from wirewatch.records import Article, Rejected
from wirewatch.sources import iter_documents

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "wirewatch" / "examples"

HARBOUR = [
    ("PORT ELLIS — Dock workers at the port of Ellis walked off the job on Tuesday after talks over night-shift "
     "pay broke down, leaving a dozen container ships waiting at anchor outside the harbour."),
    ("“We have been patient for eleven months, and patience has not paid a single bill,” said Marta Quillon, "
     "who chairs the dockers' union, speaking to reporters at the main gate."),
    ("The port authority said it regretted the walkout and would return to the table on Thursday. Its director, "
     "Henrik Salvesen, told local radio that contingency crews would keep the fuel terminal open."),
    ("Shipping agents said the delays could add several days to deliveries of grain and fertiliser bound for "
     "inland farms, where planting is due to begin within weeks."),
    ("The last major stoppage at the port, in 2019, lasted nine days and ended with a two-year wage agreement "
     "that expired in the spring."),
]
VALLEY = [
    ("GRENMOOR — Heavy rain swept through the Grenmoor valley on Sunday, flooding two villages and cutting the "
     "only road to the regional hospital, emergency officials said."),
    ("About 400 residents spent the night in a school gymnasium. The regional governor, Ana Belvedere, said army "
     "engineers would try to build a temporary bridge by Wednesday."),
    ("“The water came up faster than anyone here has ever seen,” said Tomas Reyk, a farmer who lost most of his "
     "sheep. Forecasters expect more rain later in the week."),
    ("The valley was last flooded in 2011, when the river burst its banks after a week of storms and the road "
     "was closed for a month."),
]


def _dump(title: str, paras: list[str], *, chrome: bool = False) -> str:
    top = ["Skip to content", "Menu", "Search"] if chrome else []
    bottom = ["Share this article", "Advertisement"] if chrome else []
    return "\n\n".join([*top, title, *paras, "By the Ellis Gazette staff", *bottom]) + "\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[str]:
    """The bundled examples plus near-duplicates, an exact copy, and three broken documents."""
    root = tmp_path_factory.mktemp("batch-corpus")
    wire = root / "wire"
    wire.mkdir()
    (wire / "a-harbour.txt").write_text(_dump("Dockers strike at Port Ellis", HARBOUR), encoding="utf-8")
    cut = HARBOUR[:-1]
    (wire / "b-harbour-reprint.txt").write_text(_dump("Port Ellis dockers walk out", cut, chrome=True),
                                                encoding="utf-8")
    edited = [p.replace("a dozen", "twelve") for p in HARBOUR]
    (wire / "c-harbour-edit.txt").write_text(_dump("Strike at Port Ellis", edited), encoding="utf-8")
    (wire / "d-valley.txt").write_text(_dump("Floods cut off Grenmoor valley", VALLEY), encoding="utf-8")
    (wire / "e-valley-copy.txt").write_text(_dump("Floods cut off Grenmoor valley", VALLEY), encoding="utf-8")
    lines = [json.dumps({"title": "Valley floods", "text": "\n\n".join(VALLEY), "published": "2024-04-07"}),
             '{"title": "broken", "text": "no closing quote',
             json.dumps({"title": "Harbour strike", "text": "\n\n".join(HARBOUR), "url": "https://example.org/s"})]
    (wire / "f-export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    packed = gzip.compress(_dump("Dockers strike", HARBOUR).encode())
    (wire / "g-truncated.txt.gz").write_bytes(packed[: len(packed) // 2])
    (wire / "h-binary.txt").write_bytes(bytes(range(256)) * 8)
    return [str(EXAMPLES), str(wire)]


def _extract(inputs: list[str], *, nlp: bool) -> tuple[list[Article], list[Rejected]]:
    recs = list(extract(iter_documents(inputs), nlp=nlp))
    return [r for r in recs if isinstance(r, Article)], [r for r in recs if isinstance(r, Rejected)]


def _read(out: Path) -> tuple[list[Article], list[tuple[str, str, str]]]:
    rows = ds.dataset(out / "articles", format="parquet", partitioning="hive").to_table().to_pylist()
    articles = [row_to_article(r) for r in sorted(rows, key=lambda r: r["ordinal"])]
    rejects = ds.dataset(out / "rejects", format="parquet").to_table().to_pylist()
    return articles, sorted((r["source"], r["code"], r["reason"]) for r in rejects)


def _partition(articles: list[Article]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for a in articles:
        groups.setdefault(a.story_id, set()).add(a.source)
    return {frozenset(g) for g in groups.values()}


def _same(batch_out: Path, reference: tuple[list[Article], list]) -> None:
    articles, rejects = _read(batch_out)
    ref_articles, ref_rejects = reference
    ref_rejects = [r if isinstance(r, tuple) else (r.source, r.code, r.reason) for r in ref_rejects]
    assert [a.source for a in articles] == [a.source for a in ref_articles]
    for got, want in zip(articles, ref_articles):  # full records, story ids too
        got_d, want_d = got.to_dict(), want.to_dict()
        diff = {k: (got_d[k], want_d.get(k)) for k in got_d if got_d[k] != want_d.get(k)}
        assert not diff, f"{got.source}: {diff}"
    assert _partition(articles) == _partition(ref_articles)
    assert rejects == sorted(ref_rejects)


@pytest.fixture(scope="module")
def reference(corpus):
    return _extract(corpus, nlp=True)


@pytest.fixture(scope="module")
def local_out(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("local") / "out"
    summary = run_batch(corpus, out, engine="local", workers=2)
    assert summary.articles > 0 and summary.worker_peak_mb > 0
    return out


def test_reference_corpus_has_copies_and_bad_documents(reference):
    articles, rejects = reference
    stories = _partition(articles)
    harbour = next(g for g in stories if any("a-harbour" in s for s in g))
    assert {Path(s.split("#")[0]).name for s in harbour} >= {"a-harbour.txt", "b-harbour-reprint.txt",
                                                             "c-harbour-edit.txt"}
    assert len(stories) < len(articles)
    codes = {Path(r.source.split("#")[0]).name: r.code for r in rejects}
    assert codes["g-truncated.txt.gz"] == "gzip" and codes["h-binary.txt"] == "binary"
    assert codes["f-export.jsonl"] == "json"


def test_local_engine_matches_extract(local_out, reference):
    _same(local_out, reference)


def test_children_recycled_every_few_documents_give_the_same_records(corpus, reference, tmp_path, monkeypatch):
    """Cleaning and NLP in child processes replaced every 5 documents (across tasks and inside a WARC
    or a feed; ``batch.recycle``): the records and story groups of ``extract``, as with no recycling."""
    monkeypatch.setenv("WIREWATCH_RECYCLE_DOCS", "5")
    out = tmp_path / "out"
    summary = run_batch(corpus, out, engine="local", workers=1)
    _same(out, reference)
    assert summary.worker_peak_mb > 0


def test_bad_documents_are_rejects_with_reasons(local_out):
    _, rejects = _read(local_out)
    by_name = {Path(src.split("#")[0]).name: (code, reason) for src, code, reason in rejects}
    for name in ("g-truncated.txt.gz", "h-binary.txt", "f-export.jsonl"):
        code, reason = by_name[name]
        assert code and len(reason) > 10
    assert any(src.endswith("f-export.jsonl#2") for src, _, _ in rejects)  # the one bad line, not the file


def test_rerun_is_idempotent_and_replaces_old_output(corpus, tmp_path):
    out = tmp_path / "out"
    run_batch(corpus, out, engine="local", workers=2, nlp=False)
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    first = _read(out)
    stale = out / "articles" / "month=1999-01"
    stale.mkdir()
    (stale / "left-over.parquet").write_bytes(b"not parquet")
    (out / "notes.txt").write_text("mine")  # not batch output: left alone
    run_batch(corpus, out, engine="local", workers=2, nlp=False)
    assert not stale.exists()
    assert sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file()) == sorted(files + [Path("notes.txt")])
    assert _read(out) == first
    assert not (out / ".staging").exists()


def test_failed_run_leaves_previous_output(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_batch(corpus, out, engine="local", workers=1, nlp=False)
    before = _read(out)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(local_engine, "_stories_of", boom)
    with pytest.raises(RuntimeError):
        run_batch(corpus, out, engine="local", workers=1, nlp=False)
    assert _read(out) == before


def test_load_into_store_then_again_stores_nothing(local_out, tmp_path):
    from wirewatch.store import Store

    articles, rejects = _read(local_out)
    with Store(tmp_path / "w.duckdb") as store:
        first = load_parquet(local_out, store=store)
        second = load_parquet(local_out, store=store)
        stored = store.con.execute("SELECT source, story_id FROM articles").fetchall()
    distinct_bodies = len({a.text for a in articles})
    assert first.articles == len(articles) and first.stored == distinct_bodies
    assert first.duplicates == len(articles) - distinct_bodies and first.rejected == len(rejects)
    assert second.stored == 0 and second.duplicates == len(articles)
    assert len(stored) == distinct_bodies
    story_of = {a.source: a.story_id for a in articles}
    assert all(story_of[source] == story for source, story in stored)  # the batch's story ids, kept


def test_load_rejects_a_folder_that_is_not_batch_output(tmp_path):
    from wirewatch.store import Store

    with Store(tmp_path / "w.duckdb") as store, pytest.raises(UsageError, match="not a wirewatch batch output"):
        load_parquet(tmp_path, store=store)


def test_unknown_engine_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="unknown engine"):
        run_batch([str(EXAMPLES)], tmp_path / "o", engine="flink")


def test_spark_engine_without_pyspark_says_how_to_install(monkeypatch, tmp_path):
    for name in [m for m in sys.modules if m == "pyspark" or m.startswith("pyspark.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark -> ImportError
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(UsageError, match=r"pip install 'wirewatch\[spark\]'"):
        run_batch([str(EXAMPLES)], tmp_path / "o", engine="spark")
    assert not (tmp_path / "o").exists()


def test_spark_engine_without_java_says_so(monkeypatch):
    from wirewatch.batch import spark as spark_engine

    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(spark_engine.shutil, "which", lambda name: None)
    with pytest.raises(UsageError, match="Java 17"):
        spark_engine._require_java()


# -- Spark ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    from wirewatch.batch.spark import _session

    session, _ = _session(SparkSession, "local[2]", 2)
    yield session
    session.stop()


@pytest.mark.slow
def test_spark_engine_matches_extract_and_local(spark, corpus, reference, local_out, tmp_path):
    out = tmp_path / "spark"
    summary = run_batch(corpus, out, engine="spark", master="local[2]")
    _same(out, reference)
    articles, rejects = _read(out)
    assert (summary.articles, summary.rejected, summary.stories) == (
        len(articles), len(rejects), len({a.story_id for a in articles}))
    _same(out, _read(local_out))
    # rerun into the same folder: the same rows, nothing appended, old files replaced
    run_batch(corpus, out, engine="spark", master="local[2]")
    assert _read(out) == (articles, rejects)


# -- story grouping at scale: the same decisions as the local Deduper ------------------------------------

def _signatures(seed: int = 5, n_stories: int = 40) -> list[tuple[int, str, bytes, int]]:
    """Synthetic (ordinal, content hash, signature, shingle count) rows: stories with edited copies,
    cut copies, exact copies, and copies that resemble two stories at once (chains, ties)."""
    import numpy as np

    from wirewatch.dedup import NUM_PERM

    rng = np.random.default_rng(seed)
    bases = [rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64).astype(np.uint32) for _ in range(n_stories)]
    rows, ordinal = [], 0
    for _ in range(n_stories * 3):
        kind = rng.integers(0, 4)
        base = bases[rng.integers(0, n_stories)]
        sig = base.copy()
        if kind == 1:  # lightly edited copy
            idx = rng.choice(NUM_PERM, int(rng.integers(10, 70)), replace=False)
            sig[idx] = rng.integers(0, 2**32, len(idx), dtype=np.uint64).astype(np.uint32)
        elif kind == 2:  # a blend of two stories
            other = bases[rng.integers(0, n_stories)]
            mask = rng.random(NUM_PERM) < 0.5
            sig = np.where(mask, base, other).astype(np.uint32)
        n = int(rng.integers(20, 400))
        chash = f"h{hash(sig.tobytes()) & 0xFFFFFFFF:08x}"
        rows.append((ordinal, chash, sig.tobytes(), n))
        ordinal += 1 + int(rng.integers(0, 3))
    return rows


def _local_stories(rows) -> dict[int, str]:
    import numpy as np

    from wirewatch.dedup import Deduper

    dd = Deduper()
    return {o: dd.judge_signature(f"id{o}", h, np.frombuffer(s, dtype=np.uint32), n).story_id
            for o, h, s, n in rows}


def test_replay_of_verified_band_pairs_equals_the_local_deduper():
    import numpy as np

    from wirewatch.batch.spark import band_params, replay
    from wirewatch.dedup import same_story

    rows = _signatures()
    reps = {}
    for o, h, s, n in rows:
        reps.setdefault(h, (o, h, s, n))
    bands, r = band_params()
    edges = []
    items = sorted(reps.values())
    for i, (oa, ha, sa, na) in enumerate(items):
        a = np.frombuffer(sa, dtype=np.uint32)
        for ob, hb, sb, nb in items[i + 1:]:
            b = np.frombuffer(sb, dtype=np.uint32)
            shared = any((a[k * r:(k + 1) * r] == b[k * r:(k + 1) * r]).all() for k in range(bands))
            if shared and same_story(a, na, b, nb):
                edges.append((oa, ha, ob, hb, int(np.count_nonzero(a == b))))
    moved = replay(edges)
    expected = _local_stories(rows)
    got = {o: moved.get(h, h) for o, h, _, _ in rows for h in [reps[h][1]]}
    assert got == expected
    assert len(set(expected.values())) < len(reps)  # the data has real groups, ties and chains


@pytest.mark.slow
def test_spark_banding_groups_like_the_local_deduper(spark):
    from wirewatch.batch.spark import _representatives, _stories

    rows = _signatures(seed=11)
    df = spark.createDataFrame([(o, h, s, n) for o, h, s, n in rows],
                               "ordinal long, content_hash string, minhash binary, n_shingles int")
    reps, n_bodies = _representatives(df)
    moved = _stories(spark, reps)
    assert n_bodies == len({h for _, h, _, _ in rows})
    assert {o: moved.get(h, h) for o, h, _, _ in rows} == _local_stories(rows)


# -- command line -----------------------------------------------------------------------------------------

def _cli(*args: str):
    import subprocess

    return subprocess.run([sys.executable, "-c", "from wirewatch.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=300, check=False)


def test_cli_batch_then_load(tmp_path):
    out, db = tmp_path / "out", tmp_path / "w.duckdb"
    r = _cli("batch", str(EXAMPLES), "--out", str(out), "--workers", "1", "--no-nlp")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary["engine"] == "local" and summary["articles"] > 0 and summary["rejected"] == 1
    r = _cli("load", str(out), "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["articles"] == summary["articles"]
    r = _cli("batch", str(EXAMPLES), "--out", str(out), "--engine", "flink")
    assert r.returncode != 0 and "--engine" in r.stderr and "Traceback" not in r.stderr


def test_an_input_the_driver_cannot_see_is_an_error_before_the_job(tmp_path):
    out = tmp_path / "out"
    r = _cli("batch", str(EXAMPLES), str(tmp_path / "missing.warc.gz"), "--out", str(out), "--no-nlp")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0 and "missing.warc.gz" in r.stderr and "no such file" in r.stderr
    assert not out.exists()  # no job ran


def test_a_job_rejected_whole_for_one_reason_exits_1_naming_the_cause(tmp_path):
    junk = tmp_path / "junk"
    junk.mkdir()
    for i in range(3):
        (junk / f"scan-{i}.txt").write_bytes(b"\x00\x01\x02" * 400)
    r = _cli("batch", str(junk), "--out", str(tmp_path / "out"), "--no-nlp", "--workers", "1")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert json.loads(r.stdout.strip().splitlines()[-1])["reject_codes"] == {"binary": 3}  # the summary first
    line = r.stderr.strip()
    assert "\n" not in line and "all 3 documents were rejected as 'binary'" in line and "not text" in line
    (junk / "story.txt").write_text("\n\n".join(["Floods cut off Grenmoor valley", *VALLEY]), encoding="utf-8")
    r = _cli("batch", str(junk), "--out", str(tmp_path / "out"), "--no-nlp", "--workers", "1")
    assert r.returncode == 0, r.stderr  # one good document: an ordinary run with rejects


def test_diagnosis_of_executors_that_cannot_see_the_inputs():
    from wirewatch.batch import BatchSummary, diagnose

    summary = BatchSummary("spark", 2, 40, 0, 40, 0, 44.0, "/data/out", reject_codes={"not_found": 40},
                           reject_sample="in/a.html: no such file or folder")
    message = diagnose(summary)
    assert "all 40 documents were rejected as 'not_found'" in message and "executor" in message
    assert diagnose(BatchSummary("spark", 2, 40, 1, 39, 1, 44.0, "o", reject_codes={"not_found": 39})) is None
    assert diagnose(BatchSummary("spark", 2, 2, 0, 2, 0, 1.0, "o", reject_codes={"json": 1, "gzip": 1})) is None


def test_relative_paths_keep_the_source_as_given(tmp_path, monkeypatch):
    job = tmp_path / "job"
    (job / "in").mkdir(parents=True)
    (job / "in" / "valley.txt").write_text("\n\n".join(["Floods cut off Grenmoor valley", *VALLEY]), encoding="utf-8")
    monkeypatch.chdir(job)
    summary = run_batch(["in"], "out", engine="local", workers=1, nlp=False)
    assert summary.out == str(job / "out") and summary.articles == 1
    monkeypatch.chdir(tmp_path)  # read back from elsewhere: nothing depends on the working directory
    articles, _ = _read(job / "out")
    want, _ = _extract([str(job / "in")], nlp=False)
    assert [a.source for a in articles] == [str(Path("in") / "valley.txt")]
    assert articles[0].text == want[0].text
