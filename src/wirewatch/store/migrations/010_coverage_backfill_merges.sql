-- Issue 12: when two coverage clusters merge, their happenings of one kind, place and date merge too
-- (from_id into into_id, recorded here as cluster merges are in coverage_merges); and the backfill of
-- stores written before migration 008 (articles without a coverage profile get one on the first
-- writable open, in chunks; coverage_backfill records how far it got).
CREATE TABLE happening_merges (
    from_id        VARCHAR NOT NULL,
    into_id        VARCHAR NOT NULL,
    coverage_from  VARCHAR NOT NULL,   -- the cluster merge that brought them together
    coverage_into  VARCHAR NOT NULL,
    merged_at      TIMESTAMP NOT NULL
);

CREATE TABLE coverage_backfill (
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    articles     BIGINT NOT NULL DEFAULT 0
);
