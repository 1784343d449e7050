"""Full-text search: the one BM25 implementation behind ``wirewatch articles`` and the web API.

DuckDB's fts extension builds the index (``Store.rebuild_search_index``: tables ``docs``,
``dict``, ``terms`` and ``stats`` in schema ``fts_main_articles``), but its ``match_bm25`` macro
scores every article row per query and joins the whole ``terms`` table (one row per token of
every article, ~711k rows for 10k articles): 100-200 ms a query on 2 cores, whatever the query.

So we read that index once into a compact in-memory inverted index (``SearchIndex``: per term,
the sorted article positions that hold it and their term frequencies), and score a query by
touching only the postings of its terms, with numpy.  The scores are those of ``match_bm25``
(k1 = 1.2, b = 0.75, disjunctive, DuckDB's ``log`` being base 10; query words are tokenized and
stemmed by the index's own SQL macro, so both agree on what a term is).  Ties in score are
broken by date (newest first), then id, deterministically (``match_bm25`` left them to float
noise).  The web app keeps a full index with each snapshot of the store; a single search
(``wirewatch articles``) reads only the postings of its query's terms into a partial one.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np

log = logging.getLogger(__name__)

K1, B = 1.2, 0.75
SCHEMA = "fts_main_articles"
NO_DAY = np.iinfo(np.int64).min // 2  # an undated article sorts after every dated one
MAX_KEPT_ROWS = 200_000  # keep summary rows in memory up to this many articles (~1 kB each)
COLUMNS = ("id", "story_id", "source", "url", "title", "authors", "agency", "dateline", "published", "language",
           "snippet")
SUMMARY = ("a.id, a.story_id, a.source, a.url, a.title, a.authors, a.agency, a.dateline, "
           "CAST(a.published AS VARCHAR) AS published, a.language, substr(a.text, 1, 240) AS snippet")


@dataclass(frozen=True, slots=True, eq=False)
class SearchIndex:
    """Postings of every indexed term, grouped by term, plus per-article length, date and ids."""

    terms: dict[str, int]  # stemmed term -> position in ``starts``/``df``
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
    """Whether the store holds a full-text index (built by ``Store.rebuild_search_index``)."""
    row = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = 'terms'",
                      [SCHEMA]).fetchone()
    return bool(row[0])


def fingerprint(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """What identifies the content of the fts index of a store (None: no index).  Articles are
    never updated or deleted, so an index rebuilt over the same number of articles and tokens is
    the same index: a new snapshot taken during an ingest keeps the index of the previous one."""
    if not has_index(con):
        return None
    return tuple(con.execute(
        f"SELECT (SELECT num_docs FROM {SCHEMA}.stats), (SELECT avgdl FROM {SCHEMA}.stats), "
        f"(SELECT count(*) FROM {SCHEMA}.terms), (SELECT count(*) FROM {SCHEMA}.dict), "
        f"(SELECT max(docid) FROM {SCHEMA}.docs)").fetchone())


def build_index(con: duckdb.DuckDBPyConnection, *, terms: list[str] | None = None,
                keep_rows: int = MAX_KEPT_ROWS) -> SearchIndex | None:
    """Read the fts tables into a ``SearchIndex``: all of it (~0.3 s for 10k articles and 700k
    tokens; what a server keeps per snapshot), or with ``terms`` only the postings of those terms
    (~30 ms: what one command-line search needs).  None where the store has no index."""
    mark = fingerprint(con) if terms is None else ()  # (a partial build fails without an index)
    if mark is None:
        return None
    docs = con.execute(  # sorted here, not in SQL: sorting 10k rows by docid in numpy is far cheaper
        f"SELECT d.docid, d.name, d.len, coalesce(a.published - DATE '1970-01-01', ?) AS day, a.story_id "
        f"FROM {SCHEMA}.docs d LEFT JOIN articles a ON a.id = d.name", [int(NO_DAY)]).fetchnumpy()
    by_docid = np.argsort(np.asarray(docs["docid"], dtype=np.int64), kind="stable")
    docs = {k: np.asarray(v)[by_docid] for k, v in docs.items()}
    if terms is None:
        vocab = con.execute(f"SELECT termid, term, df FROM {SCHEMA}.dict ORDER BY termid").fetchnumpy()
        post = con.execute(f"SELECT termid, docid, count(*) AS tf FROM {SCHEMA}.terms "
                           f"GROUP BY termid, docid ORDER BY termid, docid").fetchnumpy()
    else:
        marks = ", ".join("?" * len(terms)) or "NULL"
        vocab = con.execute(f"SELECT termid, term, df FROM {SCHEMA}.dict WHERE term IN ({marks}) ORDER BY termid",
                            list(terms)).fetchnumpy()
        wanted = ", ".join(str(int(t)) for t in vocab["termid"]) or "NULL"  # integers: a constant list
        post = con.execute(f"SELECT termid, docid, count(*) AS tf FROM {SCHEMA}.terms "
                           f"WHERE termid IN ({wanted}) GROUP BY termid, docid ORDER BY termid, docid").fetchnumpy()
        keep_rows = -1
    stats = con.execute(f"SELECT num_docs, avgdl FROM {SCHEMA}.stats").fetchone()
    docids = np.asarray(docs["docid"], dtype=np.int64)
    termids = np.asarray(vocab["termid"], dtype=np.int64)
    term_pos = np.searchsorted(termids, np.asarray(post["termid"], dtype=np.int64))
    ids = np.asarray(docs["name"], dtype=object)
    rank = np.empty(ids.size, dtype=np.int64)
    rank[np.argsort(ids.astype(str), kind="stable")] = np.arange(ids.size)
    rows = None
    if ids.size <= keep_rows:
        rows = con.execute(f"SELECT {SUMMARY} FROM {SCHEMA}.docs d LEFT JOIN articles a ON a.id = d.name "
                           f"ORDER BY d.docid").fetchall()
    return SearchIndex(
        terms={str(t): i for i, t in enumerate(vocab["term"])},
        starts=np.searchsorted(term_pos, np.arange(termids.size + 1)).astype(np.int64),
        post_doc=np.searchsorted(docids, np.asarray(post["docid"], dtype=np.int64)).astype(np.int32),
        post_tf=np.asarray(post["tf"], dtype=np.float64),
        df=np.asarray(vocab["df"], dtype=np.float64),
        doc_len=np.asarray(docs["len"], dtype=np.float64),
        doc_day=np.asarray(docs["day"], dtype=np.int64), doc_rank=rank,
        doc_ids=ids, doc_story=np.asarray(docs["story_id"], dtype=object),
        num_docs=int(stats[0] or 0), avgdl=float(stats[1] or 1.0), fingerprint=mark, rows=rows)


# -- queries ------------------------------------------------------------------------------
# The index's tokenizer macro is lower(strip_accents(s)), then runs of these characters become a
# space, then split on whitespace.  For plain ASCII text the same steps in Python are exact (and
# tested against the macro); anything else goes through the macro itself.
_PUNCT = re.compile(r"""[0-9!@#$%^&*()_+={}\[\]:;<>,.?~\\/|'"`-]+""")
_SPACE = re.compile(r"[\t\n\f\r ]+")
_ASCII = re.compile(r"[\x20-\x7e\t\n\f\r]*")
_stems: dict[str, str] = {}  # word -> its Porter stem (by DuckDB's own stemmer, asked once per word)
_stems_lock = threading.Lock()
MAX_STEMS = 200_000


def query_terms(con: duckdb.DuckDBPyConnection, query: str) -> tuple[str, ...]:
    """The distinct stemmed terms of ``query``, as the index's own tokenizer and stemmer make them:
    words of ASCII queries are split here and stemmed by DuckDB once per distinct word (a query
    of known words costs no SQL); other queries are tokenized by the index's SQL macro."""
    if not _ASCII.fullmatch(query):
        rows = con.execute(f"SELECT DISTINCT stem(unnest({SCHEMA}.tokenize(?)), 'porter')", [query]).fetchall()
        return tuple(sorted(str(t) for (t,) in rows if t))
    words = {w for w in _SPACE.split(_PUNCT.sub(" ", query.lower())) if w}
    with _stems_lock:
        missing = [w for w in words if w not in _stems]
    if missing:
        rows = con.execute("SELECT w, stem(w, 'porter') FROM (SELECT unnest(CAST(? AS VARCHAR[])) AS w)",
                           [missing]).fetchall()
        with _stems_lock:
            if len(_stems) > MAX_STEMS:
                _stems.clear()
            _stems.update((str(w), str(t)) for w, t in rows)
    with _stems_lock:
        return tuple(sorted({_stems[w] for w in words if _stems.get(w)}))


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
        cur = con.execute(f"SELECT {SUMMARY} FROM articles a WHERE a.id IN (SELECT unnest(CAST(? AS VARCHAR[])))",
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
