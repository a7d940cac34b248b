-- The writing side of the API: personal tokens, rate-limit counters and the change feed.

-- Personal API tokens. Only a hash of the token is kept (tokens are 256 random bits, so a plain
-- SHA-256 is enough); scopes is a comma-separated list ("read", "read,edit").
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Requests counted per key (a token or an address) and fixed window, by every instance.
CREATE TABLE api_limits (
    key          TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits         INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX api_limits_window ON api_limits(window_start);

-- The change feed: every accepted revision gets a number in the order its transaction
-- committed, from one counter row that each such transaction updates just before it commits
-- (see Tx.numberRevisions). Revisions already there are numbered in the order they were made.
ALTER TABLE revisions ADD COLUMN feed BIGINT;
UPDATE revisions SET feed = o.n FROM (SELECT entity_id, number,
    ROW_NUMBER() OVER (ORDER BY created_at, changeset_id, entity_id, number) AS n FROM revisions) AS o
WHERE o.entity_id = revisions.entity_id AND o.number = revisions.number;
CREATE UNIQUE INDEX revisions_feed ON revisions(feed);
CREATE TABLE feed_counter (
    id INTEGER PRIMARY KEY,
    n  BIGINT NOT NULL
);
INSERT INTO feed_counter (id, n) SELECT 1, MAX(feed) FROM revisions HAVING MAX(feed) IS NOT NULL;
