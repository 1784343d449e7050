"""The one search (``store.search``): the scores of DuckDB's ``match_bm25``, a deterministic order,
filters and paging, the same answers from a full index (web app) and a partial one (CLI), an index
current after each batch.  DuckDB's fts index is built here only as the reference."""

from __future__ import annotations

import numpy as np
import pytest

from test_serve_support import plain_article, write_articles
from wirewatch.records import Article
from wirewatch.serve.snapshot import SnapshotReader
from wirewatch.store import Store, queries, search


def _article(i: int, title: str, body: str, day: int | None) -> Article:
    return Article(source=f"fixtures/s-{i}.txt", title=title, text=body,
                   published=f"2031-05-{day:02d}" if day else None, agency="Northwire", language="en")


ARTICLES = [
    _article(1, "Floods close the port of Velka", "Floods closed the port of Velka on Monday. Trucks waited.", 3),
    _article(2, "Ferry strike in Velka", "A ferry strike stopped boats. The port stayed open despite floods.", 4),
    _article(3, "Harvest festival", "Farmers in Quellen held a harvest festival with music and bread.", 5),
    _article(4, "Floods close the port of Velka", "Floods closed the port of Velka on Tuesday. Boats waited.", 6),
    _article(5, "Council vote", "The council voted on tariffs for the port after a long debate on fees.", 7),
    _article(6, "Undated note", "A port note without any date, filed by the harbour desk as accorded.", None),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("search") / "s.duckdb"
    write_articles(db, ARTICLES + [plain_article(i) for i in range(10, 14)])
    with Store(db) as st:  # the reference: DuckDB's own fts index over the same articles
        st.con.execute("PRAGMA create_fts_index('articles', 'id', 'title', 'text', overwrite=1)")
    with Store(db, read_only=True) as st:
        yield st


def _reference(con, query: str) -> dict[str, float]:
    """Scores by the fts extension's own macro (what the old search ran on every row)."""
    rows = con.execute("SELECT id, fts_main_articles.match_bm25(id, ?) AS s FROM articles", [query]).fetchall()
    return {aid: s for aid, s in rows if s is not None}


@pytest.mark.parametrize("query", ["floods port", "Velka", "harvest bread festival", "the port of Velka floods",
                                   "according to the harbour desk",
                                   "fees tariff council", "nothing-matches-this"])
def test_scores_are_those_of_match_bm25(store, query):
    full = search.build_index(store.con)
    ref = _reference(store.con, query)
    for index in (full, None):  # the web app's full index, the command line's partial one
        got = search.bm25(store.con, query, limit=100, index=index)
        assert {r["id"]: pytest.approx(r["score"], rel=1e-9) for r in got} == ref
    assert queries.search_articles(store.con, query, limit=100) == search.bm25(store.con, query, limit=100,
                                                                               index=full)


def test_equal_scores_are_ordered_newest_first_then_by_id(store):
    rows = queries.search_articles(store.con, "floods close velka", limit=10)
    twins = [r for r in rows if r["title"] == "Floods close the port of Velka"]
    assert [r["published"] for r in twins] == ["2031-05-06", "2031-05-03"]
    keys = [(-round(r["score"], 9), "".join(chr(255 - ord(c)) for c in r["published"]), r["id"]) for r in rows]
    assert keys == sorted(keys)


def test_filters_and_paging(store):
    every = queries.search_articles(store.con, "port", limit=50)
    assert len(every) >= 5
    assert queries.search_articles(store.con, "port", limit=2, offset=1) == every[1:3]
    assert [r["title"] for r in every if r["published"] is None] == ["Undated note"]  # found, yet in no period:
    may = queries.search_articles(store.con, "port", since="2031-05-04", until="2031-05-06", limit=50)
    assert [r["id"] for r in may] == [r["id"] for r in every
                                      if "2031-05-04" <= (r["published"] or "") <= "2031-05-06"]
    before = queries.search_articles(store.con, "port", until="2031-05-06", limit=50)
    assert before and all(r["published"] and r["published"] <= "2031-05-06" for r in before)
    one = every[0]
    assert [r["id"] for r in queries.search_articles(store.con, "port", story_id=one["story_id"])] == [one["id"]]
    assert set(one) == {"id", "story_id", "source", "url", "title", "authors", "agency", "dateline", "published",
                        "language", "coverage_id", "snippet", "score"}
    assert one["snippet"] and isinstance(one["published"], str)


def test_summaries_read_from_the_store_when_too_many_to_keep(store):
    kept = search.build_index(store.con)
    lean = search.build_index(store.con, keep_rows=0)
    assert kept.rows is not None and lean.rows is None
    for q in ("floods", "harbour vote"):
        assert search.bm25(store.con, q, index=lean) == search.bm25(store.con, q, index=kept)


def test_without_the_fts_extension_search_falls_back_then_catches_up(tmp_path, monkeypatch):
    from wirewatch.store import Batch, db as store_db

    path = tmp_path / "plain.duckdb"
    monkeypatch.setattr(store_db, "_load_fts", lambda con: False)  # no stemmer in this process
    with Store(path) as st:
        dd = st.deduper()
        st.write_batch(Batch(articles=[(a, dd.judge(a)) for a in ARTICLES]))
    with Store(path, read_only=True) as st:
        assert search.fingerprint(st.con) is None and search.bm25(st.con, "floods") is None
        hits = queries.search_articles(st.con, "Ferry strike")
        assert [h["title"] for h in hits] == ["Ferry strike in Velka"] and hits[0]["score"] is None
    monkeypatch.undo()
    with Store(path) as st:  # opened where the extension loads: the missing articles are indexed
        assert search.fingerprint(st.con)[0] == len(ARTICLES)
        assert [h["title"] for h in search.bm25(st.con, "ferry strike")][0] == "Ferry strike in Velka"


def test_each_batch_is_searchable_at_once_and_only_its_rows_are_indexed(tmp_path):
    from wirewatch.store import Batch

    path = tmp_path / "grow.duckdb"
    write_articles(path, ARTICLES[:3])
    with Store(path) as st:
        before = st.con.execute("SELECT count(*), max(docid) FROM search_docs").fetchone()
        dd = st.deduper()
        st.write_batch(Batch(articles=[(a, dd.judge(a)) for a in ARTICLES[3:5]]))
        after = st.con.execute("SELECT count(*), max(docid) FROM search_docs").fetchone()
        assert after == (before[0] + 2, before[1] + 2)
        assert [h["title"] for h in search.bm25(st.con, "tariffs council")][0] == "Council vote"


def test_a_snapshot_keeps_its_index_until_the_index_changes(tmp_path):
    db = tmp_path / "snap.duckdb"
    write_articles(db, [plain_article(1), plain_article(2)])
    reader = SnapshotReader(db, min_interval=60)
    try:
        first = reader._current.index
        assert first is not None and first.num_docs == 2
        with Store(db) as st:  # a watch added: the store file changes, its search index does not
            st.con.execute("CREATE TABLE IF NOT EXISTS _unrelated (x INTEGER)")
        assert reader.refresh() and reader._current.index is first
        write_articles(db, [plain_article(3), plain_article(4)])  # one batch: indexed with its commit
        assert reader.refresh()
        assert reader._current.index is not first and reader._current.index.num_docs == 4
        hits = reader.read(lambda cur, index: search.bm25(cur, "harbour", limit=10, index=index), with_index=True)
        assert len(hits) == 4
    finally:
        reader.close()


def test_index_holds_the_tokens_of_the_fts_extension(store):
    """Per article, the length and the term frequencies equal those of DuckDB's fts index."""
    ours = dict(store.con.execute(
        "SELECT d.id, list((p.term, p.tf)) FROM search_docs d JOIN search_postings p USING (docid) "
        "GROUP BY d.id").fetchall())
    ref = dict(store.con.execute(
        "SELECT d.name, list((CAST(md5_number(t.term) >> 64 AS UBIGINT), x.tf)) FROM "
        "(SELECT docid, termid, count(*) AS tf FROM fts_main_articles.terms GROUP BY ALL) x "
        "JOIN fts_main_articles.dict t USING (termid) JOIN fts_main_articles.docs d USING (docid) GROUP BY d.name"
    ).fetchall())
    assert {k: sorted(map(tuple, v)) for k, v in ours.items()} == {k: sorted(map(tuple, v)) for k, v in ref.items()}
    assert dict(store.con.execute("SELECT id, len FROM search_docs").fetchall()) == dict(
        store.con.execute("SELECT name, len FROM fts_main_articles.docs").fetchall())


def test_query_terms_are_the_fts_tokenizers(store):
    """Query terms equal the fts macro's tokens (Porter stems; match_bm25 keeps stopwords in queries), on odd
    punctuation and random text."""
    import random
    import string

    rng = random.Random(11)
    alphabet = string.ascii_letters + string.digits + string.punctuation + " \t\n"
    queries_ = ["Protest in Velka's port!", "U.S.-led talks, 2031: ceasefire?", "a\\b/c|d\"e`f'g h",
                "e-mail co-operation state-of-the-art", "x_y+z=w {q} [r] <s> ~t^u%v$w#x@y*z(a)b;c:d", "!!!", "",
                "ÉLECTION à Côte-d'Ivoire", "running runners ran", "the and of about"]
    queries_ += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(200)]
    for q in queries_:
        rows = store.con.execute(
            "SELECT DISTINCT CAST(md5_number(stem(w, 'porter')) >> 64 AS UBIGINT) FROM "
            "(SELECT unnest(fts_main_articles.tokenize(?)) AS w) WHERE w <> ''", [q]).fetchall()
        assert search.query_terms(store.con, q) == tuple(sorted(t for (t,) in rows)), q


def _answers(con, index, queries_=("floods port", "harbour vote", "Velka", "quota tariff", "council fees")):
    return [search.bm25(con, q, limit=50, index=index) for q in queries_]


def test_an_index_extended_batch_by_batch_answers_as_one_read_at_once(tmp_path):
    """What the web app does after each batch: extend its index with the docs indexed since; the
    answers (scores, order, rows) equal those of an index read whole, and only new docs are read."""
    path = tmp_path / "ext.duckdb"
    write_articles(path, ARTICLES[:2])
    with Store(path, read_only=True) as st:
        index = search.build_index(st.con)
        assert search.extend_index(st.con, index) is index  # nothing new: the same object
    batches = [ARTICLES[2:4], [plain_article(i) for i in range(20, 23)], ARTICLES[4:], [plain_article(30)]]
    for batch in batches:
        write_articles(path, batch)
        with Store(path, read_only=True) as st:
            extended = search.extend_index(st.con, index)
            whole = search.build_index(st.con)
            assert extended is not index and extended.num_docs == whole.num_docs == index.num_docs + len(batch)
            assert extended.postings == whole.postings and len(extended.segments) >= 1
            assert extended.rows == whole.rows
            assert _answers(st.con, extended) == _answers(st.con, whole)
            index = extended
    assert len(index.segments) < 1 + len(batches)  # small segments were merged as they came


def test_segments_merge_into_few_and_keep_the_postings():
    def seg(terms, docs):
        return search._segment(np.asarray(terms, np.uint64), np.asarray(docs), np.ones(len(docs)))

    segs: tuple = ()
    for k in range(64):  # 64 equal batches: a binary-counter-like set of segments, never 64
        segs = search._add_segment(segs, seg([1, 2, 2], [2 * k, 2 * k, 2 * k + 1]))
    assert len(segs) <= 7 and sum(s.size for s in segs) == 64 * 3
    merged = segs[0]
    lo, hi = merged.span(2)
    assert list(merged.post_doc[lo:hi]) == sorted(merged.post_doc[lo:hi])  # a term's docs stay in order
    assert merged.span(3) == (0, 0)


def test_an_extended_index_shows_coverage_merges_made_since(tmp_path):
    """Rows kept in memory carry a coverage_id; a later batch may merge that cluster into another:
    the extended index answers with the cluster it was merged into, as a fresh read does."""
    path = tmp_path / "merge.duckdb"
    write_articles(path, ARTICLES)
    with Store(path, read_only=True) as st:
        index = search.build_index(st.con)
        old = st.con.execute("SELECT coverage_id FROM articles WHERE title = 'Council vote'").fetchone()[0]
    with Store(path) as st:  # what coverage.assign records when a new article bridges two clusters
        st.con.execute("UPDATE articles SET coverage_id = 'cov-merged' WHERE coverage_id = ?", [old])
        st.con.execute("INSERT INTO coverage_merges VALUES (?, 'cov-merged', 'x', now())", [old])
    write_articles(path, [plain_article(40)])
    with Store(path, read_only=True) as st:
        extended = search.extend_index(st.con, index)
        hits = search.bm25(st.con, "council tariffs", index=extended)
        assert hits[0]["title"] == "Council vote" and hits[0]["coverage_id"] == "cov-merged"
        assert _answers(st.con, extended) == _answers(st.con, search.build_index(st.con))
