"""``wirewatch batch`` on a real Spark standalone cluster: one master and two workers started with
PySpark's own ``spark-class`` on 127.0.0.1 (free ports, a temporary work directory, small memory),
stopped at the end whatever happens.  Run from another working directory than the executors', with
relative input and output paths, it must give the records and story groups of ``wirewatch extract``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyspark")

from wirewatch.batch.cluster import standalone_cluster  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "wirewatch" / "examples"
STORY = [
    "KESTRA — Fishermen in the northern port of Kestra blockaded the harbour mouth on Monday with about 60 "
    "boats, protesting against new catch quotas that they say will force half the fleet out of business.",
    "“They have written these rules without ever setting foot on a trawler,” said Ilse Varga, who leads the "
    "local fishermen's association.",
    "The fisheries ministry said the quotas were needed to let cod stocks recover and that compensation would "
    "be offered to owners who retire their boats.",
    "Ferries to the islands were diverted to a smaller pier, and the coast guard said it was monitoring the "
    "blockade but had not been asked to intervene.",
]


@pytest.fixture(scope="module")
def cluster():
    """spark://127.0.0.1:PORT with two workers of one core and 1 GB each (executors 512 MB)."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java")
    with standalone_cluster(workers=2, cores=1, memory="1g") as c:
        assert c.alive_workers() == 2
        yield c
    assert all(p.poll() is not None for p in c.procs)  # master and workers stopped
    assert not c.work.exists()


def _cli(args: list[str], *, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from wirewatch.cli import main; main()", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=900, check=False)


def _groups(records: list[dict]) -> set[frozenset[str]]:
    by: dict[str, set[str]] = {}
    for r in records:
        by.setdefault(r["story_id"], set()).add(r["source"])
    return {frozenset(g) for g in by.values()}


@pytest.mark.slow
def test_batch_on_a_standalone_cluster_with_relative_paths_equals_extract(cluster, tmp_path):
    import pyarrow.dataset as ds

    from wirewatch.batch.common import row_to_article

    job = tmp_path / "job"
    shutil.copytree(EXAMPLES, job / "in")
    body = "\n\n".join(["Fishermen blockade Kestra harbour", *STORY]) + "\n"
    (job / "in" / "kestra.txt").write_text(body, encoding="utf-8")
    (job / "in" / "kestra-reprint.txt").write_text("\n\n".join(["Menu", "Kestra blockade", *STORY[:-1],
                                                                  "Share this article"]) + "\n", encoding="utf-8")
    env = dict(cluster.env)
    r = _cli(["batch", "in", "--out", "out", "--engine", "spark", "--master", cluster.url], cwd=job, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary["engine"] == "spark" and summary["workers"] == 2 and summary["articles"] > 0
    assert summary["out"] == str(job / "out")
    # nothing written relative to the daemons' or the executors' working directories
    assert not (cluster.work / "out").exists() and not any(cluster.work.glob("worker*/**/out"))

    ref = _cli(["extract", "in"], cwd=job, env=env)
    assert ref.returncode == 0, ref.stderr[-2000:]
    lines = [json.loads(line) for line in ref.stdout.splitlines() if line.strip()]
    want = [rec for rec in lines if "rejected" not in rec]
    want_rejects = sorted((rec["source"], rec["rejected"]["code"], rec["rejected"]["reason"])
                          for rec in lines if "rejected" in rec)

    rows = ds.dataset(job / "out" / "articles", format="parquet", partitioning="hive").to_table().to_pylist()
    got = [row_to_article(row).to_dict() for row in sorted(rows, key=lambda row: row["ordinal"])]
    assert [g["source"] for g in got] == [w["source"] for w in want]
    assert all(g["source"].startswith("in/") for g in got)  # the sources as given, relative
    for g, w in zip(got, want):
        diff = {k for k in w if g.get(k) != w[k]}
        assert not diff, f"{g['source']}: {diff}"
    assert _groups(got) == _groups(want)
    assert any(len(group) > 1 for group in _groups(want))
    rejects = ds.dataset(job / "out" / "rejects", format="parquet").to_table().to_pylist()
    assert sorted((x["source"], x["code"], x["reason"]) for x in rejects) == want_rejects
