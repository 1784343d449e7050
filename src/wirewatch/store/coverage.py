"""SQL of coverage clusters and happenings (issue 12; tables of migration 008).

``assign(store, items)`` runs inside ``Store.write_batch``'s transaction, before the batch's
articles are written: it gives every new article its ``coverage_id`` (``wirewatch.coverage``
decides; here its candidates are looked up by key and week, and its profile, keys and any merge are
written) and files each new event under a happening (``wirewatch.coverage.happenings``).  Every
lookup is by key: the cost of a batch follows the batch and the volume of a few weeks around it,
not the size of the store.

Read side: ``happenings_of`` (event key -> happening), ``cluster_info`` (size and first article of
coverage clusters) and ``merges``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter, defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

import duckdb
import orjson
import pyarrow as pa

from .. import coverage as cov
from ..coverage import happenings as hp
from ..records import Article

if TYPE_CHECKING:
    from ..dedup import Verdict
    from .db import Store

log = logging.getLogger(__name__)

WINDOW_WEEKS = 1  # new articles probe their own week and this many weeks on either side
PARAMS = cov.DEFAULT


def key_hash(feature: str) -> int:
    """A feature as the (non-negative, 63-bit) key it is filed under."""
    return int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "big") >> 1


def _week(prof: cov.Profile, at: datetime) -> int:
    return (prof.day if prof.day is not None else at.date().toordinal()) // 7


def _view(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, pa.Array]):
    con.register(name, pa.table(columns))
    return name


# Ids looked up by index: DuckDB uses an index for a constant IN list (up to its index_scan_max_count, 2048,
# matching rows); joined with a view of ids it scans the table, reading every row's columns, e.g. the JSON
# of every stored profile.  The ids are hashes made by wirewatch; they are quoted all the same.
LOOKUP_CHUNK = 1000


def _literals(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


CHUNK = 64  # articles decided together: the decision's cost is bounded whatever the batch size


def assign(store: Store, items: list[tuple[Article, Verdict]], *, at: datetime) -> None:
    """Coverage clusters for a batch of new articles and happenings for their new events.  A large
    batch is decided in chunks of ``CHUNK``, each seeing the chunks before it."""
    if not items:
        return
    for a, v in items:
        a.story_id = v.story_id
    done: list[Article] = []  # decided earlier in this batch (not in the articles table yet)
    for start in range(0, len(items), CHUNK):
        _assign_chunk(store, items[start:start + CHUNK], done, at=at)
    assign_happenings(store, [a for a, _ in items], at=at)


def _assign_chunk(store: Store, items: list[tuple[Article, Verdict]], done: list[Article], *,
                  at: datetime) -> None:
    con = store.con
    arts = [a for a, _ in items]
    profiles = [cov.profile(a, params=PARAMS) for a in arts]
    weeks = [_week(p, at) for p in profiles]
    known = _known_stories(con, {a.story_id for a, v in items if not v.new_story})
    known.update({a.story_id: a.coverage_id for a in done})
    found = _candidates(con, profiles, weeks)
    decisions = cov.assign(profiles, found, params=PARAMS, known=known)
    merged: dict[str, tuple[str, str]] = {}
    for a, d in zip(arts, decisions):
        a.coverage_id = d.coverage_id
        for old in d.merged:
            merged.setdefault(old, (d.coverage_id, a.id))
    _merge_all(con, merged, at)
    for old, (into, _) in merged.items():
        for a in done:
            if a.coverage_id == old:
                a.coverage_id = into
    _set_firsts(profiles, [a.coverage_id for a in arts], found, merged)
    _write_profiles(store, profiles, weeks, arts)
    done.extend(arts)


def _known_stories(con: duckdb.DuckDBPyConnection, stories: set[str]) -> dict[str, str]:
    """Cluster of each already stored story: one query for the chunk, by the index on story_id (a query
    with bound parameters costs DuckDB's Python client a failed ``import pandas`` each time, more than
    the lookup itself)."""
    out: dict[str, str] = {}
    ids = sorted(stories)
    for start in range(0, len(ids), LOOKUP_CHUNK):
        listed = _literals(ids[start:start + LOOKUP_CHUNK])
        out.update(con.execute(f"SELECT story_id, min(coverage_id) FROM articles WHERE story_id IN ({listed}) "
                               "AND coverage_id IS NOT NULL GROUP BY story_id").fetchall())
    return out


def _candidates(con: duckdb.DuckDBPyConnection, profiles: list[cov.Profile],
                weeks: list[int]) -> list[list[cov.Candidate]]:
    """For each profile, the stored articles sharing its keys in its week window, with their current
    cluster and profile (the ``max_candidates`` sharing the most keys)."""
    probe: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, (p, w) in enumerate(zip(profiles, weeks)):
        for k in p.keys:
            for dw in range(-WINDOW_WEEKS, WINDOW_WEEKS + 1):
                probe[(key_hash(k), w + dw)].append(i)
    if not probe:
        return [[] for _ in profiles]
    lo, hi = min(w for _, w in probe), max(w for _, w in probe)
    pairs = list(probe)
    view = _view(con, "_ww_cov_probe", {"key": pa.array([k for k, _ in pairs], pa.int64()),
                                        "week": pa.array([w for _, w in pairs], pa.int32())})
    try:
        rows = con.execute(f"""
            SELECT k.key, k.week, k.article_id FROM coverage_keys k
            JOIN {view} p ON p.key = k.key AND p.week = k.week
            WHERE k.week BETWEEN ? AND ?""", [lo, hi]).fetchall()
    finally:
        con.unregister(view)
    shared: list[Counter[str]] = [Counter() for _ in profiles]
    for key, week, aid in rows:
        for i in probe[(key, week)]:
            shared[i][aid] += 1
    keep = {aid for c in shared for aid, _ in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:PARAMS.max_candidates]}
    if not keep:
        return [[] for _ in profiles]
    ids = sorted(keep)
    stored = {}
    for start in range(0, len(ids), LOOKUP_CHUNK):  # looked up by the index on article_id (migration 014)
        stored.update({aid: (cid, prof) for aid, cid, prof in con.execute(
            "SELECT article_id, coverage_id, profile FROM coverage_profiles WHERE article_id IN "
            f"({_literals(ids[start:start + LOOKUP_CHUNK])})").fetchall()})
    profiles_of = {aid: (cid, cov.Profile.from_dict(orjson.loads(prof))) for aid, (cid, prof) in stored.items()}
    # a cluster's first day: what its retrieved members carry (each recorded its cluster's first day when
    # it joined), so no lookup per cluster; an indexed lookup only for clusters of profiles without it
    first_day: dict[str, int] = {}
    legacy: set[str] = set()
    for cid, prof in profiles_of.values():
        if prof.first is None:
            legacy.add(cid)
        f = prof.first if prof.first is not None else prof.day
        if f is not None:
            first_day[cid] = min(first_day.get(cid, f), f)
    if legacy:  # one query for them all (see _known_stories)
        view = _view(con, "_ww_cov_legacy", {"v": pa.array(sorted(legacy), pa.string())})
        try:
            for cid, f in con.execute(f"""
                    SELECT coverage_id, min(day) FROM coverage_profiles
                    WHERE coverage_id IN (SELECT v FROM {view}) GROUP BY coverage_id""").fetchall():
                if f is not None:
                    first_day[cid] = min(first_day.get(cid, f), f)
        finally:
            con.unregister(view)
    out = []
    for c in shared:
        cands = []
        for aid, n in c.items():
            if aid in profiles_of:
                cid, prof = profiles_of[aid]
                cands.append(cov.Candidate(coverage_id=cid, profile=prof, shared_keys=n, first_day=first_day.get(cid)))
        out.append(cands)
    return out


def _set_firsts(profiles: list[cov.Profile], cids: list[str], found: list[list[cov.Candidate]],
                merged: dict[str, tuple[str, str]]) -> None:
    """Each new profile records the first publication day of the cluster it joined (its stored members'
    first day, the merged clusters', and the new members' own days)."""
    first: dict[str, int] = {}

    def lower(cid: str, day: int | None) -> None:
        if day is not None:
            first[cid] = min(first.get(cid, day), day)

    for cands in found:
        for c in cands:
            lower(c.coverage_id, c.first_day)
    for old, (into, _) in merged.items():
        if old in first:
            lower(into, first[old])
    for p, cid in zip(profiles, cids):
        lower(cid, p.day)
    for p, cid in zip(profiles, cids):
        p.first = first.get(cid)


def _merge_all(con: duckdb.DuckDBPyConnection, merged: dict[str, tuple[str, str]], at: datetime) -> None:
    """Each cluster ``old`` of ``merged`` (old -> (into, bridging article)) becomes part of ``into``: its
    happenings first, one merge after the other (a happening of ``old`` that is one of ``into``'s, by the
    rules of ``coverage.happenings``, merges into it and the merge is recorded in ``happening_merges``),
    then the articles and profiles of them all, relabelled together by the indexes on coverage_id."""
    if not merged:
        return
    for old, (into, article_id) in merged.items():
        log.info("coverage cluster %s merged into %s by %s", old, into, article_id)
        _merge_happenings(con, old, into, at)
        con.execute("UPDATE happenings SET coverage_id = ? WHERE coverage_id = ?", [into, old])
        con.execute("INSERT INTO happening_keys SELECT replace(key, ?, ?), happening_id FROM happening_keys "
                    "WHERE key LIKE ?", [f"c|{old}|", f"c|{into}|", f"c|{old}|%"])
    final = {}
    for old in merged:  # where each old cluster ends up (were one merged into another merged one)
        into, seen = merged[old][0], {old}
        while into in merged and into not in seen:
            seen.add(into)
            into = merged[into][0]
        final[old] = into
    olds = sorted(final)
    listed = _literals(olds)
    label = "CASE coverage_id " + " ".join(f"WHEN {_literals([o])} THEN {_literals([final[o]])}" for o in olds) + " END"
    con.execute(f"UPDATE articles SET coverage_id = {label}, record = json_merge_patch(record, "
                f"json_object('coverage_id', {label})) WHERE coverage_id IN ({listed})")
    con.execute(f"UPDATE coverage_profiles SET coverage_id = {label} WHERE coverage_id IN ({listed})")
    view = _view(con, "_ww_cov_merges", {
        "from_id": pa.array(list(merged), pa.string()),
        "into_id": pa.array([into for into, _ in merged.values()], pa.string()),
        "article_id": pa.array([aid for _, aid in merged.values()], pa.string()),
        "merged_at": pa.array([at] * len(merged), pa.timestamp("us"))})
    try:
        con.execute(f"INSERT INTO coverage_merges SELECT from_id, into_id, article_id, merged_at FROM {view}")
    finally:
        con.unregister(view)


_HAPPENING_COLUMNS = ("happening_id, type, place, place_country, country_level, day, month, coverage_id, source, "
                      "target, plover, span_first, span_last")


def _happening(r: tuple) -> hp.Happening:
    return hp.Happening(happening_id=r[0], kind=r[1], place=r[2], country=r[3], country_level=bool(r[4]), day=r[5],
                        month=r[6], coverage_id=r[7], source=r[8], target=r[9], plover=r[10],
                        span=(r[11], r[12]) if r[11] is not None else None)


def _merge_happenings(con: duckdb.DuckDBPyConnection, old: str, into: str, at: datetime) -> None:
    """Happenings of cluster ``old`` that describe one of cluster ``into``'s join it (before the
    clusters' rows are relabelled): their events, keys and reports follow; the merge is recorded."""
    def of(cid: str) -> list[hp.Happening]:
        return [_happening(r) for r in con.execute(
            f"SELECT {_HAPPENING_COLUMNS} FROM happenings WHERE coverage_id = ? ORDER BY first_seen, happening_id",
            [cid]).fetchall()]

    targets = of(into)
    if not targets:
        return
    for h in of(old):
        f = hp.EventFacts(event_key=h.happening_id, kind=h.kind, place=h.place, country=h.country,
                          country_level=h.country_level, day=h.day, month=h.month, coverage_id=into, span=h.span,
                          source=h.source, target=h.target, plover=h.plover)
        hid = hp.choose(f, targets)
        if hid is None or hid == h.happening_id:
            continue
        log.info("happening %s merged into %s (clusters %s into %s)", h.happening_id, hid, old, into)
        con.execute("UPDATE event_happenings SET happening_id = ? WHERE happening_id = ?", [hid, h.happening_id])
        con.execute("UPDATE happening_keys SET happening_id = ? WHERE happening_id = ?", [hid, h.happening_id])
        con.execute("DELETE FROM happenings WHERE happening_id = ?", [h.happening_id])
        con.execute("INSERT INTO happening_merges VALUES (?, ?, ?, ?, ?)", [h.happening_id, hid, old, into, at])


def _write_profiles(store: Store, profiles: list[cov.Profile], weeks: list[int], arts: list[Article]) -> None:
    rows: dict[str, list] = {"article_id": [], "story_id": [], "coverage_id": [], "week": [], "day": [],
                             "profile": []}
    keys: dict[str, list] = {"key": [], "week": [], "article_id": []}
    for p, w, a in zip(profiles, weeks, arts):
        p.story_id = a.story_id
        rows["article_id"].append(a.id)
        rows["story_id"].append(a.story_id)
        rows["coverage_id"].append(a.coverage_id)
        rows["week"].append(w)
        rows["day"].append(p.day)
        rows["profile"].append(orjson.dumps(p.to_dict()).decode())
        for k in p.keys:
            keys["key"].append(key_hash(k))
            keys["week"].append(w)
            keys["article_id"].append(a.id)
    store._insert("coverage_profiles", rows)
    if keys["key"]:
        store._insert("coverage_keys", {"key": pa.array(keys["key"], pa.int64()),
                                        "week": pa.array(keys["week"], pa.int32()),
                                        "article_id": keys["article_id"]})


# -- backfill of stores written before migration 008 -------------------------------------------------
BACKFILL_CHUNK = 500  # articles decided and committed together (an interrupted backfill resumes from there)


def catch_up(store: Store, *, chunk: int | None = None) -> int:
    """Coverage clusters for the articles a store holds from before migration 008 (no profile yet).

    Runs once, on the first writable open after the upgrade (``Store._catch_up``): a monitor that has
    followed its sources for months keeps its archive and expects it clustered like new articles
    (and new articles clustered with the last weeks of it), without a separate step.  Articles are
    decided in publication order (arrival order where undated), as if ingested in that order, a
    ``chunk`` at a time, each in its own transaction: an interrupted backfill resumes where it stopped.
    Their events are filed under happenings too.  When done (or on a store that has nothing to
    catch up, such as a new one) ``coverage_backfill`` records it and later opens cost one lookup.
    Returns the number of articles given a coverage cluster."""
    con = store.con
    if con.execute("SELECT count(*) FROM coverage_backfill WHERE finished_at IS NOT NULL").fetchone()[0]:
        return 0
    chunk = chunk or BACKFILL_CHUNK
    todo = [r[0] for r in con.execute("""
        SELECT a.id FROM articles a ANTI JOIN coverage_profiles p ON p.article_id = a.id
        ORDER BY a.published NULLS LAST, a.ingested_at, a.id""").fetchall()]
    from .db import now

    if todo:
        log.warning("%s: giving %d stored articles their coverage clusters (once, after the upgrade)",
                    store.path, len(todo))
        if not con.execute("SELECT count(*) FROM coverage_backfill").fetchone()[0]:  # else resumed
            con.execute("INSERT INTO coverage_backfill VALUES (?, NULL, 0)", [now()])
        known = dict(con.execute("""
            SELECT a.story_id, any_value(a.coverage_id) FROM articles a SEMI JOIN coverage_profiles p
            ON p.article_id = a.id GROUP BY a.story_id""").fetchall())
    done = 0
    for start in range(0, len(todo), chunk):
        ids = todo[start:start + chunk]
        con.execute("BEGIN")
        try:
            _backfill_chunk(store, ids, known)
            con.execute("UPDATE coverage_backfill SET articles = articles + ? WHERE finished_at IS NULL",
                        [len(ids)])
            con.execute("COMMIT")
        except BaseException:  # interrupted too: the chunk is undone, the next open redoes it
            con.execute("ROLLBACK")
            raise
        done += len(ids)
        log.info("coverage backfill: %d of %d articles", done, len(todo))
    if not todo:
        con.execute("INSERT INTO coverage_backfill VALUES (?, ?, 0)", [now(), now()])
    else:
        con.execute("UPDATE coverage_backfill SET finished_at = ? WHERE finished_at IS NULL", [now()])
    return done


def _backfill_chunk(store: Store, ids: list[str], known: dict[str, str]) -> None:
    con = store.con
    view = _view(con, "_ww_cov_backfill", {"v": pa.array(ids, pa.string())})
    try:
        rows = {r[0]: r[1:] for r in con.execute(
            f"SELECT id, record, ingested_at FROM articles WHERE id IN (SELECT v FROM {view})").fetchall()}
    finally:
        con.unregister(view)
    arts, weeks = [], []
    for aid in ids:
        record, ingested = rows[aid]
        a = Article.from_dict(json.loads(record))
        a.id = aid
        arts.append((a, ingested))
    profiles = [cov.profile(a, params=PARAMS) for a, _ in arts]
    weeks = [_week(p, ingested) for p, (_, ingested) in zip(profiles, arts)]
    found = _candidates(con, profiles, weeks)
    decisions = cov.assign(profiles, found, params=PARAMS, known=known)
    merged: dict[str, tuple[str, str]] = {}
    for (a, _), d in zip(arts, decisions):
        a.coverage_id = d.coverage_id
        for old in d.merged:
            merged.setdefault(old, (d.coverage_id, a.id))
    at = max(ingested for _, ingested in arts)
    _merge_all(con, merged, at)
    for old, (into, _) in merged.items():
        for sid, cid in known.items():
            if cid == old:
                known[sid] = into
    for a, _ in arts:  # within the chunk too: a later merge renames an earlier decision's cluster
        while a.coverage_id in merged:
            a.coverage_id = merged[a.coverage_id][0]
        known.setdefault(a.story_id, a.coverage_id)
    view = _view(con, "_ww_cov_set", {"id": pa.array([a.id for a, _ in arts], pa.string()),
                                      "cid": pa.array([a.coverage_id for a, _ in arts], pa.string())})
    try:
        con.execute(f"""UPDATE articles SET coverage_id = v.cid,
                            record = json_merge_patch(record, json_object('coverage_id', v.cid))
                        FROM {view} v WHERE articles.id = v.id""")
    finally:
        con.unregister(view)
    _set_firsts(profiles, [a.coverage_id for a, _ in arts], found, merged)
    _write_profiles(store, profiles, weeks, [a for a, _ in arts])
    assign_happenings(store, [a for a, _ in arts], at=at, stored_events=True)


# -- happenings ------------------------------------------------------------------------------------
def _country_names() -> set[str]:
    from ..nlp.events.actors import tables

    return set(tables().names)


def assign_happenings(store: Store, arts: list[Article], *, at: datetime, stored_events: bool = False) -> None:
    """File each new event (a key not stored yet) under a happening: a stored one it describes, one
    started earlier in this batch, or its own new one.  ``stored_events``: also events already stored
    but not filed yet (the backfill of articles from before migration 008)."""
    from ..nlp.events import event_key

    con = store.con
    pending: dict[str, tuple[Article, Any]] = {}
    for a in arts:
        for ev in a.events:
            pending.setdefault(event_key(ev), (a, ev))
    if not pending:
        return
    view = _view(con, "_ww_ev_keys", {"v": pa.array(sorted(pending), pa.string())})
    try:
        filed = {k for (k,) in con.execute(
            f"SELECT event_key FROM event_happenings WHERE event_key IN (SELECT v FROM {view})").fetchall()}
        stored = {k for (k,) in con.execute(
            f"SELECT event_key FROM events WHERE event_key IN (SELECT v FROM {view})").fetchall()}
    finally:
        con.unregister(view)
    countries = _country_names()
    new_rows: dict[str, list] = {k: [] for k in ("happening_id", "type", "place", "place_country", "country_level",
                                                 "day", "month", "coverage_id", "source", "target", "plover",
                                                 "span_first", "span_last", "first_seen")}
    key_rows: dict[str, list] = {"key": [], "happening_id": []}
    links: dict[str, list] = {"event_key": [], "happening_id": []}
    local: dict[str, hp.Happening] = {}  # stored candidates and happenings started in this batch, by id
    local_keys: dict[str, list[str]] = defaultdict(list)  # keys filed in this batch
    todo = [k for k in sorted(pending, key=lambda k: (pending[k][0].id, pending[k][1].start, k))
            if k not in filed and (stored_events or k not in stored)]  # a stored event keeps its happening
    all_facts = {k: hp.facts(pending[k][1], event_key=k, coverage_id=pending[k][0].coverage_id,
                             country_names=countries, article=pending[k][0]) for k in todo}
    by_key = _stored_happenings(con, sorted({p for f in all_facts.values() for p in hp.probe_keys(f)}))
    local.update({h.happening_id: h for hs in by_key.values() for h in hs})  # every happening by id
    for key in todo:
        f = all_facts[key]
        probes = hp.probe_keys(f)
        seen: set[str] = set()
        cands = []
        for h in [h for k in probes for h in by_key.get(k, [])] + [local[h] for k in probes
                                                                   for h in local_keys.get(k, [])]:
            if h.happening_id not in seen:
                seen.add(h.happening_id)
                cands.append(h)
        hid = hp.choose(f, cands)
        if hid is None:
            hid = "h" + key
            h = hp.Happening(happening_id=hid, kind=f.kind, place=f.place, country=f.country,
                             country_level=f.country_level, day=f.day, month=f.month, coverage_id=f.coverage_id,
                             span=f.span, source=f.source, target=f.target, plover=f.plover)
            local[hid] = h
            for k in ([] if f.background else hp.file_keys(h)):  # history is never a candidate for the news
                local_keys[k].append(hid)
                key_rows["key"].append(k)
                key_rows["happening_id"].append(hid)
            for col, val in (("happening_id", hid), ("type", f.kind), ("place", f.place), ("place_country", f.country),
                             ("country_level", f.country_level), ("day", f.day), ("month", f.month),
                             ("coverage_id", f.coverage_id), ("source", f.source), ("target", f.target),
                             ("plover", f.plover), ("span_first", f.span[0] if f.span else None),
                             ("span_last", f.span[1] if f.span else None), ("first_seen", at)):
                new_rows[col].append(val)
        else:
            h = local.get(hid)
            if h is not None and hp.refine(h, f):  # a sharper date or place for it
                cols = {"span_first": h.span[0] if h.span else None, "span_last": h.span[1] if h.span else None,
                        "day": h.day, "month": h.month, "place": h.place, "place_country": h.country,
                        "country_level": h.country_level}
                if hid in new_rows["happening_id"]:  # started in this batch: not written yet
                    i = new_rows["happening_id"].index(hid)
                    for col, val in cols.items():
                        new_rows[col][i] = val
                else:
                    con.execute("UPDATE happenings SET " + ", ".join(f"{c} = ?" for c in cols)
                                + " WHERE happening_id = ?", [*cols.values(), hid])
            for k in hp.file_keys(f):  # also findable from this event's cluster and place
                key_rows["key"].append(k)
                key_rows["happening_id"].append(hid)
                local_keys[k].append(hid)
        links["event_key"].append(key)
        links["happening_id"].append(hid)
    store._insert("happenings", new_rows)
    store._insert("happening_keys", key_rows)
    store._insert("event_happenings", links)


def _stored_happenings(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, list[hp.Happening]]:
    """probe key -> the stored happenings filed under it (one query for the batch)."""
    if not keys:
        return {}
    con.register("_ww_hprobe", pa.table({"v": pa.array(keys, pa.string())}))
    try:
        rows = con.execute("""
            SELECT k.key, h.happening_id, h.type, h.place, h.place_country, h.country_level, h.day, h.month,
                   h.coverage_id, h.source, h.target, h.plover, h.span_first, h.span_last
            FROM happening_keys k JOIN happenings h USING (happening_id)
            WHERE k.key IN (SELECT v FROM _ww_hprobe)""").fetchall()
    finally:
        con.unregister("_ww_hprobe")
    out: dict[str, list[hp.Happening]] = defaultdict(list)
    for r in rows:
        out[r[0]].append(hp.Happening(happening_id=r[1], kind=r[2], place=r[3], country=r[4], country_level=bool(r[5]),
                                      day=r[6], month=r[7], coverage_id=r[8], source=r[9], target=r[10],
                                      plover=r[11], span=(r[12], r[13]) if r[12] is not None else None))
    return out


# -- read side -------------------------------------------------------------------------------------
def happenings_of(con: duckdb.DuckDBPyConnection, event_keys: list[str]) -> dict[str, str]:
    """event key -> happening id (an event stored before migration 008 is its own happening)."""
    if not event_keys:
        return {}
    con.register("_ww_hk", pa.table({"v": pa.array(sorted(set(event_keys)), pa.string())}))
    try:
        found = dict(con.execute("SELECT event_key, happening_id FROM event_happenings "
                                 "WHERE event_key IN (SELECT v FROM _ww_hk)").fetchall())
    finally:
        con.unregister("_ww_hk")
    return {k: found.get(k, k) for k in event_keys}


def happening_totals(con: duckdb.DuckDBPyConnection, of: dict[str, str]) -> dict[str, tuple[int, int, int]]:
    """happening id -> (stories, reports, outlets) over every report of its events in ``of``
    (event key -> happening id).  An outlet is the agency, else the URL's host, else the source."""
    if not of:
        return {}
    con.register("_ww_hmap", pa.table({"event_key": pa.array(list(of), pa.string()),
                                       "happening_id": pa.array(list(of.values()), pa.string())}))
    try:
        rows = con.execute(r"""
            SELECT m.happening_id, count(DISTINCT r.story_id), count(DISTINCT r.article_id),
                   count(DISTINCT coalesce(a.agency, nullif(regexp_extract(a.url, '^\w+://(?:www\.)?([^/:]+)', 1), ''),
                                           a.source))
            FROM event_reports r JOIN _ww_hmap m ON m.event_key = r.event_key JOIN articles a ON a.id = r.article_id
            GROUP BY 1""").fetchall()
    finally:
        con.unregister("_ww_hmap")
    return {h: (int(s), int(r), int(o)) for h, s, r, o in rows}


def coverage_context(con: duckdb.DuckDBPyConnection, articles: list[Article]) -> dict[str, dict[str, Any]]:
    """coverage id -> what a watcher should hear about the cluster of these (just stored) articles:
    ``new`` (no story of it was stored before them), ``stories`` stored in it, and the title of its
    first story (``of``).  Indexed lookups by cluster."""
    batch = {a.story_id for a in articles}
    out = {}
    for cid in sorted({a.coverage_id for a in articles if a.coverage_id}):
        rows = con.execute("SELECT story_id, min(ingested_at), arg_min(title, ingested_at) FROM articles "
                           "WHERE coverage_id = ? GROUP BY story_id ORDER BY 2, 1", [cid]).fetchall()
        earlier = [r for r in rows if r[0] not in batch]
        first = (earlier or rows or [(None, None, None)])[0]
        out[cid] = {"coverage_id": cid, "new": not earlier, "stories": len(rows), "of": first[2]}
    return out


def told(con: duckdb.DuckDBPyConnection, watch_id: str, coverage_ids: list[str]) -> set[tuple[str, str]]:
    """(subscriber, coverage id) pairs already alerted (or queued) for a story of the cluster by the watch."""
    if not coverage_ids:
        return set()
    rows = con.execute("""
        SELECT DISTINCT d.subscriber_id, a.coverage_id FROM deliveries d JOIN articles a ON a.id = d.article_id
        WHERE d.watch_id = ? AND a.coverage_id IN (SELECT unnest(CAST(? AS VARCHAR[])))""",
                       [watch_id, sorted(set(coverage_ids))]).fetchall()
    return {(r[0], r[1]) for r in rows}


def merges(con: duckdb.DuckDBPyConnection, *, limit: int = 100) -> list[dict[str, Any]]:
    """The latest cluster merges (newest first)."""
    cur = con.execute("SELECT from_id, into_id, article_id, merged_at FROM coverage_merges "
                      "ORDER BY merged_at DESC LIMIT ?", [int(limit)])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def cluster_sizes(con: duckdb.DuckDBPyConnection, coverage_ids: list[str]) -> dict[str, tuple[int, int]]:
    """coverage id -> (stories, articles) stored in it (indexed lookups by cluster)."""
    out = {}
    for cid in sorted(set(coverage_ids)):
        row = con.execute("SELECT count(DISTINCT story_id), count(*) FROM articles WHERE coverage_id = ?",
                          [cid]).fetchone()
        out[cid] = (int(row[0]), int(row[1]))
    return out
