"""A throwaway Spark standalone cluster on this machine, started with PySpark's own ``spark-class``.

For tests, benchmarks, and trying ``--master spark://…`` before deploying (docs/deploy.md)::

    with standalone_cluster(workers=2, cores=1, memory="1g") as cluster:
        run_batch(["in/"], "out/", engine="spark", master=cluster.url)

One master and ``workers`` workers listen on 127.0.0.1 on free ports, in a temporary work directory;
all of them are stopped when the block ends, whatever happened inside it.  Executor and driver memory
come from a ``spark-defaults.conf`` in the cluster's conf directory (``SPARK_CONF_DIR`` is set for the
block, so a session created inside it reads the same file).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from .common import environ


@dataclass(slots=True)
class Cluster:
    url: str  # spark://127.0.0.1:PORT
    ui_port: int
    work: Path
    env: dict[str, str]  # the environment a client process should run with (SPARK_CONF_DIR, SPARK_LOCAL_IP...)
    procs: list[subprocess.Popen] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def alive_workers(self) -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.ui_port}/json/", timeout=2) as resp:
                return int(json.load(resp).get("aliveworkers", 0))
        except (OSError, ValueError):
            return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def spark_class() -> Path:
    try:
        import pyspark
    except ImportError as exc:
        raise UsageError("a standalone cluster needs PySpark: pip install 'wirewatch[spark]'") from exc
    script = Path(pyspark.__file__).parent / "bin" / "spark-class"
    if not script.exists():
        raise UsageError(f"{script} not found: this PySpark installation has no launch scripts")
    return script


@contextlib.contextmanager
def standalone_cluster(*, workers: int = 2, cores: int = 1, memory: str = "1g", executor_memory: str = "512m",
                       driver_memory: str = "512m", timeout: float = 300.0) -> Iterator[Cluster]:
    script = spark_class()
    home = script.parent.parent
    work = Path(tempfile.mkdtemp(prefix="wirewatch-spark-"))
    conf = work / "conf"
    conf.mkdir()
    (conf / "spark-defaults.conf").write_text(f"spark.executor.memory {executor_memory}\n"
                                              f"spark.driver.memory {driver_memory}\n")
    env = dict(os.environ, SPARK_HOME=str(home), SPARK_CONF_DIR=str(conf), SPARK_LOCAL_IP="127.0.0.1",
               SPARK_LOG_DIR=str(work / "logs"), SPARK_DAEMON_MEMORY="256m")
    port, ui = free_port(), free_port()
    cluster = Cluster(f"spark://127.0.0.1:{port}", ui, work, env)

    def start(name: str, *args: str) -> None:
        log = work / f"{name}.log"
        cluster.logs.append(log)
        with open(log, "wb") as fh:
            cluster.procs.append(subprocess.Popen([str(script), *args], cwd=work, env=env, stdout=fh,
                                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                                  start_new_session=True))

    try:
        start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
              "--webui-port", str(ui))
        _wait(cluster, "the master to listen", lambda: _port_open(port), timeout)
        for i in range(1, workers + 1):
            (work / f"worker{i}").mkdir()
            start(f"worker{i}", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                  "--port", str(free_port()), "--webui-port", str(free_port()), "--cores", str(cores),
                  "--memory", memory, "--work-dir", str(work / f"worker{i}"), cluster.url)
        _wait(cluster, f"{workers} workers to register", lambda: cluster.alive_workers() == workers, timeout)
        with environ({k: env[k] for k in ("SPARK_CONF_DIR", "SPARK_LOCAL_IP")}):  # for sessions made inside
            yield cluster
    finally:
        stop(cluster)
        shutil.rmtree(work, ignore_errors=True)


def _wait(cluster: Cluster, what: str, check, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if any(p.poll() is not None for p in cluster.procs):
            break
        time.sleep(0.5)
    tail = " | ".join(line for log in cluster.logs if log.exists()
                      for line in log.read_text(errors="replace").splitlines()[-3:])
    raise UsageError(f"standalone cluster: timed out waiting for {what} ({tail[-400:]})")


def stop(cluster: Cluster) -> None:
    """SIGTERM to each daemon's process group (spark-class runs the JVM as a child), SIGKILL if it lingers."""
    for p in reversed(cluster.procs):
        if p.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
    for p in reversed(cluster.procs):
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=10)
