"""Spark's Python workers run the driver's interpreter (issue 10): the installed ``wirewatch`` entry point,
called by its absolute path with a ``PATH`` that holds neither it nor its interpreter (as when a virtual
environment's script is run without activating the environment), runs a Spark batch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyspark")

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "wirewatch" / "examples"


def _entry_point() -> Path:
    script = Path(sys.executable).parent / "wirewatch"
    if not script.exists():
        pytest.skip("the wirewatch entry point is not installed beside this interpreter")
    return script


def _path_without(script: Path) -> str:
    """PATH without the entry point's folder and without anything that would find it or this interpreter
    (pyenv shims), but keeping Java."""
    keep = []
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if not folder or Path(folder).resolve() == script.parent.resolve() or "shims" in Path(folder).parts:
            continue
        if shutil.which("wirewatch", path=folder):
            continue
        keep.append(folder)
    java = shutil.which("java")
    if java and str(Path(java).parent) not in keep:
        keep.append(str(Path(java).parent))
    return os.pathsep.join(keep)


@pytest.mark.slow
def test_spark_batch_from_the_entry_point_with_a_path_that_does_not_hold_it(tmp_path):
    script = _entry_point()
    path = _path_without(script)
    other = shutil.which("python3", path=path)
    if other:  # the premise: what PATH offers as python3 is not an interpreter where wirewatch is installed
        probe = subprocess.run([other, "-c", "import wirewatch"], capture_output=True, env={"PATH": path},
                               check=False)
        if probe.returncode == 0:
            pytest.skip(f"{other} on the stripped PATH has wirewatch too: nothing to trip over")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON", "VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = path
    r = subprocess.run([str(script), "batch", str(EXAMPLES / "niamey-ceasefire.txt"),
                        str(EXAMPLES / "ghana-floods.html"), "--out", str(tmp_path / "out"), "--engine", "spark",
                        "--master", "local[2]", "--no-nlp"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert r.returncode == 0, r.stderr[-3000:]
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary["engine"] == "spark" and summary["articles"] == 2 and summary["rejected"] == 0


def test_a_failed_spark_job_is_one_line_naming_the_python_error(monkeypatch):
    from wirewatch.batch.spark import job_failure

    monkeypatch.setenv("PYSPARK_PYTHON", "/usr/bin/python3")
    trace = ("An error occurred while calling o57.collectToPython.\n"
             ": org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 0.0 failed\n"
             "org.apache.spark.api.python.PythonException: Traceback (most recent call last):\n"
             '  File "/usr/lib/spark/python/pyspark/worker.py", line 1904, in main\n'
             "ModuleNotFoundError: No module named 'wirewatch'\n"
             "\tat org.apache.spark.api.python.BasePythonRunner$ReaderIterator.handlePythonException\n"
             "java.lang.RuntimeException: wrapped\n")
    message = job_failure(RuntimeError(trace))
    assert "\n" not in message
    assert "ModuleNotFoundError: No module named 'wirewatch'" in message and "/usr/bin/python3" in message
    assert "PYSPARK_PYTHON" in message
