"""Per-language resources of the NLP components: a language is a folder of data files.

Each component keeps the words it needs (cue verbs, date words, triggers, honorifics...) in
``nlp/<component>/data/<lang>/<name>.json`` beside its code, so adding a language means adding
those folders (and a row in ``runtime.MODELS``), not branching on the language in code.
Components ask for ``resource(component, lang, name)``; a language without the file gets None
and the component falls back to its default language's resource or skips that step.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
DEFAULT = "en"


def doc_language(doc: Any, default: str = DEFAULT) -> str:
    """The language of a spaCy ``Doc`` (its model's), ``default`` when unknown."""
    return getattr(doc, "lang_", None) or default


@functools.cache
def resource(component: str, lang: str, name: str) -> Any | None:
    """The parsed JSON resource ``nlp/<component>/data/<lang>/<name>.json``, or None when absent (cached)."""
    path = ROOT / component / "data" / lang / f"{name}.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path}: invalid JSON resource: {exc}") from exc


def languages(component: str, name: str) -> list[str]:
    """Languages that have a ``name`` resource for ``component``, sorted."""
    base = ROOT / component / "data"
    if not base.is_dir():
        return []
    return sorted(p.parent.name for p in base.glob(f"*/{name}.json"))
