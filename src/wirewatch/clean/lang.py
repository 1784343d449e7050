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
