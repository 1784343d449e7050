-- Watches (saved queries), their subscribers (webhook, push, email), and what was sent.
CREATE TABLE watches (
    id         VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL UNIQUE,
    query      VARCHAR NOT NULL,
    digest     VARCHAR,                 -- NULL (notify at once), 'hourly' or 'daily'
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE subscribers (
    id             VARCHAR PRIMARY KEY,
    watch_id       VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,    -- 'webhook', 'push' or 'email'
    target         VARCHAR NOT NULL,    -- webhook URL, push endpoint or email address
    secret         VARCHAR,             -- webhook HMAC secret
    p256dh         VARCHAR,             -- push: the browser's public key (base64url)
    auth           VARCHAR,             -- push: the browser's auth secret (base64url)
    token          VARCHAR NOT NULL UNIQUE,  -- unguessable unsubscribe token
    allow_private  BOOLEAN NOT NULL DEFAULT FALSE,
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    dropped_reason VARCHAR,
    created_at     TIMESTAMP NOT NULL,
    last_digest_at TIMESTAMP
);
CREATE INDEX subscribers_watch ON subscribers (watch_id);

-- One row per (watch, subscriber, story): a story is notified once, never once per copy.
CREATE TABLE deliveries (
    watch_id        VARCHAR NOT NULL,
    subscriber_id   VARCHAR NOT NULL,
    story_id        VARCHAR NOT NULL,
    article_id      VARCHAR NOT NULL,
    item            JSON NOT NULL,      -- the story as named in payloads (title, url, matched terms...)
    status          VARCHAR NOT NULL,   -- 'pending', 'digest', 'sent', 'dead', 'dropped', 'cancelled'
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    last_error      VARCHAR,
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP,
    PRIMARY KEY (watch_id, subscriber_id, story_id)
);

-- What could not be delivered after the last try, with the exact payload, for inspection/replay.
CREATE TABLE dead_letters (
    subscriber_id VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    target        VARCHAR NOT NULL,
    story_ids     VARCHAR[],
    payload       VARCHAR NOT NULL,
    error         VARCHAR,
    attempts      INTEGER,
    created_at    TIMESTAMP NOT NULL
);

-- Keys made on first use (the VAPID key pair of Web Push).
CREATE TABLE alert_keys (
    name       VARCHAR PRIMARY KEY,
    value      VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);
