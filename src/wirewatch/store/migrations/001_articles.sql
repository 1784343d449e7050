-- Articles (one row per stored copy), their extracted items, rejects and feed state.
CREATE TABLE articles (
    id           VARCHAR PRIMARY KEY,
    story_id     VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    url          VARCHAR,
    title        VARCHAR,
    authors      VARCHAR[],
    agency       VARCHAR,
    dateline     VARCHAR,
    published    DATE,
    language     VARCHAR,
    text         VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    n_shingles   INTEGER NOT NULL,
    minhash      BLOB,
    record       JSON NOT NULL,          -- the full article record of DESIGN.md
    ingested_at  TIMESTAMP NOT NULL
);
CREATE INDEX articles_story ON articles (story_id);
CREATE INDEX articles_hash ON articles (content_hash);

CREATE TABLE entities (
    article_id VARCHAR NOT NULL,
    story_id   VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    type       VARCHAR,
    roles      VARCHAR[],
    n_mentions INTEGER
);
CREATE INDEX entities_name ON entities (name);

CREATE TABLE quotes (
    article_id VARCHAR NOT NULL,
    story_id   VARCHAR NOT NULL,
    speaker    VARCHAR,
    text       VARCHAR NOT NULL,
    start_char INTEGER,
    end_char   INTEGER,
    cue        VARCHAR,
    direct     BOOLEAN,
    language   VARCHAR
);

CREATE TABLE places (
    article_id VARCHAR NOT NULL,
    story_id   VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    country    VARCHAR,
    lat        DOUBLE,
    lon        DOUBLE,
    geonameid  BIGINT,
    n_mentions INTEGER
);
CREATE INDEX places_name ON places (name);

-- One row per event however many reports carry it; event_reports lists every report.
CREATE TABLE events (
    event_key        VARCHAR PRIMARY KEY,
    type             VARCHAR,
    plover           VARCHAR,
    source_name      VARCHAR,
    source_country   VARCHAR,
    source_sector    VARCHAR,
    target_name      VARCHAR,
    target_country   VARCHAR,
    target_sector    VARCHAR,
    date             VARCHAR,
    date_basis       VARCHAR,
    place            VARCHAR,
    text             VARCHAR,
    first_article_id VARCHAR NOT NULL,
    first_seen       TIMESTAMP NOT NULL
);

CREATE TABLE event_reports (
    event_key  VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    story_id   VARCHAR NOT NULL,
    start_char INTEGER,
    end_char   INTEGER
);
CREATE INDEX event_reports_key ON event_reports (event_key);

CREATE TABLE rejects (
    source VARCHAR PRIMARY KEY,
    code   VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    rejected_at TIMESTAMP NOT NULL
);

CREATE TABLE feed_state (
    url           VARCHAR PRIMARY KEY,
    etag          VARCHAR,
    last_modified VARCHAR,
    checked_at    TIMESTAMP NOT NULL
);

CREATE TABLE ingests (
    id          BIGINT PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    seen        INTEGER,
    stored      INTEGER,
    duplicates  INTEGER,
    rejected    INTEGER
);
