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
class Segment:
    """The postings of the docs of one docid range, grouped by term (an index is a few of these)."""

    terms: np.ndarray  # uint64 distinct term ids, sorted
    starts: np.ndarray  # int64, len(terms) + 1: postings of terms[i] are [starts[i], starts[i + 1])
    post_doc: np.ndarray  # int32 doc positions (of the whole index)
    post_tf: np.ndarray  # int32 term frequencies (title and text together)

    @property
    def size(self) -> int:
        return int(self.post_doc.size)

    def span(self, term: int) -> tuple[int, int]:
        i = int(np.searchsorted(self.terms, np.uint64(term)))
        if i < self.terms.size and int(self.terms[i]) == term:
            return int(self.starts[i]), int(self.starts[i + 1])
        return 0, 0


def _segment(terms: np.ndarray, docs: np.ndarray, tfs: np.ndarray) -> Segment:
    """A segment from postings sorted by (term, doc)."""
    uniq, first = np.unique(terms, return_index=True)
    return Segment(terms=uniq.astype(np.uint64), starts=np.append(first, terms.size).astype(np.int64),
                   post_doc=docs.astype(np.int32), post_tf=tfs.astype(np.int32))


def _merge(a: Segment, b: Segment) -> Segment:
    """One segment holding the postings of both (``b``'s docs come after ``a``'s)."""
    terms = np.concatenate([np.repeat(a.terms, np.diff(a.starts)), np.repeat(b.terms, np.diff(b.starts))])
    order = np.argsort(terms, kind="stable")  # stable: a term's docs stay in ascending order
    return _segment(terms[order], np.concatenate([a.post_doc, b.post_doc])[order],
                    np.concatenate([a.post_tf, b.post_tf])[order])


def _add_segment(segments: tuple[Segment, ...], new: Segment) -> tuple[Segment, ...]:
    """Append ``new``, merging the smallest segments while one is not much smaller than the one before it:
    a few segments of geometrically growing size, each posting merged O(log n) times in all."""
    out = list(segments) + [new]
    while len(out) > 1 and out[-1].size * 4 >= out[-2].size:
        b = out.pop()
        out[-1] = _merge(out[-1], b)
    return tuple(out)


@dataclass(frozen=True, slots=True, eq=False)
class SearchIndex:
    """Postings of every indexed term (in a few segments), plus per-doc length, date and ids.

    A full index (``build_index(con)``) can be brought up to date with later batches by ``extend_index``,
    which reads only the docs indexed since and their postings (docids only grow)."""

    segments: tuple[Segment, ...]
    doc_len: np.ndarray  # float64 tokens per doc
    doc_day: np.ndarray  # int64 days since 1970 of ``published`` (NO_DAY when unknown)
    doc_ids: np.ndarray  # object: article ids
    doc_story: np.ndarray  # object: story ids
    num_docs: int
    avgdl: float
    fingerprint: tuple = ()
    rows: list[tuple] | None = None  # summary rows by doc position, when small enough to keep
    partial: bool = False  # holds the postings of some terms only (one search's): cannot be extended
    merges: dict[str, str] | None = None  # coverage merges (from -> into) seen since the rows were read
    merged_at: Any = None  # the latest merge seen

    @property
    def postings(self) -> int:
        return sum(seg.size for seg in self.segments)

    def score(self, term_ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(doc positions, BM25 scores) of the docs holding any of ``term_ids`` (term ids from ``query_terms``)."""
        docs, weights = [], []
        for t in sorted(set(int(t) for t in term_ids)):
            spans = [(seg, *seg.span(t)) for seg in self.segments]
            df = float(sum(hi - lo for _, lo, hi in spans))
            if not df:
                continue
            idf = np.log10((self.num_docs - df + 0.5) / (df + 0.5) + 1.0)
            for seg, lo, hi in spans:
                if hi > lo:
                    d, tf = seg.post_doc[lo:hi], seg.post_tf[lo:hi].astype(np.float64)
                    norm = K1 * ((1.0 - B) + B * (self.doc_len[d] / self.avgdl))
                    docs.append(d)
                    weights.append(idf * (tf * (K1 + 1.0)) / (tf + norm))
        if not docs:
            return np.zeros(0, dtype=np.int32), np.zeros(0)
        all_docs, all_weights = np.concatenate(docs), np.concatenate(weights)
        if all_docs.size * 8 >= self.doc_len.size:  # many postings: accumulate densely, O(postings + docs)
            n = self.doc_len.size
            hit = np.flatnonzero(np.bincount(all_docs, minlength=n))
            return hit, np.bincount(all_docs, weights=all_weights, minlength=n)[hit]
        uniq, inverse = np.unique(all_docs, return_inverse=True)  # few: sort them, O(postings log postings)
        return uniq, np.bincount(inverse, weights=all_weights, minlength=uniq.size)

    def rank(self, term_ids: list[int], *, limit: int, offset: int = 0, since: str | None = None,
             until: str | None = None, story_id: str | None = None) -> list[tuple[int, float]]:
        """(doc position, score) of one page of hits: score descending, then newest first, then id."""
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
        if want < docs.size:  # only the docs scoring at least the want-th best can be on the page
            floor = np.partition(key, docs.size - want)[docs.size - want]
            top = np.flatnonzero(key >= floor)
            docs, scores, key = docs[top], scores[top], key[top]
        by_id = np.argsort(np.argsort(self.doc_ids[docs].astype(str), kind="stable"), kind="stable")
        order = np.lexsort((by_id, -self.doc_day[docs], -key))
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
        docs = _docs(con, doc_filter)
    finally:
        if hits is not None:
            con.unregister(_HIT_DOCS)
    docids = np.asarray(docs["docid"], dtype=np.int64)
    segment = _segment(np.asarray(post["term"], dtype=np.uint64),
                       np.searchsorted(docids, np.asarray(post["docid"], dtype=np.int64)),
                       np.asarray(post["tf"], dtype=np.int32))
    rows = None
    merged_at = _last_merge(con)
    if docids.size <= keep_rows:
        rows = con.execute(f"SELECT {SUMMARY} FROM search_docs d LEFT JOIN article_rows a ON a.id = d.id "
                           f"ORDER BY d.docid").fetchall()
    return SearchIndex(
        segments=(segment,), doc_len=np.asarray(docs["len"], dtype=np.float64),
        doc_day=np.asarray(docs["day"], dtype=np.int64), doc_ids=np.asarray(docs["id"], dtype=object),
        doc_story=np.asarray(docs["story_id"], dtype=object), num_docs=num_docs,
        avgdl=(total / num_docs) if num_docs else 1.0, fingerprint=mark, rows=rows, partial=terms is not None,
        merges={}, merged_at=merged_at)


def extend_index(con: duckdb.DuckDBPyConnection, index: SearchIndex | None, *,
                 keep_rows: int = MAX_KEPT_ROWS) -> SearchIndex | None:
    """``index`` brought up to date with the store: the same object when nothing was indexed since;
    else a new index sharing its segments plus one for the docs indexed since (docids only grow, so
    those are the docs after its last one: rows appended in docid order, read through DuckDB's
    min/max of each row group without touching the older ones).  What the web app does after each
    batch instead of re-reading the whole index.  Falls back to ``build_index`` where the store's
    index is not an extension of ``index`` (another store, a partial index)."""
    mark = fingerprint(con)
    if mark is None:
        return None
    if index is not None and index.fingerprint == mark:
        return index
    if index is None or index.partial or not index.fingerprint or mark[0] < index.fingerprint[0]:
        return build_index(con, keep_rows=keep_rows)
    last = int(index.fingerprint[1])
    docs = _docs(con, "WHERE d.docid > ?", [last])
    docids = np.asarray(docs["docid"], dtype=np.int64)
    if index.num_docs + docids.size != int(mark[0]):  # not an append-only successor: read it all again
        return build_index(con, keep_rows=keep_rows)
    post = con.execute("SELECT term, docid, tf FROM search_postings WHERE docid > ? ORDER BY term, docid",
                       [last]).fetchnumpy()
    segment = _segment(np.asarray(post["term"], dtype=np.uint64),
                       index.num_docs + np.searchsorted(docids, np.asarray(post["docid"], dtype=np.int64)),
                       np.asarray(post["tf"], dtype=np.int32))
    num_docs, total = int(mark[0]), float(mark[2] or 0)
    rows = None
    if index.rows is not None and num_docs <= keep_rows:
        rows = index.rows + con.execute(
            f"SELECT {SUMMARY} FROM search_docs d LEFT JOIN article_rows a ON a.id = d.id WHERE d.docid > ? "
            "ORDER BY d.docid", [last]).fetchall()
    merges, merged_at = dict(index.merges or {}), index.merged_at
    if rows is not None:  # coverage merges since: rows read earlier show the cluster they were merged into
        for from_id, into_id, at in _merges_since(con, merged_at):
            merges[from_id] = into_id
            merged_at = at
    return SearchIndex(
        segments=_add_segment(index.segments, segment) if segment.size else index.segments,
        doc_len=np.concatenate([index.doc_len, np.asarray(docs["len"], dtype=np.float64)]),
        doc_day=np.concatenate([index.doc_day, np.asarray(docs["day"], dtype=np.int64)]),
        doc_ids=np.concatenate([index.doc_ids, np.asarray(docs["id"], dtype=object)]),
        doc_story=np.concatenate([index.doc_story, np.asarray(docs["story_id"], dtype=object)]),
        num_docs=num_docs, avgdl=(total / num_docs) if num_docs else 1.0, fingerprint=mark, rows=rows,
        merges=merges, merged_at=merged_at)


def _docs(con: duckdb.DuckDBPyConnection, where: str, params: list | None = None) -> dict[str, np.ndarray]:
    """docid, id, len, day and story of the indexed docs ``where`` says, in docid order."""
    docs = con.execute(  # sorted here, not in SQL: sorting by docid in numpy is far cheaper
        f"SELECT d.docid, d.id, d.len, coalesce(r.published - DATE '1970-01-01', ?) AS day, r.story_id "
        f"FROM search_docs d LEFT JOIN article_rows r ON r.id = d.id {where}", [int(NO_DAY), *(params or [])]
    ).fetchnumpy()
    by_docid = np.argsort(np.asarray(docs["docid"], dtype=np.int64), kind="stable")
    return {k: np.asarray(v)[by_docid] for k, v in docs.items()}


def _has_merges(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' "
                            "AND table_name = 'coverage_merges'").fetchone()[0])


def _last_merge(con: duckdb.DuckDBPyConnection) -> Any:
    """The time of the latest coverage merge (None: none, or a store without coverage clusters)."""
    if not _has_merges(con):
        return None
    return con.execute("SELECT max(merged_at) FROM coverage_merges").fetchone()[0]


def _merges_since(con: duckdb.DuckDBPyConnection, at: Any) -> list[tuple[str, str, Any]]:
    """Coverage merges recorded after ``at`` (all of a batch's merges commit together, so none is
    missed), in order."""
    if not _has_merges(con):
        return []
    if at is None:
        return con.execute("SELECT from_id, into_id, merged_at FROM coverage_merges ORDER BY merged_at").fetchall()
    return con.execute("SELECT from_id, into_id, merged_at FROM coverage_merges WHERE merged_at > ? "
                       "ORDER BY merged_at", [at]).fetchall()


def _resolve(merges: dict[str, str] | None, coverage_id: str | None) -> str | None:
    """The cluster ``coverage_id`` was merged into (following merges of merges)."""
    seen = 0
    while merges and coverage_id in merges and seen < 1000:
        coverage_id = merges[coverage_id]
        seen += 1
    return coverage_id


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
    hits = index.rank(list(terms), limit=limit, offset=offset, since=since, until=until, story_id=story_id)
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
        if index.merges:
            rec["coverage_id"] = _resolve(index.merges, rec["coverage_id"])
        rec["authors"] = list(rec["authors"]) if rec["authors"] is not None else None
        rec["score"] = score
        out.append(rec)
    return out
