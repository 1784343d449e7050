"""``--engine spark``: the same per-task function on a Spark cluster (or ``local[N]``).

Documents are processed in ``mapPartitions``, so each Python worker loads the spaCy model once
and reuses it for every task of every partition it runs.  Story grouping is MinHash banding in
Spark: each article emits one key per LSH band (the same bands as the local ``MinHashLSH``), a
self-join on the band key yields candidate pairs, and each pair is verified with the same
``same_story`` test as the local dedup.  Only verified pairs (one per near-duplicate, a small
fraction of a crawl) reach the driver, where a union-find gives each article the story of the
earliest copy in its group: the content hash of that copy, as the local dedup does.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import numpy as np

from ..dedup import NUM_PERM, LSH_THRESHOLD, same_story
from ..errors import UsageError
from .common import ARTICLE_SCHEMA, REJECT_SCHEMA, BatchSummary, Options, list_tasks, publish, run_task, staging


def _require_spark():
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise UsageError("the Spark engine needs PySpark: pip install 'wirewatch[spark]' "
                         "(and Java 17 on the machine)") from exc
    return SparkSession


def band_params() -> tuple[int, int]:
    """(bands, rows) of the local LSH index, so both engines propose the same candidates."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def band_keys(sig: bytes, bands: int, rows: int) -> list[str]:
    values = np.frombuffer(sig, dtype=np.uint32)
    return [f"{b}:" + hashlib.blake2b(values[b * rows:(b + 1) * rows].tobytes(), digest_size=8).hexdigest()
            for b in range(bands)]


def _partition(items, options: Options):
    for index, item in items:
        arts, rejs = run_task(index, item, options)
        for row in arts:
            yield ("A", row)
        for row in rejs:
            yield ("R", row)


def _spark_schema(arrow_schema):
    from pyspark.sql import types as T

    mapping = {"int64": T.LongType(), "int32": T.IntegerType(), "string": T.StringType(),
               "binary": T.BinaryType(), "list<item: string>": T.ArrayType(T.StringType())}
    return T.StructType([T.StructField(f.name, mapping[str(f.type)], True) for f in arrow_schema])


def run_spark(inputs: list[str], out: str | os.PathLike, *, master: str | None = None, workers: int | None = None,
              options: Options = Options()) -> BatchSummary:
    SparkSession = _require_spark()
    t0 = time.perf_counter()
    workers = max(1, workers or os.cpu_count() or 1)
    master = master or f"local[{workers}]"
    out = Path(out).resolve()
    tmp = staging(out)
    tasks = list_tasks(inputs)
    spark = (SparkSession.builder.master(master).appName("wirewatch batch")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", str(workers * 2))
             .config("spark.python.worker.reuse", "true").getOrCreate())
    try:
        sc = spark.sparkContext
        slices = max(1, min(len(tasks), workers * 4))
        rows = sc.parallelize(list(enumerate(tasks)), slices).mapPartitions(
            lambda it: _partition(it, options)).cache()
        articles = spark.createDataFrame(rows.filter(lambda r: r[0] == "A").map(lambda r: r[1]),
                                         _spark_schema(ARTICLE_SCHEMA))
        rejects = spark.createDataFrame(rows.filter(lambda r: r[0] == "R").map(lambda r: r[1]),
                                        _spark_schema(REJECT_SCHEMA))
        stories = _group(spark, articles)
        from pyspark.sql import functions as F

        lookup = spark.createDataFrame(list(stories.items()), "ordinal long, story string")
        final = (articles.join(F.broadcast(lookup), "ordinal", "left")
                 .withColumn("story_id", F.coalesce(F.col("story"), F.col("content_hash"))).drop("story")
                 .select(*ARTICLE_SCHEMA.names))
        final.write.mode("overwrite").partitionBy("month").parquet(str(tmp / "articles"))
        rejects.coalesce(1).write.mode("overwrite").parquet(str(tmp / "rejects"))
        n_articles = final.count()
        n_rejects = rejects.count()
        n_stories = final.select("story_id").distinct().count()
    finally:
        spark.stop()
    publish(out, tmp)
    return BatchSummary("spark", workers, len(tasks), n_articles, n_rejects, n_stories,
                        round(time.perf_counter() - t0, 3), str(out))


def _group(spark, articles) -> dict[int, str]:
    """Story of every article that has a copy: {ordinal: content hash of the earliest copy}."""
    bands, rows = band_params()
    keyed = articles.select("ordinal", "content_hash", "n_shingles", "minhash").rdd
    by_band = keyed.flatMap(lambda r: [(k, r.ordinal) for k in band_keys(r.minhash, bands, rows)]
                            if r.n_shingles else [])
    by_hash = keyed.map(lambda r: ("h:" + r.content_hash, r.ordinal))
    candidates = (by_band.union(by_hash).groupByKey()
                  .flatMap(lambda kv: _pairs(kv[0], sorted(set(kv[1])))).distinct())
    sigs = keyed.map(lambda r: (r.ordinal, (r.content_hash, r.minhash, r.n_shingles)))
    joined = (candidates.join(sigs).map(lambda kv: (kv[1][0], (kv[0], kv[1][1]))).join(sigs)
              .map(lambda kv: (kv[1][0][0], kv[1][0][1], kv[0], kv[1][1])))
    verified = joined.filter(lambda t: _verified(t[1], t[3])).map(lambda t: (t[0], t[1][0], t[2], t[3][0]))
    edges, hashes = [], {}
    for a, ha, b, hb in verified.collect():
        edges.append((a, b))
        hashes[a], hashes[b] = ha, hb
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {node: hashes[find(node)] for node in hashes}


BUCKET_CAP = 300


def _pairs(key: str, members: list[int]):
    """Candidate pairs of one bucket.  Exact copies (and oversized buckets, rare boilerplate) are
    linked to their earliest member only, keeping the pair count linear."""
    if key.startswith("h:") or len(members) > BUCKET_CAP:
        yield from ((members[0], b) for b in members[1:])
        return
    for i, a in enumerate(members):
        for b in members[i + 1:]:
            yield (a, b)


def _verified(a, b) -> bool:
    (ha, sa, na), (hb, sb, nb) = a, b
    if ha == hb:
        return True
    return same_story(np.frombuffer(sa, dtype=np.uint32), na, np.frombuffer(sb, dtype=np.uint32), nb)
