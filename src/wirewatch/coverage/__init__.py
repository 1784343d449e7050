"""Coverage clusters: which articles, from any outlet, report the same real-world happening.

A *happening* is one thing that happened once, at one time and place: one attack, one summit, one
election result, one earthquake, one celebrity's check-in to rehab.  It is not a topic: two
earthquakes, two rehab check-ins of two people, or the elections of two years are two happenings,
however alike their reports read.  Every article that reports a happening gets the happening's
``coverage_id``; copies of one story share their story's.

This module is the decision logic only, on typed records (no SQL, no I/O); ``store.coverage``
runs it inside the store's write transaction, after NLP and before the articles are written:

* ``profile(article)`` turns an annotated article into a ``Profile``: a sparse, L2-normalised
  vector of what identifies a happening in a report: the rare words of its title and text, the
  lead's counted twice (weighted by how rare a word is in English at large, from ``wordfreq``: a
  TF-IDF whose IDF does not depend on what the store happened to hold when the article arrived), its
  named entities and places (towns and regions over countries: a country is the topic's, not the
  happening's) and the calendar days its text names; plus the few *keys* (its heaviest features)
  under which it is filed and by which candidates are found.  Event types are left out on purpose:
  they say what kind of happening it is (an arrest, a quake), which look-alike happenings share.
* ``assign(profiles, found)`` takes a batch of new articles and, for each, the stored articles
  found by key (the store looks them up in an index by key and week: the cost of a batch does not
  grow with the store), and clusters them by average link: the mean similarity of all pairs, so one
  look-alike report does not pull an article into another happening's cluster.  Stored clusters are
  units that are never split; an article that joins two of them merges them (the store records the
  merge).  A lone article joins a group at a lower bar (``join_single``) than two groups need to merge:
  a wrong merge of two groups costs far more than one misplaced report.
* Look-alike happenings (two fights of one champion, two arrests in one team, one election in two
  years) share most of their words; three signals keep them apart: each report leads with a name the
  other never gives (``who``); one report's protagonist, the person its lead names most, is a name the
  other never gives (``main``); a group of dated reports and a group of undated ones whose texts name
  a later year, or none since a few years before (an undated report is written no earlier than the
  latest year it names, and news names the current or a recent year).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..records import Article

__all__ = ["Candidate", "Decision", "Params", "Profile", "assign", "profile", "similarity", "week_bucket"]


@dataclass(frozen=True, slots=True)
class Params:
    """The method's parameters (tuned on half of the ECB+ dev topics, see eval/coverage.py)."""

    join: float = 0.18  # mean pairwise similarity (average link) for two units to merge
    join_single: float = 0.13  # ... for one lone article to join a group of several (a merge of two groups is riskier)
    n_keys: int = 12  # features an article is filed under and probed by
    max_candidates: int = 40  # retrieved articles compared in full, the most keys shared first
    max_span_days: int = 60  # a cluster spans at most this many days of publication: a happening, not a topic
    lead_chars: int = 1200  # the lead: title and the start of the text weigh double
    max_chars: int = 5000  # the text read at all
    max_features: int = 200  # the heaviest features kept in a profile (what a candidate costs to read)
    w_terms: float = 1.0  # block weights of the vector (before normalisation)
    w_entities: float = 0.8
    w_places: float = 0.5
    w_country: float = 0.3  # a country, relative to a town or region
    w_dates: float = 0.6
    who_chars: int = 300  # the first lines, whose names say who the happening is about
    who_penalty: float = 0.3  # similarity lost when each of two reports leads with a name the other never gives
    main_penalty: float = 0.25  # similarity lost when one report's main participant is a name the other never gives
    main_idf: float = 3.0  # a main participant's name has a word at least this rare (not "police", "john")
    year_penalty: float = 0.25  # link lost between a dated group and an undated one whose texts name other years
    year_gap: int = 2  # ... none later than this many years before the dated group's publication (or a later one)
    zipf_top: float = 7.0  # IDF of a word = zipf_top - its Zipf frequency in English (0 for the commonest)


DEFAULT = Params()


@dataclass(slots=True)
class Profile:
    """What one article contributes to clustering (kept by the store, compared by ``assign``)."""

    article_id: str
    story_id: str
    vector: dict[str, float]  # feature -> weight, L2-normalised
    keys: list[str]  # the heaviest features, for retrieval
    day: int | None = None  # publication day (ordinal), the retrieval window's anchor
    days: list[str] = field(default_factory=list)  # the calendar days (YYYY-MM-DD) the text names
    who: list[str] = field(default_factory=list)  # the rarest word of each name the title or first lines give
    first: int | None = None  # the first publication day of its cluster when it joined (set by the store)
    main: list[str] = field(default_factory=list)  # its main participant: the rarest word of the most named person
    year: int | None = None  # an undated article: the latest year its text names (it was written that year or later)

    def to_dict(self) -> dict:
        return {"article_id": self.article_id, "story_id": self.story_id, "vector": self.vector,
                "keys": self.keys, "day": self.day, "days": self.days, "who": self.who, "first": self.first,
                "main": self.main, "year": self.year}

    @classmethod
    def from_dict(cls, data: dict) -> Profile:
        return cls(article_id=data["article_id"], story_id=data["story_id"], vector=dict(data["vector"]),
                   keys=list(data["keys"]), day=data.get("day"), days=list(data.get("days") or []),
                   who=list(data.get("who") or []), first=data.get("first"), main=list(data.get("main") or []),
                   year=data.get("year"))


@dataclass(slots=True)
class Candidate:
    """A stored (or earlier in the batch) article found by key, with its current cluster."""

    coverage_id: str
    profile: Profile
    shared_keys: int = 0
    first_day: int | None = None  # the day (ordinal) of its cluster's first article


@dataclass(slots=True)
class Decision:
    """Where an article goes: ``coverage_id`` (an existing cluster, or its own new one), the
    clusters it bridges into that one (``merged``), and the similarity that decided it."""

    coverage_id: str
    merged: list[str] = field(default_factory=list)
    score: float = 0.0
    new: bool = True


_WORD = re.compile(r"[^\W\d_][\w'’.-]*[^\W_]|[^\W\d_]|\d+(?:[.,]\d+)?", re.UNICODE)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"^\d{4}(?:$|-\d)")  # a resolved date that names its year: 2008, 2008-12, 2008-12-14
_PLACE_TYPES = {"GPE", "LOC", "FAC", "NORP"}
_ENTITY_TYPES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP", "PRODUCT", "WORK_OF_ART", "LAW"}


_ZIPF_TABLES: dict[str, dict[str, float]] = {}
_ZIPF_MISSES: dict[tuple[str, str], float] = {}


def _wordlist(lang: str) -> Path | None:
    """wordfreq's own word list of a language (its "large" list, else its "small" one), found
    without importing wordfreq (whose import, with its tokenizers, costs more than reading a list)."""
    from importlib.util import find_spec

    spec = find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        return None
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    for size in ("large", "small"):
        path = data / f"{size}_{lang}.msgpack.gz"
        if path.exists():
            return path
    return None


@lru_cache(maxsize=16)
def _language(lang: str | None) -> str:
    """The word-list language of an article's ISO 639-1 code (English where wordfreq has no list)."""
    code = (lang or "en").replace("_", "-").split("-")[0].lower()
    return code if code.isalpha() and _wordlist(code) is not None else "en"


def _zipf_table(lang: str) -> dict[str, float]:
    """word -> Zipf frequency, read once per process and language from wordfreq's own list (the
    values ``wordfreq.zipf_frequency`` returns for single-token words: the list is stored in
    centibel bands, band i at Zipf 9 - i/100)."""
    table = _ZIPF_TABLES.get(lang)
    if table is None:
        import gzip

        import msgpack

        table = {}
        path = _wordlist(lang)
        if path is not None:
            with gzip.open(path, "rb") as fh:
                data = msgpack.load(fh, raw=False)
            if not (isinstance(data[0], dict) and data[0].get("format") == "cB"):
                raise ValueError(f"{path}: not a wordfreq cB list")
            for i, band in enumerate(data[1:]):
                table.update(dict.fromkeys(band, round(9.0 - i / 100.0, 2)))
        _ZIPF_TABLES[lang] = table
    return table


def _zipf(word: str, lang: str = "en") -> float:
    """Zipf frequency of a lower-cased word in ``lang`` (a wordfreq code), as wordfreq gives it but
    without its tokenizer: a dictionary look-up; a number is its digit pattern's frequency times
    wordfreq's estimate for those digits; a word of several parts ("al-assad", "u.s") combines its
    parts' frequencies as wordfreq does (1/f = 1/f1 + 1/f2 ...; an unknown part: 0)."""
    table = _zipf_table(lang)
    z = table.get(word)
    if z is not None:
        return z
    if word.isalpha():  # one token that is not in the list
        return 0.0
    key = (word, lang)
    z = _ZIPF_MISSES.get(key)
    if z is None:
        if len(_ZIPF_MISSES) > 200_000:
            _ZIPF_MISSES.clear()
        z = _ZIPF_MISSES[key] = _zipf_of_parts(word, table)
    return z


def _zipf_of_parts(word: str, table: dict[str, float]) -> float:
    inverse = 0.0
    for part in _PARTS.split(word):
        if not part:
            continue
        smashed = _MULTI_DIGIT.sub(lambda m: _DIGIT.sub("0", m.group(0)), part)
        z = table.get(smashed)
        if z is None:
            return 0.0
        f = 10.0 ** (z - 9.0)
        if smashed != part:
            f *= _digits_freq(part)
        inverse += 1.0 / f
    if inverse <= 0:
        return 0.0
    return max(0.0, round(math.log10(1.0 / inverse) + 9.0, 2))


_PARTS = re.compile(r"[-']|(?<!\d)[.,]|[.,](?!\d)")  # a decimal point stays in its number
_MULTI_DIGIT = re.compile(r"\d[\d.,]+")
_DIGIT = re.compile(r"\d")
_LEADING = [0.009, 0.300, 0.175, 0.124, 0.096, 0.078, 0.066, 0.057, 0.050, 0.045]  # Benford, and 0 for "007"


def _digits_freq(text: str) -> float:
    """How likely these digits are among digit strings of their shape (wordfreq's estimate: its
    list stores "0000" for every four-digit number): Benford's law for the leading digit, and for four
    digits mostly a year, as frequent as it is recent (flat for 2019-2039, falling off after)."""
    freq = 1.0
    for run in _MULTI_DIGIT.findall(text):
        for digits in re.findall(r"\d+", run):
            benford = _LEADING[int(digits[0])] / 10 ** (len(digits) - 1)
            if len(digits) == 4:
                year = int(digits)
                log_freq = (-1.9185 - 0.0083 * (2019 - year) if year <= 2019 else
                            -1.9185 if year <= 2039 else -1.9185 - 0.2 * (year - 2039))
                freq *= 10.0 ** log_freq + 0.1 * benford
            else:
                freq *= benford
    return freq


def _idf(word: str, top: float, lang: str = "en") -> float:
    return max(0.0, top - _zipf(word, lang))


# French (and Italian, Catalan) elision: "l'armée" is "armée", "qu'il" is "il"
_ELIDED = {"fr": re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=\w)")}


def tokens(text: str, lang: str = "en") -> list[str]:
    """Lower-cased words and numbers; possessives dropped ("Lohan's" -> "lohan"); in French the
    elided article or pronoun is dropped ("l'armée" -> "armée")."""
    out = _WORD.findall(text.casefold().replace("’", "'"))
    elided = _ELIDED.get(lang)
    for i, w in enumerate(out):
        if "'" in w:
            if w.endswith("'s"):
                w = w[:-2]
            if elided is not None:
                w = elided.sub("", w)
            out[i] = w.strip("'.-")
    return [w for w in out if w]


def _day_ordinal(value: str | None) -> int | None:
    if not value or not _DAY.match(value[:10]):
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def week_bucket(day: int | None) -> str:
    """The retrieval bucket of a day: its week ("-" for undated articles)."""
    return "-" if day is None else str(day // 7)


def profile(article: Article, *, params: Params = DEFAULT) -> Profile:
    """The clustering profile of one annotated article (see the module doc)."""
    p = params
    lang = _language(article.language)
    lead = ((article.title or "") + "\n" + article.text[: p.lead_chars]).strip()
    rest = article.text[p.lead_chars:p.max_chars]  # a long feature's tail says little about which happening
    tf = Counter(tokens(rest, lang))
    for w, n in Counter(tokens(lead, lang)).items():
        tf[w] += 2 * n
    blocks: list[tuple[float, dict[str, float]]] = []
    terms = {w: (1.0 + math.log(n)) * _idf(w, p.zipf_top, lang)
             for w, n in tf.items() if len(w) > 1 or w.isdigit()}
    blocks.append((p.w_terms, {k: v for k, v in terms.items() if v > 0}))
    ents: dict[str, float] = {}
    who: set[str] = set()
    named: Counter[str] = Counter()  # person (rarest word) -> how often the text names them, +2 in the title
    head = (article.title or "").casefold()
    for e in article.entities:
        if e.type not in _ENTITY_TYPES or not (e.name or "").strip():
            continue
        words = tokens(e.name, lang)
        if not words:
            continue
        rarity = max(_idf(w, p.zipf_top, lang) for w in words)
        if rarity <= 0:
            continue
        titled = bool(head) and e.name.casefold() in head
        if e.type not in _PLACE_TYPES and (titled or any(m.start < p.who_chars for m in e.mentions)):
            rarest = max(words, key=lambda w: (_idf(w, p.zipf_top, lang), w))
            who.add(rarest)
            if e.type == "PERSON" and rarity >= p.main_idf:
                named[rarest] += len(e.mentions) + (2 if titled else 0)
        key = "e:" + " ".join(words)
        ents[key] = ents.get(key, 0.0) + (1.0 + math.log(max(1, len(e.mentions)))) * rarity
    blocks.append((p.w_entities, ents))
    places: dict[str, float] = {}
    for pl in article.places:
        key = f"p:{pl.geonameid}" if pl.geonameid else "p:" + " ".join(tokens(pl.name or ""))
        scale = p.w_country if pl.kind == "country" else 1.0  # a country is the topic's, not the happening's
        places[key] = places.get(key, 0.0) + scale * (1.0 + math.log(max(1, len(pl.mentions))))
    blocks.append((p.w_places, places))
    days = sorted({d.value[:10] for d in article.dates if _DAY.match(d.value[:10] if d.value else "")})
    blocks.append((p.w_dates, {"d:" + d: 1.0 for d in days}))
    vector: dict[str, float] = {}
    for weight, block in blocks:
        norm = math.sqrt(sum(v * v for v in block.values()))
        if weight <= 0 or norm <= 0:
            continue
        for k, v in block.items():
            vector[k] = vector.get(k, 0.0) + weight * v / norm
    ranked = sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[: p.max_features]
    norm = math.sqrt(sum(v * v for _, v in ranked)) or 1.0
    vector = {k: round(v / norm, 5) for k, v in ranked}  # what the store keeps and reads back per candidate
    keys = [k for k, _ in ranked][: p.n_keys]
    top = max(named.values(), default=0)
    main = sorted(w for w, n in named.items() if n == top and n >= 2 and w in tf)  # named twice at least
    day = _day_ordinal(article.published)
    years = [int(d.value[:4]) for d in article.dates if _YEAR.match(d.value or "")] if day is None else []
    return Profile(article_id=article.id, story_id=article.story_id, vector=vector, keys=keys,
                   day=day, days=days, who=sorted(w for w in who if w in tf), main=main,
                   year=max(years) if years else None)


def similarity(a: Profile, b: Profile) -> float:
    """Cosine similarity of two profiles (both vectors are unit length)."""
    x, y = (a, b) if len(a.vector) <= len(b.vector) else (b, a)
    yv = y.vector
    return sum(v * yv.get(k, 0.0) for k, v in x.vector.items())


def assign(new: list[Profile], found: list[list[Candidate]], *, params: Params = DEFAULT,
           known: Mapping[str, str] | None = None) -> list[Decision]:
    """Clusters for a batch of new articles, given the stored articles found by key for each.

    ``found[i]`` are the candidates of ``new[i]`` (the ``max_candidates`` sharing the most keys
    are kept); ``known`` maps story ids already stored to their cluster (a copy joins its story's).
    Average-link agglomeration over units that are never split: each stored cluster (its retrieved
    members) and each new story.  The two most similar units merge while their mean pairwise
    similarity reaches ``join``, and only where a new article is in one of them: the store is not
    reclustered, but an article that bridges two stored clusters merges them (``merged``).
    The cost depends on the batch and its candidates, not on the size of the store."""
    p = params
    known = known or {}
    stored: dict[str, Candidate] = {}
    for cands in found:
        for c in sorted(cands, key=lambda c: (-c.shared_keys, c.profile.article_id))[: p.max_candidates]:
            stored.setdefault(c.profile.article_id, c)
    items = [c.profile for c in stored.values()] + list(new)
    # units: stored clusters, then new stories (copies of a known story join its cluster's unit)
    unit_of: dict[str, int] = {}
    units: list[list[int]] = []
    labels: list[str | None] = []  # a unit's stored cluster id (None for a new one)
    has_new: list[bool] = []
    for i, c in enumerate(stored.values()):
        u = unit_of.get("c:" + c.coverage_id)
        if u is None:
            u = unit_of["c:" + c.coverage_id] = len(units)
            units.append([])
            labels.append(c.coverage_id)
            has_new.append(False)
        units[u].append(i)
    def unit_key(prof: Profile) -> str:
        cid = known.get(prof.story_id)
        return "c:" + cid if cid else "s:" + (prof.story_id or prof.article_id)

    for j, prof in enumerate(new):
        i = len(stored) + j
        cid = known.get(prof.story_id)
        key = unit_key(prof)
        u = unit_of.get(key)
        if u is None:
            u = unit_of[key] = len(units)
            units.append([])
            labels.append(cid)
            has_new.append(True)
        units[u].append(i)
        has_new[u] = True
    first_day = {c.coverage_id: c.first_day for c in stored.values() if c.first_day is not None}
    span = []
    for u, idx in enumerate(units):
        days = [items[i].day for i in idx if items[i].day is not None]
        if labels[u] in first_day:
            days.append(first_day[labels[u]])
        span.append((min(days), max(days)) if days else None)
    sim = _pairwise(items)
    if p.who_penalty > 0:
        sim *= 1.0 - p.who_penalty * _who_conflicts(items)
    if p.main_penalty > 0:
        sim *= 1.0 - p.main_penalty * _main_conflicts(items)
    named = [max((items[i].year for i in idx if items[i].day is None and items[i].year is not None), default=None)
             for idx in units]
    merges = _average_link(sim, units, has_new, p.join, span=span, max_span=p.max_span_days,
                           join_single=p.join_single, named=named, year_gap=p.year_gap, year_penalty=p.year_penalty)
    # name each final group: its stored cluster with the most retrieved members, else its first new story's id
    out = []
    group_of = {u: g for g, members in enumerate(merges) for u in members}
    names: dict[int, tuple[str, list[str], float]] = {}
    for g, members in enumerate(merges):
        stored_ids = sorted({labels[u] for u in members if labels[u] is not None},
                            key=lambda cid: (-len(units[unit_of["c:" + cid]]), cid))
        score = _group_score(sim, [i for u in members for i in units[u]])
        if stored_ids:
            names[g] = (stored_ids[0], stored_ids[1:], score)
    for prof in new:
        g = group_of[unit_of[unit_key(prof)]]
        if g in names:
            cid, merged, score = names[g]
            out.append(Decision(coverage_id=cid, merged=merged, score=score, new=False))
        else:
            first = next(new[i - len(stored)].story_id or new[i - len(stored)].article_id
                         for uu in merges[g] for i in units[uu])
            out.append(Decision(coverage_id=first, score=_group_score(sim, [i for uu in merges[g] for i in units[uu]])))
    return out


def _pairwise(items: list[Profile], *, block: int = 4096) -> np.ndarray:
    """Cosine similarities of all pairs of profiles: X Xᵀ over the features at least two profiles
    share (the others add only to the diagonal, which no decision reads), a block of features at a
    time so memory stays bounded by the batch."""
    n = len(items)
    count: Counter[str] = Counter(k for prof in items for k in prof.vector)
    vocab = {k: i for i, k in enumerate(k for k, c in count.items() if c > 1)}
    sim = np.zeros((n, n))
    if not vocab:
        return sim
    rows, cols, vals = [], [], []
    for r, prof in enumerate(items):
        for k, v in prof.vector.items():
            c = vocab.get(k)
            if c is not None:
                rows.append(r)
                cols.append(c)
                vals.append(v)
    r_, c_, v_ = np.array(rows), np.array(cols), np.array(vals)
    for lo in range(0, len(vocab), block):
        m = (c_ >= lo) & (c_ < lo + block)
        x = np.zeros((n, min(block, len(vocab) - lo)))
        x[r_[m], c_[m] - lo] = v_[m]
        sim += x @ x.T
    return sim


def _names_missing(items: list[Profile], attr: str) -> np.ndarray:
    """True at (i, j) where report i has a name in ``Profile.<attr>`` that report j's text never gives."""
    words = {w: i for i, w in enumerate(sorted({w for prof in items for w in getattr(prof, attr)}))}
    n = len(items)
    if not words:
        return np.zeros((n, n), dtype=bool)
    named = np.zeros((n, len(words)))
    has = np.zeros((n, len(words)))
    for r, prof in enumerate(items):
        for w in getattr(prof, attr):
            named[r, words[w]] = 1.0
        for w in words.keys() & prof.vector.keys():
            has[r, words[w]] = 1.0
    return named.sum(axis=1)[:, None] - named @ has.T > 0


def _who_conflicts(items: list[Profile]) -> np.ndarray:
    """1 where each of two reports leads with a name (``Profile.who``) that the other's text never
    gives: a fight against another opponent, an arrest of another man: look-alike happenings."""
    one_way = _names_missing(items, "who")
    return (one_way & one_way.T).astype(float)


def _main_conflicts(items: list[Profile]) -> np.ndarray:
    """1 where one report's main participant (``Profile.main``) is a name the other never gives: two
    reports of one arrest, one fight, one firing name its protagonist; a look-alike has another one (another
    arrested player, another challenger).  One way suffices (the other report may recall the first
    happening's protagonist, "the team's second arrest this month")."""
    missing = _names_missing(items, "main")
    return (missing | missing.T).astype(float)


def _group_score(sim: np.ndarray, idx: list[int]) -> float:
    if len(idx) < 2:
        return 0.0
    sub = sim[np.ix_(idx, idx)]
    return float((sub.sum() - np.trace(sub)) / (len(idx) * (len(idx) - 1)))


def _average_link(sim: np.ndarray, units: list[list[int]], has_new: list[bool], join: float, *,
                  span: list[tuple[int, int] | None], max_span: int, join_single: float | None = None,
                  named: list[int | None] | None = None, year_gap: int = 2,
                  year_penalty: float = 0.0) -> list[list[int]]:
    """Merge units (lists of item indexes) by average link while a pair reaches its bar (``join``;
    ``join_single`` for one lone article and a group of several), holds a new article and would not
    span more than ``max_span`` days (``span``: each unit's first and last day, None when undated); the
    pair that clears its bar by most merges first.  Returns the final groups as lists of unit indexes.

    ``named``: each unit's latest year named by its undated articles.  A unit with dated articles and
    one whose undated articles name a later year than its last publication, or none later than
    ``year_gap`` years before its first, lose ``year_penalty`` of their link: reports of one happening
    name its year, or a recent one (the year an undated article was written is at least the latest it
    names, and rarely much later)."""
    n = len(units)
    join_single = join if join_single is None else join_single
    lo = np.array([s[0] if s else np.nan for s in span], dtype=float)
    hi = np.array([s[1] if s else np.nan for s in span], dtype=float)
    first_year = np.array([date.fromordinal(s[0]).year if s else np.nan for s in span], dtype=float)
    last_year = np.array([date.fromordinal(s[1]).year if s else np.nan for s in span], dtype=float)
    latest = np.array([np.nan if y is None else y for y in (named or [None] * n)], dtype=float)
    size = np.array([len(u) for u in units], dtype=float)
    g = np.zeros((n, len(sim)))
    for u, idx in enumerate(units):
        g[u, idx] = 1.0
    total = g @ sim @ g.T  # sum of pairwise similarities between units
    link = total / np.outer(size, size)
    newness = np.array(has_new, dtype=bool)
    alive = np.ones(n, dtype=bool)
    groups = [[u] for u in range(n)]
    np.fill_diagonal(link, -np.inf)
    while True:
        width = np.fmax(hi[:, None], hi[None, :]) - np.fmin(lo[:, None], lo[None, :])
        allowed = (alive[:, None] & alive[None, :] & (newness[:, None] | newness[None, :])
                   & ~(width > max_span))  # NaN (undated) never blocks
        score = link
        if year_penalty > 0:
            with np.errstate(invalid="ignore"):  # NaN (no dated or no undated article) never conflicts
                clash = (last_year[:, None] < latest[None, :]) | (first_year[:, None] - latest[None, :] >= year_gap)
            score = link * (1.0 - year_penalty * (clash | clash.T))
        single = size == 1
        bar = np.where(single[:, None] != single[None, :], join_single, join)
        margin = np.where(allowed & (score >= bar), score - bar, -np.inf)
        a, b = np.unravel_index(int(np.argmax(margin)), margin.shape)
        if not np.isfinite(margin[a, b]):
            break
        a, b = min(a, b), max(a, b)
        total[a, :] += total[b, :]
        total[:, a] += total[:, b]
        size[a] += size[b]
        link[a, :] = total[a, :] / (size[a] * size)
        link[:, a] = link[a, :]
        link[a, a] = -np.inf
        alive[b] = False
        link[b, :] = link[:, b] = -np.inf
        newness[a] = newness[a] or newness[b]
        lo[a], hi[a] = np.fmin(lo[a], lo[b]), np.fmax(hi[a], hi[b])
        first_year[a], last_year[a] = np.fmin(first_year[a], first_year[b]), np.fmax(last_year[a], last_year[b])
        latest[a] = np.fmax(latest[a], latest[b])
        groups[a] += groups[b]
        groups[b] = []
    return [grp for u, grp in enumerate(groups) if alive[u]]
