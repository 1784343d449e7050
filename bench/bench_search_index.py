"""Incremental full-text index candidates side by side: the store's own postings tables (what
wirewatch uses, ``store.search``) and Tantivy (the ``tantivy`` package, a segment-based engine).

    python3 bench/bench_search_index.py              # ranking check + update cost at 1k and 20k docs
    python3 bench/bench_search_index.py --sizes 1000

1. Ranking, against today's reference (DuckDB fts ``match_bm25`` over title and text, rebuilt in
   full) on the real articles of the shared corpora (Guardian, BBC, Times of India): top-10 overlap
   on 60 queries of two or three content words drawn (seeded) from the articles themselves.
2. Update cost: adding 50 documents to an index that holds N (synthetic articles as in
   bench_growth), committed and visible to search, and the time of one query, median of rounds.

Tantivy is only measured here (``pip install tantivy``); the section skips where it is absent.
Skips (exit 0) where the shared data is absent.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_growth as growth  # noqa: E402

K = 10
_WORD = re.compile(r"[A-Za-z]{5,}")


def reference_topk(docs: list[tuple[str, str, str]], queries: list[str]) -> list[list[tuple[str, float]]]:
    import duckdb

    from wirewatch.store.db import _load_fts

    con = duckdb.connect()
    if not _load_fts(con):
        raise SystemExit("skipped: the fts extension does not load")
    con.execute("CREATE TABLE articles (id VARCHAR, title VARCHAR, text VARCHAR)")
    con.executemany("INSERT INTO articles VALUES (?, ?, ?)", docs)
    con.execute("PRAGMA create_fts_index('articles', 'id', 'title', 'text', overwrite=1)")
    out = []
    for q in queries:
        rows = con.execute("SELECT id, s FROM (SELECT id, fts_main_articles.match_bm25(id, ?) AS s FROM articles) "
                           "WHERE s IS NOT NULL ORDER BY s DESC, id LIMIT ?", [q, K]).fetchall()
        out.append([(r[0], round(r[1], 9)) for r in rows])
    return out


class Postings:
    """The store's index (``store.search``) in a DuckDB file."""

    name = "store postings (DuckDB tables)"

    def __init__(self, folder: Path) -> None:
        from wirewatch.store import Store

        self.store = Store(folder / "p.duckdb")

    def add(self, docs: list[tuple[str, str, str]]) -> None:
        from wirewatch.store import search

        con = self.store.con
        con.execute("BEGIN")
        search.index_documents(con, docs)
        con.execute("COMMIT")

    def topk(self, query: str) -> list[tuple[str, float]]:
        from wirewatch.store import search

        terms = search.query_terms(self.store.con, query)
        index = search.build_index(self.store.con, terms=list(terms))
        if index is None:
            return []
        hits = index.rank(list(terms), limit=K)
        return [(str(index.doc_ids[pos]), round(score, 9)) for pos, score in hits]

    def close(self) -> None:
        self.store.close()


class Tantivy:
    """Tantivy: one text field (title and text), its English stemming tokenizer, BM25."""

    name = "tantivy 0.27 (en_stem, one field)"

    def __init__(self, folder: Path) -> None:
        import tantivy

        sb = tantivy.SchemaBuilder()
        sb.add_text_field("id", stored=True, tokenizer_name="raw")
        sb.add_text_field("body", stored=False, tokenizer_name="en_stem")
        self.schema = sb.build()
        (folder / "tantivy").mkdir()
        self.index = tantivy.Index(self.schema, path=str(folder / "tantivy"))

    def add(self, docs: list[tuple[str, str, str]]) -> None:
        import tantivy

        writer = self.index.writer(heap_size=50_000_000, num_threads=1)
        for did, title, text in docs:
            writer.add_document(tantivy.Document(id=did, body=f"{title or ''} {text}"))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()

    def topk(self, query: str) -> list[tuple[str, float]]:
        searcher = self.index.searcher()
        words = " ".join(re.findall(r"\w+", query))
        q = self.index.parse_query(words, ["body"])
        return [(searcher.doc(addr)["id"][0], score) for score, addr in searcher.search(q, K).hits]

    def close(self) -> None:
        pass


def candidates() -> list[type]:
    out: list[type] = [Postings]
    try:
        import tantivy  # noqa: F401
        out.append(Tantivy)
    except ImportError:
        print("  (tantivy not installed: `pip install tantivy` to measure it)")
    return out


def overlap(a: list, b: list) -> float:
    a, b = [x[0] for x in a], [x[0] for x in b]
    return len(set(a) & set(b)) / max(1, len(a)) if a else float(not b)


def ranking(real: list[tuple[str, str, str]]) -> None:
    rng = random.Random(3)
    queries = []
    for _ in range(60):
        _, title, text = rng.choice(real)
        words = [w for w in _WORD.findall(f"{title} {text}")]
        queries.append(" ".join(rng.sample(words, k=min(len(words), rng.choice((2, 3))))))
    ref = reference_topk(real, queries)
    print(f"ranking: top-{K} overlap with today's BM25 (fts match_bm25), {len(real)} real articles, "
          f"{len(queries)} queries")
    for cls in candidates():
        with tempfile.TemporaryDirectory() as tmp:
            idx = cls(Path(tmp))
            idx.add(real)
            got = [idx.topk(q) for q in queries]
            idx.close()
        ov = [overlap(r, g) for r, g in zip(ref, got)]
        same = sum([x[0] for x in r] == [x[0] for x in g] for r, g in zip(ref, got))
        # equal score lists: the same ranking, up to the order of tied documents (fts leaves ties to chance)
        scores = sum([x[1] for x in r] == [x[1] for x in g] for r, g in zip(ref, got))
        print(f"  {cls.name:36s} mean overlap {statistics.mean(ov):.3f}, identical top-{K} lists {same}/{len(ref)}, "
              f"identical top-{K} scores {scores}/{len(ref)}")


def update_cost(sizes: list[int], rounds: int, docs_pool) -> None:
    print("update cost: add 50 documents to an index of N, commit, searchable (median of rounds)")
    rng = random.Random(8)
    for n in sizes:
        base = [(f"b{i}", a["title"], a["text"]) for i, a in
                enumerate(growth.make_article(rng, docs_pool, i, tag="b") for i in range(n))]
        for cls in candidates():
            adds, queries = [], []
            with tempfile.TemporaryDirectory() as tmp:
                idx = cls(Path(tmp))
                for k in range(0, n, 5000):
                    idx.add(base[k:k + 5000])
                for r in range(rounds):
                    new = [(f"u{r}-{i}", a["title"], a["text"]) for i, a in enumerate(
                        growth.make_article(rng, docs_pool, i, tag="u", marker=True) for i in range(50))]
                    t0 = time.perf_counter()
                    idx.add(new)
                    adds.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    found = idx.topk(f"{growth.MARKER} inquiry")
                    queries.append(time.perf_counter() - t0)
                    assert found, "the new documents must be searchable at once"
                idx.close()
                shutil.rmtree(tmp, ignore_errors=True)
            print(f"  N={n:6d}  {cls.name:36s} add 50 + commit {statistics.median(adds) * 1000:7.1f} ms   "
                  f"one query {statistics.median(queries) * 1000:6.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,20000")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if not growth.CORPORA.is_dir():
        print(f"skipped: no shared corpora at {growth.CORPORA}")
        return
    texts = growth.load_texts()
    real = [(f"r{i}", " ".join(t.split()[:10]), t) for i, t in enumerate(texts)]
    ranking(real)
    update_cost([int(s) for s in args.sizes.split(",")], args.rounds, growth.sentences_of(texts))


if __name__ == "__main__":
    main()
