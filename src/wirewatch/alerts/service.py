"""Watch administration, matching committed stories, and delivery rounds (see the package docstring)."""

from __future__ import annotations

import itertools
import json
import logging
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from ..errors import InputError, UsageError
from ..records import Article
from ..sources.web import check_url
from ..store import Store
from ..store import coverage as coverage_sql
from ..store import watches as sql
from ..store.db import now as _now
from . import email as email_mod
from .dispatch import Dispatcher, Job, RetryPolicy
from .messages import PUSH_LIMIT, build_message, encode_fitted, story_item
from .watches import Facts, Query, Subscriber, Watch, check_digest, match, parse_query
from .webpush import PushSender, check_subscription, load_vapid, public_key

log = logging.getLogger(__name__)

PERIODS = {"hourly": timedelta(hours=1), "daily": timedelta(days=1)}


@dataclass(slots=True)
class DeliveryReport:
    """What one delivery round did."""

    jobs: int = 0
    sent: int = 0  # messages delivered
    stories: int = 0  # (subscriber, story) deliveries completed by those messages
    retrying: int = 0  # left for a later round
    dead: int = 0  # dead-lettered after the last try (or refused)
    dropped: int = 0  # push subscriptions gone (404/410) and dropped
    skipped: int = 0  # emails with no SMTP server configured (left pending)
    seconds: float = 0.0
    first_post_seconds: float | None = None  # from the start of the round to the first finished attempt
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- administration ----------------------------------------------------------------------------
def _watch(row: dict, subs: list[dict] | None = None) -> Watch:
    return Watch(id=row["id"], name=row["name"], query=row["query"], digest=row["digest"],
                 created_at=row["created_at"], subscribers=[_subscriber(s) for s in subs or []])


def _subscriber(row: dict) -> Subscriber:
    return Subscriber(**{k: row[k] for k in sql.SUBSCRIBER_COLUMNS})


def add_watch(store: Store, query: str, *, name: str | None = None, digest: str | None = None) -> Watch:
    """Save a watch (idempotent: the same name and query return the existing watch)."""
    parse_query(query)
    digest = check_digest(digest)
    name = (name or query).strip()
    cur = store.cursor()
    try:
        found = sql.find_watch(cur, name)
        if found and found["name"] == name:
            if found["query"] != query.strip() or found["digest"] != digest:
                raise UsageError(f"a watch named {name!r} already exists with another query or digest "
                                 "(remove it first or choose another --name)")
            return _watch(found, sql.subscribers(cur, watch_id=found["id"]))
        row = sql.insert_watch(cur, id="w" + secrets.token_hex(5), name=name, query=query.strip(), digest=digest)
        return _watch(row)
    finally:
        cur.close()


def get_watch(con, ref: str) -> Watch | None:
    row = sql.find_watch(con, ref)
    return _watch(row, sql.subscribers(con, watch_id=row["id"])) if row else None


def list_watches(con) -> list[Watch]:
    """Every watch with its subscribers (``con``: a connection or cursor, e.g. ``store.con``)."""
    subs: dict[str, list[dict]] = defaultdict(list)
    for s in sql.subscribers(con):
        subs[s["watch_id"]].append(s)
    return [_watch(w, subs[w["id"]]) for w in sql.all_watches(con)]


def remove_watch(store: Store, ref: str) -> bool:
    """Remove a watch (by id or name) with its subscribers; False when there is none."""
    cur = store.cursor()
    try:
        row = sql.find_watch(cur, ref)
        if not row:
            return False
        sql.delete_watch(cur, row["id"])
        return True
    finally:
        cur.close()


def _check_endpoint(url: str, *, allow_private: bool, what: str) -> str:
    try:
        check_url(url, allow_private=allow_private, source=url)
    except InputError as exc:
        raise UsageError(f"{what} {url!r} refused: {exc.reason}") from None
    return url


def subscribe(store: Store, watch_ref: str, *, webhook: str | None = None, secret: str | None = None,
              push_subscription: dict | None = None, email: str | None = None,
              allow_private: bool = False) -> Subscriber:
    """Add one endpoint (exactly one of ``webhook``, ``push_subscription``, ``email``) to a watch.

    Endpoints are validated now (http(s) only; private/loopback addresses need ``allow_private``).
    A webhook without ``secret`` gets a generated one (returned in ``Subscriber.secret``).
    Subscribing the same endpoint again refreshes its keys/secret and keeps its unsubscribe token.
    """
    given = [x for x in (webhook, push_subscription, email) if x]
    if len(given) != 1:
        raise UsageError("subscribe takes exactly one of webhook, push_subscription or email")
    values: dict[str, Any] = {"allow_private": bool(allow_private)}
    if webhook:
        kind, target = "webhook", _check_endpoint(webhook.strip(), allow_private=allow_private, what="webhook URL")
        from .webhook import new_secret

        values["secret"] = secret or new_secret()
    elif push_subscription:
        endpoint, p256dh, auth = check_subscription(push_subscription)
        kind, target = "push", _check_endpoint(endpoint, allow_private=allow_private, what="push endpoint")
        values.update(p256dh=p256dh, auth=auth)
    else:
        kind, target = "email", email_mod.check_address(email or "")
    cur = store.cursor()
    try:
        watch = sql.find_watch(cur, watch_ref)
        if not watch:
            raise UsageError(f"no watch {watch_ref!r} (see `wirewatch watch list`)")
        existing = sql.find_subscriber(cur, watch_id=watch["id"], kind=kind, target=target)
        if existing:
            sql.update_subscriber(cur, existing["id"], **values)
            return _subscriber({**existing, **values, "active": True, "dropped_reason": None})
        row = sql.insert_subscriber(cur, {"id": "s" + secrets.token_hex(6), "watch_id": watch["id"], "kind": kind,
                                          "target": target, "token": secrets.token_urlsafe(24), **values})
        return _subscriber({**{k: None for k in sql.SUBSCRIBER_COLUMNS}, **row})
    finally:
        cur.close()


def unsubscribe(store: Store, token: str) -> bool:
    """Forget the subscriber holding ``token`` (and what it was not sent yet); False if unknown."""
    if not token:
        return False
    cur = store.cursor()
    try:
        return sql.delete_subscriber_by_token(cur, token)
    finally:
        cur.close()


def vapid_public_key(store_or_dir) -> str:
    """The Web Push ``applicationServerKey`` (made and stored on first use)."""
    return public_key(load_vapid(store_or_dir))


# -- matching ----------------------------------------------------------------------------------
@lru_cache(maxsize=1024)
def _parsed(query: str) -> Query:
    return parse_query(query)


def notify(store: Store, articles: list[Article]) -> set[tuple[str, str, str]]:
    """Record deliveries for the stories among ``articles`` that match a watch; return the new keys.

    A (watch, subscriber, story) is recorded once, whichever copy matched first; a subscriber is
    not told of stories whose first copy was stored before it subscribed.
    """
    if not articles:
        return set()
    cur = store.cursor()
    try:
        watches = sql.all_watches(cur)
        if not watches:
            return set()
        subs: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
        for sid, wid, created in sql.subscriber_stamps(cur):
            subs[wid].append((sid, created))
        watches = [w for w in watches if subs[w["id"]]]
        if not watches:
            return set()
        first_seen = sql.story_first_seen(cur, sorted({a.story_id for a in articles}))
        context = coverage_sql.coverage_context(cur, articles)  # new happening, or more coverage of one
        told = {w["id"]: coverage_sql.told(cur, w["id"], list(context)) for w in watches}
        rows, done = [], set()
        for article in articles:
            facts = None
            for w in watches:
                if (w["id"], article.story_id) in done:
                    continue
                facts = facts or Facts.of(article)
                hit = match(_parsed(w["query"]), facts)
                if hit is None:
                    continue
                done.add((w["id"], article.story_id))
                ctx = context.get(article.coverage_id)
                item = json.dumps({**story_item(article, hit), "happening": ctx}, ensure_ascii=False)
                seen_at = first_seen.get(article.story_id)
                status = "digest" if w["digest"] else "pending"
                for sid, created in subs[w["id"]]:
                    if seen_at is not None and created > seen_at:
                        continue
                    # a happening is alerted once: its next outlets' reports wait for a digest, or are
                    # recorded as "covered" (listed, not sent) for a watch that alerts at once
                    again = (sid, article.coverage_id) in told[w["id"]]
                    rows.append({"watch_id": w["id"], "subscriber_id": sid, "story_id": article.story_id,
                                 "article_id": article.id, "item": item,
                                 "status": "covered" if again and not w["digest"] else status})
                    told[w["id"]].add((sid, article.coverage_id))
        return sql.record_deliveries(cur, rows)
    finally:
        cur.close()


# -- delivery ----------------------------------------------------------------------------------
# (random: cannot occur in a story) stands for a subscriber's unsubscribe token in a message shared by many subscribers
_TOKEN = "tok" + secrets.token_hex(19)


def _job(sub: dict, watch: dict, items: list[dict], keys: list, *, digest: str | None, attempts: int) -> Job:
    limit = PUSH_LIMIT if sub["kind"] == "push" else None
    message, data = encode_fitted(build_message(watch=watch, items=items, token=sub["token"], digest=digest), limit)
    return Job(subscriber=sub, message=message, data=data, keys=keys, attempts=attempts)


def _immediate_jobs(rows: Iterable[dict]) -> Iterator[Job]:
    """One job per pending delivery.  Subscribers of one watch get the same message but for their
    unsubscribe token, so it is built and encoded once per (watch, story, size limit)."""
    shared: dict[tuple, tuple[dict, bytes]] = {}
    for r in rows:
        limit = PUSH_LIMIT if r["kind"] == "push" else None
        key = (r["watch_id"], r["story_id"], r["item"], limit)
        if key not in shared:
            watch = {"id": r["watch_id"], "name": r["watch_name"], "query": r["watch_query"]}
            shared[key] = encode_fitted(build_message(watch=watch, items=[json.loads(r["item"])], token=_TOKEN),
                                        limit)
        message, data = shared[key]
        message = {**message, "unsubscribe": message["unsubscribe"].replace(_TOKEN, r["token"])}
        yield Job(subscriber=r, message=message, data=data.replace(_TOKEN.encode(), r["token"].encode()),
                  keys=[(r["watch_id"], r["subscriber_id"], r["story_id"])], attempts=r["attempts"])


def _digest_jobs(rows: list[dict], at: datetime) -> list[Job]:
    """One job per subscriber whose digest period has passed (since its last digest or subscription)."""
    by_sub: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_sub[r["subscriber_id"]].append(r)
    jobs = []
    for group in by_sub.values():
        r0 = group[0]
        since = r0["last_digest_at"] or r0["created_at"]
        if since + PERIODS[r0["digest"]] > at or any(r["next_attempt_at"] and r["next_attempt_at"] > at
                                                     for r in group):
            continue
        watch = {"id": r0["watch_id"], "name": r0["watch_name"], "query": r0["watch_query"]}
        jobs.append(_job(r0, watch, [json.loads(r["item"]) for r in group],
                         [(r["watch_id"], r["subscriber_id"], r["story_id"]) for r in group],
                         digest=r0["digest"], attempts=max(r["attempts"] for r in group)))
    return jobs


def _record(store: Store, jobs: list[Job], report: DeliveryReport, policy: RetryPolicy, at: datetime) -> None:
    outcomes, letters, dropped, digested = [], [], {}, []
    for job in jobs:
        out = job.outcome
        queued = "digest" if job.message["type"] == "digest" else "pending"
        base = {"attempts": job.attempts, "last_error": out.error, "next_attempt_at": None, "sent_at": None}
        if out.ok:
            report.sent += 1
            report.stories += len(job.keys)
            status, base["sent_at"] = "sent", _now()
            if queued == "digest":
                digested.append(job.subscriber["id"])
        elif out.drop:
            report.dropped += 1
            status = "dropped"
            dropped[job.subscriber["id"]] = out.error or "gone"
        elif out.retry and job.attempts < policy.attempts:  # left by a deadline for a later round
            report.retrying += 1
            status = queued
            base["next_attempt_at"] = at + timedelta(seconds=policy.delay(job.attempts))
        else:
            report.dead += 1
            status = "dead"
            letters.append({"subscriber_id": job.subscriber["id"], "kind": job.kind, "target": job.subscriber["target"],
                            "story_ids": [k[2] for k in job.keys], "payload": job.data.decode("utf-8"),
                            "error": out.error, "attempts": job.attempts})
        if not out.ok and len(report.errors) < 20:
            report.errors.append(f"{job.kind} {job.subscriber['target']}: {out.error}")
        outcomes += [{"watch_id": w, "subscriber_id": s, "story_id": t, "status": status, **base}
                     for w, s, t in job.keys]
    cur = store.cursor()
    try:
        cur.execute("BEGIN")
        sql.finish_deliveries(cur, outcomes)
        sql.add_dead_letters(cur, letters)
        sql.drop_subscribers(cur, dropped)
        sql.mark_digest_sent(cur, digested, _now())
        cur.execute("COMMIT")
    except Exception:
        cur.execute("ROLLBACK")
        raise
    finally:
        cur.close()


def deliver_pending(store: Store, *, allow_private: bool = False, now: datetime | None = None,
                    policy: RetryPolicy | None = None, smtp: email_mod.SmtpSettings | None = None,
                    workers: int = 8, keys: set[tuple[str, str, str]] | None = None,
                    deadline: float | None = None) -> DeliveryReport:
    """Send what is due: pending stories (new or awaiting a retry) and digests whose period passed.

    ``keys`` limits the round to those deliveries (plus due digests); ``deadline`` (s) leaves jobs
    still backing off for a later round; ``now`` (UTC, naive) stands in for the clock in tests.
    """
    started = time.perf_counter()
    at = now or _now()
    policy = policy or RetryPolicy()
    smtp = smtp or email_mod.SmtpSettings.from_env()
    report = DeliveryReport()
    cur = store.cursor()
    try:
        rows = sql.iter_due_deliveries(cur, at, keys=keys)
        first = next(rows, None)
        queued = sql.queued_digests(cur) if first is None else None
        if first is None and not queued:
            cur.close()
            report.seconds = time.perf_counter() - started
            return report
        push = PushSender(load_vapid(store))
    except BaseException:
        cur.close()
        raise

    def digest_jobs() -> Iterator[Job]:  # queried only once the pending rows are read (same cursor)
        yield from _digest_jobs(queued if queued is not None else sql.queued_digests(cur), at)

    def produce() -> Iterator[Job]:
        try:
            pending = itertools.chain([first] if first else [], rows)
            for job in itertools.chain(_immediate_jobs(pending), digest_jobs()):
                if job.kind == "email" and not smtp.host:
                    report.skipped += len(job.keys)  # left pending until an SMTP server is configured
                    continue
                yield job
        finally:
            cur.close()

    dispatcher = Dispatcher(push=push, smtp=smtp, policy=policy, workers=workers, allow_private=allow_private)
    jobs = dispatcher.run(produce(), deadline=deadline)
    report.jobs = len(jobs)
    if dispatcher.first_post_at is not None:
        report.first_post_seconds = dispatcher.first_post_at - started
    _record(store, jobs, report, policy, at)
    report.seconds = time.perf_counter() - started
    return report


def on_commit_hook(store: Store, *, allow_private: bool = False, policy: RetryPolicy | None = None,
                   smtp: email_mod.SmtpSettings | None = None,
                   workers: int = 8) -> Callable[[list[Article]], None]:
    """The ``on_commit`` callback of ``ingest``: match committed stories, then deliver what is due.

    Alerts never break an ingest: a failure here is logged and the ingest goes on.
    """
    def hook(articles: list[Article]) -> None:
        try:
            new = notify(store, articles)
            report = deliver_pending(store, allow_private=allow_private, policy=policy, smtp=smtp, workers=workers)
            if new or report.jobs:
                log.info("alerts: %d new deliveries; sent %d, retrying %d, dead %d, dropped %d", len(new),
                         report.sent, report.retrying, report.dead, report.dropped)
            for err in report.errors[:5]:
                log.warning("alert not delivered: %s", err)
        except Exception:
            log.exception("alerts failed (the ingest goes on; run `wirewatch watch deliver` later)")
    return hook
