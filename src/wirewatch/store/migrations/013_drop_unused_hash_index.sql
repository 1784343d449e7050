-- Issue 10: no query looks articles up by content hash one at a time (an update probes its batch's hashes
-- with a hash join), so the index on content_hash only cost every append and memory.  Dropped.
DROP INDEX IF EXISTS articles_hash;
