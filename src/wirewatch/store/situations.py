"""Read-side SQL for situation reports: which articles a query selects, and what they say.

A report is built in two steps: ``select_articles`` turns a query (a country, actor or topic)
into the stored copies it concerns (a temporary table), then each section function aggregates
over them.  Counting rules live here, in SQL, so every front end counts alike:

* a *story* is counted once however many copies the store holds (``story_id``);
* an *event* is counted once however many reports carry it (``events`` is one row per
  ``event_key``; ``event_reports`` lists the reports);
* a *quote* is counted once per story (copies repeat the same words).

Functions take a DuckDB connection or cursor and return plain dicts/tuples.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb


@dataclass(slots=True)
class Selection:
    """The stored copies a report covers, held in a temporary table (``id``, ``story_id``) of
    the connection: binding thousands of ids as a query parameter costs more than the query."""

    table: str
    method: str = "none"  # "names" (entities/places/actors), "fulltext" or "none"
    names: list[str] = field(default_factory=list)
    country: str | None = None
    size: int = 0


def _fold(expr: str) -> str:
    return f"lower(strip_accents({expr}))"


def _period(alias: str, since: str | None, until: str | None) -> tuple[str, list[Any]]:
    where, params = [], []
    if since:
        where.append(f"{alias}.published >= CAST(? AS DATE)")
        params.append(since)
    if until:
        where.append(f"{alias}.published <= CAST(? AS DATE)")
        params.append(until)
    return (" AND " + " AND ".join(where)) if where else "", params


def _fill(con: duckdb.DuckDBPyConnection, table: str, where: str, params: list[Any]) -> int:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS "
                f"SELECT a.id, a.story_id FROM articles a WHERE {where}", params)
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@contextmanager
def select_articles(con: duckdb.DuckDBPyConnection, names: list[str], *, country: str | None = None,
                    text: str | None = None, since: str | None = None,
                    until: str | None = None) -> Iterator[Selection]:
    """The copies whose entities, places or event actors carry one of ``names`` (case- and
    accent-insensitive; a PERSON also matches by surname), or whose places/actors are in
    ``country``; failing that, copies whose title or text contains ``text``.  The selection
    lives in a temporary table for the duration of the ``with`` block."""
    folded = sorted({n.strip().lower() for n in names if n and n.strip()})
    period, pparams = _period("a", since, until)
    sel = Selection(f"ww_sel_{uuid.uuid4().hex}", "none", folded, country)
    try:
        if folded:
            cc = [country] if country else []
            country_place = "OR p.country = ?" if country else ""
            country_actor = "OR e.source_country = ? OR e.target_country = ?" if country else ""
            hit = f"""a.id IN (
                WITH q AS (SELECT strip_accents(unnest(CAST(? AS VARCHAR[]))) AS n)
                SELECT article_id FROM entities en
                WHERE {_fold('en.name')} IN (SELECT n FROM q)
                   OR (en.type = 'PERSON' AND EXISTS (SELECT 1 FROM q WHERE {_fold('en.name')} LIKE '% ' || q.n))
                UNION
                SELECT article_id FROM places p WHERE {_fold('p.name')} IN (SELECT n FROM q) {country_place}
                UNION
                SELECT r.article_id FROM events e JOIN event_reports r USING (event_key)
                WHERE {_fold('e.source_name')} IN (SELECT n FROM q)
                   OR {_fold('e.target_name')} IN (SELECT n FROM q) {country_actor})"""
            sel.size = _fill(con, sel.table, hit + period, [folded, *cc, *(cc * 2), *pparams])
            sel.method = "names" if sel.size else "none"
        if not sel.size and text and text.strip():
            like = f"%{text.strip()}%"
            sel.size = _fill(con, sel.table, "(a.title ILIKE ? OR a.text ILIKE ?)" + period, [like, like, *pparams])
            sel.method = "fulltext" if sel.size else "none"
        if not folded and not sel.size:
            _fill(con, sel.table, "FALSE", [])
        yield sel
    finally:
        con.execute(f"DROP TABLE IF EXISTS {sel.table}")


def _words_regex(text: str) -> str:
    """RE2 pattern for ``text`` as whole words (case-insensitive), as ``querylang`` matches them."""
    import re  # noqa: PLC0415

    body = r"\s+".join(re.escape(w) for w in text.split())
    return rf"(?i)(^|[^[:alnum:]_]){body}($|[^[:alnum:]_])"


def _term_sql(field: str | None, text: str, names: list[str], country: str | None,
              code: str) -> tuple[str, list[Any]]:
    """Article ids matching one query term (``querylang.Term``): the SQL twin of ``alerts.watches``'
    per-article match, widened by ``names`` (aliases such as a country's demonyms) and ``country``."""
    folded = sorted({n.strip().lower() for n in [text, *names] if n and n.strip()})
    rx = _words_regex(text)
    parts: list[str] = []
    params: list[Any] = []
    q = "(SELECT strip_accents(unnest(CAST(? AS VARCHAR[]))))"
    if field in (None, "entity"):
        parts.append(f"SELECT article_id FROM entities en WHERE {_fold('en.name')} IN {q} "
                     f"OR regexp_matches(en.name, ?)")
        parts.append(f"SELECT r.article_id FROM events e JOIN event_reports r USING (event_key) "
                     f"WHERE {_fold('e.source_name')} IN {q} OR {_fold('e.target_name')} IN {q}")
        params += [folded, rx, folded, folded]
    if field in (None, "place"):
        cc = country or (text.upper() if field == "place" and len(text) == 2 and text.isalpha() else None)
        parts.append(f"SELECT article_id FROM places p WHERE {_fold('p.name')} IN {q} OR regexp_matches(p.name, ?)"
                     + (" OR p.country = ?" if cc else ""))
        params += [folded, rx] + ([cc] if cc else [])
    if field in (None, "event"):
        parts.append("SELECT r.article_id FROM events e JOIN event_reports r USING (event_key) "
                     "WHERE upper(e.type) = ? OR upper(e.plover) = ?")
        params += [code, code]
    if field in (None, "keyword"):
        like = f"%{' '.join(text.split())}%"
        parts.append("SELECT id FROM articles WHERE (title ILIKE ? OR text ILIKE ?) "
                     "AND (regexp_matches(coalesce(title, ''), ?) OR regexp_matches(text, ?))")
        params += [like, like, rx, rx]
    return " UNION ".join(parts), params


@contextmanager
def select_query(con: duckdb.DuckDBPyConnection, alternatives: list[list[dict[str, Any]]], *,
                 since: str | None = None, until: str | None = None) -> Iterator[Selection]:
    """The copies matching a parsed query: any alternative, every term of it (each term a dict
    ``{field, text, names, country, code}``, see ``_term_sql``).  Lives in a temporary table for the
    ``with`` block, like ``select_articles``."""
    period, pparams = _period("a", since, until)
    sel = Selection(f"ww_sel_{uuid.uuid4().hex}", "query",
                    sorted({n for alt in alternatives for t in alt for n in [t["text"], *t.get("names", [])]}))
    try:
        alts, params = [], []
        for alt in alternatives:
            sqls = []
            for t in alt:
                sql, ps = _term_sql(t.get("field"), t["text"], t.get("names") or [], t.get("country"), t["code"])
                sqls.append(f"({sql})")
                params += ps
            alts.append(" INTERSECT ".join(sqls))
        where = f"a.id IN ({' UNION '.join(f'({x})' for x in alts)})" if alts else "FALSE"
        sel.size = _fill(con, sel.table, where + period, [*params, *pparams])
        if not sel.size:
            sel.method = "none"
        yield sel
    finally:
        con.execute(f"DROP TABLE IF EXISTS {sel.table}")


def _copies(con: duckdb.DuckDBPyConnection) -> str:
    """Every copy of the stored articles, each with the ``article_id`` holding its text: stored
    articles and the copies recorded from other sources (``article_rows``, migration 006)."""
    row = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'article_rows'").fetchone()
    return "article_rows" if row[0] else "(SELECT *, id AS article_id FROM articles)"


def totals(con: duckdb.DuckDBPyConnection, sel: Selection) -> dict[str, Any]:
    """Copies (recorded copies from other sources included), stories, events and the span of
    publication dates of the selection."""
    row = con.execute(f"""
        SELECT count(*), count(DISTINCT story_id), min(published), max(published)
        FROM {_copies(con)} WHERE article_id IN (SELECT id FROM {sel.table})""").fetchone()
    n_events = con.execute(f"SELECT count(DISTINCT event_key) FROM event_reports "
                           f"WHERE article_id IN (SELECT id FROM {sel.table})").fetchone()[0]
    return {"articles": row[0], "stories": row[1], "events": n_events,
            "first_published": _iso(row[2]), "last_published": _iso(row[3])}


def timeline_events(con: duckdb.DuckDBPyConnection, sel: Selection) -> list[dict[str, Any]]:
    """Distinct events reported by the selection, each once, with the earliest publication date
    of its reports (the fallback date when the event has none of its own)."""
    cur = con.execute(f"""
        WITH ev AS (SELECT DISTINCT event_key FROM event_reports WHERE article_id IN (SELECT id FROM {sel.table}))
        SELECT e.event_key, e.type, e.plover, e.source_name, e.source_country, e.source_sector,
               e.target_name, e.target_country, e.target_sector, e.date, e.date_basis, e.place, e.text,
               e.first_seen, min(a.published) AS first_published
        FROM events e JOIN ev USING (event_key)
        JOIN event_reports r USING (event_key) JOIN articles a ON a.id = r.article_id
        GROUP BY ALL""")
    return _dicts(cur)


def event_sources(con: duckdb.DuckDBPyConnection, sel: Selection, *, per_event: int = 12) -> list[dict[str, Any]]:
    """The stories that reported each event of the selection (``per_event`` earliest): the first
    copy's title/url/agency and the number of copies carrying the event."""
    cur = con.execute(f"""
        WITH ev AS (SELECT DISTINCT event_key FROM event_reports WHERE article_id IN (SELECT id FROM {sel.table})),
        g AS (SELECT r.event_key, r.story_id, count(DISTINCT r.article_id) AS copies, min(r.article_id) AS aid
              FROM event_reports r WHERE r.event_key IN (SELECT event_key FROM ev) GROUP BY 1, 2),
        j AS (SELECT g.event_key, g.story_id, g.copies, g.aid, a.published,
                     row_number() OVER (PARTITION BY g.event_key ORDER BY a.published NULLS LAST, g.story_id) AS rk,
                     count(*) OVER (PARTITION BY g.event_key) AS n_stories,
                     sum(g.copies) OVER (PARTITION BY g.event_key) AS n_reports
              FROM g JOIN articles a ON a.id = g.aid)
        SELECT j.event_key, j.story_id, j.copies, a.title, a.url, a.source, a.agency, j.published, a.language,
               CASE WHEN coalesce(trim(a.title), '') = '' THEN substr(a.text, 1, 400) END AS lead_text,
               j.n_stories, j.n_reports
        FROM j JOIN articles a ON a.id = j.aid WHERE j.rk <= ? ORDER BY j.event_key, j.rk""", [int(per_event)])
    return _dicts(cur)


def stories(con: duckdb.DuckDBPyConnection, sel: Selection, *, lead_chars: int = 400) -> list[dict[str, Any]]:
    """One row per story in the selection: first copy's metadata and lead, copy count, first
    publication date and when the store first saw it, and how many events it reported."""
    cur = con.execute(f"""
        WITH s AS (SELECT a.story_id, count(*) AS copies, arg_min(a.article_id, a.ingested_at) AS aid,
                          min(a.published) AS published, min(a.ingested_at) AS first_seen,
                          list(DISTINCT a.agency) FILTER (WHERE a.agency IS NOT NULL) AS agencies
                   FROM {_copies(con)} a WHERE a.article_id IN (SELECT id FROM {sel.table}) GROUP BY a.story_id),
        evs AS (SELECT story_id, count(DISTINCT event_key) AS events FROM event_reports
                WHERE article_id IN (SELECT id FROM {sel.table}) GROUP BY story_id)
        SELECT s.story_id, s.copies, a.title, a.url, a.source, a.agency, a.language, substr(a.text, 1, ?) AS lead,
               s.published, s.first_seen, s.agencies, coalesce(evs.events, 0) AS events
        FROM s JOIN articles a ON a.id = s.aid LEFT JOIN evs ON evs.story_id = s.story_id
        ORDER BY s.published NULLS LAST, s.story_id""", [int(lead_chars) * 2])
    return _dicts(cur)


def _aliases(aliases: dict[str, str] | None) -> tuple[str, list[Any]]:
    """A CTE ``m(name, canon)`` of the report's alias decisions (raw name -> canonical name)."""
    pairs = sorted((aliases or {}).items())
    return ("m AS (SELECT unnest(string_split(?, chr(31))) AS name, unnest(string_split(?, chr(31))) AS canon "
            "OFFSET 1)",  # a leading empty item keeps the lists aligned when there are no pairs
            [_packed(k for k, _ in pairs), _packed(v for _, v in pairs)])


def _packed(items: Any) -> str:
    """Strings as one parameter (``string_split(?, chr(31))`` on the SQL side, first item empty):
    binding a Python list costs DuckDB a conversion per element, thousands of them here."""
    return "".join("\x1f" + str(x).replace("\x1f", " ") for x in items)


ACTOR_TYPES = ("PERSON", "ORG", "NORP", "GPE")
# words a clause-grabbing role extractor leaves in front of a role: "and national security adviser"
_ROLE_LEAD = r"^((and|or|but|although|though|if|while|as|when|whose|who|the|a|an|his|her|their|its)\s+)+"


def entity_names(con: duckdb.DuckDBPyConnection, sel: Selection) -> list[tuple[str, str, int]]:
    """(name, type, stories) for the named people, organisations, groups and countries of the
    selection: the evidence alias resolution works from."""
    return con.execute(f"""
        SELECT name, coalesce(type, ''), count(DISTINCT story_id) FROM entities
        WHERE article_id IN (SELECT id FROM {sel.table}) AND type IN {ACTOR_TYPES}
        GROUP BY 1, 2""").fetchall()


def actors(con: duckdb.DuckDBPyConnection, sel: Selection, *, aliases: dict[str, str] | None = None,
           limit: int = 150) -> list[dict[str, Any]]:
    """Actors of the selection under their canonical names (``aliases``): stories naming them
    (each once), mentions, and the type most of those stories give them."""
    cte, params = _aliases(aliases)
    cur = con.execute(f"""
        WITH {cte},
        en AS MATERIALIZED (SELECT coalesce(m.canon, e.name) AS name, e.type, e.story_id, e.n_mentions
               FROM entities e LEFT JOIN m ON m.name = e.name
               WHERE e.article_id IN (SELECT id FROM {sel.table}) AND e.type IN {ACTOR_TYPES}),
        ty AS (SELECT name, first(type ORDER BY n DESC, type) AS type
               FROM (SELECT name, type, count(DISTINCT story_id) AS n FROM en GROUP BY 1, 2) GROUP BY 1)
        SELECT en.name, ty.type, count(DISTINCT en.story_id) AS stories, sum(en.n_mentions) AS mentions
        FROM en JOIN ty USING (name) GROUP BY 1, 2
        ORDER BY stories DESC, mentions DESC, en.name LIMIT ?""", [*params, int(limit)])
    return _dicts(cur)


def actor_roles(con: duckdb.DuckDBPyConnection, sel: Selection,
                members: dict[str, list[str]]) -> dict[str, list[tuple[str, int, str]]]:
    """canonical name -> [(case-folded role, stories giving it, display form)] over all the raw
    names folded into it; the display form is the lower-case spelling where one was seen."""
    pairs = {raw: canon for canon, raws in members.items() for raw in raws}
    if not pairs:
        return {}
    cte, params = _aliases(pairs)
    rows = con.execute(f"""
        WITH {cte},
        r0 AS (SELECT m.canon, e.story_id, trim(unnest(e.roles)) AS raw
               FROM entities e JOIN m ON m.name = e.name
               WHERE e.article_id IN (SELECT id FROM {sel.table}) AND len(e.roles) > 0),
        r AS (SELECT canon, story_id, trim(regexp_replace(raw, ?, '', 'i')) AS role FROM r0)
        SELECT canon, lower(role) AS folded, count(DISTINCT story_id) AS n,
               coalesce(min(role) FILTER (WHERE role = lower(role)), mode(role)) AS form
        FROM r WHERE role <> '' GROUP BY 1, 2""", [*params, _ROLE_LEAD]).fetchall()
    out: dict[str, list[tuple[str, int, str]]] = {}
    for canon, folded, n, form in rows:
        out.setdefault(canon, []).append((folded, int(n), form))
    return out


def _skip(skip: Any) -> str:
    return _packed(sorted(skip or ()))


_NOT_SKIPPED = "event_key NOT IN (SELECT unnest(string_split(?, chr(31))))"


def actor_event_counts(con: duckdb.DuckDBPyConnection, sel: Selection, *,
                       skip: Any = None) -> dict[str, tuple[int, int]]:
    """name -> (distinct events as source, distinct events as target) within the selection,
    leaving out the events keyed in ``skip`` (background history)."""
    rows = con.execute(f"""
        WITH ev AS (SELECT DISTINCT event_key FROM event_reports WHERE article_id IN (SELECT id FROM {sel.table})
                    AND {_NOT_SKIPPED}),
        e AS (SELECT * FROM events WHERE event_key IN (SELECT event_key FROM ev)),
        s AS (SELECT source_name AS name, count(*) AS n FROM e WHERE source_name IS NOT NULL GROUP BY 1),
        t AS (SELECT target_name AS name, count(*) AS n FROM e WHERE target_name IS NOT NULL GROUP BY 1)
        SELECT coalesce(s.name, t.name), coalesce(s.n, 0), coalesce(t.n, 0)
        FROM s FULL OUTER JOIN t ON s.name = t.name""", [_skip(skip)]).fetchall()
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}


FRAGMENT_WORDS = 4


def _quote_rows(sel: Selection, cte: str) -> str:
    """Distinct quotes of the selection under canonical speaker names (NULL: no speaker)."""
    return f"""{cte},
        q AS (SELECT coalesce(m.canon, qq.speaker) AS speaker, qq.* EXCLUDE (speaker)
              FROM quotes qq LEFT JOIN m ON m.name = qq.speaker
              WHERE qq.article_id IN (SELECT id FROM {sel.table})),
        d AS MATERIALIZED (SELECT speaker, story_id, lower(text) AS norm, count(DISTINCT article_id) AS copies,
                     min(article_id) AS aid, any_value(text) AS text, bool_or(direct) AS direct, any_value(cue) AS cue
              FROM q GROUP BY speaker, story_id, lower(text)),
        ok AS MATERIALIZED (SELECT * FROM d WHERE speaker IS NOT NULL AND trim(speaker) <> ''
                                 AND lower(trim(speaker)) NOT IN (SELECT unnest(string_split(?, chr(31)))))"""


def quotes(con: duckdb.DuckDBPyConnection, sel: Selection, *, aliases: dict[str, str] | None = None,
           exclude: list[str] | None = None, per_speaker: int = 6, speakers: int = 20,
           lead_chars: int = 400, totals: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """Quotes grouped by speaker (canonical names; speakers in ``exclude``, lower-case, left
    out), each distinct quote once per story (copies repeat it), the most quoted speakers first;
    per speaker ``per_speaker`` quotes: direct quotes first, then paraphrases, then quoted
    fragments of fewer than ``FRAGMENT_WORDS`` words ("fake news": a scare quote is not a stated
    position), each newest first.  ``totals``, when given, receives the counts of
    ``quote_totals`` (computed in the same query when any speaker is found)."""
    cte, params = _aliases(aliases)
    cur = con.execute(f"""
        WITH {_quote_rows(sel, cte)},
        spk AS (SELECT speaker, count(*) AS n_quotes, count(DISTINCT story_id) AS n_stories,
                       count(*) FILTER (WHERE direct) AS n_direct
                FROM ok GROUP BY speaker ORDER BY n_quotes DESC, speaker LIMIT ?),
        ranked AS (
            SELECT ok.*, spk.n_quotes, spk.n_stories, spk.n_direct,
                   row_number() OVER (PARTITION BY ok.speaker
                                      ORDER BY CASE WHEN NOT coalesce(ok.direct, FALSE) THEN 1
                                                    WHEN len(string_split(trim(ok.text), ' ')) < ? THEN 2
                                                    ELSE 0 END,
                                               a.published DESC NULLS LAST, ok.story_id, ok.norm) AS rk
            FROM ok JOIN spk USING (speaker) JOIN articles a ON a.id = ok.aid)
        SELECT (SELECT count(*) FROM ok) AS n_ok, (SELECT count(*) FROM d) AS n_all,
               r.speaker, r.n_quotes, r.n_stories, r.n_direct, r.story_id, r.text, r.direct, r.cue, a.title, a.url,
               a.agency, a.published, r.copies, a.language,
               CASE WHEN coalesce(trim(a.title), '') = '' THEN substr(a.text, 1, ?) END AS lead
        FROM ranked r JOIN articles a ON a.id = r.aid WHERE r.rk <= ?
        ORDER BY r.n_quotes DESC, r.speaker, r.rk""",
        [*params, _packed(x.lower() for x in exclude or []), int(speakers), int(FRAGMENT_WORDS), int(lead_chars),
         int(per_speaker)])
    out: list[dict[str, Any]] = []
    rows = _dicts(cur)
    if totals is not None and rows:
        totals.update(attributed=int(rows[0]["n_ok"]), unattributed=int(rows[0]["n_all"]) - int(rows[0]["n_ok"]))
    for row in rows:
        if not out or out[-1]["speaker"] != row["speaker"]:
            out.append({"speaker": row["speaker"], "quotes_total": row["n_quotes"], "direct_total": row["n_direct"],
                        "stories": row["n_stories"], "quotes": []})
        out[-1]["quotes"].append({k: row[k] for k in (
            "text", "direct", "cue", "story_id", "title", "url", "agency", "published", "copies", "lead",
            "language")})  # ``language``: the article's, as for stories
    return out


def quote_totals(con: duckdb.DuckDBPyConnection, sel: Selection, *, aliases: dict[str, str] | None = None,
                 exclude: list[str] | None = None) -> dict[str, int]:
    """Distinct quotes (once per story) of the selection: attributed to a named speaker, and
    not (no speaker, or a speaker in ``exclude`` such as a pronoun)."""
    cte, params = _aliases(aliases)
    row = con.execute(f"""
        WITH {_quote_rows(sel, cte)}
        SELECT (SELECT count(*) FROM ok), (SELECT count(*) FROM d)""",
                      [*params, _packed(x.lower() for x in exclude or [])]).fetchone()
    return {"attributed": int(row[0]), "unattributed": int(row[1]) - int(row[0])}


def interactions(con: duckdb.DuckDBPyConnection, sel: Selection, *, aliases: dict[str, str] | None = None,
                 skip: Any = None, limit: int = 40) -> list[dict[str, Any]]:
    """Who does what to whom: distinct events per (source, PLOVER type, target), actors under
    their canonical names; rows where neither actor is known say nothing and are left out, and
    so are the events keyed in ``skip`` (background history)."""
    cte, params = _aliases(aliases)
    cur = con.execute(f"""
        WITH {cte},
        ev AS (SELECT DISTINCT event_key FROM event_reports WHERE article_id IN (SELECT id FROM {sel.table})
               AND {_NOT_SKIPPED}),
        e AS (SELECT coalesce(ms.canon, e.source_name) AS source, coalesce(mt.canon, e.target_name) AS target,
                     e.plover, e.type, e.date
              FROM events e LEFT JOIN m ms ON ms.name = e.source_name LEFT JOIN m mt ON mt.name = e.target_name
              WHERE e.event_key IN (SELECT event_key FROM ev))
        SELECT source, target, plover, count(*) AS events,
               list(DISTINCT type) FILTER (WHERE type IS NOT NULL) AS types,
               min(date) AS first_date, max(date) AS last_date
        FROM e WHERE plover IS NOT NULL AND (source IS NOT NULL OR target IS NOT NULL)
        GROUP BY ALL
        ORDER BY events DESC, source NULLS LAST, plover, target NULLS LAST
        LIMIT ?""", [*params, _skip(skip), int(limit)])
    return _dicts(cur)


def plover_totals(con: duckdb.DuckDBPyConnection, sel: Selection, *, skip: Any = None) -> dict[str, int]:
    """Distinct events per PLOVER type, leaving out the events keyed in ``skip``."""
    rows = con.execute(f"""
        WITH ev AS (SELECT DISTINCT event_key FROM event_reports WHERE article_id IN (SELECT id FROM {sel.table})
                    AND {_NOT_SKIPPED})
        SELECT coalesce(plover, '(none)'), count(*) FROM events
        WHERE event_key IN (SELECT event_key FROM ev) GROUP BY 1 ORDER BY 2 DESC, 1""", [_skip(skip)]).fetchall()
    return {r[0]: int(r[1]) for r in rows}


def places(con: duckdb.DuckDBPyConnection, sel: Selection, *, limit: int = 60) -> list[dict[str, Any]]:
    """Places named by the selection: stories and mentions per place, with coordinates.

    A place is its name *and* its point: Salisbury (England) and Salisbury (Maryland) are two rows,
    each at its own coordinates; averaging them would put a place in the mid-Atlantic."""
    cur = con.execute(f"""
        SELECT name, any_value(country) AS country, any_value(lat) AS lat, any_value(lon) AS lon,
               count(DISTINCT story_id) AS stories, sum(n_mentions) AS mentions
        FROM places WHERE article_id IN (SELECT id FROM {sel.table})
        GROUP BY name, geonameid, round(lat, 3), round(lon, 3)
        ORDER BY stories DESC, mentions DESC, name
        LIMIT ?""", [int(limit)])
    return _dicts(cur)


def place_total(con: duckdb.DuckDBPyConnection, sel: Selection) -> int:
    """How many distinct places the selection names (``places`` lists only the first ``limit``)."""
    return int(con.execute(f"SELECT count(DISTINCT (name, geonameid, round(lat, 3), round(lon, 3))) FROM places "
                           f"WHERE article_id IN (SELECT id FROM {sel.table})").fetchone()[0])


def volume(con: duckdb.DuckDBPyConnection, sel: Selection) -> list[dict[str, Any]]:
    """Per publication day: new stories (a story counts once, on its first day) and copies."""
    cur = con.execute(f"""
        WITH sel AS (SELECT story_id, published FROM {_copies(con)}
                     WHERE article_id IN (SELECT id FROM {sel.table}) AND published IS NOT NULL),
        first AS (SELECT story_id, min(published) AS day FROM sel GROUP BY story_id),
        s AS (SELECT day, count(*) AS stories FROM first GROUP BY day),
        c AS (SELECT published AS day, count(*) AS copies FROM sel GROUP BY published)
        SELECT coalesce(s.day, c.day) AS day, coalesce(s.stories, 0) AS stories, coalesce(c.copies, 0) AS copies
        FROM s FULL OUTER JOIN c ON s.day = c.day ORDER BY day""")
    return _dicts(cur)


def latest_ingest_start(con: duckdb.DuckDBPyConnection) -> tuple[datetime | None, str]:
    """When the latest ingest run started; else when the latest batch was written."""
    row = con.execute("SELECT max(started_at) FROM ingests").fetchone()
    if row and row[0] is not None:
        return row[0], "latest ingest run"
    row = con.execute("SELECT max(ingested_at) FROM articles").fetchone()
    return (row[0], "latest stored batch") if row and row[0] is not None else (None, "empty store")


def new_events(con: duckdb.DuckDBPyConnection, sel: Selection, after: datetime) -> list[str]:
    """Keys of the selection's events first stored at or after ``after``."""
    rows = con.execute(f"""
        SELECT DISTINCT e.event_key FROM events e JOIN event_reports r USING (event_key)
        WHERE r.article_id IN (SELECT id FROM {sel.table}) AND e.first_seen >= ? ORDER BY 1""", [after]).fetchall()
    return [r[0] for r in rows]


def story_first_seen(con: duckdb.DuckDBPyConnection, sel: Selection) -> dict[str, datetime]:
    """When the store first saw each story of the selection (over all its copies, selected or not)."""
    rows = con.execute(f"SELECT story_id, min(ingested_at) FROM articles "
                       f"WHERE story_id IN (SELECT story_id FROM {sel.table}) GROUP BY 1").fetchall()
    return {r[0]: r[1] for r in rows}


def _iso(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Rows as dicts, dates and timestamps as ISO strings (only those columns are converted)."""
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    if not rows:
        return []
    dated = [i for i, v in enumerate(rows[0]) if isinstance(v, (date, datetime))]
    dated += [i for i in range(len(names)) if i not in dated and any(
        isinstance(r[i], (date, datetime)) for r in rows[:50])]
    out = []
    for row in rows:
        rec = dict(zip(names, row))
        for i in dated:
            v = row[i]
            if v is not None:
                rec[names[i]] = v.isoformat()
        out.append(rec)
    return out


__all__ = [
    "Selection",
    "actor_event_counts",
    "actor_roles",
    "actors",
    "entity_names",
    "event_sources",
    "interactions",
    "latest_ingest_start",
    "new_events",
    "place_total",
    "places",
    "plover_totals",
    "quote_totals",
    "quotes",
    "select_articles",
    "select_query",
    "stories",
    "story_first_seen",
    "timeline_events",
    "totals",
    "volume",
]
