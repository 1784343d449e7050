"""Bounded worker memory (``batch.recycle``): cleaning and NLP run in a child process that is replaced
after N documents, across tasks and inside one, with the rows of the in-process path.

NLP is off here (the children start in ~1 s); ``tests/test_batch.py`` checks a whole batch with NLP and
children replaced every few documents against ``wirewatch extract``."""

from __future__ import annotations

import os
import signal

import pytest

from wirewatch.batch import recycle
from wirewatch.batch.common import Options, row_of
from wirewatch.pipeline import process
from wirewatch.records import Document, Rejected

OPTIONS = Options(nlp=False)


def _docs(n: int) -> list[Document | Rejected]:
    items: list[Document | Rejected] = [
        Document(source=f"wire/{i}.txt", content=f"Report number {i} from the harbour\n\nDock workers at pier {i} "
                 f"walked off the job on day {i} after talks over night-shift pay broke down.\n")
        for i in range(n)]
    items.insert(2, Rejected("wire/broken.bin", "binary", "not text"))
    return items


@pytest.fixture
def fresh(monkeypatch):
    recycle.shutdown()
    monkeypatch.setattr(recycle, "stats", recycle.Stats())
    yield recycle.stats
    recycle.shutdown()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie is not alive
        return fh.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_child_is_replaced_after_n_documents_with_the_same_rows(fresh):
    items = _docs(7)  # 8 items: children of 3, 3 and 2 documents
    got = list(recycle.rows_in_child(enumerate(items), OPTIONS, limit=3))
    want = [row_of(rec, i) for i, rec in enumerate(process(items, nlp=False))]
    assert got == want
    assert [kind for kind, _ in got].count("R") == 1
    assert fresh.started == 3 and fresh.docs == [3, 3]
    assert len(set(fresh.pids)) == 3
    assert not any(_alive(pid) for pid in fresh.pids[:2])  # the replaced children are gone
    assert recycle.current_pid() == fresh.pids[2] and _alive(fresh.pids[2])
    assert fresh.peak_mb > 0


def test_a_child_serves_several_tasks_until_its_quota(fresh):
    first = list(recycle.rows_in_child(enumerate(_docs(1)), OPTIONS, limit=4))  # 2 items
    assert fresh.started == 1 and recycle.current_pid() == fresh.pids[0]
    second = list(recycle.rows_in_child(enumerate(_docs(2), start=10), OPTIONS, limit=4))  # 3 items: 2 + 1
    assert fresh.started == 2 and fresh.docs == [4]
    assert len(first) == 2 and [row["ordinal"] for _, row in second] == [10, 11, 12]


def test_a_child_that_dies_is_one_error_and_the_next_task_gets_a_new_one(fresh):
    recycle.warm(OPTIONS)
    pid = recycle.current_pid()
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(recycle.WorkerProcessError, match=rf"child process {pid} died \(exit code -9"):
        list(recycle.rows_in_child(enumerate(_docs(1)), OPTIONS, limit=10))
    assert recycle.current_pid() is None
    assert len(list(recycle.rows_in_child(enumerate(_docs(1)), OPTIONS, limit=10))) == 2
    assert recycle.current_pid() not in (None, pid)


def test_the_number_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("WIREWATCH_RECYCLE_DOCS", "0")
    assert recycle.recycle_docs() == 0
    monkeypatch.setenv("WIREWATCH_RECYCLE_DOCS", "many")
    assert recycle.recycle_docs() == recycle.RECYCLE_DOCS
    monkeypatch.delenv("WIREWATCH_RECYCLE_DOCS")
    assert recycle.recycle_docs() == recycle.RECYCLE_DOCS
