-- The record's newer fields: an article's coverage cluster (one real-world happening, any outlet) and an
-- event's assertion status, confidence, trigger, coding path and evidence sentences.
ALTER TABLE articles ADD COLUMN coverage_id VARCHAR;
ALTER TABLE events ADD COLUMN status VARCHAR DEFAULT 'reported';
ALTER TABLE events ADD COLUMN confidence DOUBLE;
ALTER TABLE events ADD COLUMN trigger VARCHAR;
ALTER TABLE events ADD COLUMN path VARCHAR;
ALTER TABLE events ADD COLUMN evidence JSON;
