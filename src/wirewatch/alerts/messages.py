"""What an alert says, and what came of sending it.

One JSON shape serves webhooks, Web Push (the service worker reads ``title``, ``body`` and
``link`` to show a notification) and the text of emails::

    {"type": "story" | "digest", "title": ..., "body": ..., "link": "/stories/<story_id>",
     "watch": {"id", "name", "query"}, "digest": null | "hourly" | "daily",
     "stories": [{"story_id", "article_id", "title", "url", "link", "published", "agency",
                  "matched": ["Mali"], "matched_in": {"Mali": ["entity:Mali", "title", ...]}}],
     "more": 0, "unsubscribe": "/watches/unsubscribe/<token>", "sent_at": "...Z"}

A single story also has its fields at the top level (``story_id``, ``url``, ``matched``).  Push
services take at most 4 kB of encrypted payload, so a message that would be larger keeps the
first stories that fit and says how many ``more`` there are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..records import Article
from .watches import Match

PUSH_LIMIT = 3600  # plaintext bytes: 4096 minus the aes128gcm header, tag and some padding room
UNSUBSCRIBE_PATH = "/watches/unsubscribe/{token}"


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
    """How a payload names a story: from the copy that matched, with the terms that matched."""
    title = article.title or (article.text[:120].rsplit(" ", 1)[0] + "…" if article.text else "(untitled)")
    return {"story_id": article.story_id, "article_id": article.id, "title": title, "url": article.url,
            "link": f"/stories/{article.story_id}", "published": article.published, "agency": article.agency,
            "matched": list(hit.terms), "matched_in": {k: list(v) for k, v in hit.where.items()}}


def build_message(*, watch: dict[str, Any], items: list[dict[str, Any]], token: str,
                  digest: str | None = None) -> dict[str, Any]:
    """The message for one subscriber: one story, or a digest of several (see ``encode_fitted``)."""
    name = watch.get("name") or watch.get("query")
    base: dict[str, Any] = {
        "type": "digest" if digest else "story", "digest": digest,
        "watch": {"id": watch["id"], "name": watch.get("name"), "query": watch.get("query")},
        "unsubscribe": UNSUBSCRIBE_PATH.format(token=token),
        "sent_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")}
    if not digest and len(items) == 1:
        item = items[0]
        msg = {**base, "title": item["title"], "body": f"{name}: matched {', '.join(item['matched'])}",
               "link": item["link"], "story_id": item["story_id"], "url": item["url"],
               "matched": item["matched"], "stories": [item], "more": 0}
    else:
        n = len(items)
        msg = {**base, "title": f"{n} new stor{'y' if n == 1 else 'ies'} for {name}",
               "body": "; ".join(i["title"] for i in items[:3]), "link": f"/watches/{watch['id']}",
               "stories": list(items), "more": 0}
    return msg


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
        msg["stories"] = [{**s, "matched_in": {}, "title": s["title"][:200]} for s in stories]
        msg["title"] = msg["title"][:200]
    return msg
