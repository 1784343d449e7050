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


def render_findings(f: dict[str, Any]) -> None:
    """Print the findings for a person at a terminal."""
    from rich.console import Console
    from rich.table import Table

    con = Console()
    s = f["summary"]
    con.print(f"[bold]wirewatch demo[/] → {f['db']}")
    con.print(f"seen {s['seen']} documents: stored {s['stored']}, exact duplicates {s['duplicates']}, "
              f"rejected {s['rejected']}; new stories {s['new_stories']}")
    t = Table("published", "story", "copies", "sources", title="Stories (syndicated copies collapsed)")
    for st in f["stories"]:
        t.add_row(st["published"] or "", st["title"] or "(no title)", str(st["copies"]),
                  "\n".join(Path(x).name if "://" not in x else x for x in st["sources"]))
    con.print(t)
    if f["entities"]:
        t = Table("name", "type", "stories", "roles", title="Actors")
        for e in f["entities"]:
            t.add_row(e["name"], e["type"] or "", str(e["stories"]), ", ".join(e["roles"] or []))
        con.print(t)
    if f["quotes"]:
        t = Table("speaker", "quote", "cue", "lang", title="Quotes (once per story)")
        for q in f["quotes"]:
            t.add_row(q["speaker"] or "?", q["text"], q["cue"] or "", q["language"] or "")
        con.print(t)
    if f["events"]:
        t = Table("date", "type", "plover", "source → target", "reports", title="Events (counted once)")
        for e in f["events"]:
            t.add_row(e["date"] or "", e["type"] or "", e["plover"] or "",
                      f"{e['source_name'] or '?'} → {e['target_name'] or '?'}", str(e["reports"]))
        con.print(t)
    if f["places"]:
        con.print("Places: " + ", ".join(
            f"{p['name']} ({p['country'] or '?'})" for p in f["places"]))
    for r in f["rejects"]:
        con.print(f"rejected: {r['source']}: {r['reason']} [{r['code']}]", markup=False)
    con.print("Next: `wirewatch articles`, `wirewatch report Niger --format html --out niger.html`, `wirewatch serve`.")
