"""``wirewatch batch s3://… --out s3://…`` and ``wirewatch load s3://…`` against an S3-compatible server
started on 127.0.0.1 (moto's server mode): the same articles as from local files, on both engines;
storage failures are one-line errors.  The Spark test is marked ``slow``.  The NLP is off here (this
is about storage; ``test_batch.py`` and ``test_batch_cluster.py`` check full records on both engines)."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pyarrow.dataset as ds
import pytest

pytest.importorskip("s3fs")
moto_server = pytest.importorskip("moto.server")

from wirewatch.batch import load_parquet, run_batch, storage  # noqa: E402
from wirewatch.batch.common import row_to_article  # noqa: E402
from wirewatch.errors import UsageError  # noqa: E402
from wirewatch.store import Store  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "wirewatch" / "examples"
HARBOUR = [
    "PORT ELLIS — Dock workers at the port of Ellis walked off the job on Tuesday after talks over night-shift "
    "pay broke down, leaving a dozen container ships waiting at anchor outside the harbour.",
    "“We have been patient for eleven months,” said Marta Quillon, who chairs the dockers' union, speaking to "
    "reporters at the main gate.",
    "The port authority said it regretted the walkout and would return to the table on Thursday, and that "
    "contingency crews would keep the fuel terminal open.",
    "Shipping agents said the delays could add several days to deliveries of grain and fertiliser bound for "
    "inland farms, where planting is due to begin within weeks.",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_corpus(root: Path) -> None:
    """The bundled examples (HTML, text dump, RSS, WARC.gz, a broken export) plus wire copies in a subfolder."""
    shutil.copytree(EXAMPLES, root)
    wire = root / "wire"
    wire.mkdir()
    body = "\n\n".join(["Dockers strike at Port Ellis", *HARBOUR, "By the Ellis Gazette staff"]) + "\n"
    (wire / "a-harbour.txt").write_text(body, encoding="utf-8")
    reprint = "\n\n".join(["Skip to content", "Port Ellis dockers walk out", *HARBOUR[:-1], "Advertisement"])
    (wire / "b-harbour-reprint.txt.gz").write_bytes(gzip.compress(reprint.encode()))


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    local = tmp_path_factory.mktemp("s3-corpus") / "in"
    _write_corpus(local)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
            mp.delenv(name, raising=False)
        storage._s3.cache_clear()
        fs = storage.remote_fs("s3://news")
        fs.mkdir("news")
        for path in sorted(local.rglob("*")):
            if path.is_file():
                fs.pipe_file(f"news/in/{path.relative_to(local).as_posix()}", path.read_bytes())
        yield SimpleNamespace(fs=fs, local=local, port=port)
        storage._s3.cache_clear()
    server.stop()


@pytest.fixture(scope="module")
def local_reference(s3, tmp_path_factory):
    """The same files run from the local disk, the baseline every S3 run must equal."""
    out = tmp_path_factory.mktemp("s3-ref") / "out"
    run_batch([str(s3.local)], out, engine="local", workers=2, nlp=False)
    return SimpleNamespace(out=out, records=_read(str(out), None))


def _read(folder: str, fs) -> tuple[list[dict], list[tuple[str, str, str]]]:
    """Article records (sorted by crawl order) and rejects of a batch output, local or on S3."""
    arrow_fs = None
    if fs is not None:
        from pyarrow.fs import FSSpecHandler, PyFileSystem

        arrow_fs = PyFileSystem(FSSpecHandler(fs))
        folder = folder.removeprefix("s3://")
    rows = ds.dataset(f"{folder}/articles", format="parquet", partitioning="hive",
                      filesystem=arrow_fs).to_table().to_pylist()
    articles = [row_to_article(r).to_dict() for r in sorted(rows, key=lambda r: r["ordinal"])]
    rejects = ds.dataset(f"{folder}/rejects", format="parquet", filesystem=arrow_fs).to_table().to_pylist()
    return articles, sorted((r["source"], r["code"], r["reason"]) for r in rejects)


def _as_local(source: str, s3) -> str:
    return source.replace("s3://news/in", str(s3.local), 1)


def _assert_same_articles(got, want, s3) -> None:
    """Same records (up to the source label and the id, a hash of it), same story groups, same rejects."""
    articles, rejects = got
    ref_articles, ref_rejects = want
    assert [_as_local(a["source"], s3) for a in articles] == [a["source"] for a in ref_articles]
    for a, b in zip(articles, ref_articles):
        diff = {k for k in a if k not in ("id", "source", "story_id") and a[k] != b[k]}
        assert not diff, f"{a['source']}: {diff}"

    def groups(arts, relabel):
        by: dict[str, set[str]] = {}
        for a in arts:
            by.setdefault(a["story_id"], set()).add(relabel(a["source"]))
        return {frozenset(g) for g in by.values()}

    assert groups(articles, lambda s: _as_local(s, s3)) == groups(ref_articles, str)
    assert any(len(g) > 1 for g in groups(ref_articles, str))  # the corpus has a real story with copies
    assert [(_as_local(s, s3), c, r.replace("s3://news/in", str(s3.local))) for s, c, r in rejects] == ref_rejects
    assert any("crawl-sample.warc.gz#" in a["source"] for a in articles)  # the WARC was read from S3


def _cli(*args: str, env: dict | None = None):
    return subprocess.run([sys.executable, "-c", "from wirewatch.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=600, check=False, env=env)


def test_local_engine_s3_in_and_out_then_load(s3, local_reference, tmp_path):
    summary = run_batch(["s3://news/in/"], "s3://news/out-local/", engine="local", workers=2, nlp=False)
    assert summary.out == "s3://news/out-local"
    assert summary.tasks == sum(1 for p in s3.local.rglob("*") if p.is_file())
    got = _read("s3://news/out-local", s3.fs)
    _assert_same_articles(got, local_reference.records, s3)
    assert not s3.fs.exists("news/out-local/.staging")
    # `wirewatch load s3://…` stores what loading the local files stores
    r = _cli("load", "s3://news/out-local/", "--db", str(tmp_path / "s3.duckdb"))
    assert r.returncode == 0, r.stderr
    loaded = json.loads(r.stdout)
    assert loaded["articles"] == len(got[0]) and loaded["rejected"] == len(got[1])
    with Store(tmp_path / "s3.duckdb") as store:
        from_s3 = sorted(store.con.execute("SELECT title, text FROM articles").fetchall())
    with Store(tmp_path / "local.duckdb") as store:
        assert load_parquet(local_reference.out, store=store).to_dict() == loaded
        assert sorted(store.con.execute("SELECT title, text FROM articles").fetchall()) == from_s3


@pytest.mark.slow
def test_spark_engine_s3_in_and_out(s3, local_reference):
    pytest.importorskip("pyspark")
    # a process of its own, as a user runs it: a Spark JVM started earlier in this test process (by another
    # module) would hand its Python workers the environment it had then, without this server's settings
    r = _cli("batch", "s3://news/in", "--out", "s3://news/out-spark", "--engine", "spark", "--master", "local[2]",
             "--no-nlp")
    assert r.returncode == 0, r.stderr[-3000:]
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    got = _read("s3://news/out-spark", s3.fs)
    _assert_same_articles(got, local_reference.records, s3)
    assert (summary["articles"], summary["rejected"]) == (len(got[0]), len(got[1]))
    assert summary["stories"] == len({a["story_id"] for a in got[0]})


def test_warc_objects_are_streamed_not_downloaded(s3, monkeypatch):
    """The first page of a large WARC object arrives after reading a small part of it."""
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    page = ("<html><head><title>Port Ellis strike</title></head><body><article>"
            + "".join(f"<p>{p}</p>" for p in HARBOUR) + "</article></body></html>").encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + page
    writer.write_record(writer.create_warc_record("https://example.org/strike", "response",
                                                  payload=io.BytesIO(http)))
    blob = os.urandom(1 << 20)
    for i in range(24):  # 24 MB of incompressible media records after the page
        writer.write_record(writer.create_warc_record(f"https://example.org/v{i}.bin", "resource",
                                                      payload=io.BytesIO(blob),
                                                      warc_content_type="application/octet-stream"))
    s3.fs.pipe_file("news/big/crawl.warc.gz", buf.getvalue())
    size = len(buf.getvalue())
    opened = []
    real_open = s3.fs.open

    def spy(*args, **kwargs):
        f = real_open(*args, **kwargs)
        opened.append(f)
        return f

    monkeypatch.setattr(s3.fs, "open", spy)
    docs = storage.open_documents("s3://news/big/crawl.warc.gz")
    first = next(docs)
    assert first.source == "s3://news/big/crawl.warc.gz#1" and "Port Ellis" in first.content
    fetched = opened[0].cache.total_requested_bytes
    assert fetched < size / 3, (fetched, size)
    docs.close()


def test_missing_bucket_is_one_line(s3, tmp_path):
    r = _cli("batch", "s3://no-such-bucket/in/", "--out", str(tmp_path / "o"), "--no-nlp")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0 and "no-such-bucket" in r.stderr and "does not exist" in r.stderr
    r = _cli("batch", "s3://news/in/wire", "--out", "s3://no-such-bucket/out", "--no-nlp")
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "does not exist" in r.stderr
    r = _cli("load", "s3://no-such-bucket/out", "--db", str(tmp_path / "w.duckdb"))
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "Traceback" not in r.stderr
    with pytest.raises(UsageError, match="no such object or prefix"):
        run_batch(["s3://news/nothing-here/"], tmp_path / "o2")


def test_bad_credentials_are_one_line(s3, tmp_path):
    """A server that checks signatures (moto with authentication on) refuses unknown keys."""
    port = _free_port()
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="0")
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        env = dict(os.environ, AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}", AWS_ACCESS_KEY_ID="AKIAWRONG",
                   AWS_SECRET_ACCESS_KEY="wrong")
        for args in (("batch", "s3://news/in/", "--out", str(tmp_path / "o"), "--no-nlp"),
                     ("batch", str(EXAMPLES), "--out", "s3://news/out", "--no-nlp"),
                     ("load", "s3://news/out", "--db", str(tmp_path / "w.duckdb"))):
            r = _cli(*args, env=env)
            assert r.returncode == 2, (args, r.stderr)
            assert r.stderr.strip().count("\n") == 0 and "Traceback" not in r.stderr
            assert "access denied" in r.stderr, r.stderr
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_without_s3fs_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "s3fs", None)
    storage._s3.cache_clear()
    try:
        with pytest.raises(UsageError, match=r"pip install 'wirewatch\[s3\]'"):
            run_batch(["s3://news/in/"], tmp_path / "o")
    finally:
        storage._s3.cache_clear()
