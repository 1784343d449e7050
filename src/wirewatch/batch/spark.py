"""``--engine spark``: the same per-task function on a Spark cluster (or ``local[N]``).

Why it is shaped this way (a first version took ~165 s on 7 tiny documents):

* **The NLP runs exactly once, and Python does the I/O.**  Documents are processed in one
  ``mapPartitions`` job whose Python workers write their article rows, dedup keys and rejects as
  staged Parquet straight to the output's storage (local disk, a shared mount or ``s3://``, through
  pyarrow and fsspec: Spark's own writer would need a Hadoop S3 connector that PySpark does not ship)
  and send back only counts and file names.  Later stages read the small keys files (cheap and
  deterministic, so a recomputed partition costs nothing) and a last Python pass stamps story ids
  into the staged parts, partitioned by month.  Each Python worker loads the spaCy model once.
* **Paths are settled on the driver** (``storage.resolve_inputs``): executors have their own working
  directories, so every input becomes an absolute path or URI before any task is made, while records
  keep the source as the user typed it.
* **Spark SQL for the grouping**: band keys, buckets and candidate pairs are Spark SQL (JVM), with few
  shuffle partitions in local mode (adaptive execution merges small ones); Python verifies pairs.
* **Story grouping is MinHash banding in Spark, consistent with the local dedup.**  Exact copies
  collapse on their content hash; the first copy of each body (its *representative*) emits one key
  per LSH band (the very slices the local ``MinHashLSH`` buckets on); representatives sharing a
  bucket are candidate pairs, verified with ``dedup.same_story`` on the executors.  Only verified
  pairs (a small fraction of a crawl) reach the driver, which replays the local ``Deduper``'s
  decision in crawl order (best match among earlier copies, ties by story id): the same story ids
  as ``wirewatch extract`` and ``--engine local``.  Buckets above ``BUCKET_CAP`` members (boilerplate
  bodies) link to their earliest member only, so the pair count stays linear.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from ..dedup import LSH_THRESHOLD, NUM_PERM, same_story
from ..errors import UsageError, WirewatchError
from .common import REJECT_SCHEMA, BatchSummary, Options, TaskResult, stamp, worker_env, write_task
from .storage import Location, Task, publish, resolve_inputs, staging

log = logging.getLogger(__name__)

BUCKET_CAP = 300
MAX_SLICES = 4096
INSTALL_HINT = "pip install 'wirewatch[spark]'"
FORWARDED_ENV = ("WIREWATCH_TRIM_EVERY", "WIREWATCH_RECYCLE_DOCS", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
                 "AWS_REGION", "AWS_DEFAULT_REGION")


def _require_spark():
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise UsageError(f"the Spark engine needs PySpark, which is not installed: {INSTALL_HINT} "
                         "(Java 17 must be on the machine too), or use --engine local") from exc
    return SparkSession


def _require_java() -> None:
    """A clear message instead of Spark's 'Java gateway process exited' when there is no Java."""
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return
    if shutil.which("java") is None:
        raise UsageError("the Spark engine needs Java 17 or later, and no `java` was found: install a JDK "
                         "(e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME, or use --engine local")


def band_params() -> tuple[int, int]:
    """(bands, rows) of the local LSH index, so both engines propose the same candidates."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def _spark_schema(arrow_schema, *, extra: tuple[str, ...] = ()):
    from pyspark.sql import types as T

    mapping = {"int64": T.LongType(), "int32": T.IntegerType(), "string": T.StringType(),
               "binary": T.BinaryType(), "list<item: string>": T.ArrayType(T.StringType())}
    fields = [T.StructField(f.name, mapping[str(f.type)], True) for f in arrow_schema]
    fields += [T.StructField(name, T.StringType(), True) for name in extra]
    return T.StructType(fields)


class SparkJobError(WirewatchError):
    """The Spark job failed (a task kept failing, an executor could not start Python...)."""


_PY_ERROR = re.compile(r"^\s*((?:[\w.]+\.)?\w*(?:Error|Exception|Exit)): (.+)$")


def job_failure(exc: BaseException) -> str:
    """One line about a failed job: the Python error an executor raised when there is one."""
    lines = str(exc).splitlines()
    found = [m for m in map(_PY_ERROR.match, lines) if m and not m.group(1).startswith(("py4j", "org.", "java."))]
    what = f"{found[-1].group(1)}: {found[-1].group(2)}" if found else (lines[0] if lines else type(exc).__name__)
    hint = ""
    if "ModuleNotFoundError" in what or "No module named" in what:
        hint = (f"; the executors run {os.environ.get('PYSPARK_PYTHON', 'python3')}: install wirewatch for it, or "
                "set PYSPARK_PYTHON to an interpreter that has it (docs/deploy.md)")
    return f"the Spark job failed: {what[:300]}{hint} (WIREWATCH_SPARK_LOG_LEVEL=INFO shows Spark's log)"


def use_driver_python() -> str:
    """The interpreter Spark's Python workers run: ``$PYSPARK_PYTHON`` when the user set it, else this
    very interpreter (a virtual environment's, whether or not it is activated).  PySpark reads the
    variable when the context starts (the ``spark.pyspark.python`` setting alone is not enough when the
    driver is a plain Python process), and without it workers run whatever ``python3`` is on the PATH,
    where wirewatch may not be installed."""
    return os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


def _session(SparkSession, master: str | None, workers: int):
    """The active session if there is one (a notebook, a test module), else a new quiet one."""
    active = SparkSession.getActiveSession()
    if active is not None:
        if master and active.sparkContext.master != master:
            log.warning("using the active Spark session (%s), not %s", active.sparkContext.master, master)
        return active, False
    _require_java()
    python = use_driver_python()
    builder = SparkSession.builder
    if master or "PYSPARK_GATEWAY_PORT" not in os.environ:  # under spark-submit, its --master rules
        builder = builder.master(master or f"local[{workers}]")
    builder = (builder.appName("wirewatch batch")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.python.worker.reuse", "true").config("spark.sql.adaptive.enabled", "true")
               .config("spark.pyspark.python", python).config("spark.pyspark.driver.python", sys.executable))
    for key, value in worker_env().items():  # bounded worker memory (see common.WORKER_ENV)
        builder = builder.config(f"spark.executorEnv.{key}", value)
    for key in FORWARDED_ENV:  # where the object store is (never credentials: see docs/deploy.md)
        if key in os.environ:
            builder = builder.config(f"spark.executorEnv.{key}", os.environ[key])
    if master is None or master.startswith("local"):
        builder = builder.config("spark.sql.shuffle.partitions", str(max(2, workers * 2)))
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # Java gateway failures surface as runtime errors without a hint
        raise UsageError(f"Spark could not start ({type(exc).__name__}: {str(exc).splitlines()[0][:200]}); "
                         "check that Java 17+ is installed (JAVA_HOME) and the master URL is reachable") from exc
    spark.sparkContext.setLogLevel(os.environ.get("WIREWATCH_SPARK_LOG_LEVEL", "ERROR"))  # INFO to see stages
    return spark, True


def run_spark(inputs: list[str], out: str | os.PathLike, *, master: str | None = None, workers: int | None = None,
              options: Options | None = None) -> BatchSummary:
    options = options or Options()
    SparkSession = _require_spark()
    t0 = time.perf_counter()
    workers = max(1, workers or os.cpu_count() or 1)
    tasks = resolve_inputs(inputs)  # absolute URIs, checked on the driver before any task is made
    target = Location(out)
    target.check_writable()
    spark, owned = _session(SparkSession, master, workers)
    cores = spark.sparkContext.defaultParallelism
    stage = staging(target)
    try:
        results = _process(spark, tasks, options, stage)
        n_articles, n_stories = _finish(spark, results, stage)
    except WirewatchError:
        raise
    except Exception as exc:  # Py4JJavaError with pages of JVM and Python traces: one line instead
        raise SparkJobError(job_failure(exc)) from exc
    finally:
        if owned:
            spark.stop()
    publish(target, stage)
    codes: dict[str, int] = {}
    for res in results:
        for code, count in res.reject_codes.items():
            codes[code] = codes.get(code, 0) + count
    return BatchSummary("spark", cores, len(tasks), n_articles, sum(codes.values()), n_stories,
                        round(time.perf_counter() - t0, 3), target.uri,
                        worker_peak_mb=max((r.peak_mb for r in results), default=0), reject_codes=codes,
                        reject_sample=next((r.reject_sample for r in results if r.reject_sample), ""))


def _process(spark, tasks: list[Task], options: Options, stage: Location) -> list[TaskResult]:
    """Run the per-document function over every task, once.  Each Python worker writes its article
    rows, dedup keys and rejects to staged Parquet on the output's storage itself (local disk or
    object storage, through pyarrow: no Hadoop connector needed), and returns only counts and paths."""
    sc = spark.sparkContext
    # one partition per input file (up to MAX_SLICES): a crawl's files are big (a CC-News WARC is ~1 GB,
    # CPU-hours of work), so grouping several into one partition would leave cores idle at the end
    slices = max(1, min(len(tasks), MAX_SLICES))
    jobs = sc.parallelize(list(enumerate(tasks)), slices)
    results = jobs.mapPartitions(lambda it: [write_task(i, t, options, stage, spill=True) for i, t in it]).collect()
    return sorted(results, key=lambda r: r.index)


def _keys_rows(path: str, stage: Location):
    """Rows of one staged keys file (cheap and deterministic: Spark may recompute it at will)."""
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=["ordinal", "content_hash", "n_shingles", "minhash"],
                          filesystem=stage.arrow_fs)
    return zip(*(table.column(i).to_pylist() for i in range(table.num_columns)))


def _finish(spark, results: list[TaskResult], stage: Location) -> tuple[int, int]:
    """Story grouping over the staged keys, then the story ids stamped into the month-partitioned
    output and an (empty) rejects file when nothing was rejected; (articles, stories)."""
    sc = spark.sparkContext
    key_files = [r.keys_file for r in results if r.keys_file]
    parts = [p for r in results for p in r.parts]
    n_stories = 0
    if key_files:
        rows = sc.parallelize(key_files, min(len(key_files), MAX_SLICES)).flatMap(lambda f: _keys_rows(f, stage))
        keys = spark.createDataFrame(rows, "ordinal long, content_hash string, n_shingles int, minhash binary")
        reps, n_bodies = _representatives(keys)
        moved = {h: s for h, s in _stories(spark, reps).items() if h != s}
        n_stories = n_bodies - len(moved)
        story_map = sc.broadcast(moved)
        n_articles = (sc.parallelize(parts, min(len(parts), MAX_SLICES))
                      .map(lambda p: stamp(p, story_map.value, by="content_hash", stage=stage)).sum())
        story_map.unpersist()
    else:
        n_articles = 0
    stage.makedirs("articles")
    if not any(r.reject_codes for r in results):
        import pyarrow as pa
        import pyarrow.parquet as pq

        stage.makedirs("rejects")
        pq.write_table(pa.Table.from_pylist([], schema=REJECT_SCHEMA), stage.join("rejects", "part-empty.parquet"),
                       filesystem=stage.arrow_fs)
    stage.rmtree("parts")
    stage.rmtree("keys")
    return int(n_articles), n_stories


def _representatives(articles):
    """The first copy (lowest ordinal) of every distinct body, with its signature; and their number."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    first = Window.partitionBy("content_hash").orderBy("ordinal")
    reps = (articles.select("ordinal", "content_hash", "n_shingles", "minhash")
            .withColumn("_k", F.row_number().over(first)).where(F.col("_k") == 1).drop("_k"))
    reps = reps.persist()
    return reps, reps.count()


def _stories(spark, reps) -> dict[str, str]:
    """{content hash: story id} of every representative that joins an earlier story."""
    pairs = _candidate_pairs(reps)
    sigs = reps.select("ordinal", "content_hash", "minhash", "n_shingles")
    a, b = sigs.alias("a"), sigs.alias("b")
    joined = (pairs.join(a, pairs.lo == a.ordinal).join(b, pairs.hi == b.ordinal)
              .select("lo", "hi", "a.content_hash", "a.minhash", "a.n_shingles",
                      "b.content_hash", "b.minhash", "b.n_shingles"))
    edges = joined.rdd.mapPartitions(_verify).collect()
    reps.unpersist()
    return replay(edges)


def _candidate_pairs(reps):
    """(lo, hi) ordinals of representatives sharing at least one LSH band bucket."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    bands, rows = band_params()
    width = rows * 4  # bytes of one band: ``rows`` uint32 values, as the local LSH slices them
    keys = F.array(*[F.struct(F.lit(i).alias("band"), F.substring("minhash", i * width + 1, width).alias("key"))
                     for i in range(bands)])
    keyed = (reps.where(F.col("n_shingles") > 0).select("ordinal", F.explode(keys).alias("bk"))
             .select("ordinal", "bk.band", "bk.key"))
    bucket = Window.partitionBy("band", "key")
    sized = (keyed.withColumn("size", F.count("*").over(bucket)).withColumn("first", F.min("ordinal").over(bucket))
             .where(F.col("size") > 1))
    small = sized.where(F.col("size") <= BUCKET_CAP).select("ordinal", "band", "key")
    lo, hi = small.alias("x"), small.alias("y")
    within = (lo.join(hi, (F.col("x.band") == F.col("y.band")) & (F.col("x.key") == F.col("y.key"))
                      & (F.col("x.ordinal") < F.col("y.ordinal")))
              .select(F.col("x.ordinal").alias("lo"), F.col("y.ordinal").alias("hi")))
    capped = (sized.where((F.col("size") > BUCKET_CAP) & (F.col("ordinal") != F.col("first")))
              .select(F.col("first").alias("lo"), F.col("ordinal").alias("hi")))
    return within.unionByName(capped).distinct()


def _verify(rows):
    """Verified pairs with their score (equal signature positions), as ``Deduper._match`` ranks them."""
    for lo, hi, ha, sa, na, hb, sb, nb in rows:
        a, b = np.frombuffer(sa, dtype=np.uint32), np.frombuffer(sb, dtype=np.uint32)
        if same_story(a, na, b, nb):
            yield (lo, ha, hi, hb, int(np.count_nonzero(a == b)))


def replay(edges: list[tuple[int, str, int, str, int]]) -> dict[str, str]:
    """``Deduper``'s decisions, replayed in crawl order over verified pairs of representatives.

    Each representative, in ordinal order, joins the story of its best-scoring earlier neighbour
    (ties: the smaller story id) or founds a story named by its own content hash."""
    earlier: dict[int, list[tuple[int, int]]] = defaultdict(list)
    hashes: dict[int, str] = {}
    for lo, ha, hi, hb, score in edges:
        earlier[hi].append((lo, score))
        hashes[lo], hashes[hi] = ha, hb
    story: dict[int, str] = {}
    for node in sorted(hashes):
        best: tuple[int, str] | None = None
        for other, score in earlier.get(node, ()):
            s = story[other]
            if best is None or score > best[0] or (score == best[0] and s < best[1]):
                best = (score, s)
        story[node] = best[1] if best else hashes[node]
    return {hashes[n]: s for n, s in story.items()}
