"""Bounded worker memory by construction: the per-document work runs in a child process that is
replaced after ``RECYCLE_DOCS`` documents.

A Python worker's resident memory creeps up over thousands of articles (native memory that the
allocator keeps: spaCy/thinc buffers, fragmentation; BENCHMARKS.md, "Issue 16").  Trimming slows the
creep but does not stop it, and recycling whole *tasks* would not bound it either: one task can hold
tens of thousands of documents (a CC-News WARC is one file).  So a batch worker (a process-pool
worker, a PySpark Python worker) keeps only the I/O: it reads the documents of its task and writes
the rows.  Cleaning and NLP run in a child process that the worker starts, that handles at most
``RECYCLE_DOCS`` documents and is then replaced by a fresh one, which loads the model again (~4
CPU-seconds, ~2% of the work of 2,000 articles).  The bound holds whatever the size of the tasks and
on both engines, with nothing to configure in Spark (``spark.python.worker.reuse`` keeps the worker
and its child across tasks).

The child receives the documents in batches of at most ``BATCH`` (the chunk ``pipeline.process``
works in) and returns their rows in order: the records are those of the in-process path.
``WIREWATCH_RECYCLE_DOCS`` sets the number (0 runs everything in the worker itself, as before).
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from ..errors import WirewatchError

log = logging.getLogger(__name__)

RECYCLE_DOCS = 2000
BATCH = 64  # documents per message: pipeline.process's own chunk, so batches are those of the in-process path


class WorkerProcessError(WirewatchError):
    """The child process that cleans and annotates documents died or failed."""


def recycle_docs() -> int:
    """Documents one child handles before it is replaced (``WIREWATCH_RECYCLE_DOCS``; 0 = no child)."""
    try:
        return max(0, int(os.environ.get("WIREWATCH_RECYCLE_DOCS", RECYCLE_DOCS)))
    except ValueError:
        return RECYCLE_DOCS


@dataclass(slots=True)
class _Child:
    proc: subprocess.Popen
    conn: Connection
    docs: int = 0


@dataclass(slots=True)
class Stats:
    """What this worker's children did (for benchmarks, tests and ``TaskResult.peak_mb``)."""

    started: int = 0  # children started so far
    pids: list[int] = field(default_factory=list)
    docs: list[int] = field(default_factory=list)  # documents handled by each finished child
    peak_mb: int = 0  # highest peak RSS reported by any child


_child: _Child | None = None
stats = Stats()


def _start() -> _Child:
    ours, theirs = mp.Pipe(duplex=True)
    fd = theirs.fileno()
    env = dict(os.environ)
    # the child imports wirewatch from wherever this worker did (a venv, PYTHONPATH, files Spark shipped)
    paths = [p for p in sys.path if p and os.path.exists(p)]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths + env.get("PYTHONPATH", "").split(os.pathsep)))
    proc = subprocess.Popen([sys.executable, "-m", "wirewatch.batch.recycle", str(fd)], pass_fds=(fd,), env=env,
                            stdin=subprocess.DEVNULL)
    theirs.close()
    stats.started += 1
    stats.pids.append(proc.pid)
    return _Child(proc, ours)


def _retire(child: _Child) -> None:
    try:
        child.conn.send(None)
    except OSError:
        pass
    child.conn.close()
    try:
        child.proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        child.proc.kill()
        child.proc.wait()
    stats.docs.append(child.docs)


def warm(options: Any) -> None:
    """Start this worker's child now (the pool initializer), so the model loads before the first task."""
    global _child
    if _child is None:
        _child = _start()
        _send(_child, ("warm", options, []))
        _reply(_child)


def current_pid() -> int | None:
    return _child.proc.pid if _child is not None else None


def shutdown() -> None:
    """Stop this worker's child (it also stops by itself when the worker goes away)."""
    global _child
    if _child is not None:
        _retire(_child)
        _child = None


def rows_in_child(numbered: Iterable[tuple[int, Any]], options: Any, *, limit: int) -> Iterator[tuple[str, dict]]:
    """("A", article row) / ("R", reject row) for each (ordinal, document or reject), in order,
    computed in a child process that is replaced once it has handled ``limit`` documents."""
    global _child
    batch: list[tuple[int, Any]] = []
    it = iter(numbered)
    while True:
        if _child is None:
            _child = _start()
        room = min(BATCH, limit - _child.docs)
        batch = [x for _, x in zip(range(room), it)]
        if not batch:
            return
        _send(_child, ("rows", options, batch))
        _child.docs += len(batch)
        yield from _reply(_child)
        if _child.docs >= limit:
            _retire(_child)
            _child = None


def _died(child: _Child, exc: BaseException) -> WorkerProcessError:
    global _child
    try:
        code = child.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        code = None
    child.conn.close()
    _child = None
    return WorkerProcessError(f"the document-processing child process {child.proc.pid} died (exit code {code}; "
                              "killed for lack of memory?)")


def _send(child: _Child, msg: tuple) -> None:
    try:
        child.conn.send(msg)
    except OSError as exc:
        raise _died(child, exc) from exc


def _reply(child: _Child) -> list[tuple[str, dict]]:
    global _child
    try:
        kind, payload, peak = child.conn.recv()
    except (EOFError, OSError) as exc:
        raise _died(child, exc) from exc
    stats.peak_mb = max(stats.peak_mb, peak)
    if kind == "error":
        _retire(child)
        _child = None
        raise WorkerProcessError(f"the document-processing child process failed: {payload}")
    return payload


# -- the child -------------------------------------------------------------------------------------------

def serve(conn: Connection) -> None:
    """The child's loop: batches of (ordinal, document) in, their rows out, until told to stop or orphaned."""
    from ..pipeline import process
    from .common import release_memory, row_of, trim_every

    done = 0
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return  # the worker went away
        if msg is None:
            return
        what, options, batch = msg
        try:
            if what == "warm":
                if options.nlp:
                    from ..nlp import load_model

                    load_model()
                rows: list[tuple[str, dict]] = []
            else:
                recs = process((doc for _, doc in batch), published=options.published, nlp=options.nlp,
                               batch_size=BATCH)
                rows = [row_of(rec, ordinal) for (ordinal, _), rec in zip(batch, recs)]
                every = trim_every() if options.nlp else 0
                if every and (done + len(batch)) // every > done // every:
                    release_memory()
                done += len(batch)
        except Exception as exc:  # noqa: BLE001 - reported to the worker as one line, which raises it
            conn.send(("error", f"{type(exc).__name__}: {exc}", hwm_mb()))
            return
        conn.send(("ok", rows, hwm_mb()))


def hwm_mb(pid: int | str = "self") -> int:
    """Peak resident set of a process since it started (``VmHWM``; unlike ``ru_maxrss``, not carried
    over from the process that forked it), in MB; 0 where /proc is missing."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    serve(Connection(int(sys.argv[1])))
