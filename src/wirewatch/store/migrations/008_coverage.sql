-- Issue 12: coverage clusters (articles from any outlet reporting one real-world happening) and
-- happenings (events from many reports of one happening).
--
-- coverage_profiles: each article's clustering profile (see wirewatch.coverage) and its cluster.
-- coverage_keys: the features an article is filed under, hashed, with the week it belongs to (its
--   publication week, else the week it was stored); new articles probe the keys of their own and the
--   neighbouring weeks.  Rows are appended in arrival order, so the week filter skips old row groups
--   by their min/max: a lookup's cost follows the volume of a few weeks, not the size of the store.
-- coverage_merges: a later article that joined two clusters merged them (from_id into into_id);
--   clusters are never split.
CREATE TABLE coverage_profiles (
    article_id  VARCHAR NOT NULL,
    story_id    VARCHAR NOT NULL,
    coverage_id VARCHAR NOT NULL,
    week        INTEGER NOT NULL,
    day         INTEGER,           -- publication day (ordinal) where known
    profile     JSON NOT NULL
);
CREATE INDEX coverage_profiles_coverage ON coverage_profiles (coverage_id);

CREATE TABLE coverage_keys (
    key        BIGINT NOT NULL,
    week       INTEGER NOT NULL,
    article_id VARCHAR NOT NULL
);

CREATE TABLE coverage_merges (
    from_id    VARCHAR NOT NULL,
    into_id    VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,   -- the article that bridged them
    merged_at  TIMESTAMP NOT NULL
);

CREATE INDEX articles_coverage ON articles (coverage_id);

-- An event's happening: events of one happening (one attack, however many reports and however they
-- date or place it) share it.  Events stored before this migration have no row (each its own happening).
CREATE TABLE event_happenings (
    event_key    VARCHAR NOT NULL,
    happening_id VARCHAR NOT NULL
);
CREATE INDEX event_happenings_key ON event_happenings (event_key);
CREATE INDEX event_happenings_happening ON event_happenings (happening_id);

-- What a new event is compared with: each happening's type, place, country and text-given day,
-- filed under keys (its coverage cluster and type; its type, place and month).
CREATE TABLE happenings (
    happening_id  VARCHAR NOT NULL,
    type          VARCHAR,
    place         VARCHAR,
    place_country VARCHAR,
    country_level BOOLEAN,
    day           INTEGER,   -- ordinal of the text-given day of its first event
    month         VARCHAR,   -- YYYY-MM of its first event's text-given date
    coverage_id   VARCHAR,
    source        VARCHAR,
    target        VARCHAR,
    plover        VARCHAR,
    span_first    INTEGER,   -- first and last day (ordinals) its first event's text-given date can mean
    span_last     INTEGER,
    first_seen    TIMESTAMP NOT NULL
);
CREATE INDEX happenings_id ON happenings (happening_id);

CREATE TABLE happening_keys (
    key          VARCHAR NOT NULL,
    happening_id VARCHAR NOT NULL
);
CREATE INDEX happening_keys_key ON happening_keys (key);
