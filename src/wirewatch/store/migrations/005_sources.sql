-- Sources that `wirewatch follow` polls by itself, with their health (issue 10).
-- Which items of a source were already read is not kept here: each item is marked in feed_state
-- (keyed by the item's URL or file path) in the very transaction that stores it.
CREATE TABLE sources (
    id            VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,      -- an http(s) URL, or the absolute path of a folder
    kind          VARCHAR NOT NULL,      -- feed | sitemap | page | folder | auto (until the first poll tells)
    every_s       INTEGER NOT NULL,
    added_at      TIMESTAMP NOT NULL,
    next_due      TIMESTAMP NOT NULL,
    last_polled   TIMESTAMP,
    last_status   VARCHAR,               -- ok | not_modified | error
    last_error    VARCHAR,               -- "<code>: <reason>" of the last failed poll
    failures      INTEGER NOT NULL DEFAULT 0,  -- consecutive failed polls
    last_new_item TIMESTAMP,
    items_stored  BIGINT NOT NULL DEFAULT 0
);
