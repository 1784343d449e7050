"""The registry of followed sources: durations, adding, listing, removing (``wirewatch sources ...``).

A source is an http(s) URL (an RSS/Atom feed, a news sitemap, or a page; which one is told by the
first poll unless ``kind`` says) or a local folder (its new files).  Each has a polling period
(``every``) and a health record the follower keeps: last poll, its status, consecutive failures,
the next attempt and the time of the last new item.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import UsageError
from ..store import Store
from ..store import sources as sql
from ..store.db import now

KINDS = ("feed", "sitemap", "page", "folder")
DEFAULT_EVERY = 300
MIN_EVERY = 1
MAX_EVERY = 7 * 24 * 3600
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$", re.IGNORECASE)


def parse_duration(value: str | int | None, *, option: str = "--every") -> int:
    """Seconds in ``90s``, ``5m``, ``1h`` or ``1d`` (a bare number is seconds); ``UsageError`` otherwise."""
    if value is None:
        return DEFAULT_EVERY
    if isinstance(value, int):
        seconds = value
    else:
        text = str(value).strip()
        m = _DURATION.match(text)
        if text.isdigit():
            seconds = int(text)
        elif m:
            seconds = int(m.group(1)) * _UNITS[m.group(2).lower()]
        else:
            raise UsageError(f"{option} takes a duration such as 90s, 5m, 1h or 1d, not {value!r}")
    if not MIN_EVERY <= seconds <= MAX_EVERY:
        raise UsageError(f"{option} must be between {MIN_EVERY}s and {MAX_EVERY // 86400}d, not {value!r}")
    return seconds


@dataclass(slots=True)
class Source:
    """One followed source and its health (what ``sources list --json`` prints)."""

    id: str
    name: str
    url: str
    kind: str
    every_s: int
    added_at: datetime | None = None
    next_due: datetime | None = None
    last_polled: datetime | None = None
    last_status: str | None = None
    last_error: str | None = None
    failures: int = 0
    last_new_item: datetime | None = None
    items_stored: int = 0

    @classmethod
    def of(cls, row: dict[str, Any]) -> Source:
        return cls(**{k: row[k] for k in sql.COLUMNS})

    @property
    def is_folder(self) -> bool:
        return self.kind == "folder"

    @property
    def health(self) -> str:
        """``ok``, ``failing`` (after consecutive failures) or ``new`` (never polled)."""
        if self.last_polled is None:
            return "new"
        return "failing" if self.failures else "ok"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, datetime):
                d[k] = v.isoformat(timespec="seconds") + "Z"
        d["health"] = self.health
        return d


def source_id(url: str) -> str:
    """Stable id of a source: the same URL or folder always gets the same id."""
    return "src" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:8]


def normalize(target: str, *, kind: str | None = None) -> tuple[str, str]:
    """(url-or-absolute-folder, kind) of what the user typed; ``UsageError`` when it is neither."""
    target = (target or "").strip()
    if kind is not None and kind not in KINDS:
        raise UsageError(f"--kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if target.lower().startswith(("http://", "https://")):
        parts = urlsplit(target)
        if not parts.hostname:
            raise UsageError(f"{target!r}: the URL has no host")
        if kind == "folder":
            raise UsageError(f"{target!r} is a URL, not a folder")
        return target, kind or "auto"
    if "://" in target:
        raise UsageError(f"{target!r}: only http(s) URLs and local folders can be followed")
    path = Path(target).expanduser()
    if not path.is_dir():
        what = "is a file, not a folder" if path.exists() else "does not exist"
        raise UsageError(f"{target!r} {what}: follow a folder (its new files) or an http(s) URL")
    if kind not in (None, "folder"):
        raise UsageError(f"{target!r} is a folder: its kind is folder, not {kind}")
    return str(path.resolve()), "folder"


def _default_name(con, url: str, kind: str) -> str:
    base = (Path(url).name or url) if kind == "folder" else (urlsplit(url).hostname or url)
    name, n = base, 1
    while sql.name_taken(con, name):
        n += 1
        name = f"{base}-{n}"
    return name


def add_source(store: Store, target: str, *, every: str | int | None = None, name: str | None = None,
               kind: str | None = None) -> tuple[Source, bool]:
    """Follow ``target`` (URL or folder); return (source, created).  Adding a followed target again
    updates its name and period when given, and keeps its health."""
    every_s = parse_duration(every) if every is not None else None
    url, kind = normalize(target, kind=kind)
    name = name.strip() if name else None
    cur = store.cursor()
    try:
        existing = sql.find_source(cur, url)
        if existing and existing["url"] != url:
            existing = None  # a name or id that happens to equal the URL: not the same source
        if name:
            other = sql.find_source(cur, name)
            if other and other["name"] == name and (not existing or other["id"] != existing["id"]):
                raise UsageError(f"a source named {name!r} already exists ({other['url']}); choose another --name")
        if existing:
            sql.update_settings(cur, existing["id"], name=name or existing["name"],
                                every_s=every_s or existing["every_s"])
            return Source.of(sql.find_source(cur, existing["id"])), False
        sid = source_id(url)
        sql.insert_source(cur, id=sid, name=name or _default_name(cur, url, kind), url=url, kind=kind,
                          every_s=every_s or DEFAULT_EVERY, at=now())
        return Source.of(sql.find_source(cur, sid)), True
    finally:
        cur.close()


def list_sources(con) -> list[Source]:
    """Every followed source with its health (``con``: a connection or cursor)."""
    return [Source.of(r) for r in sql.all_sources(con)]


def get_source(con, ref: str) -> Source | None:
    row = sql.find_source(con, ref)
    return Source.of(row) if row else None


def remove_source(store: Store, ref: str) -> Source | None:
    """Stop following a source (by id, name or URL); its stored articles stay.  None when unknown."""
    cur = store.cursor()
    try:
        row = sql.find_source(cur, ref)
        if row is None:
            return None
        sql.delete_source(cur, row["id"])
        return Source.of(row)
    finally:
        cur.close()
