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
