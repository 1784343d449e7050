"""``--engine spark``: the same per-task function on a Spark cluster (or ``local[N]``).

Why it is shaped this way (a first version took ~165 s on 7 tiny documents):

* **The NLP runs exactly once.**  Documents are processed in one ``mapPartitions`` whose rows are
  written straight to a staged Parquet file (one job).  Everything after reads that file, so no
  later action can re-run the pipeline (an RDD ``.cache()`` is only a hint: evicted or partly
  computed blocks are silently recomputed, and every action on a DataFrame built over a Python
  RDD re-enters Python).  Each Python worker loads the spaCy model once and reuses it.
* **Python only where our code must run**: processing and the ``same_story`` check of candidate
  pairs.  Band keys, buckets, candidate pairs, the story join and the partitioned write are Spark
  SQL (JVM), with few shuffle partitions in local mode (adaptive execution merges small ones).
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
import resource
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from ..dedup import LSH_THRESHOLD, NUM_PERM, same_story
from ..errors import UsageError
from .common import (
    ARTICLE_SCHEMA,
    REJECT_SCHEMA,
    BatchSummary,
    Options,
    iter_task,
    list_tasks,
    publish,
    staging,
)

log = logging.getLogger(__name__)

BUCKET_CAP = 300
MAX_SLICES = 4096
INSTALL_HINT = "pip install 'wirewatch[spark]'"


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


STAGED_EXTRA = ("kind", "code", "reason")  # one staged table holds articles (kind A) and rejects (kind R)


def _partition(items, options: Options, peak):
    """Rows of the tasks of one partition, articles and rejects in one stream (kind A / R)."""
    names = ARTICLE_SCHEMA.names
    for index, item in items:
        for kind, row in iter_task(index, item, options):
            if kind == "A":
                yield tuple(row[n] for n in names) + ("A", None, None)
            else:
                yield tuple(row.get(n) for n in names) + ("R", row["code"], row["reason"])
    peak.add(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)


def _max_param():
    from pyspark.accumulators import AccumulatorParam

    class MaxParam(AccumulatorParam):
        def zero(self, value: int) -> int:
            return 0

        def addInPlace(self, a: int, b: int) -> int:
            return max(a, b)

    return MaxParam()


def _session(SparkSession, master: str | None, workers: int):
    """The active session if there is one (a notebook, a test module), else a new quiet one."""
    active = SparkSession.getActiveSession()
    if active is not None:
        if master and active.sparkContext.master != master:
            log.warning("using the active Spark session (%s), not %s", active.sparkContext.master, master)
        return active, False
    _require_java()
    builder = (SparkSession.builder.master(master or f"local[{workers}]").appName("wirewatch batch")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.python.worker.reuse", "true").config("spark.sql.adaptive.enabled", "true"))
    if master is None or master.startswith("local"):
        builder = (builder.config("spark.sql.shuffle.partitions", str(max(2, workers * 2)))
                   .config("spark.pyspark.python", sys.executable)
                   .config("spark.pyspark.driver.python", sys.executable))
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
    tasks = list_tasks(inputs)
    out = Path(out).resolve()
    spark, owned = _session(SparkSession, master, workers)
    cores = spark.sparkContext.defaultParallelism
    tmp = staging(out)
    try:
        peak = _process(spark, tasks, options, tmp / "staged")
        n_articles, n_rejects, n_stories = _finish(spark, tmp)
    finally:
        if owned:
            spark.stop()
    shutil.rmtree(tmp / "staged", ignore_errors=True)
    publish(out, tmp)
    return BatchSummary("spark", cores, len(tasks), n_articles, n_rejects, n_stories,
                        round(time.perf_counter() - t0, 3), str(out), worker_peak_mb=peak)


def _process(spark, tasks: list[str], options: Options, staged: Path) -> int:
    """Run the per-document function over every task, once, into one staged Parquet table."""
    sc = spark.sparkContext
    peak = sc.accumulator(0, _max_param())
    # one partition per input file (up to MAX_SLICES): a crawl's files are big (a CC-News WARC is ~1 GB,
    # CPU-hours of work), so grouping several into one partition would leave cores idle at the end
    slices = max(1, min(len(tasks), MAX_SLICES))
    rows = sc.parallelize(list(enumerate(tasks)), slices).mapPartitions(lambda it: _partition(it, options, peak))
    spark.createDataFrame(rows, _spark_schema(ARTICLE_SCHEMA, extra=STAGED_EXTRA), verifySchema=False) \
        .write.mode("overwrite").parquet(str(staged))
    return int(peak.value)


def _finish(spark, tmp: Path) -> tuple[int, int, int]:
    """Rejects and story-grouped articles from the staged table; (articles, rejects, stories)."""
    from pyspark.sql import functions as F

    staged = spark.read.parquet(str(tmp / "staged"))
    counts = {r["kind"]: r["count"] for r in staged.groupBy("kind").count().collect()}
    rejects = staged.where(F.col("kind") == "R").select(*REJECT_SCHEMA.names)
    rejects.coalesce(1).sortWithinPartitions("ordinal").write.mode("overwrite").parquet(str(tmp / "rejects"))
    articles = staged.where(F.col("kind") == "A").select(*ARTICLE_SCHEMA.names)
    reps, n_bodies = _representatives(articles)
    stories = _stories(spark, reps)
    moved = {h: s for h, s in stories.items() if h != s}
    story_col = F.col("content_hash")
    if moved:
        lookup = spark.createDataFrame(list(moved.items()), "content_hash string, story string")
        articles = articles.join(lookup, "content_hash", "left")
        story_col = F.coalesce(F.col("story"), F.col("content_hash"))
    final = articles.withColumn("story_id", story_col).select(*ARTICLE_SCHEMA.names)
    (final.sortWithinPartitions("month", "ordinal").write.mode("overwrite").partitionBy("month")
     .parquet(str(tmp / "articles")))
    return counts.get("A", 0), counts.get("R", 0), n_bodies - len(moved)


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
