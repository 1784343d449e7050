from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(os.environ.get("WIREWATCH_SHARED", ROOT.parent / "shared"))
SEED = SHARED / "seeds" / "000_65cd241db248b0d9.txt"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip("the shared seed is not present")
    return SEED


@pytest.fixture(scope="session")
def nlp():
    """The spaCy pipeline, loaded once for the whole test session."""
    from wirewatch.nlp.runtime import load_model

    return load_model()


def minimal_clean(raw: str) -> str:
    """Minimal chrome removal for the seed in component tests (the real cleaner is wirewatch.clean):
    drop short lines, repeated lines and the push prompt."""
    keep: list[str] = []
    for line in (ln.strip() for ln in raw.splitlines()):
        if len(line.split()) < 6 or line in keep or "notifications" in line:
            continue
        keep.append(line)
    return "\n\n".join(keep)


@pytest.fixture(scope="session")
def seed_text(seed_path) -> str:
    """The seed's body, minimally cleaned, for tests of one NLP component."""
    return minimal_clean(seed_path.read_text(encoding="utf-8"))
