"""``wirewatch demo``: the main job on the bundled example pages.

The examples are fictional wire stories written for this project, in every input form wirewatch
reads: a scraped text dump with page chrome, HTML pages (one a syndicated copy with another
headline), an RSS feed file, a small WARC crawl, and one cut-off JSON Lines export that is
rejected on purpose, to show that a bad document is recorded and the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from .ingest import ingest
from .records import Rejected
from .store import Store, queries


def examples_dir() -> Path:
    return Path(str(resources.files(__package__).joinpath("examples")))


def run_demo(*, db: str = "wirewatch.duckdb", on_reject: Callable[[Rejected], None] | None = None) -> dict[str, Any]:
    """Ingest the examples into ``db`` and return what the store now knows."""
    with Store(db) as store:
        summary = ingest([str(examples_dir())], store=store, on_reject=on_reject)
        con = store.con
        return {
            "db": str(Path(db).resolve()),
            "summary": summary.to_dict(),
            "stories": queries.stories(con),
            "entities": queries.top_entities(con),
            "quotes": queries.story_quotes(con),
            "events": queries.event_list(con),
            "places": queries.place_counts(con),
            "rejects": queries.rejects(con),
        }
