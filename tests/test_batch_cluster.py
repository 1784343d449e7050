"""``wirewatch batch`` on a real Spark standalone cluster: one master and two workers started with
PySpark's own ``spark-class`` on 127.0.0.1 (free ports, a temporary work directory, small memory),
stopped at the end whatever happens.  Run from another working directory than the executors', with
relative input and output paths, it must give the records and story groups of ``wirewatch extract``."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pyspark = pytest.importorskip("pyspark")

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(what: str, check, procs: list[subprocess.Popen], logs: list[Path], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        dead = [p for p in procs if p.poll() is not None]
        if dead:
            break
        time.sleep(0.5)
    tail = "\n".join(log.read_text(errors="replace")[-2000:] for log in logs if log.exists())
    raise AssertionError(f"standalone cluster: {what} did not happen\n{tail}")


def _alive_workers(ui_port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/json/", timeout=2) as resp:
            return int(json.load(resp).get("aliveworkers", 0))
    except OSError:
        return 0


def _stop(procs: list[subprocess.Popen]) -> None:
    """SIGTERM to each daemon's process group (spark-class runs the JVM as a child), SIGKILL if it lingers."""
    for p in reversed(procs):
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    for p in reversed(procs):
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """spark://127.0.0.1:PORT with two workers of one core and 1 GB each; its environment for clients."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java")
    home = Path(pyspark.__file__).parent
    spark_class = home / "bin" / "spark-class"
    work = tmp_path_factory.mktemp("spark-cluster")
    conf = work / "conf"
    conf.mkdir()
    # what executors get, as a user would set it for the whole cluster
    (conf / "spark-defaults.conf").write_text("spark.executor.memory 512m\nspark.driver.memory 512m\n")
    env = dict(os.environ, SPARK_HOME=str(home), SPARK_CONF_DIR=str(conf), SPARK_LOCAL_IP="127.0.0.1",
               SPARK_LOG_DIR=str(work / "logs"), SPARK_DAEMON_MEMORY="256m")
    port, ui = _free_port(), _free_port()
    url = f"spark://127.0.0.1:{port}"
    procs: list[subprocess.Popen] = []
    logs: list[Path] = []

    def start(name: str, *args: str) -> None:
        log = work / f"{name}.log"
        logs.append(log)
        with open(log, "wb") as fh:
            procs.append(subprocess.Popen([str(spark_class), *args], cwd=work, env=env, stdout=fh,
                                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                          start_new_session=True))

    try:
        start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
              "--webui-port", str(ui))
        _wait("master start", lambda: _port_open(port), procs, logs)
        for i in (1, 2):
            (work / f"worker{i}").mkdir()
            start(f"worker{i}", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                  "--port", str(_free_port()), "--webui-port", str(_free_port()), "--cores", "1",
                  "--memory", "1g", "--work-dir", str(work / f"worker{i}"), url)
        _wait("two workers registering", lambda: _alive_workers(ui) == 2, procs, logs)
        yield {"url": url, "env": env, "work": work}
    finally:
        _stop(procs)
    assert all(p.poll() is not None for p in procs)


def _port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


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
    env = dict(cluster["env"])
    r = _cli(["batch", "in", "--out", "out", "--engine", "spark", "--master", cluster["url"]], cwd=job, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary["engine"] == "spark" and summary["workers"] == 2 and summary["articles"] > 0
    assert summary["out"] == str(job / "out")
    assert not (cluster["work"] / "out").exists()  # nothing written relative to the daemons' directory

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
