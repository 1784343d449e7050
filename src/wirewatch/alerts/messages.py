"""What an alert says, and what came of sending it.

One JSON shape serves webhooks, Web Push (the service worker reads ``title``, ``body`` and
``link`` to show a notification) and the text of emails::

    {"type": "story" | "digest", "title": ..., "body": ..., "link": "https://<base>/stories/<story_id>",
     "happening": {"coverage_id", "new", "stories", "of"},  (a single story: "New happening." or
                                                            "More coverage of …" opens the body)
     "watch": {"id", "name", "query"}, "digest": null | "hourly" | "daily",
     "stories": [{"story_id", "article_id", "title", "url", "link", "published", "agency", "language",
                  "matched": ["Mali"], "matched_in": {"Mali": ["entity:Mali", "title", ...]},
                  "event": null | {"text", "type", "plover", "date", "place", "source", "target"}}],
     "more": 0, "unsubscribe": "https://<base>/watches/unsubscribe/<token>", "sent_at": "...Z"}

A single story also has its fields at the top level (``story_id``, ``url``, ``matched``, ``event``:
the sentence of the event that made the story match, or its first reported event).  Links are absolute
when the server's public address is known (``wirewatch serve --base-url`` or ``$WIREWATCH_BASE_URL``);
without it they stay paths, which a receiver cannot open, and a warning says so once.  Push
services take at most 4 kB of encrypted payload, so a message that would be larger keeps the
first stories that fit and says how many ``more`` there are.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..errors import UsageError
from ..records import Article, Event
from .watches import Match

log = logging.getLogger(__name__)

PUSH_LIMIT = 3600  # plaintext bytes: 4096 minus the aes128gcm header, tag and some padding room
UNSUBSCRIBE_PATH = "/watches/unsubscribe/{token}"
BASE_URL_ENV = "WIREWATCH_BASE_URL"
MISSING_BASE = ("alert links are relative paths that receivers cannot open: give the server's public address "
                "with `wirewatch serve --base-url https://news.example.org` or $WIREWATCH_BASE_URL")

_base: str | None = None
_warned = threading.Event()


def check_base_url(value: str, *, name: str = "--base-url") -> str:
    """``value`` as a base for links (``https://host[:port][/path]``, no trailing slash)."""
    from urllib.parse import urlsplit  # noqa: PLC0415

    text = (value or "").strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise UsageError(f"{name} takes the server's public address, such as https://news.example.org, "
                         f"not {value!r}")
    return text


def set_base_url(value: str | None) -> None:
    """The public address alert links start with (``serve --base-url``); None: ``$WIREWATCH_BASE_URL``."""
    global _base
    _base = check_base_url(value) if value else None


def base_url() -> str | None:
    """The set base URL, else ``$WIREWATCH_BASE_URL`` (checked), else None."""
    if _base:
        return _base
    env = os.environ.get(BASE_URL_ENV, "").strip()
    if not env:
        return None
    try:
        return check_base_url(env, name=f"${BASE_URL_ENV}")
    except UsageError as exc:
        log.warning("%s", exc)
        return None


def absolute(path: str) -> str:
    """``path`` under the public base URL; the path itself (with one warning per process) without one."""
    if not path or "://" in path:
        return path
    base = base_url()
    if base is None:
        if not _warned.is_set():
            _warned.set()
            log.warning(MISSING_BASE)
        return path
    return base + path


@dataclass(slots=True)
class Outcome:
    """The result of one attempt to deliver one message to one endpoint."""

    ok: bool
    status: int | None = None
    error: str | None = None
    retry: bool = False  # worth trying again later (timeout, 5xx, 429, connection refused)
    drop: bool = False  # the endpoint is gone for good (push 404/410): forget the subscriber

    @classmethod
    def sent(cls, status: int) -> Outcome:
        return cls(ok=True, status=status)


def story_item(article: Article, hit: Match) -> dict[str, Any]:
    """How a payload names a story: from the copy that matched, with the terms that matched and the
    sentence of the event that triggered the alert (links are made absolute when the message is built)."""
    title = article.title or (article.text[:120].rsplit(" ", 1)[0] + "…" if article.text else "(untitled)")
    ev = triggering_event(article, hit)
    return {"story_id": article.story_id, "article_id": article.id, "title": title, "url": article.url,
            "link": f"/stories/{article.story_id}", "published": article.published, "agency": article.agency,
            "language": article.language, "matched": list(hit.terms),
            "matched_in": {k: list(v) for k, v in hit.where.items()},
            "event": None if ev is None else {
                "text": ev.text, "type": ev.type, "plover": ev.plover, "date": ev.date, "place": ev.place,
                "source": ev.source.name if ev.source else None, "target": ev.target.name if ev.target else None}}


def triggering_event(article: Article, hit: Match) -> Event | None:
    """The event that made the story match: one whose type matched an ``event:`` term, else one whose
    actors or place carry a matched term, else the first event reported as having happened."""
    events = [e for e in article.events if e.text]
    if not events:
        return None
    codes = {w.split(":", 1)[1].upper() for where in hit.where.values() for w in where if w.startswith("event:")}
    for e in events:
        if codes & {c.upper() for c in (e.type, e.plover) if c}:
            return e
    terms = [t.casefold() for t in hit.terms]
    for e in events:
        names = " ".join(x for x in (e.source.name if e.source else "", e.target.name if e.target else "",
                                     e.place or "") if x).casefold()
        if any(t in names for t in terms):
            return e
    return next((e for e in events if e.status == "reported"), events[0])


def build_message(*, watch: dict[str, Any], items: list[dict[str, Any]], token: str,
                  digest: str | None = None) -> dict[str, Any]:
    """The message for one subscriber: one story, or a digest of several (see ``encode_fitted``)."""
    name = watch.get("name") or watch.get("query")
    items = [{**i, "link": absolute(i["link"])} if i.get("link") else i for i in items]
    base: dict[str, Any] = {
        "type": "digest" if digest else "story", "digest": digest,
        "watch": {"id": watch["id"], "name": watch.get("name"), "query": watch.get("query")},
        "unsubscribe": absolute(UNSUBSCRIBE_PATH.format(token=token)),
        "sent_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")}
    if not digest and len(items) == 1:
        item = items[0]
        event = item.get("event")
        body = f"{name}: matched {', '.join(item['matched'])}"
        if event and event.get("text"):
            body += f" — {_clip(event['text'], 200)}"
        msg = {**base, "title": item["title"], "body": f"{happening_line(item)} {body}".strip(),
               "happening": item.get("happening"),
               "link": item["link"], "story_id": item["story_id"], "url": item["url"], "language": item.get("language"),
               "matched": item["matched"], "event": event, "stories": [item], "more": 0}
    else:
        n = len(items)
        msg = {**base, "title": f"{n} new stor{'y' if n == 1 else 'ies'} for {name}",
               "body": "; ".join(i["title"] for i in items[:3]), "link": absolute(f"/watches/{watch['id']}"),
               "stories": list(items), "more": 0}
    return msg


def happening_line(item: dict[str, Any]) -> str:
    """"New happening." or "More coverage of <its first story's title>." (empty without coverage)."""
    ctx = item.get("happening")
    if not ctx:
        return ""
    if ctx.get("new") or not ctx.get("of"):
        return "New happening."
    return f"More coverage of “{_clip(ctx['of'], 80)}” ({ctx.get('stories', 0)} stories)."


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[:n - 1].rsplit(" ", 1)[0] + "…"


def _short(event: dict[str, Any] | None) -> dict[str, Any] | None:
    return {**event, "text": _clip(event.get("text") or "", 200)} if event else None


def encode_fitted(message: dict[str, Any], limit: int | None) -> tuple[dict[str, Any], bytes]:
    """The message and its bytes, cut to ``limit`` bytes when it is longer (encoded once when it fits)."""
    data = encode(message)
    if limit and len(data) > limit:
        message = _fit(message, limit)
        data = encode(message)
    return message, data


def encode(message: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact, UTF-8, keys in a stable order."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _fit(msg: dict[str, Any], limit: int) -> dict[str, Any]:
    """Drop trailing stories (then shorten texts) until the encoded message fits ``limit`` bytes."""
    msg = dict(msg)
    stories = list(msg["stories"])
    while len(encode(msg)) > limit and len(stories) > 1:
        stories.pop()
        msg["stories"], msg["more"] = stories, msg["more"] + 1
    if len(encode(msg)) > limit:
        msg["body"] = msg["body"][:200]
        msg["stories"] = [{**s, "matched_in": {}, "title": s["title"][:200], "event": _short(s.get("event"))}
                          for s in stories]
        if msg.get("event"):
            msg["event"] = _short(msg["event"])
        msg["title"] = msg["title"][:200]
    return msg
