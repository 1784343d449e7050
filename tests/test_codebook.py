"""The codebook explains every exported event column, and docs/codebook.md is its current text."""

from __future__ import annotations

from pathlib import Path

from wirewatch import codebook
from wirewatch.store import events

DOC = Path(__file__).resolve().parents[1] / "docs" / "codebook.md"


def test_every_exported_column_is_explained_once():
    names = [c.name for c in codebook.COLUMNS]
    assert names == list(events.COLUMNS)
    assert all(c.meaning.strip() for c in codebook.COLUMNS)


def test_docs_codebook_is_generated_from_the_module():
    assert DOC.read_text(encoding="utf-8") == codebook.markdown(), \
        "docs/codebook.md is stale: python3 -m wirewatch.codebook > docs/codebook.md"
