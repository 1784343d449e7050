"""Events as data: ``wirewatch events`` and ``export --table``, on the bundled examples."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest

from test_cli import wirewatch
from wirewatch.demo import examples_dir

REQUIRED = ("event_id", "date", "date_basis", "status", "event_type", "plover", "actor1", "actor1_country",
            "actor1_sector", "actor2", "actor2_country", "actor2_sector", "place", "country", "latitude",
            "longitude", "reports", "stories", "outlets", "first_reported", "last_reported", "confidence",
            "evidence", "article_id", "admin1", "urls", "coverage_id")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "w.duckdb"
    r = wirewatch("ingest", examples_dir(), "--db", path, "--json", "-q")
    assert r.returncode == 0, r.stderr
    return path


def _events(db, *args):
    r = wirewatch("events", "--db", db, "--json", *args)
    assert r.returncode == 0, r.stderr
    return [json.loads(x) for x in r.stdout.splitlines()]


def test_events_json_and_csv_export_agree_row_for_row(db, tmp_path):
    rows = _events(db)
    assert len(rows) >= 5
    ids = [r["event_id"] for r in rows]
    assert len(set(ids)) == len(ids)
    for r in rows:
        assert set(REQUIRED) <= set(r), set(REQUIRED) - set(r)
        assert r["evidence"] and r["evidence"].strip()
        assert r["reports"] >= r["stories"] >= 1 and r["outlets"] >= 1
        assert r["status"] in ("reported", "planned", "background")
        assert r["date_basis"] in ("text", "published")
    out = tmp_path / "events.csv"
    w = wirewatch("export", out, "--table", "events", "--db", db)
    assert w.returncode == 0, w.stderr
    with out.open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert [t["event_id"] for t in table] == ids
    assert set(REQUIRED) <= set(table[0])
    assert all(t["evidence"].strip() for t in table)
    par = tmp_path / "events.parquet"
    assert wirewatch("export", par, "--table", "events", "--db", db).returncode == 0
    assert pq.read_table(par).num_rows == len(rows)


def test_a_reprinted_event_is_one_row_with_its_reports_counted(db):
    rows = _events(db)
    multi = [r for r in rows if r["reports"] > 1]
    assert multi, "the examples carry a syndicated story: its events have several reports"
    assert all(len(r["urls"]) <= r["reports"] for r in multi)


def test_geojson_is_one_point_per_located_event(db, tmp_path):
    rows = _events(db)
    located = [r for r in rows if r["latitude"] is not None and r["longitude"] is not None]
    out = tmp_path / "events.geojson"
    assert wirewatch("export", out, "--table", "events", "--db", db).returncode == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == len(located) > 0
    by_id = {r["event_id"]: r for r in located}
    for f in data["features"]:
        assert f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert (lat, lon) == (by_id[f["id"]]["latitude"], by_id[f["id"]]["longitude"])
        assert f["properties"]["evidence"]


def test_filters_keep_what_they_name(db):
    rows = _events(db)
    clashes = _events(db, "--type", "armed clash")
    assert clashes and all(r["event_type"] == "ARMED_CLASH" for r in clashes)
    assert len(clashes) == sum(r["event_type"] == "ARMED_CLASH" for r in rows)
    niger = _events(db, "--country", "ne")
    assert niger and all("NE" in (r["country"], r["actor1_country"], r["actor2_country"]) for r in niger)
    day = sorted(r["date"] for r in rows if len(r["date"] or "") == 10)[-1]
    later = _events(db, "--since", day)
    assert later and all((r["date"] or "")[:len(day)] >= day[:len(r["date"] or "")] for r in later)
    assert len(_events(db, "--limit", "2")) == 2
    by_query = _events(db, "type:ARMED_CLASH")
    assert by_query and {r["event_id"] for r in clashes} <= {r["event_id"] for r in by_query}


@pytest.mark.parametrize("args", [["--since", "2019-02-30"], ["--until", "2019-99-99"], ["--country", "Niger"],
                                  ["--limit", "0"], ["--since", "2020-02-01", "--until", "2020-01-01"]])
def test_bad_filters_exit_2_with_one_line(db, args):
    r = wirewatch("events", "--db", db, *args)
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "Traceback" not in r.stderr


def test_quotes_and_entities_tables_export(db, tmp_path):
    for table in ("quotes", "entities"):
        out = tmp_path / f"{table}.jsonl"
        r = wirewatch("export", out, "--table", table, "--db", db)
        assert r.returncode == 0, r.stderr
        lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
        assert lines and all(x["article_id"] for x in lines)
    bad = wirewatch("export", tmp_path / "a.geojson", "--table", "articles", "--db", db)
    assert bad.returncode == 2 and "geojson" in bad.stderr and "Traceback" not in bad.stderr
    bad = wirewatch("export", tmp_path / "a.csv", "--table", "people", "--db", db)
    assert bad.returncode == 2 and "--table" in bad.stderr
    bad = wirewatch("export", tmp_path / "a.csv", "--since", "2020-01-01", "--db", db)  # articles: no filters
    assert bad.returncode == 2 and "events table only" in bad.stderr
