"""The local runner end to end on the bundled examples (no NLP: that is tested in tests/test_nlp_*)."""

from __future__ import annotations

import pytest

from wirewatch.demo import examples_dir
from wirewatch.ingest import ingest
from wirewatch.store import Store, queries


def run(db, inputs, **kw):
    with Store(db) as store:
        return ingest([str(p) for p in inputs], store=store, nlp=False, **kw)


def test_examples_are_cleaned_grouped_and_counted(tmp_path):
    s = run(tmp_path / "w.duckdb", [examples_dir()])
    assert s.seen == s.stored + s.duplicates + s.rejected
    assert s.rejected == 1  # the cut-off JSON Lines export
    with Store(tmp_path / "w.duckdb", read_only=True) as store:
        stories = {st["title"]: st for st in queries.stories(store.con)}
        niger = next(st for t, st in stories.items() if "Niger" in t)
        # text dump, HTML page under another headline, and the WARC copy: one story
        assert niger["copies"] == 3
        assert len(stories) == s.new_stories == 4
        assert queries.rejects(store.con)[0]["code"] == "json"


def test_reingest_stores_nothing_new(tmp_path):
    db = tmp_path / "w.duckdb"
    first = run(db, [examples_dir()])
    again = run(db, [examples_dir()])
    assert again.seen == first.seen
    assert again.stored == 0 and again.new_stories == 0
    assert again.duplicates == first.stored + first.duplicates
    with Store(db, read_only=True) as store:
        assert queries.counts(store.con)["articles"] == first.stored
        assert queries.counts(store.con)["rejects"] == 1  # the same reject is not listed twice


class Crash(RuntimeError):
    pass


def test_a_run_killed_between_batches_is_completed_by_a_rerun(tmp_path):
    db = tmp_path / "w.duckdb"
    calls = []

    def die_after_first_batch(articles):
        calls.append(len(articles))
        raise Crash("killed")

    with pytest.raises(Crash):
        run(db, [examples_dir()], batch_size=2, on_commit=die_after_first_batch)
    with Store(db, read_only=True) as store:
        assert queries.counts(store.con)["articles"] == calls[0] == 2
    rerun = run(db, [examples_dir()])
    with Store(db, read_only=True) as store:
        c = queries.counts(store.con)
        ids = store.con.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone()
    assert ids[0] == ids[1] == c["articles"] == 7
    assert rerun.stored == 5 and rerun.duplicates == 2


def test_on_commit_sees_every_stored_copy_once(tmp_path):
    seen = []
    s = run(tmp_path / "w.duckdb", [examples_dir()], on_commit=lambda arts: seen.extend(a.id for a in arts))
    assert len(seen) == len(set(seen)) == s.stored


def test_a_fixed_source_leaves_the_rejects_table(tmp_path):
    page = tmp_path / "later.txt"
    page.write_text("")
    db = tmp_path / "w.duckdb"
    assert run(db, [page]).rejected == 1
    page.write_text("GABORONE — Botswana's electoral commission said on Wednesday that voter registration would "
                    "be extended by two weeks after long queues formed outside offices in the capital.\n")
    again = run(db, [page])
    assert again.stored == 1 and again.rejected == 0
    with Store(db, read_only=True) as store:
        assert queries.rejects(store.con) == []


def _seed_copies(tmp_path, n=3):
    seed = (examples_dir() / "niamey-ceasefire.txt").read_bytes()
    paths = []
    for k in range(n):
        folder = tmp_path / f"outlet{k}"
        folder.mkdir(exist_ok=True)
        (folder / "story.txt").write_bytes(seed)
        paths.append(folder / "story.txt")
    return paths


def test_identical_copies_from_three_sources_are_three_rows_of_one_story(tmp_path):
    db = tmp_path / "w.duckdb"
    paths = _seed_copies(tmp_path)
    s = run(db, paths)
    assert (s.seen, s.stored, s.copies, s.unchanged, s.duplicates) == (3, 1, 2, 0, 2)
    with Store(db, read_only=True) as store:
        rows = queries.search_articles(store.con, limit=50)
        assert sorted(r["source"] for r in rows) == sorted(str(p) for p in paths)
        assert len({r["story_id"] for r in rows}) == 1 and len({r["id"] for r in rows}) == 3
        found = queries.search_articles(store.con, "ceasefire Niamey", limit=50)
        assert sorted(r["source"] for r in found) == sorted(str(p) for p in paths)
        # the text is stored once; each copy is recorded with its source
        assert store.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        copies = store.con.execute("SELECT source, article_id, story_id, seen_at FROM copies ORDER BY source")\
            .fetchall()
        assert [c[0] for c in copies] == [str(p) for p in paths[1:]] and all(c[3] for c in copies)
        assert queries.stories(store.con)[0]["copies"] == 3
    again = run(db, paths)
    assert (again.seen, again.stored, again.copies, again.unchanged) == (3, 0, 0, 3)
    with Store(db, read_only=True) as store:
        assert len(queries.search_articles(store.con, limit=50)) == 3
        assert store.con.execute("SELECT count(*) FROM search_docs").fetchone()[0] == 3


def test_the_summary_accounts_for_every_document(tmp_path):
    db = tmp_path / "w.duckdb"
    inputs = [examples_dir(), *_seed_copies(tmp_path, 2)]
    for _ in range(2):
        s = run(db, inputs, batch_size=3)
        d = s.to_dict()
        assert d["seen"] == d["stored"] + d["copies"] + d["unchanged"] + d["rejected"]
        assert d["duplicates"] == d["copies"] + d["unchanged"]


def test_search_finds_a_batch_right_after_its_commit(tmp_path):
    db = tmp_path / "w.duckdb"
    pages = []
    for k in range(4):
        p = tmp_path / f"p{k}.txt"
        p.write_text(f"MAUN — Herders near the Okavango counted {k + 2} zebracorn calves this spring, officials said "
                     f"on Friday in report number {'abcd'[k]}, adding that grazing land was shrinking fast "
                     f"after a {['dry', 'wet', 'cold', 'hot'][k]} season across the northern district.\n")
        pages.append(p)
    found_after_each = []
    with Store(db) as store:
        def check(stored):
            found_after_each.append({r["id"] for r in queries.search_articles(store.con, "zebracorn", limit=50)})
        ingest([str(p) for p in pages], store=store, nlp=False, batch_size=2, on_commit=check)
    assert [len(f) for f in found_after_each] == [2, 4]


KILLABLE = """
import sys, time
from wirewatch.ingest import ingest
from wirewatch.store import Store

def committed(articles):
    print("committed", len(articles), flush=True)
    time.sleep(0.05)

with Store(sys.argv[1]) as store:
    ingest([sys.argv[2]], store=store, nlp=False, batch_size=4, on_commit=committed)
"""


def _state(db):
    with Store(db, read_only=True) as store:
        rows = sorted((r["source"], r["story_id"], r["title"]) for r in queries.search_articles(store.con, limit=1000))
        docs = store.con.execute("SELECT count(*), count(DISTINCT id) FROM search_docs").fetchone()
        bands = store.con.execute("SELECT count(*), count(DISTINCT (key, article_id)) FROM lsh_bands").fetchone()
        hits = sorted(r["source"] for r in queries.search_articles(store.con, "granary", limit=1000))
    return rows, docs, bands, hits


def test_kill_9_mid_ingest_then_rerun_equals_one_clean_run(tmp_path):
    import os
    import random
    import signal
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    rng = random.Random(5)
    words = ["river", "council", "granary", "convoy", "border", "harvest", "school", "clinic", "bridge", "market",
             "drought", "police", "militia", "ferry", "tariff", "strike", "rainfall", "election", "airport", "mine"]
    for k in range(48):
        body = " ".join(rng.choice(words) for _ in range(60))
        (folder / f"{k:03d}.txt").write_text(f"KASANE — Story {k}: {body}.\n\nOfficials said {body[::-1]}.\n")
    seed = (examples_dir() / "niamey-ceasefire.txt").read_bytes()
    for k in range(3):
        (folder / f"seed-{k}.txt").write_bytes(seed)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(p) for p in map(str, sys.path) if p])}
    killed = tmp_path / "killed.duckdb"
    proc = subprocess.Popen([sys.executable, "-c", KILLABLE, str(killed), str(folder)], stdout=subprocess.PIPE,
                            text=True, env=env)
    commits = 0
    for line in proc.stdout:
        commits += line.startswith("committed")
        if commits == 3:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    with Store(killed, read_only=True) as store:
        partial = store.con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert 12 <= partial < 49  # killed mid-run: some batches in, not all
    cli = "import sys; from wirewatch.cli import main; sys.argv[0] = 'wirewatch'; main()"
    rerun = subprocess.run([sys.executable, "-c", cli, "ingest", str(folder), "--no-nlp", "--json", "--quiet",
                            "--no-alerts", "--db", str(killed)], capture_output=True, text=True, env=env, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    clean = tmp_path / "clean.duckdb"
    run(clean, [folder])
    got, want = _state(killed), _state(clean)
    assert got == want
    rows, docs, bands, hits = got
    assert len(rows) == 51 and len({r[0] for r in rows}) == 51  # 48 stories + 3 seed copies, no duplicate
    assert docs == (51, 51) and bands[0] == bands[1] and hits


def test_the_runs_memory_cap_grows_with_the_store_so_a_big_store_can_still_be_updated(tmp_path, monkeypatch):
    import wirewatch.ingest as ing

    with Store(tmp_path / "s.duckdb") as store:
        assert ing.ingest_buffer(store) == "64MB"  # an empty store: the floor
        ingest([str(examples_dir())], store=store, published="2025-03-04", nlp=False)
        stored = store.con.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert stored > 0 and ing.ingest_buffer(store) == "64MB"
        monkeypatch.setattr(ing, "BUFFER_PER_ARTICLE_KB", 64 * 1024)  # as if each article needed 64 MB
        assert ing.ingest_buffer(store) == f"{stored * 64}MB"
        monkeypatch.setattr(ing, "INGEST_BUFFER", "")
        assert ing.ingest_buffer(store) == ""  # no cap when the operator says so
