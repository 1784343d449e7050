"""Per-language word lists of the entities component, read from ``data/<lang>/<name>.json``.

A language is data: honorifics (``Mr``, ``Mrs``, ``Gen`` ... with the gender they mark), pronouns
(gender agreement, first person), well-known actors under one canonical name with their aliases
("Isis", "Daesh" -> Islamic State), and news outlets (the publisher and the agency are metadata of an
article, not its actors).  Another language adds its own files beside ``en/``; a language without a
file falls back to English.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DEFAULT = "en"


@functools.cache
def _load(lang: str, name: str) -> dict:
    path = DATA / lang / f"{name}.json"
    if not path.is_file():
        path = DATA / DEFAULT / f"{name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path}: invalid JSON resource: {exc}") from exc


def language_of(doc) -> str:
    lang = getattr(doc, "lang_", None) or DEFAULT
    return lang if (DATA / lang).is_dir() else DEFAULT


@functools.cache
def honorifics(lang: str = DEFAULT) -> dict[str, str | None]:
    """Honorific or title written before a name -> the gender it marks ("m", "f") or None."""
    data = _load(lang, "honorifics")
    return {**data.get("titles", {}), **data.get("pure", {})}


def pure_honorific(word: str, lang: str = DEFAULT) -> bool:
    """"Mr", "Dr.", "Gen": never part of any name, unlike "King" (King's College) or "Justice"."""
    return word in _load(lang, "honorifics").get("pure", {})


@functools.cache
def pronouns(lang: str = DEFAULT) -> tuple[dict[str, str], frozenset[str]]:
    """(third-person pronoun -> gender, first-person pronouns)."""
    data = _load(lang, "pronouns")
    gender = {w: g for g in ("m", "f") for w in data.get(g, [])}
    return gender, frozenset(data.get("first", []))


@dataclass
class ActorTable:
    """Aliases of well-known actors: one regular expression over the text, alias -> (name, type)."""

    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    pattern: re.Pattern | None = None

    def find(self, text: str):
        if self.pattern is None:
            return
        for m in self.pattern.finditer(text):
            yield m.start(), m.end(), *self.names[m.group()]


def _alternation(words) -> re.Pattern | None:
    words = sorted(set(words), key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<![\w\-’'])(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w|-\w*[A-Z0-9])")


@functools.cache
def actors(lang: str = DEFAULT) -> ActorTable:
    table = ActorTable()
    for row in _load(lang, "actors").get("actors", []):
        for alias in [row["name"], *row.get("aliases", [])]:
            table.names.setdefault(alias, (row["name"], row.get("type", "ORG")))
    for row in _load(lang, "outlets").get("outlets", []):
        for alias in [row["name"], *row.get("aliases", [])]:
            table.names.setdefault(alias, (row["name"], "ORG"))
    table.pattern = _alternation(table.names)
    return table


@functools.cache
def outlets(lang: str = DEFAULT) -> tuple[dict[str, str], dict[str, str]]:
    """(alias -> outlet name, web domain -> outlet name) of news outlets and agencies."""
    names: dict[str, str] = {}
    domains: dict[str, str] = {}
    for row in _load(lang, "outlets").get("outlets", []):
        for alias in [row["name"], *row.get("aliases", [])]:
            names.setdefault(alias, row["name"])
        for dom in row.get("domains", []):
            domains[dom] = row["name"]
    return names, domains


def outlet_of(*, url: str | None = None, agency: str | None = None, lang: str = DEFAULT) -> set[str]:
    """Canonical names of the article's publisher (from its URL) and agency (from its metadata)."""
    names, domains = outlets(lang)
    out: set[str] = set()
    if url:
        host = re.sub(r"^[a-z]+://", "", url.lower()).split("/")[0].split(":")[0]
        for dom, name in domains.items():
            if host == dom or host.endswith("." + dom):
                out.add(name)
    for part in re.split(r"\s*(?:/|,|;|\band\b)\s*", agency or ""):
        part = part.strip()
        if part:
            out.add(names.get(part, names.get(re.sub(r"^[Tt]he\s+", "", part), part)))
    return out
