from __future__ import annotations

import json

import duckdb
import pyarrow.parquet as pq
import pytest

from wirewatch.errors import StoreError, UsageError
from wirewatch.records import Article, Entity, Mention, Quote, Rejected
from wirewatch.store import Batch, Store, migrations, queries

TEXT = ("HARARE — Zimbabwe's finance minister, Tendai Moyo, said on Monday the country would issue a new "
        "gold-backed currency note next month to curb inflation. “This is about trust,” Moyo said.")


def make(source: str, text: str = TEXT, **kw) -> Article:
    a = Article(source=source, text=text, title="Zimbabwe to issue new note", published="2024-04-08", **kw)
    a.entities = [Entity("Tendai Moyo", "PERSON", ["finance minister"], [Mention("Tendai Moyo", 34, 45)])]
    a.quotes = [Quote("This is about trust,", 150, 170, speaker="Tendai Moyo", cue="said")]
    return a


def write(store: Store, *arts: Article, rejects=()) -> None:
    dd = store.load_deduper()
    items = []
    for a in arts:
        v = dd.judge(a)
        a.story_id = v.story_id
        items.append((a, v))
    store.write_batch(Batch(articles=items, rejects=list(rejects)))


def test_migrations_apply_once_and_are_recorded(tmp_path):
    path = tmp_path / "w.duckdb"
    with Store(path) as s:
        assert s.schema_version() == max(v for v, _, _ in migrations())
        assert s.migrate() == []
    with Store(path) as s:  # reopening applies nothing new
        assert s.migrate() == []


def test_write_and_read_back_records(tmp_path):
    with Store(tmp_path / "w.duckdb") as s:
        a = make("a.txt")
        write(s, a, rejects=[Rejected("bad.gz", "gzip", "truncated gzip stream")])
        back = queries.get_article(s.con, a.id)
        assert back.to_dict() == a.to_dict()
        assert queries.counts(s.con) == {"articles": 1, "stories": 1, "rejects": 1, "events": 0}
        assert queries.rejects(s.con)[0]["code"] == "gzip"
        s.rebuild_search_index()
        hits = queries.search_articles(s.con, "currency")
        assert [h["id"] for h in hits] == [a.id]
        assert queries.search_articles(s.con, "volcano") == []


def test_a_failed_batch_leaves_nothing_behind(tmp_path):
    path = tmp_path / "w.duckdb"
    with Store(path) as s:
        good = make("good.txt")
        write(s, good)
        bad = make("bad.txt", text=TEXT + " More.")
        dd = s.load_deduper()
        v = dd.judge(bad)
        bad.story_id = v.story_id
        bad.quotes = [Quote("x", 0, 1)]
        bad.entities = [Entity(None, "PERSON")]  # violates NOT NULL on entities.name mid-transaction
        with pytest.raises(duckdb.Error):
            s.write_batch(Batch(articles=[(bad, v)], rejects=[Rejected("r.txt", "empty", "empty file")]))
        assert queries.counts(s.con)["articles"] == 1
        assert queries.counts(s.con)["rejects"] == 0


def test_dedup_state_survives_reopening(tmp_path):
    path = tmp_path / "w.duckdb"
    with Store(path) as s:
        first = make("wire.txt")
        write(s, first)
    with Store(path) as s:
        verdict = s.load_deduper().judge(make("copy.html", text=TEXT.replace("HARARE — ", "")))
        assert verdict.story_id == first.story_id and not verdict.new_story


def test_export_formats(tmp_path):
    with Store(tmp_path / "w.duckdb") as s:
        write(s, make("a.txt"), make("b.txt", text="Another story entirely about rainfall in Chile's desert."))
        assert queries.export(s.con, tmp_path / "out.parquet") == 2
        assert queries.export(s.con, tmp_path / "out.csv") == 2
        assert queries.export(s.con, tmp_path / "out.jsonl") == 2
        with pytest.raises(UsageError):
            queries.export(s.con, tmp_path / "out.xlsx")
    table = pq.read_table(tmp_path / "out.parquet")
    assert {"id", "story_id", "source", "text", "entities"} <= set(table.column_names)
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    assert {json.loads(line)["source"] for line in lines} == {"a.txt", "b.txt"}
    assert (tmp_path / "out.csv").read_text().startswith("id,story_id,source")


def test_read_only_store_must_exist(tmp_path):
    with pytest.raises(StoreError):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_feed_validators_are_committed_with_the_next_batch(tmp_path):
    path = tmp_path / "w.duckdb"
    with Store(path) as s:
        s.put("https://news.example/feed.xml", '"v1"', None)
        assert s.get("https://news.example/feed.xml") == ('"v1"', None)
    with Store(path) as s:  # closed before any batch: the feed counts as unread
        assert s.get("https://news.example/feed.xml") is None
        s.put("https://news.example/feed.xml", '"v2"', "Mon, 01 Apr 2024 10:00:00 GMT")
        write(s, make("item.html"))
    with Store(path) as s:
        assert s.get("https://news.example/feed.xml") == ('"v2"', "Mon, 01 Apr 2024 10:00:00 GMT")


def test_a_locked_store_is_waited_for_then_reported(tmp_path):
    import subprocess
    import sys
    import time

    path = tmp_path / "w.duckdb"
    Store(path).close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(float(sys.argv[2]))", str(path), "1.5"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "ready"
    t0 = time.monotonic()
    with Store(path, lock_timeout=20) as s:  # waits for the other writer to let go
        assert s.schema_version() >= 1
    assert time.monotonic() - t0 >= 0.5
    holder.wait()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(5)", str(path)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "ready"
    with pytest.raises(StoreError, match="lock"):
        Store(path, lock_timeout=0.3)
    holder.kill()


def _variants(n: int) -> list[Article]:
    """``n`` stories, each followed by a lightly edited re-post and an exact re-post elsewhere."""
    import random

    rng = random.Random(2)
    words = ["harbour", "grain", "convoy", "minister", "rains", "border", "court", "market", "clinic", "ferry",
             "budget", "school", "strike", "bridge", "militia", "tariff", "drought", "airport", "census", "mine"]
    out = []
    for k in range(n):
        body = " ".join(rng.choice(words) for _ in range(80)) + f" story {k}."
        out += [make(f"s{k}.txt", text=body), make(f"s{k}-edit.html", text=body.replace(" story", " report")),
                make(f"s{k}-again.html", text=body)]
    return out


def test_the_store_deduper_judges_as_the_in_memory_one_and_forgets_after_each_batch(tmp_path):
    """Candidates probed by content hash and band key in the store give the verdicts of the
    in-memory index of every signature, batch after batch; after a commit nothing stays in memory."""
    arts = _variants(8)
    with Store(tmp_path / "probe.duckdb") as s:
        dd = s.deduper()
        probed = []
        for k in range(0, len(arts), 5):
            chunk = arts[k:k + 5]
            verdicts = dd.judge_many(chunk)
            probed += [(v.story_id, v.duplicate, v.new_story) for v in verdicts]
            s.write_batch(Batch(articles=[(a, v) for a, v in zip(chunk, verdicts) if not v.duplicate]))
            dd.settle()
            assert len(dd) == 0
        bands = s.con.execute("SELECT count(DISTINCT article_id) FROM lsh_bands").fetchone()[0]
    with Store(tmp_path / "memory.duckdb") as memory:
        dd = memory.load_deduper()
        expected = [(v.story_id, v.duplicate, v.new_story) for v in (dd.judge(a) for a in arts)]
    assert probed == expected
    assert sum(not d for _, d, _ in probed) == bands == 16  # the edited re-posts are stored, exact ones are not
    assert len({s for s, _, _ in probed}) == 8


def test_an_older_store_gets_band_keys_and_search_on_opening(tmp_path):
    path = tmp_path / "old.duckdb"
    with Store(path) as s:
        write(s, make("a.txt"))
        s.con.execute("DELETE FROM lsh_bands")
        s.con.execute("DELETE FROM search_docs")
        s.con.execute("DELETE FROM search_postings")
    with Store(path) as s:  # as a store written before migration 006 is opened for the first time
        assert s.con.execute("SELECT count(*) FROM lsh_bands").fetchone()[0] > 0
        assert [h["source"] for h in queries.search_articles(s.con, "currency")] == ["a.txt"]
        assert s.deduper().judge(make("b.txt", text=TEXT.replace("HARARE — ", ""))).story_id == \
            queries.search_articles(s.con, "currency")[0]["story_id"]


def test_appends_go_into_small_row_groups_and_cursors_see_the_store(tmp_path):
    """A table with an index takes a small append into its last row group, which the next checkpoint
    rewrites whole: row groups are kept small so that cost does not grow with the store."""
    from wirewatch.store.db import ROW_GROUP_ROWS

    path = tmp_path / "w.duckdb"
    with Store(path) as s:
        for k in range(3):  # three runs appending to a table with a primary key
            s.con.execute("INSERT INTO ingests (id, started_at) SELECT i, now()::TIMESTAMP FROM range(?, ?) t(i)",
                          [k * 1500 + 1, (k + 1) * 1500 + 1])
            s.con.execute("CHECKPOINT")
        per_group = s.con.execute("SELECT row_group_id, sum(count) FROM pragma_storage_info('ingests') "
                                  "WHERE column_path = '[0]' GROUP BY 1").fetchall()
        assert sum(n for _, n in per_group) == 4500
        assert max(n for _, n in per_group) <= ROW_GROUP_ROWS < 4500
        assert s.con.execute("SELECT current_setting('temp_directory')").fetchone()[0] == f"{path}.tmp"
        cur = s.cursor()  # another thread's cursor reads the same store
        assert cur.execute("SELECT count(*) FROM ingests").fetchone()[0] == 4500
        cur.close()
    with Store(path, read_only=True) as s:
        assert s.cursor().execute("SELECT count(*) FROM ingests").fetchone()[0] == 4500


def test_an_older_store_migrates_its_indexes_and_still_finds_copies_by_hash(tmp_path):
    path = tmp_path / "old.duckdb"
    with Store(path) as s:
        write(s, make("a.txt"))
        s.con.execute("CREATE INDEX articles_hash ON articles (content_hash)")  # as stores before migration 013
        s.con.execute("DROP INDEX coverage_profiles_article")  # ... and 014
        s.con.execute("DELETE FROM schema_migrations WHERE version IN (13, 14)")
    with Store(path) as s:
        assert {13, 14} <= {v for (v,) in s.con.execute("SELECT version FROM schema_migrations").fetchall()}
        indexes = {n for (n,) in s.con.execute("SELECT index_name FROM duckdb_indexes()").fetchall()}
        assert "articles_hash" not in indexes and "coverage_profiles_article" in indexes
        v = s.deduper().judge(make("https://other.example/a.html"))  # the same body from another source
        assert v.duplicate and v.article_id == make("a.txt").id
