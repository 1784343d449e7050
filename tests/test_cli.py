"""The command line as a user runs it: real processes, real store files, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from wirewatch.demo import examples_dir

CLI = [sys.executable, "-c", "from wirewatch.cli import main; main()"]


def wirewatch(*args, cwd=None, stdin=None):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=cwd, input=stdin,
                          timeout=300)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "w.duckdb"
    r = wirewatch("ingest", examples_dir(), "--db", db, "--json")
    assert r.returncode == 0, r.stderr
    return db, r


def test_ingest_json_summary_and_reject_lines(store):
    _, r = store
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary["seen"] == summary["stored"] + summary["duplicates"] + summary["rejected"]
    assert summary["rejected"] == 1
    errs = r.stderr.strip().splitlines()
    assert any(line.startswith("rejected: ") and "cut-off-export.jsonl" in line and "[json]" in line for line in errs)
    assert "Traceback" not in r.stderr


def test_articles_json_lists_source_and_story(store):
    db, _ = store
    r = wirewatch("articles", "--db", db, "--json", "--limit", "50")
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(rows) == 7 and all(row["source"] and row["story_id"] for row in rows)
    hit = wirewatch("articles", "ceasefire", "--db", db, "--json")
    titles = [json.loads(x)["title"] for x in hit.stdout.splitlines()]
    assert titles and all("Niger" in t or "West African" in t or "Regional bloc" in t for t in titles)


def test_export_parquet(store, tmp_path):
    db, _ = store
    r = wirewatch("export", tmp_path / "a.parquet", "--db", db)
    assert r.returncode == 0 and (tmp_path / "a.parquet").stat().st_size > 0


def test_nothing_readable_exits_nonzero_without_traceback(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    r = wirewatch("ingest", tmp_path / "empty.txt", tmp_path / "pic.png", tmp_path / "missing.txt",
                  "--db", tmp_path / "w.duckdb", "--json")
    assert r.returncode == 1
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary == {**summary, "seen": 3, "rejected": 3, "stored": 0}
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 3 and "Traceback" not in r.stderr
    assert any("missing.txt" in x and "[not_found]" in x for x in lines)


def test_bad_options_are_one_line_errors(tmp_path):
    r = wirewatch("extract", examples_dir(), "--published", "15/11/2020")
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "YYYY-MM-DD" in r.stderr
    r = wirewatch("articles", "--db", tmp_path / "nope.duckdb")
    assert r.returncode == 2 and "no such store" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("command", ["articles", "report"])
@pytest.mark.parametrize("day", ["2019-02-30", "2019-13-45", "2019-99-99"])
def test_impossible_dates_exit_2_with_one_line(store, command, day):
    db, _ = store
    args = [command, "Niger", "--since", day, "--db", db]
    r = wirewatch(*args)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip().count("\n") == 0 and "Traceback" not in r.stderr
    assert "--since" in r.stderr and day in r.stderr and r.stdout == ""


def test_a_period_that_ends_before_it_starts_is_refused(store):
    db, _ = store
    r = wirewatch("articles", "--db", db, "--since", "2020-02-01", "--until", "2020-01-01")
    assert r.returncode == 2 and "after --until" in r.stderr and "Traceback" not in r.stderr


def test_extract_reads_stdin_and_uses_published_anchor():
    story = ("Officials tour flooded district\n\nDHAKA — Officials toured the flooded district of Sylhet on "
             "Sunday as water levels began to fall, the relief ministry said, and promised new embankments "
             "before the next monsoon season reaches the region.\n\nMore than 4,000 families remain in shelters, "
             "according to the ministry, which said food deliveries would continue for at least two weeks.\n")
    r = wirewatch("extract", "-", "--published", "2024-06-23", "--no-nlp", stdin=story)
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout.splitlines()[0])
    assert rec["source"] == "-" and rec["published"] == "2024-06-23"
    assert "Sylhet" in rec["text"] and rec["story_id"]


def test_extract_seed_metadata(seed_path):
    r = wirewatch("extract", seed_path, "--no-nlp")
    rec = json.loads(r.stdout.splitlines()[0])
    assert rec["title"] == "Canada faces fresh calls to help fight terrorism, facilitate peace talks in Mali"
    assert rec["authors"] == ["Lee Berthiaume"] and rec["agency"] == "The Canadian Press"
    assert rec["dateline"] == "Ottawa" and rec["published"] == "2020-11-15"
    assert rec["text"].count("Canada is being urged to step up") == 1
    for chrome in ("Skip to content", "push notifications", "No thanks", "first published", "Lee Berthiaume"):
        assert chrome not in rec["text"]
    assert rec["text"].rstrip().endswith("“But Canada is already very present on the ground.”")


def test_demo_writes_its_store_in_the_current_folder(tmp_path):
    r = wirewatch("demo", "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    found = json.loads(r.stdout)
    assert (tmp_path / "wirewatch.duckdb").exists()
    assert found["summary"]["new_stories"] == 4 and len(found["stories"]) == 4
