"""Where the shared evaluation data lives (``../shared`` beside the checkout, or $WIREWATCH_SHARED)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("WIREWATCH_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data"
SEED = SHARED / "seeds" / "000_65cd241db248b0d9.txt"


def require(path: Path) -> Path:
    """Return ``path`` or exit 0 with a note: evaluations skip cleanly where the data is absent."""
    if not path.exists():
        print(f"skipped: {path} not found (set WIREWATCH_SHARED to the shared folder)")
        sys.exit(0)
    return path
