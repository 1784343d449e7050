"""Check the event table end to end on shared data: the seed plus the first N Guardian Syria articles.

    python3 eval/events_table.py [--n 40] [--keep DIR]

Ingests into a fresh store (temporary, or DIR), then checks what issue 14 promises:
``wirewatch events --json`` and ``export events.csv`` give the same distinct events with every codebook
column, unique ids and an evidence sentence on every row; ``export events.geojson`` has one Point per
event with coordinates; impossible dates exit 2.  Prints the figures as one JSON line.  Skips when
../shared is absent.  The articles are the first N rows of the CSV in file order (no tuning happens
here: it is a check, not an evaluation).
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _shared import DATA, SEED, require

CLI = [sys.executable, "-c", "from wirewatch.cli import main; main()"]
COLUMNS = ("event_id", "date", "date_basis", "status", "event_type", "plover", "actor1", "actor1_country",
           "actor1_sector", "actor2", "actor2_country", "actor2_sector", "place", "country", "latitude",
           "longitude", "reports", "stories", "outlets", "first_reported", "last_reported", "confidence",
           "evidence", "article_id", "admin1", "urls", "coverage_id")


def run(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=3600)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--keep", type=Path, default=None, help="keep the store and exports in this folder")
    args = ap.parse_args()
    corpus = require(DATA / "corpora" / "guardian-syria" / "Guardian_SDF_sample.csv")
    require(SEED)
    work = args.keep or Path(tempfile.mkdtemp(prefix="ww-events-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "events.duckdb"
    csv.field_size_limit(1 << 30)
    with corpus.open(encoding="utf-8") as fh, (work / "guardian.jsonl").open("w", encoding="utf-8") as out:
        for i, row in enumerate(csv.DictReader(fh)):
            if i >= args.n:
                break
            out.write(json.dumps({"text": row["text"], "published": row["date"],
                                  "source": f"guardian-syria#{row['']}"}) + "\n")
    t0 = time.perf_counter()
    ing = run("ingest", SEED, work / "guardian.jsonl", "--db", db, "--json", "-q")
    if ing.returncode != 0:
        sys.exit(f"ingest failed: {ing.stderr[-2000:]}")
    ingest_s = time.perf_counter() - t0
    rows = [json.loads(x) for x in run("events", "--db", db, "--json").stdout.splitlines()]
    assert run("export", work / "events.csv", "--table", "events", "--db", db).returncode == 0
    assert run("export", work / "events.geojson", "--table", "events", "--db", db).returncode == 0
    with (work / "events.csv").open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    geo = json.loads((work / "events.geojson").read_text(encoding="utf-8"))
    located = [r for r in rows if r["latitude"] is not None and r["longitude"] is not None]
    bad = [run(cmd, "Syria", "--since", "2019-02-30", "--db", db) for cmd in ("articles", "report")]
    checks = {
        "json_rows_equal_csv_rows": len(rows) == len(table),
        "same_ids_in_order": [r["event_id"] for r in rows] == [t["event_id"] for t in table],
        "unique_ids": len({r["event_id"] for r in rows}) == len(rows),
        "every_column": all(set(COLUMNS) <= set(r) for r in rows) and set(COLUMNS) <= set(table[0] if table else {}),
        "evidence_on_every_row": all((r["evidence"] or "").strip() for r in rows),
        "geojson_point_per_located_event": geo["type"] == "FeatureCollection"
        and len(geo["features"]) == len(located) and all(f["geometry"]["type"] == "Point" for f in geo["features"]),
        "impossible_dates_exit_2": all(b.returncode == 2 and "Traceback" not in b.stderr for b in bad),
    }
    summary = json.loads(ing.stdout.strip().splitlines()[-1])
    print(json.dumps({"articles_in": args.n + 1, "stored": summary.get("stored"), "events": len(rows),
                      "located": len(located), "with_actor1": sum(1 for r in rows if r["actor1"]),
                      "reported_more_than_once": sum(1 for r in rows if r["reports"] > 1),
                      "ingest_seconds": round(ingest_s, 1), "checks": checks, "store": str(db)}))
    if not all(checks.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
