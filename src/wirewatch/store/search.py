"""Full-text search: the one BM25 implementation behind ``wirewatch articles`` and the web API,
over an inverted index the store maintains with every batch.

The index lives in three tables of the store (migration 006): ``search_docs`` (one row per listed
row, stored article or recorded copy: its dense ``docid`` and length in tokens), ``search_postings``
(term, docid, term frequency) and ``search_stopwords``.  ``index_documents`` adds a batch's rows
inside the batch's own transaction, so search is current after each commit and consistent with the
articles whatever happens (a killed run leaves neither half); its cost is that of the batch, never
of the store.  (DuckDB's fts extension, used before, had to rebuild its index over the whole store
after every change: ~8 s at 20k articles.)

Tokens are made exactly as the fts extension makes them (``lower(strip_accents(...))``, runs of
punctuation and digits to one space, split on whitespace, its English stopword list, Porter stems
by its ``stem`` function), and a term is the upper 64 bits of the MD5 of its stem.  Scores are
those of fts's ``match_bm25`` (k1 = 1.2, b = 0.75, disjunctive, ``log`` base 10): df is the number
of docs holding a term, counted from its postings; ``num_docs`` and ``avgdl`` come from
``search_docs``.  Ties in score are broken by date (newest first), then id.

``SearchIndex`` is the compact in-memory form (per term, the sorted doc positions that hold it and
their term frequencies): a query touches only the postings of its terms, with numpy.  The web app
keeps a full one with each snapshot of the store; a single search (``wirewatch articles``) reads
only the postings of its query's terms and the docs that hold them into a partial one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

log = logging.getLogger(__name__)

K1, B = 1.2, 0.75
NO_DAY = np.iinfo(np.int64).min // 2  # an undated article sorts after every dated one
MAX_KEPT_ROWS = 200_000  # keep summary rows in memory up to this many articles (~1 kB each)
COLUMNS = ("id", "story_id", "source", "url", "title", "authors", "agency", "dateline", "published", "language",
           "snippet", "coverage_id")
SUMMARY = ("a.id, a.story_id, a.source, a.url, a.title, a.authors, a.agency, a.dateline, "
           "CAST(a.published AS VARCHAR) AS published, a.language, substr(a.text, 1, 240) AS snippet, a.coverage_id")


@dataclass(frozen=True, slots=True, eq=False)
class SearchIndex:
    """Postings of every indexed term, grouped by term, plus per-article length, date and ids."""

    terms: dict[int, int]  # term id (see ``query_terms``) -> position in ``starts``/``df``
    starts: np.ndarray  # int64, len(terms) + 1: postings of term t are [starts[t], starts[t + 1])
    post_doc: np.ndarray  # int32 article positions
    post_tf: np.ndarray  # float64 term frequencies (title and text together)
    df: np.ndarray  # float64 document frequency per term, as stored by the fts index
    doc_len: np.ndarray  # float64 tokens per article
    doc_day: np.ndarray  # int64 days since 1970 of ``published`` (NO_DAY when unknown)
    doc_rank: np.ndarray  # int64 rank of the article id in sort order (the last tie-break)
    doc_ids: np.ndarray  # object: article ids
    doc_story: np.ndarray  # object: story ids
    num_docs: int
    avgdl: float
    fingerprint: tuple = ()
    rows: list[tuple] | None = None  # summary rows by article position, when small enough to keep

    @property
    def postings(self) -> int:
        return int(self.post_doc.size)

    def score(self, term_ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(article positions, BM25 scores) of the articles holding any of ``term_ids``."""
        docs, weights = [], []
        for t in sorted(set(term_ids)):
            lo, hi = int(self.starts[t]), int(self.starts[t + 1])
            d, tf = self.post_doc[lo:hi], self.post_tf[lo:hi]
            df = self.df[t]
            idf = np.log10((self.num_docs - df + 0.5) / (df + 0.5) + 1.0)
            norm = K1 * ((1.0 - B) + B * (self.doc_len[d] / self.avgdl))
            docs.append(d)
            weights.append(idf * (tf * (K1 + 1.0)) / (tf + norm))
        if not docs:
            return np.zeros(0, dtype=np.int32), np.zeros(0)
        all_docs, all_weights = np.concatenate(docs), np.concatenate(weights)
        if all_docs.size * 8 >= self.doc_len.size:  # many postings: accumulate densely, O(postings + articles)
            n = self.doc_len.size
            hit = np.flatnonzero(np.bincount(all_docs, minlength=n))
            return hit, np.bincount(all_docs, weights=all_weights, minlength=n)[hit]
        uniq, inverse = np.unique(all_docs, return_inverse=True)  # few: sort them, O(postings log postings)
        return uniq, np.bincount(inverse, weights=all_weights, minlength=uniq.size)

    def rank(self, term_ids: list[int], *, limit: int, offset: int = 0, since: str | None = None,
             until: str | None = None, story_id: str | None = None) -> list[tuple[int, float]]:
        """(article position, score) of one page of hits: score descending, then newest first, then id."""
        docs, scores = self.score(term_ids)
        if since or until or story_id:
            keep = np.ones(docs.size, dtype=bool)
            if since:
                keep &= self.doc_day[docs] >= _day(since)
            if until:  # an undated article is outside any period, as in SQL (NULL <= x is not true)
                keep &= (self.doc_day[docs] <= _day(until)) & (self.doc_day[docs] != NO_DAY)
            if story_id:
                keep &= self.doc_story[docs] == story_id
            docs, scores = docs[keep], scores[keep]
        # rounded so that equal scores summed in another order still tie (then date and id decide)
        key = np.round(scores, 9)
        want = offset + limit
        if want <= 0 or not docs.size:
            return []
        if want < docs.size:  # only the articles scoring at least the want-th best can be on the page
            floor = np.partition(key, docs.size - want)[docs.size - want]
            top = np.flatnonzero(key >= floor)
            docs, scores, key = docs[top], scores[top], key[top]
        order = np.lexsort((self.doc_rank[docs], -self.doc_day[docs], -key))
        page = order[offset:offset + limit]
        return [(int(docs[i]), float(scores[i])) for i in page]


def _day(value: str) -> int:
    return int(np.datetime64(value[:10], "D").astype(np.int64))


def has_index(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store holds a search index with at least one doc (migration 006 and an indexed batch)."""
    row = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
                      "AND table_name = 'search_docs'").fetchone()
    if not row[0]:
        return False
    return con.execute("SELECT 1 FROM search_docs LIMIT 1").fetchone() is not None


def fingerprint(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """What identifies the content of a store's search index (None: no index).  Docs are only ever
    appended (with dense docids), so the number of docs and the last docid identify it."""
    if not has_index(con):
        return None
    return tuple(con.execute("SELECT count(*), max(docid), sum(len) FROM search_docs").fetchone())


# -- writing ------------------------------------------------------------------------------
PUNCT = r"""[0-9!@#$%^&*()_+={}\[\]:;<>,.?~\\/\|'"`-]+"""  # as the fts extension's tokenize macro
_TOKENS = ("(SELECT unnest(string_split_regex(regexp_replace(lower(strip_accents(CAST({col} AS VARCHAR))), "
           "?, ' ', 'g'), '\\s+')) AS w{extra} FROM {src})")
_TERM = "CAST(md5_number(stem(w, 'porter')) >> 64 AS UBIGINT)"
_INDEXING = "_wirewatch_search_batch"
_HIT_DOCS = "_wirewatch_search_hits"


def index_documents(con: duckdb.DuckDBPyConnection, docs: list[tuple[str, str | None, str]]) -> int:
    """Add ``(id, title, text)`` rows to the index, in the caller's transaction; return how many.
    Needs the fts extension's ``stem`` function (``duckdb.Error`` where it is not loaded)."""
    if not docs:
        return 0
    first = con.execute("SELECT coalesce(max(docid), -1) + 1 FROM search_docs").fetchone()[0]
    table = pa.table({"docid": pa.array(range(first, first + len(docs)), pa.int64()),
                      "id": pa.array([d[0] for d in docs], pa.string()),
                      "body": pa.array([f"{d[1] or ''} {d[2] or ''}" for d in docs], pa.string())})
    con.register(_INDEXING, table)
    try:
        tokens = _TOKENS.format(col="body", extra=", docid", src=_INDEXING)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _wirewatch_tokens AS SELECT docid, {_TERM} AS term "
                    f"FROM {tokens} WHERE w <> '' AND w NOT IN (SELECT word FROM search_stopwords)",
                    [PUNCT])
        con.execute("INSERT INTO search_postings SELECT term, docid, count(*) FROM _wirewatch_tokens "
                    "GROUP BY term, docid")
        con.execute(f"INSERT INTO search_docs SELECT b.docid, b.id, coalesce(t.n, 0) FROM {_INDEXING} b "
                    "LEFT JOIN (SELECT docid, count(*) AS n FROM _wirewatch_tokens GROUP BY docid) t USING (docid)")
        con.execute("DROP TABLE _wirewatch_tokens")
    finally:
        con.unregister(_INDEXING)
    return len(docs)


def missing_count(con: duckdb.DuckDBPyConnection) -> int:
    """Listed rows (articles and copies) not in the index: 0 unless batches were written where the fts
    extension did not load, or the store predates the index.  Counts only: O(1) in the store's size."""
    return con.execute("SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM copies) "
                       "- (SELECT count(*) FROM search_docs)").fetchone()[0]


def catch_up(con: duckdb.DuckDBPyConnection, *, chunk: int = 2000) -> int:
    """Index every listed row the index lacks (in arrival order, ``chunk`` at a time, each in its own
    transaction); return how many.  Run where ``missing_count`` says the index is behind."""
    done = 0
    while True:
        rows = con.execute("SELECT r.id, r.title, r.text FROM article_rows r ANTI JOIN search_docs d ON d.id = r.id "
                           "ORDER BY r.ingested_at, r.id LIMIT ?", [chunk]).fetchall()
        if not rows:
            return done
        con.execute("BEGIN")
        try:
            index_documents(con, rows)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        done += len(rows)
        log.info("search index: caught up %d rows", done)


# -- reading ------------------------------------------------------------------------------
def build_index(con: duckdb.DuckDBPyConnection, *, terms: list[int] | None = None,
                keep_rows: int = MAX_KEPT_ROWS) -> SearchIndex | None:
    """Read the index into a ``SearchIndex``: all of it (what a server keeps per snapshot), or with
    ``terms`` (term ids from ``query_terms``) only the postings of those terms and the docs holding
    them (what one command-line search needs).  None where the store has no index."""
    mark = fingerprint(con)
    if mark is None:
        return None
    num_docs, total = int(mark[0]), float(mark[2] or 0)
    if terms is None:
        post = con.execute("SELECT term, docid, tf FROM search_postings ORDER BY term, docid").fetchnumpy()
        doc_filter = ""
    else:
        wanted = ", ".join(str(int(t)) for t in terms) or "NULL"  # integers: a constant list
        post = con.execute(f"SELECT term, docid, tf FROM search_postings WHERE term IN ({wanted}) "
                           "ORDER BY term, docid").fetchnumpy()
        doc_filter = f"WHERE d.docid IN (SELECT docid FROM {_HIT_DOCS})"
        keep_rows = -1
    # the docs holding the terms, as a registered Arrow view (a Python list parameter costs far more)
    hits = None if terms is None else pa.table({"docid": pa.array(np.unique(post["docid"]), pa.int64())})
    if hits is not None:
        con.register(_HIT_DOCS, hits)
    try:
        docs = con.execute(  # sorted here, not in SQL: sorting by docid in numpy is far cheaper
            f"SELECT d.docid, d.id, d.len, coalesce(r.published - DATE '1970-01-01', ?) AS day, r.story_id "
            f"FROM search_docs d LEFT JOIN article_rows r ON r.id = d.id {doc_filter}", [int(NO_DAY)]).fetchnumpy()
    finally:
        if hits is not None:
            con.unregister(_HIT_DOCS)
    by_docid = np.argsort(np.asarray(docs["docid"], dtype=np.int64), kind="stable")
    docs = {k: np.asarray(v)[by_docid] for k, v in docs.items()}
    docids = np.asarray(docs["docid"], dtype=np.int64)
    post_terms = np.asarray(post["term"], dtype=np.uint64)
    termids, first_of = np.unique(post_terms, return_index=True)
    starts = np.append(first_of, post_terms.size).astype(np.int64)
    df = np.diff(starts).astype(np.float64)
    ids = np.asarray(docs["id"], dtype=object)
    rank = np.empty(ids.size, dtype=np.int64)
    rank[np.argsort(ids.astype(str), kind="stable")] = np.arange(ids.size)
    rows = None
    if ids.size <= keep_rows:
        rows = con.execute(f"SELECT {SUMMARY} FROM search_docs d LEFT JOIN article_rows a ON a.id = d.id "
                           f"ORDER BY d.docid").fetchall()
    return SearchIndex(
        terms={int(t): i for i, t in enumerate(termids.tolist())},
        starts=starts,
        post_doc=np.searchsorted(docids, np.asarray(post["docid"], dtype=np.int64)).astype(np.int32),
        post_tf=np.asarray(post["tf"], dtype=np.float64),
        df=df,
        doc_len=np.asarray(docs["len"], dtype=np.float64),
        doc_day=np.asarray(docs["day"], dtype=np.int64), doc_rank=rank,
        doc_ids=ids, doc_story=np.asarray(docs["story_id"], dtype=object),
        num_docs=num_docs, avgdl=(total / num_docs) if num_docs else 1.0, fingerprint=mark, rows=rows)


# -- queries ------------------------------------------------------------------------------
def query_terms(con: duckdb.DuckDBPyConnection, query: str) -> tuple[int, ...]:
    """The distinct term ids of ``query``, made by the very SQL that indexes documents.  As in
    ``match_bm25``, stopwords stay in a query: their stems can be those of indexed words
    ("according" -> "accord", as "accorded")."""
    tokens = _TOKENS.format(col="?", extra="", src="(SELECT 1)")
    rows = con.execute(f"SELECT DISTINCT {_TERM} FROM {tokens} WHERE w <> ''", [query, PUNCT]).fetchall()
    return tuple(sorted(int(t) for (t,) in rows if t is not None))


def bm25(con: duckdb.DuckDBPyConnection, query: str, *, limit: int = 20, offset: int = 0,
         since: str | None = None, until: str | None = None, story_id: str | None = None,
         index: SearchIndex | None = None) -> list[dict[str, Any]] | None:
    """Articles matching ``query`` by BM25 over title and text, best first (then newest, then id),
    as summary rows with ``snippet`` and ``score``; None where the store has no usable index.
    ``index``: a full index of this store kept by the caller (the web app's snapshot); without
    it, only the query's postings are read."""
    try:
        terms = query_terms(con, query)  # (raises where there is no index: no tokenizer macro)
        if index is None and not terms:
            return []
        if index is None:
            index = build_index(con, terms=list(terms))
            if index is None:
                return None
    except duckdb.Error as exc:  # e.g. the fts extension did not load in this process
        log.info("full-text index unusable, falling back to substring search: %s", exc)
        return None
    ids = [index.terms[t] for t in terms if t in index.terms]
    hits = index.rank(ids, limit=limit, offset=offset, since=since, until=until, story_id=story_id)
    return _summaries(con, index, hits)


def _summaries(con: duckdb.DuckDBPyConnection, index: SearchIndex,
               hits: list[tuple[int, float]]) -> list[dict[str, Any]]:
    """Summary rows of the hits, in order: from memory where the index keeps them, else one query."""
    if not hits:
        return []
    if index.rows is not None:
        found = {pos: index.rows[pos] for pos, _ in hits}
    else:
        ids = [str(index.doc_ids[pos]) for pos, _ in hits]
        cur = con.execute(f"SELECT {SUMMARY} FROM article_rows a WHERE a.id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
                          [ids])
        by_id = {r[0]: r for r in cur.fetchall()}
        found = {pos: by_id.get(str(index.doc_ids[pos])) for pos, _ in hits}
    out = []
    for pos, score in hits:
        row = found.get(pos)
        if row is None or row[0] is None:  # indexed, then gone: the index is older than the table
            continue
        rec = dict(zip(COLUMNS, row))
        rec["authors"] = list(rec["authors"]) if rec["authors"] is not None else None
        rec["score"] = score
        out.append(rec)
    return out
