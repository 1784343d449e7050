"""Group copies of one story: exact copies by content hash, near-duplicates by MinHash LSH.

A syndicated wire story reappears with other page chrome, another headline, a cut ending or a
few edited words.  Its body still shares most of its word 5-gram shingles with the first copy,
so we index a MinHash of each body's shingles in LSH bands and, for every candidate the LSH
returns, verify the estimated overlap before joining the new copy to the candidate's story:

* ``jaccard >= JACCARD`` (same story, lightly edited), or
* ``containment >= CONTAINMENT`` where containment is the share of the *shorter* body's
  shingles found in the longer one (a copy cut after a few paragraphs).

Signatures are plain ``uint32`` arrays, so the store can persist them and the batch engine can
compute the very same ones (same seed, same permutations) on another machine.

A ``Deduper`` holds in memory what it was given or judged.  Given a ``lookup`` (the store's, see
``Store.deduper``), it asks it only for the candidates of the documents it judges: exact copies by
content hash and near-duplicates by LSH band key, for a whole batch at once (``judge_many``); after
a batch is committed, ``settle`` forgets it (the store answers for it from then on), so its memory
is bounded by the batch, not by the store.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from datasketch import MinHash, MinHashLSH

from .records import Article, content_hash

NUM_PERM = 128
SHINGLE = 5
SEED = 17
LSH_THRESHOLD = 0.3  # candidate recall: low, since candidates are verified below
JACCARD = 0.5
CONTAINMENT = 0.7

_WORD = re.compile(r"\w+", re.UNICODE)
_MIX = np.uint64(0x9E3779B1)
_MASK = np.uint64(0xFFFFFFFF)
SCHEME = "affine32"
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)  # permutations computed once per process


def _word_hash(word: str, _cache: dict[str, int] = {}) -> int:  # noqa: B006 - a deliberate per-process cache
    h = _cache.get(word)
    if h is None:
        if len(_cache) > 1_000_000:
            _cache.clear()
        h = _cache[word] = zlib.crc32(word.encode("utf-8"))
    return h


def shingle_hashes(text: str, *, size: int = SHINGLE) -> np.ndarray:
    """Distinct 32-bit hashes of the word ``size``-grams of the case-folded body (of the whole body
    when it is shorter).  Each word is hashed once, and the n-gram hashes are combined with numpy."""
    words = _WORD.findall(text.casefold())
    if not words:
        return np.zeros(0, dtype=np.uint64)
    wh = np.fromiter((_word_hash(w) for w in words), dtype=np.uint64, count=len(words))
    width = max(1, len(wh) - size + 1)
    h = np.zeros(width, dtype=np.uint64)
    for k in range(min(size, len(wh))):
        h = (h * _MIX + wh[k:k + width]) & _MASK
    return np.unique(h)


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (datasketch's pre-mix for the affine32 scheme)."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def signature(text: str) -> tuple[np.ndarray, int]:
    """MinHash signature (``uint32[NUM_PERM]``) of a body and the number of its distinct shingles.

    The same values as ``datasketch.MinHash(seed=SEED, scheme="affine32", hashfunc=int)`` fed with
    ``shingle_hashes(text)``, computed in one vectorised step."""
    grams = shingle_hashes(text).astype(np.uint32)
    if not len(grams):
        return np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32), 0
    a, b = _TEMPLATE.permutations
    # one (NUM_PERM x n) buffer updated in place: temporaries of this size cost more than the arithmetic
    phv = np.multiply(a[:, None], _fmix32(grams)[None, :])
    np.add(phv, b[:, None], out=phv)
    return phv.min(axis=1), len(grams)


def same_story(a: np.ndarray, n_a: int, b: np.ndarray, n_b: int) -> bool:
    """Whether two signatures (with their shingle counts) are copies of one story."""
    if n_a == 0 or n_b == 0:
        return False
    j = float(np.count_nonzero(a == b)) / NUM_PERM
    if j >= JACCARD:
        return True
    inter = j * (n_a + n_b) / (1.0 + j)
    return inter / min(n_a, n_b) >= CONTAINMENT


def _band_params() -> tuple[int, int]:
    """(bands, rows per band) that datasketch's ``MinHashLSH`` picks for ``LSH_THRESHOLD``."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


BANDS, ROWS = _band_params()
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_BAND_SALT = np.arange(BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)


def band_keys(sig: np.ndarray) -> np.ndarray:
    """One 64-bit key per LSH band: two copies are candidates when any of their keys agree.
    The batch engine (Spark) bands with this very function, so both propose the same pairs."""
    v = np.asarray(sig[:BANDS * ROWS], dtype=np.uint64).reshape(BANDS, ROWS)
    h = np.full(BANDS, _FNV_OFFSET, dtype=np.uint64)
    for j in range(ROWS):
        h = (h ^ v[:, j]) * _FNV_PRIME
    return h ^ _BAND_SALT


@dataclass(slots=True)
class Verdict:
    story_id: str
    duplicate: bool  # an exact copy of a body already seen: counted, not stored again
    new_story: bool
    hash: str
    signature: np.ndarray
    n_shingles: int
    article_id: str | None = None  # duplicates: the stored (or earlier) copy that holds the same body


class Lookup(Protocol):
    """Where a ``Deduper`` finds the copies it does not hold in memory (the store)."""

    def by_hash(self, hashes: list[str]) -> dict[str, tuple[str, str]]:
        """content hash -> (article id, story id) of a stored copy with that body."""

    def by_keys(self, keys: np.ndarray) -> list[tuple[str, np.ndarray, int]]:
        """(story id, signature, shingle count) of every stored copy sharing one of the LSH band ``keys``."""


class BandIndex:
    """LSH buckets of every indexed signature, kept compact: band keys in one sorted ``uint64`` array
    (with the row of the signature each belongs to) plus a small dict of recent insertions, merged
    into the array as it grows.  About 12 bytes per band per copy, where ``MinHashLSH``'s Python
    sets cost ~250: memory stays small as the store grows."""

    MERGE_AT = 50_000  # recent keys held in the dict before a merge into the sorted array

    def __init__(self) -> None:
        self._keys = np.empty(0, dtype=np.uint64)
        self._rows = np.empty(0, dtype=np.int64)
        self._recent: dict[int, list[int]] = {}

    def add(self, row: int, keys: np.ndarray) -> None:
        for k in keys.tolist():
            self._recent.setdefault(k, []).append(row)
        if len(self._recent) > max(self.MERGE_AT, len(self._keys) // 4):
            self._merge()

    def query(self, keys: np.ndarray) -> set[int]:
        found: set[int] = set()
        if len(self._keys):
            left = np.searchsorted(self._keys, keys, side="left")
            right = np.searchsorted(self._keys, keys, side="right")
            for a, b in zip(left.tolist(), right.tolist()):
                if b > a:
                    found.update(self._rows[a:b].tolist())
        for k in keys.tolist():
            rows = self._recent.get(k)
            if rows:
                found.update(rows)
        return found

    def _merge(self) -> None:
        keys = np.fromiter((k for k, rows in self._recent.items() for _ in rows), dtype=np.uint64)
        rows = np.fromiter((r for rs in self._recent.values() for r in rs), dtype=np.int64)
        keys, rows = np.concatenate([self._keys, keys]), np.concatenate([self._rows, rows])
        order = np.argsort(keys, kind="stable")
        self._keys, self._rows = keys[order], rows[order]
        self._recent = {}


class Deduper:
    """Index of the stories seen so far: all in memory, or (with ``lookup``) the copies judged since
    the last ``settle`` in memory and the rest asked of ``lookup`` by key."""

    def __init__(self, *, lookup: Lookup | None = None) -> None:
        self._lookup = lookup
        self._reset()

    def _reset(self) -> None:
        self._index = BandIndex()
        self._hashes: dict[str, str] = {}  # content hash -> story_id
        self._holders: dict[str, str] = {}  # content hash -> id of the first copy with that body
        self._ids: set[str] = set()
        self._sigs = np.empty((1024, NUM_PERM), dtype=np.uint32)  # row -> signature
        self._sizes: list[int] = []  # row -> shingle count
        self._stories: list[str] = []  # row -> story_id
        self._known: dict[str, tuple[str, str]] = {}  # looked up: content hash -> (article id, story id)
        self._candidates: dict[int, list[tuple[str, np.ndarray, int]]] = {}  # looked up: band key -> copies

    def __len__(self) -> int:
        return len(self._ids)

    def settle(self) -> None:
        """What was judged is now committed to the lookup's store: forget it (no-op without a lookup)."""
        if self._lookup is not None:
            self._reset()

    def add(self, article_id: str, story_id: str, chash: str, sig: np.ndarray, n_shingles: int) -> None:
        """Index a copy already assigned to ``story_id``."""
        self._hashes.setdefault(chash, story_id)
        self._holders.setdefault(chash, article_id)
        if article_id in self._ids:
            return
        self._ids.add(article_id)
        if not n_shingles:
            return
        row = len(self._stories)
        if row == len(self._sigs):
            self._sigs = np.concatenate([self._sigs, np.empty_like(self._sigs)])
        self._sigs[row] = sig
        self._sizes.append(n_shingles)
        self._stories.append(story_id)
        self._index.add(row, band_keys(sig))

    def judge(self, article: Article) -> Verdict:
        """Decide the story of ``article`` and index it (unless it is an exact duplicate)."""
        return self.judge_many([article])[0]

    def judge_many(self, articles: list[Article]) -> list[Verdict]:
        """``judge`` each of ``articles`` in order, asking the lookup (if any) once for all of them."""
        items = [(a.id, content_hash(a.text), *signature(a.text)) for a in articles]
        self._prefetch(items)
        return [self._judge(*item) for item in items]

    def judge_signature(self, key: str, chash: str, sig: np.ndarray, n: int) -> Verdict:
        """``judge`` for a body known by its content hash and signature (batch output, the store)."""
        self._prefetch([(key, chash, sig, n)])
        return self._judge(key, chash, sig, n)

    def _prefetch(self, items: list[tuple[str, str, np.ndarray, int]]) -> None:
        if self._lookup is None:
            return
        hashes = sorted({h for _, h, _, _ in items if h not in self._hashes and h not in self._known})
        if hashes:
            self._known.update(self._lookup.by_hash(hashes))
        keys = np.unique(np.concatenate([band_keys(sig) for _, _, sig, n in items if n] or
                                        [np.empty(0, dtype=np.uint64)]))
        keys = np.array([k for k in keys.tolist() if k not in self._candidates], dtype=np.uint64)
        if keys.size:
            for k in keys.tolist():
                self._candidates[k] = []
            for story, sig, n in self._lookup.by_keys(keys):
                for k in band_keys(sig).tolist():
                    if k in self._candidates:
                        self._candidates[k].append((story, sig, n))

    def _judge(self, key: str, chash: str, sig: np.ndarray, n: int) -> Verdict:
        known = self._hashes.get(chash)
        if known is not None:
            return Verdict(known, True, False, chash, sig, n, self._holders.get(chash))
        if chash in self._known:
            holder, known = self._known[chash]
            return Verdict(known, True, False, chash, sig, n, holder)
        story = self._match(sig, n)
        new = story is None
        story = story or chash
        self.add(key, story, chash, sig, n)
        return Verdict(story, False, new, chash, sig, n)

    def _match(self, sig: np.ndarray, n: int) -> str | None:
        if not n:
            return None
        best: tuple[int, str] | None = None
        keys = band_keys(sig)
        others = [(self._stories[row], self._sigs[row], self._sizes[row]) for row in self._index.query(keys)]
        if self._lookup is not None:
            others += [c for k in keys.tolist() for c in self._candidates.get(k, ())]
        for story, other, size in others:
            if same_story(sig, n, other, size):
                score = int(np.count_nonzero(sig == other))
                if best is None or score > best[0] or (score == best[0] and story < best[1]):
                    best = (score, story)
        return best[1] if best else None
